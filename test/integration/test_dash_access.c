/*
 * The access-control matrix of trackr-dashboard: every route of its
 * table (cgi/dashboard/main.c: /dash, the site routes under /dash/<site>
 * and /share/<token>, and the stats API under /api/v1/stats) against
 * twelve actors, each cell the status it must answer.
 *
 * Actors: anonymous; a viewer, an admin and the owner of organisation A;
 * the owner of organisation B; three holders of A's shared links without
 * an account (a plain link, a password link not unlocked, the same
 * unlocked); an API key of A (read scope), one of B, a revoked key of A;
 * and A's owner's browser without a key (a session never opens the API).
 * POSTs carry the actor's valid CSRF token, so the role is what decides;
 * every POST cell also checks the rows: the effect when allowed, nothing
 * changed when refused.  A's site answers B's owner and B's key exactly
 * like a missing site (404), and a shared link's pages name no other site
 * and link to no member page.
 *
 * Needs TRACKR_URL and TRACKR_CONF (scripts/lib/test.sh run_integration).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "csrf.h"
#include "log.h"
#include "session.h"
#include "util.h"

#define IFACE		"127.0.9.21"	/* throttle counters of its own */
#define LINK_PW		"matrix link password"
#define TOKEN_LEN	43		/* a shared link's token, base64url */
#define SHARE_COOKIE	"__Host-trackr_share"
#define MISSING_ID	"4294967295"

enum actor {
	ANON, VIEWER, ADMIN, OWNER, OTHER, LINK, LOCKED, UNLOCKED, KEY_A, KEY_B, KEY_OLD,
	NOKEY, ACTOR__MAX
};

static const char *const actor_names[ACTOR__MAX] = {
	"anonymous", "viewer", "admin", "owner", "other-org", "link", "locked", "unlocked",
	"key-A", "key-B", "key-revoked", "no-key",
};

/*
 * Expected statuses beyond plain numbers: L is a 303 whose Location
 * starts with /login (the front door's answer without a session).
 */
#define L	1303

/* A throwaway object of A's site made for each cell, "{x}" in the row. */
enum tmp {
	TMP_NONE,
	TMP_GOAL,		/* a page goal in no funnel */
	TMP_FUNNEL,		/* a funnel over the fixture's two goals */
	TMP_LINK,		/* a live shared link */
};

/* What a POST cell must have changed when allowed (and nothing when refused). */
enum effect {
	EFF_NONE,		/* a GET */
	EFF_GOAL_ADDED,		/* a goal with target /matrix-{n} */
	EFF_GOAL_GONE,		/* the throwaway goal deleted */
	EFF_FUNNEL_ADDED,	/* a funnel named matrix-{n} */
	EFF_FUNNEL_GONE,
	EFF_LINK_ADDED,		/* a shared link named matrix-{n} */
	EFF_LINK_REVOKED,
	EFF_UNLOCK,		/* the unlock cookie, for the password link only; no rows */
};

struct row {
	const char	*method;
	const char	*path;
	const char	*body;		/* POST fields without the token; NULL for GET */
	enum tmp	 tmp;
	enum effect	 eff;
	int		 want[ACTOR__MAX];
};

/*
 * The matrix.  "{s}" is A's site, "{b}" B's site, "{m}" a missing id,
 * "{t}" the link of the actor (the password link for locked and
 * unlocked, the plain link for everyone else: a link shows the same pages
 * to whoever holds it), "{r}" a revoked link, "{u}" a token no link has,
 * "{x}" the cell's throwaway object, "{n}" a number unique to the cell,
 * "{g1}" and "{g2}" the fixture's goals.
 *
 * Column order: anonymous viewer admin owner other-org | link locked
 * unlocked | key-A key-B key-revoked no-key.
 */
#define MEMBER_GET	{ L, 200, 200, 200, 404, L, L, L, L, L, L, 200 }
#define ADMIN_GET	{ L, 403, 200, 200, 404, L, L, L, L, L, L, 200 }
#define ADMIN_POST	{ L, 403, 303, 303, 404, L, L, L, L, L, L, 303 }
#define ADMIN_CREATE	{ L, 403, 201, 201, 404, L, L, L, L, L, L, 201 }
#define NOBODY(st)	{ st, st, st, st, st, st, st, st, st, st, st, st }
#define MISSING_GET	{ L, 404, 404, 404, 404, L, L, L, L, L, L, 404 }
#define FOREIGN_GET	{ L, 404, 404, 404, 200, L, L, L, L, L, L, 404 }
#define SHARED_GET	{ 200, 200, 200, 200, 200, 200, 401, 200, 200, 200, 200, 200 }
#define API_A		{ 401, 401, 401, 401, 401, 401, 401, 401, 200, 404, 401, 401 }

