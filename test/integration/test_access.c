/*
 * The access-control matrix of trackr-account: every route of its table
 * (GET and POST apart) against six actors (anonymous, a viewer, an admin
 * and the owner of organisation A, the owner of organisation B, and a
 * staff user of organisation C), each cell the status it must answer.
 * POSTs carry the actor's valid CSRF token, so the role is what decides.
 * Objects of A are named by their ids; B's member and staff must get 404
 * for them, exactly like a missing id.  Staff has no extra rights.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "pass.h"
#include "session.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define IFACE		"127.0.8.1"	/* throttle counters of its own */

enum actor { ANON, VIEWER, ADMIN, OWNER, OTHER, STAFF, ACTOR__MAX };

static const char *const actor_names[ACTOR__MAX] = {
	"anonymous", "viewer", "admin", "owner", "other-org", "staff",
};

/*
 * Expected statuses beyond plain numbers: LOGIN is a 303 whose Location
 * starts with /login (the front door's answer without a session); SKIP
 * marks an allowed write that would destroy the fixture (its refusal
 * cells are still checked).
 */
#define LOGIN	1303
#define SKIP	0

/* What "{}" (and "{2}") in a row's path or body stand for, made per cell. */
enum arg {
	ARG_NONE,
	ARG_SITE,		/* the fixture site of A: id, domain */
	ARG_SITE_MISSING,	/* an id no site has */
	ARG_SITE_TMP,		/* a throwaway site of A: id, domain */
	ARG_KEY_TMP,		/* a throwaway API key of A */
	ARG_INVITE_TMP,		/* a throwaway pending invitation of A */
	ARG_INVITE_TOKEN,	/* the fixture invitation's clear token (to someone else) */
	ARG_MEMBER_TMP,		/* a throwaway viewer of A: user id */
	ARG_VIEWER_ID,		/* the viewer's user id */
	ARG_ORG_A,		/* A's id */
	ARG_SESSION_TMP,	/* a spare session of A's owner */
	ARG_EMAIL_NEW,		/* an address nobody has */
	ARG_DOMAIN_NEW,		/* a domain no site has */
};

/* What to put back after the cell, so the next one finds the fixture. */
enum after {
	AFTER_NONE,
	AFTER_HOME,		/* switch the session back to the actor's organisation */
	AFTER_RELOGIN,		/* log in again (after logout) */
	AFTER_CSRF,		/* the session has a new token: read its forms' token again */
	AFTER_OWNER_BACK,	/* A's owner is owner again, the throwaway member gone */
	AFTER_DROP_MEMBER,	/* the throwaway member gone, where it was refused */
};

struct row {
	const char	*method;
	const char	*path;
	const char	*body;	/* POST fields without the token */
	enum arg	 arg;
	enum after	 after;
	int		 want[ACTOR__MAX];	/* anon viewer admin owner other staff */
};

/*
 * The matrix.  One row per route and method of cgi/account/main.c, in its
 * order; expectations from ARCHITECTURE.md's permission table.  Reading
 * aids: other and staff own organisations of their own, so a route about
 * "the session's organisation" (no id) is theirs to use there (200/303),
 * while A's ids answer them 404.  A cell that a handler refuses for a
 * row's reason (409, 422, 400) shows the route let the actor through.
 */
