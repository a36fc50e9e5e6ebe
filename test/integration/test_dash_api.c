/*
 * test_dash_api: the stats API (/api/v1/stats/..., cgi/dashboard/api.c)
 * through nginx on the stack.  Keys are made and revoked through the
 * account pages; every refused key answers the same 401; another
 * organisation's site answers like a missing one; every bad parameter
 * is named in a 400; and the numbers of a small fixture of visits equal
 * the values worked out by hand below.
 *
 * The fixture is written in one transaction, sites included, so the
 * rollup daemon (when one runs) sees all of it or none: either way the
 * answers must be the same.  Site A is in UTC, which keeps the hand
 * arithmetic plain (the zone rules have their own suites); its days are
 * D1 = today - 10 and D2 = D1 + 1, and D0 = D1 - 1 holds the previous
 * period's one visit.
 *
 *  visit visitor start     dur  pages (pv)        events  int  bounce source   country
 *  A0    1005    D0 08:00    0  /                 1       1    yes    -        US
 *  A1    1001    D1 10:00  300  /, /pricing       3 (+Signup plan=free) 3      Google DE
 *  A2    1002    D1 11:00    0  /                 1       1    yes    -        US
 *  A3    1001    D1 15:00  100  /blog             2 (+engagement) 1    yes    Google DE
 *  A4    1001    D2 09:00  600  /pricing, /       3 (+Signup plan=pro)  3      Twitter DE
 *  A5    1003    D2 12:00   50  /, /blog          2       2    -      Google   FR
 *
 * D1..D2: visitors D1 {1001, 1002} + D2 {1001, 1003} = 4; visits 5;
 * page views 8 (1.6 a visit); bounces A2, A3 = 40%; duration 1050 / 5 =
 * 210 s; events 11.  Site B (same organisation) holds only the realtime
 * events; site C belongs to another organisation.
 *
 * The number tests run twice: as the fixture is written (raw rows, unless
 * a rollup daemon got there first), then after `trackrctl rollup` (the
 * past days from rollups).  Needs TRACKR_URL, TRACKR_CONF, and TRACKR_CTL
 * (default var/build/cgi/ctl/trackrctl from the repository's root);
 * TRACKR_KEEP=1 leaves the fixture in the database.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple, stats api"
#define IFACE		"127.0.10.1"	/* sign-up throttles of its own */
#define DAY		86400LL
#define UNAUTHORIZED	"{\"error\":\"missing or invalid API key\"}"
#define NOT_FOUND	"{\"error\":\"site not found\"}"

enum stmt {
	STMT_LAST_MAIL,
	STMT_ORG_OF_EMAIL,
	STMT_KEY_ID_BY_HASH,
	STMT_KEY_USED,
	STMT_THROUGH,
	STMT_ORG_ADD,
	STMT_SITE_ADD,
	STMT_KEY_ADD,
	STMT_GOAL_ADD,
	STMT_SESSION_ADD,
	STMT_EVENT_ADD,
	STMT_DEL_EVENTS,
	STMT_DEL_SESSIONS,
	STMT_DEL_ROLLUP_DAYS,
	STMT_DEL_ROLLUP_MONTHS,
	STMT_DEL_ROLLUP_STATE,
	STMT_DEL_ORG,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_ORG_OF_EMAIL] =
	    "SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ? AND m.role = 'owner' ORDER BY m.org_id LIMIT 1",
	[STMT_KEY_ID_BY_HASH] = "SELECT id FROM api_keys WHERE key_hash = ?",
	[STMT_KEY_USED] = "SELECT last_used_at IS NOT NULL FROM api_keys WHERE id = ?",
	[STMT_THROUGH] =
	    "SELECT DATEDIFF(through_day, '1970-01-01') FROM rollup_state WHERE site_id = ?",
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'UTC')",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope) "
	    "VALUES (?, 'api test', ?, ?, 'read')",
	[STMT_GOAL_ADD] = "INSERT INTO goals (site_id, kind, target) VALUES (?, ?, ?)",
	[STMT_SESSION_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, source, referrer_domain, country, "
	    "device, browser, browser_version, os, os_version, screen) "
	    "VALUES (?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?, "
	    "'desktop', ?, '120', 'Linux', '', 'desktop')",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, hostname, "
	    "pathname, interactive, props) VALUES (?, FROM_UNIXTIME(?), ?, ?, ?, "
	    "'api.example.com', ?, ?, ?)",
	[STMT_DEL_EVENTS] = "DELETE FROM events WHERE site_id = ?",
	[STMT_DEL_SESSIONS] = "DELETE FROM sessions WHERE site_id = ?",
	[STMT_DEL_ROLLUP_DAYS] = "DELETE FROM rollup_days WHERE site_id = ?",
	[STMT_DEL_ROLLUP_MONTHS] = "DELETE FROM rollup_months WHERE site_id = ?",
	[STMT_DEL_ROLLUP_STATE] = "DELETE FROM rollup_state WHERE site_id = ?",
	[STMT_DEL_ORG] = "DELETE FROM organisations WHERE id = ?",
};

static struct conf	 conf;
static struct db	*db;
static struct it_jar	 owner = IT_JAR_INIT;
static char		 email[96], stamp[32];
static long long	 org, other_org, site_a, site_b, site_c, goal[5];
static long long	 day0;		/* D1 as days since the epoch (UTC) */
static char		 d0[11], d1[11], d2[11];
/* Keys: read and admin made on the account page, one revoked there, one of the other org. */
static struct buf	 key_read = BUF_INIT, key_admin = BUF_INIT, key_revoked = BUF_INIT,
			 key_other = BUF_INIT;

/* ---------------------------------------------------------- the fixture */

struct fev {
	int		 off;		/* seconds after the visit's start */
	const char	*name;
	const char	*path;
	const char	*props;
};

struct fvisit {
	long long	 visitor;
	int		 day;		/* 0: D0, 1: D1, 2: D2 */
	int		 hour;
	int		 dur;
	int		 pv, ev, inter;
	const char	*source, *ref, *country, *browser;
	struct fev	 e[4];
};

