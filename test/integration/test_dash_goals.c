/*
 * Integration tests of the dashboard's goals and funnels
 * (cgi/dashboard/goals.c) through nginx: adding goals of both kinds and
 * the input that is refused (storing nothing), conversions and rates
 * computed by hand from rows written with SQL on one UTC day (read raw,
 * then again from rollups after `trackrctl rollup`), the goal filter, a
 * three-step funnel's counts and drop-offs, creating and deleting
 * funnels, roles, CSRF, and another organisation's goal and funnel that
 * cannot be touched.
 *
 * Needs TRACKR_URL and TRACKR_CONF, and TRACKR_CTL (the trackrctl binary;
 * default var/build/cgi/ctl/trackrctl from the repository's root).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "log.h"
#include "pass.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define DAY		"2024-05-14"	/* the visits' UTC day */
#define DAY_START	1715644800LL	/* its first second */
#define PERIOD		"period=custom&from=" DAY "&to=" DAY
#define XSS		"/<script>alert(1)</script>"
#define XSS_HTML	"/&lt;script&gt;alert(1)&lt;/script&gt;"

enum stmt {
	S_LAST_MAIL,
	S_FIRST_ORG,
	S_USER_ADD,
	S_MEMBER_ADD,
	S_SITE_ADD,
	S_SITE_ID,
	S_VISIT_ADD,
	S_EVENT_ADD,
	S_GOAL_ADD,
	S_GOAL_ID,
	S_GOAL_COUNT,
	S_GOAL_EXISTS,
	S_GOALS_FILL_DEL,
	S_FUNNEL_ADD,
	S_FUNNEL_ID,
	S_FUNNEL_COUNT,
	S_FUNNEL_EXISTS,
	S_STEP_ADD,
	S_STEP_COUNT,
	S_AUDIT_COUNT,
	S_EVENTS_DEL,
	S_SESSIONS_DEL,
	S_ROLLUP_ROW,
	S_ROLLUP_DAYS_DEL,
	S_ROLLUP_MONTHS_DEL,
	S_ROLLUP_STATE_DEL,
	S_SITE_DEL,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[S_FIRST_ORG] =
	    "SELECT MIN(m.org_id) FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ?",
	[S_USER_ADD] =
	    "INSERT INTO users (email, password_hash, email_verified_at) "
	    "VALUES (?, ?, UTC_TIMESTAMP())",
	[S_MEMBER_ADD] = "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[S_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'UTC')",
	[S_SITE_ID] = "SELECT id FROM sites WHERE domain = ?",
	[S_VISIT_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions) VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?)",
	[S_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, pathname) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[S_GOAL_ADD] = "INSERT INTO goals (site_id, kind, target) VALUES (?, ?, ?)",
	[S_GOAL_ID] = "SELECT id FROM goals WHERE site_id = ? AND kind = ? AND target = ?",
	[S_GOAL_COUNT] = "SELECT COUNT(*) FROM goals WHERE site_id = ?",
	[S_GOAL_EXISTS] = "SELECT COUNT(*) FROM goals WHERE id = ?",
	[S_GOALS_FILL_DEL] = "DELETE FROM goals WHERE site_id = ? AND target LIKE '/filler-%'",
	[S_FUNNEL_ADD] = "INSERT INTO funnels (site_id, name) VALUES (?, ?)",
	[S_FUNNEL_ID] = "SELECT MAX(id) FROM funnels WHERE site_id = ?",
	[S_FUNNEL_COUNT] = "SELECT COUNT(*) FROM funnels WHERE site_id = ?",
	[S_FUNNEL_EXISTS] = "SELECT COUNT(*) FROM funnels WHERE id = ?",
	[S_STEP_ADD] = "INSERT INTO funnel_steps (funnel_id, step, goal_id) VALUES (?, ?, ?)",
	[S_STEP_COUNT] = "SELECT COUNT(*) FROM funnel_steps WHERE funnel_id = ?",
	[S_AUDIT_COUNT] = "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = ?",
	[S_EVENTS_DEL] = "DELETE FROM events WHERE site_id = ?",
	[S_SESSIONS_DEL] = "DELETE FROM sessions WHERE site_id = ?",
	[S_ROLLUP_ROW] =
	    "SELECT visitors FROM rollup_days WHERE site_id = ? AND dim = 0 AND day = '" DAY "'",
	[S_ROLLUP_DAYS_DEL] = "DELETE FROM rollup_days WHERE site_id = ?",
	[S_ROLLUP_MONTHS_DEL] = "DELETE FROM rollup_months WHERE site_id = ?",
	[S_ROLLUP_STATE_DEL] = "DELETE FROM rollup_state WHERE site_id = ?",
	[S_SITE_DEL] = "DELETE FROM sites WHERE id = ?",
};

static struct conf	conf;
static struct db	*db;
static char		 iface[24];
static char		 owner[96], viewer[96], other[96], domain[96], other_domain[96];
static long long	 org, other_org, site, other_site, other_goal, other_funnel;
/* The goals the owner adds: /pricing, Signup, /blog/(anything), /never. */
static long long	 g_pricing, g_signup, g_blog, g_never, funnel;
static struct it_jar	 jo = IT_JAR_INIT, jv = IT_JAR_INIT, jx = IT_JAR_INIT;

