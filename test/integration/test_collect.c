/*
 * test_collect: the collection endpoint through the real stack (nginx,
 * trackr-collect over FastCGI, MariaDB).  Every case checks the answer
 * and what it left in the database: rows for a good request, none for a
 * refused one.  Needs TRACKR_URL, TRACKR_CONF and TRACKR_SITE_KEY (and
 * TRACKR_DB_STOP_CMD / TRACKR_DB_START_CMD for the outage case), as set
 * by `scripts/trackr test`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "log.h"
#include "util.h"

/* Every request leaves from here, so the scan at the end can look for it. */
#define CLIENT_ADDR	"127.0.0.77"

#define S(x)		((x) ? (x) : "(null)")

enum q {
	Q_ORG_ADD,
	Q_SITE_ADD,
	Q_SITE_ID,
	Q_EVENTS_COUNT,
	Q_EVENTS_MAX_ID,
	Q_EVENTS_AFTER,
	Q_SESSION,
	Q_SESSIONS_COUNT,
	Q_SESSIONS_EVENTS,
	Q_SESSIONS_PAGEVIEWS,
	Q_ORPHAN_EVENTS,
	Q_VISITORS,
	Q_BATCH_COUNT,
	Q_NUL_ROWS,
	Q__MAX
};

static const char *const stmts[Q__MAX] = {
	[Q_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[Q_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, allowed_origins, enabled, "
	    "allow_bots, respect_dnt, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_SITE_ID] = "SELECT id FROM sites WHERE site_key = ?",
	[Q_EVENTS_COUNT] = "SELECT COUNT(*) FROM events WHERE site_id = ?",
	[Q_EVENTS_MAX_ID] = "SELECT COALESCE(MAX(id), 0) FROM events WHERE site_id = ?",
	[Q_EVENTS_AFTER] =
	    "SELECT name, hostname, pathname, referrer, source, referrer_domain, "
	    "utm_source, utm_medium, utm_campaign, utm_term, utm_content, device, "
	    "browser, browser_version, os, os_version, screen_width, engagement_ms, "
	    "scroll_depth, interactive, props, revenue_amount, revenue_currency, "
	    "visitor_id, session_id FROM events WHERE site_id = ? AND id > ? ORDER BY id",
	[Q_SESSION] =
	    "SELECT id, visitor_id, entry_page, exit_page, pageviews, events, "
	    "interactions, engagement_ms, max_scroll, site_id FROM sessions WHERE id = ?",
	[Q_SESSIONS_COUNT] = "SELECT COUNT(*) FROM sessions WHERE site_id = ?",
	[Q_SESSIONS_EVENTS] = "SELECT COALESCE(SUM(events), 0) FROM sessions WHERE site_id = ?",
	[Q_SESSIONS_PAGEVIEWS] =
	    "SELECT COALESCE(SUM(pageviews), 0) FROM sessions WHERE site_id = ?",
	[Q_ORPHAN_EVENTS] =
	    "SELECT COUNT(*) FROM events e LEFT JOIN sessions s ON s.id = e.session_id "
	    "WHERE e.site_id = ? AND s.id IS NULL",
	[Q_VISITORS] = "SELECT COUNT(DISTINCT visitor_id) FROM events WHERE site_id = ?",
	[Q_BATCH_COUNT] = "SELECT COUNT(*) FROM ingest_batches WHERE site_id = ? AND batch_id = ?",
	[Q_NUL_ROWS] =
	    "SELECT COUNT(*) FROM events WHERE site_id = ? AND INSTR(CONCAT_WS('|', name, "
	    "hostname, pathname, referrer, source, referrer_domain, utm_source, utm_medium, "
	    "utm_campaign, utm_term, utm_content, COALESCE(props, '')), "
	    "CHAR(0 USING utf8mb4)) > 0",
};

/* Columns of Q_EVENTS_AFTER. */
enum ev {
	EV_NAME, EV_HOSTNAME, EV_PATHNAME, EV_REFERRER, EV_SOURCE, EV_REFDOMAIN,
	EV_UTM_SOURCE, EV_UTM_MEDIUM, EV_UTM_CAMPAIGN, EV_UTM_TERM, EV_UTM_CONTENT,
	EV_DEVICE, EV_BROWSER, EV_BROWSER_VERSION, EV_OS, EV_OS_VERSION, EV_WIDTH,
	EV_ENGAGEMENT, EV_SCROLL, EV_INTERACTIVE, EV_PROPS, EV_REV_AMOUNT,
	EV_REV_CURRENCY, EV_VISITOR, EV_SESSION, EV__MAX
};

/* Columns of Q_SESSION. */
enum se {
	SE_ID, SE_VISITOR, SE_ENTRY, SE_EXIT, SE_PAGEVIEWS, SE_EVENTS,
	SE_INTERACTIONS, SE_ENGAGEMENT, SE_MAX_SCROLL, SE_SITE, SE__MAX
};

/* The sites this run creates, each for one concern so counts stay exact. */
enum site {
	SITE_MAIN,	/* good and bad requests; bots not allowed */
	SITE_SESS,	/* session stitching */
	SITE_DNT,	/* respect_dnt = 1 */
	SITE_OFF,	/* disabled from the start */
	SITE_RATE,	/* rate_limit = RATE_LIMIT */
	SITE_CONC,	/* the concurrency run */
	SITE_DOWN,	/* the database outage */
	SITE_COLD,	/* first used while the database is down */
	SITE_LATE,	/* first used after the database came back */
	SITE_POISON,	/* values the database may refuse */
	SITE_GONE,	/* clients that leave before their answer */
	SITE_DEMO,	/* the stack's demo site ($TRACKR_SITE_KEY), bots allowed */
	SITE__MAX
};

#define RATE_LIMIT	5
#define CONC_THREADS	8
#define CONC_REQUESTS	200

struct site_row {
	const char	*tag;
	int		 enabled, allow_bots, respect_dnt;
	unsigned	 rate_limit;
	unsigned	 id;
	char		 key[23];
	char		 domain[80];
	char		 origin[100];	/* https://domain */
};

static struct site_row sites[SITE__MAX] = {
	[SITE_MAIN] =	{ "main", 1, 0, 0, 0 },
	[SITE_SESS] =	{ "sess", 1, 0, 0, 0 },
	[SITE_DNT] =	{ "dnt", 1, 0, 1, 0 },
	[SITE_OFF] =	{ "off", 0, 0, 0, 0 },
	[SITE_RATE] =	{ "rate", 1, 0, 0, RATE_LIMIT },
	[SITE_CONC] =	{ "conc", 1, 0, 0, 0 },
	[SITE_DOWN] =	{ "down", 1, 0, 0, 0 },
	[SITE_COLD] =	{ "cold", 1, 0, 0, 0 },
	[SITE_LATE] =	{ "late", 1, 0, 0, 0 },
	[SITE_POISON] =	{ "poison", 1, 0, 0, 0 },
	[SITE_GONE] =	{ "gone", 1, 0, 0, 0 },
	[SITE_DEMO] =	{ "demo", 1, 1, 0, 0 },
};

static struct conf conf;
static struct db *db;
static char run_id[11];		/* lowercase, part of every domain */

/* Database helpers. */

struct rows {
	size_t	 n, ncol;
	char	**cell;		/* n * ncol strings, NULL for SQL NULL */
};

static int
rows_get(size_t q, struct db_args *a, struct rows *out)
{
	struct db_res r;
	const char *v;
	size_t j, len;
	int row;

	memset(out, 0, sizeof(*out));
	if (db_select(db, db_stmt(db, q), a, &r) == -1) {
		db_res_free(&r);
		return -1;
	}
	out->ncol = r.ncol;
	while ((row = db_fetch(&r)) == 1) {
		out->cell = xrealloc(out->cell, (out->n + 1) * out->ncol * sizeof(char *));
		for (j = 0; j < out->ncol; j++) {
			v = db_col(&r, (unsigned)j, &len);
			out->cell[out->n * out->ncol + j] = v ? xstrndup(v, len) : NULL;
		}
		out->n++;
	}
	db_res_free(&r);
	return row == -1 ? -1 : 0;
}

static const char *
cell(const struct rows *r, size_t i, size_t j)
{
	return i < r->n && j < r->ncol ? r->cell[i * r->ncol + j] : NULL;
}

static void
rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n * r->ncol; i++)
		free(r->cell[i]);
	free(r->cell);
	memset(r, 0, sizeof(*r));
}

static long long
site_int(size_t q, enum site s)
{
	struct db_args a = DB_ARGS_INIT;
	long long v;

	db_arg_uint(&a, sites[s].id);
	v = it_db_int(db, q, &a, 0);
	db_args_free(&a);
	return v;
}

static long long
events_of(enum site s)
{
	return site_int(Q_EVENTS_COUNT, s);
}

static long long
mark(enum site s)
{
	return site_int(Q_EVENTS_MAX_ID, s);
}

/* The events of site s stored after mark m, in the order they were stored. */
static void
events_after(enum site s, long long m, struct rows *out)
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_uint(&a, sites[s].id);
	db_arg_int(&a, m);
	if (rows_get(Q_EVENTS_AFTER, &a, out) == -1)
		IT_CHECK(0, "reading the events of site %s failed", sites[s].tag);
	db_args_free(&a);
}

static void
session_get(const char *id, struct rows *out)
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_strz(&a, id ? id : "0");
	if (rows_get(Q_SESSION, &a, out) == -1)
		IT_CHECK(0, "reading session %s failed", S(id));
	db_args_free(&a);
}

static int
eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Set-up: one organisation and the sites, all before the first request. */

static int
add_site(unsigned org, struct site_row *s)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf origins = BUF_INIT;
	unsigned long long id = 0;
	int rc;

	it_token(s->key, 22);
	snprintf(s->domain, sizeof(s->domain), "it-%s-%s.example", run_id, s->tag);
	snprintf(s->origin, sizeof(s->origin), "https://%s", s->domain);
	buf_addf(&origins, "https://%s https://www.%s", s->domain, s->domain);
	db_arg_uint(&a, org);
	db_arg_strz(&a, s->domain);
	db_arg_strz(&a, s->key);
	db_arg_strz(&a, origins.ptr);
	db_arg_int(&a, s->enabled);
	db_arg_int(&a, s->allow_bots);
	db_arg_int(&a, s->respect_dnt);
	db_arg_uint(&a, s->rate_limit);
	rc = db_exec(db, db_stmt(db, Q_SITE_ADD), &a, NULL, &id);
	s->id = (unsigned)id;
	db_args_free(&a);
	buf_release(&origins);
	return rc;
}

