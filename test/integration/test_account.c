/*
 * Integration tests of trackr-account through nginx on the test stack:
 * sign-up, verification by the mailed link, login and its cookie, logout,
 * throttling, password reset, CSRF and Origin refusals, open redirects,
 * escaping, security headers, ending sessions, session fixation and
 * session expiry.  The mails are read
 * from the mail_outbox table, as a user would read their inbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "session.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define PASSWORD2	"an entirely new passphrase, 2nd"
#define XSS_ORG		"<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
#define OTHER_IFACE	"127.0.0.2"
/* Sign-ups are throttled per client address: the later tests sign up from here. */
#define SIGNUP_IFACE	"127.0.0.3"

enum stmt {
	STMT_LAST_MAIL,
	STMT_SESSIONS_BY_HASH,
	STMT_SESSIONS_OF_EMAIL,
	STMT_AUDIT_COUNT,
	STMT_MAILS_TO,
	STMT_SESSION_IDLE,
	STMT_SESSION_EXPIRE,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_SESSIONS_BY_HASH] =
	    "SELECT COUNT(*) FROM user_sessions WHERE token_hash = ?",
	[STMT_SESSIONS_OF_EMAIL] =
	    "SELECT COUNT(*) FROM user_sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE u.email = ?",
	[STMT_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.user_id "
	    "WHERE u.email = ? AND a.action = ?",
	[STMT_MAILS_TO] = "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?",
	/* Age a session as time would: last use ? seconds ago, or expired. */
	[STMT_SESSION_IDLE] =
	    "UPDATE user_sessions SET last_seen_at = UTC_TIMESTAMP() - INTERVAL ? SECOND "
	    "WHERE token_hash = ?",
	[STMT_SESSION_EXPIRE] =
	    "UPDATE user_sessions SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
	    "WHERE token_hash = ?",
};

static struct conf	conf;
static struct db	*db;
static char		 email1[96], email2[96];











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



/* Sign up (from iface, NULL for the default) and verify a user; 1 when both worked. */
static int
make_user(const char *email, const char *org, const char *iface)
{
	return it_verified_user(db, STMT_LAST_MAIL, iface, email, org, PASSWORD);
}

/* ------------------------------------------------------------- tests */

static void
check_html_headers(const struct it_resp *r, const char *what)
{
	struct buf v = BUF_INIT;

	IT_CHECK(it_header(r, "Content-Security-Policy", &v) == 1 &&
	    strstr(v.ptr, "default-src 'none'") != NULL &&
	    strstr(v.ptr, "frame-ancestors 'none'") != NULL &&
	    strstr(v.ptr, "unsafe-inline") == NULL && strstr(v.ptr, "script-src") == NULL,
	    "%s: one CSP without scripts, got %s", what, v.ptr);
	IT_CHECK(it_header_is(r, "X-Content-Type-Options", "nosniff"), "%s: nosniff", what);
	IT_CHECK(it_header_is(r, "Referrer-Policy", "no-referrer"), "%s: Referrer-Policy", what);
	IT_CHECK(it_header_is(r, "X-Frame-Options", "DENY"), "%s: X-Frame-Options", what);
	IT_CHECK(it_header(r, "Content-Type", &v) == 1 && strncmp(v.ptr, "text/html", 9) == 0,
	    "%s: text/html, got %s", what, v.ptr);
	/* The test stack is plain http: HSTS only goes out over https. */
	IT_CHECK(it_header(r, "Strict-Transport-Security", &v) == 0, "%s: no HSTS over http", what);
	buf_release(&v);
}