static const struct row matrix[] = {
	/* The organisation's sites: the session's organisation, whichever. */
	{ "GET", "/dash", NULL, TMP_NONE, EFF_NONE,
	    { L, 200, 200, 200, 200, L, L, L, L, L, L, 200 } },
	{ "POST", "/dash", "", TMP_NONE, EFF_NONE, NOBODY(405) },

	/* A's site: every GET route of site_routes[], one report slug per kind. */
	{ "GET", "/dash/{s}", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}?period=7d&f=source:is:Google", NULL, TMP_NONE, EFF_NONE,
	    MEMBER_GET },
	{ "GET", "/dash/{s}/realtime", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/goals", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/funnels", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/pages", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/sources", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/events", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/props", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/pages.csv", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/sources.json", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/events.csv", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/props.json", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "GET", "/dash/{s}/sharing", NULL, TMP_NONE, EFF_NONE, ADMIN_GET },
	{ "HEAD", "/dash/{s}", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "HEAD", "/dash/{s}/pages.csv", NULL, TMP_NONE, EFF_NONE, MEMBER_GET },
	{ "HEAD", "/dash/{s}/sharing", NULL, TMP_NONE, EFF_NONE, ADMIN_GET },

	/* A's site: the admins' POSTs. */
	{ "POST", "/dash/{s}/goals/add", "kind=page&target=%2Fmatrix-{n}", TMP_NONE,
	    EFF_GOAL_ADDED, ADMIN_POST },
	{ "POST", "/dash/{s}/goals/delete", "id={x}", TMP_GOAL, EFF_GOAL_GONE, ADMIN_POST },
	{ "POST", "/dash/{s}/funnels/add", "name=matrix-{n}&step1={g1}&step2={g2}",
	    TMP_NONE, EFF_FUNNEL_ADDED, ADMIN_POST },
	{ "POST", "/dash/{s}/funnels/delete", "id={x}", TMP_FUNNEL, EFF_FUNNEL_GONE,
	    ADMIN_POST },
	{ "POST", "/dash/{s}/sharing/add", "name=matrix-{n}", TMP_NONE, EFF_LINK_ADDED,
	    ADMIN_CREATE },
	{ "POST", "/dash/{s}/sharing/revoke", "id={x}", TMP_LINK, EFF_LINK_REVOKED,
	    ADMIN_POST },
	/* The link's password form belongs to /share/<token> only. */
	{ "POST", "/dash/{s}/unlock", "password=" "matrix%20link%20password", TMP_NONE,
	    EFF_UNLOCK, NOBODY(404) },

	/* Wrong methods and unknown pages, settled before anything else. */
	{ "GET", "/dash/{s}/goals/add", NULL, TMP_NONE, EFF_NONE, NOBODY(405) },
	{ "GET", "/dash/{s}/sharing/revoke", NULL, TMP_NONE, EFF_NONE, NOBODY(405) },
	{ "POST", "/dash/{s}/goals", "", TMP_NONE, EFF_NONE, NOBODY(405) },
	{ "GET", "/dash/{s}/nope", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/dash/{s}/goals.csv", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/dash/{s}/pages.xml", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },

	/* A missing site, and B's site: 404 exactly like missing for A's members. */
	{ "GET", "/dash/{m}", NULL, TMP_NONE, EFF_NONE, MISSING_GET },
	{ "GET", "/dash/{m}/pages.csv", NULL, TMP_NONE, EFF_NONE, MISSING_GET },
	{ "GET", "/dash/{m}/sharing", NULL, TMP_NONE, EFF_NONE, MISSING_GET },
	{ "POST", "/dash/{m}/goals/add", "kind=page&target=%2Fmatrix-{n}", TMP_NONE,
	    EFF_GOAL_ADDED, { L, 404, 404, 404, 404, L, L, L, L, L, L, 404 } },
	{ "GET", "/dash/{b}", NULL, TMP_NONE, EFF_NONE, FOREIGN_GET },
	{ "GET", "/dash/{b}/pages.json", NULL, TMP_NONE, EFF_NONE, FOREIGN_GET },
	{ "GET", "/dash/{b}/sharing", NULL, TMP_NONE, EFF_NONE, FOREIGN_GET },
	{ "POST", "/dash/{b}/goals/add", "kind=page&target=%2Fmatrix-{n}", TMP_NONE,
	    EFF_GOAL_ADDED, { L, 404, 404, 404, 303, L, L, L, L, L, L, 404 } },
	{ "POST", "/dash/{b}/sharing/add", "name=matrix-{n}", TMP_NONE, EFF_LINK_ADDED,
	    { L, 404, 404, 404, 201, L, L, L, L, L, L, 404 } },

	/* The same pages through A's shared links: read only, for whoever holds one. */
	{ "GET", "/share/{t}", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}?period=7d&f=source:is:Google", NULL, TMP_NONE, EFF_NONE,
	    SHARED_GET },
	{ "GET", "/share/{t}/realtime", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/goals", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/funnels", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/pages", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/sources", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/events", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/props", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/pages.csv", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/sources.json", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/events.csv", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "GET", "/share/{t}/props.json", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "HEAD", "/share/{t}", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	{ "HEAD", "/share/{t}/pages.csv", NULL, TMP_NONE, EFF_NONE, SHARED_GET },
	/* Nothing of the admins' through a link, not even for A's owner. */
	{ "GET", "/share/{t}/sharing", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "POST", "/share/{t}/goals/add", "kind=page&target=%2Fmatrix-{n}", TMP_NONE,
	    EFF_GOAL_ADDED, NOBODY(404) },
	{ "POST", "/share/{t}/goals/delete", "id={x}", TMP_GOAL, EFF_GOAL_GONE, NOBODY(404) },
	{ "POST", "/share/{t}/funnels/add", "name=matrix-{n}&step1={g1}&step2={g2}",
	    TMP_NONE, EFF_FUNNEL_ADDED, NOBODY(404) },
	{ "POST", "/share/{t}/funnels/delete", "id={x}", TMP_FUNNEL, EFF_FUNNEL_GONE,
	    NOBODY(404) },
	{ "POST", "/share/{t}/sharing/add", "name=matrix-{n}", TMP_NONE, EFF_LINK_ADDED,
	    NOBODY(404) },
	{ "POST", "/share/{t}/sharing/revoke", "id={x}", TMP_LINK, EFF_LINK_REVOKED,
	    NOBODY(404) },
	/* The password form: the right password unlocks (the plain link has nothing to unlock). */
	{ "POST", "/share/{t}/unlock", "password=" "matrix%20link%20password", TMP_NONE,
	    EFF_UNLOCK, NOBODY(303) },
	{ "GET", "/share/{t}/unlock", NULL, TMP_NONE, EFF_NONE, NOBODY(405) },
	{ "GET", "/share/{t}/nope", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	/* Revoked, unknown and malformed links answer alike. */
	{ "GET", "/share/{r}", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/share/{r}/pages.csv", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/share/{u}", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/share/short", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },

	/* The stats API: keys only, and only their organisation's sites. */
	{ "GET", "/api/v1/stats/aggregate?site_id={s}", NULL, TMP_NONE, EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/aggregate?site_id={s}&compare=previous", NULL, TMP_NONE,
	    EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/timeseries?site_id={s}&period=7d", NULL, TMP_NONE, EFF_NONE,
	    API_A },
	{ "GET", "/api/v1/stats/breakdown?site_id={s}&property=page", NULL, TMP_NONE,
	    EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/breakdown?site_id={s}&property=source&f=page:is:%2F",
	    NULL, TMP_NONE, EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/breakdown?site_id={s}&property=goal", NULL, TMP_NONE,
	    EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/breakdown?site_id={s}&property=prop", NULL, TMP_NONE,
	    EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/realtime?site_id={s}", NULL, TMP_NONE, EFF_NONE, API_A },
	{ "HEAD", "/api/v1/stats/aggregate?site_id={s}", NULL, TMP_NONE, EFF_NONE, API_A },
	{ "GET", "/api/v1/stats/aggregate?site_id={b}", NULL, TMP_NONE, EFF_NONE,
	    { 401, 401, 401, 401, 401, 401, 401, 401, 404, 200, 401, 401 } },
	{ "GET", "/api/v1/stats/realtime?site_id={b}", NULL, TMP_NONE, EFF_NONE,
	    { 401, 401, 401, 401, 401, 401, 401, 401, 404, 200, 401, 401 } },
	{ "GET", "/api/v1/stats/aggregate?site_id={m}", NULL, TMP_NONE, EFF_NONE,
	    { 401, 401, 401, 401, 401, 401, 401, 401, 404, 404, 401, 401 } },
	{ "GET", "/api/v1/stats/aggregate", NULL, TMP_NONE, EFF_NONE,
	    { 401, 401, 401, 401, 401, 401, 401, 401, 400, 400, 401, 401 } },
	/* Settled before the key: the endpoint, the method, the query's shape. */
	{ "POST", "/api/v1/stats/aggregate?site_id={s}", "", TMP_NONE, EFF_NONE,
	    NOBODY(405) },
	{ "GET", "/api/v1/stats/nope?site_id={s}", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/api/v1/nope", NULL, TMP_NONE, EFF_NONE, NOBODY(404) },
	{ "GET", "/api/v1/stats/aggregate?site_id={s}&bogus=1", NULL, TMP_NONE, EFF_NONE,
	    NOBODY(400) },
};
#define NROWS	(sizeof(matrix) / sizeof(matrix[0]))

enum stmt {
	STMT_ORG_ADD,
	STMT_USER_ADD,
	STMT_MEMBER_ADD,
	STMT_ROLE_OF,
	STMT_SESSION_ADD,
	STMT_SITE_ADD,
	STMT_VISIT_ADD,
	STMT_EVENT_ADD,
	STMT_GOAL_ADD,
	STMT_GOAL_DELETE,
	STMT_GOAL_EXISTS,
	STMT_GOALS_BY_TARGET,
	STMT_GOALS_DELETE_TARGET,
	STMT_FUNNEL_ADD,
	STMT_STEP_ADD,
	STMT_FUNNEL_EXISTS,
	STMT_FUNNEL_STEPS,
	STMT_FUNNEL_DELETE,
	STMT_FUNNELS_BY_NAME,
	STMT_FUNNELS_DELETE_NAME,
	STMT_LINK_ADD,
	STMT_LINK_BY_HASH,
	STMT_LINK_LIVE,
	STMT_LINK_DELETE,
	STMT_LINKS_BY_NAME,
	STMT_LINKS_DELETE_NAME,
	STMT_KEY_ADD,
	STMT_KEY_LIVE,
	STMT_KEY_ADD_ADMIN,
	STMT_COUNT_GOALS,
	STMT_COUNT_FUNNELS,
	STMT_COUNT_LINKS,
	STMT_COUNT_LIVE_LINKS,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_USER_ADD] =
	    "INSERT INTO users (email, password_hash, email_verified_at) "
	    "VALUES (?, '!', UTC_TIMESTAMP())",
	[STMT_MEMBER_ADD] = "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[STMT_ROLE_OF] =
	    "SELECT FIELD(role, 'owner', 'admin', 'viewer') FROM org_members "
	    "WHERE org_id = ? AND user_id = ?",
	[STMT_SESSION_ADD] =
	    "INSERT INTO user_sessions (token_hash, user_id, org_id, created_at, last_seen_at, "
	    "expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
	    "UTC_TIMESTAMP() + INTERVAL 1 DAY)",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'UTC')",
	[STMT_VISIT_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, source, referrer_domain, country, "
	    "device, browser, browser_version, os, os_version, screen) VALUES (?, ?, ?, "
	    "UTC_TIMESTAMP(3) - INTERVAL 3 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, "
	    "'/', '/hello', 2, 3, 3, 'Google', 'google.com', 'DE', 'desktop', 'Chrome', '120', "
	    "'Windows', '10', 'desktop')",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, hostname, pathname, "
	    "source, referrer_domain, props) VALUES (?, UTC_TIMESTAMP(3) - INTERVAL ? SECOND, "
	    "?, ?, ?, 'matrix.example', ?, 'Google', 'google.com', ?)",
	[STMT_GOAL_ADD] = "INSERT INTO goals (site_id, kind, target) VALUES (?, ?, ?)",
	[STMT_GOAL_DELETE] = "DELETE FROM goals WHERE id = ?",
	[STMT_GOAL_EXISTS] = "SELECT COUNT(*) FROM goals WHERE id = ? AND site_id = ?",
	[STMT_GOALS_BY_TARGET] = "SELECT COUNT(*) FROM goals WHERE target = ?",
	[STMT_GOALS_DELETE_TARGET] = "DELETE FROM goals WHERE target = ?",
	[STMT_FUNNEL_ADD] = "INSERT INTO funnels (site_id, name) VALUES (?, ?)",
	[STMT_STEP_ADD] = "INSERT INTO funnel_steps (funnel_id, step, goal_id) VALUES (?, ?, ?)",
	[STMT_FUNNEL_EXISTS] = "SELECT COUNT(*) FROM funnels WHERE id = ? AND site_id = ?",
	[STMT_FUNNEL_STEPS] = "SELECT COUNT(*) FROM funnel_steps WHERE funnel_id = ?",
	[STMT_FUNNEL_DELETE] = "DELETE FROM funnels WHERE id = ?",
	[STMT_FUNNELS_BY_NAME] = "SELECT COUNT(*) FROM funnels WHERE name = ?",
	[STMT_FUNNELS_DELETE_NAME] = "DELETE FROM funnels WHERE name = ?",
	[STMT_LINK_ADD] =
	    "INSERT INTO shared_links (site_id, name, token_hash, revoked_at) "
	    "VALUES (?, ?, ?, IF(?, UTC_TIMESTAMP(), NULL))",
	[STMT_LINK_BY_HASH] = "SELECT id FROM shared_links WHERE token_hash = ? AND site_id = ?",
	[STMT_LINK_LIVE] =
	    "SELECT COUNT(*) FROM shared_links WHERE id = ? AND revoked_at IS NULL",
	[STMT_LINK_DELETE] = "DELETE FROM shared_links WHERE id = ?",
	[STMT_LINKS_BY_NAME] = "SELECT COUNT(*) FROM shared_links WHERE name = ?",
	[STMT_LINKS_DELETE_NAME] = "DELETE FROM shared_links WHERE name = ?",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope, revoked_at) "
	    "VALUES (?, 'matrix', ?, ?, 'read', IF(?, UTC_TIMESTAMP(), NULL))",
	[STMT_KEY_LIVE] =
	    "SELECT COUNT(*) FROM api_keys WHERE id = ? AND revoked_at IS NULL",
	[STMT_KEY_ADD_ADMIN] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope) "
	    "VALUES (?, 'matrix admin', '0a0b0c0d', ?, 'admin')",
	[STMT_COUNT_GOALS] = "SELECT COUNT(*) FROM goals WHERE site_id = ?",
	[STMT_COUNT_FUNNELS] = "SELECT COUNT(*) FROM funnels WHERE site_id = ?",
	[STMT_COUNT_LINKS] = "SELECT COUNT(*) FROM shared_links WHERE site_id = ?",
	[STMT_COUNT_LIVE_LINKS] =
	    "SELECT COUNT(*) FROM shared_links WHERE site_id = ? AND revoked_at IS NULL",
};

/* How an actor's requests look: a session, an unlock cookie, a key, a link. */
struct who {
	char		 session[SESSION_TOKEN_MAX];	/* "" for none */
	unsigned char	 sess_hash[CRYPT_SHA256_LEN];
	struct buf	 unlock;			/* __Host-trackr_share's value */
	char		 bearer[80];			/* "" for none */
	const char	*tok;				/* the link "{t}" stands for */
};

/* A shared link of the fixture: its clear token and row id. */
struct link {
	char		 tok[TOKEN_LEN + 1];
	long long	 id;
};

static struct conf	 conf;
static struct db	*db;
static unsigned char	 app_key[CRYPT_SHA256_LEN];	/* as the programs derive it */
static char		 rnd[9];
static struct who	 who[ACTOR__MAX];
static long long	 org_a, org_b, users[ACTOR__MAX];
static long long	 site_a, site_a2, site_b, goal1, goal2, funnel1;
static long long	 key_ids[ACTOR__MAX];
static char		 dom_a[96], dom_a2[96], dom_b[96];
static struct link	 plain, pw, revoked;
static char		 unknown_tok[TOKEN_LEN + 1];
static unsigned		 serial;
static long		 got[NROWS][ACTOR__MAX];
static int		 fixture_ok;

/* ------------------------------------------------------------ rows */

static int
exec1(enum stmt s, long long x)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, x);
	rc = db_exec(db, db_stmt(db, s), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

static int
exec_str(enum stmt s, const char *v)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_strz(&a, v);
	rc = db_exec(db, db_stmt(db, s), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

static long long
count1(enum stmt s, long long x)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, x);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
count2(enum stmt s, long long x, long long y)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, x);
	db_arg_int(&a, y);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
