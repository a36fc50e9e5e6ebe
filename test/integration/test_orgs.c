/*
 * Integration tests of organisations in trackr-account through nginx on
 * the test stack: invitations by mail (single use, bound to the invited
 * address), the role matrix of the /account/org routes, the last-owner
 * rule, ownership transfer, switching organisations, tenant isolation
 * (another organisation's ids answer 404) and escaping of the name.
 * Mails are read from mail_outbox, as a user would read their inbox.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define XSS_ORG		"<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
#define XSS_ESCAPED	"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x"
/* Its own client address, so sign-up throttling does not count other suites' users. */
#define ORGS_IFACE	"127.0.7.1"

enum role_no { R_NONE, R_OWNER, R_ADMIN, R_VIEWER };

enum stmt {
	STMT_LAST_MAIL,
	STMT_AUDIT_COUNT,
	STMT_MAILS_TO,
	STMT_USER_ID,
	STMT_FIRST_ORG,
	STMT_ROLE_IN,
	STMT_INVITE_ID,
	STMT_SESSION_ORG,
	STMT_SESSIONS_IN,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.user_id "
	    "WHERE u.email = ? AND a.action = ?",
	[STMT_MAILS_TO] = "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?",
	[STMT_USER_ID] = "SELECT id FROM users WHERE email = ?",
	[STMT_FIRST_ORG] =
	    "SELECT MIN(m.org_id) FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ?",
	[STMT_ROLE_IN] =
	    "SELECT FIELD(m.role, 'owner', 'admin', 'viewer') FROM org_members m "
	    "JOIN users u ON u.id = m.user_id WHERE u.email = ? AND m.org_id = ?",
	[STMT_INVITE_ID] =
	    "SELECT MAX(id) FROM tokens WHERE kind = 'invite' AND email = ?",
	[STMT_SESSION_ORG] = "SELECT org_id FROM user_sessions WHERE token_hash = ?",
	[STMT_SESSIONS_IN] =
	    "SELECT COUNT(*) FROM user_sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE u.email = ? AND s.org_id = ?",
};

static struct conf	conf;
static struct db	*db;
/* owner, admin, viewer (invited), outsider (another organisation) */
static char		 eo[96], ea[96], ev[96], ex[96];
static long long	 org_o, org_v, org_x;











static long long
db_count_str(enum stmt s, const char *a1, const char *a2)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_strz(&a, a1);
	if (a2 != NULL)
		db_arg_strz(&a, a2);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}



/* Sign up and verify a user; 1 when both worked. */
static int
make_user(const char *email, const char *org)
{
	return it_verified_user(db, STMT_LAST_MAIL, NULL, email, org, PASSWORD);
}


static long long
user_id(const char *email)
{
	return db_count_str(STMT_USER_ID, email, NULL);
}

static long long
org_of(const char *email)
{
	return db_count_str(STMT_FIRST_ORG, email, NULL);
}