static void
test_pages_and_headers(void)
{
	static const char *const pages[] = { "/signup", "/login", "/forgot", "/reset?token=x",
		"/verify?token=nope" };
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;
	struct buf c = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		it_get(&j, pages[i], &r);
		IT_CHECK(r.status == 200 || r.status == 400, "GET %s: %ld", pages[i], r.status);
		check_html_headers(&r, pages[i]);
		IT_CHECK(strstr(r.body.ptr, "<script") == NULL, "%s: no script element", pages[i]);
		it_resp_free(&r);
	}
	it_jar_free(&j);
	it_get(&j, "/login", &r);
	IT_CHECK(it_set_cookie(&r, "__Host-trackr_pre", &c) && strstr(c.ptr, "; Path=/") &&
	    strstr(c.ptr, "HttpOnly") && strstr(c.ptr, "SameSite=Lax") &&
	    strcasestr(c.ptr, "Domain") == NULL, "pre-session cookie: %s", c.ptr);
	it_resp_free(&r);
	it_get(&j, "/css/app.css", &r);
	IT_CHECK(r.status == 200 && it_header(&r, "Content-Type", &c) == 1 &&
	    strncmp(c.ptr, "text/css", 8) == 0,
	    "GET /css/app.css: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login?next=%2Faccount"),
	    "GET /account without a session: %ld", r.status);
	it_resp_free(&r);
	buf_release(&c);
	it_jar_free(&j);
}