count_str(enum stmt s, const char *v)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_strz(&a, v);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
org_add(const char *name)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_strz(&a, name);
	id = it_db_insert(db, STMT_ORG_ADD, &a);
	db_args_free(&a);
	return id;
}

/* A verified user without a password (sessions are made directly) in org with role. */
static long long
member_add(long long org, const char *email, const char *role)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_strz(&a, email);
	id = it_db_insert(db, STMT_USER_ADD, &a);
	db_args_reset(&a);
	db_arg_int(&a, org);
	db_arg_int(&a, id);
	db_arg_strz(&a, role);
	if (id > 0 && db_exec(db, db_stmt(db, STMT_MEMBER_ADD), &a, NULL, NULL) == -1)
		id = -1;
	db_args_free(&a);
	return id;
}

/* A live login session of user in org: its token into w, as the cookie will carry it. */
static int
session_make(struct who *w, long long user, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	int ok;

	it_token(w->session, SESSION_TOKEN_LEN);
	crypt_sha256(w->session, SESSION_TOKEN_LEN, w->sess_hash);
	db_arg_blob(&a, w->sess_hash, sizeof(w->sess_hash));
	db_arg_int(&a, user);
	db_arg_int(&a, org);
	ok = it_db_insert(db, STMT_SESSION_ADD, &a) >= 0;
	db_args_free(&a);
	return ok;
}

