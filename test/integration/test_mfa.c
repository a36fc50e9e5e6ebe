/*
 * Integration tests of two-factor authentication (cgi/account/mfa.c)
 * through nginx on the test stack: enrolment from the key the setup page
 * shows (codes computed here with cgi/core/totp.h, as an authenticator
 * app would), the second login step, replay refusal, single-use recovery
 * codes, disabling with the password, an owner requiring 2FA of members,
 * and the audit rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "totp.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define IFACE		"127.0.0.3"	/* its own throttle counters */

enum stmt {
	STMT_LAST_MAIL,
	STMT_AUDIT_COUNT,
	STMT_SESSIONS_OF_EMAIL,
	STMT_USER_ID,
	STMT_ORG_OF_USER,
	STMT_MEMBER_ADD,
	STMT_SECRET,
	STMT_CODES_LEFT,
	STMT_REQUIRED,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.user_id "
	    "WHERE u.email = ? AND a.action = ?",
	[STMT_SESSIONS_OF_EMAIL] =
	    "SELECT COUNT(*) FROM user_sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE u.email = ?",
	[STMT_USER_ID] = "SELECT id FROM users WHERE email = ?",
	[STMT_ORG_OF_USER] = "SELECT org_id FROM org_members WHERE user_id = ? LIMIT 1",
	/* Older than the member's own organisation, so login picks this one. */
	[STMT_MEMBER_ADD] =
	    "INSERT INTO org_members (org_id, user_id, role, created_at) "
	    "VALUES (?, ?, 'viewer', '2000-01-01')",
	[STMT_SECRET] = "SELECT totp_secret FROM users WHERE email = ?",
	[STMT_CODES_LEFT] =
	    "SELECT COUNT(*) FROM mfa_recovery_codes c JOIN users u ON u.id = c.user_id "
	    "WHERE u.email = ? AND c.used_at IS NULL",
	[STMT_REQUIRED] = "SELECT require_2fa FROM organisations WHERE id = ?",
};

static struct conf	conf;
static struct db	*db;
static char		 owner[96], member[96];
static unsigned char	 secret[TOTP_SECRET_LEN];
static uint64_t		 last_step;	/* the last step the server accepted */
static char		 recovery[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];

/* A browser: the session, pre-session and pending-2FA cookies. */
struct jar {
	struct buf	c[3];
};

static const char *const cookie_names[3] = {
	"__Host-trackr_session", "__Host-trackr_pre", "__Host-trackr_mfa"
};

static void
jar_free(struct jar *j)
{
	size_t i;

	for (i = 0; i < 3; i++)
		buf_release(&j->c[i]);
}

/* The Set-Cookie line for name= in r, whole, into out; 1 when present. */
static int
set_cookie(const struct it_resp *r, const char *name, struct buf *out)
{
	const char *p = r->head.ptr, *eol;
	size_t n = strlen(name);

	buf_reset(out);
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (strncasecmp(p, "Set-Cookie: ", 12) != 0 ||
		    strncmp(p + 12, name, n) != 0 || p[12 + n] != '=')
			continue;
		buf_add(out, p + 12, (size_t)(eol - p - 12));
		while (out->len > 0 && out->ptr[out->len - 1] == '\r')
			buf_setlen(out, out->len - 1);
		return 1;
	}
	return 0;
}

static void
jar_update(struct jar *j, const struct it_resp *r)
{
	struct buf line = BUF_INIT;
	size_t i, n, k;

	for (i = 0; i < 3; i++) {
		if (!set_cookie(r, cookie_names[i], &line))
			continue;
		buf_reset(&j->c[i]);
		if (strstr(line.ptr, "Max-Age=0") != NULL)
			continue;
		n = strcspn(line.ptr, ";");
		k = strlen(cookie_names[i]) + 1;
		buf_add(&j->c[i], line.ptr + k, n - k);
	}
	buf_release(&line);
}

static void
send(struct jar *j, const char *method, const char *path, const char *body,
    struct it_resp *out)
{
	struct it_req rq;
	struct buf cookie = BUF_INIT;
	size_t i;
	int k = 0;

	memset(&rq, 0, sizeof(rq));
	memset(out, 0, sizeof(*out));
	rq.method = method;
	rq.path = path;
	rq.iface = IFACE;
	if (strcmp(method, "POST") == 0) {
		rq.ctype = "application/x-www-form-urlencoded";
		rq.body = body ? body : "";
		rq.len = strlen(rq.body);
		rq.origin = it_url();
		rq.extra[k++] = "Sec-Fetch-Site: same-origin";
	}
	for (i = 0; i < 3; i++)
		if (j->c[i].len > 0)
			buf_addf(&cookie, "%s%s=%s", cookie.len ? "; " : "Cookie: ",
			    cookie_names[i], j->c[i].ptr);
	if (cookie.len > 0)
		rq.extra[k++] = cookie.ptr;
	rq.extra[k] = NULL;
	(void)it_http(&rq, out);
	jar_update(j, out);
	buf_release(&cookie);
}

