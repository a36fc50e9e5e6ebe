/*
 * Integration tests of the dashboard's full breakdowns and their
 * downloads (cgi/dashboard/report.c) through nginx: sort orders and
 * their headings, paging, refusal of bad parameters, CSV with formula
 * neutralisation and quoting, JSON that parses and escapes, filters
 * applied to exports, HEAD, and the same answers through a shared link.
 * The suite makes its own user, organisation and site, and writes its
 * own visits with SQL on one UTC day, which every request names as a
 * custom period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define IFACE		"127.0.12.1"	/* sign-up throttles of its own */
#define XSS		"<script>alert(1)</script>"
#define XSS_HTML	"&lt;script&gt;alert(1)&lt;/script&gt;"
#define FORMULA		"=cmd|' /C calc'!A0"
#define QUOTED		"/q,\"x\";y"
#define EV_FORMULA	"=HYPERLINK(\"http://evil.example\")"
#define NPAGES		130	/* /p/000 .. /p/129 */
#define NVISITS		135	/* one visitor each */
#define NROWS		133	/* entry pages: NPAGES and three odd ones */

enum stmt {
	STMT_LAST_MAIL,
	STMT_FIRST_ORG,
	STMT_SITE_ADD,
	STMT_SITE_ID,
	STMT_SESSION_ADD,
	STMT_EVENT_ADD,
	STMT_SHARE_ADD,
	STMT_EVENTS_DEL,
	STMT_SESSIONS_DEL,
	STMT_SITE_DEL,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_FIRST_ORG] =
	    "SELECT MIN(m.org_id) FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ?",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'UTC')",
	[STMT_SITE_ID] = "SELECT id FROM sites WHERE domain = ?",
	[STMT_SESSION_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, source) "
	    "VALUES (?, ?, ?, ?, ?, ?, '/', ?, ?, ?, ?)",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, pathname, props) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[STMT_SHARE_ADD] =
	    "INSERT INTO shared_links (site_id, name, token_hash) VALUES (?, 'report test', ?)",
	[STMT_EVENTS_DEL] = "DELETE FROM events WHERE site_id = ?",
	[STMT_SESSIONS_DEL] = "DELETE FROM sessions WHERE site_id = ?",
	[STMT_SITE_DEL] = "DELETE FROM sites WHERE id = ?",
};

static struct conf	conf;
static struct db	*db;
static struct it_jar	jar = IT_JAR_INIT;
static char		 email[96], domain[96], day[11], share_tok[44];
static long long	 site_id;
static struct buf	 base = BUF_INIT;	/* "/dash/<id>" */
static struct buf	 period = BUF_INIT;	/* "period=custom&from=D&to=D" */

/* ------------------------------------------------------------ helpers */

static int
exec(enum stmt s, struct db_args *a)
{
	int rc = db_exec(db, db_stmt(db, s), a, NULL, NULL);

	db_args_reset(a);
	return rc;
}

/* One visit and its page views (and a custom event when name is set). */
static int
visit(long long n, long long t, const char *entry, int pageviews, int seconds,
    const char *source, const char *event, const char *props)
{
	struct db_args a = DB_ARGS_INIT;
	long long id = 7000000000000000000LL + site_id * 1000 + n;
	int i, rc = 0;

	db_arg_int(&a, id);
	db_arg_int(&a, site_id);
	db_arg_int(&a, id);
	db_arg_time_ms(&a, t * 1000);
	db_arg_time_ms(&a, (t + seconds) * 1000);
	db_arg_strz(&a, entry);
	db_arg_int(&a, pageviews);
	db_arg_int(&a, pageviews + (event != NULL));
	db_arg_int(&a, pageviews + (event != NULL));
	db_arg_strz(&a, source);
	rc |= exec(STMT_SESSION_ADD, &a);
	for (i = 0; i < pageviews; i++) {
		db_arg_int(&a, site_id);
		db_arg_time_ms(&a, t * 1000);
		db_arg_strz(&a, "pageview");
		db_arg_int(&a, id);
		db_arg_int(&a, id);
		db_arg_strz(&a, entry);
		db_arg_null(&a);
		rc |= exec(STMT_EVENT_ADD, &a);
	}
	if (event != NULL) {
		db_arg_int(&a, site_id);
		db_arg_time_ms(&a, t * 1000);
		db_arg_strz(&a, event);
		db_arg_int(&a, id);
		db_arg_int(&a, id);
		db_arg_strz(&a, entry);
		db_arg_strz(&a, props);
		rc |= exec(STMT_EVENT_ADD, &a);
	}
	db_args_free(&a);
	return rc;
}

