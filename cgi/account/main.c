/*
 * trackr-account: sign-up, email verification, login and logout,
 * password reset, and the account page with the user's sessions.
 *
 *   GET  POST /signup		new user, organisation and owner membership
 *   GET       /verify?token=	confirms the email address (single use)
 *   GET  POST /login		with ?next= (a local path only)
 *   POST      /logout
 *   GET  POST /forgot		asks for a reset link (same answer for any email)
 *   GET  POST /reset?token=	sets a new password, ends every session
 *   GET       /account		the user, organisation and active sessions
 *   POST      /account/sessions/end
 *
 * Every route is settled in front(): method and path, the database
 * connection, the session (for NEED_LOGIN routes), the form body and its
 * CSRF token and Origin (every POST).  Handlers never re-check who the
 * user is.  Pages are templates under templates/account/; no JavaScript.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "crypt.h"
#include "csrf.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "pass.h"
#include "secure.h"
#include "server.h"
#include "session.h"
#include "tpl.h"
#include "ua.h"
#include "valid.h"

#define FORM_MAX_BODY	(16 * 1024)
#define FORM_MAX_PAIRS	16
#define EMAIL_MAX	254
#define ORG_NAME_MAX	200	/* code points */
#define VERIFY_SECONDS	(48 * 3600)
#define RESET_SECONDS	3600
/*
 * Throttling, in one window of THROTTLE_WINDOW seconds: PAIR_LIMIT failed
 * logins for one email from one client, CLIENT_LIMIT from one client for
 * any email.  Nothing counts per account alone, so an attacker elsewhere
 * cannot lock the real user out; guessing from many addresses is slowed
 * by argon2id and, later, by 2FA.
 */
#define THROTTLE_WINDOW	(15 * 60)
#define PAIR_LIMIT	5
#define CLIENT_LIMIT	50
#define FORGOT_LIMIT	10	/* reset requests per client per window */
#define SIGNUP_LIMIT	10	/* sign-ups per client per window (argon2id and mail cost) */

enum stmt {
	STMT_ORG_ADD = SESS_STMT__MAX,
	STMT_USER_ADD,
	STMT_MEMBER_ADD,
	STMT_USER_BY_EMAIL,
	STMT_USER_FIRST_ORG,
	STMT_USER_VERIFY,
	STMT_USER_SET_PASSWORD,
	STMT_TOKEN_ADD,
	STMT_TOKEN_VOID,
	STMT_TOKEN_FIND,
	STMT_TOKEN_USE,
	STMT_THROTTLE_GET,
	STMT_THROTTLE_FAIL,
	STMT_THROTTLE_CLEAR,
	STMT_AUDIT_ADD,
	STMT_SESSIONS_OF_USER,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	SESSION_STMTS,
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_USER_ADD] = "INSERT INTO users (email, password_hash) VALUES (?, ?)",
	[STMT_MEMBER_ADD] =
	    "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[STMT_USER_BY_EMAIL] =
	    "SELECT id, password_hash, email_verified_at IS NOT NULL FROM users "
	    "WHERE email = ?",
	[STMT_USER_FIRST_ORG] =
	    "SELECT org_id FROM org_members WHERE user_id = ? "
	    "ORDER BY created_at, org_id LIMIT 1",
	[STMT_USER_VERIFY] =
	    "UPDATE users SET email_verified_at = UTC_TIMESTAMP() "
	    "WHERE id = ? AND email_verified_at IS NULL",
	[STMT_USER_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?, password_changed_at = UTC_TIMESTAMP(), "
	    "email_verified_at = COALESCE(email_verified_at, UTC_TIMESTAMP()) WHERE id = ?",
	[STMT_TOKEN_ADD] =
	    "INSERT INTO tokens (kind, token_hash, user_id, email, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	[STMT_TOKEN_VOID] =
	    "DELETE FROM tokens WHERE user_id = ? AND kind = ?",
	[STMT_TOKEN_FIND] =
	    "SELECT id, user_id FROM tokens WHERE token_hash = ? AND kind = ? "
	    "AND used_at IS NULL AND expires_at > UTC_TIMESTAMP()",
	[STMT_TOKEN_USE] =
	    "UPDATE tokens SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at IS NULL "
	    "AND expires_at > UTC_TIMESTAMP()",
	[STMT_THROTTLE_GET] =
	    "SELECT failures FROM login_throttle WHERE key_hash = ? "
	    "AND window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND",
	[STMT_THROTTLE_FAIL] =
	    "INSERT INTO login_throttle (key_hash, failures, window_start) "
	    "VALUES (?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE "
	    "failures = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, failures + 1, 1), "
	    "window_start = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, "
	    "window_start, UTC_TIMESTAMP())",
	[STMT_THROTTLE_CLEAR] = "DELETE FROM login_throttle WHERE key_hash = ?",
	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit_log (org_id, user_id, action, detail, ip, user_agent) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_SESSIONS_OF_USER] =
	    "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i UTC'), "
	    "DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i UTC'), user_agent, ip "
	    "FROM user_sessions WHERE user_id = ? AND expires_at > UTC_TIMESTAMP() "
	    "AND last_seen_at > UTC_TIMESTAMP() - INTERVAL ? SECOND "
	    "ORDER BY last_seen_at DESC, id DESC LIMIT 100",
};

/* Read-only after start-up. */
struct app {
	struct db_pool	*pool;
	struct tpl_set	*tpls;
	const char	*base_url;	/* for links in mail: never the Host header */
	struct buf	 origin;	/* base_url's origin, what same-site forms send */
	int		 https;		/* base_url is https (behind a TLS proxy, say) */
	unsigned char	 key[CRYPT_SHA256_LEN];	/* from secret_key */
};