static const struct fvisit fixture[] = {
	/* A0 */ { 1005, 0, 8, 0, 1, 1, 1, "", "", "US", "Safari",
	    { { 0, "pageview", "/", NULL } } },
	/* A1 */ { 1001, 1, 10, 300, 2, 3, 3, "Google", "google.com", "DE", "Chrome",
	    { { 0, "pageview", "/", NULL }, { 120, "pageview", "/pricing", NULL },
	      { 300, "Signup", "/pricing", "{\"plan\":\"free\"}" } } },
	/* A2 */ { 1002, 1, 11, 0, 1, 1, 1, "", "", "US", "Safari",
	    { { 0, "pageview", "/", NULL } } },
	/* A3 */ { 1001, 1, 15, 100, 1, 2, 1, "Google", "google.com", "DE", "Chrome",
	    { { 0, "pageview", "/blog", NULL }, { 100, "engagement", "/blog", NULL } } },
	/* A4 */ { 1001, 2, 9, 600, 2, 3, 3, "Twitter", "t.co", "DE", "Chrome",
	    { { 0, "pageview", "/pricing", NULL }, { 300, "pageview", "/", NULL },
	      { 600, "Signup", "/", "{\"plan\":\"pro\"}" } } },
	/* A5 */ { 1003, 2, 12, 50, 2, 2, 2, "Google", "google.com", "FR", "Firefox",
	    { { 0, "pageview", "/", NULL }, { 50, "pageview", "/blog", NULL } } },
};

static long long
random_id(void)
{
	unsigned long long v = 0;

	if (crypt_random(&v, sizeof(v)) == -1)
		abort();
	v &= 0x7fffffffffffffffULL;
	return v ? (long long)v : 1;
}

/* One visit of site with its events at UTC start; 0 or -1. */
static int
visit_add(long long site, long long visitor, long long start, int dur, const char *entry,
    const char *exit, int pv, int ev, int inter, const char *source, const char *ref,
    const char *country, const char *browser, const struct fev *e, size_t ne)
{
	struct db_args a = DB_ARGS_INIT;
	long long sid = random_id();
	size_t i;
	int rc;

	db_arg_int(&a, sid);
	db_arg_int(&a, site);
	db_arg_int(&a, visitor);
	db_arg_int(&a, start);
	db_arg_int(&a, start + dur);
	db_arg_strz(&a, entry);
	db_arg_strz(&a, exit);
	db_arg_int(&a, pv);
	db_arg_int(&a, ev);
	db_arg_int(&a, inter);
	db_arg_strz(&a, source);
	db_arg_strz(&a, ref);
	db_arg_strz(&a, country);
	db_arg_strz(&a, browser);
	rc = db_exec(db, db_stmt(db, STMT_SESSION_ADD), &a, NULL, NULL);
	for (i = 0; rc == 0 && i < ne && e[i].name != NULL; i++) {
		db_args_reset(&a);
		db_arg_int(&a, site);
		db_arg_int(&a, start + e[i].off);
		db_arg_strz(&a, e[i].name);
		db_arg_int(&a, visitor);
		db_arg_int(&a, sid);
		db_arg_strz(&a, e[i].path);
		db_arg_int(&a, strcmp(e[i].name, "engagement") != 0);
		db_arg_strz(&a, e[i].props);
		rc = db_exec(db, db_stmt(db, STMT_EVENT_ADD), &a, NULL, NULL);
	}
	db_args_free(&a);
	return rc;
}

static long long
site_add(long long org_id, const char *name)
{
	struct buf dom = BUF_INIT;
	long long id;

	buf_addf(&dom, "%s-%s.api.example.com", name, stamp);
	id = it_site_add(db, STMT_SITE_ADD, org_id, dom.ptr, NULL);
	buf_release(&dom);
	return id;
}

static long long
goal_add(long long site, const char *kind, const char *target)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_int(&a, site);
	db_arg_strz(&a, kind);
	db_arg_strz(&a, target);
	id = it_db_insert(db, STMT_GOAL_ADD, &a);
	db_args_free(&a);
	return id;
}

/* The entry and exit page of a fixture visit: its first and last page view. */
static const char *
page_at(const struct fvisit *v, int last)
{
	const char *p = "";
	size_t i;

	for (i = 0; i < 4 && v->e[i].name != NULL; i++)
		if (strcmp(v->e[i].name, "pageview") == 0) {
			p = v->e[i].path;
			if (!last)
				break;
		}
	return p;
}

/* Sites A, B (realtime) and C (another organisation, with a key), goals and visits. */
static int
fixture_add(void)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char prefix[9], secret[44];
	long long now = (long long)time(NULL), start;
	size_t i;
	int rc = -1;
	static const struct fev rt[] = { { 0, "pageview", "/live", NULL } };

	if (db_begin(db) == -1)
		return -1;
	if ((site_a = site_add(org, "a")) <= 0 || (site_b = site_add(org, "b")) <= 0)
		goto out;
	db_arg_strz(&a, "API test, the other organisation");
	if ((other_org = it_db_insert(db, STMT_ORG_ADD, &a)) <= 0 ||
	    (site_c = site_add(other_org, "c")) <= 0)
		goto out;
	/* A key inserted as keys.c stores one: SHA-256 of "tr_<prefix>_<secret>". */
	snprintf(prefix, sizeof(prefix), "%08llx", (unsigned long long)random_id() & 0xffffffffULL);
	it_token(secret, 43);
	buf_addf(&key_other, "tr_%s_%s", prefix, secret);
	crypt_sha256(key_other.ptr, key_other.len, hash);
	db_args_reset(&a);
	db_arg_int(&a, other_org);
	db_arg_strz(&a, prefix);
	db_arg_blob(&a, hash, sizeof(hash));
	if (it_db_insert(db, STMT_KEY_ADD, &a) <= 0)
		goto out;
	if ((goal[0] = goal_add(site_a, "page", "/pricing")) <= 0 ||
	    (goal[1] = goal_add(site_a, "event", "Signup")) <= 0 ||
	    (goal[2] = goal_add(site_a, "page", "/")) <= 0 ||
	    (goal[3] = goal_add(site_a, "page", "/b*")) <= 0 ||
	    (goal[4] = goal_add(site_a, "page", "/never")) <= 0 ||
	    goal_add(site_c, "page", "/") <= 0)
		goto out;
	for (i = 0; i < sizeof(fixture) / sizeof(fixture[0]); i++) {
		const struct fvisit *v = &fixture[i];

		start = (day0 - 1 + v->day) * DAY + v->hour * 3600LL;
		if (visit_add(site_a, v->visitor, start, v->dur, page_at(v, 0), page_at(v, 1),
		    v->pv, v->ev, v->inter, v->source, v->ref, v->country, v->browser, v->e,
		    4) == -1)
			goto out;
	}
	/* Site B: 3001 seen 1 and 2 minutes ago, 3002 20 minutes ago, 3003 2 hours ago. */
	if (visit_add(site_b, 3001, now - 120, 60, "/live", "/live", 2, 2, 2, "", "", "", "Chrome",
	    rt, 1) == -1 || visit_add(site_b, 3002, now - 1200, 0, "/live", "/live", 1, 1, 1, "",
	    "", "", "Chrome", rt, 1) == -1 || visit_add(site_b, 3003, now - 7200, 0, "/live",
	    "/live", 1, 1, 1, "", "", "", "Chrome", rt, 1) == -1 ||
	    visit_add(site_c, 4001, (day0) * DAY + 3600, 0, "/", "/", 1, 1, 1, "", "", "", "Chrome",
	    rt, 1) == -1)
		goto out;
	rc = 0;