static void
get(struct jar *j, const char *path, struct it_resp *out)
{
	send(j, "GET", path, NULL, out);
}



/* GET page, then POST fields (with the page's token) to action. */
static void
submit(struct jar *j, const char *page, const char *action, const char *fields,
    struct it_resp *out)
{
	struct it_resp form;
	struct buf body = BUF_INIT;
	char tok[65];

	get(j, page, &form);
	IT_CHECK(it_csrf_of(&form, tok), "no CSRF token in %s (status %ld)", page, form.status);
	buf_addf(&body, "csrf=%s%s%s", tok, *fields ? "&" : "", fields);
	send(j, "POST", action, body.ptr, out);
	it_resp_free(&form);
	buf_release(&body);
}

static int
location_is(const struct it_resp *r, const char *want)
{
	struct buf v = BUF_INIT;
	int ok = it_header(r, "Location", &v) == 1 && strcmp(v.ptr, want) == 0;

	buf_release(&v);
	return ok;
}

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

static long long
db_int_of(enum stmt s, long long v)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, v);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

static int
make_user(const char *email, const char *org)
{
	struct jar j;
	struct it_resp r;
	struct buf f = BUF_INIT;
	char tok[64];
	int ok;

	memset(&j, 0, sizeof(j));
	it_form_add(&f, "email", email);
	it_form_add(&f, "org", org);
	it_form_add(&f, "password", PASSWORD);
	submit(&j, "/signup", "/signup", f.ptr, &r);
	ok = r.status == 200 && it_mail_token(db, STMT_LAST_MAIL, email, tok);
	it_resp_free(&r);
	if (ok) {
		buf_reset(&f);
		buf_addf(&f, "/verify?token=%s", tok);
		get(&j, f.ptr, &r);
		ok = r.status == 200;
		it_resp_free(&r);
	}
	buf_release(&f);
	jar_free(&j);
	return ok;
}

static void
login(struct jar *j, const char *email, const char *pw, struct it_resp *out)
{
	struct buf f = BUF_INIT;

	it_form_add(&f, "email", email);
	it_form_add(&f, "password", pw);
	it_form_add(&f, "next", "/account");
	submit(j, "/login", "/login", f.ptr, out);
	buf_release(&f);
}

static void
second_step(struct jar *j, const char *code, struct it_resp *out)
{
	struct buf f = BUF_INIT;

	it_form_add(&f, "code", code);
	submit(j, "/account/login-2fa", "/account/login-2fa", f.ptr, out);
	buf_release(&f);
}

/*
 * The code an app would show for the step after the last one accepted
 * (the server takes one step of drift either way, never an older one).
 */
static void
next_code(const unsigned char *key, char out[7])
{
	uint64_t now = (uint64_t)time(NULL) / TOTP_STEP, s = last_step + 1;

	if (s < now)
		s = now;
	while (s > (uint64_t)time(NULL) / TOTP_STEP + 1) {
		struct timespec ts = { 1, 0 };

		nanosleep(&ts, NULL);
	}
	snprintf(out, 7, "%06u", totp_code(key, TOTP_SECRET_LEN, s));
	last_step = s;
}

/* The base32 key shown on a setup page, decoded; 1 when found. */
static int
key_of(const struct it_resp *r, unsigned char out[TOTP_SECRET_LEN])
{
	const char *p = strstr(r->body.ptr, "Key: <code class=\"secret\">");
	char b32[64];
	size_t n, len = 0;

	if (p == NULL)
		return 0;
	p += strlen("Key: <code class=\"secret\">");
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
	if (n == 0 || n >= sizeof(b32))
		return 0;
	memcpy(b32, p, n);
	b32[n] = '\0';
	return totp_base32_decode(b32, out, TOTP_SECRET_LEN, &len) == 0 &&
	    len == TOTP_SECRET_LEN;
}