/* Per request, on the serving thread; front() resets it every time. */
struct ctx {
	const struct app	*app;
	struct db		*db;
	struct session		 sess;
	int			 logged_in;
	int			 https;
	int			 secure_cookie;	/* https, or a loopback host */
	struct kvlist		 form;	/* the POST body's fields */
	struct buf		 pre;	/* the pre-session cookie's value, if any */
	struct buf		 tmp;
};

enum route_need {
	NEED_LOGIN	= 1u << 8,	/* a live session, else 303 to /login */
};

/* ------------------------------------------------------------ helpers */

static const char *
param(struct req *r, const char *name)
{
	const char *v = req_param(r, name);

	return v ? v : "";
}

/* A form field's value, or "" when absent. */
static const char *
field(struct ctx *c, const char *key, size_t *lenp)
{
	const char *v = kv_get(&c->form, key, lenp);

	if (v == NULL) {
		if (lenp)
			*lenp = 0;
		return "";
	}
	return v;
}

/* Code points in valid UTF-8. */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* "Firefox 128 on Linux" for the session list, from a stored User-Agent. */
static void
ua_summary(struct buf *out, const char *ua)
{
	struct ua_info u;

	buf_reset(out);
	ua_parse(ua, strlen(ua), &u);
	buf_adds(out, *u.browser ? u.browser : "Unknown browser");
	if (*u.browser && *u.browser_version)
		buf_addf(out, " %s", u.browser_version);
	if (*u.os)
		buf_addf(out, " on %s", u.os);
}

/* ASCII-lowercase an email in place and check its shape; 1 when usable. */
static int
email_normalise(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
	return n <= EMAIL_MAX && mail_valid_addr(s, n);
}

/* HMAC of a throttle key under the server key. */
static void
throttle_key(const struct ctx *c, struct req *r, const char *kind,
    const char *email, unsigned char out[CRYPT_SHA256_LEN])
{
	struct buf m = BUF_INIT;

	buf_addf(&m, "%s:%s|%s", kind, email ? email : "", param(r, "REMOTE_ADDR"));
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), m.ptr, m.len, out);
	buf_release(&m);
}

/* Failures in the current window for key; -1 on error. */
static long long
throttle_count(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN])
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	long long n = -1;
	int rc;

	db_arg_blob(&a, key, CRYPT_SHA256_LEN);
	db_arg_int(&a, THROTTLE_WINDOW);
	if (db_select_idx(c->db, STMT_THROTTLE_GET, &a, &res) == 0 &&
	    (rc = db_fetch(&res)) >= 0)
		n = rc == 1 ? db_col_int(&res, 0, 0) : 0;
	db_res_free(&res);
	db_args_free(&a);
	return n;
}

static void
throttle_fail(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN])
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_blob(&a, key, CRYPT_SHA256_LEN);
	db_arg_int(&a, THROTTLE_WINDOW);
	db_arg_int(&a, THROTTLE_WINDOW);
	(void)db_exec(c->db, db_stmt(c->db, STMT_THROTTLE_FAIL), &a, NULL, NULL);
	db_args_free(&a);
}

static void
throttle_clear(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN])
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_blob(&a, key, CRYPT_SHA256_LEN);
	(void)db_exec(c->db, db_stmt(c->db, STMT_THROTTLE_CLEAR), &a, NULL, NULL);
	db_args_free(&a);
}