static int
suite_init(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf name = BUF_INIT;
	unsigned long long org = 0;
	const char *demo = getenv("TRACKR_SITE_KEY");
	size_t i;
	int rc = -1;

	if ((db = it_db_open(&conf, stmts, Q__MAX)) == NULL)
		return -1;
	if (demo == NULL || strlen(demo) != 22) {
		fprintf(stderr, "TRACKR_SITE_KEY is not set to the demo site's 22-character key\n");
		return -1;
	}
	it_token(run_id, sizeof(run_id) - 1);
	for (i = 0; run_id[i]; i++)	/* a host name label: lowercase letters and digits */
		if (!((run_id[i] >= 'a' && run_id[i] <= 'z') || (run_id[i] >= '0' && run_id[i] <= '9')))
			run_id[i] = (char)('a' + (unsigned char)run_id[i] % 26);
	buf_addf(&name, "integration test %s", run_id);
	db_arg_strz(&a, name.ptr);
	if (db_exec(db, db_stmt(db, Q_ORG_ADD), &a, NULL, &org) == -1)
		goto out;
	for (i = 0; i < SITE__MAX; i++)
		if (i != SITE_DEMO && add_site((unsigned)org, &sites[i]) == -1)
			goto out;
	snprintf(sites[SITE_DEMO].key, sizeof(sites[SITE_DEMO].key), "%s", demo);
	db_args_reset(&a);
	db_arg_strz(&a, demo);
	if ((sites[SITE_DEMO].id = (unsigned)it_db_int(db, Q_SITE_ID, &a, 0)) == 0) {
		fprintf(stderr, "no site has the key in TRACKR_SITE_KEY\n");
		goto out;
	}
	printf("\nrun %s: organisation %llu, sites %s.. (ids %u..%u)\n", run_id, org,
	    sites[0].domain, sites[0].id, sites[SITE__MAX - 2].id);
	rc = 0;
out:
	db_args_free(&a);
	buf_release(&name);
	return rc;
}

static int
suite_clean(void)
{
	db_close(db);
	conf_free(&conf);
	return 0;
}

/* Request helpers. */

static void
post(const char *ctype, const char *body, size_t len, const char *ua,
    const char *origin, struct it_resp *r)
{
	struct it_req rq = { .path = "/api/event", .ctype = ctype, .body = body,
	    .len = len, .ua = ua, .origin = origin };

	it_http(&rq, r);
}

/* A JSON body for site s: a single event with the given fields after "s". */
static void
event_body(struct buf *b, enum site s, const char *fields)
{
	buf_reset(b);
	buf_addf(b, "{\"s\":\"%s\",%s}", sites[s].key, fields);
}

/* A good request: 202, {"ok":true,"accepted":n}. */
static int
check_accepted(const char *what, const struct it_resp *r, long long n)
{
	return IT_CHECK(r->status == 202 && it_json_true(r, "ok") &&
	    it_json_int(r, "accepted", -1) == n && !it_json_true(r, "ignored") &&
	    !it_json_true(r, "duplicate"),
	    "%s: got %ld %s, want 202 with accepted %lld", what, r->status,
	    r->body.ptr, n);
}

/* A refused request: the status, {"error": "..."} and nothing stored. */
static void
check_refused(const char *what, enum site s, const struct it_req *rq, long want)
{
	struct it_resp r;
	json_object *o, *e;
	long long before = events_of(s), after;

	it_http(rq, &r);
	after = events_of(s);
	IT_CHECK(r.status == want, "%s: status %ld, want %ld (body %.300s)",
	    what, r.status, want, r.body.ptr);
	o = it_json(&r);
	IT_CHECK(o != NULL && json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0,
	    "%s: body %.300s is not {\"error\": reason}", what, r.body.ptr);
	json_object_put(o);
	IT_CHECK(after == before, "%s: %lld events stored, want none", what, after - before);
	it_resp_free(&r);
}

/* A refused JSON body for the main site. */
static void
refused_body(const char *what, const char *body, size_t len, long want)
{
	struct it_req rq = { .path = "/api/event", .ctype = "application/json",
	    .body = body, .len = len };

	check_refused(what, SITE_MAIN, &rq, want);
}

static void
refused_fields(const char *what, const char *fields)
{
	struct buf b = BUF_INIT;

	event_body(&b, SITE_MAIN, fields);
	refused_body(what, b.ptr, b.len, 400);
	buf_release(&b);
}

/* Send a probe until the collector accepts one (after a possible failure). */
static int
settle(enum site s, int seconds)
{
	struct buf b = BUF_INIT;
	struct it_resp r;
	int i, ok = 0;

	event_body(&b, s, "\"n\":\"probe\",\"u\":\"https://probe.example/\"");
	for (i = 0; i < seconds * 4 && !ok; i++) {
		post("application/json", b.ptr, b.len, NULL, NULL, &r);
		ok = r.status == 202;
		it_resp_free(&r);
		if (!ok)
			usleep(250 * 1000);
	}
	buf_release(&b);
	return ok;
}

/* Good requests. */

static void
test_health(void)
{
	struct it_req rq = { .path = "/api/health" };
	struct it_resp r;

	it_http(&rq, &r);
	IT_CHECK(r.status == 200 && it_json_true(&r, "ok"),
	    "GET /api/health: got %ld %.200s, want 200 {\"ok\":true}", r.status, r.body.ptr);
	it_resp_free(&r);
}

static void
test_tracker_event(void)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	struct rows e;
	struct it_resp r;
	long long m = mark(SITE_MAIN);
	const char *d = sites[SITE_MAIN].domain;

	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/pricing?"
	    "utm_medium=cpc&utm_campaign=spring%%20sale&utm_term=shoes&utm_content=banner\","
	    "\"r\":\"https://www.google.com/search?q=x\",\"w\":1440}",
	    sites[SITE_MAIN].key, d);
	post("text/plain;charset=UTF-8", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("tracker event", &r, 1);
	IT_CHECK(strcmp(r.local_ip, CLIENT_ADDR) == 0,
	    "the request left from %s, not %s: the IP scan would prove nothing",
	    r.local_ip, CLIENT_ADDR);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Credentials", &v) == 0,
	    "Access-Control-Allow-Credentials sent: %s", v.ptr);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Origin", &v) == 0 || strcmp(v.ptr, "*") != 0,
	    "POST answered with Access-Control-Allow-Origin: *");
	it_resp_free(&r);

	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 1, "tracker event: %zu rows stored, want 1", e.n)) {
		IT_CHECK(eq(cell(&e, 0, EV_NAME), "pageview"), "name %s", S(cell(&e, 0, EV_NAME)));
		IT_CHECK(eq(cell(&e, 0, EV_HOSTNAME), d), "hostname %s, want %s",
		    S(cell(&e, 0, EV_HOSTNAME)), d);
		IT_CHECK(eq(cell(&e, 0, EV_PATHNAME), "/pricing"), "pathname %s, want /pricing",
		    S(cell(&e, 0, EV_PATHNAME)));
		IT_CHECK(eq(cell(&e, 0, EV_REFERRER), "https://www.google.com/search?q=x"),
		    "referrer %s", S(cell(&e, 0, EV_REFERRER)));
		IT_CHECK(eq(cell(&e, 0, EV_SOURCE), "Google"), "source %s, want Google",
		    S(cell(&e, 0, EV_SOURCE)));
		IT_CHECK(eq(cell(&e, 0, EV_REFDOMAIN), "google.com"),
		    "referrer_domain %s, want google.com", S(cell(&e, 0, EV_REFDOMAIN)));
		IT_CHECK(eq(cell(&e, 0, EV_UTM_SOURCE), ""), "utm_source %s, want empty",
		    S(cell(&e, 0, EV_UTM_SOURCE)));
		IT_CHECK(eq(cell(&e, 0, EV_UTM_MEDIUM), "cpc"), "utm_medium %s",
		    S(cell(&e, 0, EV_UTM_MEDIUM)));
		IT_CHECK(eq(cell(&e, 0, EV_UTM_CAMPAIGN), "spring sale"),
		    "utm_campaign %s, want \"spring sale\" (decoded)", S(cell(&e, 0, EV_UTM_CAMPAIGN)));
		IT_CHECK(eq(cell(&e, 0, EV_UTM_TERM), "shoes"), "utm_term %s",
		    S(cell(&e, 0, EV_UTM_TERM)));
		IT_CHECK(eq(cell(&e, 0, EV_UTM_CONTENT), "banner"), "utm_content %s",
		    S(cell(&e, 0, EV_UTM_CONTENT)));
		IT_CHECK(eq(cell(&e, 0, EV_DEVICE), "desktop"), "device %s, want desktop",
		    S(cell(&e, 0, EV_DEVICE)));
		IT_CHECK(eq(cell(&e, 0, EV_BROWSER), "Chrome"), "browser %s, want Chrome",
		    S(cell(&e, 0, EV_BROWSER)));
		IT_CHECK(eq(cell(&e, 0, EV_BROWSER_VERSION), "120.0"), "browser_version %s",
		    S(cell(&e, 0, EV_BROWSER_VERSION)));
		IT_CHECK(eq(cell(&e, 0, EV_OS), "Windows"), "os %s, want Windows",
		    S(cell(&e, 0, EV_OS)));
		IT_CHECK(eq(cell(&e, 0, EV_OS_VERSION), "10"), "os_version %s",
		    S(cell(&e, 0, EV_OS_VERSION)));
		IT_CHECK(eq(cell(&e, 0, EV_WIDTH), "1440"), "screen_width %s, want 1440",
		    S(cell(&e, 0, EV_WIDTH)));
		IT_CHECK(eq(cell(&e, 0, EV_INTERACTIVE), "1"), "interactive %s, want 1",
		    S(cell(&e, 0, EV_INTERACTIVE)));
		IT_CHECK(cell(&e, 0, EV_PROPS) == NULL && cell(&e, 0, EV_REV_AMOUNT) == NULL,
		    "props %s / revenue %s, want NULL", S(cell(&e, 0, EV_PROPS)),
		    S(cell(&e, 0, EV_REV_AMOUNT)));
		IT_CHECK(!eq(cell(&e, 0, EV_VISITOR), "0") && !eq(cell(&e, 0, EV_SESSION), "0"),
		    "visitor_id %s session_id %s, want both set", S(cell(&e, 0, EV_VISITOR)),
		    S(cell(&e, 0, EV_SESSION)));
	}
	rows_free(&e);
	buf_release(&v);
	buf_release(&b);
}

static void
test_utm_source(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	struct rows e;
	struct it_resp r;
	long long m = mark(SITE_MAIN);

	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/?utm_source=newsletter&x=1\","
	    "\"r\":\"https://www.google.com/\"", sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("utm_source event", &r, 1);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 1, "utm_source event: %zu rows, want 1", e.n)) {
		IT_CHECK(eq(cell(&e, 0, EV_UTM_SOURCE), "newsletter"), "utm_source %s",
		    S(cell(&e, 0, EV_UTM_SOURCE)));
		IT_CHECK(eq(cell(&e, 0, EV_SOURCE), "newsletter"),
		    "source %s, want newsletter (utm_source before the referrer)",
		    S(cell(&e, 0, EV_SOURCE)));
		IT_CHECK(eq(cell(&e, 0, EV_PATHNAME), "/"), "pathname %s, want /",
		    S(cell(&e, 0, EV_PATHNAME)));
	}
	rows_free(&e);
	buf_release(&f);
	buf_release(&b);
}

/* The props column, parsed; the caller puts it. */
static json_object *
props_of(const struct rows *e, size_t i)
{
	const char *p = cell(e, i, EV_PROPS);

	return p ? json_tokener_parse(p) : NULL;
}