/* ------------------------------------------------------------ helpers */

/* Run statement s with a (then emptied); 0 or -1. */
static int
exec(enum stmt s, struct db_args *a)
{
	int rc = db_exec(db, db_stmt(db, s), a, NULL, NULL);

	db_args_reset(a);
	return rc;
}

/* The first column of statement s with a (then emptied); def when no row. */
static long long
qint(enum stmt s, struct db_args *a, long long def)
{
	long long v = it_db_int(db, s, a, def);

	db_args_reset(a);
	return v;
}

static long long
count1(enum stmt s, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, id);
	n = qint(s, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
audits(long long o, const char *action)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, o);
	db_arg_strz(&a, action);
	n = qint(S_AUDIT_COUNT, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
goal_id(long long s, const char *kind, const char *target)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, s);
	db_arg_strz(&a, kind);
	db_arg_strz(&a, target);
	n = qint(S_GOAL_ID, &a, -1);
	db_args_free(&a);
	return n;
}

/* Sign up and verify a user with an organisation of their own; 1 when both worked. */
static int
make_user(const char *email, const char *orgname)
{
	return it_verified_user(db, S_LAST_MAIL, NULL, email, orgname, PASSWORD);
}

static int
logged_in(struct it_jar *j, const char *email)
{
	struct it_resp r;
	int ok;

	it_login(j, email, PASSWORD, NULL, &r);
	ok = r.status == 303 && j->session.len > 0;
	it_resp_free(&r);
	return ok;
}

/* A site of organisation o with domain d; its id or -1. */
static long long
site_add(long long o, const char *d)
{
	struct db_args a = DB_ARGS_INIT;
	char key[23];
	long long id = -1;

	it_token(key, 22);
	db_arg_int(&a, o);
	db_arg_strz(&a, d);
	db_arg_strz(&a, key);
	if (exec(S_SITE_ADD, &a) == 0) {
		db_arg_strz(&a, d);
		id = qint(S_SITE_ID, &a, -1);
	}
	db_args_free(&a);
	return id;
}

/*
 * Visit n of visitor v starting at minute `start` of DAY, with its events,
 * one a minute: "/path" a page view, "!Name" a custom event.
 */
static int
visit(int n, int v, int start, const char *const *evs, size_t nev)
{
	struct db_args a = DB_ARGS_INIT;
	long long sid = 6100000000000000000LL + site * 1000 + n;
	long long vid = 6100000000000000000LL + site * 1000 + 500 + v;
	long long t = DAY_START + start * 60LL;
	size_t i, pv = 0;
	int rc = 0;

	for (i = 0; i < nev; i++)
		pv += evs[i][0] == '/';
	db_arg_int(&a, sid);
	db_arg_int(&a, site);
	db_arg_int(&a, vid);
	db_arg_time_ms(&a, t * 1000);
	db_arg_time_ms(&a, (t + 60 * (long long)(nev - 1)) * 1000);
	db_arg_int(&a, (long long)pv);
	db_arg_int(&a, (long long)nev);
	db_arg_int(&a, (long long)nev);
	rc |= exec(S_VISIT_ADD, &a);
	for (i = 0; i < nev; i++) {
		db_arg_int(&a, site);
		db_arg_time_ms(&a, (t + 60 * (long long)i) * 1000);
		db_arg_strz(&a, evs[i][0] == '/' ? "pageview" : evs[i] + 1);
		db_arg_int(&a, vid);
		db_arg_int(&a, sid);
		db_arg_strz(&a, evs[i][0] == '/' ? evs[i] : "/");
		rc |= exec(S_EVENT_ADD, &a);
	}
	db_args_free(&a);
	return rc;
}

/* GET /dash/<s><sub>?PERIOD<extra> as jar j. */
static void
get(struct it_jar *j, long long s, const char *sub, const char *extra, struct it_resp *r)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "/dash/%lld%s?" PERIOD "%s", s, sub, extra);
	it_get(j, p.ptr, r);
	buf_release(&p);
}

/* POST the form fields (k=v pairs, encoded here) with the page's token; the status. */
static long
post(struct it_jar *j, long long s, const char *page, const char *action, struct it_resp *out,
    const char *const *kv, size_t n)
{
	struct buf f = BUF_INIT, pg = BUF_INIT, ac = BUF_INIT;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		it_form_add(&f, kv[i], kv[i + 1]);
	buf_addf(&pg, "/dash/%lld%s?" PERIOD, s, page);
	buf_addf(&ac, "/dash/%lld%s?" PERIOD, s, action);
	it_submit(j, pg.ptr, ac.ptr, f.ptr, out);
	buf_release(&f);
	buf_release(&pg);
	buf_release(&ac);
	return out->status;
}