out:
	db_args_free(&a);
	if (rc == 0 && db_commit(db) == -1)
		rc = -1;
	if (rc == -1)
		db_rollback(db);
	return rc;
}

/* ------------------------------------------------------------- accounts */

/* Sign up, verify and log in the owner; 1 when all worked. */
static int
owner_make(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT;
	char tok[64];
	int ok;

	it_signup(&owner, email, "API test org", PASSWORD, &r);
	ok = r.status == 200 && it_mail_token(db, STMT_LAST_MAIL, email, tok);
	IT_CHECK(ok, "sign-up: %ld, and a mail with a token", r.status);
	it_resp_free(&r);
	if (ok) {
		buf_addf(&path, "/verify?token=%s", tok);
		it_get(&owner, path.ptr, &r);
		ok = r.status == 200;
		IT_CHECK(ok, "verification: %ld", r.status);
		it_resp_free(&r);
	}
	if (ok) {
		it_login(&owner, email, PASSWORD, NULL, &r);
		ok = r.status == 303 && owner.session.len > 0;
		IT_CHECK(ok, "login: %ld", r.status);
		it_resp_free(&r);
	}
	buf_release(&path);
	return ok;
}

/* A new key of scope on the owner's key page, shown once, into out; 1 when made. */
static int
key_make(const char *scope, struct buf *out)
{
	struct it_resp r;
	struct buf f = BUF_INIT;
	const char *p;
	size_t n;

	it_form_add(&f, "name", "stats api test");
	it_form_add(&f, "scope", scope);
	it_submit(&owner, "/account/keys", "/account/keys/new", f.ptr, &r);
	p = r.status == 201 && r.body.ptr ? strstr(r.body.ptr, "tr_") : NULL;
	n = p ? strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") : 0;
	if (n > 0)
		buf_add(out, p, n);
	it_resp_free(&r);
	buf_release(&f);
	return n > 0;
}

static long long
key_id(const struct buf *key)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	long long id;

	crypt_sha256(key->ptr, key->len, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	id = it_db_int(db, STMT_KEY_ID_BY_HASH, &a, 0);
	db_args_free(&a);
	return id;
}

/* "YYYY-MM-DD" of a day since the epoch. */
static void
day_str(long long day, char out[11])
{
	time_t t = (time_t)(day * DAY);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
suite_init(void)
{
	long long now = (long long)time(NULL);
	char tok[9], *p;

	it_token(tok, 8);
	snprintf(stamp, sizeof(stamp), "%lld%s", now % 100000000, tok);
	/* Lower case: the account program lowers addresses, and the domains too. */
	for (p = stamp; *p; p++)
		if (*p == '_' || *p == '-')
			*p = 'x';
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(email, sizeof(email), "api-%s@example.com", stamp);
	owner.iface = IFACE;
	day0 = now / DAY - 10;
	day_str(day0 - 1, d0);
	day_str(day0, d1);
	day_str(day0 + 1, d2);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

/* Set by test_setup: the later tests need its owner, keys and fixture. */
static int ready;

/* 1 when the setup worked; otherwise a failure for the test that cannot run. */
static int
set_up(void)
{
	IT_CHECK(ready, "not run: the setup or the rollup failed");
	return ready;
}

/*
 * The owner signs up and makes three keys on the account page (one
 * revoked there); the fixture goes in.  A test rather than the suite's
 * init, since the page helpers report through CUnit assertions.
 */
static void
test_setup(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct it_resp r;
	struct buf f = BUF_INIT;
	int ok;

	ok = owner_make();
	IT_CHECK(ok, "sign up, verify and log in %s", email);
	if (!ok)
		return;
	db_arg_strz(&a, email);
	org = it_db_int(db, STMT_ORG_OF_EMAIL, &a, 0);
	db_args_free(&a);
	ok = org > 0 && key_make("read", &key_read) && key_make("admin", &key_admin) &&
	    key_make("read", &key_revoked);
	IT_CHECK(ok, "three keys made on the account page (organisation %lld)", org);
	if (!ok)
		return;
	buf_addf(&f, "id=%lld", key_id(&key_revoked));
	it_submit(&owner, "/account/keys", "/account/keys/revoke", f.ptr, &r);
	buf_release(&f);
	IT_CHECK(r.status == 303, "a key revoked on the account page: %ld", r.status);
	ok = r.status == 303;
	it_resp_free(&r);
	if (!ok)
		return;
	ok = fixture_add() == 0;
	IT_CHECK(ok, "the fixture is written");
	ready = ok;
}

static int
suite_clean(void)
{
	struct db_args a = DB_ARGS_INIT;
	long long sites[3] = { site_a, site_b, site_c };
	size_t i, k;
	static const enum stmt dels[] = {
		STMT_DEL_EVENTS, STMT_DEL_SESSIONS, STMT_DEL_ROLLUP_DAYS,
		STMT_DEL_ROLLUP_MONTHS, STMT_DEL_ROLLUP_STATE,
	};

	if (db != NULL && getenv("TRACKR_KEEP") == NULL) {
		for (i = 0; i < 3; i++)
			for (k = 0; sites[i] > 0 && k < sizeof(dels) / sizeof(dels[0]); k++) {
				db_args_reset(&a);
				db_arg_int(&a, sites[i]);
				(void)db_exec(db, db_stmt(db, dels[k]), &a, NULL, NULL);
			}
		/* The other organisation goes with its site, goal and key. */
		db_args_reset(&a);
		db_arg_int(&a, other_org);
		if (other_org > 0)
			(void)db_exec(db, db_stmt(db, STMT_DEL_ORG), &a, NULL, NULL);
	}
	db_args_free(&a);
	it_jar_free(&owner);
	buf_release(&key_read);
	buf_release(&key_admin);
	buf_release(&key_revoked);
	buf_release(&key_other);
	if (db != NULL)
		db_close(db);
	db = NULL;
	conf_free(&conf);
	return 0;
}

/* ---------------------------------------------------------------- HTTP */

/* A request to the API with auth as the whole Authorization value (NULL: none). */
static void
call(const char *method, const char *auth, const char *path, struct it_resp *out)
{
	struct it_req rq;
	struct buf h = BUF_INIT;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	rq.iface = IFACE;
	if (auth != NULL) {
		buf_addf(&h, "Authorization: %s", auth);
		rq.extra[0] = h.ptr;
	}
	if (it_http(&rq, out) == -1)
		out->status = 0;
	buf_release(&h);
}

/* GET path with "Bearer key"; the path's "%A", "%B", "%C" and "%P" become site ids and the D1..D2 period. */
static void
api(const struct buf *key, const char *fmt, struct it_resp *out)
{
	struct buf path = BUF_INIT, auth = BUF_INIT;
	const char *p;

	buf_adds(&path, "/api/v1/stats/");
	for (p = fmt; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_addch(&path, *p);
			continue;
		}
		switch (*++p) {
		case 'A':
			buf_addf(&path, "%lld", site_a);
			break;
		case 'B':
			buf_addf(&path, "%lld", site_b);
			break;
		case 'C':
			buf_addf(&path, "%lld", site_c);
			break;
		case 'P':
			buf_addf(&path, "period=custom&from=%s&to=%s", d1, d2);
			break;
		default:
			buf_addch(&path, '%');
			buf_addch(&path, *p);
			break;
		}
	}
	buf_addf(&auth, "Bearer %s", key->ptr);
	call("GET", auth.ptr, path.ptr, out);
	buf_release(&auth);
	buf_release(&path);
}

/* Every answer: JSON, not stored by anyone. */
static void
check_headers(const struct it_resp *r, const char *what)
{
	IT_CHECK(it_header_is(r, "Content-Type", "application/json"),
	    "%s: content type (%ld)", what, r->status);
	IT_CHECK(it_header_is(r, "Cache-Control", "no-store"), "%s: Cache-Control", what);
}

/* A 400 whose error names what: the body holds needle. */
static void
check_400(const struct buf *key, const char *path, const char *needle)
{
	struct it_resp r;

	api(key, path, &r);
	IT_CHECK(r.status == 400 && r.body.ptr && strstr(r.body.ptr, "\"error\"") &&
	    strstr(r.body.ptr, needle), "%s: %ld %s (wanted 400 naming %s)", path, r.status,
	    r.body.ptr ? r.body.ptr : "", needle);
	check_headers(&r, path);
	it_resp_free(&r);
}

/* --------------------------------------------------------------- JSON */

static json_object *
jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* 1 when o has key and its value is JSON null. */
static int
jnull(json_object *o, const char *key)
{
	json_object *v = (json_object *)1;

	return o != NULL && json_object_object_get_ex(o, key, &v) && v == NULL;
}

static int
jnum_is(json_object *v, double want)
{
	return v != NULL && (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) &&
	    fabs(json_object_get_double(v) - want) < 1e-9;
}

static int
jstr_is(json_object *v, const char *want)
{
	return v != NULL && json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), want) == 0;
}