static int
prop_is(json_object *props, const char *key, const char *want)
{
	json_object *v;

	return props != NULL && json_object_object_get_ex(props, key, &v) &&
	    strcmp(json_object_get_string(v), want) == 0;
}

static void
test_plausible_long(void)
{
	struct buf b = BUF_INIT;
	struct rows e;
	struct it_resp r;
	json_object *p;
	long long m = mark(SITE_MAIN);
	const char *d = sites[SITE_MAIN].domain;

	buf_addf(&b, "{\"name\":\"Signup\",\"url\":\"https://%s/signup\",\"domain\":\"%s\","
	    "\"referrer\":\"https://news.ycombinator.com/item?id=1\","
	    "\"props\":{\"plan\":\"pro\",\"seats\":3,\"annual\":true},"
	    "\"revenue\":{\"amount\":\"49.90\",\"currency\":\"eur\"}}", d, d);
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("Plausible long-key event", &r, 1);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 1, "Plausible long-key event: %zu rows, want 1", e.n)) {
		p = props_of(&e, 0);
		IT_CHECK(eq(cell(&e, 0, EV_NAME), "Signup"), "name %s", S(cell(&e, 0, EV_NAME)));
		IT_CHECK(eq(cell(&e, 0, EV_PATHNAME), "/signup"), "pathname %s",
		    S(cell(&e, 0, EV_PATHNAME)));
		IT_CHECK(prop_is(p, "plan", "pro") && prop_is(p, "seats", "3") &&
		    prop_is(p, "annual", "true") && json_object_object_length(p) == 3,
		    "props %s, want plan=pro seats=3 annual=true", S(cell(&e, 0, EV_PROPS)));
		IT_CHECK(eq(cell(&e, 0, EV_REV_AMOUNT), "49.9000") &&
		    eq(cell(&e, 0, EV_REV_CURRENCY), "EUR"), "revenue %s %s, want 49.9000 EUR",
		    S(cell(&e, 0, EV_REV_AMOUNT)), S(cell(&e, 0, EV_REV_CURRENCY)));
		IT_CHECK(eq(cell(&e, 0, EV_SOURCE), "Hacker News"), "source %s, want Hacker News",
		    S(cell(&e, 0, EV_SOURCE)));
		json_object_put(p);
	}
	rows_free(&e);

	/* www.domain reports to domain when only that is registered; any case. */
	m = mark(SITE_MAIN);
	buf_reset(&b);
	buf_addf(&b, "{\"name\":\"pageview\",\"url\":\"https://www.%s/\",\"domain\":\"WWW.%s\"}",
	    d, d);
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("domain www. in capitals", &r, 1);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	IT_CHECK(e.n == 1, "domain www.: %zu rows stored for the site, want 1", e.n);
	rows_free(&e);
	buf_release(&b);
}

static void
test_plausible_short(void)
{
	struct buf b = BUF_INIT;
	struct rows e;
	struct it_resp r;
	json_object *p;
	long long m = mark(SITE_MAIN);
	const char *d = sites[SITE_MAIN].domain;

	/* Plausible's own script: d, and props as a JSON-encoded string in p or m. */
	buf_addf(&b, "{\"n\":\"Download\",\"u\":\"https://%s/files\",\"d\":\"%s\","
	    "\"r\":null,\"p\":\"{\\\"file\\\":\\\"report.pdf\\\"}\"}", d, d);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("Plausible short keys, p as a string", &r, 1);
	it_resp_free(&r);
	buf_reset(&b);
	buf_addf(&b, "{\"n\":\"pageview\",\"u\":\"https://%s/blog\",\"d\":\"%s\","
	    "\"m\":\"{\\\"author\\\":\\\"Ann\\\"}\",\"h\":0}", d, d);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("Plausible short keys, m as a string", &r, 1);
	it_resp_free(&r);

	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 2, "Plausible short keys: %zu rows, want 2", e.n)) {
		p = props_of(&e, 0);
		IT_CHECK(eq(cell(&e, 0, EV_NAME), "Download") && prop_is(p, "file", "report.pdf"),
		    "first row %s props %s, want Download file=report.pdf",
		    S(cell(&e, 0, EV_NAME)), S(cell(&e, 0, EV_PROPS)));
		json_object_put(p);
		p = props_of(&e, 1);
		IT_CHECK(eq(cell(&e, 1, EV_PATHNAME), "/blog") && prop_is(p, "author", "Ann"),
		    "second row %s props %s, want /blog author=Ann",
		    S(cell(&e, 1, EV_PATHNAME)), S(cell(&e, 1, EV_PROPS)));
		json_object_put(p);
	}
	rows_free(&e);
	buf_release(&b);
}

static long long
batch_claims(enum site s, const char *batch_id)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_uint(&a, sites[s].id);
	db_arg_strz(&a, batch_id);
	n = it_db_int(db, Q_BATCH_COUNT, &a, 0);
	db_args_free(&a);
	return n;
}

static void
test_batch(void)
{
	struct buf b = BUF_INIT;
	struct rows e;
	struct it_resp r;
	char bid[33];
	long long m = mark(SITE_MAIN);
	const char *d = sites[SITE_MAIN].domain;

	memcpy(bid, "it-", 3);
	it_token(bid + 3, 29);
	buf_addf(&b, "{\"s\":\"%s\",\"batch_id\":\"%s\",\"events\":["
	    "{\"n\":\"pageview\",\"u\":\"https://%s/a\"},"
	    "{\"n\":\"click\",\"u\":\"https://%s/b\",\"p\":{\"k\":\"v\"}},"
	    "{\"n\":\"pageview\",\"u\":\"https://%s/c\",\"w\":390}]}",
	    sites[SITE_MAIN].key, bid, d, d, d);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("batch of 3", &r, 3);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 3, "batch of 3: %zu rows, want 3", e.n))
		IT_CHECK(eq(cell(&e, 0, EV_PATHNAME), "/a") && eq(cell(&e, 1, EV_PATHNAME), "/b") &&
		    eq(cell(&e, 2, EV_PATHNAME), "/c") && eq(cell(&e, 1, EV_NAME), "click"),
		    "batch stored as %s %s %s, want /a /b /c in order",
		    S(cell(&e, 0, EV_PATHNAME)), S(cell(&e, 1, EV_PATHNAME)),
		    S(cell(&e, 2, EV_PATHNAME)));
	rows_free(&e);
	IT_CHECK(batch_claims(SITE_MAIN, bid) == 1, "ingest_batches has %lld rows for %s, want 1",
	    batch_claims(SITE_MAIN, bid), bid);

	/* The same batch again, as a client retrying after a lost answer. */
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	IT_CHECK(r.status == 202 && it_json_true(&r, "ok") &&
	    it_json_int(&r, "accepted", -1) == 0 && it_json_true(&r, "duplicate"),
	    "retried batch: got %ld %s, want 202 accepted 0 duplicate", r.status, r.body.ptr);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	IT_CHECK(e.n == 3, "after the retry %zu rows, want still 3", e.n);
	rows_free(&e);
	IT_CHECK(batch_claims(SITE_MAIN, bid) == 1, "ingest_batches rows for %s: %lld, want 1",
	    bid, batch_claims(SITE_MAIN, bid));
	buf_release(&b);
}

static void
test_hash_mode(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	struct rows e;
	struct it_resp r;
	long long m = mark(SITE_MAIN);

	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/app?x=1#/settings/profile\",\"h\":1",
	    sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("hash mode", &r, 1);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/app#/settings/profile\"",
	    sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("no hash mode", &r, 1);
	it_resp_free(&r);
	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 2, "hash mode: %zu rows, want 2", e.n)) {
		IT_CHECK(eq(cell(&e, 0, EV_PATHNAME), "/app#/settings/profile"),
		    "h=1: pathname %s, want /app#/settings/profile", S(cell(&e, 0, EV_PATHNAME)));
		IT_CHECK(eq(cell(&e, 1, EV_PATHNAME), "/app"),
		    "without h: pathname %s, want /app", S(cell(&e, 1, EV_PATHNAME)));
	}
	rows_free(&e);
	buf_release(&f);
	buf_release(&b);
}

/* A 1x1 GIF answer. */
static void
check_pixel(const char *what, const struct it_resp *r)
{
	struct buf ct = BUF_INIT;
	const unsigned char *g = (const unsigned char *)r->body.ptr;

	it_header(r, "Content-Type", &ct);
	IT_CHECK(r->status == 200, "%s: status %ld, want 200", what, r->status);
	IT_CHECK(strcmp(ct.ptr, "image/gif") == 0, "%s: Content-Type %s, want image/gif",
	    what, ct.ptr);
	IT_CHECK(r->body.len >= 13 && memcmp(g, "GIF8", 4) == 0 &&
	    g[6] == 1 && g[7] == 0 && g[8] == 1 && g[9] == 0,
	    "%s: the body (%zu bytes) is not a 1x1 GIF", what, r->body.len);
	buf_release(&ct);
}

static void
test_pixel(void)
{
	struct buf q = BUF_INIT;
	struct rows e;
	struct it_req rq = { .path = NULL };
	struct it_resp r;
	long long m = mark(SITE_MAIN);
	const char *d = sites[SITE_MAIN].domain;

	buf_addf(&q, "/api/event?s=%s&n=pageview&u=https%%3A%%2F%%2F%s%%2Fnoscript%%3Fa%%3D1"
	    "&r=https%%3A%%2F%%2Fwww.google.com%%2F&w=800", sites[SITE_MAIN].key, d);
	rq.path = q.ptr;
	it_http(&rq, &r);
	check_pixel("pixel with u", &r);
	it_resp_free(&r);

	/* No u: an <img> in <noscript> only has the Referer. */
	buf_reset(&q);
	buf_addf(&q, "/api/event?s=%s", sites[SITE_MAIN].key);
	{
		struct buf ref = BUF_INIT;

		buf_addf(&ref, "https://%s/from-referer", d);
		rq.path = q.ptr;
		rq.referer = ref.ptr;
		it_http(&rq, &r);
		check_pixel("pixel with only a Referer", &r);
		it_resp_free(&r);
		buf_release(&ref);
	}

	events_after(SITE_MAIN, m, &e);
	if (IT_CHECK(e.n == 2, "pixel: %zu rows, want 2", e.n)) {
		IT_CHECK(eq(cell(&e, 0, EV_NAME), "pageview") &&
		    eq(cell(&e, 0, EV_PATHNAME), "/noscript") &&
		    eq(cell(&e, 0, EV_SOURCE), "Google") && eq(cell(&e, 0, EV_WIDTH), "800"),
		    "pixel with u stored %s %s source %s width %s, want pageview /noscript Google 800",
		    S(cell(&e, 0, EV_NAME)), S(cell(&e, 0, EV_PATHNAME)),
		    S(cell(&e, 0, EV_SOURCE)), S(cell(&e, 0, EV_WIDTH)));
		IT_CHECK(eq(cell(&e, 1, EV_NAME), "pageview") &&
		    eq(cell(&e, 1, EV_PATHNAME), "/from-referer") &&
		    eq(cell(&e, 1, EV_HOSTNAME), d),
		    "pixel with a Referer stored %s %s %s, want pageview %s /from-referer",
		    S(cell(&e, 1, EV_NAME)), S(cell(&e, 1, EV_HOSTNAME)),
		    S(cell(&e, 1, EV_PATHNAME)), d);
	}
	rows_free(&e);
	buf_release(&q);
}

