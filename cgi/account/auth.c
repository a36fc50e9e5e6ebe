/*
 * auth: sign-up, email verification, login, logout, forgotten and reset
 * passwords.
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
int
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

int
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
int
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
	/* With 2FA on, the session is made after the second step (mfa.c). */
	if ((rc = mfa_login_start(c, r, resp, user, org, next)) == -1)
		goto fail;
	if (rc != 0)
		goto out;
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

int
h_logout(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;

	if (session_end(c->db, c->sess.id, c->sess.user_id) == -1)
		return internal_error(c, resp);
	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "logout", "");
	set_session_cookie(c, resp, NULL);
	return redirect(resp, "/login");
}

int
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
int
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