#define POST(j, s, page, action, r, ...) \
	post((j), (s), (page), (action), (r), (const char *const[]){ __VA_ARGS__ }, \
	    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static long
add_goal(const char *kind, const char *target, struct it_resp *r)
{
	return POST(&jo, site, "/goals", "/goals/add", r, "kind", kind, "target", target);
}

/*
 * The text of the cell labelled cell in the row that follows anchor (the
 * first occurrence) in r's body, into out; 1 when found.
 */
static int
cell(const struct it_resp *r, const char *anchor, const char *label, struct buf *out)
{
	struct buf want = BUF_INIT;
	const char *p, *e;
	int ok = 0;

	buf_reset(out);
	buf_addf(&want, "data-label=\"%s\">", label);
	if ((p = strstr(r->body.ptr, anchor)) != NULL && (p = strstr(p, want.ptr)) != NULL) {
		p += want.len;
		if ((e = strchr(p, '<')) != NULL) {
			buf_add(out, p, (size_t)(e - p));
			ok = 1;
		}
	}
	buf_release(&want);
	return ok;
}

/* 1 when the cell is exactly want (a check's message says what it was). */
static int
cell_is(const struct it_resp *r, const char *anchor, const char *label, const char *want)
{
	struct buf v = BUF_INIT;
	int ok = cell(r, anchor, label, &v) && strcmp(v.ptr, want) == 0;

	IT_CHECK(ok, "%s / %s: \"%s\", want \"%s\"", anchor, label, v.ptr, want);
	buf_release(&v);
	return ok;
}

static int
has(const struct it_resp *r, const char *s)
{
	return r->body.ptr != NULL && strstr(r->body.ptr, s) != NULL;
}

static int
location_has(const struct it_resp *r, const char *s)
{
	struct buf v = BUF_INIT;
	int ok = it_header(r, "Location", &v) == 1 && strstr(v.ptr, s) != NULL;

	buf_release(&v);
	return ok;
}

/* -------------------------------------------------------------- tests */

static void
test_setup(void)
{
	struct db_args a = DB_ARGS_INIT;
	char hash[PASS_ENCODED_MAX];
	long long uid = -1;
	int ok = 1;
	/*
	 * Hand-made visits of DAY.  Visitor 1 comes twice.  With the funnel
	 * /pricing, /blog/(anything), Signup, visitors 1 and 4 reach step 3,
	 * 3 reaches step 2 (its Signup came before the blog), 2 step 1 (the
	 * blog came before /pricing), 6, 7 (/Pricing: another path) and 8
	 * none.
	 */
	static const char *const v1[] = { "/pricing", "/blog/a", "!Signup" };
	static const char *const v2[] = { "/blog/a", "/pricing", "!Signup" };
	static const char *const v3[] = { "/pricing", "!Signup", "/blog/x" };
	static const char *const v4[] = { "/pricing", "/blog/b", "/blog/c", "!Signup" };
	static const char *const v5[] = { "/pricing" };
	static const char *const v6[] = { "!Signup" };
	static const char *const v7[] = { "/Pricing" };
	static const char *const v8[] = { "/" };

	IT_CHECK(make_user(owner, "Goals Ltd"), "sign up and verify %s", owner);
	IT_CHECK(make_user(other, "Other Goals Ltd"), "sign up and verify %s", other);
	db_arg_strz(&a, owner);
	org = qint(S_FIRST_ORG, &a, 0);
	db_arg_strz(&a, other);
	other_org = qint(S_FIRST_ORG, &a, 0);
	IT_CHECK(org > 0 && other_org > 0 && org != other_org, "organisations %lld, %lld",
	    org, other_org);

	/* A viewer of the owner's organisation. */
	if (pass_hash(PASSWORD, strlen(PASSWORD), hash) == 0) {
		unsigned long long id = 0;

		db_arg_strz(&a, viewer);
		db_arg_strz(&a, hash);
		if (db_exec(db, db_stmt(db, S_USER_ADD), &a, NULL, &id) == 0)
			uid = (long long)id;
		db_args_reset(&a);
	}
	db_arg_int(&a, org);
	db_arg_int(&a, uid);
	db_arg_strz(&a, "viewer");
	IT_CHECK(uid > 0 && exec(S_MEMBER_ADD, &a) == 0, "viewer %s", viewer);

	IT_CHECK(logged_in(&jo, owner) && logged_in(&jv, viewer) && logged_in(&jx, other),
	    "the owner, the viewer and the other organisation's owner log in");
	site = site_add(org, domain);
	other_site = site_add(other_org, other_domain);
	IT_CHECK(site > 0 && other_site > 0, "sites %lld and %lld", site, other_site);

	ok &= visit(1, 1, 600, v1, 3) == 0;
	ok &= visit(2, 2, 605, v2, 3) == 0;
	ok &= visit(3, 3, 610, v3, 3) == 0;
	ok &= visit(4, 4, 615, v4, 4) == 0;
	ok &= visit(5, 1, 660, v5, 1) == 0;
	ok &= visit(6, 6, 620, v6, 1) == 0;
	ok &= visit(7, 7, 625, v7, 1) == 0;
	ok &= visit(8, 8, 630, v8, 1) == 0;
	IT_CHECK(ok, "visits written");

	/* The other organisation's goal and funnel. */
	db_arg_int(&a, other_site);
	db_arg_strz(&a, "page");
	db_arg_strz(&a, "/theirs");
	IT_CHECK(exec(S_GOAL_ADD, &a) == 0, "the other site's goal");
	other_goal = goal_id(other_site, "page", "/theirs");
	db_arg_int(&a, other_site);
	db_arg_strz(&a, "page");
	db_arg_strz(&a, "/theirs-too");
	IT_CHECK(exec(S_GOAL_ADD, &a) == 0, "the other site's second goal");
	db_arg_int(&a, other_site);
	db_arg_strz(&a, "Theirs");
	IT_CHECK(exec(S_FUNNEL_ADD, &a) == 0, "the other site's funnel");
	db_arg_int(&a, other_site);
	other_funnel = qint(S_FUNNEL_ID, &a, -1);
	db_arg_int(&a, other_funnel);
	db_arg_int(&a, 1);
	db_arg_int(&a, other_goal);
	ok = exec(S_STEP_ADD, &a) == 0;
	db_arg_int(&a, other_funnel);
	db_arg_int(&a, 2);
	db_arg_int(&a, goal_id(other_site, "page", "/theirs-too"));
	IT_CHECK(ok && exec(S_STEP_ADD, &a) == 0 && other_goal > 0 && other_funnel > 0,
	    "the other site's funnel steps");
	db_args_free(&a);
}

static void
test_add(void)
{
	struct it_resp r;

	get(&jo, site, "/goals", "", &r);
	IT_CHECK(r.status == 200 && has(&r, "No goals yet") && has(&r, "/goals/add?"),
	    "an empty goals page with the form: %ld", r.status);
	it_resp_free(&r);

	IT_CHECK(add_goal("page", "/pricing", &r) == 303 && location_has(&r, "/goals?"),
	    "add /pricing: %ld", r.status);
	it_resp_free(&r);
	/* Spaces around the target are dropped. */
	IT_CHECK(add_goal("event", " Signup ", &r) == 303, "add Signup: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(add_goal("page", "/blog/*", &r) == 303, "add /blog/*: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(add_goal("page", "/never", &r) == 303, "add /never: %ld", r.status);
	it_resp_free(&r);
	g_pricing = goal_id(site, "page", "/pricing");
	g_signup = goal_id(site, "event", "Signup");
	g_blog = goal_id(site, "page", "/blog/*");
	g_never = goal_id(site, "page", "/never");
	IT_CHECK(g_pricing > 0 && g_signup > 0 && g_blog > 0 && g_never > 0,
	    "goals stored: %lld %lld %lld %lld", g_pricing, g_signup, g_blog, g_never);
	IT_CHECK(count1(S_GOAL_COUNT, site) == 4, "4 goals");
	IT_CHECK(audits(org, "goal.add") == 4, "4 goal.add audit rows: %lld",
	    audits(org, "goal.add"));
}

static void
test_bad_input(void)
{
	static const struct {
		const char	*kind, *target, *why;
	} bad[] = {
		{ "page", "/pricing", "has that goal already" },
		{ "event", "Signup", "has that goal already" },
		{ "page", "pricing", "starts with /" },
		{ "page", "", "Enter the page" },
		{ "event", "   ", "Enter the event" },
		{ "page", "/a?b=1", "query string" },
		{ "event", "pageview", "not custom events" },
		{ "event", "engagement", "not custom events" },
		{ "goal", "/x", "page or an event" },
		{ "", "/x", "page or an event" },
		{ "page", "/a\tb", NULL },	/* the front door refuses it */
		{ "page", "/a\x01" "b", NULL },
	};
	struct buf big = BUF_INIT;
	struct it_resp r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		add_goal(bad[i].kind, bad[i].target, &r);
		IT_CHECK(r.status == 400 && (bad[i].why == NULL || has(&r, bad[i].why)),
		    "goal %s \"%s\": %ld, want 400 with \"%s\"", bad[i].kind, bad[i].target,
		    r.status, bad[i].why ? bad[i].why : "");
		it_resp_free(&r);
	}
	/* An event name longer than the collector stores. */
	for (i = 0; i < 121; i++)
		buf_addch(&big, 'e');
	add_goal("event", big.ptr, &r);
	IT_CHECK(r.status == 400 && has(&r, "at most 120"), "a 121-byte event: %ld", r.status);
	it_resp_free(&r);
	/* 501 bytes is past the form's limit. */
	buf_reset(&big);
	buf_addch(&big, '/');
	for (i = 0; i < 500; i++)
		buf_addch(&big, 'a');
	add_goal("page", big.ptr, &r);
	IT_CHECK(r.status == 400, "a 501-byte goal: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_COUNT, site) == 4, "still 4 goals: %lld",
	    count1(S_GOAL_COUNT, site));
	IT_CHECK(audits(org, "goal.add") == 4, "no audit of refused goals");

	/* A refused goal is shown again, escaped, with the kind chosen. */
	add_goal("page", XSS "?x", &r);
	IT_CHECK(r.status == 400 && has(&r, "value=\"" XSS_HTML "?x\"") && !has(&r, XSS),
	    "the refused value is escaped: %ld", r.status);
	it_resp_free(&r);
	add_goal("event", "pageview", &r);
	IT_CHECK(has(&r, "<option value=\"event\" selected>"), "the kind is kept");
	it_resp_free(&r);
	buf_release(&big);
}