static long long
role_in(const char *email, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_strz(&a, email);
	db_arg_int(&a, org);
	n = it_db_int(db, STMT_ROLE_IN, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
sessions_in(const char *email, long long org)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_strz(&a, email);
	db_arg_int(&a, org);
	n = it_db_int(db, STMT_SESSIONS_IN, &a, 0);
	db_args_free(&a);
	return n;
}

/* The organisation the jar's session works in; 0 when none. */
static long long
session_org(const struct it_jar *j)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	long long n;

	crypt_sha256(j->session.ptr, j->session.len, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	n = it_db_int(db, STMT_SESSION_ORG, &a, 0);
	db_args_free(&a);
	return n;
}

static long long
audits(const char *email, const char *action)
{
	return db_count_str(STMT_AUDIT_COUNT, email, action);
}

/* POST fields (formatted) to action with a token from /account/org; the status. */
static long
org_post(struct it_jar *j, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static long
org_post(struct it_jar *j, const char *action, const char *fmt, ...)
{
	struct it_resp r;
	struct buf f = BUF_INIT;
	va_list ap;
	long st;

	va_start(ap, fmt);
	buf_vaddf(&f, fmt, ap);
	va_end(ap);
	it_submit(j, "/account/org", action, f.ptr, &r);
	st = r.status;
	it_resp_free(&r);
	buf_release(&f);
	return st;
}

static long
login_as(struct it_jar *j, const char *email)
{
	struct it_resp r;
	long st;

	it_jar_free(j);
	it_login(j, email, PASSWORD, NULL, &r);
	st = r.status;
	it_resp_free(&r);
	return st;
}

static struct it_jar	jo = IT_JAR_INIT, ja = IT_JAR_INIT, jv = IT_JAR_INIT, jx = IT_JAR_INIT;

/* ------------------------------------------------------------- tests */

static void
test_setup(void)
{
	IT_CHECK(make_user(eo, XSS_ORG), "sign up and verify %s", eo);
	IT_CHECK(make_user(ea, "Admins own"), "sign up and verify %s", ea);
	IT_CHECK(make_user(ev, "Viewers own"), "sign up and verify %s", ev);
	IT_CHECK(make_user(ex, "Outsiders Ltd"), "sign up and verify %s", ex);
	org_o = org_of(eo);
	org_v = org_of(ev);
	org_x = org_of(ex);
	IT_CHECK(org_o > 0 && org_v > 0 && org_x > 0, "organisations %lld %lld %lld",
	    org_o, org_v, org_x);
	IT_CHECK(login_as(&jo, eo) == 303 && login_as(&ja, ea) == 303 &&
	    login_as(&jv, ev) == 303 && login_as(&jx, ex) == 303, "four logins");
}

static void
test_anonymous(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;

	it_get(&j, "/account/org", &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login?next=%2Faccount%2Forg"),
	    "GET /account/org without a session: %ld", r.status);
	it_resp_free(&r);
	it_post(&j, "/account/org/invite", "email=a%40example.com&role=viewer", &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login"),
	    "POST /account/org/invite without a session: %ld", r.status);
	it_resp_free(&r);
	it_post(&j, "/account/org/switch", "org_id=1", &r);
	IT_CHECK(r.status == 303, "POST /account/org/switch without a session: %ld", r.status);
	it_resp_free(&r);
	it_jar_free(&j);
}

static void
test_page_escapes(void)
{
	struct it_resp r;

	it_get(&jo, "/account/org", &r);
	IT_CHECK(r.status == 200, "GET /account/org: %ld", r.status);
	IT_CHECK(strstr(r.body.ptr, "<script>alert(1)") == NULL &&
	    strstr(r.body.ptr, "<img src=x") == NULL && strstr(r.body.ptr, XSS_ESCAPED) != NULL,
	    "the organisation name renders inert");
	IT_CHECK(strstr(r.body.ptr, "<script") == NULL, "no script element at all");
	IT_CHECK(strstr(r.body.ptr, "action=\"/account/org/invite\"") != NULL &&
	    strstr(r.body.ptr, "action=\"/account/org/transfer\"") == NULL,
	    "an owner alone: the invite form, no one to transfer to");
	it_resp_free(&r);
}

/* Accept the newest invitation mailed to email, in jar j. */
static long
accept_mailed(struct it_jar *j, const char *email, char tok[64])
{
	struct it_resp r;
	struct buf path = BUF_INIT, f = BUF_INIT;
	long st;

	if (!it_mail_token(db, STMT_LAST_MAIL, email, tok))
		return -1;
	buf_addf(&path, "/account/invite?token=%s", tok);
	it_form_add(&f, "token", tok);
	it_submit(j, path.ptr, "/account/invite", f.ptr, &r);
	st = r.status;
	it_resp_free(&r);
	buf_release(&f);
	buf_release(&path);
	return st;
}

static void
test_invitations(void)
{
	struct it_jar anon = IT_JAR_INIT;
	struct it_resp r;
	struct buf path = BUF_INIT, f = BUF_INIT;
	char tok[64], tokv[64];
	long long mails = db_count_str(STMT_MAILS_TO, ev, NULL);

	IT_CHECK(org_post(&jo, "/account/org/invite", "email=%s&role=viewer", ev) == 303,
	    "owner invites a viewer");
	IT_CHECK(db_count_str(STMT_MAILS_TO, ev, NULL) == mails + 1, "one mail to the viewer");
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, ev, tokv), "an invitation link in the mail");
	buf_addf(&path, "/account/invite?token=%s", tokv);

	/* Anonymous: the organisation, the role, and a way to log in back to here. */
	it_get(&anon, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, XSS_ESCAPED) != NULL &&
	    strstr(r.body.ptr, "<script>alert(1)") == NULL && strstr(r.body.ptr, "viewer") &&
	    strstr(r.body.ptr, "/login?next=%2Faccount%2Finvite%3Ftoken%3D") != NULL &&
	    strstr(r.body.ptr, "action=\"/account/invite\"") == NULL,
	    "invitation page, logged out: %ld", r.status);
	it_resp_free(&r);
	it_form_add(&f, "token", tokv);
	it_post(&anon, "/account/invite", f.ptr, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login"),
	    "accepting logged out: %ld", r.status);
	it_resp_free(&r);

	/* Bound to the invited address: someone else cannot take it. */
	it_get(&jx, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "was sent to") &&
	    strstr(r.body.ptr, "action=\"/account/invite\"") == NULL,
	    "invitation page as another user: %ld", r.status);
	it_resp_free(&r);
	it_submit(&jx, path.ptr, "/account/invite", f.ptr, &r);
	IT_CHECK(r.status == 403, "another user accepts: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(role_in(ex, org_o) == R_NONE, "the outsider did not join");

	/* The invited user accepts, once. */
	it_get(&jv, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "action=\"/account/invite\""),
	    "invitation page as the invited user: %ld", r.status);
	it_resp_free(&r);
	it_submit(&jv, path.ptr, "/account/invite", f.ptr, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/account/org"),
	    "the viewer accepts: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(role_in(ev, org_o) == R_VIEWER, "the viewer is a viewer of the owner's org");
	IT_CHECK(session_org(&jv) == org_o, "the viewer's session works in the new org");
	it_submit(&jv, path.ptr, "/account/invite", f.ptr, &r);
	IT_CHECK(r.status == 400, "the same invitation twice: %ld", r.status);
	it_resp_free(&r);
	it_get(&anon, path.ptr, &r);
	IT_CHECK(r.status == 400, "the used link: %ld", r.status);
	it_resp_free(&r);

	IT_CHECK(org_post(&jo, "/account/org/invite", "email=%s&role=admin", ea) == 303,
	    "owner invites an admin");
	IT_CHECK(accept_mailed(&ja, ea, tok) == 303, "the admin accepts");
	IT_CHECK(role_in(ea, org_o) == R_ADMIN, "the admin is an admin");

	it_get(&jo, "/account/org", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, ev) && strstr(r.body.ptr, ea),
	    "the members are listed");
	it_resp_free(&r);
	IT_CHECK(audits(eo, "invite.sent") == 2, "audit: invite.sent");
	IT_CHECK(audits(ev, "invite.accepted") == 1 && audits(ea, "invite.accepted") == 1,
	    "audit: invite.accepted");
	buf_release(&f);
	buf_release(&path);
	it_jar_free(&anon);
}