/* One audit row; org and user may be 0 for none.  0 or -1. */
static int
audit(struct ctx *c, struct req *r, long long org, long long user,
    const char *action, const char *detail)
{
	struct db_args a = DB_ARGS_INIT;
	const char *ua = param(r, "HTTP_USER_AGENT"), *ip = param(r, "REMOTE_ADDR");
	int rc;

	if (org > 0)
		db_arg_int(&a, org);
	else
		db_arg_null(&a);
	if (user > 0)
		db_arg_int(&a, user);
	else
		db_arg_null(&a);
	db_arg_strz(&a, action);
	db_arg_str(&a, detail, valid_utf8_cut(detail, strlen(detail), 1000));
	db_arg_str(&a, ip, strlen(ip) > 45 ? 45 : strlen(ip));
	db_arg_str(&a, ua, valid_utf8(ua, strlen(ua)) ? valid_utf8_cut(ua, strlen(ua), 255) : 0);
	rc = db_exec(c->db, db_stmt(c->db, STMT_AUDIT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/*
 * A new single-use token of kind for user, voiding the user's older ones
 * of that kind; the clear token goes to tok (only its hash is stored).
 */
static int
token_issue(struct ctx *c, const char *kind, long long user, const char *email,
    int seconds, char tok[SESSION_TOKEN_MAX])
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	int rc = -1;

	if (session_token_new(tok, hash) == -1)
		return -1;
	db_arg_int(&a, user);
	db_arg_strz(&a, kind);
	if (db_exec(c->db, db_stmt(c->db, STMT_TOKEN_VOID), &a, NULL, NULL) == -1)
		goto out;
	db_args_reset(&a);
	db_arg_strz(&a, kind);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, user);
	db_arg_strz(&a, email);
	db_arg_int(&a, seconds);
	rc = db_exec(c->db, db_stmt(c->db, STMT_TOKEN_ADD), &a, NULL, NULL);
out:
	db_args_free(&a);
	return rc;
}

/* The live token of kind: 1 with its id and user, 0 when none, -1 on error. */
static int
token_find(struct ctx *c, const char *kind, const char *tok, size_t len,
    long long *id, long long *user)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	unsigned char hash[CRYPT_SHA256_LEN];
	int rc;

	if (session_token_hash(tok, len, hash) == -1)
		return 0;
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_strz(&a, kind);
	if ((rc = db_select_idx(c->db, STMT_TOKEN_FIND, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		*id = db_col_int(&res, 0, 0);
		*user = db_col_int(&res, 1, 0);
	}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* Spend a token: 1 when this call used it, 0 when someone else did first. */
static int
token_use(struct ctx *c, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n = 0;
	int rc;

	db_arg_int(&a, id);
	rc = db_exec(c->db, db_stmt(c->db, STMT_TOKEN_USE), &a, &n, NULL);
	db_args_free(&a);
	return rc == -1 ? -1 : n == 1;
}

/*
 * Render mail/<name>.txt and .html with link and queue them for to.
 * Inside the caller's transaction, so the mail exists exactly when the
 * change behind it was committed.
 */
static int
send_mail(struct ctx *c, const char *to, const char *subject, const char *name,
    const char *link)
{
	struct buf text = BUF_INIT, html = BUF_INIT, tname = BUF_INIT;
	json_object *view = json_object_new_object();
	int rc = -1;

	json_object_object_add(view, "link", json_object_new_string(link));
	json_object_object_add(view, "email", json_object_new_string(to));
	buf_init(&text, 64 * 1024);
	buf_init(&html, 64 * 1024);
	buf_addf(&tname, "mail/%s.txt", name);
	if (tpl_render(c->app->tpls, tname.ptr, view, &text, 0) == -1)
		goto out;
	buf_reset(&tname);
	buf_addf(&tname, "mail/%s.html", name);
	if (tpl_render(c->app->tpls, tname.ptr, view, &html, 0) == -1)
		goto out;
	rc = mail_enqueue(c->db, to, subject, text.ptr, html.ptr);
out:
	json_object_put(view);
	buf_release(&tname);
	buf_release(&html);
	buf_release(&text);
	return rc;
}

/* ------------------------------------------------------------- pages */

/*
 * A view with the layout's keys: title, user (when logged in), csrf.
 * The CSRF token is bound to the session, or to the pre-session cookie,
 * which is set here when the request has none.
 */
static json_object *
view_new(struct ctx *c, struct resp *resp, const char *title)
{
	json_object *v = json_object_new_object(), *u;
	char tok[CSRF_TOKEN_MAX], pre[SESSION_TOKEN_MAX];
	struct buf cookie = BUF_INIT;

	json_object_object_add(v, "title", json_object_new_string(title));
	if (c->logged_in) {
		u = json_object_new_object();
		json_object_object_add(u, "email", json_object_new_string(c->sess.email));
		json_object_object_add(u, "org", json_object_new_string(c->sess.org_name));
		json_object_object_add(u, "role", json_object_new_string(c->sess.role));
		json_object_object_add(v, "user", u);
		csrf_token(c->app->key, sizeof(c->app->key), "session", c->sess.hash,
		    sizeof(c->sess.hash), tok);
	} else {
		if (c->pre.len == 0 && crypt_token(pre, sizeof(pre), 16) == 0) {
			buf_adds(&c->pre, pre);
			/* A browser-session cookie: the anonymous forms' CSRF binding. */
			session_cookie_header(&cookie, CSRF_PRE_COOKIE, pre, c->secure_cookie, -1);
			resp_header(resp, "Set-Cookie", "%s", cookie.ptr);
		}
		csrf_token(c->app->key, sizeof(c->app->key), "pre", c->pre.ptr, c->pre.len, tok);
	}
	json_object_object_add(v, "csrf", json_object_new_string(tok));
	buf_release(&cookie);
	return v;
}

static void
view_str(json_object *v, const char *key, const char *val)
{
	json_object_object_add(v, key, json_object_new_string(val));
}

/* Render page with view (which it puts) as an HTML answer of status. */
static int
render(struct ctx *c, struct resp *resp, int status, const char *page, json_object *view)
{
	int rc;

	secure_html(resp, c->https);
	buf_reset(&resp->body);
	rc = tpl_render(c->app->tpls, page, view, &resp->body, 0);
	json_object_put(view);
	if (rc == -1) {
		buf_reset(&resp->body);
		buf_adds(&resp->body, "<!doctype html><title>Error</title><p>Internal error.</p>\n");
		return 500;
	}
	return status;
}

/* A page with a heading, one paragraph and an optional link. */
static int
message(struct ctx *c, struct resp *resp, int status, const char *title,
    const char *text, const char *link, const char *link_text)
{
	json_object *v = view_new(c, resp, title);

	view_str(v, "text", text);
	if (link != NULL) {
		view_str(v, "link", link);
		view_str(v, "link_text", link_text);
	}
	return render(c, resp, status, "account/message.html", v);
}

static int
redirect(struct resp *resp, const char *to)
{
	/* to is a fixed path or passed secure_local_path(). */
	resp_header(resp, "Location", "%s", to);
	resp_header(resp, "Cache-Control", "no-store");
	return 303;
}

static int
internal_error(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 500, "Something went wrong",
	    "The request could not be completed. Please try again in a moment.", NULL, NULL);
}

/* Set the session cookie (or delete it when tok is NULL). */
static void
set_session_cookie(struct ctx *c, struct resp *resp, const char *tok)
{
	struct buf h = BUF_INIT;

	session_cookie_header(&h, SESSION_COOKIE, tok ? tok : "", c->secure_cookie,
	    tok ? SESSION_MAX_SECONDS : 0);
	resp_header(resp, "Set-Cookie", "%s", h.ptr);
	buf_release(&h);
}

/* ---------------------------------------------------------- handlers */

static int
signup_form(struct ctx *c, struct resp *resp, int status, const char *error,
    const char *email, const char *org)
{
	json_object *v = view_new(c, resp, "Create your account");

	view_str(v, "error", error ? error : "");
	view_str(v, "email", email);
	view_str(v, "org", org);
	return render(c, resp, status, "account/signup.html", v);
}

/*
 * New user, organisation and owner membership in one transaction, with
 * the verification mail.  The user must verify before logging in.  An
 * email already registered gets the same page (and its owner a mail
 * saying so), so sign-up cannot tell who has an account.
 */
static int
h_signup(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf email = BUF_INIT, link = BUF_INIT;
	unsigned char kclient[CRYPT_SHA256_LEN];
	char hash[PASS_ENCODED_MAX] = "", tok[SESSION_TOKEN_MAX];
	const char *pw, *org;
	size_t pwlen, orglen, n;
	unsigned long long org_id = 0, user_id = 0;
	long long count;
	enum pass_check pc;
	int rc;

	if (r->method != METHOD_POST)
		return signup_form(c, resp, 200, NULL, "", "");
	pw = field(c, "password", &pwlen);
	org = field(c, "org", &orglen);
	buf_adds(&email, field(c, "email", &n));
	if (!email_normalise(email.ptr, email.len)) {
		rc = signup_form(c, resp, 422, "Enter a valid email address.", email.ptr, org);
		goto out;
	}
	if (orglen == 0 || !valid_text(org, orglen) || utf8_chars(org, orglen) > ORG_NAME_MAX) {
		rc = signup_form(c, resp, 422, "Enter your organisation's name "
		    "(up to 200 characters).", email.ptr, org);
		goto out;
	}
	if ((pc = pass_check(pw, pwlen)) != PASS_OK) {
		rc = signup_form(c, resp, 422, pass_check_text(pc), email.ptr, org);
		goto out;
	}
	throttle_key(c, r, "signup", NULL, kclient);
	if ((count = throttle_count(c, kclient)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	throttle_fail(c, kclient);
	if (count >= SIGNUP_LIMIT) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		rc = signup_form(c, resp, 429, "Too many sign-ups from your network. "
		    "Wait 15 minutes.", email.ptr, org);
		goto out;
	}
	if (pass_hash(pw, pwlen, hash) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (db_begin(c->db) == -1)
		goto fail;
	db_arg_str(&a, org, orglen);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_ADD), &a, NULL, &org_id) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_strz(&a, email.ptr);
	db_arg_strz(&a, hash);
	if (db_exec(c->db, db_stmt(c->db, STMT_USER_ADD), &a, NULL, &user_id) == -1) {
		if (db_errno(c->db) != 1062)	/* ER_DUP_ENTRY */
			goto fail;
		db_rollback(c->db);
		buf_addf(&link, "%s/forgot", c->app->base_url);
		if (db_begin(c->db) == -1 ||
		    audit(c, r, 0, 0, "signup.existing", "") == -1 ||
		    send_mail(c, email.ptr, "Your TrackR account", "exists", link.ptr) == -1 ||
		    db_commit(c->db) == -1)
			goto fail;
		goto done;
	}
	db_args_reset(&a);
	db_arg_uint(&a, org_id);
	db_arg_uint(&a, user_id);
	db_arg_strz(&a, "owner");
	if (db_exec(c->db, db_stmt(c->db, STMT_MEMBER_ADD), &a, NULL, NULL) == -1 ||
	    token_issue(c, "verify", (long long)user_id, email.ptr, VERIFY_SECONDS, tok) == -1)
		goto fail;
	buf_addf(&link, "%s/verify?token=%s", c->app->base_url, tok);
	crypt_wipe(tok, sizeof(tok));
	if (audit(c, r, (long long)org_id, (long long)user_id, "signup", "") == -1 ||
	    send_mail(c, email.ptr, "Confirm your email address for TrackR", "verify",
	    link.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
done:
	rc = message(c, resp, 200, "Check your inbox",
	    "We sent a link to confirm your email address. Follow it, then log in.",
	    "/login", "Go to the login page");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(hash, sizeof(hash));
	crypt_wipe(link.ptr, link.len);
	buf_release(&link);
	buf_release(&email);
	db_args_free(&a);
	return rc;
}

static int
h_verify(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	long long id = 0, user = 0;
	const char *tok;
	size_t len = 0;
	int rc;

	tok = kv_get(&r->args, "token", &len);
	if (db_begin(c->db) == -1)
		goto fail;
	switch (token_find(c, "verify", tok, len, &id, &user)) {
	case -1:
		goto fail;
	case 0:
		db_rollback(c->db);
		rc = message(c, resp, 400, "Link expired",
		    "This confirmation link is invalid, used or expired. Log in to get a new one.",
		    "/login", "Log in");
		goto out;
	}
	db_arg_int(&a, user);
	if (token_use(c, id) != 1 ||
	    db_exec(c->db, db_stmt(c->db, STMT_USER_VERIFY), &a, NULL, NULL) == -1 ||
	    audit(c, r, 0, user, "email.verified", "") == -1 || db_commit(c->db) == -1)
		goto fail;
	rc = message(c, resp, 200, "Email confirmed",
	    "Your email address is confirmed. You can now log in.", "/login", "Log in");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	db_args_free(&a);
	return rc;
}

static int
login_form(struct ctx *c, struct resp *resp, int status, const char *error,
    const char *email, const char *next)
{
	json_object *v = view_new(c, resp, "Log in");

	view_str(v, "error", error ? error : "");
	view_str(v, "email", email);
	view_str(v, "next", secure_local_path(next) ? next : "");
	return render(c, resp, status, "account/login.html", v);
}

/*
 * Unknown email, wrong password and a throttled pair all look alike from
 * outside: an unknown email costs one argon2id verification too, and
 * throttling is decided before either is looked at.
 */
static int
h_login(struct req *r, struct resp *resp)
{
	static const char wrong[] = "Wrong email or password.";
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf email = BUF_INIT, link = BUF_INIT;
	unsigned char kpair[CRYPT_SHA256_LEN], kclient[CRYPT_SHA256_LEN];
	char tok[SESSION_TOKEN_MAX], *phash = NULL;
	const char *pw, *next, *v;
	long long user = 0, org = 0, npair, nclient;
	size_t pwlen, n;
	int rc, found, verified = 0, ok;

	next = r->method == METHOD_POST ? field(c, "next", NULL) : kv_get(&r->args, "next", NULL);
	if (next == NULL || !secure_local_path(next))
		next = "/account";
	if (r->method != METHOD_POST)
		return login_form(c, resp, 200, NULL, "", next);
	pw = field(c, "password", &pwlen);
	buf_adds(&email, field(c, "email", &n));
	(void)email_normalise(email.ptr, email.len);

	throttle_key(c, r, "pair", email.ptr, kpair);
	throttle_key(c, r, "client", NULL, kclient);
	if ((npair = throttle_count(c, kpair)) < 0 || (nclient = throttle_count(c, kclient)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (npair >= PAIR_LIMIT || nclient >= CLIENT_LIMIT) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		(void)audit(c, r, 0, 0, "login.throttled", "");
		rc = login_form(c, resp, 429, "Too many failed attempts. Wait 15 minutes "
		    "or reset your password.", email.ptr, next);
		goto out;
	}

	db_arg_strz(&a, email.ptr);
	if (db_select_idx(c->db, STMT_USER_BY_EMAIL, &a, &res) == -1 ||
	    (found = db_fetch(&res)) == -1) {
		db_res_free(&res);
		rc = internal_error(c, resp);
		goto out;
	}
	if (found == 1) {
		user = db_col_int(&res, 0, 0);
		phash = xstrdup((v = db_col(&res, 1, NULL)) ? v : "");
		verified = db_col_int(&res, 2, 0) == 1;
	}
	db_res_free(&res);
	if (found == 1)
		ok = pass_verify(phash, pw, pwlen);
	else {
		pass_dummy_verify(pw, pwlen);
		ok = 0;
	}
	if (!ok) {
		throttle_fail(c, kpair);
		throttle_fail(c, kclient);
		(void)audit(c, r, 0, user, "login.failed", user ? "wrong password" : "unknown email");
		rc = login_form(c, resp, 401, wrong, email.ptr, next);
		goto out;
	}
	throttle_clear(c, kpair);
	if (!verified) {
		/* Only someone who knows the password learns this; resend the link. */
		if (db_begin(c->db) == -1 ||
		    token_issue(c, "verify", user, email.ptr, VERIFY_SECONDS, tok) == -1)
			goto fail;
		buf_addf(&link, "%s/verify?token=%s", c->app->base_url, tok);
		crypt_wipe(tok, sizeof(tok));
		if (send_mail(c, email.ptr, "Confirm your email address for TrackR", "verify",
		    link.ptr) == -1 || db_commit(c->db) == -1)
			goto fail;
		rc = login_form(c, resp, 403, "Confirm your email address first: we sent you "
		    "a new link.", email.ptr, next);
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, user);
	if (db_select_idx(c->db, STMT_USER_FIRST_ORG, &a, &res) == 0 && db_fetch(&res) == 1)
		org = db_col_int(&res, 0, 0);
	db_res_free(&res);
	if (org <= 0)
		goto fail;
	/* Logging in again (as anyone) ends the session this browser had. */
	if (c->logged_in && session_end(c->db, c->sess.id, c->sess.user_id) == -1)
		goto fail;
	if (session_create(c->db, user, org, param(r, "HTTP_USER_AGENT"),
	    param(r, "REMOTE_ADDR"), tok) == -1)
		goto fail;
	(void)audit(c, r, org, user, "login", "");
	set_session_cookie(c, resp, tok);
	crypt_wipe(tok, sizeof(tok));
	rc = redirect(resp, next);
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	free(phash);
	crypt_wipe(link.ptr, link.len);
	buf_release(&link);
	buf_release(&email);
	db_args_free(&a);
	return rc;
}

static int
h_logout(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;

	if (session_end(c->db, c->sess.id, c->sess.user_id) == -1)
		return internal_error(c, resp);
	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "logout", "");
	set_session_cookie(c, resp, NULL);
	return redirect(resp, "/login");
}

static int
h_forgot(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf email = BUF_INIT, link = BUF_INIT;
	unsigned char kclient[CRYPT_SHA256_LEN];
	char tok[SESSION_TOKEN_MAX];
	json_object *v;
	long long user = 0, count;
	size_t n;
	int rc, found;

	if (r->method != METHOD_POST) {
		v = view_new(c, resp, "Reset your password");
		view_str(v, "error", "");
		return render(c, resp, 200, "account/forgot.html", v);
	}
	buf_adds(&email, field(c, "email", &n));
	if (!email_normalise(email.ptr, email.len)) {
		v = view_new(c, resp, "Reset your password");
		view_str(v, "error", "Enter a valid email address.");
		rc = render(c, resp, 422, "account/forgot.html", v);
		goto out;
	}
	throttle_key(c, r, "forgot", NULL, kclient);
	if ((count = throttle_count(c, kclient)) < 0)
		goto fail;
	/* Every request counts here, found or not, so the answer says nothing. */
	throttle_fail(c, kclient);
	if (count >= FORGOT_LIMIT) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		rc = message(c, resp, 429, "Too many requests",
		    "Too many reset requests from your network. Wait 15 minutes.", NULL, NULL);
		goto out;
	}
	db_arg_strz(&a, email.ptr);
	if (db_select_idx(c->db, STMT_USER_BY_EMAIL, &a, &res) == -1 ||
	    (found = db_fetch(&res)) == -1) {
		db_res_free(&res);
		goto fail;
	}
	if (found == 1)
		user = db_col_int(&res, 0, 0);
	db_res_free(&res);
	if (found == 1) {
		if (db_begin(c->db) == -1 ||
		    token_issue(c, "reset", user, email.ptr, RESET_SECONDS, tok) == -1)
			goto fail;
		buf_addf(&link, "%s/reset?token=%s", c->app->base_url, tok);
		crypt_wipe(tok, sizeof(tok));
		if (audit(c, r, 0, user, "password.reset_requested", "") == -1 ||
		    send_mail(c, email.ptr, "Reset your TrackR password", "reset", link.ptr) == -1 ||
		    db_commit(c->db) == -1)
			goto fail;
	}
	rc = message(c, resp, 200, "Check your inbox",
	    "If an account exists for that address, we sent it a link to reset the "
	    "password. The link works once, within one hour.", "/login", "Back to login");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(link.ptr, link.len);
	buf_release(&link);
	buf_release(&email);
	db_args_free(&a);
	return rc;
}

static int
reset_form(struct ctx *c, struct resp *resp, int status, const char *error, const char *tok)
{
	json_object *v = view_new(c, resp, "Choose a new password");

	view_str(v, "error", error ? error : "");
	/* This page's own token, from its URL: the user needs it to post the form. */
	view_str(v, "token", tok);
	return render(c, resp, status, "account/reset.html", v);
}

/*
 * GET shows the form (a mail scanner following the link spends nothing);
 * POST spends the token, sets the password, confirms the email address
 * (the link proved it) and ends every session of the user.
 */
static int
h_reset(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	char hash[PASS_ENCODED_MAX] = "";
	const char *tok, *pw;
	long long id = 0, user = 0;
	size_t len = 0, pwlen;
	enum pass_check pc;
	int rc;

	if (r->method == METHOD_POST)
		tok = field(c, "token", &len);
	else if ((tok = kv_get(&r->args, "token", &len)) == NULL)
		tok = "";
	if (!valid_token(tok, len, SESSION_TOKEN_LEN))
		tok = "", len = 0;
	if ((rc = token_find(c, "reset", tok, len, &id, &user)) == -1)
		return internal_error(c, resp);
	if (rc == 0)
		return message(c, resp, 400, "Link expired",
		    "This reset link is invalid, used or expired. Ask for a new one.",
		    "/forgot", "Reset your password");
	if (r->method != METHOD_POST)
		return reset_form(c, resp, 200, NULL, tok);
	pw = field(c, "password", &pwlen);
	if ((pc = pass_check(pw, pwlen)) != PASS_OK)
		return reset_form(c, resp, 422, pass_check_text(pc), tok);
	if (pass_hash(pw, pwlen, hash) == -1)
		return internal_error(c, resp);
	if (db_begin(c->db) == -1)
		goto fail;
	if ((rc = token_use(c, id)) != 1) {
		db_rollback(c->db);
		if (rc == -1)
			goto fail;
		rc = message(c, resp, 400, "Link expired",
		    "This reset link is invalid, used or expired. Ask for a new one.",
		    "/forgot", "Reset your password");
		goto out;
	}
	db_arg_strz(&a, hash);
	db_arg_int(&a, user);
	if (db_exec(c->db, db_stmt(c->db, STMT_USER_SET_PASSWORD), &a, NULL, NULL) == -1 ||
	    session_end_all(c->db, user) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_int(&a, user);
	db_arg_strz(&a, "reset");
	if (db_exec(c->db, db_stmt(c->db, STMT_TOKEN_VOID), &a, NULL, NULL) == -1 ||
	    audit(c, r, 0, user, "password.reset", "all sessions ended") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	set_session_cookie(c, resp, NULL);
	c->logged_in = 0;
	rc = message(c, resp, 200, "Password changed",
	    "Your password was changed and every session was ended. Log in with the new password.",
	    "/login", "Log in");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(hash, sizeof(hash));
	db_args_free(&a);
	return rc;
}

static int
h_account(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v, *list, *row;
	const char *s;
	int rc;

	v = view_new(c, resp, "Your account");
	list = json_object_new_array();
	json_object_object_add(v, "sessions", list);
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, SESSION_IDLE_SECONDS);
	if (db_select_idx(c->db, STMT_SESSIONS_OF_USER, &a, &res) == -1) {
		db_res_free(&res);
		db_args_free(&a);
		json_object_put(v);
		return internal_error(c, resp);
	}
	while ((rc = db_fetch(&res)) == 1) {
		row = json_object_new_object();
		json_object_object_add(row, "id", json_object_new_int64(db_col_int(&res, 0, 0)));
		json_object_object_add(row, "current", json_object_new_boolean(
		    (unsigned long long)db_col_int(&res, 0, 0) == c->sess.id));
		view_str(row, "created", (s = db_col(&res, 1, NULL)) ? s : "");
		view_str(row, "last_seen", (s = db_col(&res, 2, NULL)) ? s : "");
		ua_summary(&c->tmp, (s = db_col(&res, 3, NULL)) ? s : "");
		view_str(row, "device", c->tmp.ptr);
		view_str(row, "ip", (s = db_col(&res, 4, NULL)) ? s : "");
		json_object_array_add(list, row);
	}
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, 200, "account/home.html", v);
}

/* End one of the user's own sessions; another user's id is a 404, like a missing one. */
static int
h_session_end(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	unsigned long long id, n = 0;
	const char *s = field(c, "session", NULL);
	char *end;
	int rc;

	errno = 0;
	id = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return message(c, resp, 400, "Bad request", "No session was named.", "/account",
		    "Back to your account");
	db_arg_uint(&a, id);
	db_arg_int(&a, c->sess.user_id);
	rc = db_exec(c->db, db_stmt(c->db, SESS_STMT_DELETE_ONE), &a, &n, NULL);
	db_args_free(&a);
	if (rc == -1)
		return internal_error(c, resp);
	if (n == 0)
		return message(c, resp, 404, "Not found", "There is no such session.",
		    "/account", "Back to your account");
	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "session.ended",
	    id == c->sess.id ? "this session" : "another session");
	if (id == c->sess.id) {
		set_session_cookie(c, resp, NULL);
		return redirect(resp, "/login");
	}
	return redirect(resp, "/account");
}

/* ------------------------------------------------------------- front */

static const struct route routes[] = {
	{ M(METHOD_GET) | M(METHOD_POST), "/signup", h_signup, 0 },
	{ M(METHOD_GET), "/verify", h_verify, 0 },
	{ M(METHOD_GET) | M(METHOD_POST), "/login", h_login, 0 },
	{ M(METHOD_POST), "/logout", h_logout, NEED_LOGIN },
	{ M(METHOD_GET) | M(METHOD_POST), "/forgot", h_forgot, 0 },
	{ M(METHOD_GET) | M(METHOD_POST), "/reset", h_reset, 0 },
	{ M(METHOD_GET), "/account", h_account, NEED_LOGIN },
	{ M(METHOD_POST), "/account/sessions/end", h_session_end, NEED_LOGIN },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Form keys every POST may carry, with their byte limits. */
static const struct form_key {
	const char	*key;
	size_t		 max;
} form_keys[] = {
	{ CSRF_FIELD, CSRF_TOKEN_LEN },
	{ "email", 1024 },	/* checked properly by the handler */
	{ "password", PASS_MAX_BYTES },
	{ "org", 1024 },
	{ "next", 512 },
	{ "token", SESSION_TOKEN_LEN },
	{ "session", 20 },
};

/* 1 when every field is known, once, valid text within its limit. */
static int
form_ok(const struct kvlist *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		for (k = 0; k < sizeof(form_keys) / sizeof(form_keys[0]); k++)
			if (strcmp(l->v[i].key, form_keys[k].key) == 0)
				break;
		if (k == sizeof(form_keys) / sizeof(form_keys[0]) ||
		    l->v[i].vlen > form_keys[k].max || !valid_text(l->v[i].val, l->v[i].vlen) ||
		    kv_get(l, l->v[i].key, NULL) != l->v[i].val)
			return 0;
	}
	return 1;
}

static const struct route *
find_route(struct req *r)
{
	size_t i;

	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].path, r->path) == 0 &&
		    (routes[i].methods & M(r->method) ||
		    (r->method == METHOD_HEAD && routes[i].methods & M(METHOD_GET))))
			return &routes[i];
	return NULL;
}