enum { VIS, VST, PV, VPV, BR, DUR, EV, NMET };

static const char *const met[NMET] = {
	"visitors", "visits", "pageviews", "views_per_visit", "bounce_rate",
	"visit_duration", "events",
};

#define ALL	0x7f
#define PAGE	((1 << VIS) | (1 << VST) | (1 << PV) | (1 << BR))
#define EVENT	((1 << VIS) | (1 << VST) | (1 << EV))

/* The metrics of set in row o (under "value" when sub): exactly want[], the others absent. */
static void
check_metrics(json_object *o, int sub, unsigned set, const double want[NMET], const char *what)
{
	json_object *v;
	size_t i;

	for (i = 0; i < NMET; i++) {
		v = jget(o, met[i]);
		if (!(set & (1u << i))) {
			IT_CHECK(v == NULL && !jnull(o, met[i]), "%s: %s should be absent",
			    what, met[i]);
			continue;
		}
		if (sub)
			v = jget(v, "value");
		IT_CHECK(jnum_is(v, want[i]), "%s: %s is %s, wanted %g", what, met[i],
		    v ? json_object_to_json_string(v) : "missing", want[i]);
	}
}

/* The results of an answer that must be 200; NULL (and a failure) otherwise.  Put root. */
static json_object *
results(const struct it_resp *r, const char *what, json_object **root)
{
	*root = it_json(r);
	IT_CHECK(r->status == 200 && *root != NULL, "%s: %ld %s", what, r->status,
	    r->body.ptr ? r->body.ptr : "");
	check_headers(r, what);
	return jget(*root, "results");
}

/* Aggregate of site A over D1..D2 with the extra query, against want. */
static void
check_aggregate(const char *extra, const double want[NMET])
{
	struct it_resp r;
	struct buf path = BUF_INIT;
	json_object *root, *res;

	buf_addf(&path, "aggregate?site_id=%%A&%%P%s", extra);
	api(&key_read, path.ptr, &r);
	res = results(&r, path.ptr, &root);
	check_metrics(res, 1, ALL, want, path.ptr);
	json_object_put(root);
	it_resp_free(&r);
	buf_release(&path);
}

/* ---------------------------------------------------------------- tests */

static void
test_auth(void)
{
	struct it_resp r, first;
	struct buf auth = BUF_INIT, v = BUF_INIT, path = BUF_INIT;
	static const char *const bad_auth[] = {
		"Bearer",
		"Bearer ",
		"Bearer tr_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Basic dXNlcjpwYXNz",
		"Bearer tr_00000000_x y",
		"Bearer tr_\"quoted\"",
	};
	size_t i;

	if (!set_up())
		return;
	buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld", site_a);
	call("GET", NULL, path.ptr, &first);
	IT_CHECK(first.status == 401 && first.body.ptr && strcmp(first.body.ptr,
	    UNAUTHORIZED "\n") == 0, "no key: %ld %s", first.status, first.body.ptr);
	IT_CHECK(it_header(&first, "WWW-Authenticate", &v) == 1 &&
	    strncmp(v.ptr, "Bearer", 6) == 0, "no key: WWW-Authenticate %s", v.ptr);
	check_headers(&first, "no key");

	/* Malformed, unknown, another scheme, revoked: the very same answer. */
	for (i = 0; i <= sizeof(bad_auth) / sizeof(bad_auth[0]); i++) {
		buf_reset(&auth);
		if (i < sizeof(bad_auth) / sizeof(bad_auth[0]))
			buf_adds(&auth, bad_auth[i]);
		else
			buf_addf(&auth, "Bearer %s", key_revoked.ptr);
		call("GET", auth.ptr, path.ptr, &r);
		IT_CHECK(r.status == 401 && r.body.len == first.body.len &&
		    memcmp(r.body.ptr, first.body.ptr, r.body.len) == 0 &&
		    it_header(&r, "WWW-Authenticate", &v) == 1, "%s: %ld %s",
		    i < sizeof(bad_auth) / sizeof(bad_auth[0]) ? bad_auth[i] : "revoked key",
		    r.status, r.body.ptr);
		it_resp_free(&r);
	}
	/* The key with its last character changed. */
	buf_reset(&auth);
	buf_addf(&auth, "Bearer %s", key_read.ptr);
	auth.ptr[auth.len - 1] = auth.ptr[auth.len - 1] == 'A' ? 'B' : 'A';
	call("GET", auth.ptr, path.ptr, &r);
	IT_CHECK(r.status == 401, "a changed key: %ld", r.status);
	it_resp_free(&r);

	/* The scheme in any case; both scopes may read. */
	buf_reset(&auth);
	buf_addf(&auth, "bearer %s", key_read.ptr);
	call("GET", auth.ptr, path.ptr, &r);
	IT_CHECK(r.status == 200, "lower-case scheme: %ld %s", r.status, r.body.ptr);
	it_resp_free(&r);
	IT_CHECK(key_id(&key_read) > 0, "the read key exists");
	{
		struct db_args a = DB_ARGS_INIT;

		db_arg_int(&a, key_id(&key_read));
		IT_CHECK(it_db_int(db, STMT_KEY_USED, &a, 0) == 1, "last_used_at is set");
		db_args_reset(&a);
		db_arg_int(&a, key_id(&key_revoked));
		IT_CHECK(it_db_int(db, STMT_KEY_USED, &a, 1) == 0,
		    "a revoked key's use is not recorded");
		db_args_free(&a);
	}
	api(&key_admin, "realtime?site_id=%A", &r);
	IT_CHECK(r.status == 200, "admin key: %ld", r.status);
	it_resp_free(&r);
	/* No key in the URL, where logs would keep it. */
	buf_reset(&path);
	buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld&key=%s", site_a, key_read.ptr);
	call("GET", NULL, path.ptr, &r);
	IT_CHECK(r.status == 400 || r.status == 401, "a key in the query: %ld", r.status);
	it_resp_free(&r);

	it_resp_free(&first);
	buf_release(&auth);
	buf_release(&v);
	buf_release(&path);
}

