/*
 * Integration tests of the account settings through nginx on the test
 * stack: password change (every session ends; this browser gets a new
 * token), email change by a link to the new address, the organisation's
 * audit log and who may read it, the JSON export, account deletion and
 * when it is refused, and the staff flag set by trackrctl.  Mails are
 * read from mail_outbox.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "pass.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define PASSWORD2	"an entirely new passphrase, 2nd"
#define IFACE		"127.0.0.7"	/* throttles of its own */
#define XSS_DETAIL	"<script>alert(1)</script>"

enum stmt {
	S_LAST_MAIL,
	S_MAILS_TO,
	S_USER_ID,
	S_ORG_OF,
	S_USER_ADD,
	S_MEMBER_ADD,
	S_AUDIT_COUNT,
	S_AUDIT_ADD,
	S_AUDIT_OF_USER,
	S_AUDIT_ORG_ANON,
	S_PENDING_CHANGE,
	S_MEMBERS_OF_ORG,
	S_ORG_EXISTS,
	S_SITE_ADD,
	S_EVENT_ADD,
	S_VISIT_ADD,
	S_SITES_OF_ORG,
	S_EVENTS_OF_SITE,
	S_VISITS_OF_SITE,
	S_STAFF,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[S_MAILS_TO] = "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?",
	[S_USER_ID] = "SELECT id FROM users WHERE email = ?",
	[S_ORG_OF] =
	    "SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ? ORDER BY m.created_at, m.org_id LIMIT 1",
	[S_USER_ADD] =
	    "INSERT INTO users (email, password_hash, email_verified_at) "
	    "VALUES (?, ?, UTC_TIMESTAMP())",
	[S_MEMBER_ADD] = "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[S_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.user_id "
	    "WHERE u.email = ? AND a.action = ?",
	[S_AUDIT_ADD] = "INSERT INTO audit_log (org_id, action, detail) VALUES (?, ?, ?)",
	[S_AUDIT_OF_USER] = "SELECT COUNT(*) FROM audit_log WHERE user_id = ?",
	[S_AUDIT_ORG_ANON] =
	    "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = ? AND user_id IS NULL",
	[S_PENDING_CHANGE] =
	    "SELECT COUNT(*) FROM tokens WHERE user_id = ? AND kind = 'email_change' "
	    "AND used_at IS NULL",
	[S_MEMBERS_OF_ORG] = "SELECT COUNT(*) FROM org_members WHERE org_id = ?",
	[S_ORG_EXISTS] = "SELECT COUNT(*) FROM organisations WHERE id = ?",
	[S_SITE_ADD] = "INSERT INTO sites (org_id, domain, site_key) VALUES (?, ?, ?)",
	[S_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id) "
	    "VALUES (?, UTC_TIMESTAMP(), 'pageview', 1, ?)",
	[S_VISIT_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen) "
	    "VALUES (?, ?, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
	[S_SITES_OF_ORG] = "SELECT COUNT(*) FROM sites WHERE org_id = ?",
	[S_EVENTS_OF_SITE] = "SELECT COUNT(*) FROM events WHERE site_id = ?",
	[S_VISITS_OF_SITE] = "SELECT COUNT(*) FROM sessions WHERE site_id = ?",
	[S_STAFF] = "SELECT is_staff FROM users WHERE email = ?",
};

static struct conf	conf;
static struct db	*db;
static long		 stamp;
/* The owner of "Settings Co" (whose address changes), its admin and viewer. */
static char		 owner[96], admin[96], viewer[96], new_addr[96];
/* Users of organisations of their own. */
static char		 other[96], lone[96];
static long long	 org_a, org_other, org_lone;











/* Statement s with string arguments a1 (and a2 unless NULL): its first column. */
static long long
q_str(enum stmt s, const char *a1, const char *a2)
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