static const struct row matrix[] = {
	{ "GET", "/signup", NULL, ARG_NONE, AFTER_NONE,
	    { 200, 200, 200, 200, 200, 200 } },
	{ "POST", "/signup", "email=&org=&password=", ARG_NONE, AFTER_NONE,
	    { 422, 422, 422, 422, 422, 422 } },
	{ "GET", "/verify", NULL, ARG_NONE, AFTER_NONE,
	    { 400, 400, 400, 400, 400, 400 } },
	{ "GET", "/login", NULL, ARG_NONE, AFTER_NONE,
	    { 200, 200, 200, 200, 200, 200 } },
	/* A wrong password for an unknown address: each cell its own throttle pair. */
	{ "POST", "/login", "email={}&password=wrong%20password%20here", ARG_EMAIL_NEW,
	    AFTER_NONE, { 401, 401, 401, 401, 401, 401 } },
	{ "POST", "/logout", "", ARG_NONE, AFTER_RELOGIN,
	    { LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN } },
	{ "GET", "/forgot", NULL, ARG_NONE, AFTER_NONE,
	    { 200, 200, 200, 200, 200, 200 } },
	{ "POST", "/forgot", "email=not-an-address", ARG_NONE, AFTER_NONE,
	    { 422, 422, 422, 422, 422, 422 } },
	{ "GET", "/reset", NULL, ARG_NONE, AFTER_NONE,
	    { 400, 400, 400, 400, 400, 400 } },
	{ "POST", "/reset", "password=", ARG_NONE, AFTER_NONE,
	    { 400, 400, 400, 400, 400, 400 } },
	{ "GET", "/account", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	/* A session of A's owner: only that user may end it. */
	{ "POST", "/account/sessions/end", "session={}", ARG_SESSION_TMP, AFTER_NONE,
	    { LOGIN, 404, 404, 303, 404, 404 } },
	{ "GET", "/account/2fa", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	{ "POST", "/account/2fa/setup", "", ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	{ "POST", "/account/2fa/enable", "code=x", ARG_NONE, AFTER_NONE,
	    { LOGIN, 422, 422, 422, 422, 422 } },
	/* Drops the pending secret that setup made. */
	{ "POST", "/account/2fa/disable", "password=" "correct%20horse%20battery%20staple%20%E2%9C%93",
	    ARG_NONE, AFTER_NONE, { LOGIN, 303, 303, 303, 303, 303 } },
	{ "POST", "/account/2fa/recovery", "", ARG_NONE, AFTER_NONE,
	    { LOGIN, 409, 409, 409, 409, 409 } },
	/* NEED_OWNER: an admin could turn the requirement off. */
	{ "POST", "/account/2fa/require", "require=0", ARG_NONE, AFTER_NONE,
	    { LOGIN, 403, 403, 303, 303, 303 } },
	{ "GET", "/account/login-2fa", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN } },
	{ "POST", "/account/login-2fa", "code=123456", ARG_NONE, AFTER_NONE,
	    { 400, 400, 400, 400, 400, 400 } },
	{ "GET", "/account/org", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	{ "POST", "/account/org/invite", "email={}&role=viewer", ARG_EMAIL_NEW, AFTER_NONE,
	    { LOGIN, 403, 303, 303, 303, 303 } },
	{ "POST", "/account/org/revoke", "invite={}", ARG_INVITE_TMP, AFTER_NONE,
	    { LOGIN, 403, 303, 303, 404, 404 } },
	/* The viewer's role set to what it is: allowed, and changes nothing. */
	{ "POST", "/account/org/role", "member={}&role=viewer", ARG_VIEWER_ID, AFTER_NONE,
	    { LOGIN, 403, 303, 303, 404, 404 } },
	{ "POST", "/account/org/remove", "member={}", ARG_MEMBER_TMP, AFTER_DROP_MEMBER,
	    { LOGIN, 403, 303, 303, 404, 404 } },
	/*
	 * Allowed to all, refused by the rows: the owner is A's last owner,
	 * other and staff their organisation's, and A is the viewer's and the
	 * admin's only organisation (create runs after this row).
	 */
	{ "POST", "/account/org/leave", "", ARG_NONE, AFTER_NONE,
	    { LOGIN, 409, 409, 409, 409, 409 } },
	{ "POST", "/account/org/transfer", "member={}&confirm=yes", ARG_MEMBER_TMP,
	    AFTER_OWNER_BACK, { LOGIN, 403, 403, 303, 404, 404 } },
	{ "POST", "/account/org/create", "org=Throwaway", ARG_NONE, AFTER_HOME,
	    { LOGIN, 303, 303, 303, 303, 303 } },
	{ "POST", "/account/org/switch", "org_id={}", ARG_ORG_A, AFTER_NONE,
	    { LOGIN, 303, 303, 303, 404, 404 } },
	/* The link works for anyone; accepting is bound to the invited address. */
	{ "GET", "/account/invite?token={}", NULL, ARG_INVITE_TOKEN, AFTER_NONE,
	    { 200, 200, 200, 200, 200, 200 } },
	{ "POST", "/account/invite", "token={}", ARG_INVITE_TOKEN, AFTER_NONE,
	    { LOGIN, 403, 403, 403, 403, 403 } },
	{ "GET", "/account/sites", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	{ "GET", "/account/sites/new", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 403, 200, 200, 200, 200 } },
	{ "POST", "/account/sites/new", "domain={}&timezone=UTC&origins=", ARG_DOMAIN_NEW,
	    AFTER_NONE, { LOGIN, 403, 303, 303, 303, 303 } },
	{ "GET", "/account/site?id={}", NULL, ARG_SITE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 404, 404 } },
	{ "GET", "/account/site?id={}", NULL, ARG_SITE_MISSING, AFTER_NONE,
	    { LOGIN, 404, 404, 404, 404, 404 } },
	{ "GET", "/account/site/edit?id={}", NULL, ARG_SITE, AFTER_NONE,
	    { LOGIN, 403, 200, 200, 404, 404 } },
	{ "POST", "/account/site/edit", "id={}&domain={2}&timezone=UTC&origins=", ARG_SITE,
	    AFTER_NONE, { LOGIN, 403, 303, 303, 404, 404 } },
	{ "GET", "/account/site/delete?id={}", NULL, ARG_SITE, AFTER_NONE,
	    { LOGIN, 403, 200, 200, 404, 404 } },
	{ "POST", "/account/site/delete", "id={}&confirm_domain={2}", ARG_SITE_TMP, AFTER_NONE,
	    { LOGIN, 403, 303, 303, 404, 404 } },
	{ "GET", "/account/keys", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 403, 200, 200, 200, 200 } },
	{ "POST", "/account/keys/new", "name=matrix&scope=read", ARG_NONE, AFTER_NONE,
	    { LOGIN, 403, 201, 201, 201, 201 } },
	{ "POST", "/account/keys/revoke", "id={}", ARG_KEY_TMP, AFTER_NONE,
	    { LOGIN, 403, 303, 303, 404, 404 } },
	{ "GET", "/account/settings", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	/* The same password again: allowed; the browser keeps a new session. */
	{ "POST", "/account/password", "password=" "correct%20horse%20battery%20staple%20%E2%9C%93"
	    "&new_password=" "correct%20horse%20battery%20staple%20%E2%9C%93", ARG_NONE,
	    AFTER_CSRF, { LOGIN, 303, 303, 303, 303, 303 } },
	{ "POST", "/account/email", "email={}&password="
	    "correct%20horse%20battery%20staple%20%E2%9C%93", ARG_EMAIL_NEW, AFTER_NONE,
	    { LOGIN, 303, 303, 303, 303, 303 } },
	{ "GET", "/account/email/confirm", NULL, ARG_NONE, AFTER_NONE,
	    { 400, 400, 400, 400, 400, 400 } },
	{ "GET", "/account/export", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	{ "GET", "/account/delete", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 200, 200, 200, 200, 200 } },
	/* Deleting would end the fixture: only the refusals (A's owner has members). */
	{ "POST", "/account/delete", "password=" "correct%20horse%20battery%20staple%20%E2%9C%93",
	    ARG_NONE, AFTER_NONE, { LOGIN, SKIP, SKIP, 409, SKIP, SKIP } },
	{ "GET", "/account/audit", NULL, ARG_NONE, AFTER_NONE,
	    { LOGIN, 403, 200, 200, 200, 200 } },
};
#define NROWS	(sizeof(matrix) / sizeof(matrix[0]))

enum stmt {
	STMT_ORG_ADD,
	STMT_USER_ADD,
	STMT_MEMBER_ADD,
	STMT_MEMBER_DELETE,
	STMT_ROLE_SET,
	STMT_ROLE_OF,
	STMT_MEMBERS_OF,
	STMT_SITE_ADD,
	STMT_SITE_INTACT,
	STMT_KEY_ADD,
	STMT_KEY_LIVE,
	STMT_INVITE_ADD,
	STMT_INVITE_PENDING,
	STMT_SESSION_ADD,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_USER_ADD] =
	    "INSERT INTO users (email, password_hash, email_verified_at, is_staff) "
	    "VALUES (?, ?, UTC_TIMESTAMP(), ?)",
	[STMT_MEMBER_ADD] = "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[STMT_MEMBER_DELETE] = "DELETE FROM org_members WHERE org_id = ? AND user_id = ?",
	[STMT_ROLE_SET] = "UPDATE org_members SET role = ? WHERE org_id = ? AND user_id = ?",
	[STMT_ROLE_OF] =
	    "SELECT FIELD(role, 'owner', 'admin', 'viewer') FROM org_members "
	    "WHERE org_id = ? AND user_id = ?",
	[STMT_MEMBERS_OF] = "SELECT COUNT(*) FROM org_members WHERE org_id = ?",
	[STMT_SITE_ADD] = "INSERT INTO sites (org_id, domain, site_key) VALUES (?, ?, ?)",
	[STMT_SITE_INTACT] =
	    "SELECT COUNT(*) FROM sites WHERE id = ? AND org_id = ? AND domain = ? AND enabled = 1",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope) "
	    "VALUES (?, 'matrix', ?, ?, 'read')",
	[STMT_KEY_LIVE] =
	    "SELECT COUNT(*) FROM api_keys WHERE id = ? AND org_id = ? AND revoked_at IS NULL",
	[STMT_INVITE_ADD] =
	    "INSERT INTO tokens (kind, token_hash, email, org_id, role, created_at, expires_at) "
	    "VALUES ('invite', ?, ?, ?, 'viewer', UTC_TIMESTAMP(), "
	    "UTC_TIMESTAMP() + INTERVAL 1 DAY)",
	[STMT_INVITE_PENDING] =
	    "SELECT COUNT(*) FROM tokens WHERE id = ? AND used_at IS NULL",
	[STMT_SESSION_ADD] =
	    "INSERT INTO user_sessions (token_hash, user_id, org_id, created_at, last_seen_at, "
	    "expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
	    "UTC_TIMESTAMP() + INTERVAL 1 DAY)",
};