static void
test_tenancy(void)
{
	struct it_resp r, missing;
	static const char *const eps[] = {
		"aggregate?site_id=%C", "timeseries?site_id=%C",
		"breakdown?site_id=%C&property=page", "realtime?site_id=%C",
	};
	size_t i;

	if (!set_up())
		return;
	api(&key_read, "aggregate?site_id=4294967295", &missing);
	IT_CHECK(missing.status == 404 && strcmp(missing.body.ptr, NOT_FOUND "\n") == 0,
	    "a missing site: %ld %s", missing.status, missing.body.ptr);
	check_headers(&missing, "missing site");
	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		api(&key_read, eps[i], &r);
		IT_CHECK(r.status == 404 && r.body.len == missing.body.len &&
		    memcmp(r.body.ptr, missing.body.ptr, r.body.len) == 0,
		    "another organisation's site, %s: %ld %s", eps[i], r.status, r.body.ptr);
		it_resp_free(&r);
	}
	api(&key_other, "aggregate?site_id=%A", &r);
	IT_CHECK(r.status == 404 && strcmp(r.body.ptr, NOT_FOUND "\n") == 0,
	    "the other organisation's key on this site: %ld %s", r.status, r.body.ptr);
	it_resp_free(&r);
	/* Its key works on its own site: the hash rule is keys.c's. */
	api(&key_other, "aggregate?site_id=%C&period=all", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "\"visitors\":{\"value\":1}"),
	    "the other organisation's key on its site: %ld %s", r.status, r.body.ptr);
	it_resp_free(&r);
	/* A goal of another site cannot be named in a filter. */
	api(&key_read, "aggregate?site_id=%B&f=goal:is:1", &r);
	IT_CHECK(r.status == 400, "a goal of another site: %ld", r.status);
	it_resp_free(&r);
	it_resp_free(&missing);
}

static void
test_requests(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, auth = BUF_INIT, v = BUF_INIT;
	static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS" };
	size_t i;

	if (!set_up())
		return;
	buf_addf(&auth, "Bearer %s", key_read.ptr);
	buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld", site_a);
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		call(methods[i], auth.ptr, path.ptr, &r);
		IT_CHECK(r.status == 405 && it_header(&r, "Allow", &v) == 1 &&
		    strstr(v.ptr, "GET") != NULL, "%s: %ld", methods[i], r.status);
		check_headers(&r, methods[i]);
		it_resp_free(&r);
	}
	call("HEAD", auth.ptr, path.ptr, &r);
	IT_CHECK(r.status == 200 && r.body.len == 0, "HEAD: %ld", r.status);
	it_resp_free(&r);
	call("GET", auth.ptr, "/api/v1/stats/nope", &r);
	IT_CHECK(r.status == 404 && r.body.ptr && strstr(r.body.ptr, "\"error\""),
	    "an unknown endpoint: %ld", r.status);
	check_headers(&r, "unknown endpoint");
	it_resp_free(&r);

	check_400(&key_read, "aggregate", "site_id");
	check_400(&key_read, "aggregate?site_id=0", "site_id");
	check_400(&key_read, "aggregate?site_id=abc", "site_id");
	check_400(&key_read, "aggregate?site_id=99999999999", "site_id");
	check_400(&key_read, "aggregate?site_id=%A&site_id=%A", "more than once");
	check_400(&key_read, "aggregate?site_id=%A&metrics=visitors", "unknown parameter: metrics");
	check_400(&key_read, "aggregate?site_id=%zz", "malformed");
	check_400(&key_read, "aggregate?site_id=%A&period=fortnight", "period");
	check_400(&key_read, "aggregate?site_id=%A&period=12345678901234567", "period is too long");
	check_400(&key_read, "aggregate?site_id=%A&period=custom&from=2026-01-01", "period");
	check_400(&key_read, "aggregate?site_id=%A&period=custom&from=1999-01-01&to=1999-01-02",
	    "period");
	check_400(&key_read, "aggregate?site_id=%A&f=country", "f:");
	check_400(&key_read, "aggregate?site_id=%A&f=colour:is:red", "f:");
	check_400(&key_read, "aggregate?site_id=%A&f=country:is:DE&f=goal:is:4294967295", "f:");
	check_400(&key_read, "aggregate?site_id=%A&compare=yesterday", "compare");
	check_400(&key_read, "timeseries?site_id=%A&compare=previous", "unknown parameter");
	check_400(&key_read, "timeseries?site_id=%A&property=page", "unknown parameter");
	check_400(&key_read, "breakdown?site_id=%A", "property");
	check_400(&key_read, "breakdown?site_id=%A&property=total", "property");
	check_400(&key_read, "breakdown?site_id=%A&property=colour", "property");
	check_400(&key_read, "breakdown?site_id=%A&property=page&limit=0", "limit");
	check_400(&key_read, "breakdown?site_id=%A&property=page&limit=1001", "limit");
	check_400(&key_read, "breakdown?site_id=%A&property=page&limit=-5", "limit");
	check_400(&key_read, "breakdown?site_id=%A&property=page&page=0", "page");
	check_400(&key_read, "breakdown?site_id=%A&property=page&page=10001", "page");
	check_400(&key_read, "breakdown?site_id=%A&property=page&sort=colour", "sort");
	check_400(&key_read, "breakdown?site_id=%A&property=page&dir=up", "dir");
	check_400(&key_read, "breakdown?site_id=%A&property=page&prop=plan", "prop");
	check_400(&key_read, "breakdown?site_id=%A&property=goal&sort=pageviews", "sort");
	check_400(&key_read, "realtime?site_id=%A&period=day", "unknown parameter: period");

	/* The limits themselves are fine. */
	api(&key_read, "breakdown?site_id=%A&property=page&limit=1000&page=10000", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "\"results\":[]") &&
	    strstr(r.body.ptr, "\"more\":false"), "the largest page: %ld %s", r.status,
	    r.body.ptr);
	it_resp_free(&r);
	/* A value that could break out of a JSON string comes back escaped. */
	api(&key_read, "aggregate?site_id=%A&f=page:is:%22%3C%2Fscript%3E", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "</script>") == NULL &&
	    strstr(r.body.ptr, "\"page:is:\\\"\\u003c/script\\u003e\"") != NULL,
	    "a filter is escaped in the answer: %s", r.body.ptr);
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&auth);
	buf_release(&v);
}

