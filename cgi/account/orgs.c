/*
 * orgs: the organisation page, its members, roles and invitations, and
 * the user's organisations (create one, switch between them).  Roles are
 * settled by the route flags in front(); what only the rows can tell (is
 * the target an owner, is it the last owner, is it you) is checked here,
 * inside the transaction that changes them, with the rows locked.
 *
 * Every statement names the organisation from the session; another
 * organisation's member or invitation answers 404 like a missing one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "secure.h"
#include "session.h"
#include "valid.h"
#include "account.h"

#define INVITE_SECONDS		(7 * 24 * 3600)
#define INVITE_PENDING_MAX	100	/* per organisation: each one is a mail sent */

static const char *const role_names[] = { "owner", "admin", "viewer" };

/* A positive id from a form field, or -1. */
static long long
field_id(struct ctx *c, const char *key)
{
	const char *s = field(c, key, NULL);
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v <= 0)
		return -1;
	return v;
}

/* The role field when it names a role, else NULL. */
static const char *
field_role(struct ctx *c)
{
	const char *s = field(c, "role", NULL);
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(s, role_names[i]) == 0)
			return role_names[i];
	return NULL;
}

static int
back(struct ctx *c, struct resp *resp, int status, const char *title, const char *text)
{
	return message(c, resp, status, title, text, "/account/org", "Back to the organisation");
}

static int
not_found(struct ctx *c, struct resp *resp, const char *what)
{
	return back(c, resp, 404, "Not found", what);
}

/*
 * The role of user in the session's organisation into role (8 bytes),
 * the row locked for the rest of the transaction.  1, 0 when not a
 * member, -1 on error.
 */