/* GET base + sub + "?" + period + extra (already encoded, starting with '&' or empty). */
static void
get(const char *sub, const char *extra, struct it_resp *r)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s%s?%s%s", base.ptr, sub, period.ptr, extra);
	it_get(&jar, p.ptr, r);
	buf_release(&p);
}

/* The name cells of a report page's rows, as the HTML has them, one a line in out. */
static size_t
names(const struct it_resp *r, struct buf *out)
{
	const char *p = r->body.ptr, *e;
	size_t n = 0;

	buf_reset(out);
	while ((p = strstr(p, "<td class=\"name")) != NULL) {
		p = strchr(p, '>') + 1;
		if (strncmp(p, "<a ", 3) == 0)
			p = strchr(p, '>') + 1;
		e = strchr(p, '<');
		buf_add(out, p, (size_t)(e - p));
		buf_addch(out, '\n');
		p = e;
		n++;
	}
	return n;
}

/* 1 when the k-th (0-based) name of the page is want. */
static int
name_is(const struct it_resp *r, size_t k, const char *want)
{
	struct buf b = BUF_INIT;
	const char *p;
	size_t i;
	int ok = 0;

	names(r, &b);
	for (p = b.ptr, i = 0; i < k && (p = strchr(p, '\n')) != NULL; i++)
		p++;
	if (p != NULL && strncmp(p, want, strlen(want)) == 0 && p[strlen(want)] == '\n')
		ok = 1;
	buf_release(&b);
	return ok;
}

static size_t
count_lines(const struct buf *b)
{
	size_t n = 0, i;

	for (i = 0; i < b->len; i++)
		n += b->ptr[i] == '\n';
	return n;
}