static void
ctx_reset(struct ctx *c)
{
	session_clear(&c->sess);
	c->logged_in = 0;
	c->https = 0;
	c->secure_cookie = 0;
	kvlist_reset(&c->form);
	buf_reset(&c->pre);
	buf_reset(&c->tmp);
}

/*
 * The one entry point: settles the route, then the database, the
 * session, the form and its CSRF checks, in that order, before the
 * handler runs.
 */
static int
front(struct req *r, struct resp *resp)
{
	const struct app *app = r->app;
	struct ctx *c = r->thread;
	const struct route *rt;
	struct buf next = BUF_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *tok;
	size_t toklen;
	int rc, st;

	ctx_reset(c);
	if ((rt = find_route(r)) == NULL)
		return route_dispatch(routes, NROUTES, r, resp);	/* its 404 or 405 */
	c->https = app->https || secure_https(r);
	c->secure_cookie = c->https || secure_loopback(req_param(r, "HTTP_HOST"));
	if (req_parse_query(r, FORM_MAX_PAIRS) != 0)
		return message(c, resp, 400, "Bad request", "The address is malformed.", "/", "Home");
	c->db = db_pool_get(app->pool);
	if (db_ensure(c->db) == -1) {
		rc = message(c, resp, 503, "Temporarily unavailable",
		    "The service is unavailable. Please try again in a moment.", NULL, NULL);
		resp_header(resp, "Retry-After", "5");
		goto out;
	}

	if (session_cookie_get(req_param(r, "HTTP_COOKIE"), SESSION_COOKIE, &c->tmp) &&
	    session_token_hash(c->tmp.ptr, c->tmp.len, hash) == 0) {
		if ((st = session_lookup(c->db, hash, &c->sess)) == -1) {
			rc = internal_error(c, resp);
			goto out;
		}
		c->logged_in = st == 1;
	}
	crypt_wipe(c->tmp.ptr, c->tmp.len);
	if (!c->logged_in && session_cookie_get(req_param(r, "HTTP_COOKIE"),
	    CSRF_PRE_COOKIE, &c->pre) && !valid_token(c->pre.ptr, c->pre.len, 32))
		buf_reset(&c->pre);
	if (rt->flags & NEED_LOGIN && !c->logged_in) {
		if (r->method == METHOD_GET) {
			buf_adds(&next, "/login?next=");
			buf_add_url(&next, r->path, strlen(r->path));
			rc = redirect(resp, next.ptr);
		} else
			rc = redirect(resp, "/login");
		goto out;
	}

	if (r->method == METHOD_POST) {
		if (!csrf_origin_ok(req_param(r, "HTTP_ORIGIN"),
		    req_param(r, "HTTP_SEC_FETCH_SITE"), app->origin.ptr)) {
			rc = message(c, resp, 403, "Refused",
			    "This form was sent from another site and was refused.", "/", "Home");
			goto out;
		}
		if (strcmp(r->content_type, "application/x-www-form-urlencoded") != 0) {
			rc = message(c, resp, 415, "Refused", "Forms only, please.", "/", "Home");
			goto out;
		}
		if ((st = req_read_body(r, FORM_MAX_BODY)) != 0 ||
		    form_parse(&c->form, r->body.ptr, r->body.len, FORM_MAX_PAIRS) != 0 ||
		    !form_ok(&c->form)) {
			rc = message(c, resp, st == 413 ? 413 : 400, "Bad request",
			    "The form could not be read.", "/", "Home");
			goto out;
		}
		tok = kv_get(&c->form, CSRF_FIELD, &toklen);
		if (!(c->logged_in ?
		    csrf_token_ok(app->key, sizeof(app->key), "session", c->sess.hash,
		    sizeof(c->sess.hash), tok, tok ? toklen : 0) :
		    csrf_token_ok(app->key, sizeof(app->key), "pre", c->pre.ptr, c->pre.len,
		    tok, tok ? toklen : 0))) {
			rc = message(c, resp, 403, "Form expired",
			    "This form expired or was not sent from this site. Go back, reload "
			    "the page and try again.", r->path, "Reload");
			goto out;
		}
	}
	rc = rt->handler(r, resp);
out:
	buf_release(&next);
	db_pool_put(app->pool, c->db);
	c->db = NULL;
	kvlist_reset(&c->form);
	return rc;
}