/* A browser: its cookies and the CSRF token its forms carry. */
struct jar {
	struct buf	session;
	struct buf	pre;
	char		csrf[65];
};

static struct conf	conf;
static struct db	*db;
static char		 rnd[9];
static char		 emails[ACTOR__MAX][96];
static long long	 users[ACTOR__MAX], homes[ACTOR__MAX];	/* homes[OWNER] is A */
static struct jar	 jars[ACTOR__MAX];
static long long	 site_id, key_id, invite_id;
static char		 site_domain[96], invite_tok[SESSION_TOKEN_MAX];
static unsigned		 serial;	/* makes throwaway names unique */
static long		 got[sizeof(matrix) / sizeof(matrix[0])][ACTOR__MAX];

#define ORG_A	homes[OWNER]

/* ------------------------------------------------------------ HTTP */

/* 1 when needle occurs in [p, end). */
static int
line_has(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/* The value of cookie name from a Set-Cookie line of r into dst; emptied by Max-Age=0. */
static void
take_cookie(const struct it_resp *r, const char *name, struct buf *dst)
{
	const char *p = r->head.ptr, *eol, *v;
	size_t n = strlen(name);

	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (strncasecmp(p, "Set-Cookie: ", 12) != 0 ||
		    strncmp(p + 12, name, n) != 0 || p[12 + n] != '=')
			continue;
		v = p + 12 + n + 1;
		buf_reset(dst);
		if (!line_has(v, eol, "Max-Age=0"))
			buf_add(dst, v, strcspn(v, ";\r\n"));
	}
}