static void
test_viewer_matrix(void)
{
	struct it_resp r;
	long long uo = user_id(eo), ua = user_id(ea);
	struct buf pending = BUF_INIT;
	long long inv;

	buf_addf(&pending, "pending-%lld@example.com", (long long)time(NULL));
	IT_CHECK(org_post(&jo, "/account/org/invite", "email=%s&role=viewer", pending.ptr) == 303,
	    "a pending invitation");
	inv = db_count_str(STMT_INVITE_ID, pending.ptr, NULL);
	IT_CHECK(inv > 0, "its id");
	it_get(&jv, "/account/org", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "action=\"/account/org/invite\"") == NULL &&
	    strstr(r.body.ptr, "action=\"/account/org/remove\"") == NULL &&
	    strstr(r.body.ptr, "pending-") == NULL,
	    "a viewer sees no admin forms and no invitations");
	it_resp_free(&r);
	IT_CHECK(org_post(&jv, "/account/org/invite", "email=x%%40example.com&role=viewer") == 403,
	    "viewer invites: 403");
	IT_CHECK(org_post(&jv, "/account/org/role", "member=%lld&role=viewer", ua) == 403,
	    "viewer changes a role: 403");
	IT_CHECK(org_post(&jv, "/account/org/remove", "member=%lld", ua) == 403,
	    "viewer removes: 403");
	IT_CHECK(org_post(&jv, "/account/org/revoke", "invite=%lld", inv > 0 ? inv : 1) == 403,
	    "viewer revokes: 403");
	IT_CHECK(org_post(&jv, "/account/org/transfer", "member=%lld&confirm=yes", uo) == 403,
	    "viewer transfers: 403");
	IT_CHECK(org_post(&jv, "/account/org/role", "member=%lld&role=admin", user_id(ev)) == 403,
	    "viewer promotes themself: 403");
	IT_CHECK(role_in(ea, org_o) == R_ADMIN && role_in(ev, org_o) == R_VIEWER,
	    "nothing changed");
	IT_CHECK(db_count_str(STMT_INVITE_ID, pending.ptr, NULL) == inv, "the invitation is still there");
	buf_release(&pending);
}