/* One event of a visit, ago seconds ago. */
static int
event_add(long long site, unsigned long long vid, unsigned long long sid, int ago,
    const char *name, const char *path, const char *props)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, site);
	db_arg_int(&a, ago);
	db_arg_strz(&a, name);
	db_arg_uint(&a, vid);
	db_arg_uint(&a, sid);
	db_arg_strz(&a, path);
	if (props != NULL)
		db_arg_strz(&a, props);
	else
		db_arg_null(&a);
	rc = db_exec(db, db_stmt(db, STMT_EVENT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/* A visit from Google a few minutes ago: two page views and a Signup with a plan. */
static int
visit_add(long long site)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long sid, vid;
	int rc;

	if (crypt_random(&sid, sizeof(sid)) == -1 || crypt_random(&vid, sizeof(vid)) == -1)
		return -1;
	sid >>= 2;
	vid >>= 2;
	db_arg_uint(&a, sid);
	db_arg_int(&a, site);
	db_arg_uint(&a, vid);
	rc = db_exec(db, db_stmt(db, STMT_VISIT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	if (rc == 0)
		rc = event_add(site, vid, sid, 180, "pageview", "/", NULL);
	if (rc == 0)
		rc = event_add(site, vid, sid, 150, "Signup", "/", "{\"plan\":\"pro\"}");
	if (rc == 0)
		rc = event_add(site, vid, sid, 120, "pageview", "/hello", NULL);
	return rc;
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

/* A funnel of site over the fixture's two goals. */
static long long
funnel_add(long long site, const char *name)
{
	struct db_args a = DB_ARGS_INIT;
	long long id, step;

	db_arg_int(&a, site);
	db_arg_strz(&a, name);
	id = it_db_insert(db, STMT_FUNNEL_ADD, &a);
	for (step = 1; id > 0 && step <= 2; step++) {
		db_args_reset(&a);
		db_arg_int(&a, id);
		db_arg_int(&a, step);
		db_arg_int(&a, step == 1 ? goal1 : goal2);
		if (it_db_insert(db, STMT_STEP_ADD, &a) < 0)
			id = -1;
	}
	db_args_free(&a);
	return id;
}

/* A link of site with a known token (its SHA-256 stored), live or revoked. */
static long long
link_insert(long long site, const char *name, char tok[TOKEN_LEN + 1], int is_revoked)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	long long id;

	it_token(tok, TOKEN_LEN);
	crypt_sha256(tok, TOKEN_LEN, hash);
	db_arg_int(&a, site);
	db_arg_strz(&a, name);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, is_revoked);
	id = it_db_insert(db, STMT_LINK_ADD, &a);
	db_args_free(&a);
	return id;
}

/* An API key of org as keys.c makes them: tr_<8 hex>_<43 base64url>, stored as SHA-256. */
static long long
key_add(long long org, int is_revoked, char *out, size_t outlen)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN], pre[4];
	char prefix[9], secret[44];
	long long id;

	if (crypt_random(pre, sizeof(pre)) == -1)
		return -1;
	snprintf(prefix, sizeof(prefix), "%02x%02x%02x%02x", pre[0], pre[1], pre[2], pre[3]);
	it_token(secret, 43);
	snprintf(out, outlen, "tr_%s_%s", prefix, secret);
	crypt_sha256(out, strlen(out), hash);
	db_arg_int(&a, org);
	db_arg_strz(&a, prefix);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, is_revoked);
	id = it_db_insert(db, STMT_KEY_ADD, &a);
	db_args_free(&a);
	return id;
}

/* ------------------------------------------------------------ HTTP */

/* The CSRF token of a shared link's forms: bound to "/share/<token>". */
static void
share_csrf(const char *tok, char out[CSRF_TOKEN_MAX])
{
	struct buf base = BUF_INIT;

	buf_addf(&base, "/share/%s", tok);
	csrf_token(app_key, sizeof(app_key), "share", base.ptr, base.len, out);
	buf_release(&base);
}

/* One request as the actor sends it: its cookies or key; a POST same-site. */
static void
http(const struct who *w, const char *method, const char *path, const char *body,
    struct it_resp *out)
{
	struct it_req rq;
	struct buf cookie = BUF_INIT, auth = BUF_INIT;
	int k = 0;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	if (strcmp(method, "POST") == 0) {
		rq.ctype = "application/x-www-form-urlencoded";
		rq.body = body ? body : "";
		rq.len = strlen(rq.body);
		rq.origin = it_url();
		rq.extra[k++] = "Sec-Fetch-Site: same-origin";
	}
	if (w->session[0] != '\0' || w->unlock.len > 0) {
		buf_adds(&cookie, "Cookie: ");
		if (w->session[0] != '\0')
			buf_addf(&cookie, "%s=%s", SESSION_COOKIE, w->session);
		if (w->unlock.len > 0)
			buf_addf(&cookie, "%s%s=%s", w->session[0] ? "; " : "", SHARE_COOKIE,
			    w->unlock.ptr);
		rq.extra[k++] = cookie.ptr;
	}
	if (w->bearer[0] != '\0') {
		buf_addf(&auth, "Authorization: Bearer %s", w->bearer);
		rq.extra[k++] = auth.ptr;
	}
	rq.extra[k] = NULL;
	if (it_http(&rq, out) == -1)
		out->status = 0;
	buf_release(&cookie);
	buf_release(&auth);
}

/* The value of cookie name set by r into out; 1 when set (and not deleted). */
static int
cookie_of(const struct it_resp *r, const char *name, struct buf *out)
{
	return it_cookie(r, name, out) == 1 && out->len > 0;
}

/* 1 when r has header name at least once, and every one of them is exactly want. */
static int
headers_all(const struct it_resp *r, const char *name, const char *want)
{
	const char *p = r->head.ptr, *eol, *v, *end;
	size_t n = strlen(name);
	int found = 0;

	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) <= n || p[n] != ':' || strncasecmp(p, name, n) != 0)
			continue;
		for (v = p + n + 1; v < eol && *v == ' '; v++)
			;
		for (end = eol; end > v && (end[-1] == '\r' || end[-1] == ' '); end--)
			;
		if ((size_t)(end - v) != strlen(want) || strncmp(v, want, strlen(want)) != 0)
			return 0;
		found++;
	}
	return found > 0;
}

/* 1 when r is an HTML answer. */
static int
is_html(const struct it_resp *r)
{
	struct buf v = BUF_INIT;
	int yes = it_header(r, "Content-Type", &v) >= 1 && strncasecmp(v.ptr, "text/html", 9) == 0;

	buf_release(&v);
	return yes;
}

/* ------------------------------------------------------------ cells */

/* The cell's throwaway object of A's site; its id, 0 for none, -1 on failure. */
static long long
tmp_make(enum tmp t)
{
	struct link l;
	char name[64];

	snprintf(name, sizeof(name), "tmp-%u-%s", serial, rnd);
	switch (t) {
	case TMP_NONE:
		return 0;
	case TMP_GOAL:
		snprintf(name, sizeof(name), "/tmp-%u-%s", serial, rnd);
		return goal_add(site_a, "page", name);
	case TMP_FUNNEL:
		return funnel_add(site_a, name);
	case TMP_LINK:
		return link_insert(site_a, name, l.tok, 0);
	}
	return -1;
}

/* Take away the cell's throwaway and whatever an allowed POST made. */
static void
tmp_clean(enum tmp t, long long x)
{
	char name[64];

	if (x > 0)
		(void)exec1(t == TMP_GOAL ? STMT_GOAL_DELETE : t == TMP_FUNNEL ?
		    STMT_FUNNEL_DELETE : STMT_LINK_DELETE, x);
	snprintf(name, sizeof(name), "/matrix-%u", serial);
	(void)exec_str(STMT_GOALS_DELETE_TARGET, name);
	(void)exec_str(STMT_FUNNELS_DELETE_NAME, name + 1);
	(void)exec_str(STMT_LINKS_DELETE_NAME, name + 1);
}