/* One request as the jar's browser sends it (a same-origin form for a POST). */
static void
http(struct jar *j, const char *method, const char *path, const char *body,
    struct it_resp *out)
{
	struct it_req rq;
	struct buf cookie = BUF_INIT;
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
	if (j->session.len > 0 || j->pre.len > 0) {
		buf_adds(&cookie, "Cookie: ");
		if (j->session.len > 0)
			buf_addf(&cookie, "__Host-trackr_session=%s; ", j->session.ptr);
		if (j->pre.len > 0)
			buf_addf(&cookie, "__Host-trackr_pre=%s", j->pre.ptr);
		rq.extra[k++] = cookie.ptr;
	}
	rq.extra[k] = NULL;
	if (it_http(&rq, out) == -1)
		out->status = 0;
	take_cookie(out, "__Host-trackr_session", &j->session);
	take_cookie(out, "__Host-trackr_pre", &j->pre);
	buf_release(&cookie);
}

/* The CSRF token of the first form of page into j->csrf; 1 when found. */
static int
csrf_from(struct jar *j, const char *page)
{
	static const char mark[] = "name=\"csrf\" value=\"";
	struct it_resp r;
	const char *p;
	int ok = 0;

	j->csrf[0] = '\0';
	http(j, "GET", page, NULL, &r);
	if (r.status == 200 && (p = strstr(r.body.ptr, mark)) != NULL &&
	    strspn(p + strlen(mark), "0123456789abcdef") == 64) {
		memcpy(j->csrf, p + strlen(mark), 64);
		j->csrf[64] = '\0';
		ok = 1;
	}
	it_resp_free(&r);
	return ok;
}