static void
test_aggregate(void)
{
	struct it_resp r;
	json_object *root, *res, *p;
	static const double all[NMET] = { 4, 5, 8, 1.6, 40, 210, 11 };
	/* A1, A3, A4: 1001 on D1 and D2; 5 page views; A3 bounced; 1000 / 3 s. */
	static const double de[NMET] = { 2, 3, 5, 1.67, 33.3, 333, 8 };
	/* A1, A4, counting only their /pricing views. */
	static const double pricing[NMET] = { 2, 2, 2, 1, 0, 450, 6 };
	/* Google, any case: A1, A3 (1001 on D1), A5 (1003 on D2). */
	static const double goo[NMET] = { 2, 3, 5, 1.67, 33.3, 150, 7 };
	/* Not Google: A2, A4. */
	static const double not_google[NMET] = { 2, 2, 3, 1.5, 50, 300, 4 };
	/* Converted on Signup: A1, A4. */
	static const double signup[NMET] = { 2, 2, 4, 2, 0, 450, 6 };
	/* Visited /b*: A3, A5. */
	static const double blog[NMET] = { 2, 2, 3, 1.5, 50, 75, 4 };
	/* The previous two days: A0 alone. */
	static const double prev[NMET] = { 1, 1, 1, 1, 100, 0, 1 };
	struct buf extra = BUF_INIT;
	size_t i;

	if (!set_up())
		return;
	check_aggregate("", all);
	check_aggregate("&f=country:is:DE", de);
	check_aggregate("&f=page:is:/pricing", pricing);
	check_aggregate("&f=source:contains:GOO", goo);
	check_aggregate("&f=source:is_not:Google", not_google);
	buf_addf(&extra, "&f=goal:is:%lld", goal[1]);
	check_aggregate(extra.ptr, signup);
	buf_reset(&extra);
	buf_addf(&extra, "&f=goal:is:%lld", goal[3]);
	check_aggregate(extra.ptr, blog);

	api(&key_read, "aggregate?site_id=%A&%P&compare=previous&f=country:is:DE", &r);
	res = results(&r, "filters echoed", &root);
	IT_CHECK(jstr_is(json_object_array_get_idx(jget(root, "filters"), 0), "country:is:DE"),
	    "the filter is echoed");
	IT_CHECK(strstr(json_object_get_string(jget(root, "meaning")), "Country is DE") != NULL,
	    "the meaning names the filter: %s", json_object_get_string(jget(root, "meaning")));
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "aggregate?site_id=%A&%P&compare=previous", &r);
	res = results(&r, "compare", &root);
	check_metrics(res, 1, ALL, all, "compare");
	for (i = 0; i < NMET; i++)
		IT_CHECK(jnum_is(jget(jget(res, met[i]), "previous"), prev[i]),
		    "previous %s", met[i]);
	/* (4 - 1) / 1 = +300%, 5 / 1 visits, 8 / 1 page views; 1.6 against 1. */
	IT_CHECK(jnum_is(jget(jget(res, "visitors"), "change"), 300), "visitors change");
	IT_CHECK(jnum_is(jget(jget(res, "visits"), "change"), 400), "visits change");
	IT_CHECK(jnum_is(jget(jget(res, "pageviews"), "change"), 700), "pageviews change");
	IT_CHECK(jnum_is(jget(jget(res, "views_per_visit"), "change"), 60), "views change");
	/* Rates change in points: 40 - 100. */
	IT_CHECK(jnum_is(jget(jget(res, "bounce_rate"), "change"), -60), "bounce change");
	/* From 0 s there is no percentage. */
	IT_CHECK(jnull(jget(res, "visit_duration"), "change"), "duration change is null");
	IT_CHECK(jnum_is(jget(jget(res, "events"), "change"), 1000), "events change");
	p = jget(root, "period");
	IT_CHECK(jstr_is(jget(p, "name"), "custom") && jstr_is(jget(p, "from"), d1) &&
	    jstr_is(jget(p, "to"), d2) && jstr_is(jget(p, "timezone"), "UTC") &&
	    jstr_is(jget(p, "interval"), "day"), "the period: %s",
	    json_object_to_json_string(p));
	/* The two days before: D0 - 1 and D0. */
	p = jget(root, "compare_period");
	IT_CHECK(jstr_is(jget(p, "to"), d0) && jget(p, "from") != NULL &&
	    strcmp(json_object_get_string(jget(p, "from")), d0) < 0,
	    "the compared period: %s", json_object_to_json_string(p));
	IT_CHECK(jget(root, "meaning") != NULL &&
	    strstr(json_object_get_string(jget(root, "meaning")), "summed over the days"),
	    "the meaning says how visitors add up");
	json_object_put(root);
	it_resp_free(&r);
	buf_release(&extra);
}

