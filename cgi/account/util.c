/*
 * util: helpers the account pages share: form fields, throttling, the
 * audit log, tokens, mail, rendering and redirects.
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
#include "account.h"

/* ------------------------------------------------------------ helpers */

const char *
param(struct req *r, const char *name)
{
	const char *v = req_param(r, name);

	return v ? v : "";
}

/* A form field's value, or "" when absent. */
const char *
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
size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* "Firefox 128 on Linux" for the session list, from a stored User-Agent. */
void
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
int
email_normalise(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
	return n <= EMAIL_MAX && mail_valid_addr(s, n);
}

/* HMAC of a throttle key under the server key. */
void
throttle_key(const struct ctx *c, struct req *r, const char *kind,
    const char *email, unsigned char out[CRYPT_SHA256_LEN])
{
	struct buf m = BUF_INIT;

	buf_addf(&m, "%s:%s|%s", kind, email ? email : "", param(r, "REMOTE_ADDR"));
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), m.ptr, m.len, out);
	buf_release(&m);
}

/* Failures in the current window for key; -1 on error. */
long long
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

void
throttle_fail(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN])
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_blob(&a, key, CRYPT_SHA256_LEN);
	db_arg_int(&a, THROTTLE_WINDOW);
	db_arg_int(&a, THROTTLE_WINDOW);
	(void)db_exec(c->db, db_stmt(c->db, STMT_THROTTLE_FAIL), &a, NULL, NULL);
	db_args_free(&a);
}

void
throttle_clear(struct ctx *c, const unsigned char key[CRYPT_SHA256_LEN])
{
	struct db_args a = DB_ARGS_INIT;

	db_arg_blob(&a, key, CRYPT_SHA256_LEN);
	(void)db_exec(c->db, db_stmt(c->db, STMT_THROTTLE_CLEAR), &a, NULL, NULL);
	db_args_free(&a);
}

/* One audit row; org and user may be 0 for none.  0 or -1. */
int
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
int
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
int
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
int
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
int
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
json_object *
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

void
view_str(json_object *v, const char *key, const char *val)
{
	json_object_object_add(v, key, json_object_new_string(val));
}

/* Render page with view (which it puts) as an HTML answer of status. */
int
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
int
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

int
redirect(struct resp *resp, const char *to)
{
	/* to is a fixed path or passed secure_local_path(). */
	resp_header(resp, "Location", "%s", to);
	resp_header(resp, "Cache-Control", "no-store");
	return 303;
}

int
internal_error(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 500, "Something went wrong",
	    "The request could not be completed. Please try again in a moment.", NULL, NULL);
}

/* Set the session cookie (or delete it when tok is NULL). */
void
set_session_cookie(struct ctx *c, struct resp *resp, const char *tok)
{
	struct buf h = BUF_INIT;

	session_cookie_header(&h, SESSION_COOKIE, tok ? tok : "", c->secure_cookie,
	    tok ? SESSION_MAX_SECONDS : 0);
	resp_header(resp, "Set-Cookie", "%s", h.ptr);
	buf_release(&h);
}

int
role_at_least(const struct session *s, const char *need)
{
	if (strcmp(s->role, "owner") == 0)
		return 1;
	if (strcmp(need, "admin") == 0)
		return strcmp(s->role, "admin") == 0;
	return 0;
}