/* Log in through the real /login form, then take a token from /account; 1 when both worked. */
static int
login(struct jar *j, const char *email)
{
	struct it_resp r;
	struct buf f = BUF_INIT;
	int ok;

	buf_reset(&j->session);
	buf_reset(&j->pre);
	if (!csrf_from(j, "/login"))
		return 0;
	it_form_add(&f, "csrf", j->csrf);
	it_form_add(&f, "email", email);
	it_form_add(&f, "password", PASSWORD);
	http(j, "POST", "/login", f.ptr, &r);
	ok = r.status == 303 && j->session.len > 0;
	it_resp_free(&r);
	buf_release(&f);
	return ok && csrf_from(j, "/account");
}

/* ------------------------------------------------------------ rows */

static long long
db_insert(enum stmt s, struct db_args *a)
{
	unsigned long long id = 0;

	if (db_exec(db, db_stmt(db, s), a, NULL, &id) == -1)
		return -1;
	return (long long)id;
}

static long long
db_count1(enum stmt s, long long x)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, x);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
db_count2(enum stmt s, long long x, long long y)
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
org_add(const char *name)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_strz(&a, name);
	id = db_insert(STMT_ORG_ADD, &a);
	db_args_free(&a);
	return id;
}

/* A verified user (hash: the PHC string of PASSWORD, or anything for a throwaway). */
static long long
user_add(const char *email, const char *hash, int staff)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_strz(&a, email);
	db_arg_strz(&a, hash);
	db_arg_int(&a, staff);
	id = db_insert(STMT_USER_ADD, &a);
	db_args_free(&a);
	return id;
}

static int
member_set(enum stmt s, long long org, long long user, const char *role)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	if (s == STMT_ROLE_SET)
		db_arg_strz(&a, role);
	db_arg_int(&a, org);
	db_arg_int(&a, user);
	if (s == STMT_MEMBER_ADD)
		db_arg_strz(&a, role);
	rc = db_exec(db, db_stmt(db, s), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

static long long
site_add(long long org, const char *domain)
{
	struct db_args a = DB_ARGS_INIT;
	char key[23];
	long long id;

	it_token(key, 22);
	db_arg_int(&a, org);
	db_arg_strz(&a, domain);
	db_arg_strz(&a, key);
	id = db_insert(STMT_SITE_ADD, &a);
	db_args_free(&a);
	return id;
}

static long long
key_add(long long org)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char raw[33];
	long long id;

	it_token(raw, 32);
	crypt_sha256(raw, 32, hash);
	db_arg_int(&a, org);
	db_arg_str(&a, "0a1b2c3d", 8);
	db_arg_blob(&a, hash, sizeof(hash));
	id = db_insert(STMT_KEY_ADD, &a);
	db_args_free(&a);
	return id;
}

/* A pending invitation of org to email; its clear token into tok when tok is not NULL. */
static long long
invite_add(long long org, const char *email, char *tok)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char t[SESSION_TOKEN_MAX];
	long long id;

	it_token(t, SESSION_TOKEN_LEN);
	crypt_sha256(t, SESSION_TOKEN_LEN, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_strz(&a, email);
	db_arg_int(&a, org);
	id = db_insert(STMT_INVITE_ADD, &a);
	db_args_free(&a);
	if (tok != NULL)
		memcpy(tok, t, sizeof(t));
	return id;
}

static long long
session_add(long long user, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char t[SESSION_TOKEN_MAX];
	long long id;

	it_token(t, SESSION_TOKEN_LEN);
	crypt_sha256(t, SESSION_TOKEN_LEN, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, user);
	db_arg_int(&a, org);
	id = db_insert(STMT_SESSION_ADD, &a);
	db_args_free(&a);
	return id;
}