/* Set up and turn on 2FA in a logged-in browser; the key into key, 1 when it worked. */
static int
enrol(struct jar *j, unsigned char key[TOTP_SECRET_LEN], uint64_t *last,
    char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1])
{
	struct it_resp r;
	struct buf f = BUF_INIT;
	char code[7];
	const char *p;
	int ok, i;

	submit(j, "/account/2fa", "/account/2fa/setup", "", &r);
	ok = r.status == 200 && key_of(&r, key) && strstr(r.body.ptr, "otpauth://totp/TrackR:");
	IT_CHECK(ok, "setup page with a key: %ld", r.status);
	it_resp_free(&r);
	if (!ok)
		goto out;
	/* A wrong code does not turn it on. */
	snprintf(code, sizeof(code), "%06u", (totp_code(key, TOTP_SECRET_LEN,
	    (uint64_t)time(NULL) / TOTP_STEP) + 500000) % 1000000);
	it_form_add(&f, "code", code);
	submit(j, "/account/2fa", "/account/2fa/enable", f.ptr, &r);
	IT_CHECK(r.status == 422, "enable with a wrong code: %ld", r.status);
	it_resp_free(&r);
	*last = 0;
	snprintf(code, sizeof(code), "%06u", totp_code(key, TOTP_SECRET_LEN,
	    (uint64_t)time(NULL) / TOTP_STEP));
	*last = (uint64_t)time(NULL) / TOTP_STEP;
	buf_reset(&f);
	it_form_add(&f, "code", code);
	submit(j, "/account/2fa", "/account/2fa/enable", f.ptr, &r);
	ok = r.status == 200 && strstr(r.body.ptr, "recovery codes") != NULL;
	IT_CHECK(ok, "enable with the right code: %ld", r.status);
	for (i = 0, p = r.body.ptr; ok && codes != NULL && i < RECOVERY_CODES &&
	    (p = strstr(p, "<li><code>")) != NULL; i++) {
		p += strlen("<li><code>");
		memcpy(codes[i], p, RECOVERY_CODE_LEN);
		codes[i][RECOVERY_CODE_LEN] = '\0';
	}
	IT_CHECK(codes == NULL || i == RECOVERY_CODES, "%d recovery codes shown", i);
	it_resp_free(&r);
out:
	buf_release(&f);
	return ok;
}

/* ------------------------------------------------------------- tests */

static void
test_enrol(void)
{
	struct jar j, other;
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	const char *v;
	size_t len = 0;

	memset(&j, 0, sizeof(j));
	memset(&other, 0, sizeof(other));
	IT_CHECK(make_user(owner, "MFA owner's company"), "sign up %s", owner);
	IT_CHECK(make_user(member, "MFA member's company"), "sign up %s", member);
	login(&other, owner, PASSWORD, &r);
	it_resp_free(&r);
	login(&j, owner, PASSWORD, &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account"), "login without 2FA: %ld",
	    r.status);
	it_resp_free(&r);
	get(&j, "/account/2fa", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "is <strong>off</strong>"),
	    "status page: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(enrol(&j, secret, &last_step, recovery), "enrolment");
	IT_CHECK(strlen(recovery[9]) == RECOVERY_CODE_LEN, "recovery codes on the page");
	get(&other, "/account", &r);
	IT_CHECK(r.status == 303, "enabling ended the session without a second factor: %ld",
	    r.status);
	it_resp_free(&r);
	get(&j, "/account/2fa", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "is <strong>on</strong>") &&
	    strstr(r.body.ptr, "10 unused recovery codes"), "status after enabling: %ld",
	    r.status);
	IT_CHECK(strstr(r.body.ptr, recovery[0]) == NULL, "recovery codes are shown only once");
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_CODES_LEFT, owner, NULL) == 10, "ten recovery codes stored");

	/* The secret is stored sealed, not as is. */
	db_arg_strz(&a, owner);
	IT_CHECK(db_select(db, db_stmt(db, STMT_SECRET), &a, &res) == 0 && db_fetch(&res) == 1 &&
	    (v = db_col(&res, 0, &len)) != NULL && len > TOTP_SECRET_LEN &&
	    memmem(v, len, secret, TOTP_SECRET_LEN) == NULL, "the stored secret is sealed");
	db_res_free(&res);
	db_args_free(&a);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "2fa.enabled") == 1, "audit: 2fa.enabled");
	jar_free(&other);
	jar_free(&j);
}

