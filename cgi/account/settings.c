/*
 * settings: the user's own account: password and email changes, the data
 * export and the deletion of the account.  Who the user is was settled by
 * front(); every query here is about c->sess.user_id only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "pass.h"
#include "secure.h"
#include "session.h"
#include "valid.h"
#include "account.h"

#define EMAIL_CHANGE_SECONDS	(24 * 3600)

/* What POST /account/password and /account/email redirect to, by ?done=. */
static const struct {
	const char	*key;
	const char	*text;
} done_texts[] = {
	{ "password", "Your password was changed. Every other session was ended." },
	{ "email", "We sent a confirmation link to the new address. Your address "
	    "changes when you open it; until then, keep using the current one." },
};

/* Run stmt with one integer argument; 0 or -1. */
static int
exec_id(struct ctx *c, enum stmt stmt, long long id, unsigned long long *affected)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, id);
	rc = db_exec(c->db, db_stmt(c->db, stmt), &a, affected, NULL);
	db_args_free(&a);
	return rc;
}

/*
 * An audit row in every organisation the user belongs to, so that each
 * organisation's owners and admins see their members' security changes.
 */
static int
audit_user(struct ctx *c, struct req *r, long long user, const char *action, const char *detail)
{
	struct db_args a = DB_ARGS_INIT;
	const char *ua = param(r, "HTTP_USER_AGENT"), *ip = param(r, "REMOTE_ADDR");
	int rc;

	db_arg_strz(&a, action);
	db_arg_str(&a, detail, valid_utf8_cut(detail, strlen(detail), 1000));
	db_arg_str(&a, ip, strlen(ip) > 45 ? 45 : strlen(ip));
	db_arg_str(&a, ua, valid_utf8(ua, strlen(ua)) ? valid_utf8_cut(ua, strlen(ua), 255) : 0);
	db_arg_int(&a, user);
	rc = db_exec(c->db, db_stmt(c->db, STMT_SET_AUDIT_USER_ORGS), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/*
 * Check the form's current password, throttled like logins: the same
 * counter of failures for this email from this client address.
 * 1 right, 0 wrong, 2 throttled, -1 on error.
 */
static int
password_ok(struct ctx *c, struct req *r)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	unsigned char kpair[CRYPT_SHA256_LEN];
	char *phash = NULL;
	const char *pw, *v;
	size_t pwlen;
	long long n;
	int rc = -1, found;

	throttle_key(c, r, "pair", c->sess.email, kpair);
	if ((n = throttle_count(c, kpair)) < 0)
		return -1;
	if (n >= PAIR_LIMIT)
		return 2;
	db_arg_strz(&a, c->sess.email);
	if (db_select_idx(c->db, STMT_USER_BY_EMAIL, &a, &res) == -1 ||
	    (found = db_fetch(&res)) == -1)
		goto out;
	if (found == 1 && db_col_int(&res, 0, 0) == c->sess.user_id)
		phash = xstrdup((v = db_col(&res, 1, NULL)) ? v : "");
	/* Before any other statement runs on the connection. */
	db_res_free(&res);
	pw = field(c, "password", &pwlen);
	if (phash != NULL && pass_verify(phash, pw, pwlen)) {
		throttle_clear(c, kpair);
		rc = 1;
	} else {
		if (phash == NULL)
			pass_dummy_verify(pw, pwlen);
		throttle_fail(c, kpair);
		(void)audit(c, r, c->sess.org_id, c->sess.user_id, "password.check_failed", "");
		rc = 0;
	}
out:
	if (phash != NULL)
		crypt_wipe(phash, strlen(phash));
	free(phash);
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* The settings page, with an error for a refused form or a note after a change. */
static int
settings_page(struct ctx *c, struct resp *resp, int status, const char *error,
    const char *note)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v = view_new(c, resp, "Account settings"), *p;
	const char *s;
	int rc;

	view_str(v, "error", error ? error : "");
	view_str(v, "note", note ? note : "");
	json_object_object_add(v, "can_audit",
	    json_object_new_boolean(role_at_least(&c->sess, "admin")));
	db_arg_int(&a, c->sess.user_id);
	if (db_select_idx(c->db, STMT_SET_PENDING_EMAIL, &a, &res) == -1 ||
	    (rc = db_fetch(&res)) == -1) {
		db_res_free(&res);
		db_args_free(&a);
		json_object_put(v);
		return internal_error(c, resp);
	}
	if (rc == 1) {
		p = json_object_new_object();
		view_str(p, "email", (s = db_col(&res, 0, NULL)) ? s : "");
		view_str(p, "expires", (s = db_col(&res, 1, NULL)) ? s : "");
		json_object_object_add(v, "pending", p);
	}
	db_res_free(&res);
	db_args_free(&a);
	return render(c, resp, status, "account/settings.html", v);
}

int
h_settings(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	const char *done = kv_get(&r->args, "done", NULL);
	size_t i;

	for (i = 0; done != NULL && i < sizeof(done_texts) / sizeof(done_texts[0]); i++)
		if (strcmp(done, done_texts[i].key) == 0)
			return settings_page(c, resp, 200, NULL, done_texts[i].text);
	return settings_page(c, resp, 200, NULL, NULL);
}

/* The answer to a wrong (2: throttled) current password, or an error. */
static int
password_refused(struct ctx *c, struct resp *resp, int ok)
{
	if (ok == -1)
		return internal_error(c, resp);
	if (ok == 2) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		return settings_page(c, resp, 429, "Too many wrong passwords. Wait 15 minutes.",
		    NULL);
	}
	return settings_page(c, resp, 403, "Your current password is wrong.", NULL);
}