/* The cell's values for "{}" and "{2}"; 0 when a throwaway could not be made. */
static int
arg_make(enum arg arg, struct buf *v1, struct buf *v2)
{
	long long id = 0;

	buf_reset(v1);
	buf_reset(v2);
	serial++;
	switch (arg) {
	case ARG_NONE:
		return 1;
	case ARG_SITE:
		buf_addf(v1, "%lld", site_id);
		buf_adds(v2, site_domain);
		return 1;
	case ARG_SITE_MISSING:
		buf_adds(v1, "4294967295");
		return 1;
	case ARG_SITE_TMP:
		buf_addf(v2, "tmp-%u-%s.example.com", serial, rnd);
		id = site_add(ORG_A, v2->ptr);
		break;
	case ARG_KEY_TMP:
		id = key_add(ORG_A);
		break;
	case ARG_INVITE_TMP:
		buf_addf(v2, "tmp-invite-%u-%s@example.com", serial, rnd);
		id = invite_add(ORG_A, v2->ptr, NULL);
		break;
	case ARG_INVITE_TOKEN:
		buf_adds(v1, invite_tok);
		return 1;
	case ARG_MEMBER_TMP:
		buf_addf(v2, "tmp-member-%u-%s@example.com", serial, rnd);
		if ((id = user_add(v2->ptr, "!", 0)) > 0 &&
		    member_set(STMT_MEMBER_ADD, ORG_A, id, "viewer") == -1)
			id = -1;
		break;
	case ARG_VIEWER_ID:
		id = users[VIEWER];
		break;
	case ARG_ORG_A:
		id = ORG_A;
		break;
	case ARG_SESSION_TMP:
		id = session_add(users[OWNER], ORG_A);
		break;
	case ARG_EMAIL_NEW:
		buf_addf(v1, "new-%u-%s@example.com", serial, rnd);
		return 1;
	case ARG_DOMAIN_NEW:
		buf_addf(v1, "new-%u-%s.example.com", serial, rnd);
		return 1;
	}
	if (id <= 0)
		return 0;
	buf_addf(v1, "%lld", id);
	return 1;
}

/* fmt with "{}" and "{2}" replaced by v1 and v2 (URL-encoded when enc) into out. */
static void
expand(struct buf *out, const char *fmt, const struct buf *v1, const struct buf *v2, int enc)
{
	const struct buf *v;
	size_t skip;

	buf_reset(out);
	for (; *fmt; fmt++) {
		if (strncmp(fmt, "{}", 2) == 0)
			v = v1, skip = 1;
		else if (strncmp(fmt, "{2}", 3) == 0)
			v = v2, skip = 2;
		else {
			buf_addch(out, *fmt);
			continue;
		}
		if (enc)
			buf_add_url(out, v->ptr, v->len);
		else
			buf_add(out, v->ptr, v->len);
		fmt += skip;
	}
}

/* Put back what the cell changed; 1 when that worked. */
static int
after(enum after what, enum actor who, const struct buf *v1)
{
	struct it_resp r;
	struct buf f = BUF_INIT;
	int ok = 1;

	switch (what) {
	case AFTER_NONE:
		break;
	case AFTER_DROP_MEMBER:
		ok = member_set(STMT_MEMBER_DELETE, ORG_A, strtoll(v1->ptr, NULL, 10), NULL) == 0;
		break;
	case AFTER_HOME:
		if (who == ANON)
			break;
		it_form_add(&f, "csrf", jars[who].csrf);
		buf_addf(&f, "&org_id=%lld", homes[who]);
		http(&jars[who], "POST", "/account/org/switch", f.ptr, &r);
		ok = r.status == 303;
		it_resp_free(&r);
		break;
	case AFTER_RELOGIN:
		if (who != ANON)
			ok = login(&jars[who], emails[who]);
		break;
	case AFTER_CSRF:
		if (who != ANON)
			ok = csrf_from(&jars[who], "/account");
		break;
	case AFTER_OWNER_BACK:
		ok = member_set(STMT_ROLE_SET, ORG_A, users[OWNER], "owner") == 0 &&
		    member_set(STMT_MEMBER_DELETE, ORG_A, strtoll(v1->ptr, NULL, 10), NULL) == 0;
		break;
	}
	buf_release(&f);
	return ok;
}

static void
want_text(char *out, size_t n, int want)
{
	if (want == LOGIN)
		snprintf(out, n, "303>login");
	else if (want == SKIP)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%d", want);
}

/* ------------------------------------------------------------ tests */