static void
test_login(void)
{
	struct jar j;
	struct it_resp r;
	char code[7], wrong[7];
	long long before;

	memset(&j, 0, sizeof(j));
	before = db_count_str(STMT_SESSIONS_OF_EMAIL, owner, NULL);
	login(&j, owner, PASSWORD, &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account/login-2fa") && j.c[0].len == 0 &&
	    j.c[2].len == 43, "the password alone asks for a code: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_SESSIONS_OF_EMAIL, owner, NULL) == before,
	    "no session before the second factor");
	get(&j, "/account", &r);
	IT_CHECK(r.status == 303, "the pending login is no session: %ld", r.status);
	it_resp_free(&r);
	get(&j, "/account/login-2fa", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "name=\"code\""), "the code form: %ld",
	    r.status);
	it_resp_free(&r);

	next_code(secret, code);
	snprintf(wrong, sizeof(wrong), "%06u", (unsigned)(it_number(code) + 500000) % 1000000);
	second_step(&j, wrong, &r);
	IT_CHECK(r.status == 401 && j.c[0].len == 0, "a wrong code: %ld", r.status);
	it_resp_free(&r);
	second_step(&j, code, &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account") && j.c[0].len == 43 &&
	    j.c[2].len == 0, "the right code signs in: %ld", r.status);
	it_resp_free(&r);
	get(&j, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, owner), "account page: %ld", r.status);
	it_resp_free(&r);

	/* The same code again, in a new login: refused. */
	jar_free(&j);
	memset(&j, 0, sizeof(j));
	login(&j, owner, PASSWORD, &r);
	it_resp_free(&r);
	second_step(&j, code, &r);
	IT_CHECK(r.status == 401 && j.c[0].len == 0, "a replayed code: %ld", r.status);
	it_resp_free(&r);

	/* A recovery code works, once. */
	second_step(&j, recovery[0], &r);
	IT_CHECK(r.status == 303 && j.c[0].len == 43, "a recovery code: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_CODES_LEFT, owner, NULL) == 9, "nine codes left");
	jar_free(&j);
	memset(&j, 0, sizeof(j));
	login(&j, owner, PASSWORD, &r);
	it_resp_free(&r);
	second_step(&j, recovery[0], &r);
	IT_CHECK(r.status == 401 && j.c[0].len == 0, "the same recovery code again: %ld",
	    r.status);
	it_resp_free(&r);

	/* The pending cookie is single use: after success it is gone. */
	jar_free(&j);
	memset(&j, 0, sizeof(j));
	get(&j, "/account/login-2fa", &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/login"), "no pending login: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "login.2fa_failed") >= 3,
	    "audit: failed codes");
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "2fa.recovery_code_used") == 1,
	    "audit: recovery code used");
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "login") >= 3, "audit: logins");
	jar_free(&j);
}