/*
 * A new password: the current one is required, the new one follows the
 * sign-up rules, and every session of the user ends, as do pending reset
 * links.  This browser stays logged in with a new token, so a copy of
 * its old cookie signs no one in either.
 */
int
h_password(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf link = BUF_INIT;
	char hash[PASS_ENCODED_MAX] = "", tok[SESSION_TOKEN_MAX] = "";
	const char *pw;
	size_t pwlen;
	enum pass_check pc;
	int ok, rc;

	pw = field(c, "new_password", &pwlen);
	if ((pc = pass_check(pw, pwlen)) != PASS_OK)
		return settings_page(c, resp, 422, pass_check_text(pc), NULL);
	if ((ok = password_ok(c, r)) != 1)
		return password_refused(c, resp, ok);
	if (pass_hash(pw, pwlen, hash) == -1)
		return internal_error(c, resp);
	if (db_begin(c->db) == -1)
		goto fail;
	db_arg_strz(&a, hash);
	db_arg_int(&a, c->sess.user_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_USER_SET_PASSWORD), &a, NULL, NULL) == -1)
		goto fail;
	if (session_end_all(c->db, c->sess.user_id) == -1 ||
	    session_create(c->db, c->sess.user_id, c->sess.org_id, param(r, "HTTP_USER_AGENT"),
	    param(r, "REMOTE_ADDR"), tok) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_int(&a, c->sess.user_id);
	db_arg_strz(&a, "reset");
	buf_addf(&link, "%s/forgot", c->app->base_url);
	if (db_exec(c->db, db_stmt(c->db, STMT_TOKEN_VOID), &a, NULL, NULL) == -1 ||
	    audit_user(c, r, c->sess.user_id, "password.changed", "every session ended") == -1 ||
	    send_mail(c, c->sess.email, "Your TrackR password was changed", "password_changed",
	    link.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	set_session_cookie(c, resp, tok);
	rc = redirect(resp, "/account/settings?done=password");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(tok, sizeof(tok));
	crypt_wipe(hash, sizeof(hash));
	buf_release(&link);
	db_args_free(&a);
	return rc;
}

/*
 * Ask for a new address: the password is required; the new address gets
 * a link (the change happens only when it is opened) and the current one
 * a notice.  An address that already has an account gets a mail saying
 * so instead, and the page answers alike, so this cannot tell who has an
 * account.
 */
int
h_email(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf email = BUF_INIT, link = BUF_INIT;
	char tok[SESSION_TOKEN_MAX];
	size_t n;
	int ok, rc, found;

	buf_adds(&email, field(c, "email", &n));
	if (!email_normalise(email.ptr, email.len)) {
		rc = settings_page(c, resp, 422, "Enter a valid new email address.", NULL);
		goto out;
	}
	if (strcmp(email.ptr, c->sess.email) == 0) {
		rc = settings_page(c, resp, 422, "That is already your address.", NULL);
		goto out;
	}
	if ((ok = password_ok(c, r)) != 1) {
		rc = password_refused(c, resp, ok);
		goto out;
	}
	db_arg_strz(&a, email.ptr);
	if (db_select_idx(c->db, STMT_USER_BY_EMAIL, &a, &res) == -1 ||
	    (found = db_fetch(&res)) == -1) {
		db_res_free(&res);
		goto fail;
	}
	db_res_free(&res);
	if (db_begin(c->db) == -1)
		goto fail;
	if (found == 1) {
		buf_addf(&link, "%s/forgot", c->app->base_url);
		if (send_mail(c, email.ptr, "Your TrackR account", "email_taken", link.ptr) == -1)
			goto fail;
	} else {
		if (token_issue(c, "email_change", c->sess.user_id, email.ptr,
		    EMAIL_CHANGE_SECONDS, tok) == -1)
			goto fail;
		buf_addf(&link, "%s/account/email/confirm?token=%s", c->app->base_url, tok);
		crypt_wipe(tok, sizeof(tok));
		if (send_mail(c, email.ptr, "Confirm your new email address for TrackR",
		    "email_change", link.ptr) == -1)
			goto fail;
	}
	crypt_wipe(link.ptr, link.len);
	buf_reset(&link);
	buf_addf(&link, "%s/forgot", c->app->base_url);
	if (send_mail(c, c->sess.email, "Your TrackR email address is being changed",
	    "email_notice", link.ptr) == -1 ||
	    audit_user(c, r, c->sess.user_id, "email.change_requested", "") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/settings?done=email");
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

/*
 * The link mailed to the new address: spends the token and changes the
 * address (which the link just proved).  No login needed, like /verify:
 * the token names the user.  Pending reset links, sent to the old
 * address, die with it.
 */
int
h_email_confirm(struct req *r, struct resp *resp)
{
	static const char expired[] =
	    "This confirmation link is invalid, used or expired. Ask for a new one in your "
	    "account settings.";
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf text = BUF_INIT;
	char *email = NULL;
	const char *tok, *s;
	long long id = 0, user = 0;
	size_t len = 0;
	int rc;

	if ((tok = kv_get(&r->args, "token", &len)) == NULL || !valid_token(tok, len,
	    SESSION_TOKEN_LEN))
		tok = "", len = 0;
	if (db_begin(c->db) == -1)
		goto fail;
	if ((rc = token_find(c, "email_change", tok, len, &id, &user)) == -1)
		goto fail;
	if (rc == 1) {
		db_arg_int(&a, id);
		if (db_select(c->db, db_stmt(c->db, STMT_SET_TOKEN_EMAIL), &a, &res) == -1 ||
		    (rc = db_fetch(&res)) == -1) {
			db_res_free(&res);
			goto fail;
		}
		if (rc == 1 && (s = db_col(&res, 0, NULL)) != NULL && *s != '\0')
			email = xstrdup(s);
		db_res_free(&res);
	}
	if (email == NULL || (rc = token_use(c, id)) == 0) {
		db_rollback(c->db);
		rc = message(c, resp, 400, "Link expired", expired, "/account/settings",
		    "Account settings");
		goto out;
	}
	if (rc == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_strz(&a, email);
	db_arg_int(&a, user);
	if (db_exec(c->db, db_stmt(c->db, STMT_SET_USER_EMAIL), &a, NULL, NULL) == -1) {
		if (db_errno(c->db) != 1062)	/* ER_DUP_ENTRY */
			goto fail;
		db_rollback(c->db);
		rc = message(c, resp, 409, "Address taken",
		    "Another account uses this address now, so it cannot become yours.",
		    "/account/settings", "Account settings");
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, user);
	db_arg_strz(&a, "reset");
	if (db_exec(c->db, db_stmt(c->db, STMT_TOKEN_VOID), &a, NULL, NULL) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_int(&a, user);
	db_arg_strz(&a, "email_change");
	if (db_exec(c->db, db_stmt(c->db, STMT_TOKEN_VOID), &a, NULL, NULL) == -1 ||
	    audit_user(c, r, user, "email.changed", "") == -1 || db_commit(c->db) == -1)
		goto fail;
	buf_addf(&text, "Your account's email address is now %s. Use it to log in.", email);
	rc = message(c, resp, 200, "Email address changed", text.ptr,
	    c->logged_in ? "/account/settings" : "/login",
	    c->logged_in ? "Account settings" : "Log in");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	free(email);
	buf_release(&text);
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------------ export */

static void
add_col(json_object *o, const char *key, const struct db_res *res, unsigned i)
{
	const char *s = db_col(res, i, NULL);

	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

static void
add_int(json_object *o, const char *key, const struct db_res *res, unsigned i)
{
	json_object_object_add(o, key, db_col(res, i, NULL) ?
	    json_object_new_int64(db_col_int(res, i, 0)) : NULL);
}

/*
 * Rows of stmt (one argument: the user's id, or email when not NULL) as
 * an array of objects; keys[i] names column i, with a leading '#' for
 * integer columns.  NULL on error.
 */
static json_object *
export_rows(struct ctx *c, enum stmt stmt, const char *email, const char *const *keys,
    unsigned nkeys)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *list = json_object_new_array(), *row;
	unsigned i;
	int rc;

	if (email != NULL)
		db_arg_strz(&a, email);
	else
		db_arg_int(&a, c->sess.user_id);
	if (db_select_idx(c->db, stmt, &a, &res) == -1) {
		rc = -1;
		goto out;
	}
	while ((rc = db_fetch(&res)) == 1) {
		row = json_object_new_object();
		for (i = 0; i < nkeys; i++) {
			if (keys[i][0] == '#')
				add_int(row, keys[i] + 1, &res, i);
			else
				add_col(row, keys[i], &res, i);
		}
		json_object_array_add(list, row);
	}
out:
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(list);
		return NULL;
	}
	return list;
}

/*
 * Everything held about the user, as a JSON download.  Secrets are named
 * but never exported: the password hash, the TOTP secret, token hashes.
 */
int
h_export(struct req *r, struct resp *resp)
{
	static const char *const k_members[] = { "#organisation_id", "organisation", "role",
		"member_since" };
	static const char *const k_sessions[] = { "#id", "#organisation_id", "created_at",
		"last_seen_at", "expires_at", "ip", "user_agent" };
	static const char *const k_audit[] = { "#id", "#organisation_id", "at", "action",
		"detail", "ip", "user_agent" };
	static const char *const k_tokens[] = { "kind", "expires_at" };
	static const char *const k_mails[] = { "queued_at", "subject", "sent_at" };
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *doc = json_object_new_object(), *p, *list;
	const char *out;
	size_t len;
	int rc;

	db_arg_int(&a, c->sess.user_id);
	if (db_select_idx(c->db, STMT_SET_EXPORT_USER, &a, &res) == -1 ||
	    (rc = db_fetch(&res)) != 1) {
		db_res_free(&res);
		goto fail;
	}
	json_object_object_add(doc, "format", json_object_new_string("trackr-account-export/1"));
	p = json_object_new_object();
	add_int(p, "id", &res, 0);
	add_col(p, "email", &res, 1);
	add_col(p, "email_verified_at", &res, 2);
	json_object_object_add(p, "is_staff", json_object_new_boolean(db_col_int(&res, 3, 0)));
	add_col(p, "created_at", &res, 4);
	add_col(p, "password_changed_at", &res, 5);
	json_object_object_add(p, "password", json_object_new_string(
	    "set; stored only as an argon2id hash, which is not exported"));
	json_object_object_add(p, "two_factor_secret", json_object_new_string(
	    db_col_int(&res, 6, 0) ? "set; stored, not exported" : "none"));
	add_col(p, "two_factor_enabled_at", &res, 7);
	json_object_object_add(doc, "profile", p);
	db_res_free(&res);
	if ((list = export_rows(c, STMT_SET_EXPORT_MEMBERS, NULL, k_members, 4)) == NULL)
		goto fail;
	json_object_object_add(doc, "memberships", list);
	if ((list = export_rows(c, STMT_SET_EXPORT_SESSIONS, NULL, k_sessions, 7)) == NULL)
		goto fail;
	json_object_object_add(doc, "sessions", list);
	if ((list = export_rows(c, STMT_SET_EXPORT_AUDIT, NULL, k_audit, 7)) == NULL)
		goto fail;
	json_object_object_add(doc, "audit_log", list);
	if ((list = export_rows(c, STMT_SET_EXPORT_TOKENS, NULL, k_tokens, 2)) == NULL)
		goto fail;
	json_object_object_add(doc, "pending_tokens", list);
	if ((list = export_rows(c, STMT_SET_EXPORT_MAILS, c->sess.email, k_mails, 3)) == NULL)
		goto fail;
	json_object_object_add(doc, "mails", list);
	json_object_object_add(doc, "note", json_object_new_string(
	    "Sessions and audit entries hold your own IP address and browser's User-Agent. "
	    "Pending tokens are links we mailed you; only their kind and expiry are shown. "
	    "Mails are those we sent to your address (their bodies held your links)."));

	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "account.exported", "");
	out = json_object_to_json_string_length(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	buf_reset(&resp->body);
	buf_add(&resp->body, out, len);
	buf_addch(&resp->body, '\n');
	resp->ctype = "application/json";
	resp_header(resp, "Content-Disposition", "attachment; filename=\"trackr-account.json\"");
	resp_header(resp, "Cache-Control", "no-store");
	resp_header(resp, "X-Content-Type-Options", "nosniff");
	resp_header(resp, "Referrer-Policy", "no-referrer");
	json_object_put(doc);
	db_args_free(&a);
	return 200;
fail:
	json_object_put(doc);
	db_args_free(&a);
	return internal_error(c, resp);
}

/* ------------------------------------------------------------ delete */

/* The user's organisations, sorted into what deleting the account does to each. */
struct org_plan {
	json_object	*blocked;	/* only owner, with other members: refuse */
	json_object	*deleted;	/* no other member: deleted with its sites and data */
	json_object	*left;		/* other members stay: the membership goes */
	long long	*del_ids;
	long long	*left_ids;
	size_t		 ndel, nleft;
};

static void
plan_free(struct org_plan *p)
{
	json_object_put(p->blocked);
	json_object_put(p->deleted);
	json_object_put(p->left);
	free(p->del_ids);
	free(p->left_ids);
	memset(p, 0, sizeof(*p));
}

static int
plan_make(struct ctx *c, struct org_plan *p)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *o;
	long long id, others, owners;
	const char *role, *s;
	int rc;

	memset(p, 0, sizeof(*p));
	p->blocked = json_object_new_array();
	p->deleted = json_object_new_array();
	p->left = json_object_new_array();
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, c->sess.user_id);
	if (db_select(c->db, db_stmt(c->db, STMT_SET_USER_ORGS), &a, &res) == -1) {
		rc = -1;
		goto out;
	}
	while ((rc = db_fetch(&res)) == 1) {
		id = db_col_int(&res, 0, 0);
		role = (s = db_col(&res, 2, NULL)) ? s : "";
		others = db_col_int(&res, 3, 0);
		owners = db_col_int(&res, 4, 0);
		o = json_object_new_object();
		view_str(o, "name", (s = db_col(&res, 1, NULL)) ? s : "");
		json_object_object_add(o, "others", json_object_new_int64(others));
		if (others == 0) {
			p->del_ids = xrealloc(p->del_ids, (p->ndel + 1) * sizeof(*p->del_ids));
			p->del_ids[p->ndel++] = id;
			json_object_array_add(p->deleted, o);
		} else if (strcmp(role, "owner") == 0 && owners == 0)
			json_object_array_add(p->blocked, o);
		else {
			p->left_ids = xrealloc(p->left_ids, (p->nleft + 1) * sizeof(*p->left_ids));
			p->left_ids[p->nleft++] = id;
			json_object_array_add(p->left, o);
		}
	}
out:
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

static int
delete_page(struct ctx *c, struct resp *resp, int status, const char *error,
    struct org_plan *p)
{
	json_object *v = view_new(c, resp, "Delete your account");

	view_str(v, "error", error ? error : "");
	json_object_object_add(v, "blocked", json_object_get(p->blocked));
	json_object_object_add(v, "deleted", json_object_get(p->deleted));
	json_object_object_add(v, "left", json_object_get(p->left));
	json_object_object_add(v, "allowed",
	    json_object_new_boolean(json_object_array_length(p->blocked) == 0));
	return render(c, resp, status, "account/settings_delete.html", v);
}

/* The outbox's mails to the user's address, sent or not: they name the user. */
static int
mails_delete(struct ctx *c)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_strz(&a, c->sess.email);
	rc = db_exec(c->db, db_stmt(c->db, STMT_SET_MAILS_DELETE), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/* Lock the membership rows of the user's organisations (SELECT ... FOR UPDATE); 0 or -1. */
static int
orgs_lock(struct ctx *c)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	int rc;

	db_arg_int(&a, c->sess.user_id);
	if ((rc = db_select(c->db, db_stmt(c->db, STMT_SET_USER_ORGS_LOCK), &a, &res)) == 0)
		while ((rc = db_fetch(&res)) == 1)
			;
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* Delete an organisation the user is the only member of, with its sites and their data. */
static int
org_delete(struct ctx *c, long long org)
{
	return exec_id(c, STMT_SET_ORG_DEL_EVENTS, org, NULL) == -1 ||
	    exec_id(c, STMT_SET_ORG_DEL_VISITS, org, NULL) == -1 ||
	    exec_id(c, STMT_SET_ORG_DEL_BATCHES, org, NULL) == -1 ||
	    exec_id(c, STMT_SET_ORG_DEL_AUDIT, org, NULL) == -1 ||
	    /* sites, memberships, API keys and invitations go by ON DELETE CASCADE */
	    exec_id(c, STMT_SET_ORG_DELETE, org, NULL) == -1 ? -1 : 0;
}

/*
 * GET explains what deleting the account does; POST (with the password)
 * does it, unless the user is the only owner of an organisation that has
 * other members: those must get another owner first.  Audit entries stay
 * but lose the link to the user.
 */
int
h_delete(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct org_plan p;
	struct buf text = BUF_INIT;
	size_t i;
	int ok, rc;

	if (r->method != METHOD_POST) {
		if (plan_make(c, &p) == -1)
			rc = internal_error(c, resp);
		else
			rc = delete_page(c, resp, 200, NULL, &p);
		plan_free(&p);
		return rc;
	}
	memset(&p, 0, sizeof(p));
	if ((ok = password_ok(c, r)) != 1) {
		if (ok == -1)
			return internal_error(c, resp);
		if (plan_make(c, &p) == -1)
			rc = internal_error(c, resp);
		else {
			if (ok == 2)
				resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
			rc = delete_page(c, resp, ok == 2 ? 429 : 403, ok == 2 ?
			    "Too many wrong passwords. Wait 15 minutes." :
			    "Your password is wrong.", &p);
		}
		plan_free(&p);
		return rc;
	}
	/* Lock the memberships of the user's organisations so none gains a member meanwhile. */
	if (db_begin(c->db) == -1 ||
	    orgs_lock(c) == -1 ||
	    plan_make(c, &p) == -1)
		goto fail;
	if (json_object_array_length(p.blocked) > 0) {
		db_rollback(c->db);
		rc = delete_page(c, resp, 409, "Your account cannot be deleted yet.", &p);
		goto out;
	}
	for (i = 0; i < p.ndel; i++)
		if (org_delete(c, p.del_ids[i]) == -1)
			goto fail;
	for (i = 0; i < p.nleft; i++)
		if (audit(c, r, p.left_ids[i], 0, "account.deleted",
		    "a member deleted their account") == -1)
			goto fail;
	/* Memberships, sessions and tokens go by ON DELETE CASCADE. */
	if (mails_delete(c) == -1 ||
	    exec_id(c, STMT_SET_AUDIT_UNLINK, c->sess.user_id, NULL) == -1 ||
	    exec_id(c, STMT_SET_USER_DELETE, c->sess.user_id, NULL) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	log_info("user %lld deleted their account and %zu organisations",
	    c->sess.user_id, p.ndel);
	set_session_cookie(c, resp, NULL);
	c->logged_in = 0;
	buf_addf(&text, "Your account was deleted%s. Thank you for using TrackR.",
	    p.ndel == 0 ? "" : p.ndel == 1 ? ", with the organisation only you belonged to" :
	    ", with the organisations only you belonged to");
	rc = message(c, resp, 200, "Account deleted", text.ptr, "/", "Home");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	buf_release(&text);
	plan_free(&p);
	return rc;
}