static void
test_preflight(void)
{
	struct it_req rq = { .method = "OPTIONS", .path = "/api/event",
	    .origin = sites[SITE_MAIN].origin,
	    .extra = { "Access-Control-Request-Method: POST",
	    "Access-Control-Request-Headers: content-type" } };
	struct it_resp r;
	struct buf v = BUF_INIT;

	it_http(&rq, &r);
	IT_CHECK(r.status == 204 || r.status == 200, "OPTIONS: status %ld, want 204", r.status);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Origin", &v) == 1 &&
	    (strcmp(v.ptr, "*") == 0 || strcmp(v.ptr, sites[SITE_MAIN].origin) == 0),
	    "OPTIONS: Access-Control-Allow-Origin \"%s\"", v.ptr);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Methods", &v) == 1 && strstr(v.ptr, "POST"),
	    "OPTIONS: Access-Control-Allow-Methods \"%s\", want POST in it", v.ptr);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Headers", &v) == 1 &&
	    strcasestr(v.ptr, "content-type"),
	    "OPTIONS: Access-Control-Allow-Headers \"%s\", want Content-Type in it", v.ptr);
	IT_CHECK(it_header(&r, "Access-Control-Max-Age", &v) == 1 && it_number(v.ptr) > 0,
	    "OPTIONS: Access-Control-Max-Age \"%s\"", v.ptr);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Credentials", &v) == 0,
	    "OPTIONS: Access-Control-Allow-Credentials \"%s\" sent", v.ptr);
	it_resp_free(&r);
	buf_release(&v);
}

static void
test_cors(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT, v = BUF_INIT, www = BUF_INIT;
	struct it_resp r;
	long long before = events_of(SITE_MAIN);
	const char *origin = sites[SITE_MAIN].origin;

	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/cors\"", sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, origin, &r);
	check_accepted("POST with an allowed Origin", &r, 1);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Origin", &v) == 1 &&
	    strcmp(v.ptr, origin) == 0,
	    "allowed Origin: Access-Control-Allow-Origin \"%s\", want %s", v.ptr, origin);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Credentials", &v) == 0,
	    "allowed Origin: Access-Control-Allow-Credentials \"%s\" sent", v.ptr);
	it_resp_free(&r);

	buf_addf(&www, "https://www.%s", sites[SITE_MAIN].domain);
	post("application/json", b.ptr, b.len, NULL, www.ptr, &r);
	check_accepted("POST from the second allowed origin", &r, 1);
	IT_CHECK(it_header(&r, "Access-Control-Allow-Origin", &v) == 1 &&
	    strcmp(v.ptr, www.ptr) == 0,
	    "second origin: Access-Control-Allow-Origin \"%s\", want %s", v.ptr, www.ptr);
	it_resp_free(&r);
	IT_CHECK(events_of(SITE_MAIN) == before + 2, "CORS: %lld rows stored, want 2",
	    events_of(SITE_MAIN) - before);
	buf_release(&www);
	buf_release(&v);
	buf_release(&f);
	buf_release(&b);
}

static void
test_sessions(void)
{
	static const char firefox[] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
	    "Gecko/20100101 Firefox/121.0";
	struct buf b = BUF_INIT, f = BUF_INIT;
	struct rows e, s;
	struct it_resp r;
	long long m = mark(SITE_SESS);
	const char *d = sites[SITE_SESS].domain;

	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/first\"", d);
	event_body(&b, SITE_SESS, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("first pageview", &r, 1);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/second\",\"r\":\"https://%s/first\"", d, d);
	event_body(&b, SITE_SESS, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("second pageview", &r, 1);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"engagement\",\"u\":\"https://%s/second\",\"e\":5000,\"sd\":80,\"i\":0", d);
	event_body(&b, SITE_SESS, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("engagement", &r, 1);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/other\"", d);
	event_body(&b, SITE_SESS, f.ptr);
	post("text/plain", b.ptr, b.len, firefox, NULL, &r);
	check_accepted("pageview from another browser", &r, 1);
	it_resp_free(&r);

	events_after(SITE_SESS, m, &e);
	if (!IT_CHECK(e.n == 4, "sessions: %zu rows, want 4", e.n))
		goto out;
	IT_CHECK(eq(cell(&e, 0, EV_VISITOR), cell(&e, 1, EV_VISITOR)) &&
	    eq(cell(&e, 0, EV_VISITOR), cell(&e, 2, EV_VISITOR)),
	    "same browser, visitor ids %s %s %s differ", S(cell(&e, 0, EV_VISITOR)),
	    S(cell(&e, 1, EV_VISITOR)), S(cell(&e, 2, EV_VISITOR)));
	IT_CHECK(eq(cell(&e, 0, EV_SESSION), cell(&e, 1, EV_SESSION)) &&
	    eq(cell(&e, 0, EV_SESSION), cell(&e, 2, EV_SESSION)),
	    "same browser, sessions %s %s %s differ", S(cell(&e, 0, EV_SESSION)),
	    S(cell(&e, 1, EV_SESSION)), S(cell(&e, 2, EV_SESSION)));
	IT_CHECK(eq(cell(&e, 2, EV_INTERACTIVE), "0") && eq(cell(&e, 2, EV_ENGAGEMENT), "5000") &&
	    eq(cell(&e, 2, EV_SCROLL), "80"),
	    "engagement row: interactive %s engagement_ms %s scroll_depth %s, want 0 5000 80",
	    S(cell(&e, 2, EV_INTERACTIVE)), S(cell(&e, 2, EV_ENGAGEMENT)),
	    S(cell(&e, 2, EV_SCROLL)));
	IT_CHECK(!eq(cell(&e, 3, EV_VISITOR), cell(&e, 0, EV_VISITOR)),
	    "another User-Agent got the same visitor id %s", S(cell(&e, 3, EV_VISITOR)));
	IT_CHECK(!eq(cell(&e, 3, EV_SESSION), cell(&e, 0, EV_SESSION)),
	    "another User-Agent joined session %s", S(cell(&e, 3, EV_SESSION)));
	IT_CHECK(eq(cell(&e, 3, EV_BROWSER), "Firefox"), "browser %s, want Firefox",
	    S(cell(&e, 3, EV_BROWSER)));

	session_get(cell(&e, 0, EV_SESSION), &s);
	if (IT_CHECK(s.n == 1, "session %s: %zu rows, want 1", S(cell(&e, 0, EV_SESSION)), s.n)) {
		IT_CHECK(eq(cell(&s, 0, SE_PAGEVIEWS), "2"), "session pageviews %s, want 2",
		    S(cell(&s, 0, SE_PAGEVIEWS)));
		IT_CHECK(eq(cell(&s, 0, SE_EVENTS), "3"), "session events %s, want 3",
		    S(cell(&s, 0, SE_EVENTS)));
		IT_CHECK(eq(cell(&s, 0, SE_INTERACTIONS), "2"), "session interactions %s, want 2",
		    S(cell(&s, 0, SE_INTERACTIONS)));
		IT_CHECK(eq(cell(&s, 0, SE_ENTRY), "/first"), "entry page %s, want /first",
		    S(cell(&s, 0, SE_ENTRY)));
		IT_CHECK(eq(cell(&s, 0, SE_EXIT), "/second"), "exit page %s, want /second",
		    S(cell(&s, 0, SE_EXIT)));
		IT_CHECK(eq(cell(&s, 0, SE_ENGAGEMENT), "5000"), "session engagement_ms %s, want 5000",
		    S(cell(&s, 0, SE_ENGAGEMENT)));
		IT_CHECK(eq(cell(&s, 0, SE_MAX_SCROLL), "80"), "session max_scroll %s, want 80",
		    S(cell(&s, 0, SE_MAX_SCROLL)));
		IT_CHECK(eq(cell(&s, 0, SE_VISITOR), cell(&e, 0, EV_VISITOR)),
		    "session visitor %s, events' %s", S(cell(&s, 0, SE_VISITOR)),
		    S(cell(&e, 0, EV_VISITOR)));
	}
	rows_free(&s);
	session_get(cell(&e, 3, EV_SESSION), &s);
	if (IT_CHECK(s.n == 1, "second session: %zu rows, want 1", s.n))
		IT_CHECK(eq(cell(&s, 0, SE_PAGEVIEWS), "1") && eq(cell(&s, 0, SE_ENTRY), "/other") &&
		    eq(cell(&s, 0, SE_EXIT), "/other"),
		    "second session pageviews %s entry %s exit %s, want 1 /other /other",
		    S(cell(&s, 0, SE_PAGEVIEWS)), S(cell(&s, 0, SE_ENTRY)), S(cell(&s, 0, SE_EXIT)));
	rows_free(&s);
	IT_CHECK(site_int(Q_SESSIONS_COUNT, SITE_SESS) == 2, "site has %lld sessions, want 2",
	    site_int(Q_SESSIONS_COUNT, SITE_SESS));
out:
	rows_free(&e);
	buf_release(&f);
	buf_release(&b);
}

static void
test_bot_allowed(void)
{
	struct buf b = BUF_INIT;
	struct it_resp r;
	long long before = events_of(SITE_DEMO);

	event_body(&b, SITE_DEMO, "\"n\":\"pageview\",\"u\":\"http://127.0.0.1/demo/it-bot\"");
	post("text/plain", b.ptr, b.len, "curl/7.88.1", NULL, &r);
	check_accepted("curl User-Agent on a site that allows bots", &r, 1);
	it_resp_free(&r);
	IT_CHECK(events_of(SITE_DEMO) == before + 1, "allow_bots site: %lld rows stored, want 1",
	    events_of(SITE_DEMO) - before);
	buf_release(&b);
}