static int
member_role_locked(struct ctx *c, long long org, long long user, char role[8])
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	const char *v;
	int rc;

	role[0] = '\0';
	db_arg_int(&a, org);
	db_arg_int(&a, user);
	if ((rc = db_select(c->db, db_stmt(c->db, STMT_ORG_MEMBER_LOCK), &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1)
		snprintf(role, 8, "%s", (v = db_col(&res, 0, NULL)) ? v : "");
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/*
 * The number of owners of org, with every member row of org locked (in
 * primary-key order, so two changes never deadlock): taken first by each
 * change of members, so two demotions or departures cannot both pass the
 * last-owner check.  -1 on error.
 */
static long long
owners_locked(struct ctx *c, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	long long n = -1;

	db_arg_int(&a, org);
	if (db_select(c->db, db_stmt(c->db, STMT_ORG_OWNERS_LOCK), &a, &res) == 0 &&
	    db_fetch(&res) == 1)
		n = db_col_int(&res, 0, -1);
	db_res_free(&res);
	db_args_free(&a);
	return n;
}

/* The email of a member of org (for the audit detail) into out. */
static void
member_email(struct ctx *c, long long org, long long user, struct buf *out)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	const char *v;

	buf_reset(out);
	db_arg_int(&a, org);
	db_arg_int(&a, user);
	if (db_select(c->db, db_stmt(c->db, STMT_ORG_MEMBER_EMAIL), &a, &res) == 0 &&
	    db_fetch(&res) == 1 && (v = db_col(&res, 0, NULL)) != NULL)
		buf_adds(out, v);
	db_res_free(&res);
	db_args_free(&a);
	if (out->len == 0)
		buf_addf(out, "user %lld", user);
}

/* Move this session (only) to org; 0 or -1. */
static int
session_move(struct ctx *c, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, org);
	db_arg_uint(&a, c->sess.id);
	db_arg_int(&a, c->sess.user_id);
	rc = db_exec(c->db, db_stmt(c->db, STMT_ORG_SESSION_MOVE), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/* The first column of statement i's first row as a number (0 when none), -1 on error. */
static long long
count_of(struct ctx *c, enum stmt i, struct db_args *a)
{
	struct db_res res;
	long long n = -1;
	int rc;

	if (db_select_idx(c->db, i, a, &res) == 0 && (rc = db_fetch(&res)) >= 0)
		n = rc == 1 ? db_col_int(&res, 0, 0) : 0;
	db_res_free(&res);
	return n;
}

/* ------------------------------------------------------------- page */

static json_object *
role_options(const char *current, int with_owner)
{
	json_object *list = json_object_new_array(), *o;
	size_t i;

	for (i = with_owner ? 0 : 1; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		o = json_object_new_object();
		view_str(o, "name", role_names[i]);
		json_object_object_add(o, "selected",
		    json_object_new_boolean(strcmp(role_names[i], current) == 0));
		json_object_array_add(list, o);
	}
	return list;
}

static int
add_members(struct ctx *c, json_object *v, int admin, int owner)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *list = json_object_new_array(), *others = json_object_new_array(), *row;
	const char *role, *s;
	long long id;
	int rc, you, manage;

	json_object_object_add(v, "members", list);
	json_object_object_add(v, "transfer_to", others);
	db_arg_int(&a, c->sess.org_id);
	if (db_select_idx(c->db, STMT_ORG_MEMBERS, &a, &res) == -1)
		rc = -1;
	else
		while ((rc = db_fetch(&res)) == 1) {
			id = db_col_int(&res, 0, 0);
			role = (s = db_col(&res, 2, NULL)) ? s : "viewer";
			you = id == c->sess.user_id;
			/* What front() and the handlers allow, so no form shows that would be refused. */
			manage = admin && !you && (owner || strcmp(role, "owner") != 0);
			row = json_object_new_object();
			json_object_object_add(row, "id", json_object_new_int64(id));
			view_str(row, "email", (s = db_col(&res, 1, NULL)) ? s : "");
			view_str(row, "role", role);
			view_str(row, "since", (s = db_col(&res, 3, NULL)) ? s : "");
			json_object_object_add(row, "you", json_object_new_boolean(you));
			json_object_object_add(row, "manage", json_object_new_boolean(manage));
			json_object_object_add(row, "roles",
			    manage ? role_options(role, owner) : json_object_new_array());
			json_object_array_add(list, row);
			if (owner && !you) {
				row = json_object_new_object();
				json_object_object_add(row, "id", json_object_new_int64(id));
				view_str(row, "email", (s = db_col(&res, 1, NULL)) ? s : "");
				json_object_array_add(others, row);
			}
		}
	db_res_free(&res);
	db_args_free(&a);
	json_object_object_add(v, "has_others",
	    json_object_new_boolean(json_object_array_length(others) > 0));
	return rc;
}

static int
add_invites(struct ctx *c, json_object *v, int admin)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *list = json_object_new_array(), *row;
	const char *s;
	int rc = 0;

	json_object_object_add(v, "invites", list);
	if (!admin)
		return 0;
	db_arg_int(&a, c->sess.org_id);
	if (db_select_idx(c->db, STMT_ORG_INVITES, &a, &res) == -1)
		rc = -1;
	else
		while ((rc = db_fetch(&res)) == 1) {
			row = json_object_new_object();
			json_object_object_add(row, "id", json_object_new_int64(db_col_int(&res, 0, 0)));
			view_str(row, "email", (s = db_col(&res, 1, NULL)) ? s : "");
			view_str(row, "role", (s = db_col(&res, 2, NULL)) ? s : "");
			view_str(row, "expires", (s = db_col(&res, 3, NULL)) ? s : "");
			json_object_array_add(list, row);
		}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

static int
add_orgs(struct ctx *c, json_object *v)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *list = json_object_new_array(), *row;
	const char *s;
	long long id;
	int rc;

	json_object_object_add(v, "orgs", list);
	db_arg_int(&a, c->sess.user_id);
	if (db_select_idx(c->db, STMT_ORG_OF_USER, &a, &res) == -1)
		rc = -1;
	else
		while ((rc = db_fetch(&res)) == 1) {
			id = db_col_int(&res, 0, 0);
			row = json_object_new_object();
			json_object_object_add(row, "id", json_object_new_int64(id));
			view_str(row, "name", (s = db_col(&res, 1, NULL)) ? s : "");
			view_str(row, "role", (s = db_col(&res, 2, NULL)) ? s : "");
			json_object_object_add(row, "current",
			    json_object_new_boolean(id == c->sess.org_id));
			json_object_array_add(list, row);
		}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* GET /account/org: members, invitations (admins), the forms the role allows. */
int
h_org(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	int admin = role_at_least(&c->sess, "admin"), owner = role_at_least(&c->sess, "owner");
	json_object *v;

	v = view_new(c, resp, "Organisation");
	view_str(v, "org_name", c->sess.org_name);
	view_str(v, "my_role", c->sess.role);
	json_object_object_add(v, "is_admin", json_object_new_boolean(admin));
	json_object_object_add(v, "is_owner", json_object_new_boolean(owner));
	json_object_object_add(v, "invite_roles", role_options("viewer", owner));
	if (add_members(c, v, admin, owner) == -1 || add_invites(c, v, admin) == -1 ||
	    add_orgs(c, v) == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, 200, "account/org.html", v);
}

/* ------------------------------------------------------ invitations */

/* POST /account/org/invite (admin+): a 7-day single-use link by mail. */
int
h_org_invite(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf email = BUF_INIT, link = BUF_INIT, detail = BUF_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char tok[SESSION_TOKEN_MAX] = "";
	const char *role = field_role(c);
	long long n;
	size_t len;
	int rc;

	buf_adds(&email, field(c, "email", &len));
	if (!email_normalise(email.ptr, email.len) || role == NULL) {
		rc = back(c, resp, 422, "Cannot invite",
		    "Enter a valid email address and a role.");
		goto out;
	}
	if (strcmp(role, "owner") == 0 && !role_at_least(&c->sess, "owner")) {
		rc = back(c, resp, 403, "Not allowed", "Only an owner can invite owners.");
		goto out;
	}
	db_arg_int(&a, c->sess.org_id);
	db_arg_strz(&a, email.ptr);
	if ((n = count_of(c, STMT_ORG_MEMBER_BY_EMAIL, &a)) != 0) {
		rc = n < 0 ? internal_error(c, resp) : back(c, resp, 409, "Already a member",
		    "That address already belongs to a member of this organisation.");
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, c->sess.org_id);
	if ((n = count_of(c, STMT_ORG_INVITES_PENDING, &a)) < 0 || n >= INVITE_PENDING_MAX) {
		rc = n < 0 ? internal_error(c, resp) : back(c, resp, 429, "Too many invitations",
		    "This organisation has too many pending invitations. Revoke some first.");
		goto out;
	}
	if (session_token_new(tok, hash) == -1 || db_begin(c->db) == -1)
		goto fail;
	/* A new invitation for the same address replaces the pending one. */
	db_args_reset(&a);
	db_arg_int(&a, c->sess.org_id);
	db_arg_strz(&a, email.ptr);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_INVITE_VOID), &a, NULL, NULL) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_strz(&a, email.ptr);
	db_arg_int(&a, c->sess.org_id);
	db_arg_strz(&a, role);
	db_arg_int(&a, INVITE_SECONDS);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_INVITE_ADD), &a, NULL, NULL) == -1)
		goto fail;
	buf_addf(&link, "%s/account/invite?token=%s", c->app->base_url, tok);
	buf_addf(&detail, "%s as %s", email.ptr, role);
	if (send_mail(c, email.ptr, "You are invited to an organisation on TrackR", "invite",
	    link.ptr) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "invite.sent", detail.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(tok, sizeof(tok));
	crypt_wipe(link.ptr, link.len);
	buf_release(&detail);
	buf_release(&link);
	buf_release(&email);
	db_args_free(&a);
	return rc;
}