static void
test_admin_matrix(void)
{
	struct it_resp r;
	struct buf pending = BUF_INIT;
	long long uo = user_id(eo), ua = user_id(ea), uv = user_id(ev), inv;

	IT_CHECK(org_post(&ja, "/account/org/invite", "email=boss%%40example.com&role=owner") == 403,
	    "admin invites an owner: 403");
	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=viewer", uo) == 403,
	    "admin demotes the owner: 403");
	IT_CHECK(org_post(&ja, "/account/org/remove", "member=%lld", uo) == 403,
	    "admin removes the owner: 403");
	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=owner", uv) == 403,
	    "admin makes an owner: 403");
	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=viewer", ua) == 403,
	    "admin changes their own role: 403");
	IT_CHECK(org_post(&ja, "/account/org/transfer", "member=%lld&confirm=yes", ua) == 403,
	    "admin transfers ownership: 403");
	IT_CHECK(role_in(eo, org_o) == R_OWNER && role_in(ea, org_o) == R_ADMIN,
	    "owner and admin unchanged");

	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=admin", uv) == 303 &&
	    role_in(ev, org_o) == R_ADMIN, "admin promotes the viewer");
	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=viewer", uv) == 303 &&
	    role_in(ev, org_o) == R_VIEWER, "and demotes them again");
	IT_CHECK(org_post(&ja, "/account/org/role", "member=%lld&role=king", uv) == 422,
	    "an unknown role: 422");
	IT_CHECK(audits(ea, "member.role_changed") == 2, "audit: member.role_changed");

	buf_addf(&pending, "revoke-%lld@example.com", (long long)time(NULL));
	IT_CHECK(org_post(&ja, "/account/org/invite", "email=%s&role=viewer", pending.ptr) == 303,
	    "admin invites a viewer");
	inv = db_count_str(STMT_INVITE_ID, pending.ptr, NULL);
	it_get(&ja, "/account/org", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, pending.ptr) != NULL,
	    "the pending invitation is listed for admins");
	it_resp_free(&r);
	IT_CHECK(org_post(&jx, "/account/org/revoke", "invite=%lld", inv) == 404,
	    "another organisation revokes it: 404");
	IT_CHECK(org_post(&ja, "/account/org/revoke", "invite=%lld", inv) == 303,
	    "admin revokes it");
	IT_CHECK(org_post(&ja, "/account/org/revoke", "invite=%lld", inv) == 404,
	    "revoked twice: 404");
	IT_CHECK(audits(ea, "invite.revoked") == 1, "audit: invite.revoked");
	/* Not even an owner changes their own role. */
	IT_CHECK(org_post(&jo, "/account/org/role", "member=%lld&role=admin", uo) == 403,
	    "the owner changes their own role: 403");
	buf_release(&pending);
}