/* The results array of a JSON export (owned by *doc), or NULL. */
static json_object *
results(const struct it_resp *r, json_object **doc)
{
	json_object *res;

	if ((*doc = it_json(r)) == NULL ||
	    !json_object_object_get_ex(*doc, "results", &res) ||
	    !json_object_is_type(res, json_type_array))
		return NULL;
	return res;
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static long long
jint(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : -1;
}

/* The row of results named name, or NULL. */
static json_object *
row_named(json_object *res, const char *name)
{
	size_t i;
	const char *s;

	for (i = 0; res != NULL && i < json_object_array_length(res); i++)
		if ((s = jstr(json_object_array_get_idx(res, i), "name")) != NULL &&
		    strcmp(s, name) == 0)
			return json_object_array_get_idx(res, i);
	return NULL;
}

/* -------------------------------------------------------------- tests */

static void
test_setup(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct it_resp r;
	struct buf p = BUF_INIT;
	char tok[64], key[23];
	long long org, t = (long long)time(NULL);
	time_t tt = (time_t)t;
	struct tm tm;
	char path[16];
	int i, ok = 1;

	it_signup(&j, email, "Reports Ltd", PASSWORD, &r);
	IT_CHECK(r.status == 200, "sign-up: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, email, tok), "a verification mail to %s", email);
	buf_addf(&p, "/verify?token=%s", tok);
	it_get(&j, p.ptr, &r);
	IT_CHECK(r.status == 200, "verification: %ld", r.status);
	it_resp_free(&r);
	it_jar_free(&j);
	it_login(&jar, email, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303, "login: %ld", r.status);
	it_resp_free(&r);

	db_arg_strz(&a, email);
	org = it_db_int(db, STMT_FIRST_ORG, &a, 0);
	db_args_reset(&a);
	IT_CHECK(org > 0, "the user's organisation: %lld", org);
	it_token(key, 22);
	db_arg_int(&a, org);
	db_arg_strz(&a, domain);
	db_arg_strz(&a, key);
	IT_CHECK(exec(STMT_SITE_ADD, &a) == 0, "site %s added", domain);
	db_arg_strz(&a, domain);
	site_id = it_db_int(db, STMT_SITE_ID, &a, 0);
	db_args_free(&a);
	IT_CHECK(site_id > 0, "site id %lld", site_id);
	buf_addf(&base, "/dash/%lld", site_id);

	/* One UTC day, named by every request: a custom period of that day. */
	gmtime_r(&tt, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	buf_addf(&period, "period=custom&from=%s&to=%s", day, day);

	/* /p/NNN: visit i lasts i seconds, has i % 5 + 1 page views, and comes from google when i is even. */
	for (i = 0; i < NPAGES; i++) {
		snprintf(path, sizeof(path), "/p/%03d", i);
		ok &= visit(i, t, path, i % 5 + 1, i, i % 2 ? "direct" : "google", NULL, NULL) == 0;
	}
	/* /p/007 twice more: three visitors, the most of any page. */
	ok &= visit(130, t, "/p/007", 1, 0, "google", NULL, NULL) == 0;
	ok &= visit(131, t, "/p/007", 1, 0, "google", NULL, NULL) == 0;
	ok &= visit(132, t, XSS, 1, 0, "google", "Signup",
	    "{\"plan\":\"=1+1\",\"tier\":\"<b>x</b>\"}") == 0;
	ok &= visit(133, t, FORMULA, 1, 0, "google", "Signup", "{\"plan\":\"pro\"}") == 0;
	ok &= visit(134, t, QUOTED, 1, 0, "google", EV_FORMULA, NULL) == 0;
	IT_CHECK(ok, "visits of site %lld written", site_id);

	it_get(&jar, base.ptr, &r);
	IT_CHECK(r.status == 200, "the site's overview: %ld", r.status);
	it_resp_free(&r);
	buf_release(&p);
}

static void
test_anonymous(void)
{
	struct it_jar none = IT_JAR_INIT;
	struct it_resp r;
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s/entry-pages.csv?%s", base.ptr, period.ptr);
	it_get(&none, p.ptr, &r);
	IT_CHECK(r.status == 303, "an export needs a login: %ld", r.status);
	IT_CHECK(strstr(r.body.ptr, domain) == NULL, "and shows nothing of the site");
	it_resp_free(&r);
	buf_release(&p);
}

static void
test_sort(void)
{
	struct it_resp r;
	struct buf b = BUF_INIT;
	json_object *doc = NULL, *res;
	long long prev = -1, v;
	size_t i;
	int ordered = 1;

	get("/entry-pages", "", &r);
	IT_CHECK(r.status == 200, "entry pages: %ld", r.status);
	IT_CHECK(name_is(&r, 0, "/p/007"), "by visitors, /p/007 (3) first:\n%.300s",
	    (names(&r, &b), b.ptr));
	IT_CHECK(name_is(&r, 1, "/p/000") && name_is(&r, 2, "/p/001"),
	    "ties in name order:\n%.300s", (names(&r, &b), b.ptr));
	IT_CHECK(strstr(r.body.ptr, "aria-sort=\"descending\"><a href=\"") != NULL &&
	    strstr(r.body.ptr, "sort=visitors&amp;dir=asc\">Visitors</a>") != NULL,
	    "the Visitors heading is marked and turns the order round");
	IT_CHECK(strstr(r.body.ptr, "sort=visit_duration&amp;dir=desc\">Visit duration") != NULL,
	    "other headings sort biggest first");
	it_resp_free(&r);

	get("/entry-pages", "&sort=visit_duration", &r);
	IT_CHECK(r.status == 200 && name_is(&r, 0, "/p/129") && name_is(&r, 1, "/p/128"),
	    "longest visits first: %ld\n%.200s", r.status, (names(&r, &b), b.ptr));
	IT_CHECK(strstr(r.body.ptr, "aria-sort=\"descending\"><a href=\"") != NULL &&
	    strstr(r.body.ptr, "sort=visit_duration&amp;dir=asc\">Visit duration") != NULL,
	    "the Visit duration heading is the marked one");
	it_resp_free(&r);

	get("/entry-pages", "&sort=name&dir=asc", &r);
	IT_CHECK(r.status == 200 && name_is(&r, 0, "/p/000") && name_is(&r, 1, "/p/001"),
	    "names A to Z: %ld\n%.200s", r.status, (names(&r, &b), b.ptr));
	IT_CHECK(strstr(r.body.ptr, "aria-sort=\"ascending\"") != NULL, "marked ascending");
	/* Another period keeps the order, and so does the custom range form. */
	IT_CHECK(strstr(r.body.ptr, "/entry-pages?period=7d&amp;sort=name&amp;dir=asc\"") != NULL,
	    "the period links keep sort and dir");
	IT_CHECK(strstr(r.body.ptr, "<input type=\"hidden\" name=\"sort\" value=\"name\">") != NULL,
	    "the custom range form keeps sort");
	it_resp_free(&r);

	get("/entry-pages", "&sort=name&dir=desc", &r);
	IT_CHECK(r.status == 200 && name_is(&r, 0, "=cmd|&#39; /C calc&#39;!A0") &&
	    name_is(&r, 1, XSS_HTML), "names Z to A (bytes): %ld\n%.200s", r.status,
	    (names(&r, &b), b.ptr));
	it_resp_free(&r);

	get("/entry-pages.json", "&sort=pageviews&dir=asc", &r);
	IT_CHECK(r.status == 200 && (res = results(&r, &doc)) != NULL, "JSON: %ld", r.status);
	for (i = 0; doc != NULL && res != NULL && i < json_object_array_length(res); i++) {
		v = jint(json_object_array_get_idx(res, i), "pageviews");
		if (v < prev)
			ordered = 0;
		prev = v;
	}
	IT_CHECK(ordered && prev == 5, "the export follows the sort, fewest page views first");
	json_object_put(doc);
	it_resp_free(&r);
	buf_release(&b);
}

static void
test_paging(void)
{
	struct it_resp r;
	struct buf b = BUF_INIT;

	get("/entry-pages", "&sort=name&dir=asc", &r);
	IT_CHECK(names(&r, &b) == 100, "page 1 holds 100 rows: %zu", names(&r, &b));
	IT_CHECK(strstr(r.body.ptr, "rel=\"next\"") != NULL &&
	    strstr(r.body.ptr, "sort=name&amp;dir=asc&amp;page=2\" rel=\"next\">Next<") != NULL,
	    "a Next link to page 2 that keeps the order");
	IT_CHECK(strstr(r.body.ptr, "rel=\"prev\"") == NULL, "no Previous on page 1");
	IT_CHECK(strstr(r.body.ptr, "Rows 1 to 100") != NULL, "says which rows");
	it_resp_free(&r);

	get("/entry-pages", "&sort=name&dir=asc&page=2", &r);
	IT_CHECK(r.status == 200 && names(&r, &b) == NROWS - 100, "page 2: %ld, %zu rows",
	    r.status, names(&r, &b));
	IT_CHECK(name_is(&r, 0, "/p/100"), "page 2 starts where page 1 ended:\n%.100s", b.ptr);
	IT_CHECK(strstr(r.body.ptr, "rel=\"prev\">Previous<") != NULL &&
	    strstr(r.body.ptr, "rel=\"next\"") == NULL, "Previous, and no Next on the last page");
	IT_CHECK(strstr(r.body.ptr, "Rows 101 to 133") != NULL, "rows 101 to 133");
	it_resp_free(&r);

	get("/entry-pages", "&page=3", &r);
	IT_CHECK(r.status == 200 && names(&r, &b) == 0 &&
	    strstr(r.body.ptr, "no rows on this page") != NULL &&
	    strstr(r.body.ptr, "rel=\"prev\"") != NULL, "past the end: no rows, a way back (%ld)",
	    r.status);
	it_resp_free(&r);

	get("/entry-pages.csv", "&page=2", &r);
	IT_CHECK(r.status == 200 && count_lines(&r.body) == NROWS + 1,
	    "exports are never paged: %ld, %zu lines", r.status, count_lines(&r.body));
	it_resp_free(&r);
	buf_release(&b);
}

static void
test_bad_params(void)
{
	static const struct {
		const char	*sub;
		const char	*extra;
		long		 status;
	} cases[] = {
		{ "/entry-pages", "&sort=bogus", 400 },
		{ "/entry-pages", "&sort=visitors&dir=sideways", 400 },
		{ "/entry-pages", "&page=0", 400 },
		{ "/entry-pages", "&page=-3", 400 },
		{ "/entry-pages", "&page=two", 400 },
		{ "/entry-pages", "&page=007", 400 },
		{ "/entry-pages", "&page=10001", 400 },
		{ "/events", "&sort=visit_duration", 400 },	/* not a column of events */
		{ "/pages", "&sort=visit_duration", 400 },
		{ "/entry-pages.csv", "&sort=bogus", 400 },
		{ "/entry-pages.json", "&dir=up", 400 },
		{ "/entry-pages.json", "&page=x", 400 },
		{ "/no-such-report", "", 404 },
		{ "/goals.csv", "", 404 },
		{ "/entry-pages.xml", "", 404 },
		{ "/entry-pages", "&page=10000", 200 },
		{ "/entry-pages", "&sort=&dir=", 200 },	/* empty means the default */
	};
	struct it_resp r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		get(cases[i].sub, cases[i].extra, &r);
		IT_CHECK(r.status == cases[i].status, "%s?...%s: %ld, not %ld", cases[i].sub,
		    cases[i].extra, r.status, cases[i].status);
		if (cases[i].status == 400)
			IT_CHECK(it_header_is(&r, "Content-Type", "text/html; charset=utf-8") &&
			    strstr(r.body.ptr, "Bad request") != NULL,
			    "%s%s: a page that says why", cases[i].sub, cases[i].extra);
		it_resp_free(&r);
	}
}

static void
test_csv(void)
{
	struct it_resp r;
	struct buf want = BUF_INIT, v = BUF_INIT;
	static const char head[] = "\xEF\xBB\xBFname,visitors,visits,pageviews,bounce_rate,"
	    "visit_duration,events\r\n";

	get("/entry-pages.csv", "&sort=name&dir=asc", &r);
	IT_CHECK(r.status == 200, "CSV: %ld", r.status);
	IT_CHECK(it_header_is(&r, "Content-Type", "text/csv; charset=utf-8"), "its type");
	buf_addf(&want, "attachment; filename=\"trackr-%s-entry-pages-%s-%s.csv\"", domain, day, day);
	IT_CHECK(it_header(&r, "Content-Disposition", &v) == 1 && strcmp(v.ptr, want.ptr) == 0,
	    "a download named %s: %s", want.ptr, v.ptr);
	IT_CHECK(it_header_is(&r, "Cache-Control", "no-store"), "not cached");
	IT_CHECK(r.body.len > sizeof(head) && memcmp(r.body.ptr, head, sizeof(head) - 1) == 0,
	    "a byte order mark and the header row: %.80s", r.body.ptr);
	IT_CHECK(count_lines(&r.body) == NROWS + 1, "every row: %zu lines", count_lines(&r.body));
	IT_CHECK(strstr(r.body.ptr, "\r\n/p/000,1,1,1,100.0,0,1\r\n") != NULL,
	    "numbers as numbers, a bounce rate in percent");
	IT_CHECK(strstr(r.body.ptr, "\r\n/p/007,3,3,5,66.7,2,5\r\n") != NULL,
	    "sums over visits: %.200s", strstr(r.body.ptr, "/p/007") ? strstr(r.body.ptr, "/p/007") : "");
	IT_CHECK(strstr(r.body.ptr, "\r\n'=cmd|' /C calc'!A0,1,") != NULL,
	    "a formula is neutralised with a leading quote");
	IT_CHECK(strstr(r.body.ptr, "\r\n\"/q,\"\"x\"\";y\",1,") != NULL,
	    "commas, quotes and semicolons are quoted");
	IT_CHECK(strstr(r.body.ptr, "\r\n<script>alert(1)</script>,1,") != NULL,
	    "HTML is just text in a CSV");
	it_resp_free(&r);

	get("/events.csv", "", &r);
	IT_CHECK(r.status == 200 &&
	    strstr(r.body.ptr, "\r\nSignup,2,2,,0.0,,2\r\n") != NULL,
	    "events: conversions and events, no page views or durations: %.300s", r.body.ptr);
	IT_CHECK(strstr(r.body.ptr, "\r\n\"'=HYPERLINK(\"\"http://evil.example\"\")\",1,") != NULL,
	    "a quoted formula gets its quote inside the quotes");
	it_resp_free(&r);

	get("/props.csv", "&prop=plan&sort=name", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "\xEF\xBB\xBFproperty,name,visitors,") ==
	    r.body.ptr, "properties have a property column: %.80s", r.body.ptr);
	IT_CHECK(strstr(r.body.ptr, "\r\nplan,'=1+1,1,1,,0.0,,1\r\n") != NULL &&
	    strstr(r.body.ptr, "\r\nplan,pro,1,") != NULL && strstr(r.body.ptr, "tier") == NULL,
	    "one property's values, neutralised: %.300s", r.body.ptr);
	it_resp_free(&r);
	buf_release(&want);
	buf_release(&v);
}

static void
test_json(void)
{
	struct it_resp r;
	json_object *doc = NULL, *res, *o, *pd, *x;
	const char *s;

	get("/entry-pages.json", "", &r);
	IT_CHECK(r.status == 200 && it_header_is(&r, "Content-Type", "application/json"),
	    "JSON: %ld", r.status);
	res = results(&r, &doc);
	IT_CHECK(res != NULL && json_object_array_length(res) == NROWS,
	    "it parses, with every row: %zu", res ? json_object_array_length(res) : 0);
	IT_CHECK(doc != NULL && (s = jstr(doc, "site")) != NULL && strcmp(s, domain) == 0,
	    "it names the site");
	IT_CHECK(doc != NULL && (s = jstr(doc, "report")) != NULL && strcmp(s, "entry_page") == 0,
	    "and the report");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "period", &pd) &&
	    (s = jstr(pd, "name")) && strcmp(s, "custom") == 0 &&
	    (s = jstr(pd, "from")) && strcmp(s, day) == 0 && (s = jstr(pd, "to")) &&
	    strcmp(s, day) == 0 && (s = jstr(pd, "timezone")) && strcmp(s, "UTC") == 0,
	    "and the period");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "filters", &x) &&
	    json_object_array_length(x) == 0, "no filters");
	IT_CHECK(strchr(r.body.ptr, '<') == NULL && strstr(r.body.ptr, "\\u003cscript") != NULL,
	    "no '<' anywhere: inert even inside HTML");
	IT_CHECK(row_named(res, XSS) != NULL && row_named(res, FORMULA) != NULL &&
	    row_named(res, QUOTED) != NULL, "values read back exactly, formulas untouched");
	o = row_named(res, "/p/007");
	IT_CHECK(o != NULL && jint(o, "visitors") == 3 && jint(o, "visits") == 3 &&
	    jint(o, "pageviews") == 5 && jint(o, "visit_duration") == 2 &&
	    json_object_object_get_ex(o, "bounce_rate", &x) &&
	    json_object_get_double(x) > 66.6 && json_object_get_double(x) < 66.8,
	    "metrics: %s", o ? json_object_to_json_string(o) : "(none)");
	json_object_put(doc);
	it_resp_free(&r);

	get("/events.json", "", &r);
	res = results(&r, &doc);
	o = row_named(res, "Signup");
	IT_CHECK(o != NULL && jint(o, "visitors") == 2 && jint(o, "events") == 2 &&
	    json_object_object_get_ex(o, "visit_duration", &x) && x == NULL,
	    "events: %s", o ? json_object_to_json_string(o) : "(none)");
	IT_CHECK(row_named(res, EV_FORMULA) != NULL, "an event name with quotes reads back");
	json_object_put(doc);
	it_resp_free(&r);

	get("/props.json", "&prop=tier", &r);
	res = results(&r, &doc);
	IT_CHECK(res != NULL && json_object_array_length(res) == 1 &&
	    (s = jstr(json_object_array_get_idx(res, 0), "name")) && strcmp(s, "<b>x</b>") == 0 &&
	    (s = jstr(json_object_array_get_idx(res, 0), "property")) && strcmp(s, "tier") == 0,
	    "one property: %.300s", r.body.ptr);
	json_object_put(doc);
	it_resp_free(&r);
}