static void
test_timeseries(void)
{
	struct it_resp r;
	json_object *root, *res, *b;
	struct buf start = BUF_INIT;
	static const double day1[NMET] = { 2, 3, 4, 1.33, 66.7, 133, 6 };
	static const double day2[NMET] = { 2, 2, 4, 2, 0, 325, 5 };
	double sum = 0;
	size_t i, n;

	if (!set_up())
		return;
	api(&key_read, "timeseries?site_id=%A&%P", &r);
	res = results(&r, "timeseries D1..D2", &root);
	IT_CHECK(json_object_array_length(res) == 2, "two days");
	b = json_object_array_get_idx(res, 0);
	buf_addf(&start, "%sT00:00:00Z", d1);
	IT_CHECK(jstr_is(jget(b, "date"), d1) && jstr_is(jget(b, "start"), start.ptr),
	    "the first bucket: %s", json_object_to_json_string(b));
	check_metrics(b, 0, ALL, day1, "D1");
	b = json_object_array_get_idx(res, 1);
	IT_CHECK(jstr_is(jget(b, "date"), d2), "the second bucket is D2");
	check_metrics(b, 0, ALL, day2, "D2");
	IT_CHECK(jstr_is(jget(root, "interval"), "day"), "by day");
	json_object_put(root);
	it_resp_free(&r);

	/* Today by hour: 24 UTC hours, the ones still to come null. */
	api(&key_read, "timeseries?site_id=%A&period=day", &r);
	res = results(&r, "timeseries today", &root);
	n = json_object_array_length(res);
	IT_CHECK(n == 24 && jstr_is(jget(root, "interval"), "hour") &&
	    jstr_is(jget(json_object_array_get_idx(res, 0), "date"), "00:00") &&
	    jstr_is(jget(json_object_array_get_idx(res, 23), "date"), "23:00"),
	    "24 hours: %zu", n);
	IT_CHECK(time(NULL) % DAY >= 23 * 3600 ||
	    jnull(json_object_array_get_idx(res, 23), "visitors"), "the last hour is to come");
	json_object_put(root);
	it_resp_free(&r);

	/* By month over a year: every visit of A, D0 included, is in some month. */
	api(&key_read, "timeseries?site_id=%A&period=12mo", &r);
	res = results(&r, "timeseries 12mo", &root);
	n = json_object_array_length(res);
	for (i = 0; i < n; i++)
		sum += json_object_get_double(jget(json_object_array_get_idx(res, i), "visitors"));
	IT_CHECK(n >= 12 && n <= 13 && jstr_is(jget(root, "interval"), "month") && sum == 5,
	    "12 months summing to 5 visitors: %zu, %g", n, sum);
	json_object_put(root);
	it_resp_free(&r);
	buf_release(&start);
}

/* Row i of a breakdown: its value under key is want, with those metrics. */
static void
check_row(json_object *res, size_t i, const char *key, const char *want, unsigned set,
    const double m[NMET], const char *what)
{
	json_object *row = json_object_array_get_idx(res, i);
	struct buf w = BUF_INIT;

	buf_addf(&w, "%s row %zu", what, i);
	IT_CHECK(row != NULL && jstr_is(jget(row, key), want), "%s: %s, wanted %s", w.ptr,
	    row ? json_object_to_json_string(row) : "missing", want);
	check_metrics(row, 0, set, m, w.ptr);
	buf_release(&w);
}

static void
test_breakdown(void)
{
	struct it_resp r;
	json_object *root, *res, *row;
	static const double google[NMET] = { 2, 3, 5, 1.67, 33.3, 150, 7 };
	static const double twitter[NMET] = { 1, 1, 2, 2, 0, 600, 3 };
	static const double direct[NMET] = { 1, 1, 1, 1, 100, 0, 1 };
	/* Page views of /: A1, A2 on D1 (1001, 1002), A4, A5 on D2 (1001, 1003). */
	static const double home[NMET] = { 4, 4, 4, 0, 25, 0, 0 };
	static const double blog[NMET] = { 2, 2, 2, 0, 50, 0, 0 };
	static const double pricing[NMET] = { 2, 2, 2, 0, 0, 0, 0 };
	static const double signup[NMET] = { 2, 2, 0, 0, 0, 0, 2 };
	static const double one[NMET] = { 1, 1, 0, 0, 0, 0, 1 };
	static const double de[NMET] = { 2, 3, 5, 1.67, 33.3, 333, 8 };

	if (!set_up())
		return;
	api(&key_read, "breakdown?site_id=%A&%P&property=source", &r);
	res = results(&r, "sources", &root);
	IT_CHECK(json_object_array_length(res) == 3, "three sources");
	/* Most visitors first, ties by value: "" before "Twitter". */
	check_row(res, 0, "source", "Google", ALL, google, "sources");
	check_row(res, 1, "source", "", ALL, direct, "sources");
	check_row(res, 2, "source", "Twitter", ALL, twitter, "sources");
	IT_CHECK(jstr_is(jget(root, "property"), "source") &&
	    json_object_get_int(jget(root, "page")) == 1 &&
	    !json_object_get_boolean(jget(root, "more")), "one page");
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=source&limit=2", &r);
	res = results(&r, "sources, limit 2", &root);
	IT_CHECK(json_object_array_length(res) == 2 &&
	    json_object_get_boolean(jget(root, "more")), "two and more");
	json_object_put(root);
	it_resp_free(&r);
	api(&key_read, "breakdown?site_id=%A&%P&property=source&limit=2&page=2", &r);
	res = results(&r, "sources, page 2", &root);
	IT_CHECK(json_object_array_length(res) == 1 &&
	    !json_object_get_boolean(jget(root, "more")), "the last one");
	check_row(res, 0, "source", "Twitter", ALL, twitter, "sources page 2");
	json_object_put(root);
	it_resp_free(&r);
	api(&key_read, "breakdown?site_id=%A&%P&property=source&sort=visit_duration", &r);
	res = results(&r, "sources by duration", &root);
	check_row(res, 0, "source", "Twitter", ALL, twitter, "by duration");
	check_row(res, 2, "source", "", ALL, direct, "by duration");
	json_object_put(root);
	it_resp_free(&r);
	api(&key_read, "breakdown?site_id=%A&%P&property=source&sort=name&dir=desc", &r);
	res = results(&r, "sources by name", &root);
	check_row(res, 0, "source", "Twitter", ALL, twitter, "by name, descending");
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=page", &r);
	res = results(&r, "pages", &root);
	IT_CHECK(json_object_array_length(res) == 3, "three pages");
	check_row(res, 0, "page", "/", PAGE, home, "pages");
	check_row(res, 1, "page", "/blog", PAGE, blog, "pages");
	check_row(res, 2, "page", "/pricing", PAGE, pricing, "pages");
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=country&f=country:is:DE", &r);
	res = results(&r, "countries, filtered", &root);
	IT_CHECK(json_object_array_length(res) == 1, "one country");
	check_row(res, 0, "country", "DE", ALL, de, "countries");
	json_object_put(root);
	it_resp_free(&r);

	/* Custom events: engagement is not one; conversion rate of 4 visitors. */
	api(&key_read, "breakdown?site_id=%A&%P&property=event", &r);
	res = results(&r, "events", &root);
	IT_CHECK(json_object_array_length(res) == 1, "one custom event");
	check_row(res, 0, "event", "Signup", EVENT, signup, "events");
	IT_CHECK(jnum_is(jget(json_object_array_get_idx(res, 0), "conversion_rate"), 50),
	    "Signup converts 50%%");
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=prop&prop=plan", &r);
	res = results(&r, "props", &root);
	IT_CHECK(json_object_array_length(res) == 2, "two values of plan");
	check_row(res, 0, "prop", "plan", EVENT, one, "props");
	check_row(res, 1, "prop", "plan", EVENT, one, "props");
	row = json_object_array_get_idx(res, 0);
	IT_CHECK(jstr_is(jget(row, "value"), "free") &&
	    jstr_is(jget(json_object_array_get_idx(res, 1), "value"), "pro") &&
	    jnum_is(jget(row, "conversion_rate"), 25), "free and pro: %s",
	    json_object_to_json_string(res));
	json_object_put(root);
	it_resp_free(&r);
	api(&key_read, "breakdown?site_id=%A&%P&property=prop&prop=colour", &r);
	res = results(&r, "another property", &root);
	IT_CHECK(json_object_array_length(res) == 0, "no colour");
	json_object_put(root);
	it_resp_free(&r);
}