/* The rows a POST may change, of A's site and B's. */
struct snap {
	long long	 v[8];
};

static void
snap_take(struct snap *s)
{
	s->v[0] = count1(STMT_COUNT_GOALS, site_a);
	s->v[1] = count1(STMT_COUNT_FUNNELS, site_a);
	s->v[2] = count1(STMT_COUNT_LINKS, site_a);
	s->v[3] = count1(STMT_COUNT_LIVE_LINKS, site_a);
	s->v[4] = count1(STMT_COUNT_GOALS, site_b);
	s->v[5] = count1(STMT_COUNT_FUNNELS, site_b);
	s->v[6] = count1(STMT_COUNT_LINKS, site_b);
	s->v[7] = count1(STMT_COUNT_LIVE_LINKS, site_b);
}

/*
 * Whether the row's effect is there after the cell: 1 yes, 0 no.  For
 * the unlock, whether the answer set the unlock cookie.
 */
static int
effect_seen(const struct row *m, long long x, const struct it_resp *r)
{
	char name[64];
	struct buf c = BUF_INIT;
	int yes = 0;

	snprintf(name, sizeof(name), "/matrix-%u", serial);
	switch (m->eff) {
	case EFF_NONE:
		return 0;
	case EFF_GOAL_ADDED:
		return count_str(STMT_GOALS_BY_TARGET, name) == 1;
	case EFF_GOAL_GONE:
		return count2(STMT_GOAL_EXISTS, x, site_a) == 0;
	case EFF_FUNNEL_ADDED:
		return count_str(STMT_FUNNELS_BY_NAME, name + 1) == 1;
	case EFF_FUNNEL_GONE:
		return count2(STMT_FUNNEL_EXISTS, x, site_a) == 0;
	case EFF_LINK_ADDED:
		return count_str(STMT_LINKS_BY_NAME, name + 1) == 1;
	case EFF_LINK_REVOKED:
		return count1(STMT_LINK_LIVE, x) == 0;
	case EFF_UNLOCK:
		yes = cookie_of(r, SHARE_COOKIE, &c);
		buf_release(&c);
		return yes;
	}
	return 0;
}

/* fmt with the row's placeholders replaced, for actor a and the cell's object x. */
static void
expand(struct buf *out, const char *fmt, enum actor a, long long x)
{
	static const char *const names[] = { "{s}", "{b}", "{m}", "{t}", "{r}", "{u}", "{x}",
	    "{n}", "{g1}", "{g2}" };
	size_t i, n;

	buf_reset(out);
	while (*fmt) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strncmp(fmt, names[i], strlen(names[i])) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			buf_addch(out, *fmt++);
			continue;
		}
		n = strlen(names[i]);
		switch (i) {
		case 0: buf_addf(out, "%lld", site_a); break;
		case 1: buf_addf(out, "%lld", site_b); break;
		case 2: buf_adds(out, MISSING_ID); break;
		case 3: buf_adds(out, who[a].tok); break;
		case 4: buf_adds(out, revoked.tok); break;
		case 5: buf_adds(out, unknown_tok); break;
		case 6: buf_addf(out, "%lld", x); break;
		case 7: buf_addf(out, "%u", serial); break;
		case 8: buf_addf(out, "%lld", goal1); break;
		case 9: buf_addf(out, "%lld", goal2); break;
		}
		fmt += n;
	}
}

static void
want_text(char *out, size_t n, int want)
{
	if (want == L)
		snprintf(out, n, "303>login");
	else
		snprintf(out, n, "%d", want);
}

/* A site route's status that runs a handler and succeeds. */
static int
allowed(int want)
{
	return want == 200 || want == 201 || want == 303;
}

/* ------------------------------------------------------------ tests */