static void
test_limit(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf t = BUF_INIT;
	struct it_resp r;
	int i, ok = 1;

	for (i = 0; i < 96; i++) {
		buf_reset(&t);
		buf_addf(&t, "/filler-%d", i);
		db_arg_int(&a, site);
		db_arg_strz(&a, "page");
		db_arg_strz(&a, t.ptr);
		ok &= exec(S_GOAL_ADD, &a) == 0;
	}
	IT_CHECK(ok && count1(S_GOAL_COUNT, site) == 100, "100 goals");
	add_goal("page", "/one-too-many", &r);
	IT_CHECK(r.status == 400 && has(&r, "most goals"), "the 101st goal: %ld", r.status);
	it_resp_free(&r);
	get(&jo, site, "/goals", "", &r);
	IT_CHECK(r.status == 200 && has(&r, "the most it can have") && !has(&r, "/goals/add?"),
	    "a full site offers no form: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_COUNT, site) == 100, "still 100 goals");
	db_arg_int(&a, site);
	IT_CHECK(exec(S_GOALS_FILL_DEL, &a) == 0 && count1(S_GOAL_COUNT, site) == 4,
	    "back to 4 goals");
	db_args_free(&a);
	buf_release(&t);
}

/* The goals page of DAY, unfiltered: the same numbers raw and rolled up. */
static void
check_goals(const char *phase)
{
	struct it_resp r;

	get(&jo, site, "/goals", "", &r);
	IT_CHECK(r.status == 200, "%s: goals page: %ld", phase, r.status);
	/* 7 visitors; 4 reached /pricing (visitor 1 twice: 5 views), 5 sent Signup. */
	IT_CHECK(has(&r, "of the 7 unique visitors"), "%s: 7 visitors in all", phase);
	cell_is(&r, ">Visit /pricing</a>", "Unique conversions", "4");
	cell_is(&r, ">Visit /pricing</a>", "Total conversions", "5");
	cell_is(&r, ">Visit /pricing</a>", "Conversion rate", "57%");
	cell_is(&r, ">Event: Signup</a>", "Unique conversions", "5");
	cell_is(&r, ">Event: Signup</a>", "Total conversions", "5");
	cell_is(&r, ">Event: Signup</a>", "Conversion rate", "71%");
	cell_is(&r, ">Visit /blog/*</a>", "Unique conversions", "4");
	cell_is(&r, ">Visit /blog/*</a>", "Total conversions", "5");
	cell_is(&r, ">Visit /blog/*</a>", "Conversion rate", "57%");
	cell_is(&r, ">Visit /never</a>", "Unique conversions", "0");
	cell_is(&r, ">Visit /never</a>", "Total conversions", "0");
	cell_is(&r, ">Visit /never</a>", "Conversion rate", "0%");
	it_resp_free(&r);
}

static void
test_conversions(void)
{
	struct it_resp r;
	struct buf x = BUF_INIT;

	check_goals("raw");
	get(&jo, site, "/goals", "", &r);
	/* Each goal links to the overview filtered by it. */
	buf_addf(&x, "href=\"/dash/%lld?" "period=custom&amp;from=" DAY "&amp;to=" DAY
	    "&amp;f=goal%%3Ais%%3A%lld\"", site, g_signup);
	IT_CHECK(has(&r, x.ptr), "a link %s", x.ptr);
	IT_CHECK(has(&r, "/goals/delete?"), "delete buttons for the owner");
	it_resp_free(&r);

	/* The overview filtered by Signup names the goal. */
	buf_reset(&x);
	buf_addf(&x, "&f=goal:is:%lld", g_signup);
	get(&jo, site, "", x.ptr, &r);
	IT_CHECK(r.status == 200 && has(&r, "Goal is Signup"), "filtered overview: %ld",
	    r.status);
	it_resp_free(&r);

	/* Goals among the visits that sent Signup: 5 visitors, 4 of them on /pricing. */
	get(&jo, site, "/goals", x.ptr, &r);
	IT_CHECK(r.status == 200 && has(&r, "of the 5 unique visitors"), "filtered: %ld",
	    r.status);
	cell_is(&r, ">Visit /pricing</a>", "Unique conversions", "4");
	cell_is(&r, ">Visit /pricing</a>", "Total conversions", "4");
	cell_is(&r, ">Visit /pricing</a>", "Conversion rate", "80%");
	cell_is(&r, ">Event: Signup</a>", "Conversion rate", "100%");
	it_resp_free(&r);

	/* A filter on a goal that does not exist is refused, not a 500. */
	buf_reset(&x);
	buf_addf(&x, "&f=goal:is:%lld", other_goal);
	get(&jo, site, "/goals", x.ptr, &r);
	IT_CHECK(r.status == 400, "another site's goal as a filter: %ld", r.status);
	it_resp_free(&r);
	buf_release(&x);
}

static void
test_funnel(void)
{
	struct it_resp r;
	struct buf p = BUF_INIT, a = BUF_INIT, b = BUF_INIT, c = BUF_INIT, o = BUF_INIT;
	char extra[40];

	buf_addf(&p, "%lld", g_pricing);
	buf_addf(&a, "%lld", g_blog);
	buf_addf(&b, "%lld", g_signup);
	buf_addf(&o, "%lld", other_goal);

	get(&jo, site, "/funnels", "", &r);
	IT_CHECK(r.status == 200 && has(&r, "No funnels yet") && has(&r, "name=\"step8\""),
	    "an empty funnels page with the form: %ld", r.status);
	it_resp_free(&r);

	/* Refused: nothing is stored. */
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "One", "step1", p.ptr);
	IT_CHECK(r.status == 400 && has(&r, "at least two steps"), "one step: %ld", r.status);
	it_resp_free(&r);
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "Twice", "step1", p.ptr,
	    "step2", p.ptr);
	IT_CHECK(r.status == 400 && has(&r, "may not repeat"), "a repeated step: %ld", r.status);
	it_resp_free(&r);
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "Gap", "step1", p.ptr,
	    "step2", "", "step3", b.ptr);
	IT_CHECK(r.status == 400 && has(&r, "Step 2 is empty"), "a gap: %ld", r.status);
	it_resp_free(&r);
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "Theirs", "step1", p.ptr,
	    "step2", o.ptr);
	IT_CHECK(r.status == 400 && has(&r, "not one of this site"), "another site's goal: %ld",
	    r.status);
	it_resp_free(&r);
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "  ", "step1", p.ptr,
	    "step2", b.ptr);
	IT_CHECK(r.status == 400 && has(&r, "Give the funnel a name"), "no name: %ld", r.status);
	IT_CHECK(has(&r, "selected>Visit /pricing</option>"), "the steps chosen are kept");
	it_resp_free(&r);
	buf_reset(&c);
	while (c.len < 121)
		buf_addch(&c, 'n');
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", c.ptr, "step1", p.ptr,
	    "step2", b.ptr);
	IT_CHECK(r.status == 400, "a 121-character name: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_FUNNEL_COUNT, site) == 0, "no funnel stored");

	/* /pricing, /blog/(anything), Signup; trailing steps empty. */
	POST(&jo, site, "/funnels", "/funnels/add", &r, "name", "Pricing <to> signup",
	    "step1", p.ptr, "step2", a.ptr, "step3", b.ptr, "step4", "", "step8", "");
	funnel = count1(S_FUNNEL_COUNT, site) == 1 ? count1(S_FUNNEL_ID, site) : -1;
	snprintf(extra, sizeof(extra), "funnel=%lld", funnel);
	IT_CHECK(r.status == 303 && location_has(&r, extra), "funnel added: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(funnel > 0 && count1(S_STEP_COUNT, funnel) == 3, "3 steps stored");
	IT_CHECK(audits(org, "funnel.add") == 1, "funnel.add audited");

	snprintf(extra, sizeof(extra), "&funnel=%lld", funnel);
	get(&jo, site, "/funnels", extra, &r);
	IT_CHECK(r.status == 200 && has(&r, "Pricing &lt;to&gt; signup"), "the funnel: %ld",
	    r.status);
	IT_CHECK(has(&r, "reached this step after the previous ones, in order"),
	    "what a step means");
	/* Visitors 1, 2, 3, 4 reach step 1; 1, 3, 4 step 2; 1 and 4 step 3. */
	cell_is(&r, ">1. Visit /pricing</td>", "Visitors", "4");
	cell_is(&r, ">1. Visit /pricing</td>", "From step 1", "100%");
	cell_is(&r, ">1. Visit /pricing</td>", "Drop-off", "–");
	cell_is(&r, ">2. Visit /blog/*</td>", "Visitors", "3");
	cell_is(&r, ">2. Visit /blog/*</td>", "From step 1", "75%");
	cell_is(&r, ">2. Visit /blog/*</td>", "Drop-off", "1 (25%)");
	cell_is(&r, ">3. Event: Signup</td>", "Visitors", "2");
	cell_is(&r, ">3. Event: Signup</td>", "From step 1", "50%");
	cell_is(&r, ">3. Event: Signup</td>", "Drop-off", "1 (33%)");
	IT_CHECK(has(&r, "funnel-fill w100") && has(&r, "funnel-fill w75") &&
	    has(&r, "funnel-fill w50"), "bars of 100, 75 and 50 percent");
	IT_CHECK(has(&r, "4 visitors entered the funnel (57% of the period's 7 unique "
	    "visitors); 2 reached its last step: 50% of those who entered"), "the summary");
	it_resp_free(&r);

	/* Filtered by Signup: visitors 1-4 and 6 are left; the same counts but 6 never enters. */
	buf_reset(&c);
	buf_addf(&c, "&f=goal:is:%lld&funnel=%lld", g_signup, funnel);
	get(&jo, site, "/funnels", c.ptr, &r);
	IT_CHECK(r.status == 200, "filtered funnel: %ld", r.status);
	cell_is(&r, ">1. Visit /pricing</td>", "Visitors", "4");
	cell_is(&r, ">3. Event: Signup</td>", "Visitors", "2");
	IT_CHECK(has(&r, "(80% of the period's 5 unique visitors)"), "5 visitors filtered");
	it_resp_free(&r);

	/* A funnel of another site is not found. */
	snprintf(extra, sizeof(extra), "&funnel=%lld", other_funnel);
	get(&jo, site, "/funnels", extra, &r);
	IT_CHECK(r.status == 404 && !has(&r, "Theirs"), "another site's funnel: %ld", r.status);
	it_resp_free(&r);

	/* A goal that is a funnel's step is not deleted. */
	POST(&jo, site, "/goals", "/goals/delete", &r, "id", p.ptr);
	IT_CHECK(r.status == 409 && has(&r, "delete that funnel first"), "goal in use: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_EXISTS, g_pricing) == 1, "the goal stays");
	buf_release(&p);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&o);
}

static void
test_rolled_up(void)
{
	struct it_resp r;
	char extra[40];
	int i, rc = -1;

	/* A pass of the dev stack's own rollup loop may deadlock with this one: try again. */
	for (i = 0; i < 3 && (rc = it_rollup()) != 0; i++)
		sleep(2);
	IT_CHECK(rc == 0, "trackrctl rollup ran");
	IT_CHECK(count1(S_ROLLUP_ROW, site) == 7, "the day is rolled up: %lld visitors",
	    count1(S_ROLLUP_ROW, site));
	/* Exact pages and events now come from rollup rows; /blog/ * is still raw. */
	check_goals("rolled up");
	snprintf(extra, sizeof(extra), "&funnel=%lld", funnel);
	get(&jo, site, "/funnels", extra, &r);
	cell_is(&r, ">1. Visit /pricing</td>", "Visitors", "4");
	cell_is(&r, ">2. Visit /blog/*</td>", "Visitors", "3");
	cell_is(&r, ">3. Event: Signup</td>", "Visitors", "2");
	IT_CHECK(has(&r, "(57% of the period's 7 unique visitors)"), "7 visitors rolled up");
	it_resp_free(&r);
}

static void
test_roles_csrf(void)
{
	struct it_resp r;
	struct buf id = BUF_INIT, f = BUF_INIT, path = BUF_INIT;

	buf_addf(&id, "%lld", g_never);
	get(&jv, site, "/goals", "", &r);
	IT_CHECK(r.status == 200 && has(&r, ">Visit /pricing</a>") && !has(&r, "/goals/add") &&
	    !has(&r, "/goals/delete"), "a viewer reads without forms: %ld", r.status);
	it_resp_free(&r);
	get(&jv, site, "/funnels", "", &r);
	IT_CHECK(r.status == 200 && !has(&r, "/funnels/add") && !has(&r, "/funnels/delete"),
	    "a viewer's funnels page: %ld", r.status);
	it_resp_free(&r);

	IT_CHECK(POST(&jv, site, "/goals", "/goals/add", &r, "kind", "page", "target",
	    "/viewer") == 403, "viewer adds a goal: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(POST(&jv, site, "/goals", "/goals/delete", &r, "id", id.ptr) == 403,
	    "viewer deletes a goal: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "%lld", g_signup);
	IT_CHECK(POST(&jv, site, "/funnels", "/funnels/add", &r, "name", "V", "step1", id.ptr,
	    "step2", f.ptr) == 403, "viewer adds a funnel: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "%lld", funnel);
	IT_CHECK(POST(&jv, site, "/funnels", "/funnels/delete", &r, "id", f.ptr) == 403,
	    "viewer deletes a funnel: %ld", r.status);
	it_resp_free(&r);

	/* The owner without the token, and from another site. */
	buf_addf(&path, "/dash/%lld/goals/delete", site);
	buf_reset(&f);
	it_form_add(&f, "id", id.ptr);
	it_post(&jo, path.ptr, f.ptr, &r);
	IT_CHECK(r.status == 403, "no CSRF token: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&f);
	buf_addf(&f, "csrf=%064d&id=%lld", 0, g_never);
	it_post(&jo, path.ptr, f.ptr, &r);
	IT_CHECK(r.status == 403, "a wrong CSRF token: %ld", r.status);
	it_resp_free(&r);
	get(&jo, site, "/goals", "", &r);
	{
		char tok[65];

		IT_CHECK(it_csrf_of(&r, tok), "a token");
		buf_reset(&f);
		buf_addf(&f, "csrf=%s&id=%lld", tok, g_never);
	}
	it_resp_free(&r);
	it_send(&jo, "POST", path.ptr, f.ptr, "https://evil.example", "cross-site", &r);
	IT_CHECK(r.status == 403, "a cross-site POST: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_COUNT, site) == 4 && count1(S_FUNNEL_COUNT, site) == 1,
	    "nothing changed");
	buf_release(&id);
	buf_release(&f);
	buf_release(&path);
}

static void
test_tenants(void)
{
	struct it_resp r;
	struct buf id = BUF_INIT, path = BUF_INIT;

	/* Another organisation's goal and funnel, through the owner's own site. */
	buf_addf(&id, "%lld", other_goal);
	POST(&jo, site, "/goals", "/goals/delete", &r, "id", id.ptr);
	IT_CHECK(r.status == 404, "another site's goal: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&id);
	buf_addf(&id, "%lld", other_funnel);
	POST(&jo, site, "/funnels", "/funnels/delete", &r, "id", id.ptr);
	IT_CHECK(r.status == 404, "another site's funnel: %ld", r.status);
	it_resp_free(&r);
	/* And through the other site's address: not found for this member. */
	buf_addf(&path, "/dash/%lld/goals", other_site);
	it_get(&jo, path.ptr, &r);
	IT_CHECK(r.status == 404, "the other site's goals page: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_EXISTS, other_goal) == 1 &&
	    count1(S_FUNNEL_EXISTS, other_funnel) == 1 &&
	    count1(S_STEP_COUNT, other_funnel) == 2, "the other site's rows stay");
	/* Its owner sees them; not ours. */
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/goals", other_site);
	it_get(&jx, path.ptr, &r);
	IT_CHECK(r.status == 200 && has(&r, "Visit /theirs") && !has(&r, "/pricing"),
	    "the other owner's goals: %ld", r.status);
	it_resp_free(&r);
	buf_release(&id);
	buf_release(&path);
}

static void
test_delete(void)
{
	struct it_resp r;
	struct buf id = BUF_INIT;

	buf_addf(&id, "%lld", funnel);
	POST(&jo, site, "/funnels", "/funnels/delete", &r, "id", id.ptr);
	IT_CHECK(r.status == 303 && location_has(&r, "/funnels?"), "funnel deleted: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_FUNNEL_EXISTS, funnel) == 0 && count1(S_STEP_COUNT, funnel) == 0,
	    "the funnel and its steps are gone");
	POST(&jo, site, "/funnels", "/funnels/delete", &r, "id", id.ptr);
	IT_CHECK(r.status == 404, "deleted twice: %ld", r.status);
	it_resp_free(&r);

	buf_reset(&id);
	buf_addf(&id, "%lld", g_pricing);
	POST(&jo, site, "/goals", "/goals/delete", &r, "id", id.ptr);
	IT_CHECK(r.status == 303, "goal deleted once no funnel uses it: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(count1(S_GOAL_EXISTS, g_pricing) == 0 && count1(S_GOAL_COUNT, site) == 3,
	    "3 goals left");
	POST(&jo, site, "/goals", "/goals/delete", &r, "id", "abc");
	IT_CHECK(r.status == 404, "a malformed id: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(audits(org, "goal.delete") == 1 && audits(org, "funnel.delete") == 1,
	    "deletions audited");
	IT_CHECK(audits(other_org, "goal.delete") == 0, "nothing audited for the other");

	get(&jo, site, "/goals", "", &r);
	IT_CHECK(r.status == 200 && !has(&r, ">Visit /pricing</a>") &&
	    has(&r, ">Event: Signup</a>"), "the page after deleting: %ld", r.status);
	it_resp_free(&r);
	buf_release(&id);
}

/* ------------------------------------------------------------ running */

static int
suite_init(void)
{
	long stamp = (long)time(NULL) % 100000000;
	unsigned r = (unsigned)getpid() ^ (unsigned)time(NULL);

	/* Sign-ups are throttled per address: one of many, so reruns do not meet the limit. */
	snprintf(iface, sizeof(iface), "127.0.14.%u", 1 + r % 250);
	it_set_iface(iface);
	snprintf(owner, sizeof(owner), "goals-owner-%ld-%u@example.com", stamp, r % 1000);
	snprintf(viewer, sizeof(viewer), "goals-viewer-%ld-%u@example.com", stamp, r % 1000);
	snprintf(other, sizeof(other), "goals-other-%ld-%u@example.com", stamp, r % 1000);
	snprintf(domain, sizeof(domain), "goals-%ld-%u.example.com", stamp, r % 1000);
	snprintf(other_domain, sizeof(other_domain), "goals-other-%ld-%u.example.com", stamp,
	    r % 1000);
	db = it_db_open(&conf, stmts, S__MAX);
	return db == NULL ? -1 : 0;
}

static int
suite_clean(void)
{
	struct db_args a = DB_ARGS_INIT;
	static const enum stmt del[] = {
		S_EVENTS_DEL, S_SESSIONS_DEL, S_ROLLUP_DAYS_DEL, S_ROLLUP_MONTHS_DEL,
		S_ROLLUP_STATE_DEL, S_SITE_DEL,
	};
	long long s[2] = { site, other_site };
	size_t i, k;

	/* The visits and the sites go; goals and funnels with their site. */
	for (k = 0; k < 2; k++)
		for (i = 0; s[k] > 0 && i < sizeof(del) / sizeof(del[0]); i++) {
			db_arg_int(&a, s[k]);
			(void)exec(del[i], &a);
		}
	db_args_free(&a);
	it_jar_free(&jo);
	it_jar_free(&jv);
	it_jar_free(&jx);
	if (db != NULL)
		db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "two organisations, a viewer, sites and hand-made visits", test_setup },
		{ "adding goals of both kinds", test_add },
		{ "bad goals are refused and store nothing", test_bad_input },
		{ "at most 100 goals per site", test_limit },
		{ "conversions, rates and the goal filter", test_conversions },
		{ "a three-step funnel: counts, drop-offs, refused forms", test_funnel },
		{ "the same numbers from rollups", test_rolled_up },
		{ "viewers read only; CSRF and cross-site POSTs refused", test_roles_csrf },
		{ "another organisation's goal and funnel cannot be touched", test_tenants },
		{ "deleting funnels and goals", test_delete },
	};

	log_init("test_dash_goals", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	return it_run("dash_goals", suite_init, suite_clean, tests,
	    sizeof(tests) / sizeof(tests[0]));
}