static void
test_signup_verify(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;
	struct buf path = BUF_INIT, upper = BUF_INIT;
	char tok[64];
	size_t i;

	/* Mixed case in: stored and mailed lowercased. */
	for (i = 0; email1[i]; i++)
		buf_addch(&upper, i < 3 ? email1[i] - 32 : email1[i]);
	it_signup(&j, upper.ptr, XSS_ORG, PASSWORD, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Check your inbox"),
	    "sign-up: %ld %s", r.status, r.body.ptr);
	check_html_headers(&r, "POST /signup");
	it_resp_free(&r);
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, email1, tok), "a verification mail to %s",
	    email1);

	it_login(&j, email1, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 403 && strstr(r.body.ptr, "Confirm your email"),
	    "login before verification: %ld", r.status);
	it_resp_free(&r);
	/* That sent a new link, which voids the first one. */
	buf_addf(&path, "/verify?token=%s", tok);
	it_get(&j, path.ptr, &r);
	IT_CHECK(r.status == 400, "the voided first link: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, email1, tok), "a second verification mail");
	buf_reset(&path);
	buf_addf(&path, "/verify?token=%s", tok);
	it_get(&j, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Email confirmed"), "verify: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, path.ptr, &r);
	IT_CHECK(r.status == 400, "the same link twice: %ld", r.status);
	it_resp_free(&r);

	/* The same address again: the same answer, and its owner is told. */
	it_signup(&j, email1, "Someone else", PASSWORD2, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Check your inbox"),
	    "sign-up with a taken address: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_MAILS_TO, email1, NULL) == 3, "three mails to %s", email1);

	it_signup(&j, "not-an-email", "Org", PASSWORD, &r);
	IT_CHECK(r.status == 422, "bad email: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&upper);
	for (i = 0; i < 201; i++)
		buf_adds(&upper, "é");
	it_signup(&j, "long-org@example.com", upper.ptr, PASSWORD, &r);
	IT_CHECK(r.status == 422, "an organisation name of 201 characters: %ld", r.status);
	it_resp_free(&r);
		it_signup(&j, "short@example.com", "Org", "elevenchars", &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "at least 12"), "short password: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, email1, "signup") == 1, "audit: signup");
	buf_release(&upper);
	buf_release(&path);
	it_jar_free(&j);
}

static void
test_login_logout(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	struct buf c = BUF_INIT, old = BUF_INIT, body = BUF_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	char tok[65];

	it_login(&j, email1, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/account"), "login: %ld", r.status);
	IT_CHECK(it_set_cookie(&r, "__Host-trackr_session", &c), "a session cookie");
	IT_CHECK(strstr(c.ptr, "; Path=/;") && strstr(c.ptr, "; HttpOnly") &&
	    strstr(c.ptr, "; SameSite=Lax") && strcasestr(c.ptr, "domain=") == NULL &&
	    strstr(c.ptr, "; Secure"), "cookie attributes: %s", c.ptr);
	IT_CHECK(j.session.len == 43, "a 256-bit token, got %zu characters", j.session.len);
	it_resp_free(&r);

	/* Stored as its SHA-256 only. */
	crypt_sha256(j.session.ptr, j.session.len, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	IT_CHECK(it_db_int(db, STMT_SESSIONS_BY_HASH, &a, 0) == 1, "the hash is stored");
	db_args_reset(&a);
	db_arg_blob(&a, j.session.ptr, 32);
	IT_CHECK(it_db_int(db, STMT_SESSIONS_BY_HASH, &a, 0) == 0, "the token is not");

	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, email1), "account page: %ld", r.status);
	check_html_headers(&r, "GET /account");
	IT_CHECK(strstr(r.body.ptr, "<script>alert(1)") == NULL &&
	    strstr(r.body.ptr, "<img src=x") == NULL &&
	    strstr(r.body.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img") != NULL,
	    "the organisation name is escaped");
	IT_CHECK(strstr(r.body.ptr, "this device") != NULL, "the session list marks this one");
	IT_CHECK(strstr(r.body.ptr, "Chrome 120.0 on Windows") != NULL &&
	    strstr(r.body.ptr, "AppleWebKit") == NULL, "the device, not the whole User-Agent");
	IT_CHECK(it_csrf_of(&r, tok), "a CSRF token on the account page");
	it_resp_free(&r);

	buf_adds(&old, j.session.ptr);
	buf_addf(&body, "csrf=%s", tok);
	it_post(&j, "/logout", body.ptr, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login") && j.session.len == 0,
	    "logout: %ld, cookie cleared", r.status);
	it_resp_free(&r);
	buf_reset(&j.session);
	buf_adds(&j.session, old.ptr);
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 303, "the old cookie after logout: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, email1, "login") >= 1, "audit: login");
	db_args_free(&a);
	buf_release(&body);
	buf_release(&old);
	buf_release(&c);
	it_jar_free(&j);
}

static void
test_csrf(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;
	struct buf body = BUF_INIT;
	char tok[65];

	it_login(&j, email1, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303, "login: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, "/account", &r);
	IT_CHECK(it_csrf_of(&r, tok), "token on /account");
	it_resp_free(&r);

	it_post(&j, "/logout", "", &r);
	IT_CHECK(r.status == 403, "POST without a token: %ld", r.status);
	check_html_headers(&r, "403");
	it_resp_free(&r);
	it_post(&j, "/logout", "csrf=0000000000000000000000000000000000000000000000000000000000000000",
	    &r);
	IT_CHECK(r.status == 403, "POST with a wrong token: %ld", r.status);
	it_resp_free(&r);
	buf_addf(&body, "csrf=%s", tok);
	it_send(&j, "POST", "/logout", body.ptr, "https://evil.example", "", &r);
	IT_CHECK(r.status == 403, "cross-site Origin: %ld", r.status);
	it_resp_free(&r);
	it_send(&j, "POST", "/logout", body.ptr, "", "cross-site", &r);
	IT_CHECK(r.status == 403, "Sec-Fetch-Site cross-site: %ld", r.status);
	it_resp_free(&r);
	it_send(&j, "POST", "/logout", body.ptr, "null", "", &r);
	IT_CHECK(r.status == 403, "Origin null: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 200, "still logged in after the refusals: %ld", r.status);
	it_resp_free(&r);

	/* Login CSRF: an anonymous form needs the pre-session cookie's token. */
	it_jar_free(&j);
	it_post(&j, "/login", "email=a%40example.com&password=whatever1234", &r);
	IT_CHECK(r.status == 403, "login without a token: %ld", r.status);
	it_resp_free(&r);
	buf_release(&body);
	it_jar_free(&j);
}

static void
test_open_redirect(void)
{
	static const char *const bad[] = { "//evil.example", "/\\evil.example",
		"https:evil.example", "javascript:alert(1)", "https://evil.example/",
		"/\t/evil.example", "" };
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;
	struct buf loc = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		it_jar_free(&j);
		it_login(&j, email1, PASSWORD, bad[i], &r);
		it_header(&r, "Location", &loc);
		IT_CHECK(r.status == 303 && strcmp(loc.ptr, "/account") == 0,
		    "next=%s led to %ld %s", bad[i], r.status, loc.ptr);
		it_resp_free(&r);
	}
	it_jar_free(&j);
	it_login(&j, email1, PASSWORD, "/account?tab=sessions", &r);
	IT_CHECK(it_header_is(&r, "Location", "/account?tab=sessions"), "a local next is kept");
	it_resp_free(&r);
	/* The login page keeps a local next in its form, and drops the others. */
	it_get(&j, "/login?next=%2F%2Fevil.example", &r);
	IT_CHECK(strstr(r.body.ptr, "evil.example") == NULL, "//evil is not echoed");
	it_resp_free(&r);
	buf_release(&loc);
	it_jar_free(&j);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_throttle(void)
{
	struct it_jar j = IT_JAR_INIT, elsewhere = IT_JAR_INIT;
	struct it_resp r, u;
	char unknown[96];
	double t0, known_s = 0, unknown_s = 0;
	int i;

	snprintf(unknown, sizeof(unknown), "nobody-%ld@example.com", (long)time(NULL));
	for (i = 0; i < 5; i++) {
		t0 = now_s();
		it_login(&j, email1, "wrong password, surely", NULL, &r);
		known_s += now_s() - t0;
		t0 = now_s();
		it_login(&j, unknown, "wrong password, surely", NULL, &u);
		unknown_s += now_s() - t0;
		IT_CHECK(r.status == 401 && u.status == 401 &&
		    strstr(r.body.ptr, "Wrong email or password.") &&
		    strstr(u.body.ptr, "Wrong email or password."),
		    "attempt %d: known %ld, unknown %ld", i + 1, r.status, u.status);
		it_resp_free(&r);
		it_resp_free(&u);
	}
	/* argon2id runs for unknown emails too: the times are alike. */
	IT_CHECK(unknown_s > known_s * 0.5, "unknown email %.3fs vs known %.3fs", unknown_s, known_s);
	it_login(&j, email1, PASSWORD, NULL, &r);
	it_login(&j, unknown, "wrong password, surely", NULL, &u);
	IT_CHECK(r.status == 429 && u.status == 429 && strstr(r.body.ptr, "Too many") &&
	    strstr(u.body.ptr, "Too many"), "throttled alike: known %ld, unknown %ld",
	    r.status, u.status);
	it_resp_free(&r);
	it_resp_free(&u);
	/* The real user elsewhere is not locked out. */
	elsewhere.iface = OTHER_IFACE;
	it_login(&elsewhere, email1, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303, "login from another address: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, email1, "login.failed") >= 5, "audit: failures");
	it_jar_free(&elsewhere);
	it_jar_free(&j);
}

static void
test_reset(void)
{
	struct it_jar j = IT_JAR_INIT, a = IT_JAR_INIT, b = IT_JAR_INIT;
	struct it_resp r, u;
	struct buf f = BUF_INIT, path = BUF_INIT, path1 = BUF_INIT;
	char tok[64], unknown[96];

	/* The user has sessions in two browsers (from an unthrottled address). */
	a.iface = b.iface = j.iface = OTHER_IFACE;
	it_login(&a, email1, PASSWORD, NULL, &r);
	it_resp_free(&r);
	it_login(&b, email1, PASSWORD, NULL, &r);
	it_resp_free(&r);
	IT_CHECK(a.session.len > 0 && b.session.len > 0, "two sessions");

	snprintf(unknown, sizeof(unknown), "nobody-else-%ld@example.com", (long)time(NULL));
	it_form_add(&f, "email", email1);
	it_submit(&j, "/forgot", "/forgot", f.ptr, &r);
	buf_reset(&f);
	it_form_add(&f, "email", unknown);
	it_submit(&j, "/forgot", "/forgot", f.ptr, &u);
	IT_CHECK(r.status == 200 && u.status == 200 && strstr(r.body.ptr, "If an account exists") &&
	    strstr(u.body.ptr, "If an account exists"), "same answer: %ld, %ld", r.status, u.status);
	it_resp_free(&r);
	it_resp_free(&u);
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, email1, tok), "a reset mail");
	buf_addf(&path1, "/reset?token=%s", tok);
	IT_CHECK(db_count_str(STMT_MAILS_TO, unknown, NULL) == 0, "no mail to an unknown address");

	/* A second request voids the first link. */
	buf_reset(&f);
	it_form_add(&f, "email", email1);
	it_submit(&j, "/forgot", "/forgot", f.ptr, &r);
	it_resp_free(&r);
	IT_CHECK(it_mail_token(db, STMT_LAST_MAIL, email1, tok), "a second reset mail");
	buf_addf(&path, "/reset?token=%s", tok);
	it_get(&j, path1.ptr, &r);
	IT_CHECK(r.status == 400, "the first link after a second request: %ld", r.status);
	it_resp_free(&r);

	buf_reset(&f);
	it_form_add(&f, "token", tok);
	it_form_add(&f, "password", "too short");
	it_submit(&j, path.ptr, "/reset", f.ptr, &r);
	IT_CHECK(r.status == 422, "a short new password: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&f);
	it_form_add(&f, "token", tok);
	it_form_add(&f, "password", PASSWORD2);
	it_submit(&j, path.ptr, "/reset", f.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Password changed"), "reset: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_SESSIONS_OF_EMAIL, email1, NULL) == 0, "every session ended");
	it_get(&a, "/account", &r);
	IT_CHECK(r.status == 303, "an old session after the reset: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, path.ptr, &r);
	IT_CHECK(r.status == 400, "the used link again: %ld", r.status);
	it_resp_free(&r);
	it_submit(&j, "/forgot", "/reset", f.ptr, &r);
	IT_CHECK(r.status == 400, "posting the used token again: %ld", r.status);
	it_resp_free(&r);

	it_login(&j, email1, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 401, "the old password: %ld", r.status);
	it_resp_free(&r);
	it_login(&j, email1, PASSWORD2, NULL, &r);
	IT_CHECK(r.status == 303, "the new password: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, email1, "password.reset") == 1, "audit: reset");
	buf_release(&path1);
	buf_release(&path);
	buf_release(&f);
	it_jar_free(&a);
	it_jar_free(&b);
	it_jar_free(&j);
}

/* The id of the first session form on an account page whose row is not "this device". */
static long long
other_session_id(const struct it_resp *r)
{
	const char *p = r->body.ptr;

	while ((p = strstr(p, "name=\"session\" value=\"")) != NULL) {
		p += strlen("name=\"session\" value=\"");
		return strtoll(p, NULL, 10);
	}
	return -1;
}

static void
test_sessions_end(void)
{
	struct it_jar a = IT_JAR_INIT, b = IT_JAR_INIT, o = IT_JAR_INIT;
	struct it_resp r;
	struct buf body = BUF_INIT;
	char tok[65];
	long long bid = -1, oid;

	a.iface = b.iface = o.iface = OTHER_IFACE;
	it_login(&b, email1, PASSWORD2, NULL, &r);
	it_resp_free(&r);
	it_get(&b, "/account", &r);
	bid = other_session_id(&r);	/* b's only session: its own */
	it_resp_free(&r);
	it_login(&a, email1, PASSWORD2, NULL, &r);
	it_resp_free(&r);
	it_get(&a, "/account", &r);
	IT_CHECK(r.status == 200 && it_csrf_of(&r, tok) && bid > 0, "account page of a");
	it_resp_free(&r);

	/* Another organisation's user: their session id answers 404, like a missing one. */
	it_login(&o, email2, PASSWORD, NULL, &r);
	it_resp_free(&r);
	it_get(&o, "/account", &r);
	oid = other_session_id(&r);
	it_resp_free(&r);
	buf_addf(&body, "csrf=%s&session=%lld", tok, oid);
	it_post(&a, "/account/sessions/end", body.ptr, &r);
	IT_CHECK(r.status == 404, "another user's session: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&body);
	buf_addf(&body, "csrf=%s&session=999999999", tok);
	it_post(&a, "/account/sessions/end", body.ptr, &r);
	IT_CHECK(r.status == 404, "a missing session: %ld", r.status);
	it_resp_free(&r);
	it_get(&o, "/account", &r);
	IT_CHECK(r.status == 200, "the other user is still logged in: %ld", r.status);
	it_resp_free(&r);

	buf_reset(&body);
	buf_addf(&body, "csrf=%s&session=%lld", tok, bid);
	it_post(&a, "/account/sessions/end", body.ptr, &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/account"), "end b: %ld", r.status);
	it_resp_free(&r);
	it_get(&b, "/account", &r);
	IT_CHECK(r.status == 303, "b after it was ended: %ld", r.status);
	it_resp_free(&r);
	it_get(&a, "/account", &r);
	IT_CHECK(r.status == 200, "a is still logged in: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(db_count_str(STMT_AUDIT_COUNT, email1, "session.ended") == 1,
	    "audit: session ended");
	buf_release(&body);
	it_jar_free(&a);
	it_jar_free(&b);
	it_jar_free(&o);
}

/* Run stmt on the session whose cookie is tok (with an integer first when arg >= 0). */
static int
session_update(enum stmt s, long long arg, const struct buf *tok)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	unsigned long long n = 0;
	int rc;

	crypt_sha256(tok->ptr, tok->len, hash);
	if (arg >= 0)
		db_arg_int(&a, arg);
	db_arg_blob(&a, hash, sizeof(hash));
	rc = db_exec(db, db_stmt(db, s), &a, &n, NULL);
	db_args_free(&a);
	return rc == 0 && n == 1;
}

/*
 * Session fixation: a cookie value planted in the victim's browser before
 * login (an unknown one, or the attacker's own live session) is never the
 * session the victim gets; login always sets a new token.
 */
static void
test_session_fixation(void)
{
	struct it_jar victim = IT_JAR_INIT, attacker = IT_JAR_INIT;
	struct it_resp r;
	struct buf planted = BUF_INIT;
	char rnd[SESSION_TOKEN_LEN + 1];
	unsigned char hash[CRYPT_SHA256_LEN];
	struct db_args a = DB_ARGS_INIT;

	victim.iface = attacker.iface = OTHER_IFACE;
	/* A made-up token of the right shape: ignored, never stored. */
	it_token(rnd, SESSION_TOKEN_LEN);
	buf_adds(&victim.session, rnd);
	it_get(&victim, "/account", &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login?next=%2Faccount"),
	    "a planted unknown token is no session: %ld", r.status);
	it_resp_free(&r);
	it_get(&victim, "/login", &r);
	IT_CHECK(r.status == 200, "the login page with a planted token: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&victim.session);
	buf_adds(&victim.session, rnd);
	it_login(&victim, email2, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && victim.session.len == SESSION_TOKEN_LEN &&
	    strcmp(victim.session.ptr, rnd) != 0,
	    "login over a planted unknown token sets a new one: %ld", r.status);
	it_resp_free(&r);
	crypt_sha256(rnd, strlen(rnd), hash);
	db_arg_blob(&a, hash, sizeof(hash));
	IT_CHECK(it_db_int(db, STMT_SESSIONS_BY_HASH, &a, 0) == 0,
	    "the planted token was never stored");
	it_get(&victim, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, email2), "the victim's own session: %ld",
	    r.status);
	it_resp_free(&r);
	it_jar_free(&victim);

	/* The attacker's own live session planted: login replaces (and ends) it. */
	it_login(&attacker, email1, PASSWORD2, NULL, &r);
	IT_CHECK(r.status == 303 && attacker.session.len > 0, "the attacker logs in: %ld", r.status);
	it_resp_free(&r);
	buf_adds(&planted, attacker.session.ptr);
	victim.iface = OTHER_IFACE;
	buf_adds(&victim.session, planted.ptr);
	it_login(&victim, email2, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && victim.session.len == SESSION_TOKEN_LEN &&
	    strcmp(victim.session.ptr, planted.ptr) != 0,
	    "login over a planted live token sets a new one: %ld", r.status);
	it_resp_free(&r);
	it_get(&attacker, "/account", &r);
	IT_CHECK(r.status == 303 && strstr(r.body.ptr, email2) == NULL,
	    "the planted token opens neither account: %ld", r.status);
	it_resp_free(&r);
	it_get(&victim, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, email2) && !strstr(r.body.ptr, email1),
	    "the victim is logged in as themself: %ld", r.status);
	it_resp_free(&r);
	db_args_free(&a);
	buf_release(&planted);
	it_jar_free(&victim);
	it_jar_free(&attacker);
}

/*
 * Expiry: a session unused for SESSION_IDLE_SECONDS, or past its
 * expires_at (SESSION_MAX_SECONDS after login), is refused and the
 * browser is sent to the login page.
 */
static void
test_session_expiry(void)
{
	struct it_jar j = IT_JAR_INIT;
	struct it_resp r;

	j.iface = OTHER_IFACE;
	it_login(&j, email2, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && j.session.len > 0, "login: %ld", r.status);
	it_resp_free(&r);
	/* Just inside the idle window: still good, and the use refreshes it. */
	IT_CHECK(session_update(STMT_SESSION_IDLE, SESSION_IDLE_SECONDS - 120, &j.session),
	    "age the session to just under the idle timeout");
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 200, "a session used %d s ago: %ld", SESSION_IDLE_SECONDS - 120,
	    r.status);
	it_resp_free(&r);
	IT_CHECK(session_update(STMT_SESSION_IDLE, SESSION_IDLE_SECONDS + 1, &j.session),
	    "age the session past the idle timeout");
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", "/login?next=%2Faccount"),
	    "an idle session is refused: %ld", r.status);
	it_resp_free(&r);

	it_jar_free(&j);
	j.iface = OTHER_IFACE;
	it_login(&j, email2, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && j.session.len > 0, "login again: %ld", r.status);
	it_resp_free(&r);
	it_get(&j, "/account/settings", &r);
	IT_CHECK(r.status == 200, "the new session works: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(session_update(STMT_SESSION_EXPIRE, -1, &j.session),
	    "set expires_at in the past");
	it_get(&j, "/account/settings", &r);
	IT_CHECK(r.status == 303 &&
	    it_header_is(&r, "Location", "/login?next=%2Faccount%2Fsettings"),
	    "an expired session is refused: %ld", r.status);
	it_resp_free(&r);
	it_jar_free(&j);
}

/*
 * What users type and other users see, beyond organisation names: the
 * email address (quotes, ampersands and braces are valid in its local
 * part) and the browser named in the session list (from User-Agent).
 */
static void
test_xss_user_fields(void)
{
	static const char *const pages[] = { "/account", "/account/settings", "/account/org",
		"/account/audit" };
	struct it_jar j = IT_JAR_INIT, h = IT_JAR_INIT;
	struct it_resp r;
	struct buf f = BUF_INIT, esc = BUF_INIT;
	char addr[96];
	const char *p;
	size_t i;

	snprintf(addr, sizeof(addr), "o'x&{{email}}=`-%ld@example.com", (long)time(NULL));
	IT_CHECK(make_user(addr, "Quote's & Co", SIGNUP_IFACE), "sign up and verify %s", addr);
	/* The address as the HTML escaper writes it. */
	for (p = addr; *p; p++) {
		if (*p == '\'')
			buf_adds(&esc, "&#39;");
		else if (*p == '&')
			buf_adds(&esc, "&amp;");
		else if (*p == '`')
			buf_adds(&esc, "&#96;");
		else
			buf_addch(&esc, *p);
	}
	j.iface = OTHER_IFACE;
	it_login(&j, addr, "a wrong password, echoed", NULL, &r);
	IT_CHECK(r.status == 401 && strstr(r.body.ptr, addr) == NULL &&
	    strstr(r.body.ptr, esc.ptr) != NULL, "the login form echoes the address escaped");
	it_resp_free(&r);
	it_login(&j, addr, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303, "login as %s: %ld", addr, r.status);
	it_resp_free(&r);
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		it_get(&j, pages[i], &r);
		IT_CHECK(r.status == 200 && strstr(r.body.ptr, addr) == NULL &&
		    strstr(r.body.ptr, esc.ptr) != NULL,
		    "%s: the address only escaped (status %ld)", pages[i], r.status);
		IT_CHECK(strstr(r.body.ptr, "<script") == NULL, "%s: no script element", pages[i]);
		it_resp_free(&r);
	}
	it_jar_free(&j);

	/* An address with markup is refused, and not echoed as markup. */
	it_form_add(&f, "email", "\"><script>alert(4)</script>@example.com");
	it_form_add(&f, "org", "Org");
	it_form_add(&f, "password", PASSWORD);
	it_submit(&j, "/signup", "/signup", f.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "<script>alert(4)") == NULL,
	    "a markup address: %ld", r.status);
	it_resp_free(&r);
	it_jar_free(&j);

	/* The browser in the session list comes from User-Agent: inert too. */
	h.iface = j.iface = OTHER_IFACE;
	h.ua = "Mozilla/5.0 <script>alert(5)</script> Chrome/1<b>.0 \"><img src=x> Firefox/2<i>";
	it_login(&h, email2, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303, "login with a hostile User-Agent: %ld", r.status);
	it_resp_free(&r);
	it_login(&j, email2, PASSWORD, NULL, &r);
	it_resp_free(&r);
	it_get(&j, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "<script") == NULL &&
	    strstr(r.body.ptr, "<img") == NULL && strstr(r.body.ptr, "<b>") == NULL &&
	    strstr(r.body.ptr, "<i>") == NULL,
	    "the session list names the hostile browser inertly: %ld", r.status);
	it_resp_free(&r);
	it_jar_free(&h);
	it_jar_free(&j);
	buf_release(&esc);
	buf_release(&f);
}

/* A user of another organisation, for the isolation checks. */
static void
test_other_org(void)
{
	IT_CHECK(make_user(email2, "Bob's company", NULL), "sign up and verify %s", email2);
}

static int
suite_init(void)
{
	long t = (long)time(NULL);

	snprintf(email1, sizeof(email1), "alice-%ld@example.com", t);
	snprintf(email2, sizeof(email2), "bob-%ld@example.com", t);
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
		{ "pages carry the security headers", test_pages_and_headers },
		{ "a user in another organisation", test_other_org },
		{ "sign-up, verification link, single use", test_signup_verify },
		{ "login cookie, account page, logout", test_login_logout },
		{ "CSRF token, Origin and Sec-Fetch-Site", test_csrf },
		{ "redirects after login stay local", test_open_redirect },
		{ "throttling alike for known and unknown emails", test_throttle },
		{ "password reset ends every session", test_reset },
		{ "ending sessions, other tenants answer 404", test_sessions_end },
		{ "session fixation: login always sets a new token", test_session_fixation },
		{ "idle and expired sessions are refused", test_session_expiry },
		{ "user-supplied email and browser render inert", test_xss_user_fields },
	};

	log_init("test_account", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	return it_run("account", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