static void
test_fixture(void)
{
	static const char *const roles[ACTOR__MAX] = { NULL, "viewer", "admin", "owner",
	    "owner", "owner" };
	char hash[PASS_ENCODED_MAX];
	struct buf name = BUF_INIT;
	int i;

	if (!IT_CHECK(pass_hash(PASSWORD, strlen(PASSWORD), hash) == 0, "argon2id hash"))
		return;
	/*
	 * A with owner, admin, viewer; B with its owner; C with the staff
	 * user: rows put in directly (sign-up and invitations have suites of
	 * their own), every session made by the real /login.
	 */
	homes[OWNER] = homes[ADMIN] = homes[VIEWER] = org_add("Matrix A");
	homes[OTHER] = org_add("Matrix B");
	homes[STAFF] = org_add("Matrix C");
	IT_CHECK(homes[OWNER] > 0 && homes[OTHER] > 0 && homes[STAFF] > 0,
	    "three organisations: %lld %lld %lld", homes[OWNER], homes[OTHER], homes[STAFF]);
	for (i = VIEWER; i < ACTOR__MAX; i++) {
		users[i] = user_add(emails[i], hash, i == STAFF);
		IT_CHECK(users[i] > 0 && member_set(STMT_MEMBER_ADD, homes[i], users[i],
		    roles[i]) == 0, "%s: user and membership", actor_names[i]);
	}
	buf_addf(&name, "site-%s.example.com", rnd);
	snprintf(site_domain, sizeof(site_domain), "%s", name.ptr);
	site_id = site_add(ORG_A, site_domain);
	key_id = key_add(ORG_A);
	buf_reset(&name);
	buf_addf(&name, "invitee-%s@example.com", rnd);
	invite_id = invite_add(ORG_A, name.ptr, invite_tok);
	IT_CHECK(site_id > 0 && key_id > 0 && invite_id > 0, "A's site, key and invitation");
	for (i = VIEWER; i < ACTOR__MAX; i++)
		IT_CHECK(login(&jars[i], emails[i]), "%s logs in through /login", actor_names[i]);
	IT_CHECK(csrf_from(&jars[ANON], "/login"), "anonymous: a pre-session token");
	crypt_wipe(hash, sizeof(hash));
	buf_release(&name);
}

static void
test_table_self_check(void)
{
	size_t i;

	/* Nothing grants staff anything yet: staff is any outsider, cell for cell. */
	for (i = 0; i < NROWS; i++)
		IT_CHECK(matrix[i].want[STAFF] == matrix[i].want[OTHER],
		    "%s %s: the staff column differs from the outsider's", matrix[i].method,
		    matrix[i].path);
}

static void
test_matrix(void)
{
	struct buf v1 = BUF_INIT, v2 = BUF_INIT, path = BUF_INIT, body = BUF_INIT, loc = BUF_INIT;
	struct it_resp r;
	char w[16], cell[32];
	size_t i;
	int a, ok, fails = 0;

	for (i = 0; i < NROWS; i++) {
		const struct row *m = &matrix[i];

		for (a = 0; a < ACTOR__MAX; a++) {
			got[i][a] = -1;
			if (m->want[a] == SKIP)
				continue;
			if (!arg_make(m->arg, &v1, &v2)) {
				IT_CHECK(0, "%s %s as %s: the throwaway object could not be made",
				    m->method, m->path, actor_names[a]);
				continue;
			}
			expand(&path, m->path, &v1, &v2, 1);
			if (m->body != NULL) {
				buf_reset(&body);
				it_form_add(&body, "csrf", jars[a].csrf);
				expand(&loc, m->body, &v1, &v2, 1);
				if (loc.len > 0) {
					buf_addch(&body, '&');
					buf_add(&body, loc.ptr, loc.len);
				}
			}
			http(&jars[a], m->method, path.ptr, m->body ? body.ptr : NULL, &r);
			got[i][a] = r.status;
			if (m->want[a] == LOGIN) {
				ok = r.status == 303 && it_header(&r, "Location", &loc) == 1 &&
				    strncmp(loc.ptr, "/login", 6) == 0;
				if (r.status == 303 && !ok)
					got[i][a] = 3030;	/* a 303 elsewhere */
			} else
				ok = r.status == m->want[a];
			want_text(w, sizeof(w), m->want[a]);
			if (!ok) {
				fails++;
				printf("  MISMATCH  %-4s %-28s as %-9s  want %-9s got %ld%s\n",
				    m->method, path.ptr, actor_names[a], w, r.status,
				    got[i][a] == 3030 ? " (not to /login)" : "");
			}
			IT_CHECK(ok, "%s %s as %s: want %s, got %ld", m->method, path.ptr,
			    actor_names[a], w, r.status);
			it_resp_free(&r);
			IT_CHECK(after(m->after, (enum actor)a, &v1), "%s %s as %s: putting back",
			    m->method, m->path, actor_names[a]);
		}
	}
	/* The whole table, as run: "want/got" only where they differ. */
	printf("\n  %-5s %-28s", "", "route");
	for (a = 0; a < ACTOR__MAX; a++)
		printf(" %-9s", actor_names[a]);
	printf("\n");
	for (i = 0; i < NROWS; i++) {
		printf("  %-5s %-28s", matrix[i].method, matrix[i].path);
		for (a = 0; a < ACTOR__MAX; a++) {
			want_text(w, sizeof(w), matrix[i].want[a]);
			if (matrix[i].want[a] != SKIP && got[i][a] != matrix[i].want[a] &&
			    !(matrix[i].want[a] == LOGIN && got[i][a] == 303))
				snprintf(cell, sizeof(cell), "%s/%ld", w, got[i][a]);
			else
				snprintf(cell, sizeof(cell), "%s", w);
			printf(" %-9s", cell);
		}
		printf("\n");
	}
	printf("  %d cell(s) differ\n", fails);
	buf_release(&v1);
	buf_release(&v2);
	buf_release(&path);
	buf_release(&body);
	buf_release(&loc);
}

