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

/*
 * Throttling, in one window of THROTTLE_WINDOW seconds: PAIR_LIMIT failed
 * logins for one email from one client, CLIENT_LIMIT from one client for
 * any email.  Nothing counts per account alone, so an attacker elsewhere
 * cannot lock the real user out; guessing from many addresses is slowed
 * by argon2id and, later, by 2FA.
 */
#include "account.h"

/* ------------------------------------------------------------- front */

static const struct route routes[] = {
	{ M(METHOD_GET) | M(METHOD_POST), "/signup", h_signup, 0 },
	{ M(METHOD_GET), "/verify", h_verify, 0 },
	{ M(METHOD_GET) | M(METHOD_POST), "/login", h_login, 0 },
	{ M(METHOD_POST), "/logout", h_logout, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_GET) | M(METHOD_POST), "/forgot", h_forgot, 0 },
	{ M(METHOD_GET) | M(METHOD_POST), "/reset", h_reset, 0 },
	{ M(METHOD_GET), "/account", h_account, NEED_LOGIN },
	{ M(METHOD_POST), "/account/sessions/end", h_session_end, NEED_LOGIN },
	{ M(METHOD_GET), "/account/2fa", h_mfa, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_POST), "/account/2fa/setup", h_mfa_setup, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_POST), "/account/2fa/enable", h_mfa_enable, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_POST), "/account/2fa/disable", h_mfa_disable, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_POST), "/account/2fa/recovery", h_mfa_recovery, NEED_LOGIN | MFA_EXEMPT },
	{ M(METHOD_POST), "/account/2fa/require", h_mfa_require, NEED_OWNER | MFA_EXEMPT },
	{ M(METHOD_GET) | M(METHOD_POST), "/account/login-2fa", h_login_2fa, 0 },
	{ M(METHOD_GET), "/account/org", h_org, NEED_LOGIN },
	{ M(METHOD_POST), "/account/org/invite", h_org_invite, NEED_ADMIN },
	{ M(METHOD_POST), "/account/org/revoke", h_org_revoke, NEED_ADMIN },
	{ M(METHOD_POST), "/account/org/role", h_org_role, NEED_ADMIN },
	{ M(METHOD_POST), "/account/org/remove", h_org_remove, NEED_ADMIN },
	{ M(METHOD_POST), "/account/org/leave", h_org_leave, NEED_LOGIN },
	{ M(METHOD_POST), "/account/org/transfer", h_org_transfer, NEED_OWNER },
	{ M(METHOD_POST), "/account/org/create", h_org_create, NEED_LOGIN },
	{ M(METHOD_POST), "/account/org/switch", h_org_switch, NEED_LOGIN },
	{ M(METHOD_GET), "/account/invite", h_invite, 0 },
	{ M(METHOD_POST), "/account/invite", h_invite_accept, NEED_LOGIN },
	{ M(METHOD_GET), "/account/sites", h_sites, NEED_LOGIN },	/* sites.c */
	{ M(METHOD_GET) | M(METHOD_POST), "/account/sites/new", h_site_new, NEED_ADMIN },
	{ M(METHOD_GET), "/account/site", h_site, NEED_LOGIN },
	{ M(METHOD_GET) | M(METHOD_POST), "/account/site/edit", h_site_edit, NEED_ADMIN },
	{ M(METHOD_GET) | M(METHOD_POST), "/account/site/delete", h_site_delete, NEED_ADMIN },
	{ M(METHOD_GET), "/account/keys", h_keys, NEED_ADMIN },	/* keys.c */
	{ M(METHOD_POST), "/account/keys/new", h_key_new, NEED_ADMIN },
	{ M(METHOD_POST), "/account/keys/revoke", h_key_revoke, NEED_ADMIN },
	{ M(METHOD_GET), "/account/settings", h_settings, NEED_LOGIN },	/* settings.c */
	{ M(METHOD_POST), "/account/password", h_password, NEED_LOGIN },
	{ M(METHOD_POST), "/account/email", h_email, NEED_LOGIN },
	{ M(METHOD_GET), "/account/email/confirm", h_email_confirm, 0 },
	{ M(METHOD_GET), "/account/export", h_export, NEED_LOGIN },
	{ M(METHOD_GET) | M(METHOD_POST), "/account/delete", h_delete, NEED_LOGIN },
	{ M(METHOD_GET), "/account/audit", h_audit, NEED_ADMIN },	/* audit.c */
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Form keys every POST may carry, with their byte limits. */
static const struct form_key {
	const char	*key;
	size_t		 max;
	int		 lines;	/* CR and LF allowed too (a textarea) */
} form_keys[] = {
	{ CSRF_FIELD, CSRF_TOKEN_LEN },
	{ "email", 1024 },	/* checked properly by the handler */
	{ "password", PASS_MAX_BYTES },
	{ "org", 1024 },
	{ "next", 512 },
	{ "token", SESSION_TOKEN_LEN },
	{ "session", 20 },
	{ "code", 32 },	/* mfa.c */
	{ "require", 1 },
	{ "member", 20 },	/* orgs.c */
	{ "invite", 20 },
	{ "role", 8 },
	{ "confirm", 8 },
	{ "org_id", 20 },
	{ "id", 20 },	/* sites.c, keys.c */
	{ "domain", 1024 },
	{ "timezone", 256 },
	{ "origins", 8192, 1 },
	{ "confirm_domain", 1024 },
	{ "name", 1024 },
	{ "scope", 16 },
	{ "new_password", PASS_MAX_BYTES },	/* settings.c */
};

/* valid_text, with CR and LF between lines (neither can sit inside a UTF-8 sequence). */
static int
valid_lines(const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++)
		if (i == n || s[i] == '\r' || s[i] == '\n') {
			if (!valid_text(s + start, i - start))
				return 0;
			start = i + 1;
		}
	return 1;
}

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
		    l->v[i].vlen > form_keys[k].max || !(form_keys[k].lines ?
		    valid_lines(l->v[i].val, l->v[i].vlen) : valid_text(l->v[i].val, l->v[i].vlen)) ||
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
	if (rt->flags & (NEED_LOGIN | NEED_ADMIN | NEED_OWNER) && !c->logged_in) {
		if (r->method == METHOD_GET) {
			buf_adds(&next, "/login?next=");
			buf_add_url(&next, r->path, strlen(r->path));
			rc = redirect(resp, next.ptr);
		} else
			rc = redirect(resp, "/login");
		goto out;
	}

	/* An organisation that requires 2FA: its members without it may only enrol. */
	if (rt->flags & (NEED_LOGIN | NEED_ADMIN | NEED_OWNER) && !(rt->flags & MFA_EXEMPT) &&
	    (st = mfa_gate(c)) != 0) {
		rc = st == -1 ? internal_error(c, resp) : redirect(resp, "/account/2fa");
		goto out;
	}

	/* Roles per ARCHITECTURE.md's permission table; handlers never re-check. */
	if ((rt->flags & NEED_OWNER && !role_at_least(&c->sess, "owner")) ||
	    (rt->flags & NEED_ADMIN && !role_at_least(&c->sess, "admin"))) {
		rc = message(c, resp, 403, "Not allowed",
		    "Your role in this organisation does not allow this.", "/account", "Back");
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
	int ch, err = 0, rc = 1;
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
	if (server_conf(&conf, "trackr-account", path) == -1)
		return 1;
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