/* Statement s with an integer argument (and a2 unless NULL): its first column. */
static long long
q_int(enum stmt s, long long a1, const char *a2)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, a1);
	if (a2 != NULL)
		db_arg_strz(&a, a2);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

/* Run an INSERT with args; the new row's id, or -1. */
static long long
insert(enum stmt s, struct db_args *a)
{
	unsigned long long id = 0;

	if (db_exec(db, db_stmt(db, s), a, NULL, &id) == -1)
		return -1;
	return (long long)id;
}



/* Log in and keep the cookie; 1 when it worked. */
static int
logged_in(struct it_jar *j, const char *email, const char *pw)
{
	struct it_resp r;
	int ok;

	it_login(j, email, pw, NULL, &r);
	ok = r.status == 303 && j->session.len > 0;
	it_resp_free(&r);
	return ok;
}

/* GET page, then POST the form fields a=v&... to action; the answer's status. */
static long
submit_status(struct it_jar *j, const char *page, const char *action, const char *k1,
    const char *v1, const char *k2, const char *v2, struct it_resp *out)
{
	struct buf f = BUF_INIT;

	it_form_add(&f, k1, v1);
	if (k2 != NULL)
		it_form_add(&f, k2, v2);
	it_submit(j, page, action, f.ptr, out);
	buf_release(&f);
	return out->status;
}

/* Sign up and verify a user with their own organisation; 1 when both worked. */
static int
make_user(const char *email, const char *org)
{
	return it_verified_user(db, S_LAST_MAIL, NULL, email, org, PASSWORD);
}

/* A verified user whose only membership is org with role (no invitation flow needed). */
static int
make_member(const char *email, long long org, const char *role)
{
	struct db_args a = DB_ARGS_INIT;
	char hash[PASS_ENCODED_MAX];
	long long id;

	if (pass_hash(PASSWORD, strlen(PASSWORD), hash) == -1)
		return 0;
	db_arg_strz(&a, email);
	db_arg_strz(&a, hash);
	id = insert(S_USER_ADD, &a);
	db_args_reset(&a);
	db_arg_int(&a, org);
	db_arg_int(&a, id);
	db_arg_strz(&a, role);
	if (id > 0 && insert(S_MEMBER_ADD, &a) == -1)
		id = -1;
	db_args_free(&a);
	return id > 0;
}

/* ------------------------------------------------------------- tests */

static void
test_setup(void)
{
	IT_CHECK(make_user(owner, "Settings Co"), "sign up and verify %s", owner);
	IT_CHECK(make_user(other, "Other Co"), "sign up and verify %s", other);
	IT_CHECK(make_user(lone, "Lone Co"), "sign up and verify %s", lone);
	org_a = q_str(S_ORG_OF, owner, NULL);
	org_other = q_str(S_ORG_OF, other, NULL);
	org_lone = q_str(S_ORG_OF, lone, NULL);
	IT_CHECK(org_a > 0 && org_other > 0 && org_lone > 0 && org_a != org_other,
	    "organisations %lld, %lld, %lld", org_a, org_other, org_lone);
	IT_CHECK(make_member(admin, org_a, "admin"), "admin member %s", admin);
	IT_CHECK(make_member(viewer, org_a, "viewer"), "viewer member %s", viewer);
}