/* POST /account/org/revoke (admin+): a pending invitation of this organisation. */
int
h_org_revoke(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf detail = BUF_INIT;
	unsigned long long n = 0;
	long long id = field_id(c, "invite");
	const char *v;
	int rc;

	if (id < 0)
		return not_found(c, resp, "There is no such invitation.");
	db_arg_int(&a, id);
	db_arg_int(&a, c->sess.org_id);
	if (db_select_idx(c->db, STMT_ORG_INVITE_GET, &a, &res) == 0 && db_fetch(&res) == 1 &&
	    (v = db_col(&res, 0, NULL)) != NULL)
		buf_addf(&detail, "%s", v);
	db_res_free(&res);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_INVITE_DELETE), &a, &n, NULL) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (n == 0) {
		rc = not_found(c, resp, "There is no such invitation.");
		goto out;
	}
	(void)audit(c, r, c->sess.org_id, c->sess.user_id, "invite.revoked", detail.ptr);
	rc = redirect(resp, "/account/org");
out:
	buf_release(&detail);
	db_args_free(&a);
	return rc;
}

struct invite {
	long long	 id;
	long long	 org_id;
	char		 role[8];
	struct buf	 email;
	struct buf	 org_name;
};

/* The live invitation for tok: 1, 0 when none (bad, used, expired), -1 on error. */
static int
invite_find(struct ctx *c, const char *tok, size_t len, struct invite *in)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *v;
	int rc;

	if (session_token_hash(tok, len, hash) == -1)
		return 0;
	db_arg_blob(&a, hash, sizeof(hash));
	if ((rc = db_select_idx(c->db, STMT_ORG_INVITE_FIND, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		in->id = db_col_int(&res, 0, 0);
		buf_adds(&in->email, (v = db_col(&res, 1, NULL)) ? v : "");
		snprintf(in->role, sizeof(in->role), "%s", (v = db_col(&res, 2, NULL)) ? v : "");
		in->org_id = db_col_int(&res, 3, 0);
		buf_adds(&in->org_name, (v = db_col(&res, 4, NULL)) ? v : "");
	}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/*
 * GET /account/invite?token=: who invites, to which role, and what to do:
 * accept (logged in as the invited address), switch account (logged in as
 * someone else), or log in / sign up (with next= back here).  A mail
 * scanner following the link spends nothing; POST accepts.
 */
int
h_invite(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct invite in = { 0, 0, "", BUF_INIT, BUF_INIT };
	struct buf next = BUF_INIT;
	json_object *v;
	const char *tok;
	size_t len = 0;
	int rc;

	if ((tok = kv_get(&r->args, "token", &len)) == NULL || !valid_token(tok, len, SESSION_TOKEN_LEN))
		tok = "", len = 0;
	if ((rc = invite_find(c, tok, len, &in)) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (rc == 0) {
		rc = message(c, resp, 400, "Invitation expired",
		    "This invitation is invalid, used, revoked or expired. Ask for a new one.",
		    "/account", "Your account");
		goto out;
	}
	v = view_new(c, resp, "Invitation");
	view_str(v, "org_name", in.org_name.ptr);
	view_str(v, "role", in.role);
	view_str(v, "invited", in.email.ptr);
	/* This page's own token, from its URL: the accept form needs it. */
	view_str(v, "token", tok);
	buf_addf(&next, "/account/invite?token=%s", tok);
	view_str(v, "next", next.ptr);
	json_object_object_add(v, "can_accept", json_object_new_boolean(
	    c->logged_in && strcmp(c->sess.email, in.email.ptr) == 0));
	json_object_object_add(v, "other_user", json_object_new_boolean(
	    c->logged_in && strcmp(c->sess.email, in.email.ptr) != 0));
	rc = render(c, resp, 200, "account/invite.html", v);
out:
	buf_release(&next);
	buf_release(&in.email);
	buf_release(&in.org_name);
	return rc;
}

/* POST /account/invite (logged in): join with the invited role, once, as the invited address. */
int
h_invite_accept(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct invite in = { 0, 0, "", BUF_INIT, BUF_INIT };
	struct db_args a = DB_ARGS_INIT;
	struct buf detail = BUF_INIT;
	char role[8];
	const char *tok;
	size_t len;
	int rc, member;

	tok = field(c, "token", &len);
	if ((rc = invite_find(c, tok, len, &in)) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (rc == 0) {
		rc = message(c, resp, 400, "Invitation expired",
		    "This invitation is invalid, used, revoked or expired. Ask for a new one.",
		    "/account", "Your account");
		goto out;
	}
	/* Bound to the address it was sent to: a forwarded link is not a key. */
	if (strcmp(c->sess.email, in.email.ptr) != 0) {
		rc = message(c, resp, 403, "Not your invitation",
		    "This invitation was sent to another email address. Log in as that "
		    "address to accept it.", "/account", "Your account");
		goto out;
	}
	if (db_begin(c->db) == -1)
		goto fail;
	if ((rc = token_use(c, in.id)) != 1) {
		db_rollback(c->db);
		if (rc == -1)
			goto fail;
		rc = message(c, resp, 400, "Invitation expired",
		    "This invitation is invalid, used, revoked or expired. Ask for a new one.",
		    "/account", "Your account");
		goto out;
	}
	if ((member = member_role_locked(c, in.org_id, c->sess.user_id, role)) == -1)
		goto fail;
	if (member == 0) {
		db_arg_int(&a, in.org_id);
		db_arg_int(&a, c->sess.user_id);
		db_arg_strz(&a, in.role);
		if (db_exec(c->db, db_stmt(c->db, STMT_MEMBER_ADD), &a, NULL, NULL) == -1)
			goto fail;
	}
	buf_addf(&detail, member ? "already a member as %s" : "as %s", member ? role : in.role);
	if (session_move(c, in.org_id) == -1 ||
	    audit(c, r, in.org_id, c->sess.user_id, "invite.accepted", detail.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	buf_release(&detail);
	buf_release(&in.email);
	buf_release(&in.org_name);
	db_args_free(&a);
	return rc;
}

/* ---------------------------------------------------------- members */

/*
 * POST /account/org/role (admin+): member, role.  Not your own role; an
 * admin neither changes an owner nor makes one; the last owner stays.
 */
int
h_org_role(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf detail = BUF_INIT;
	long long id = field_id(c, "member"), owners;
	const char *role = field_role(c);
	int owner = role_at_least(&c->sess, "owner"), st;
	char old[8];
	int rc;

	if (id < 0)
		return not_found(c, resp, "There is no such member.");
	if (role == NULL)
		return back(c, resp, 422, "Cannot change the role", "Choose owner, admin or viewer.");
	if (db_begin(c->db) == -1 || (owners = owners_locked(c, c->sess.org_id)) < 0)
		goto fail;
	if ((st = member_role_locked(c, c->sess.org_id, id, old)) == -1)
		goto fail;
	if (st == 0) {
		db_rollback(c->db);
		rc = not_found(c, resp, "There is no such member.");
		goto out;
	}
	if (id == c->sess.user_id) {
		db_rollback(c->db);
		rc = back(c, resp, 403, "Not allowed", "You cannot change your own role.");
		goto out;
	}
	if (!owner && (strcmp(old, "owner") == 0 || strcmp(role, "owner") == 0)) {
		db_rollback(c->db);
		rc = back(c, resp, 403, "Not allowed",
		    "Only an owner can change an owner's role or make someone an owner.");
		goto out;
	}
	if (strcmp(old, "owner") == 0 && strcmp(role, "owner") != 0 && owners <= 1) {
		db_rollback(c->db);
		rc = back(c, resp, 409, "The last owner",
		    "An organisation keeps at least one owner. Transfer ownership first.");
		goto out;
	}
	db_arg_strz(&a, role);
	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, id);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_MEMBER_SET_ROLE), &a, NULL, NULL) == -1)
		goto fail;
	member_email(c, c->sess.org_id, id, &detail);
	buf_addf(&detail, ": %s to %s", old, role);
	if (audit(c, r, c->sess.org_id, c->sess.user_id, "member.role_changed", detail.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	buf_release(&detail);
	db_args_free(&a);
	return rc;
}

/*
 * Take user out of the session's organisation, with their sessions that
 * work in it (they would die at the next lookup anyway).  In the caller's
 * transaction; 0 or -1.
 */
static int
member_delete(struct ctx *c, long long user)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, user);
	rc = db_exec(c->db, db_stmt(c->db, STMT_ORG_MEMBER_DELETE), &a, NULL, NULL);
	if (rc == 0)
		rc = db_exec(c->db, db_stmt(c->db, STMT_ORG_MEMBER_SESSIONS_END), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/* POST /account/org/remove (admin+): member.  Admins cannot remove owners; not yourself (leave). */
int
h_org_remove(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct buf detail = BUF_INIT;
	long long id = field_id(c, "member"), owners;
	char old[8];
	int rc, st;

	if (id < 0)
		return not_found(c, resp, "There is no such member.");
	if (db_begin(c->db) == -1 || (owners = owners_locked(c, c->sess.org_id)) < 0)
		goto fail;
	if ((st = member_role_locked(c, c->sess.org_id, id, old)) == -1)
		goto fail;
	if (st == 0) {
		db_rollback(c->db);
		rc = not_found(c, resp, "There is no such member.");
		goto out;
	}
	if (id == c->sess.user_id) {
		db_rollback(c->db);
		rc = back(c, resp, 403, "Not allowed",
		    "To take yourself out of the organisation, leave it.");
		goto out;
	}
	if (strcmp(old, "owner") == 0) {
		if (!role_at_least(&c->sess, "owner")) {
			db_rollback(c->db);
			rc = back(c, resp, 403, "Not allowed", "Only an owner can remove an owner.");
			goto out;
		}
		if (owners <= 1) {	/* cannot happen while you are an owner too; kept as a guard */
			db_rollback(c->db);
			rc = back(c, resp, 409, "The last owner",
			    "An organisation keeps at least one owner.");
			goto out;
		}
	}
	member_email(c, c->sess.org_id, id, &detail);
	buf_addf(&detail, " (%s)", old);
	if (member_delete(c, id) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "member.removed", detail.ptr) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	buf_release(&detail);
	return rc;
}

/*
 * POST /account/org/leave: not the last owner (transfer first), and not
 * your last organisation (an account always has one to log in to).  Your
 * sessions in it move to another of your organisations.
 */
int
h_org_leave(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	long long owners, other = 0;
	char role[8];
	int rc, st;

	if (db_begin(c->db) == -1 || (owners = owners_locked(c, c->sess.org_id)) < 0)
		goto fail;
	if ((st = member_role_locked(c, c->sess.org_id, c->sess.user_id, role)) != 1)
		goto fail;	/* front() found the membership: only an error gets here */
	if (strcmp(role, "owner") == 0 && owners <= 1) {
		db_rollback(c->db);
		rc = back(c, resp, 409, "You are the last owner",
		    "An organisation keeps at least one owner. Transfer ownership "
		    "to another member first.");
		goto out;
	}
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, c->sess.org_id);
	if (db_select(c->db, db_stmt(c->db, STMT_ORG_USER_OTHER), &a, &res) == -1 ||
	    (st = db_fetch(&res)) == -1) {
		db_res_free(&res);
		goto fail;
	}
	if (st == 1)
		other = db_col_int(&res, 0, 0);
	db_res_free(&res);
	if (other <= 0) {
		db_rollback(c->db);
		rc = back(c, resp, 409, "Your only organisation",
		    "You cannot leave your only organisation. Create or join another one first.");
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, other);
	db_arg_int(&a, c->sess.user_id);
	db_arg_int(&a, c->sess.org_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_USER_SESSIONS_MOVE), &a, NULL, NULL) == -1 ||
	    member_delete(c, c->sess.user_id) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "member.left", role) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	db_args_free(&a);
	return rc;
}

/*
 * POST /account/org/transfer (owner): member, confirm=yes.  The member
 * becomes an owner and you an admin, in one transaction.
 */
int
h_org_transfer(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf detail = BUF_INIT;
	long long id = field_id(c, "member");
	char old[8], mine[8];
	int rc, st;

	if (id < 0)
		return not_found(c, resp, "There is no such member.");
	if (strcmp(field(c, "confirm", NULL), "yes") != 0)
		return back(c, resp, 422, "Not confirmed",
		    "Tick the box to confirm that you hand the ownership over.");
	if (id == c->sess.user_id)
		return back(c, resp, 422, "Cannot transfer", "Choose another member.");
	if (db_begin(c->db) == -1 || owners_locked(c, c->sess.org_id) < 0)
		goto fail;
	if ((st = member_role_locked(c, c->sess.org_id, id, old)) == -1 ||
	    member_role_locked(c, c->sess.org_id, c->sess.user_id, mine) != 1)
		goto fail;
	if (st == 0) {
		db_rollback(c->db);
		rc = not_found(c, resp, "There is no such member.");
		goto out;
	}
	if (strcmp(mine, "owner") != 0) {	/* demoted since front() looked */
		db_rollback(c->db);
		rc = back(c, resp, 403, "Not allowed", "Only an owner can transfer ownership.");
		goto out;
	}
	db_arg_strz(&a, "owner");
	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, id);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_MEMBER_SET_ROLE), &a, NULL, NULL) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_strz(&a, "admin");
	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, c->sess.user_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_MEMBER_SET_ROLE), &a, NULL, NULL) == -1)
		goto fail;
	member_email(c, c->sess.org_id, id, &detail);
	buf_addf(&detail, " (was %s); you are now admin", old);
	if (audit(c, r, c->sess.org_id, c->sess.user_id, "ownership.transferred",
	    detail.ptr) == -1 || db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	buf_release(&detail);
	db_args_free(&a);
	return rc;
}