static void
test_limits_accepted(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	struct rows e;
	struct it_resp r;
	long long m = mark(SITE_MAIN);
	size_t i;

	/* Exactly 64 KiB of valid JSON, padded with a key the collector ignores. */
	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/big\",\"pad\":\"",
	    sites[SITE_MAIN].key, sites[SITE_MAIN].domain);
	while (b.len < 64 * 1024 - 2)
		buf_addch(&b, 'x');
	buf_adds(&b, "\"}");
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("body of exactly 64 KiB", &r, 1);
	it_resp_free(&r);

	/* Five levels (the object, four arrays) are the most allowed. */
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/deep5\",\"x\":[[[[]]]]",
	    sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("nesting depth 5", &r, 1);
	it_resp_free(&r);

	/* 30 props, a 300-byte key, a 2000-byte value. */
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"props\",\"u\":\"https://%s/props\",\"p\":{", sites[SITE_MAIN].domain);
	for (i = 0; i < 30; i++)
		buf_addf(&f, "%s\"k%02zu\":\"v\"", i ? "," : "", i);
	buf_adds(&f, "}");
	event_body(&b, SITE_MAIN, f.ptr);
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("30 props", &r, 1);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"props\",\"u\":\"https://%s/props\",\"p\":{\"", sites[SITE_MAIN].domain);
	for (i = 0; i < 300; i++)
		buf_addch(&f, 'k');
	buf_adds(&f, "\":\"");
	for (i = 0; i < 2000; i++)
		buf_addch(&f, 'v');
	buf_adds(&f, "\"}");
	event_body(&b, SITE_MAIN, f.ptr);
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("a 300-byte prop key with a 2000-byte value", &r, 1);
	it_resp_free(&r);

	/* 50 events in a batch. */
	buf_reset(&b);
	buf_addf(&b, "{\"s\":\"%s\",\"events\":[", sites[SITE_MAIN].key);
	for (i = 0; i < 50; i++)
		buf_addf(&b, "%s{\"n\":\"pageview\",\"u\":\"https://%s/b50/%zu\"}", i ? "," : "",
		    sites[SITE_MAIN].domain, i);
	buf_adds(&b, "]}");
	post("application/json", b.ptr, b.len, NULL, NULL, &r);
	check_accepted("batch of 50", &r, 50);
	it_resp_free(&r);

	events_after(SITE_MAIN, m, &e);
	IT_CHECK(e.n == 54, "limits: %zu rows, want 54", e.n);
	if (e.n == 54) {
		for (i = 0; i < 50; i++) {
			char want[32];

			snprintf(want, sizeof(want), "/b50/%zu", i);
			if (!IT_CHECK(eq(cell(&e, 4 + i, EV_PATHNAME), want),
			    "batch of 50: row %zu is %s, want %s (order lost)", i,
			    S(cell(&e, 4 + i, EV_PATHNAME)), want))
				break;
		}
	}
	rows_free(&e);
	buf_release(&f);
	buf_release(&b);
}

/* Bad requests: refused whole, nothing stored. */

static void
test_too_large(void)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/big\",\"pad\":\"",
	    sites[SITE_MAIN].key, sites[SITE_MAIN].domain);
	while (b.len < 64 * 1024 + 1 - 2)
		buf_addch(&b, 'x');
	buf_adds(&b, "\"}");
	refused_body("body of 64 KiB + 1", b.ptr, b.len, 413);
	buf_reset(&b);
	while (b.len < 512 * 1024)
		buf_adds(&b, "xxxxxxxxxxxxxxxx");
	refused_body("body of 512 KiB", b.ptr, b.len, 413);
	buf_release(&b);
}

static void
test_bad_json(void)
{
	struct buf b = BUF_INIT;
	const char *u = sites[SITE_MAIN].domain;

	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/\"", sites[SITE_MAIN].key, u);
	refused_body("truncated JSON", b.ptr, b.len, 400);
	buf_adds(&b, ",}");
	refused_body("trailing comma", b.ptr, b.len, 400);
	buf_setlen(&b, b.len - 2);
	buf_adds(&b, "}{}");
	refused_body("two documents", b.ptr, b.len, 400);
	refused_body("not JSON", "n=pageview", 10, 400);
	refused_body("empty body", "", 0, 400);
	refused_body("JSON null", "null", 4, 400);
	refused_body("JSON array", "[]", 2, 400);
	buf_reset(&b);
	buf_addf(&b, "{'s':'%s','n':'pageview','u':'https://%s/'}", sites[SITE_MAIN].key, u);
	refused_body("single quotes", b.ptr, b.len, 400);
	buf_release(&b);
}

static void
test_bad_utf8(void)
{
	static const char *const bad[] = {
		"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80"
	};
	struct buf b = BUF_INIT, what = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		buf_addf(&b, "{\"s\":\"%s\",\"n\":\"page%sview\",\"u\":\"https://%s/\"}",
		    sites[SITE_MAIN].key, bad[i], sites[SITE_MAIN].domain);
		buf_reset(&what);
		buf_addf(&what, "invalid UTF-8 #%zu in name", i);
		refused_body(what.ptr, b.ptr, b.len, 400);
	}
	buf_reset(&b);
	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/\",\"p\":{\"k\":\"\xff\"}}",
	    sites[SITE_MAIN].key, sites[SITE_MAIN].domain);
	refused_body("invalid UTF-8 in a prop value", b.ptr, b.len, 400);
	buf_release(&what);
	buf_release(&b);
}