static void
test_require(void)
{
	struct jar o, m;
	struct it_resp r;
	unsigned char mkey[TOTP_SECRET_LEN];
	uint64_t mlast = 0;
	long long mid, oid;

	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	/* The member joins the owner's organisation (invitations are another suite's). */
	oid = db_int_of(STMT_ORG_OF_USER, db_count_str(STMT_USER_ID, owner, NULL));
	mid = db_count_str(STMT_USER_ID, member, NULL);
	{
		struct db_args a = DB_ARGS_INIT;

		db_arg_int(&a, oid);
		db_arg_int(&a, mid);
		IT_CHECK(db_exec(db, db_stmt(db, STMT_MEMBER_ADD), &a, NULL, NULL) == 0,
		    "member added");
		db_args_free(&a);
	}

	login(&o, owner, PASSWORD, &r);
	it_resp_free(&r);
	second_step(&o, recovery[1], &r);	/* no wait for the next TOTP step */
	IT_CHECK(r.status == 303 && o.c[0].len == 43, "owner logged in: %ld", r.status);
	it_resp_free(&r);

	/* A viewer cannot require it. */
	login(&m, member, PASSWORD, &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account"), "member login: %ld", r.status);
	it_resp_free(&r);
	submit(&m, "/account", "/account/2fa/require", "require=1", &r);
	IT_CHECK(r.status == 403, "a viewer requiring 2FA: %ld", r.status);
	it_resp_free(&r);

	submit(&o, "/account/2fa", "/account/2fa/require", "require=1", &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account/2fa"), "owner requires 2FA: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(db_int_of(STMT_REQUIRED, oid) == 1, "require_2fa is set");
	get(&o, "/account", &r);
	IT_CHECK(r.status == 200, "the owner, enrolled, goes on: %ld", r.status);
	it_resp_free(&r);

	/* The member's live session is sent to enrolment; 2FA pages and logout stay open. */
	get(&m, "/account", &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account/2fa"),
	    "a member without 2FA is sent to enrolment: %ld", r.status);
	it_resp_free(&r);
	get(&m, "/account/2fa", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "requires two-factor"),
	    "the enrolment page: %ld", r.status);
	it_resp_free(&r);
	/* And again after logging in anew. */
	jar_free(&m);
	memset(&m, 0, sizeof(m));
	login(&m, member, PASSWORD, &r);
	it_resp_free(&r);
	get(&m, "/account", &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account/2fa"),
	    "after a new login too: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(enrol(&m, mkey, &mlast, NULL), "the member enrols");
	get(&m, "/account", &r);
	IT_CHECK(r.status == 200, "an enrolled member goes on: %ld", r.status);
	it_resp_free(&r);

	submit(&o, "/account/2fa", "/account/2fa/require", "require=0", &r);
	IT_CHECK(r.status == 303 && db_int_of(STMT_REQUIRED, oid) == 0,
	    "owner stops requiring it: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "org.require_2fa") == 2,
	    "audit: require on and off");
	jar_free(&o);
	jar_free(&m);
}

static void
test_disable(void)
{
	struct jar j, k;
	struct it_resp r;
	struct buf f = BUF_INIT;
	char fresh[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	const char *p;
	int i;

	memset(&j, 0, sizeof(j));
	memset(&k, 0, sizeof(k));
	login(&j, owner, PASSWORD, &r);
	it_resp_free(&r);
	second_step(&j, recovery[2], &r);
	IT_CHECK(r.status == 303 && j.c[0].len == 43, "owner logged in: %ld", r.status);
	it_resp_free(&r);

	/* New recovery codes: the old ones stop working. */
	it_form_add(&f, "password", PASSWORD);
	submit(&j, "/account/2fa", "/account/2fa/recovery", f.ptr, &r);
	for (i = 0, p = r.body.ptr; i < RECOVERY_CODES && (p = strstr(p, "<li><code>")) != NULL;
	    i++) {
		p += strlen("<li><code>");
		memcpy(fresh[i], p, RECOVERY_CODE_LEN);
		fresh[i][RECOVERY_CODE_LEN] = '\0';
	}
	IT_CHECK(r.status == 200 && i == RECOVERY_CODES && strstr(r.body.ptr, "no longer work"),
	    "new recovery codes: %ld, %d shown", r.status, i);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_CODES_LEFT, owner, NULL) == 10, "ten unused codes again");
	login(&k, owner, PASSWORD, &r);
	it_resp_free(&r);
	second_step(&k, recovery[3], &r);
	IT_CHECK(r.status == 401, "an old recovery code after renewal: %ld", r.status);
	it_resp_free(&r);
	second_step(&k, fresh[0], &r);
	IT_CHECK(r.status == 303 && k.c[0].len == 43, "a new recovery code: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "2fa.recovery_codes_renewed") == 1,
	    "audit: codes renewed");
	jar_free(&k);

	buf_reset(&f);
	submit(&j, "/account/2fa", "/account/2fa/disable", "", &r);
	IT_CHECK(r.status == 403, "disable without the password: %ld", r.status);
	it_resp_free(&r);
	it_form_add(&f, "password", "not the password at all");
	submit(&j, "/account/2fa", "/account/2fa/disable", f.ptr, &r);
	IT_CHECK(r.status == 403, "disable with a wrong password: %ld", r.status);
	it_resp_free(&r);
	get(&j, "/account/2fa", &r);
	IT_CHECK(strstr(r.body.ptr, "is <strong>on</strong>"), "still on");
	it_resp_free(&r);
	buf_reset(&f);
	it_form_add(&f, "password", PASSWORD);
	submit(&j, "/account/2fa", "/account/2fa/disable", f.ptr, &r);
	IT_CHECK(r.status == 303, "disable with the password: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_CODES_LEFT, owner, NULL) == 0, "recovery codes gone");

	jar_free(&j);
	memset(&j, 0, sizeof(j));
	login(&j, owner, PASSWORD, &r);
	IT_CHECK(r.status == 303 && location_is(&r, "/account") && j.c[0].len == 43,
	    "the password alone again: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, owner, "2fa.disable_failed") == 2 &&
	    db_count_str(STMT_AUDIT_COUNT, owner, "2fa.disabled") == 1, "audit: disabling");
	buf_release(&f);
	jar_free(&j);
}

static int
suite_init(void)
{
	long t = (long)time(NULL);

	snprintf(owner, sizeof(owner), "mfa-owner-%ld@example.com", t);
	snprintf(member, sizeof(member), "mfa-member-%ld@example.com", t);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
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
		{ "enrolment from the shown key, codes shown once", test_enrol },
		{ "login asks for a code; replay and reused recovery codes refused", test_login },
		{ "an owner requires 2FA; members without it are sent to enrol", test_require },
		{ "new recovery codes; turning 2FA off needs the password", test_disable },
	};

	log_init("test_mfa", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	return it_run("mfa", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