/* ---------------------------------------------------- organisations */

/* POST /account/org/create: org (name).  You become its owner and work in it. */
int
h_org_create(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	unsigned long long org = 0;
	const char *name;
	size_t len;
	int rc;

	name = field(c, "org", &len);
	if (len == 0 || !valid_text(name, len) || utf8_chars(name, len) > ORG_NAME_MAX)
		return back(c, resp, 422, "Cannot create the organisation",
		    "Enter the organisation's name (up to 200 characters).");
	if (db_begin(c->db) == -1)
		goto fail;
	db_arg_str(&a, name, len);
	if (db_exec(c->db, db_stmt(c->db, STMT_ORG_ADD), &a, NULL, &org) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_uint(&a, org);
	db_arg_int(&a, c->sess.user_id);
	db_arg_strz(&a, "owner");
	if (db_exec(c->db, db_stmt(c->db, STMT_MEMBER_ADD), &a, NULL, NULL) == -1 ||
	    session_move(c, (long long)org) == -1 ||
	    audit(c, r, (long long)org, c->sess.user_id, "org.created", "") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	db_args_free(&a);
	return rc;
}

/* POST /account/org/switch: org_id, one of yours (else 404); this session only. */
int
h_org_switch(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	long long id = field_id(c, "org_id");
	char role[8];
	int rc, st;

	if (id < 0)
		return not_found(c, resp, "There is no such organisation.");
	if (db_begin(c->db) == -1)
		goto fail;
	if ((st = member_role_locked(c, id, c->sess.user_id, role)) == -1)
		goto fail;
	if (st == 0) {
		db_rollback(c->db);
		rc = not_found(c, resp, "There is no such organisation.");
		goto out;
	}
	/* Logged in the organisation switched to; the one left is not named there. */
	if (session_move(c, id) == -1 ||
	    audit(c, r, id, c->sess.user_id, "org.switched", "") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/org");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	return rc;
}