static void
test_password(void)
{
	struct it_jar a = IT_JAR_INIT, b = IT_JAR_INIT, c = IT_JAR_INIT;
	struct it_resp r;
	struct buf v = BUF_INIT, old = BUF_INIT, fresh = BUF_INIT;

	IT_CHECK(logged_in(&a, owner, PASSWORD) && logged_in(&b, owner, PASSWORD),
	    "two sessions of %s", owner);
	it_get(&a, "/account/settings", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, owner) != NULL &&
	    strstr(r.body.ptr, "action=\"/account/password\"") != NULL,
	    "settings page: %ld", r.status);
	IT_CHECK(it_header(&r, "Content-Security-Policy", &v) == 1 &&
	    strstr(v.ptr, "default-src 'none'") != NULL, "the page's CSP: %s", v.ptr);
	it_resp_free(&r);

	submit_status(&a, "/account/settings", "/account/password", "password",
	    "not my password at all", "new_password", PASSWORD2, &r);
	IT_CHECK(r.status == 403 && strstr(r.body.ptr, "current password is wrong"),
	    "a wrong current password: %ld", r.status);
	it_resp_free(&r);
	submit_status(&a, "/account/settings", "/account/password", "password", PASSWORD,
	    "new_password", "too short", &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "at least 12"), "a short new password: %ld",
	    r.status);
	it_resp_free(&r);
	it_get(&b, "/account", &r);
	IT_CHECK(r.status == 200, "the other session lives after refusals: %ld", r.status);
	it_resp_free(&r);

	buf_adds(&old, a.session.ptr);
	submit_status(&a, "/account/settings", "/account/password", "password", PASSWORD,
	    "new_password", PASSWORD2, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/account/settings?done=password"),
	    "password change: %ld", r.status);
	it_resp_free(&r);
	/* Every session ends, this one too: this browser gets a new token. */
	IT_CHECK(a.session.len == 43 && strcmp(a.session.ptr, old.ptr) != 0,
	    "a new session cookie after the change (%zu characters)", a.session.len);
	it_get(&a, "/account/settings?done=password", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Your password was changed"),
	    "still logged in with the new cookie: %ld", r.status);
	it_resp_free(&r);
	buf_adds(&fresh, a.session.ptr);
	buf_reset(&a.session);
	buf_adds(&a.session, old.ptr);
	it_get(&a, "/account", &r);
	IT_CHECK(r.status == 303, "this browser's old cookie is refused: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&a.session);
	buf_adds(&a.session, fresh.ptr);
	it_get(&a, "/account", &r);
	IT_CHECK(r.status == 200, "the new cookie still works: %ld", r.status);
	it_resp_free(&r);
	it_get(&b, "/account", &r);
	IT_CHECK(r.status == 303, "the other session's cookie is refused: %ld", r.status);
	it_resp_free(&r);
	it_login(&c, owner, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 401, "the old password: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(logged_in(&c, owner, PASSWORD2), "the new password logs in");
	IT_CHECK(q_str(S_AUDIT_COUNT, owner, "password.changed") == 1, "audit: password.changed");
	/* Counted (and logged) on a connection still in order after the password check. */
	IT_CHECK(q_str(S_AUDIT_COUNT, owner, "password.check_failed") == 1,
	    "audit: password.check_failed");
	buf_release(&fresh);
	buf_release(&old);
	buf_release(&v);
	it_jar_free(&a);
	it_jar_free(&b);
	it_jar_free(&c);
}

static void
test_email(void)
{
	struct it_jar a = IT_JAR_INIT, x = IT_JAR_INIT;
	struct it_resp r;
	struct buf path = BUF_INIT;
	long long before, uid = q_str(S_USER_ID, owner, NULL), other_mails;
	char tok[64];

	IT_CHECK(logged_in(&a, owner, PASSWORD2), "login %s", owner);
	before = q_str(S_MAILS_TO, owner, NULL);
	submit_status(&a, "/account/settings", "/account/email", "email", new_addr,
	    "password", "not my password at all", &r);
	IT_CHECK(r.status == 403, "email change with a wrong password: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(S_MAILS_TO, new_addr, NULL) == 0, "no mail after a wrong password");

	submit_status(&a, "/account/settings", "/account/email", "email", new_addr,
	    "password", PASSWORD2, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/account/settings?done=email"),
	    "email change: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(S_USER_ID, owner, NULL) == uid && q_str(S_USER_ID, new_addr, NULL) == 0,
	    "the address is unchanged until the link is used");
	IT_CHECK(q_str(S_MAILS_TO, owner, NULL) == before + 1 &&
	    !it_mail_token(db, S_LAST_MAIL, owner, tok),
	    "a notice without a link to the old address");
	IT_CHECK(it_mail_token(db, S_LAST_MAIL, new_addr, tok), "a link to the new address");
	it_get(&a, "/account/settings", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, new_addr) != NULL,
	    "the pending change is shown: %ld", r.status);
	it_resp_free(&r);
	it_login(&x, new_addr, PASSWORD2, NULL, &r);
	IT_CHECK(r.status == 401, "the new address before the link: %ld", r.status);
	it_resp_free(&r);

	/* Opened elsewhere, without a session: the token names the user. */
	it_jar_free(&x);
	buf_addf(&path, "/account/email/confirm?token=%s", tok);
	it_get(&x, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, new_addr) != NULL,
	    "the link changes the address: %ld", r.status);
	it_resp_free(&r);
	it_get(&x, path.ptr, &r);
	IT_CHECK(r.status == 400, "the link twice: %ld", r.status);
	it_resp_free(&r);
	it_get(&x, "/account/email/confirm?token=nope", &r);
	IT_CHECK(r.status == 400, "a bad link: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(S_USER_ID, new_addr, NULL) == uid && q_str(S_USER_ID, owner, NULL) == 0,
	    "the address changed");
	IT_CHECK(q_str(S_AUDIT_COUNT, new_addr, "email.changed") == 1, "audit: email.changed");
	it_login(&x, owner, PASSWORD2, NULL, &r);
	IT_CHECK(r.status == 401, "the old address no longer logs in: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(logged_in(&x, new_addr, PASSWORD2), "the new address logs in");

	/* An address with an account: the same answer, no change pending, a mail to it. */
	other_mails = q_str(S_MAILS_TO, other, NULL);
	submit_status(&x, "/account/settings", "/account/email", "email", other,
	    "password", PASSWORD2, &r);
	IT_CHECK(r.status == 303, "a taken address answers alike: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(S_PENDING_CHANGE, uid, NULL) == 0, "no change pending to a taken address");
	IT_CHECK(q_str(S_MAILS_TO, other, NULL) == other_mails + 1 &&
	    !it_mail_token(db, S_LAST_MAIL, other, tok),
	    "the taken address is told, without a link");
	buf_release(&path);
	it_jar_free(&a);
	it_jar_free(&x);
}

/* The ids of the audit page's rows (id="eN"): how many, the smallest and largest. */
static int
entry_ids(const char *body, long long *min, long long *max)
{
	const char *p = body;
	long long id;
	int n = 0;

	*min = -1;
	*max = -1;
	while ((p = strstr(p, "class=\"entry\" id=\"e")) != NULL) {
		p += strlen("class=\"entry\" id=\"e");
		id = strtoll(p, NULL, 10);
		if (*min == -1 || id < *min)
			*min = id;
		if (id > *max)
			*max = id;
		n++;
	}
	return n;
}

static void
test_audit(void)
{
	struct it_jar o = IT_JAR_INIT, ad = IT_JAR_INIT, vw = IT_JAR_INIT, ot = IT_JAR_INIT;
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	struct buf path = BUF_INIT;
	const char *p;
	long long min, max, before, min2, max2;
	int i, n;

	db_arg_int(&a, org_a);
	db_arg_strz(&a, "test.marker");
	db_arg_strz(&a, XSS_DETAIL);
	IT_CHECK(insert(S_AUDIT_ADD, &a) > 0, "an entry with markup in org a");
	db_args_reset(&a);
	db_arg_int(&a, org_other);
	db_arg_strz(&a, "test.other");
	db_arg_strz(&a, "other-org-marker");
	IT_CHECK(insert(S_AUDIT_ADD, &a) > 0, "an entry in another org");

	IT_CHECK(logged_in(&o, new_addr, PASSWORD2) && logged_in(&ad, admin, PASSWORD) &&
	    logged_in(&vw, viewer, PASSWORD) && logged_in(&ot, other, PASSWORD), "four logins");
	it_get(&o, "/account/audit", &r);
	IT_CHECK(r.status == 200, "owner reads the audit log: %ld", r.status);
	IT_CHECK(strstr(r.body.ptr, "password.changed") && strstr(r.body.ptr, "email.changed") &&
	    strstr(r.body.ptr, "test.marker") && strstr(r.body.ptr, new_addr),
	    "the entries of the organisation, with the user's email");
	IT_CHECK(strstr(r.body.ptr, XSS_DETAIL) == NULL &&
	    strstr(r.body.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL, "details escaped");
	IT_CHECK(strstr(r.body.ptr, "Chrome 120.0 on Windows") && strstr(r.body.ptr, IFACE) &&
	    strstr(r.body.ptr, "AppleWebKit") == NULL, "browser summary and address");
	IT_CHECK(strstr(r.body.ptr, "other-org-marker") == NULL && strstr(r.body.ptr, other) == NULL,
	    "nothing of another organisation");
	/* Newest first. */
	n = entry_ids(r.body.ptr, &min, &max);
	p = strstr(r.body.ptr, "class=\"entry\" id=\"e");
	IT_CHECK(n > 0 && p != NULL && strtoll(p + strlen("class=\"entry\" id=\"e"), NULL, 10) == max,
	    "newest first");
	it_resp_free(&r);

	it_get(&ad, "/account/audit", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "test.marker"), "admin reads it: %ld",
	    r.status);
	it_resp_free(&r);
	it_get(&vw, "/account/audit", &r);
	IT_CHECK(r.status == 403 && strstr(r.body.ptr, "test.marker") == NULL,
	    "viewer is refused: %ld", r.status);
	it_resp_free(&r);
	it_get(&ot, "/account/audit", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "other-org-marker") &&
	    strstr(r.body.ptr, "test.marker") == NULL && strstr(r.body.ptr, new_addr) == NULL,
	    "the other organisation sees only its own: %ld", r.status);
	it_resp_free(&r);
	it_get(&vw, "/account/settings", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "/account/audit") == NULL,
	    "no audit link for a viewer: %ld", r.status);
	it_resp_free(&r);

	/* Pages of 50, by ?before=<id>. */
	for (i = 0; i < 60; i++) {
		db_args_reset(&a);
		db_arg_int(&a, org_a);
		db_arg_strz(&a, "test.filler");
		db_arg_strz(&a, "");
		if (insert(S_AUDIT_ADD, &a) <= 0)
			break;
	}
	it_get(&o, "/account/audit", &r);
	n = entry_ids(r.body.ptr, &min, &max);
	p = strstr(r.body.ptr, "class=\"older\" href=\"/account/audit?before=");
	before = p ? strtoll(p + strlen("class=\"older\" href=\"/account/audit?before="), NULL, 10) : 0;
	IT_CHECK(r.status == 200 && n == 50 && before == min, "a first page of 50 (%d), older "
	    "link before=%lld (smallest id %lld)", n, before, min);
	it_resp_free(&r);
	buf_addf(&path, "/account/audit?before=%lld", before);
	it_get(&o, path.ptr, &r);
	n = entry_ids(r.body.ptr, &min2, &max2);
	IT_CHECK(r.status == 200 && n > 0 && max2 < before, "the next page: %d rows below %lld, "
	    "largest %lld", n, before, max2);
	it_resp_free(&r);
	it_get(&o, "/account/audit?before=x1", &r);
	IT_CHECK(r.status == 400, "a malformed before: %ld", r.status);
	it_resp_free(&r);
	buf_release(&path);
	db_args_free(&a);
	it_jar_free(&o);
	it_jar_free(&ad);
	it_jar_free(&vw);
	it_jar_free(&ot);
}