static void
test_goals(void)
{
	struct it_resp r;
	json_object *root, *res, *row;
	/*
	 * "/": A1, A2, A4, A5 (4 visitors); /pricing and Signup: A1, A4; /b*:
	 * A3, A5; /never: nobody.  By visitors, ties by id; by name (the
	 * target): "/", "/b*", "/never", "/pricing", "Signup".
	 */
	static const double conv[5][NMET] = {
		{ 4, 4, 0, 0, 0, 0, 4 }, { 2, 2, 0, 0, 0, 0, 2 }, { 2, 2, 0, 0, 0, 0, 2 },
		{ 2, 2, 0, 0, 0, 0, 2 }, { 0, 0, 0, 0, 0, 0, 0 },
	};
	static const double rate[5] = { 100, 50, 50, 50, 0 };
	static const long long order_visitors[5] = { 2, 0, 1, 3, 4 };
	static const long long order_name[5] = { 2, 3, 4, 0, 1 };
	size_t i;

	if (!set_up())
		return;
	api(&key_read, "breakdown?site_id=%A&%P&property=goal", &r);
	res = results(&r, "goals", &root);
	IT_CHECK(json_object_array_length(res) == 5, "five goals");
	for (i = 0; i < 5; i++) {
		row = json_object_array_get_idx(res, i);
		IT_CHECK(json_object_get_int64(jget(row, "goal_id")) == goal[order_visitors[i]],
		    "goal %zu by visitors: %s", i, json_object_to_json_string(row));
		check_metrics(row, 0, EVENT, conv[i], "goal");
		IT_CHECK(jnum_is(jget(row, "conversion_rate"), rate[i]),
		    "goal %zu conversion rate", i);
	}
	row = json_object_array_get_idx(res, 0);
	IT_CHECK(jstr_is(jget(row, "goal"), "Visit /") && jstr_is(jget(row, "kind"), "page") &&
	    jstr_is(jget(row, "target"), "/"), "a page goal: %s",
	    json_object_to_json_string(row));
	row = json_object_array_get_idx(res, 2);
	IT_CHECK(jstr_is(jget(row, "goal"), "Signup") && jstr_is(jget(row, "kind"), "event"),
	    "an event goal: %s", json_object_to_json_string(row));
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=goal&sort=name", &r);
	res = results(&r, "goals by name", &root);
	for (i = 0; i < 5 && i < json_object_array_length(res); i++)
		IT_CHECK(json_object_get_int64(jget(json_object_array_get_idx(res, i),
		    "goal_id")) == goal[order_name[i]], "goal %zu by name", i);
	json_object_put(root);
	it_resp_free(&r);

	api(&key_read, "breakdown?site_id=%A&%P&property=goal&limit=3&page=2", &r);
	res = results(&r, "goals, page 2", &root);
	IT_CHECK(json_object_array_length(res) == 2 &&
	    json_object_get_int64(jget(json_object_array_get_idx(res, 0), "goal_id")) ==
	    goal[3] && !json_object_get_boolean(jget(root, "more")), "the last two goals");
	json_object_put(root);
	it_resp_free(&r);
}

static void
test_realtime(void)
{
	struct it_resp r;
	json_object *root;

	if (!set_up())
		return;
	api(&key_read, "realtime?site_id=%B", &r);
	root = it_json(&r);
	IT_CHECK(r.status == 200 && root != NULL, "realtime: %ld %s", r.status, r.body.ptr);
	check_headers(&r, "realtime");
	/* 3001 a minute or two ago; 3002 twenty minutes ago; 3003 two hours ago. */
	IT_CHECK(jnum_is(jget(root, "visitors_5m"), 1) && jnum_is(jget(root, "visitors_30m"), 2),
	    "1 and 2 visitors: %s", r.body.ptr);
	json_object_put(root);
	it_resp_free(&r);
}

/* Roll the fixture up with trackrctl, so the same tests read the past days from rollups. */
static void
test_rollup(void)
{
	struct db_args a = DB_ARGS_INIT;
	const char *ctl = getenv("TRACKR_CTL"), *cf = getenv("TRACKR_CONF");

	if (!set_up())
		return;
	if (ctl == NULL)
		ctl = "var/build/cgi/ctl/trackrctl";
	IT_CHECK(access(ctl, X_OK) == 0 && cf != NULL, "%s is not there (set TRACKR_CTL)", ctl);
	if (access(ctl, X_OK) != 0 || cf == NULL) {
		ready = 0;
		return;
	}
	IT_CHECK(it_rollup() == 0, "%s rollup failed", ctl);
	db_arg_int(&a, site_a);
	IT_CHECK(it_db_int(db, STMT_THROUGH, &a, -1) >= day0 + 1,
	    "site A is rolled up through D2");
	db_args_free(&a);
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "an owner, keys made on the account page, the fixture", test_setup },
		{ "missing, unknown, malformed and revoked keys answer the same 401", test_auth },
		{ "another organisation's site answers like a missing one", test_tenancy },
		{ "methods, endpoints and every bad parameter", test_requests },
		{ "aggregate: totals, filters and the previous period", test_aggregate },
		{ "timeseries: days, hours and months", test_timeseries },
		{ "breakdown: values, order, pages, events and properties", test_breakdown },
		{ "breakdown by goal: conversions", test_goals },
		{ "realtime: visitors of the last 5 and 30 minutes", test_realtime },
		{ "trackrctl rollup", test_rollup },
		{ "rolled up: aggregate", test_aggregate },
		{ "rolled up: timeseries", test_timeseries },
		{ "rolled up: breakdown", test_breakdown },
		{ "rolled up: goals", test_goals },
	};

	log_init("test_dash_api", LOGL_WARN);
	if (it_init() == -1)
		return 1;
	return it_run("stats api", suite_init, suite_clean, tests,
	    sizeof(tests) / sizeof(tests[0]));
}