static void
test_filters(void)
{
	struct it_resp r, r2;
	json_object *doc = NULL, *res, *x;
	const char *s;

	get("/entry-pages.csv", "&f=source%3Ais%3Agoogle&sort=name", &r);
	/* Even /p/NNN (65), /p/007 by its two google visits, and the three odd ones. */
	IT_CHECK(r.status == 200 && count_lines(&r.body) == 1 + 65 + 1 + 3,
	    "a filtered export: %ld, %zu lines", r.status, count_lines(&r.body));
	IT_CHECK(strstr(r.body.ptr, "\r\n/p/002,") != NULL && strstr(r.body.ptr, "/p/001,") == NULL,
	    "only the filter's rows");
	IT_CHECK(strstr(r.body.ptr, "\r\n/p/007,2,2,2,") != NULL, "counted within the filter");
	it_resp_free(&r);

	get("/entry-pages.json", "&f=source%3Ais%3Agoogle&f=page%3Acontains%3A%2Fp%2F", &r);
	res = results(&r, &doc);
	IT_CHECK(res != NULL && json_object_array_length(res) == 66 &&
	    row_named(res, XSS) == NULL, "two filters: %zu rows",
	    res ? json_object_array_length(res) : 0);
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "filters", &x) &&
	    json_object_array_length(x) == 2 &&
	    (s = json_object_get_string(json_object_array_get_idx(x, 0))) &&
	    strcmp(s, "source:is:google") == 0 &&
	    (s = json_object_get_string(json_object_array_get_idx(x, 1))) &&
	    strcmp(s, "page:contains:/p/") == 0, "the export names its filters");
	json_object_put(doc);
	it_resp_free(&r);

	/* The page's download links carry the same parameters. */
	get("/entry-pages", "&f=source%3Ais%3Agoogle&sort=visits&dir=asc", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "/entry-pages.csv?period=custom&amp;from=") &&
	    strstr(r.body.ptr, "f=source%3Ais%3Agoogle&amp;sort=visits&amp;dir=asc\" download>"
	    "Download CSV") != NULL, "the CSV link keeps period, filters and order");
	it_resp_free(&r);
	get("/entry-pages.csv", "&f=source%3Ais%3Agoogle&sort=visits&dir=asc", &r2);
	IT_CHECK(r2.status == 200 && strstr(r2.body.ptr, "/p/001") == NULL, "and so does its answer");
	it_resp_free(&r2);
}