static void
test_export(void)
{
	struct it_jar o = IT_JAR_INIT;
	struct it_resp r;
	struct buf v = BUF_INIT;
	json_object *doc = NULL, *p = NULL, *x, *t;
	char pending[128];

	IT_CHECK(logged_in(&o, new_addr, PASSWORD2), "login %s", new_addr);
	/* A change left pending, so there is a token to show. */
	snprintf(pending, sizeof(pending), "pending-%ld@example.com", stamp);
	submit_status(&o, "/account/settings", "/account/email", "email", pending,
	    "password", PASSWORD2, &r);
	IT_CHECK(r.status == 303, "a pending email change: %ld", r.status);
	it_resp_free(&r);

	it_get(&o, "/account/export", &r);
	IT_CHECK(r.status == 200, "export: %ld", r.status);
	IT_CHECK(it_header(&r, "Content-Type", &v) == 1 &&
	    strncmp(v.ptr, "application/json", 16) == 0, "Content-Type: %s", v.ptr);
	IT_CHECK(it_header(&r, "Content-Disposition", &v) == 1 &&
	    strcmp(v.ptr, "attachment; filename=\"trackr-account.json\"") == 0,
	    "Content-Disposition: %s", v.ptr);
	doc = json_tokener_parse(r.body.ptr);
	IT_CHECK(doc != NULL && json_object_is_type(doc, json_type_object), "the body parses");
	if (doc != NULL && json_object_object_get_ex(doc, "profile", &p)) {
		IT_CHECK(json_object_object_get_ex(p, "email", &x) &&
		    strcmp(json_object_get_string(x), new_addr) == 0, "profile.email");
		IT_CHECK(json_object_object_get_ex(p, "password", &x) &&
		    json_object_is_type(x, json_type_string), "the password is named");
	} else
		IT_CHECK(0, "a profile object");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "memberships", &x) &&
	    json_object_array_length(x) == 1, "one membership");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "sessions", &x) &&
	    json_object_array_length(x) >= 1, "sessions");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "audit_log", &x) &&
	    json_object_array_length(x) >= 3, "audit entries about the user");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "pending_tokens", &x) &&
	    json_object_array_length(x) == 1 && (t = json_object_array_get_idx(x, 0)) != NULL &&
	    json_object_object_length(t) == 2 && json_object_object_get_ex(t, "kind", &x) &&
	    strcmp(json_object_get_string(x), "email_change") == 0,
	    "the pending token: kind and expiry only");
	IT_CHECK(doc != NULL && json_object_object_get_ex(doc, "mails", &x) &&
	    json_object_array_length(x) >= 2 && strstr(r.body.ptr, "token=") == NULL,
	    "the mails sent to the address, without their links");
	IT_CHECK(strstr(r.body.ptr, "$argon2") == NULL && strstr(r.body.ptr, "token_hash") == NULL &&
	    strstr(r.body.ptr, pending) == NULL, "no hash, no token, no pending address");
	json_object_put(doc);
	it_resp_free(&r);
	buf_release(&v);
	it_jar_free(&o);
}