/* Make the link on A's site through the admins' form, as the owner; its token from the page. */
static int
link_make(const char *name, const char *password, struct link *l)
{
	struct it_resp r;
	struct buf path = BUF_INIT, body = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char tok[CSRF_TOKEN_MAX];
	const char *p;
	int ok = 0;

	memset(l, 0, sizeof(*l));
	csrf_token(app_key, sizeof(app_key), "session", who[OWNER].sess_hash,
	    sizeof(who[OWNER].sess_hash), tok);
	it_form_add(&body, "csrf", tok);
	it_form_add(&body, "name", name);
	it_form_add(&body, "password", password ? password : "");
	buf_addf(&path, "/dash/%lld/sharing/add", site_a);
	http(&who[OWNER], "POST", path.ptr, body.ptr, &r);
	if (r.status == 201 && (p = strstr(r.body.ptr, "<code>/share/")) != NULL &&
	    strspn(p + 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	    TOKEN_LEN) {
		memcpy(l->tok, p + 13, TOKEN_LEN);
		l->tok[TOKEN_LEN] = '\0';
		crypt_sha256(l->tok, TOKEN_LEN, hash);
		db_arg_blob(&a, hash, sizeof(hash));
		db_arg_int(&a, site_a);
		l->id = it_db_int(db, STMT_LINK_BY_HASH, &a, 0);
		ok = l->id > 0;
	}
	IT_CHECK(ok, "POST %s as the owner: %ld, want 201 and the new link (%.200s)", path.ptr,
	    r.status, r.body.ptr);
	it_resp_free(&r);
	db_args_free(&a);
	buf_release(&path);
	buf_release(&body);
	return ok;
}

static void
test_fixture(void)
{
	static const char *const roles[ACTOR__MAX] = { [VIEWER] = "viewer",
	    [ADMIN] = "admin", [OWNER] = "owner", [OTHER] = "owner" };
	struct it_resp r;
	struct buf b = BUF_INIT;
	char email[128], tok[65], want[CSRF_TOKEN_MAX];
	int i, ok;

	org_a = org_add("Dash matrix A");
	org_b = org_add("Dash matrix B");
	snprintf(dom_a, sizeof(dom_a), "dmx-a-%s.example.com", rnd);
	snprintf(dom_a2, sizeof(dom_a2), "dmx-a2-%s.example.com", rnd);
	snprintf(dom_b, sizeof(dom_b), "dmx-b-%s.example.com", rnd);
	site_a = it_site_add(db, STMT_SITE_ADD, org_a, dom_a, NULL);
	site_a2 = it_site_add(db, STMT_SITE_ADD, org_a, dom_a2, NULL);
	site_b = it_site_add(db, STMT_SITE_ADD, org_b, dom_b, NULL);
	if (!IT_CHECK(org_a > 0 && org_b > 0 && site_a > 0 && site_a2 > 0 && site_b > 0,
	    "organisations A and B, A's two sites, B's site"))
		return;
	ok = visit_add(site_a) == 0 && visit_add(site_a2) == 0 && visit_add(site_b) == 0;
	IT_CHECK(ok, "a visit on each site");
	goal1 = goal_add(site_a, "page", "/");
	goal2 = goal_add(site_a, "event", "Signup");
	funnel1 = goal1 > 0 && goal2 > 0 ? funnel_add(site_a, "matrix fixture") : -1;
	IT_CHECK(goal1 > 0 && goal2 > 0 && funnel1 > 0, "A's goals and funnel");

	/* Members: rows and sessions made directly (sign-up and login have suites of their own). */
	for (i = VIEWER; i <= OTHER; i++) {
		snprintf(email, sizeof(email), "dmx-%s-%s@example.com", actor_names[i], rnd);
		users[i] = member_add(i == OTHER ? org_b : org_a, email, roles[i]);
		IT_CHECK(users[i] > 0 && session_make(&who[i], users[i], i == OTHER ? org_b :
		    org_a), "%s: user, membership and session", actor_names[i]);
	}
	memcpy(who[NOKEY].session, who[OWNER].session, sizeof(who[NOKEY].session));
	memcpy(who[NOKEY].sess_hash, who[OWNER].sess_hash, sizeof(who[NOKEY].sess_hash));

	/* The tokens the test computes are the ones the pages carry. */
	buf_addf(&b, "/dash/%lld/goals", site_a);
	http(&who[OWNER], "GET", b.ptr, NULL, &r);
	csrf_token(app_key, sizeof(app_key), "session", who[OWNER].sess_hash,
	    sizeof(who[OWNER].sess_hash), want);
	IT_CHECK(r.status == 200 && it_csrf_of(&r, tok) && strcmp(tok, want) == 0,
	    "the owner's goals page (%ld) carries the session's CSRF token", r.status);
	it_resp_free(&r);

	/* Links: two through the admins' form, a revoked one inserted with a known token. */
	ok = link_make("matrix plain", NULL, &plain) && link_make("matrix password", LINK_PW, &pw);
	revoked.id = link_insert(site_a, "matrix revoked", revoked.tok, 1);
	it_token(unknown_tok, TOKEN_LEN);
	IT_CHECK(ok && revoked.id > 0, "A's plain, password and revoked links");
	for (i = 0; i < ACTOR__MAX; i++)
		who[i].tok = i == LOCKED || i == UNLOCKED ? pw.tok : plain.tok;

	/* The unlocked holder types the password into the link's form. */
	buf_reset(&b);
	buf_addf(&b, "/share/%s", pw.tok);
	http(&who[UNLOCKED], "GET", b.ptr, NULL, &r);
	share_csrf(pw.tok, want);
	IT_CHECK(r.status == 401 && it_csrf_of(&r, tok) && strcmp(tok, want) == 0,
	    "the password link's unlock page (%ld) carries the link's CSRF token", r.status);
	it_resp_free(&r);
	buf_reset(&b);
	it_form_add(&b, "csrf", want);
	it_form_add(&b, "password", LINK_PW);
	{
		struct buf path = BUF_INIT;

		buf_addf(&path, "/share/%s/unlock", pw.tok);
		http(&who[UNLOCKED], "POST", path.ptr, b.ptr, &r);
		buf_release(&path);
	}
	IT_CHECK(r.status == 303 && cookie_of(&r, SHARE_COOKIE, &who[UNLOCKED].unlock),
	    "unlocking the password link: %ld and an unlock cookie", r.status);
	it_resp_free(&r);

	/* API keys: A's, B's, and a revoked one of A. */
	key_ids[KEY_A] = key_add(org_a, 0, who[KEY_A].bearer, sizeof(who[KEY_A].bearer));
	key_ids[KEY_B] = key_add(org_b, 0, who[KEY_B].bearer, sizeof(who[KEY_B].bearer));
	key_ids[KEY_OLD] = key_add(org_a, 1, who[KEY_OLD].bearer, sizeof(who[KEY_OLD].bearer));
	IT_CHECK(key_ids[KEY_A] > 0 && key_ids[KEY_B] > 0 && key_ids[KEY_OLD] > 0,
	    "three API keys");
	fixture_ok = !CU_get_number_of_failures();
	printf("\n  fixture %s: A %lld (sites %lld %s, %lld %s), B %lld (site %lld)\n", rnd,
	    org_a, site_a, dom_a, site_a2, dom_a2, org_b, site_b);
	buf_release(&b);
}

/* A shared link's 200 page names no other site and links to no member page. */
static int
confined(const struct it_resp *r)
{
	return strstr(r->body.ptr, "/dash/") == NULL && strstr(r->body.ptr, dom_a2) == NULL &&
	    strstr(r->body.ptr, dom_b) == NULL && strstr(r->body.ptr, "/sharing") == NULL;
}

static void
test_matrix(void)
{
	struct buf path = BUF_INIT, body = BUF_INIT, fields = BUF_INIT, loc = BUF_INIT;
	struct snap before, after;
	struct it_resp r;
	char w[16], cell[32], tok[CSRF_TOKEN_MAX];
	size_t i, cells = 0;
	long long x;
	int a, ok, fails = 0, post, eff;

	if (!IT_CHECK(fixture_ok, "the fixture is incomplete: no matrix"))
		return;
	for (i = 0; i < NROWS; i++) {
		const struct row *m = &matrix[i];

		post = strcmp(m->method, "POST") == 0;
		for (a = 0; a < ACTOR__MAX; a++) {
			serial++;
			if ((x = tmp_make(m->tmp)) < 0) {
				IT_CHECK(0, "%s %s as %s: the throwaway object could not be made",
				    m->method, m->path, actor_names[a]);
				continue;
			}
			expand(&path, m->path, (enum actor)a, x);
			buf_reset(&body);
			if (post) {
				/* The actor's own valid token: a link's on /share, a session's elsewhere. */
				if (strncmp(path.ptr, "/share/", 7) == 0)
					share_csrf(who[a].tok, tok);
				else if (who[a].session[0] != '\0')
					csrf_token(app_key, sizeof(app_key), "session",
					    who[a].sess_hash, sizeof(who[a].sess_hash), tok);
				else
					tok[0] = '\0';
				it_form_add(&body, "csrf", tok);
				expand(&fields, m->body, (enum actor)a, x);
				if (fields.len > 0) {
					buf_addch(&body, '&');
					buf_add(&body, fields.ptr, fields.len);
				}
				snap_take(&before);
			}
			http(&who[a], m->method, path.ptr, post ? body.ptr : NULL, &r);
			cells++;
			got[i][a] = r.status;
			if (m->want[a] == L) {
				ok = r.status == 303 && it_header(&r, "Location", &loc) == 1 &&
				    strncmp(loc.ptr, "/login", 6) == 0;
				if (r.status == 303 && !ok)
					got[i][a] = 3030;	/* a 303 elsewhere */
			} else
				ok = r.status == m->want[a];
			want_text(w, sizeof(w), m->want[a]);
			if (!ok) {
				fails++;
				printf("  MISMATCH  %-4s %-44.44s as %-11s want %-9s got %ld%s\n",
				    m->method, path.ptr, actor_names[a], w, r.status,
				    got[i][a] == 3030 ? " (not to /login)" : "");
			}
			IT_CHECK(ok, "%s %s as %s: want %s, got %ld", m->method, path.ptr,
			    actor_names[a], w, r.status);
			if (is_html(&r))
				IT_CHECK(it_csp_ok(&r), "%s %s as %s: an HTML answer without a CSP "
				    "that forbids inline scripts", m->method, path.ptr,
				    actor_names[a]);
			if (strncmp(path.ptr, "/share/", 7) == 0 && r.status == 200 && is_html(&r))
				IT_CHECK(confined(&r), "%s %s as %s: a shared page links to /dash/, "
				    "/sharing or names another site", m->method, path.ptr,
				    actor_names[a]);
			if (post) {
				eff = effect_seen(m, x, &r);
				snap_take(&after);
				if (m->eff == EFF_UNLOCK)
					/* Only the password link has something to unlock. */
					IT_CHECK(eff == (ok && r.status == 303 &&
					    strstr(path.ptr, pw.tok) != NULL) &&
					    memcmp(&before, &after, sizeof(before)) == 0,
					    "%s %s as %s: unlock cookie %s", m->method, path.ptr,
					    actor_names[a], eff ? "set" : "not set");
				else if (ok && allowed(m->want[a]))
					IT_CHECK(eff, "%s %s as %s: allowed (%ld) but the change is "
					    "not in the database", m->method, path.ptr,
					    actor_names[a], r.status);
				else
					IT_CHECK(!eff && memcmp(&before, &after, sizeof(before)) == 0,
					    "%s %s as %s: refused (%ld) but rows changed", m->method,
					    path.ptr, actor_names[a], r.status);
			}
			it_resp_free(&r);
			tmp_clean(m->tmp, x);
		}
	}
	/* The whole table, as run: "want/got" only where they differ. */
	printf("\n  %-4s %-44s", "", "route");
	for (a = 0; a < ACTOR__MAX; a++)
		printf(" %-9.9s", actor_names[a]);
	printf("\n");
	for (i = 0; i < NROWS; i++) {
		printf("  %-4s %-44.44s", matrix[i].method, matrix[i].path);
		for (a = 0; a < ACTOR__MAX; a++) {
			want_text(w, sizeof(w), matrix[i].want[a]);
			if (got[i][a] != matrix[i].want[a] &&
			    !(matrix[i].want[a] == L && got[i][a] == 303))
				snprintf(cell, sizeof(cell), "%s/%ld", w, got[i][a]);
			else
				snprintf(cell, sizeof(cell), "%s", w);
			printf(" %-9s", cell);
		}
		printf("\n");
	}
	printf("  %zu rows x %d actors = %zu cells, %d differ\n", NROWS, ACTOR__MAX, cells,
	    fails);
	buf_release(&path);
	buf_release(&body);
	buf_release(&fields);
	buf_release(&loc);
}

static void
test_fixture_intact(void)
{
	if (!fixture_ok)
		return;
	IT_CHECK(count2(STMT_GOAL_EXISTS, goal1, site_a) == 1 &&
	    count2(STMT_GOAL_EXISTS, goal2, site_a) == 1, "A's goals still there");
	IT_CHECK(count2(STMT_FUNNEL_EXISTS, funnel1, site_a) == 1 &&
	    count1(STMT_FUNNEL_STEPS, funnel1) == 2, "A's funnel still there, two steps");
	IT_CHECK(count1(STMT_LINK_LIVE, plain.id) == 1 && count1(STMT_LINK_LIVE, pw.id) == 1 &&
	    count1(STMT_LINK_LIVE, revoked.id) == 0, "A's links: two live, one revoked");
	IT_CHECK(count1(STMT_KEY_LIVE, key_ids[KEY_A]) == 1 &&
	    count1(STMT_KEY_LIVE, key_ids[KEY_B]) == 1 &&
	    count1(STMT_KEY_LIVE, key_ids[KEY_OLD]) == 0, "the keys as they were");
	IT_CHECK(count2(STMT_ROLE_OF, org_a, users[OWNER]) == 1 &&
	    count2(STMT_ROLE_OF, org_a, users[ADMIN]) == 2 &&
	    count2(STMT_ROLE_OF, org_a, users[VIEWER]) == 3 &&
	    count2(STMT_ROLE_OF, org_a, users[OTHER]) == 0, "A's roles unchanged, B's owner not in A");
	IT_CHECK(count1(STMT_COUNT_GOALS, site_a) == 2 && count1(STMT_COUNT_FUNNELS, site_a) == 1 &&
	    count1(STMT_COUNT_LINKS, site_a) == 3 && count1(STMT_COUNT_GOALS, site_b) == 0 &&
	    count1(STMT_COUNT_LINKS, site_b) == 0,
	    "no goal, funnel or link left over from the matrix");
}

/* Another organisation's site is answered byte for byte like a missing one. */
static void
test_foreign_is_missing(void)
{
	static const char *const subs[] = { "", "/pages.csv", "/sharing", "/goals" };
	struct it_resp foreign, missing;
	struct buf p1 = BUF_INIT, p2 = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		buf_reset(&p1);
		buf_reset(&p2);
		buf_addf(&p1, "/dash/%lld%s", site_a, subs[i]);
		buf_addf(&p2, "/dash/" MISSING_ID "%s", subs[i]);
		http(&who[OTHER], "GET", p1.ptr, NULL, &foreign);
		http(&who[OTHER], "GET", p2.ptr, NULL, &missing);
		IT_CHECK(foreign.status == 404 && missing.status == 404 &&
		    foreign.body.len == missing.body.len &&
		    memcmp(foreign.body.ptr, missing.body.ptr, foreign.body.len) == 0,
		    "%s as B's owner (%ld) answers like %s (%ld)", p1.ptr, foreign.status,
		    p2.ptr, missing.status);
		it_resp_free(&foreign);
		it_resp_free(&missing);
	}
	buf_reset(&p1);
	buf_addf(&p1, "/api/v1/stats/aggregate?site_id=%lld", site_a);
	http(&who[KEY_B], "GET", p1.ptr, NULL, &foreign);
	http(&who[KEY_B], "GET", "/api/v1/stats/aggregate?site_id=" MISSING_ID, NULL, &missing);
	IT_CHECK(foreign.status == 404 && missing.status == 404 &&
	    strcmp(foreign.body.ptr, missing.body.ptr) == 0,
	    "A's site with B's key (%ld %s) answers like a missing site (%ld %s)",
	    foreign.status, foreign.body.ptr, missing.status, missing.body.ptr);
	it_resp_free(&foreign);
	it_resp_free(&missing);
	buf_release(&p1);
	buf_release(&p2);
}