static void
test_html(void)
{
	struct it_resp r;

	get("/entry-pages", "&sort=name&dir=desc", &r);
	IT_CHECK(strstr(r.body.ptr, "<script>alert") == NULL && strstr(r.body.ptr, XSS_HTML) != NULL,
	    "a tracked value is text on the page");
	IT_CHECK(strstr(r.body.ptr, "f=entry_page%3Ais%3A%3Cscript%3Ealert%281%29%3C%2Fscript%3E") !=
	    NULL, "and filters the overview when clicked");
	IT_CHECK(strstr(r.body.ptr, "Download JSON") != NULL && strstr(r.body.ptr, "visitor ids "
	    "change every day") == NULL, "one day: no note on adding up days");
	it_resp_free(&r);

	get("/events", "", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Conversion rate") != NULL &&
	    strstr(r.body.ptr, "<td class=\"num\">1.5%</td>") != NULL,
	    "events: 2 of 135 visitors convert");
	IT_CHECK(strstr(r.body.ptr, "=HYPERLINK(&quot;http://evil.example&quot;)") != NULL,
	    "quotes escaped");
	it_resp_free(&r);

	get("/props", "", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "aria-current=\"page\">plan</a>") != NULL &&
	    strstr(r.body.ptr, ">tier</a>") != NULL, "properties: the names, the first chosen");
	it_resp_free(&r);
	get("/props", "&prop=tier", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "&lt;b&gt;x&lt;/b&gt;") != NULL &&
	    strstr(r.body.ptr, "<b>x") == NULL, "a property's values, escaped");
	it_resp_free(&r);
}