static void *
thread_init(const void *app)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	c->app = app;
	buf_init(&c->pre, 64);
	buf_init(&c->tmp, 256);
	return c;
}

static void
thread_free(void *p)
{
	struct ctx *c = p;

	if (c == NULL)
		return;
	session_clear(&c->sess);
	kvlist_free(&c->form);
	buf_release(&c->pre);
	buf_release(&c->tmp);
	free(c);
}

static const struct route front_routes[] = {
	{ ~0u, "/", front, ROUTE_PREFIX },
};

static void
usage(void)
{
	fprintf(stderr, "usage: trackr-account [-c config] [-s socket] [-t threads]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct conf conf;
	struct app app;
	struct server_opts so;
	const char *path = NULL, *sock = NULL, *secret, *tdir;
	long long threads = 0, conns;
	int ch, err = 0, level, rc = 1;
	char *end;

	memset(&app, 0, sizeof(app));
	while ((ch = getopt(argc, argv, "c:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			threads = strtoll(optarg, &end, 10);
			if (errno || *end || threads < 1 || threads > 256)
				usage();
			break;
		default:
			usage();
		}
	}
	log_init("trackr-account", LOGL_INFO);
	if (conf_load(&conf, path) == -1)
		return 1;
	if (db_conf_check(&conf) == -1)
		goto out;
	if ((level = log_level_parse(conf_str(&conf, "log_level", "info"))) == -1) {
		log_err("log_level must be error, warn, info or debug");
		goto out;
	}
	log_init("trackr-account", (enum log_level)level);
	if (threads == 0)
		threads = conf_int(&conf, "account_threads", 8, 1, 256, &err);
	conns = conf_int(&conf, "account_db_connections", 4, 1, 64, &err);
	if (err)
		goto out;
	/* Each thread holds its connection for the whole request. */
	if (conns > threads)
		conns = threads;
	if ((secret = conf_str(&conf, "secret_key", NULL)) == NULL || strlen(secret) < 32) {
		log_err("secret_key must be set to at least 32 random characters");
		goto out;
	}
	/* A fixed-size key whatever the secret's length. */
	crypt_sha256(secret, strlen(secret), app.key);
	app.base_url = conf_str(&conf, "base_url", NULL);
	if (csrf_origin_of(&app.origin, app.base_url) == -1) {
		log_err("base_url must be the public http(s) URL, e.g. https://trackr.example.com");
		goto out;
	}
	app.https = strncmp(app.origin.ptr, "https:", 6) == 0;
	tdir = conf_str(&conf, "templates_dir", TRACKR_TEMPLATES_DIR);
	if ((app.tpls = tpl_load_dir(tdir)) == NULL) {
		log_err("%s: templates could not be loaded", tdir);
		goto out;
	}
	if (sock == NULL)
		sock = conf_str(&conf, "account_socket", NULL);
	app.pool = db_pool_new(&conf, stmts, STMT__MAX, (int)conns);

	memset(&so, 0, sizeof(so));
	so.socket_path = sock;
	so.threads = (int)threads;
	so.routes = front_routes;
	so.nroutes = 1;
	so.app = &app;
	so.thread_init = thread_init;
	so.thread_free = thread_free;
	rc = server_run(&so) == 0 ? 0 : 1;
out:
	db_pool_free(app.pool);
	tpl_free(app.tpls);
	crypt_wipe(app.key, sizeof(app.key));
	buf_release(&app.origin);
	conf_free(&conf);
	return rc;
}