/*
 * docs/api.md: a missing header, another scheme, a malformed key, an
 * unknown and a revoked key get the same 401, as JSON with a challenge;
 * the scheme's name is case-insensitive, and both scopes read.
 */
static void
test_api_keys(void)
{
	/* Another scheme (twice: the key itself under another name), malformed, empty. */
	static const char *const auths[] = { "Basic dXNlcjpwYXNz", "Token ", "Bearer tr_x",
	    "Bearer" };
	struct who unknown;
	struct it_req rq;
	struct it_resp r[3 + 4], ok;
	struct buf path = BUF_INIT, v = BUF_INIT, hdr = BUF_INIT;
	json_object *o, *e;
	char secret[44], admin_key[80];
	unsigned char hash[CRYPT_SHA256_LEN];
	struct db_args a = DB_ARGS_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	/* A well-formed key that was never made. */
	memset(&unknown, 0, sizeof(unknown));
	it_token(secret, 43);
	snprintf(unknown.bearer, sizeof(unknown.bearer), "tr_00000000_%s", secret);
	buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld", site_a);
	http(&who[ANON], "GET", path.ptr, NULL, &r[0]);
	http(&who[KEY_OLD], "GET", path.ptr, NULL, &r[1]);
	http(&unknown, "GET", path.ptr, NULL, &r[2]);
	for (i = 0; i < 4; i++) {
		memset(&rq, 0, sizeof(rq));
		rq.path = path.ptr;
		buf_reset(&hdr);
		buf_adds(&hdr, "Authorization: ");
		buf_adds(&hdr, auths[i]);
		if (strcmp(auths[i], "Token ") == 0)
			buf_adds(&hdr, who[KEY_A].bearer);
		rq.extra[0] = hdr.ptr;
		if (it_http(&rq, &r[3 + i]) == -1)
			r[3 + i].status = 0;
	}
	for (i = 0; i < 3 + 4; i++) {
		o = it_json(&r[i]);
		IT_CHECK(r[i].status == 401 && o != NULL &&
		    json_object_object_get_ex(o, "error", &e) &&
		    json_object_is_type(e, json_type_string) &&
		    it_header(&r[i], "WWW-Authenticate", &v) == 1 &&
		    strncmp(v.ptr, "Bearer", 6) == 0 &&
		    strcmp(r[i].body.ptr, r[0].body.ptr) == 0,
		    "refusal %zu: %ld %s, want the same 401 JSON with a Bearer challenge", i,
		    r[i].status, r[i].body.ptr);
		json_object_put(o);
	}
	for (i = 0; i < 3 + 4; i++)
		it_resp_free(&r[i]);

	/* "bearer" in lower case; an admin-scope key reads too. */
	memset(&rq, 0, sizeof(rq));
	rq.path = path.ptr;
	buf_reset(&hdr);
	buf_addf(&hdr, "Authorization: bearer %s", who[KEY_A].bearer);
	rq.extra[0] = hdr.ptr;
	(void)it_http(&rq, &ok);
	IT_CHECK(ok.status == 200, "scheme \"bearer\": %ld %s", ok.status, ok.body.ptr);
	it_resp_free(&ok);
	it_token(secret, 43);
	snprintf(admin_key, sizeof(admin_key), "tr_0a0b0c0d_%s", secret);
	crypt_sha256(admin_key, strlen(admin_key), hash);
	db_arg_int(&a, org_a);
	db_arg_blob(&a, hash, sizeof(hash));
	IT_CHECK(it_db_insert(db, STMT_KEY_ADD_ADMIN, &a) > 0, "an admin-scope key");
	buf_reset(&hdr);
	buf_addf(&hdr, "Authorization: Bearer %s", admin_key);
	(void)it_http(&rq, &ok);
	IT_CHECK(ok.status == 200, "an admin-scope key: %ld %s", ok.status, ok.body.ptr);
	it_resp_free(&ok);
	/* Never in the URL. */
	buf_reset(&hdr);
	buf_addf(&hdr, "/api/v1/stats/aggregate?site_id=%lld&key=%s", site_a, who[KEY_A].bearer);
	rq.path = hdr.ptr;
	(void)it_http(&rq, &ok);
	IT_CHECK(ok.status == 400, "a key in the URL: %ld %s", ok.status, ok.body.ptr);
	it_resp_free(&ok);
	db_args_free(&a);
	buf_release(&path);
	buf_release(&v);
	buf_release(&hdr);
}