static void
test_head(void)
{
	struct it_req rq;
	struct it_resp r;
	struct buf p = BUF_INIT, cookie = BUF_INIT;

	memset(&rq, 0, sizeof(rq));
	buf_addf(&p, "%s/entry-pages.json?%s", base.ptr, period.ptr);
	buf_addf(&cookie, "Cookie: __Host-trackr_session=%s", jar.session.ptr);
	rq.method = "HEAD";
	rq.path = p.ptr;
	rq.extra[0] = cookie.ptr;
	IT_CHECK(it_http(&rq, &r) == 0 && r.status == 200 && r.body.len == 0 &&
	    it_header_is(&r, "Content-Type", "application/json") &&
	    it_header(&r, "Content-Disposition", &p) == 1, "HEAD: %ld, %zu bytes", r.status,
	    r.body.len);
	it_resp_free(&r);
	buf_release(&p);
	buf_release(&cookie);
}

static void
test_share(void)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	struct it_jar anon = IT_JAR_INIT;
	struct it_resp r, m;
	struct buf p = BUF_INIT;

	it_token(share_tok, 43);
	crypt_sha256(share_tok, 43, hash);
	db_arg_int(&a, site_id);
	db_arg_blob(&a, hash, sizeof(hash));
	IT_CHECK(exec(STMT_SHARE_ADD, &a) == 0, "a shared link");
	db_args_free(&a);

	buf_addf(&p, "/share/%s/entry-pages.csv?%s&sort=name&f=source%%3Ais%%3Agoogle",
	    share_tok, period.ptr);
	it_get(&anon, p.ptr, &r);
	get("/entry-pages.csv", "&sort=name&f=source%3Ais%3Agoogle", &m);
	IT_CHECK(r.status == 200 && r.body.len == m.body.len &&
	    memcmp(r.body.ptr, m.body.ptr, m.body.len) == 0,
	    "the link's export is the member's: %ld, %zu and %zu bytes", r.status, r.body.len,
	    m.body.len);
	IT_CHECK(it_header_is(&r, "Referrer-Policy", "no-referrer"), "and sends no referrer");
	it_resp_free(&r);
	it_resp_free(&m);

	buf_reset(&p);
	buf_addf(&p, "/share/%s/entry-pages?%s&sort=name&page=2", share_tok, period.ptr);
	it_get(&anon, p.ptr, &r);
	buf_reset(&p);
	buf_addf(&p, "href=\"/share/%s/entry-pages?%s", share_tok, period.ptr);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "/dash/") == NULL && names(&r, &p) > 0,
	    "the link's page: %ld, no member links", r.status);
	buf_reset(&p);
	buf_addf(&p, "/share/%s/entry-pages?period=custom&amp;from=%s&amp;to=%s&amp;sort=name"
	    "&amp;dir=asc\" rel=\"prev\"", share_tok, day, day);
	IT_CHECK(strstr(r.body.ptr, p.ptr) != NULL, "paging stays on the link");
	buf_reset(&p);
	buf_addf(&p, "/share/%s/entry-pages.json?", share_tok);
	IT_CHECK(strstr(r.body.ptr, p.ptr) != NULL, "and so do the downloads");
	it_resp_free(&r);
	it_jar_free(&anon);
	buf_release(&p);
}