static void
test_isolation(void)
{
	long long uv = user_id(ev), ua = user_id(ea);

	/* The outsider owns another organisation: this one's ids are not theirs. */
	IT_CHECK(org_post(&jx, "/account/org/remove", "member=%lld", uv) == 404,
	    "another org's member id, remove: 404");
	IT_CHECK(org_post(&jx, "/account/org/role", "member=%lld&role=viewer", ua) == 404,
	    "another org's member id, role: 404");
	IT_CHECK(org_post(&jx, "/account/org/transfer", "member=%lld&confirm=yes", uv) == 404,
	    "another org's member id, transfer: 404");
	IT_CHECK(org_post(&jx, "/account/org/remove", "member=999999999") == 404,
	    "a missing member id: 404");
	IT_CHECK(org_post(&jx, "/account/org/remove", "member=abc") == 404,
	    "a malformed member id: 404");
	IT_CHECK(role_in(ev, org_o) == R_VIEWER && role_in(ea, org_o) == R_ADMIN,
	    "nothing changed");
	/* Switching to an organisation you do not belong to. */
	IT_CHECK(org_post(&jv, "/account/org/switch", "org_id=%lld", org_x) == 404,
	    "switch to a foreign org: 404");
	IT_CHECK(org_post(&jv, "/account/org/switch", "org_id=999999999") == 404,
	    "switch to a missing org: 404");
	IT_CHECK(session_org(&jv) == org_o, "the session stayed where it was");
}

static void
test_switch(void)
{
	struct it_resp r;

	IT_CHECK(org_post(&jv, "/account/org/switch", "org_id=%lld", org_v) == 303,
	    "switch to the viewer's own org");
	IT_CHECK(session_org(&jv) == org_v, "the session works in it");
	it_get(&jv, "/account/org", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Viewers own") != NULL &&
	    strstr(r.body.ptr, XSS_ESCAPED) != NULL,
	    "the page shows it, and lists the other org to switch to: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(org_post(&jv, "/account/org/switch", "org_id=%lld", org_o) == 303 &&
	    session_org(&jv) == org_o, "switch back");
	IT_CHECK(audits(ev, "org.switched") == 2, "audit: org.switched");
}