/* Every page of a link, for its holder: that site's reports, nothing else. */
static void
test_link_confined(void)
{
	static const char *const subs[] = { "", "/realtime", "/goals", "/funnels", "/pages",
	    "/sources", "/events", "/props", "/entry-pages", "/countries" };
	struct it_resp r;
	struct buf path = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		buf_reset(&path);
		buf_addf(&path, "/share/%s%s", plain.tok, subs[i]);
		http(&who[LINK], "GET", path.ptr, NULL, &r);
		IT_CHECK(r.status == 200 && strstr(r.body.ptr, dom_a) != NULL,
		    "link page %s: %ld, naming its site", subs[i], r.status);
		IT_CHECK(strstr(r.body.ptr, "/dash/") == NULL, "link page %s links to /dash/",
		    subs[i]);
		IT_CHECK(strstr(r.body.ptr, dom_a2) == NULL && strstr(r.body.ptr, dom_b) == NULL,
		    "link page %s names another site", subs[i]);
		IT_CHECK(strstr(r.body.ptr, "/sharing") == NULL &&
		    strstr(r.body.ptr, "/goals/add") == NULL &&
		    strstr(r.body.ptr, "/funnels/add") == NULL &&
		    strstr(r.body.ptr, "/goals/delete") == NULL,
		    "link page %s shows an admin's link or form", subs[i]);
		IT_CHECK(headers_all(&r, "Referrer-Policy", "no-referrer"),
		    "link page %s: a Referrer-Policy other than no-referrer", subs[i]);
		it_resp_free(&r);
	}
	buf_release(&path);
}

/* A viewer's pages offer no admin's form or link; an admin's do. */
static void
test_viewer_sees_no_admin_forms(void)
{
	static const struct {
		const char	*sub;
		const char	*admin;		/* what only an admin's page holds */
	} pages[] = {
		{ "", "/sharing\"" },
		{ "/goals", "/goals/add?" },
		{ "/goals", "/goals/delete?" },
		{ "/funnels", "/funnels/add?" },
		{ "/funnels", "/funnels/delete?" },
		{ "/pages", "/sharing\"" },
	};
	struct it_resp r;
	struct buf path = BUF_INIT;
	size_t i;
	int a;

	if (!fixture_ok)
		return;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		buf_reset(&path);
		buf_addf(&path, "/dash/%lld%s", site_a, pages[i].sub);
		for (a = VIEWER; a <= ADMIN; a++) {
			http(&who[a], "GET", path.ptr, NULL, &r);
			IT_CHECK(r.status == 200 && (strstr(r.body.ptr, pages[i].admin) != NULL) ==
			    (a == ADMIN), "%s as %s: %ld, %s %s", path.ptr, actor_names[a],
			    r.status, pages[i].admin, a == ADMIN ? "missing" : "offered");
			it_resp_free(&r);
		}
	}
	buf_release(&path);
}

/* The password link: the form until unlocked, a wrong password unlocks nothing. */
static void
test_password_link(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, body = BUF_INIT, c = BUF_INIT, action = BUF_INIT;
	char tok[CSRF_TOKEN_MAX];

	if (!fixture_ok)
		return;
	buf_addf(&path, "/share/%s/pages", pw.tok);
	buf_addf(&action, "action=\"/share/%s/unlock\"", pw.tok);
	http(&who[LOCKED], "GET", path.ptr, NULL, &r);
	IT_CHECK(r.status == 401 && strstr(r.body.ptr, action.ptr) != NULL &&
	    strstr(r.body.ptr, "/hello") == NULL && strstr(r.body.ptr, dom_a) == NULL,
	    "locked: %ld, the password form and nothing of the site", r.status);
	it_resp_free(&r);

	share_csrf(pw.tok, tok);
	it_form_add(&body, "csrf", tok);
	it_form_add(&body, "password", "not the password");
	buf_reset(&path);
	buf_addf(&path, "/share/%s/unlock", pw.tok);
	http(&who[LOCKED], "POST", path.ptr, body.ptr, &r);
	IT_CHECK(r.status == 401 && !cookie_of(&r, SHARE_COOKIE, &c),
	    "a wrong password: %ld, %s", r.status, c.len ? "an unlock cookie" : "no cookie");
	it_resp_free(&r);

	/* The unlocked browser sees the reports; its cookie does not open the plain link's admin pages. */
	buf_reset(&path);
	buf_addf(&path, "/share/%s/pages", pw.tok);
	http(&who[UNLOCKED], "GET", path.ptr, NULL, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "/hello") != NULL,
	    "unlocked: %ld with the site's pages", r.status);
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&body);
	buf_release(&c);
	buf_release(&action);
}

static int
suite_init(void)
{
	char *p;

	it_token(rnd, 8);
	for (p = rnd; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = 'x';
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return it_app_key(&conf, app_key);
}

static int
suite_clean(void)
{
	int i;

	for (i = 0; i < ACTOR__MAX; i++)
		buf_release(&who[i].unlock);
	crypt_wipe(app_key, sizeof(app_key));
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "A (viewer, admin, owner, two sites), B, links, keys", test_fixture },
		{ "every route against every actor", test_matrix },
		{ "A's objects are as they were", test_fixture_intact },
		{ "another organisation's site answers like a missing one", test_foreign_is_missing },
		{ "API keys: refusals alike, schemes, scopes", test_api_keys },
		{ "a link's pages show its site only", test_link_confined },
		{ "a password link before and after unlocking", test_password_link },
		{ "a viewer's pages offer no admin's form", test_viewer_sees_no_admin_forms },
	};

	log_init("test_dash_access", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("dash_access", suite_init, suite_clean, tests,
	    sizeof(tests) / sizeof(tests[0]));
}