static void
test_cleanup(void)
{
	struct db_args a = DB_ARGS_INIT;
	int ok = 1;

	db_arg_int(&a, site_id);
	ok &= exec(STMT_EVENTS_DEL, &a) == 0;
	db_arg_int(&a, site_id);
	ok &= exec(STMT_SESSIONS_DEL, &a) == 0;
	db_arg_int(&a, site_id);
	ok &= exec(STMT_SITE_DEL, &a) == 0;
	db_args_free(&a);
	IT_CHECK(ok, "the suite's site and rows deleted");
}

static int
suite_init(void)
{
	char rnd[9];
	char *p;

	it_token(rnd, 8);
	for (p = rnd; *p; p++)
		if (*p == '-' || *p == '_')
			*p = 'x';
		else if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	snprintf(email, sizeof(email), "reports-%ld-%s@example.com", (long)time(NULL), rnd);
	snprintf(domain, sizeof(domain), "reports-%ld-%s.example.com", (long)time(NULL), rnd);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	it_jar_free(&jar);
	buf_release(&base);
	buf_release(&period);
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "a user, a site and its visits", test_setup },
		{ "exports need a login", test_anonymous },
		{ "sort orders and their headings", test_sort },
		{ "pages of 100 rows", test_paging },
		{ "bad parameters answer 400", test_bad_params },
		{ "CSV: formulas neutralised, fields quoted", test_csv },
		{ "JSON: valid, escaped, complete", test_json },
		{ "exports apply the filters", test_filters },
		{ "HTML: values are text", test_html },
		{ "HEAD of an export", test_head },
		{ "a shared link gets the same answers", test_share },
		{ "clean up", test_cleanup },
	};

	log_init("test_dash_report", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("dash_report", suite_init, suite_clean, tests,
	    sizeof(tests) / sizeof(tests[0]));
}