static void
test_last_owner_and_transfer(void)
{
	long long uo = user_id(eo), ua = user_id(ea), uv = user_id(ev), neworg;

	IT_CHECK(org_post(&jo, "/account/org/leave", "%s", "") == 409, "the last owner cannot leave");
	IT_CHECK(role_in(eo, org_o) == R_OWNER, "still the owner");
	IT_CHECK(org_post(&jo, "/account/org/transfer", "member=%lld", ua) == 422,
	    "transfer without confirmation: 422");
	IT_CHECK(org_post(&jo, "/account/org/transfer", "member=%lld&confirm=yes", uo) == 422,
	    "transfer to yourself: 422");
	IT_CHECK(role_in(eo, org_o) == R_OWNER && role_in(ea, org_o) == R_ADMIN, "unchanged");
	IT_CHECK(org_post(&jo, "/account/org/transfer", "member=%lld&confirm=yes", ua) == 303,
	    "transfer to the admin");
	IT_CHECK(role_in(ea, org_o) == R_OWNER && role_in(eo, org_o) == R_ADMIN,
	    "the admin owns it, the old owner is an admin");
	IT_CHECK(audits(eo, "ownership.transferred") == 1, "audit: ownership.transferred");
	IT_CHECK(org_post(&jo, "/account/org/remove", "member=%lld", ua) == 403,
	    "the old owner, now admin, cannot remove the new owner");

	/* Its only organisation: leaving it would leave no way to log in. */
	IT_CHECK(org_post(&jo, "/account/org/leave", "%s", "") == 409, "leaving the only org: 409");
	IT_CHECK(org_post(&jo, "/account/org/create", "org=%s", "Second%20%3Cb%3Eorg") == 303,
	    "create another organisation");
	neworg = session_org(&jo);
	IT_CHECK(neworg > 0 && neworg != org_o && role_in(eo, neworg) == R_OWNER,
	    "its owner, working in it");
	IT_CHECK(audits(eo, "org.created") == 1, "audit: org.created");
	IT_CHECK(org_post(&jo, "/account/org/switch", "org_id=%lld", org_o) == 303,
	    "back to the first org");
	IT_CHECK(org_post(&jo, "/account/org/leave", "%s", "") == 303, "the old owner leaves");
	IT_CHECK(role_in(eo, org_o) == R_NONE && session_org(&jo) == neworg,
	    "gone from it, the session moved to the other org");
	IT_CHECK(audits(eo, "member.left") == 1, "audit: member.left");

	/* The new owner is now the last one. */
	IT_CHECK(org_post(&ja, "/account/org/leave", "%s", "") == 409, "the new last owner cannot leave");
	IT_CHECK(org_post(&ja, "/account/org/remove", "member=%lld", ua) == 403,
	    "nor remove themself");
	IT_CHECK(org_post(&ja, "/account/org/remove", "member=%lld", uv) == 303,
	    "the owner removes the viewer");
	IT_CHECK(role_in(ev, org_o) == R_NONE && sessions_in(ev, org_o) == 0,
	    "the viewer is out, with their sessions in it");
	IT_CHECK(audits(ea, "member.removed") == 1, "audit: member.removed");
}

static void
test_removed_session(void)
{
	struct it_resp r;

	it_get(&jv, "/account/org", &r);
	IT_CHECK(r.status == 303, "a removed member's session in that org is over: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(login_as(&jv, ev) == 303, "the removed member logs in again");
	IT_CHECK(session_org(&jv) == org_v, "into their own organisation");
}

static int
suite_init(void)
{
	long t = (long)time(NULL);
	char rnd[9];

	it_token(rnd, 8);
	for (char *p = rnd; *p; p++)
		if (*p == '-' || *p == '_')
			*p = 'x';
	snprintf(eo, sizeof(eo), "owner-%ld-%s@example.com", t, rnd);
	snprintf(ea, sizeof(ea), "admin-%ld-%s@example.com", t, rnd);
	snprintf(ev, sizeof(ev), "viewer-%ld-%s@example.com", t, rnd);
	snprintf(ex, sizeof(ex), "outsider-%ld-%s@example.com", t, rnd);
	for (char *p = eo; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	for (char *p = ea; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	for (char *p = ev; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	for (char *p = ex; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	it_jar_free(&jo);
	it_jar_free(&ja);
	it_jar_free(&jv);
	it_jar_free(&jx);
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "four users, four organisations", test_setup },
		{ "anonymous requests go to the login page", test_anonymous },
		{ "the organisation page escapes the name", test_page_escapes },
		{ "invitations: mailed, bound to the address, single use", test_invitations },
		{ "a viewer gets 403 on admin actions", test_viewer_matrix },
		{ "an admin cannot touch owners", test_admin_matrix },
		{ "another organisation's ids answer 404", test_isolation },
		{ "switching organisations", test_switch },
		{ "the last owner stays; transfer, leave, remove", test_last_owner_and_transfer },
		{ "a removed member's session ends", test_removed_session },
	};

	log_init("test_orgs", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(ORGS_IFACE);
	return it_run("orgs", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