static void
test_nul(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT;
	size_t at;

	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"page", sites[SITE_MAIN].key);
	at = b.len;
	buf_addf(&b, "Xview\",\"u\":\"https://%s/\"}", sites[SITE_MAIN].domain);
	b.ptr[at] = '\0';
	refused_body("raw NUL byte in a string", b.ptr, b.len, 400);
	buf_reset(&b);
	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/\"}",
	    sites[SITE_MAIN].key, sites[SITE_MAIN].domain);
	buf_addch(&b, '\0');
	refused_body("raw NUL byte after the JSON", b.ptr, b.len, 400);

	refused_fields("\\u0000 in name", "\"n\":\"page\\u0000view\",\"u\":\"https://x.example/\"");
	buf_reset(&f);
	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://%s/\\u0000x\"", sites[SITE_MAIN].domain);
	event_body(&b, SITE_MAIN, f.ptr);
	refused_body("\\u0000 in url", b.ptr, b.len, 400);
	refused_fields("\\u0000 in a prop value",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{\"k\":\"a\\u0000b\"}");
	refused_fields("\\u0000 in a prop key",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{\"k\\u0000\":\"v\"}");
	buf_release(&f);
	buf_release(&b);
}

static void
test_depth(void)
{
	/* Six levels in a key the collector otherwise ignores. */
	refused_fields("nesting depth 6 in an unknown key",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"x\":[[[[[]]]]]");
	refused_fields("nesting depth 5 with a value below it",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"x\":[[[[1]]]]");
	refused_fields("nesting depth 40",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"x\":"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	refused_fields("nested props",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{\"a\":{\"b\":\"c\"}}");
}

static void
test_ranges(void)
{
	refused_fields("w = -1", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"w\":-1");
	refused_fields("w = 100001", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"w\":100001");
	refused_fields("w = 1e400", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"w\":1e400");
	refused_fields("w = 1.5", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"w\":1.5");
	refused_fields("w = 2^64", "\"n\":\"pageview\",\"u\":\"https://x.example/\","
	    "\"w\":18446744073709551616");
	refused_fields("sd = 101", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"sd\":101");
	refused_fields("e = -5", "\"n\":\"engagement\",\"u\":\"https://x.example/\",\"e\":-5");
	refused_fields("e over a day", "\"n\":\"engagement\",\"u\":\"https://x.example/\","
	    "\"e\":86400001");
	refused_fields("revenue amount 1e12", "\"n\":\"buy\",\"u\":\"https://x.example/\","
	    "\"revenue\":{\"amount\":1e12,\"currency\":\"EUR\"}");
	refused_fields("revenue currency of 4 letters", "\"n\":\"buy\",\"u\":\"https://x.example/\","
	    "\"revenue\":{\"amount\":\"1.00\",\"currency\":\"EURO\"}");
	refused_fields("pixel-style w as a string", "\"n\":\"pageview\",\"u\":\"https://x.example/\","
	    "\"w\":\"800\"");
}

static void
test_types(void)
{
	refused_fields("n as a number", "\"n\":5,\"u\":\"https://x.example/\"");
	refused_fields("n as null", "\"n\":null,\"u\":\"https://x.example/\"");
	refused_fields("u as an object", "\"n\":\"pageview\",\"u\":{\"href\":\"https://x.example/\"}");
	refused_fields("props as an array", "\"n\":\"pageview\",\"u\":\"https://x.example/\","
	    "\"p\":[\"a\",\"b\"]");
	refused_fields("props as a number", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":7");
	refused_fields("props string holding an array", "\"n\":\"pageview\","
	    "\"u\":\"https://x.example/\",\"p\":\"[1]\"");
	refused_fields("h as a string", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"h\":\"yes\"");
	refused_fields("i as 2", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"i\":2");
	refused_fields("r as a number", "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"r\":1");
	refused_fields("events not an array", "\"events\":{\"n\":\"pageview\"}");
	refused_fields("empty events", "\"events\":[]");
	refused_fields("batch holding a string", "\"events\":[\"pageview\"]");
	refused_fields("batch_id too short", "\"batch_id\":\"abc\",\"events\":[{\"n\":\"pageview\","
	    "\"u\":\"https://x.example/\"}]");
	refused_fields("a batch event naming another site", "\"events\":[{\"n\":\"pageview\","
	    "\"u\":\"https://x.example/\",\"s\":\"AAAAAAAAAAAAAAAAAAAAAA\"}]");
	refused_fields("batch_id with a space", "\"batch_id\":\"abcdefgh ij\",\"events\":"
	    "[{\"n\":\"pageview\",\"u\":\"https://x.example/\"}]");
}

static void
test_prop_limits(void)
{
	struct buf f = BUF_INIT;
	size_t i;

	buf_adds(&f, "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{");
	for (i = 0; i < 31; i++)
		buf_addf(&f, "%s\"k%02zu\":\"v\"", i ? "," : "", i);
	buf_adds(&f, "}");
	refused_fields("31 props", f.ptr);

	buf_reset(&f);
	buf_adds(&f, "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{\"");
	for (i = 0; i < 301; i++)
		buf_addch(&f, 'k');
	buf_adds(&f, "\":\"v\"}");
	refused_fields("prop key of 301 bytes", f.ptr);

	buf_reset(&f);
	buf_adds(&f, "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":{\"k\":\"");
	for (i = 0; i < 2001; i++)
		buf_addch(&f, 'v');
	buf_adds(&f, "\"}");
	refused_fields("prop value of 2001 bytes", f.ptr);

	buf_reset(&f);
	buf_adds(&f, "\"n\":\"pageview\",\"u\":\"https://x.example/\",\"p\":\"{");
	for (i = 0; i < 31; i++)
		buf_addf(&f, "%s\\\"k%02zu\\\":\\\"v\\\"", i ? "," : "", i);
	buf_adds(&f, "}\"");
	refused_fields("31 props in a JSON-encoded string", f.ptr);

	buf_reset(&f);
	buf_adds(&f, "\"n\":\"");
	for (i = 0; i < 121; i++)
		buf_addch(&f, 'n');
	buf_adds(&f, "\",\"u\":\"https://x.example/\"");
	refused_fields("name of 121 bytes", f.ptr);
	buf_release(&f);
}

static void
test_batch_limit(void)
{
	struct buf f = BUF_INIT;
	size_t i;

	buf_adds(&f, "\"events\":[");
	for (i = 0; i < 51; i++)
		buf_addf(&f, "%s{\"n\":\"pageview\",\"u\":\"https://x.example/%zu\"}", i ? "," : "", i);
	buf_adds(&f, "]");
	refused_fields("51 events in a batch", f.ptr);

	/* One bad event refuses the whole batch. */
	buf_reset(&f);
	buf_adds(&f, "\"events\":[{\"n\":\"pageview\",\"u\":\"https://x.example/ok\"},"
	    "{\"n\":\"pageview\",\"u\":\"javascript:alert(1)\"}]");
	refused_fields("a batch with one bad event", f.ptr);
	buf_release(&f);
}

static void
test_missing(void)
{
	struct it_req rq = { .path = NULL };
	struct buf q = BUF_INIT;

	refused_fields("missing name", "\"u\":\"https://x.example/\"");
	refused_fields("missing url", "\"n\":\"pageview\"");
	refused_fields("url javascript:alert(1)", "\"n\":\"pageview\",\"u\":\"javascript:alert(1)\"");
	refused_fields("url data:", "\"n\":\"pageview\",\"u\":\"data:text/html,<b>x</b>\"");
	refused_fields("relative url", "\"n\":\"pageview\",\"u\":\"/pricing\"");
	refused_fields("empty name", "\"n\":\"\",\"u\":\"https://x.example/\"");
	refused_body("missing site", "{\"n\":\"pageview\",\"u\":\"https://x.example/\"}",
	    strlen("{\"n\":\"pageview\",\"u\":\"https://x.example/\"}"), 400);

	buf_addf(&q, "/api/event?s=%s&n=pageview", sites[SITE_MAIN].key);
	rq.path = q.ptr;
	check_refused("pixel without u or Referer", SITE_MAIN, &rq, 400);
	buf_reset(&q);
	buf_addf(&q, "/api/event?s=%s&u=javascript%%3Aalert(1)", sites[SITE_MAIN].key);
	rq.path = q.ptr;
	check_refused("pixel with u=javascript:", SITE_MAIN, &rq, 400);
	buf_reset(&q);
	buf_addf(&q, "/api/event?s=%s&u=https%%3A%%2F%%2Fx.example%%2F&w=-1", sites[SITE_MAIN].key);
	rq.path = q.ptr;
	check_refused("pixel with w=-1", SITE_MAIN, &rq, 400);
	buf_release(&q);
}

static void
test_method(void)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	struct it_req rq = { .method = "PUT", .path = "/api/event", .ctype = "application/json" };
	struct it_resp r;
	long long before = events_of(SITE_MAIN);

	event_body(&b, SITE_MAIN, "\"n\":\"pageview\",\"u\":\"https://x.example/put\"");
	rq.body = b.ptr;
	rq.len = b.len;
	it_http(&rq, &r);
	IT_CHECK(r.status == 405, "PUT: status %ld, want 405", r.status);
	IT_CHECK(it_header(&r, "Allow", &v) == 1 && strstr(v.ptr, "POST") && strstr(v.ptr, "GET"),
	    "PUT: Allow \"%s\", want POST and GET in it", v.ptr);
	it_resp_free(&r);
	rq.method = "DELETE";
	it_http(&rq, &r);
	IT_CHECK(r.status == 405, "DELETE: status %ld, want 405", r.status);
	it_resp_free(&r);
	IT_CHECK(events_of(SITE_MAIN) == before, "wrong methods stored %lld events",
	    events_of(SITE_MAIN) - before);
	buf_release(&v);
	buf_release(&b);
}

static void
test_content_type(void)
{
	struct buf b = BUF_INIT;
	struct it_req rq = { .path = "/api/event", .ctype = "application/x-www-form-urlencoded" };

	event_body(&b, SITE_MAIN, "\"n\":\"pageview\",\"u\":\"https://x.example/ct\"");
	rq.body = b.ptr;
	rq.len = b.len;
	check_refused("form content type", SITE_MAIN, &rq, 415);
	rq.ctype = NULL;
	check_refused("no content type", SITE_MAIN, &rq, 415);
	rq.ctype = "multipart/form-data; boundary=x";
	check_refused("multipart content type", SITE_MAIN, &rq, 415);
	buf_release(&b);
}

static void
test_unknown_disabled(void)
{
	struct buf b = BUF_INIT, f = BUF_INIT, q = BUF_INIT;
	struct it_req rq = { .path = "/api/event", .ctype = "text/plain" };
	struct it_resp unknown, off;
	char key[23];
	long long before = events_of(SITE_OFF);

	it_token(key, 22);
	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://x.example/\"}", key);
	rq.body = b.ptr;
	rq.len = b.len;
	it_http(&rq, &unknown);
	event_body(&f, SITE_OFF, "\"n\":\"pageview\",\"u\":\"https://x.example/\"");
	rq.body = f.ptr;
	rq.len = f.len;
	it_http(&rq, &off);
	IT_CHECK(unknown.status == 404, "unknown site: status %ld, want 404", unknown.status);
	IT_CHECK(off.status == unknown.status && strcmp(off.body.ptr, unknown.body.ptr) == 0,
	    "disabled site answers %ld %s, unknown site %ld %s: must be identical",
	    off.status, off.body.ptr, unknown.status, unknown.body.ptr);
	IT_CHECK(strstr(unknown.body.ptr, "unknown site") != NULL,
	    "unknown site: body %s, want {\"error\":\"unknown site\"}", unknown.body.ptr);
	it_resp_free(&unknown);
	it_resp_free(&off);

	/* The same by domain, as the Plausible API names sites. */
	buf_reset(&b);
	buf_addf(&b, "{\"domain\":\"it-%s-nosuch.example\",\"name\":\"pageview\","
	    "\"url\":\"https://x.example/\"}", run_id);
	rq.body = b.ptr;
	rq.len = b.len;
	it_http(&rq, &unknown);
	buf_reset(&f);
	buf_addf(&f, "{\"domain\":\"%s\",\"name\":\"pageview\",\"url\":\"https://x.example/\"}",
	    sites[SITE_OFF].domain);
	rq.body = f.ptr;
	rq.len = f.len;
	it_http(&rq, &off);
	IT_CHECK(unknown.status == 404 && off.status == 404 &&
	    strcmp(off.body.ptr, unknown.body.ptr) == 0,
	    "by domain: disabled %ld %s, unknown %ld %s: want identical 404s",
	    off.status, off.body.ptr, unknown.status, unknown.body.ptr);
	it_resp_free(&unknown);
	it_resp_free(&off);

	/* And for the pixel. */
	buf_addf(&q, "/api/event?s=%s&u=https%%3A%%2F%%2Fx.example%%2F", key);
	rq = (struct it_req){ .path = q.ptr };
	it_http(&rq, &unknown);
	buf_reset(&q);
	buf_addf(&q, "/api/event?s=%s&u=https%%3A%%2F%%2Fx.example%%2F", sites[SITE_OFF].key);
	rq.path = q.ptr;
	it_http(&rq, &off);
	IT_CHECK(unknown.status == 404 && off.status == unknown.status &&
	    strcmp(off.body.ptr, unknown.body.ptr) == 0,
	    "pixel: disabled %ld, unknown %ld: want identical 404s", off.status, unknown.status);
	it_resp_free(&unknown);
	it_resp_free(&off);
	IT_CHECK(events_of(SITE_OFF) == before, "the disabled site stored %lld events",
	    events_of(SITE_OFF) - before);
	buf_release(&q);
	buf_release(&f);
	buf_release(&b);
}

static void
test_bad_origin(void)
{
	static const char *const origins[] = {
		"https://evil.example", "null", "https://x.example.evil.example",
		"https://evil.example/https://x.example", "file://",
	};
	struct buf b = BUF_INIT, v = BUF_INIT, what = BUF_INIT, sub = BUF_INIT;
	struct it_req rq = { .path = "/api/event", .ctype = "text/plain" };
	struct it_resp r;
	long long before = events_of(SITE_MAIN);
	size_t i;

	event_body(&b, SITE_MAIN, "\"n\":\"pageview\",\"u\":\"https://x.example/origin\"");
	rq.body = b.ptr;
	rq.len = b.len;
	buf_addf(&sub, "https://%s.evil.example", sites[SITE_MAIN].domain);
	for (i = 0; i <= sizeof(origins) / sizeof(origins[0]); i++) {
		rq.origin = i < sizeof(origins) / sizeof(origins[0]) ? origins[i] : sub.ptr;
		buf_reset(&what);
		buf_addf(&what, "Origin %s", rq.origin);
		it_http(&rq, &r);
		IT_CHECK(r.status == 403, "%s: status %ld, want 403 (%s)", what.ptr, r.status,
		    r.body.ptr);
		IT_CHECK(it_header(&r, "Access-Control-Allow-Origin", &v) == 0,
		    "%s: Access-Control-Allow-Origin \"%s\" sent on a refusal", what.ptr, v.ptr);
		it_resp_free(&r);
	}
	IT_CHECK(events_of(SITE_MAIN) == before, "disallowed origins stored %lld events",
	    events_of(SITE_MAIN) - before);
	buf_release(&sub);
	buf_release(&what);
	buf_release(&v);
	buf_release(&b);
}

static void
test_bots_ignored(void)
{
	static const char *const bots[] = {
		"curl/7.88.1",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
		    "HeadlessChrome/120.0.6099.28 Safari/537.36",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"python-requests/2.31.0",
		"",
	};
	struct buf b = BUF_INIT, q = BUF_INIT;
	struct it_resp r;
	long long before = events_of(SITE_MAIN);
	size_t i;

	event_body(&b, SITE_MAIN, "\"n\":\"pageview\",\"u\":\"https://x.example/bot\"");
	for (i = 0; i < sizeof(bots) / sizeof(bots[0]); i++) {
		post("text/plain", b.ptr, b.len, bots[i], NULL, &r);
		IT_CHECK(r.status == 202 && it_json_true(&r, "ignored") &&
		    it_json_int(&r, "accepted", -1) == 0,
		    "bot \"%s\": got %ld %s, want 202 ignored", bots[i], r.status, r.body.ptr);
		it_resp_free(&r);
	}
	buf_addf(&q, "/api/event?s=%s&u=https%%3A%%2F%%2Fx.example%%2Fbot", sites[SITE_MAIN].key);
	{
		struct it_req rq = { .path = q.ptr, .ua = bots[0] };

		it_http(&rq, &r);
		check_pixel("pixel from a bot", &r);
		it_resp_free(&r);
	}
	IT_CHECK(events_of(SITE_MAIN) == before, "bots stored %lld events on a site without "
	    "allow_bots", events_of(SITE_MAIN) - before);
	buf_release(&q);
	buf_release(&b);
}

static void
test_dnt(void)
{
	struct buf b = BUF_INIT;
	struct it_req rq = { .path = "/api/event", .ctype = "text/plain" };
	struct it_resp r;
	long long before = events_of(SITE_DNT);

	event_body(&b, SITE_DNT, "\"n\":\"pageview\",\"u\":\"https://x.example/dnt\"");
	rq.body = b.ptr;
	rq.len = b.len;
	rq.extra[0] = "DNT: 1";
	it_http(&rq, &r);
	IT_CHECK(r.status == 202 && it_json_true(&r, "ignored"),
	    "DNT: 1: got %ld %s, want 202 ignored", r.status, r.body.ptr);
	it_resp_free(&r);
	rq.extra[0] = "Sec-GPC: 1";
	it_http(&rq, &r);
	IT_CHECK(r.status == 202 && it_json_true(&r, "ignored"),
	    "Sec-GPC: 1: got %ld %s, want 202 ignored", r.status, r.body.ptr);
	it_resp_free(&r);
	IT_CHECK(events_of(SITE_DNT) == before, "DNT requests stored %lld events",
	    events_of(SITE_DNT) - before);

	/* Without the signal the same site stores the event. */
	rq.extra[0] = "DNT: 0";
	it_http(&rq, &r);
	check_accepted("DNT: 0 on a respect_dnt site", &r, 1);
	it_resp_free(&r);
	IT_CHECK(events_of(SITE_DNT) == before + 1, "without DNT: %lld stored, want 1",
	    events_of(SITE_DNT) - before);
	buf_release(&b);
}

static void
test_rate_limit(void)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	struct it_resp r;
	long long before = events_of(SITE_RATE);
	int i, ok = 0, limited = -1;

	event_body(&b, SITE_RATE, "\"n\":\"pageview\",\"u\":\"https://x.example/rate\"");
	for (i = 0; i < RATE_LIMIT + 3 && limited == -1; i++) {
		post("text/plain", b.ptr, b.len, NULL, NULL, &r);
		if (r.status == 202)
			ok++;
		else if (r.status == 429) {
			limited = i;
			IT_CHECK(it_header(&r, "Retry-After", &v) == 1 && it_number(v.ptr) >= 1 &&
			    it_number(v.ptr) <= 60, "429 with Retry-After \"%s\", want 1..60 seconds", v.ptr);
			IT_CHECK(strstr(r.body.ptr, "\"error\"") != NULL, "429 body %s", r.body.ptr);
		} else
			IT_CHECK(0, "rate limit: request %d got %ld %s", i, r.status, r.body.ptr);
		it_resp_free(&r);
	}
	IT_CHECK(ok == RATE_LIMIT && limited == RATE_LIMIT,
	    "rate_limit %d: %d accepted, first 429 at request %d; want %d then 429",
	    RATE_LIMIT, ok, limited, RATE_LIMIT);
	IT_CHECK(events_of(SITE_RATE) == before + ok, "rate limit: %lld stored, %d acknowledged",
	    events_of(SITE_RATE) - before, ok);
	buf_release(&v);
	buf_release(&b);
}

/*
 * Values that pass validation but that the database could refuse must not
 * fail the write: the writer stores a group of requests in one
 * transaction, so one such event would fail its neighbours too.  Each is
 * either stored (202) or refused (400), never answered 503, and the
 * ordinary event sent right after it is accepted.
 */
static void
storable(const char *what, const char *fields, enum ev col, const char *want)
{
	struct buf b = BUF_INIT;
	struct rows e;
	struct it_resp r;
	long long m = mark(SITE_POISON);

	event_body(&b, SITE_POISON, fields);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	IT_CHECK(r.status == 202 || r.status == 400,
	    "%s (%zu bytes sent): got %ld %s, want 202 (stored) or 400 (refused)",
	    what, b.len, r.status, r.body.ptr);
	events_after(SITE_POISON, m, &e);
	IT_CHECK(e.n == (r.status == 202 ? 1u : 0u), "%s: answered %ld, %zu rows stored",
	    what, r.status, e.n);
	if (r.status == 202 && e.n == 1 && want != NULL)
		IT_CHECK(eq(cell(&e, 0, col), want), "%s: stored %s, want %s", what,
		    S(cell(&e, 0, col)), want);
	rows_free(&e);
	it_resp_free(&r);

	event_body(&b, SITE_POISON, "\"n\":\"pageview\",\"u\":\"https://x.example/after\"");
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	IT_CHECK(r.status == 202, "an ordinary event right after \"%s\": got %ld %s, want 202",
	    what, r.status, r.body.ptr);
	it_resp_free(&r);
	/* Let a collector that pauses after a failed write come back. */
	settle(SITE_POISON, 5);
	buf_release(&b);
}

static void
test_storable(void)
{
	struct buf f = BUF_INIT;
	size_t i, k;

	storable("w = 100000 (the validator's maximum)",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/wide\",\"w\":100000",
	    EV_WIDTH, "100000");

	/* Props of characters the re-encoding escapes: they grow sixfold. */
	buf_adds(&f, "\"n\":\"props\",\"u\":\"https://x.example/props\",\"p\":{");
	for (i = 0; i < 30; i++) {
		buf_addf(&f, "%s\"k%02zu\":\"", i ? "," : "", i);
		for (k = 0; k < 2000; k++)
			buf_addch(&f, '<');
		buf_addch(&f, '"');
	}
	buf_adds(&f, "}");
	storable("30 props of 2000 '<' each", f.ptr, EV_NAME, "props");

	/* Percent-escapes in the page URL's query are decoded into utm_* and source. */
	storable("utm_source=%FF%FE (not UTF-8 once decoded)",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/q?utm_source=%FF%FE\"",
	    EV_NAME, "pageview");
	storable("utm_medium=a%00b (a NUL once decoded)",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/q?utm_medium=a%00b\"",
	    EV_NAME, "pageview");
	storable("ref=%C0%AF (an overlong encoding once decoded)",
	    "\"n\":\"pageview\",\"u\":\"https://x.example/q?ref=%C0%AF\"",
	    EV_NAME, "pageview");
	IT_CHECK(site_int(Q_NUL_ROWS, SITE_POISON) == 0,
	    "%lld events hold a NUL byte in a text column", site_int(Q_NUL_ROWS, SITE_POISON));
	IT_CHECK(site_int(Q_NUL_ROWS, SITE_MAIN) == 0,
	    "%lld events of the main site hold a NUL byte in a text column",
	    site_int(Q_NUL_ROWS, SITE_MAIN));
	buf_release(&f);
}

/* Concurrency: every acknowledged event is stored exactly once. */

struct worker {
	pthread_t	 tid;
	int		 n;
	long		 ok, other, acked, failed;
	long		 last_status;
	char		 last_body[200];
};

static void *
conc_main(void *arg)
{
	struct worker *w = arg;
	struct buf b = BUF_INIT, ua = BUF_INIT;
	struct it_resp r;
	char bid[25];
	int i, k;

	/* One browser per thread, so one visitor and one session each. */
	buf_addf(&ua, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", 111 + w->n);
	for (i = 0; i < CONC_REQUESTS; i++) {
		buf_reset(&b);
		if (i % 10 == 9) {
			it_token(bid, 24);
			buf_addf(&b, "{\"s\":\"%s\",\"batch_id\":\"%s\",\"events\":[",
			    sites[SITE_CONC].key, bid);
			for (k = 0; k < 3; k++)
				buf_addf(&b, "%s{\"n\":\"pageview\",\"u\":\"https://x.example/t%d/%d/%d\"}",
				    k ? "," : "", w->n, i, k);
			buf_adds(&b, "]}");
		} else
			buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://x.example/t%d/%d\"}",
			    sites[SITE_CONC].key, w->n, i);
		if (it_http(&(struct it_req){ .path = "/api/event", .ctype = "text/plain",
		    .body = b.ptr, .len = b.len, .ua = ua.ptr }, &r) == -1)
			w->failed++;
		else if (r.status == 202) {
			w->ok++;
			w->acked += it_json_int(&r, "accepted", 0);
		} else {
			w->other++;
			w->last_status = r.status;
			snprintf(w->last_body, sizeof(w->last_body), "%s", r.body.ptr);
		}
		it_resp_free(&r);
	}
	buf_release(&ua);
	buf_release(&b);
	return NULL;
}

static void
test_concurrency(void)
{
	struct worker w[CONC_THREADS];
	long ok = 0, other = 0, acked = 0, failed = 0, want;
	long long rows;
	int i, started = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < CONC_THREADS; i++) {
		w[i].n = i;
		if (pthread_create(&w[i].tid, NULL, conc_main, &w[i]) != 0) {
			IT_CHECK(0, "pthread_create failed");
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		ok += w[i].ok;
		other += w[i].other;
		acked += w[i].acked;
		failed += w[i].failed;
		if (w[i].other > 0)
			printf("\n  thread %d: %ld answers not 202, last %ld %s", i, w[i].other,
			    w[i].last_status, w[i].last_body);
	}
	want = (long)started * CONC_REQUESTS;
	rows = events_of(SITE_CONC);
	printf("\n  concurrency: %ld requests, %ld answered 202, %ld otherwise, %ld no answer; "
	    "%ld events acknowledged, %lld stored\n", want, ok, other, failed, acked, rows);
	IT_CHECK(rows == acked, "concurrency: %lld events stored, %ld acknowledged", rows, acked);
	IT_CHECK(ok == want, "concurrency: %ld of %ld requests answered 202", ok, want);
	IT_CHECK(site_int(Q_VISITORS, SITE_CONC) == started, "concurrency: %lld visitors, want %d",
	    site_int(Q_VISITORS, SITE_CONC), started);
	IT_CHECK(site_int(Q_SESSIONS_COUNT, SITE_CONC) == started,
	    "concurrency: %lld sessions for %d steady visitors, want %d",
	    site_int(Q_SESSIONS_COUNT, SITE_CONC), started, started);
	IT_CHECK(site_int(Q_SESSIONS_EVENTS, SITE_CONC) == rows &&
	    site_int(Q_SESSIONS_PAGEVIEWS, SITE_CONC) == rows,
	    "concurrency: sessions count %lld events and %lld pageviews, %lld rows stored",
	    site_int(Q_SESSIONS_EVENTS, SITE_CONC), site_int(Q_SESSIONS_PAGEVIEWS, SITE_CONC), rows);
	IT_CHECK(site_int(Q_ORPHAN_EVENTS, SITE_CONC) == 0,
	    "concurrency: %lld events point at no session", site_int(Q_ORPHAN_EVENTS, SITE_CONC));
}

/* The database goes away and comes back; the collector must follow. */

static long
health(void)
{
	struct it_req rq = { .path = "/api/health" };
	struct it_resp r;
	long status;

	it_http(&rq, &r);
	status = r.status;
	it_resp_free(&r);
	return status;
}

/* An event for site s; its status, with the answer's Retry-After in *retry (0 when none). */
static long
send_event(enum site s, const char *path, int *retry)
{
	struct buf b = BUF_INIT, f = BUF_INIT, v = BUF_INIT;
	struct it_resp r;
	long status;

	buf_addf(&f, "\"n\":\"pageview\",\"u\":\"https://x.example%s\"", path);
	event_body(&b, s, f.ptr);
	post("text/plain", b.ptr, b.len, NULL, NULL, &r);
	status = r.status;
	if (retry != NULL)
		*retry = it_header(&r, "Retry-After", &v) == 1 ? (int)it_number(v.ptr) : 0;
	it_resp_free(&r);
	buf_release(&v);
	buf_release(&f);
	buf_release(&b);
	return status;
}

/*
 * Clients that give up while their events wait for the commit.  The
 * collector answers a request on a kept-alive connection from the writer
 * thread, after the COMMIT, while the request's thread already waits on
 * the socket; a client gone by then must cost neither a thread nor the
 * collector.  A table lock holds the writer until the clients time out.
 */
#define GONE_CLIENTS	12

struct gone {
	pthread_t	 tid;
	int		 n;
	long		 status;
};

static void *
gone_main(void *arg)
{
	struct gone *g = arg;
	struct buf b = BUF_INIT, ua = BUF_INIT;
	struct it_resp r;

	buf_addf(&ua, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", 140 + g->n);
	buf_addf(&b, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://x.example/gone/%d\"}",
	    sites[SITE_GONE].key, g->n);
	it_http(&(struct it_req){ .path = "/api/event", .ctype = "text/plain",
	    .body = b.ptr, .len = b.len, .ua = ua.ptr, .timeout_ms = 800 }, &r);
	g->status = r.status;
	it_resp_free(&r);
	buf_release(&ua);
	buf_release(&b);
	return NULL;
}

static void
test_client_gone(void)
{
	struct gone g[GONE_CLIENTS];
	long answered = 0, st;
	long long stored = 0;
	int i, k, started = 0, after = 0;

	if (db_exec_sql(db, "LOCK TABLES events WRITE", 24) == -1) {
		IT_CHECK(0, "LOCK TABLES events WRITE failed");
		return;
	}
	memset(g, 0, sizeof(g));
	for (i = 0; i < GONE_CLIENTS; i++) {
		g[i].n = i;
		if (pthread_create(&g[i].tid, NULL, gone_main, &g[i]) != 0)
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(g[i].tid, NULL);
		if (g[i].status != 0)
			answered++;
	}
	IT_CHECK(db_exec_sql(db, "UNLOCK TABLES", 13) == 0, "UNLOCK TABLES failed");
	IT_CHECK(started == GONE_CLIENTS, "only %d client threads started", started);
	IT_CHECK(answered == 0, "%ld of %d clients had an answer while the writer was held",
	    answered, started);
	/* Their events commit once the lock goes, unacknowledged. */
	for (k = 0; k < 100 && (stored = events_of(SITE_GONE)) < started; k++)
		usleep(100 * 1000);
	IT_CHECK(stored == started, "%lld events of %d clients that left were stored",
	    stored, started);
	/* The threads those requests held serve again, and so does the writer. */
	for (i = 0; i < 3 * GONE_CLIENTS; i++)
		if ((st = send_event(SITE_GONE, "/after", NULL)) == 202)
			after++;
		else
			printf("\n  after the clients left: %ld", st);
	IT_CHECK(after == 3 * GONE_CLIENTS, "%d of %d events answered 202 after the clients left",
	    after, 3 * GONE_CLIENTS);
	IT_CHECK(events_of(SITE_GONE) == started + after, "%lld events stored, want %d",
	    events_of(SITE_GONE), started + after);
	IT_CHECK(health() == 200, "health is not 200 after the clients left");
}

static void
test_db_down(void)
{
	const char *stop = getenv("TRACKR_DB_STOP_CMD"), *start = getenv("TRACKR_DB_START_CMD");
	struct it_resp r;
	struct timespec t0, t1;
	long long before;
	double took;
	long st;
	int i, rc, retry, accepted = 0, first = -1, late503 = 0, hl503 = 0;

	if (stop == NULL || *stop == '\0' || start == NULL || *start == '\0') {
		IT_CHECK(0, "TRACKR_DB_STOP_CMD and TRACKR_DB_START_CMD are not set, so the "
		    "database outage was not tested: they must hold shell commands that stop "
		    "and start the test MariaDB");
		return;
	}
	st = send_event(SITE_DOWN, "/before", NULL);
	IT_CHECK(st == 202, "before the outage: got %ld, want 202", st);
	before = events_of(SITE_DOWN);

	fflush(NULL);
	rc = system(stop);
	if (!IT_CHECK(rc == 0, "TRACKR_DB_STOP_CMD failed (status %d): %s", rc, stop))
		return;
	/* A site the collector has cached: the write fails. */
	for (i = 0; i < 3; i++) {
		st = send_event(SITE_DOWN, "/during", &retry);
		IT_CHECK(st == 503 && retry > 0, "database down: got %ld with Retry-After %d, "
		    "want 503 with Retry-After", st, retry);
	}
	st = health();
	IT_CHECK(st == 503, "database down: /api/health %ld, want 503", st);
	/*
	 * Sites it has not seen yet: the lookup itself fails, on whichever
	 * request thread takes it (several, so threads without a connection
	 * and threads with a dead one are both met).
	 */
	for (i = 0; i < 6; i++) {
		st = send_event(SITE_COLD, "/cold", &retry);
		if (!IT_CHECK(st == 503 && retry > 0, "database down, a site not in the cache: got "
		    "%ld with Retry-After %d, want 503%s", st, retry,
		    st == 502 ? " (502: the collector is gone, it crashed?)" : ""))
			break;
	}
	{
		char key[23];
		struct buf u = BUF_INIT;

		it_token(key, 22);
		buf_addf(&u, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://x.example/\"}", key);
		post("text/plain", u.ptr, u.len, NULL, NULL, &r);
		IT_CHECK(r.status == 503 || r.status == 404, "database down, an unknown key: got "
		    "%ld, want 503 (or 404)", r.status);
		it_resp_free(&r);
		buf_release(&u);
	}

	fflush(NULL);
	rc = system(start);
	if (!IT_CHECK(rc == 0, "TRACKR_DB_START_CMD failed (status %d): %s", rc, start))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 80 && first == -1; i++) {
		if ((st = send_event(SITE_DOWN, "/after", NULL)) == 202) {
			accepted++;
			first = i;
		} else if (!IT_CHECK(st == 503, "recovering: got %ld, want 503 or 202%s", st,
		    st == 502 ? " (502 from nginx: the collector is gone)" : ""))
			break;
		if (first == -1)
			usleep(250 * 1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!IT_CHECK(first != -1, "no event accepted within 20 s of the database's return"))
		return;
	printf("\n  first event accepted %.1f s after the database started (attempt %d)\n",
	    took, first + 1);

	/*
	 * Back to normal: every request answered, none refused because a
	 * connection made before the outage is found dead only when used.
	 */
	st = send_event(SITE_LATE, "/late", NULL);
	IT_CHECK(st == 202, "after recovery, the first event of a site not in the cache: "
	    "got %ld, want 202", st);
	for (i = 0; i < 30; i++) {
		if (send_event(SITE_DOWN, "/after", NULL) == 202)
			accepted++;
		else
			late503++;
		if (health() != 200)
			hl503++;
	}
	IT_CHECK(late503 == 0, "after recovery %d of 30 events were refused", late503);
	IT_CHECK(hl503 == 0, "after recovery /api/health failed %d of 30 times", hl503);
	IT_CHECK(events_of(SITE_DOWN) == before + accepted,
	    "outage: %lld stored since, %d acknowledged (the 503s must store nothing)",
	    events_of(SITE_DOWN) - before, accepted);
	IT_CHECK(events_of(SITE_COLD) == 0, "outage: %lld events stored for the site first "
	    "seen during it", events_of(SITE_COLD));
}

/* No client address anywhere: not in any table, not in the logs. */

static void
scan_file(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	struct buf line = BUF_INIT;
	char chunk[4096];
	long hits = 0;

	if (fp == NULL) {
		printf("\n  (%s not readable: not scanned)", path);
		return;
	}
	while (fgets(chunk, sizeof(chunk), fp) != NULL) {
		buf_adds(&line, chunk);
		if (line.len > 0 && line.ptr[line.len - 1] != '\n' && !feof(fp))
			continue;
		if (strstr(line.ptr, needle) != NULL && hits++ == 0)
			printf("\n  %s: %.200s", path, line.ptr);
		buf_reset(&line);
	}
	fclose(fp);
	IT_CHECK(hits == 0, "%s holds the client address %s on %ld lines", path, needle, hits);
	buf_release(&line);
}

static void
test_no_client_ip(void)
{
	static const char *const needles[] = {
		CLIENT_ADDR, "77.0.0.127", "7f00004d", "7F00004D", "2130706509",
		"\x7f\x00\x00\x4d", "\x4d\x00\x00\x7f",
	};
	static const size_t nlen[] = { 10, 10, 8, 8, 10, 4, 4 };
	struct buf hits = BUF_INIT, dir = BUF_INIT, path = BUF_INIT;
	const char *conf_path = getenv("TRACKR_CONF"), *slash;
	int n;

	n = it_db_scan(db, needles, nlen, sizeof(needles) / sizeof(needles[0]), &hits);
	IT_CHECK(n == 0, "the client address is stored: %s", n < 0 ? "scan failed" : hits.ptr);

	/* The stack keeps its logs next to its configuration. */
	if (conf_path != NULL && (slash = strrchr(conf_path, '/')) != NULL) {
		buf_add(&dir, conf_path, (size_t)(slash - conf_path));
		buf_addf(&path, "%s/log/collect.log", dir.ptr);
		scan_file(path.ptr, CLIENT_ADDR);
		buf_reset(&path);
		buf_addf(&path, "%s/log/nginx-access.log", dir.ptr);
		scan_file(path.ptr, CLIENT_ADDR);
	}
	buf_release(&path);
	buf_release(&dir);
	buf_release(&hits);
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "health answers 200", test_health },
		{ "tracker event (short keys) stored and enriched", test_tracker_event },
		{ "utm_source names the source", test_utm_source },
		{ "Plausible long keys with props and revenue", test_plausible_long },
		{ "Plausible short keys with props as a string", test_plausible_short },
		{ "batch with batch_id, then its retry", test_batch },
		{ "hash mode keeps the fragment", test_hash_mode },
		{ "pixel with u and with a Referer", test_pixel },
		{ "OPTIONS preflight", test_preflight },
		{ "CORS echoes an allowed Origin", test_cors },
		{ "sessions: stitching, engagement, visitors", test_sessions },
		{ "bots stored where allowed", test_bot_allowed },
		{ "limits: largest accepted values", test_limits_accepted },
		{ "413 for a body over 64 KiB", test_too_large },
		{ "400 for invalid JSON", test_bad_json },
		{ "400 for invalid UTF-8", test_bad_utf8 },
		{ "400 for NUL bytes and \\u0000", test_nul },
		{ "400 for nesting deeper than 5", test_depth },
		{ "400 for out-of-range numbers", test_ranges },
		{ "400 for wrong types", test_types },
		{ "400 for props over the limits", test_prop_limits },
		{ "400 for a batch over 50 events", test_batch_limit },
		{ "400 for missing or bad name and url", test_missing },
		{ "405 for a wrong method", test_method },
		{ "415 for a wrong content type", test_content_type },
		{ "unknown and disabled sites answer alike", test_unknown_disabled },
		{ "403 for an Origin not allowed", test_bad_origin },
		{ "bots ignored where not allowed", test_bots_ignored },
		{ "DNT and Sec-GPC on a respect_dnt site", test_dnt },
		{ "429 past the site's rate limit", test_rate_limit },
		{ "valid values never fail the write", test_storable },
		{ "8 threads x 200 requests: stored = acknowledged", test_concurrency },
		{ "clients gone before the commit cost nothing", test_client_gone },
		{ "database outage: 503, then recovery", test_db_down },
		{ "no client address stored", test_no_client_ip },
	};

	log_init("test_collect", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(CLIENT_ADDR);
	return it_run("collect", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