static void
test_fixture_intact(void)
{
	struct db_args a = DB_ARGS_INIT;

	/* The outsiders' 404s changed nothing of A; the allowed cells were put back. */
	db_arg_int(&a, site_id);
	db_arg_int(&a, ORG_A);
	db_arg_strz(&a, site_domain);
	IT_CHECK(it_db_int(db, STMT_SITE_INTACT, &a, 0) == 1, "A's site unchanged and enabled");
	db_args_free(&a);
	IT_CHECK(db_count2(STMT_KEY_LIVE, key_id, ORG_A) == 1, "A's key still live");
	IT_CHECK(db_count1(STMT_INVITE_PENDING, invite_id) == 1,
	    "A's invitation still pending: nobody else could accept it");
	IT_CHECK(db_count2(STMT_ROLE_OF, ORG_A, users[OWNER]) == 1 &&
	    db_count2(STMT_ROLE_OF, ORG_A, users[ADMIN]) == 2 &&
	    db_count2(STMT_ROLE_OF, ORG_A, users[VIEWER]) == 3, "A's roles unchanged");
	IT_CHECK(db_count2(STMT_ROLE_OF, ORG_A, users[OTHER]) == 0 &&
	    db_count2(STMT_ROLE_OF, ORG_A, users[STAFF]) == 0 &&
	    db_count1(STMT_MEMBERS_OF, ORG_A) == 3, "nobody joined A");
}

/* Tenant isolation: another organisation's site is answered byte for byte like a missing one. */
static void
test_foreign_is_missing(void)
{
	struct it_resp foreign, missing;
	struct buf path = BUF_INIT;

	buf_addf(&path, "/account/site?id=%lld", site_id);
	http(&jars[OTHER], "GET", path.ptr, NULL, &foreign);
	http(&jars[OTHER], "GET", "/account/site?id=4294967295", NULL, &missing);
	IT_CHECK(foreign.status == 404 && missing.status == 404 &&
	    foreign.body.len == missing.body.len &&
	    memcmp(foreign.body.ptr, missing.body.ptr, foreign.body.len) == 0,
	    "A's site as B's owner (%ld) answers like a missing id (%ld)", foreign.status,
	    missing.status);
	it_resp_free(&foreign);
	it_resp_free(&missing);
	buf_release(&path);
}

static int
suite_init(void)
{
	int i;

	it_token(rnd, 8);
	for (char *p = rnd; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = 'x';
	for (i = VIEWER; i < ACTOR__MAX; i++)
		snprintf(emails[i], sizeof(emails[i]), "matrix-%s-%s@example.com",
		    actor_names[i], rnd);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	int i;

	for (i = 0; i < ACTOR__MAX; i++) {
		buf_release(&jars[i].session);
		buf_release(&jars[i].pre);
	}
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "A (owner, admin, viewer, site, key), B, staff in C; logins", test_fixture },
		{ "the staff column is the outsider's", test_table_self_check },
		{ "every route against every actor", test_matrix },
		{ "A's objects are as they were", test_fixture_intact },
		{ "another organisation's site answers like a missing one", test_foreign_is_missing },
	};

	log_init("test_access", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("access", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