static void
test_delete(void)
{
	struct it_jar o = IT_JAR_INIT, vw = IT_JAR_INIT, ln = IT_JAR_INIT, x = IT_JAR_INIT;
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	char key[23], domain[64];
	long long vid = q_str(S_USER_ID, viewer, NULL), site, visit = 1000000000LL + stamp;

	/* The only owner of an organisation with members: refused, with the reason. */
	IT_CHECK(logged_in(&o, new_addr, PASSWORD2), "login %s", new_addr);
	it_get(&o, "/account/delete", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Settings Co") &&
	    strstr(r.body.ptr, "only owner") && strstr(r.body.ptr, "action=\"/account/delete\"") == NULL,
	    "the page explains the refusal: %ld", r.status);
	it_resp_free(&r);
	/* The form is not offered, but a POST is refused too. */
	it_get(&o, "/account/settings", &r);
	it_resp_free(&r);
	submit_status(&o, "/account/settings", "/account/delete", "password", PASSWORD2,
	    NULL, NULL, &r);
	IT_CHECK(r.status == 409 && strstr(r.body.ptr, "Settings Co") &&
	    strstr(r.body.ptr, "only owner"), "deletion refused: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(S_USER_ID, new_addr, NULL) > 0, "the owner still exists");

	/* A viewer: wrong password, then deleted; the organisation stays. */
	IT_CHECK(logged_in(&vw, viewer, PASSWORD), "login %s", viewer);
	submit_status(&vw, "/account/delete", "/account/delete", "password", "not my password",
	    NULL, NULL, &r);
	IT_CHECK(r.status == 403, "a wrong password: %ld", r.status);
	it_resp_free(&r);
	it_get(&vw, "/account/delete", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "action=\"/account/delete\"") &&
	    strstr(r.body.ptr, "You will leave"), "the viewer's page: %ld", r.status);
	it_resp_free(&r);
	submit_status(&vw, "/account/delete", "/account/delete", "password", PASSWORD,
	    NULL, NULL, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Account deleted") && vw.session.len == 0,
	    "the viewer's account is deleted: %ld", r.status);
	it_resp_free(&r);
	it_login(&x, viewer, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 401, "the deleted user cannot log in: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(S_USER_ID, viewer, NULL) == 0 && q_int(S_AUDIT_OF_USER, vid, NULL) == 0,
	    "no user row, no audit entry linked to it");
	IT_CHECK(q_int(S_ORG_EXISTS, org_a, NULL) == 1 && q_int(S_MEMBERS_OF_ORG, org_a, NULL) == 2,
	    "the organisation and its other members stay");
	IT_CHECK(q_int(S_AUDIT_ORG_ANON, org_a, "login") >= 1 &&
	    q_int(S_AUDIT_ORG_ANON, org_a, "account.deleted") == 1,
	    "audit entries keep the action without the user");

	/* Alone in an organisation with a site and data: all of it goes. */
	snprintf(domain, sizeof(domain), "lone-%ld.example", stamp);
	it_token(key, 22);
	db_arg_int(&a, org_lone);
	db_arg_strz(&a, domain);
	db_arg_strz(&a, key);
	site = insert(S_SITE_ADD, &a);
	db_args_reset(&a);
	db_arg_int(&a, site);
	db_arg_int(&a, visit);
	IT_CHECK(site > 0 && insert(S_EVENT_ADD, &a) > 0, "a site with an event");
	db_args_reset(&a);
	db_arg_int(&a, visit);
	db_arg_int(&a, site);
	IT_CHECK(insert(S_VISIT_ADD, &a) >= 0, "and a visit");
	IT_CHECK(logged_in(&ln, lone, PASSWORD), "login %s", lone);
	it_get(&ln, "/account/delete", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Lone Co") &&
	    strstr(r.body.ptr, "deleted with all their sites"), "the page says what goes: %ld",
	    r.status);
	it_resp_free(&r);
	submit_status(&ln, "/account/delete", "/account/delete", "password", PASSWORD,
	    NULL, NULL, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Account deleted"), "deleted: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(S_ORG_EXISTS, org_lone, NULL) == 0 &&
	    q_int(S_SITES_OF_ORG, org_lone, NULL) == 0 &&
	    q_int(S_EVENTS_OF_SITE, site, NULL) == 0 && q_int(S_VISITS_OF_SITE, site, NULL) == 0,
	    "the organisation, its site and its data are gone");
	IT_CHECK(q_str(S_MAILS_TO, lone, NULL) == 0, "the mails to the address are gone");
	it_login(&x, lone, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 401, "%s cannot log in: %ld", lone, r.status);
	it_resp_free(&r);
	db_args_free(&a);
	it_jar_free(&o);
	it_jar_free(&vw);
	it_jar_free(&ln);
	it_jar_free(&x);
}

/* trackrctl next to this program in the build tree, or $TRACKR_CTL. */
static void
ctl_path(char *out, size_t n)
{
	const char *env = getenv("TRACKR_CTL");
	char self[PATH_MAX];
	ssize_t len;
	char *s;

	if (env != NULL && *env) {
		snprintf(out, n, "%s", env);
		return;
	}
	out[0] = '\0';
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[len] = '\0';
	/* .../test/integration/test_settings -> .../cgi/ctl/trackrctl */
	if ((s = strstr(self, "/test/integration/")) != NULL) {
		*s = '\0';
		snprintf(out, n, "%s/cgi/ctl/trackrctl", self);
	}
}

/* Run trackrctl -c $TRACKR_CONF staff email onoff; its exit status, output into out. */
static int
ctl_staff(const char *email, const char *onoff, struct buf *out)
{
	char ctl[PATH_MAX + 64], chunk[512];
	const char *conf_path = getenv("TRACKR_CONF");
	int fd[2], st = -1;
	ssize_t n;
	pid_t pid;

	buf_reset(out);
	ctl_path(ctl, sizeof(ctl));
	if (*ctl == '\0' || conf_path == NULL || pipe(fd) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execl(ctl, ctl, "-c", conf_path, "staff", email, onoff, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (pid > 0 && (n = read(fd[0], chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fd[0]);
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		return WEXITSTATUS(st);
	return -1;
}

static void
test_staff(void)
{
	struct buf out = BUF_INIT;
	char nobody[96];
	int rc;

	IT_CHECK(q_str(S_STAFF, other, NULL) == 0, "not staff at first");
	rc = ctl_staff(other, "on", &out);
	IT_CHECK(rc == 0 && strstr(out.ptr, "staff flag on"), "staff on: %d %s", rc, out.ptr);
	IT_CHECK(q_str(S_STAFF, other, NULL) == 1, "users.is_staff = 1");
	rc = ctl_staff(other, "on", &out);
	IT_CHECK(rc == 0, "on again is fine: %d %s", rc, out.ptr);
	rc = ctl_staff(other, "off", &out);
	IT_CHECK(rc == 0 && strstr(out.ptr, "staff flag off"), "staff off: %d %s", rc, out.ptr);
	IT_CHECK(q_str(S_STAFF, other, NULL) == 0, "users.is_staff = 0");
	snprintf(nobody, sizeof(nobody), "nobody-%ld@example.com", stamp);
	rc = ctl_staff(nobody, "on", &out);
	IT_CHECK(rc == 1 && strstr(out.ptr, "no user"), "an unknown email: %d %s", rc, out.ptr);
	rc = ctl_staff(other, "maybe", &out);
	IT_CHECK(rc != 0, "neither on nor off: %d", rc);
	buf_release(&out);
}

static int
suite_init(void)
{
	stamp = (long)time(NULL);
	snprintf(owner, sizeof(owner), "set-owner-%ld@example.com", stamp);
	snprintf(admin, sizeof(admin), "set-admin-%ld@example.com", stamp);
	snprintf(viewer, sizeof(viewer), "set-viewer-%ld@example.com", stamp);
	snprintf(new_addr, sizeof(new_addr), "set-new-%ld@example.com", stamp);
	snprintf(other, sizeof(other), "set-other-%ld@example.com", stamp);
	snprintf(lone, sizeof(lone), "set-lone-%ld@example.com", stamp);
	if ((db = it_db_open(&conf, stmts, S__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "an organisation with an owner, admin and viewer", test_setup },
		{ "password change ends the other sessions", test_password },
		{ "email change after the link to the new address", test_email },
		{ "audit log: owners and admins, this organisation only", test_audit },
		{ "JSON export of the user's data", test_export },
		{ "account deletion, refused for an only owner", test_delete },
		{ "trackrctl staff sets users.is_staff", test_staff },
	};

	log_init("test_settings", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("settings", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
