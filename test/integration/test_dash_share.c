/*
 * Integration tests of the dashboard's shared links and realtime page
 * through nginx: links made by an admin (shown once, stored hashed),
 * opened in a browser without an account, password unlocks bound to one
 * link and its password, throttled guesses, revocation at once, and that
 * a link reaches nothing but its site's reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "pass.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple ✓"
#define LINK_PW		"open sesame 42"
#define IFACE		"127.0.9.1"	/* sign-up and login throttles of its own */
#define TOKEN_LEN	43
#define COOKIE		"__Host-trackr_share"

enum stmt {
	STMT_VERIFY,
	STMT_ORG_OF_EMAIL,
	STMT_USER_OF_EMAIL,
	STMT_ORG_ADD,
	STMT_SITE_ADD,
	STMT_SESSION_ADD,
	STMT_EVENT_ADD,
	STMT_LINK_BY_HASH,
	STMT_LINK_PW_NULL,
	STMT_LINK_REVOKED,
	STMT_LINK_SET_PW,
	STMT_LINK_COUNT,
	STMT_AUDIT_COUNT,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_VERIFY] =
	    "UPDATE users SET email_verified_at = UTC_TIMESTAMP() WHERE email = ?",
	[STMT_ORG_OF_EMAIL] =
	    "SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ? AND m.role = 'owner' ORDER BY m.org_id LIMIT 1",
	[STMT_USER_OF_EMAIL] = "SELECT id FROM users WHERE email = ?",
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'Europe/Berlin')",
	[STMT_SESSION_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, source) VALUES (?, ?, ?, "
	    "UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, ?, ?, "
	    "1, 1, 1, ?)",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, pathname, source) "
	    "VALUES (?, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, 'pageview', ?, ?, ?, ?)",
	[STMT_LINK_BY_HASH] = "SELECT id FROM shared_links WHERE token_hash = ? AND site_id = ?",
	[STMT_LINK_PW_NULL] = "SELECT password_hash IS NULL FROM shared_links WHERE id = ?",
	[STMT_LINK_REVOKED] = "SELECT revoked_at IS NOT NULL FROM shared_links WHERE id = ?",
	[STMT_LINK_SET_PW] = "UPDATE shared_links SET password_hash = ? WHERE id = ?",
	[STMT_LINK_COUNT] = "SELECT COUNT(*) FROM shared_links WHERE site_id = ?",
	[STMT_AUDIT_COUNT] = "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = ?",
};

static struct conf	 conf;
static struct db	*db;
static struct it_jar	 owner = IT_JAR_INIT;
static char		 email[96], domain_a[96], domain_b[96], domain_c[96];
static long long	 org, site_a, site_b, site_c;

/* Links made by the tests: the clear token and the row id. */
struct link {
	char		 tok[TOKEN_LEN + 1];
	long long	 id;
};

static struct link	 open_link, pw_link, pw_link2, b_link;

/* A browser without an account: only the unlock cookie. */
struct guest {
	struct buf	 cookie;	/* the value of __Host-trackr_share */
};

#define GUEST_INIT { BUF_INIT }

/* ------------------------------------------------------------ helpers */

static long long
q_int(enum stmt s, long long id, long long def)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, id);
	n = it_db_int(db, s, &a, def);
	db_args_free(&a);
	return n;
}

static long long
audit_count(const char *action)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, org);
	db_arg_strz(&a, action);
	n = it_db_int(db, STMT_AUDIT_COUNT, &a, 0);
	db_args_free(&a);
	return n;
}

/* A visit of one page view a minute ago on site. */
static void
visit_add(long long site, const char *page, const char *source)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long sid, vid;

	(void)crypt_random(&sid, sizeof(sid));
	(void)crypt_random(&vid, sizeof(vid));
	sid >>= 2;
	vid >>= 2;
	db_arg_uint(&a, sid);
	db_arg_int(&a, site);
	db_arg_uint(&a, vid);
	db_arg_strz(&a, page);
	db_arg_strz(&a, page);
	db_arg_strz(&a, source);
	IT_CHECK(db_exec(db, db_stmt(db, STMT_SESSION_ADD), &a, NULL, NULL) == 0, "a session");
	db_args_reset(&a);
	db_arg_int(&a, site);
	db_arg_uint(&a, vid);
	db_arg_uint(&a, sid);
	db_arg_strz(&a, page);
	db_arg_strz(&a, source);
	IT_CHECK(db_exec(db, db_stmt(db, STMT_EVENT_ADD), &a, NULL, NULL) == 0, "an event");
	db_args_free(&a);
}

static void
guest_free(struct guest *g)
{
	buf_release(&g->cookie);
}

/* One request as that browser sends it: POSTs same-site. */
static void
guest_send(struct guest *g, const char *method, const char *path, const char *body,
    struct it_resp *out)
{
	struct it_req rq;
	struct buf cookie = BUF_INIT, v = BUF_INIT;
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
	if (g->cookie.len > 0) {
		buf_addf(&cookie, "Cookie: %s=%s", COOKIE, g->cookie.ptr);
		rq.extra[k++] = cookie.ptr;
	}
	rq.extra[k] = NULL;
	(void)it_http(&rq, out);
	if (it_cookie(out, COOKIE, &v) != 0) {	/* set, or deleted */
		buf_reset(&g->cookie);
		buf_add(&g->cookie, v.ptr, v.len);
	}
	buf_release(&v);
	buf_release(&cookie);
}

static void
guest_get(struct guest *g, const char *path, struct it_resp *out)
{
	guest_send(g, "GET", path, NULL, out);
}

/* GET link's overview (the unlock form) and POST the password with its token. */
static void
guest_unlock(struct guest *g, const struct link *l, const char *pw, struct it_resp *out)
{
	struct it_resp form;
	struct buf path = BUF_INIT, body = BUF_INIT;
	char tok[65];

	buf_addf(&path, "/share/%s", l->tok);
	guest_get(g, path.ptr, &form);
	IT_CHECK(it_csrf_of(&form, tok), "no CSRF token on the unlock page (status %ld)",
	    form.status);
	buf_addf(&body, "csrf=%s", tok);
	it_form_add(&body, "password", pw);
	buf_adds(&path, "/unlock");
	guest_send(g, "POST", path.ptr, body.ptr, out);
	it_resp_free(&form);
	buf_release(&path);
	buf_release(&body);
}

/* The status of GET /share/<link><sub> for g. */
static long
guest_status(struct guest *g, const struct link *l, const char *sub)
{
	struct it_resp r;
	struct buf path = BUF_INIT;
	long st;

	buf_addf(&path, "/share/%s%s", l->tok, sub);
	guest_get(g, path.ptr, &r);
	st = r.status;
	it_resp_free(&r);
	buf_release(&path);
	return st;
}

/*
 * Make a link on site as the owner; the token from the page that shows
 * it once into l, the row id from the database.  The answer in *out
 * when out is not NULL.
 */
static int
link_make(long long site, const char *name, const char *pw, struct link *l)
{
	struct it_resp r;
	struct buf page = BUF_INIT, action = BUF_INIT, f = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *p;
	int ok = 0;

	memset(l, 0, sizeof(*l));
	buf_addf(&page, "/dash/%lld/sharing", site);
	buf_addf(&action, "/dash/%lld/sharing/add", site);
	it_form_add(&f, "name", name);
	it_form_add(&f, "password", pw ? pw : "");
	it_submit(&owner, page.ptr, action.ptr, f.ptr, &r);
	if (r.status == 201 && (p = strstr(r.body.ptr, "<code>/share/")) != NULL &&
	    strspn(p + 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	    TOKEN_LEN && p[13 + TOKEN_LEN] == '<') {
		memcpy(l->tok, p + 13, TOKEN_LEN);
		l->tok[TOKEN_LEN] = '\0';
		crypt_sha256(l->tok, TOKEN_LEN, hash);
		db_arg_blob(&a, hash, sizeof(hash));
		db_arg_int(&a, site);
		l->id = it_db_int(db, STMT_LINK_BY_HASH, &a, 0);
		ok = l->id > 0;
	}
	IT_CHECK(ok, "make link '%s' on site %lld: %ld %.300s", name, site, r.status,
	    r.body.ptr);
	it_resp_free(&r);
	db_args_free(&a);
	buf_release(&page);
	buf_release(&action);
	buf_release(&f);
	return ok;
}

static void
link_revoke(long long site, long long id, struct it_resp *r)
{
	struct buf page = BUF_INIT, action = BUF_INIT, f = BUF_INIT;

	buf_addf(&page, "/dash/%lld/sharing", site);
	buf_addf(&action, "/dash/%lld/sharing/revoke", site);
	buf_addf(&f, "id=%lld", id);
	it_submit(&owner, page.ptr, action.ptr, f.ptr, r);
	buf_release(&page);
	buf_release(&action);
	buf_release(&f);
}

/* ------------------------------------------------------------- suite */

static int
suite_init(void)
{
	char rnd[9];

	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return 1;
	it_token(rnd, 8);
	snprintf(email, sizeof(email), "share-%s@example.com", rnd);
	snprintf(domain_a, sizeof(domain_a), "share-a-%s.example", rnd);
	snprintf(domain_b, sizeof(domain_b), "share-b-%s.example", rnd);
	snprintf(domain_c, sizeof(domain_c), "share-c-%s.example", rnd);
	for (char *p = domain_a; *p; p++)
		if (*p == '_')
			*p = '-';
	for (char *p = domain_b; *p; p++)
		if (*p == '_')
			*p = '-';
	for (char *p = domain_c; *p; p++)
		if (*p == '_')
			*p = '-';
	owner.iface = IFACE;
	return 0;
}

static int
suite_clean(void)
{
	it_jar_free(&owner);
	db_close(db);
	conf_free(&conf);
	return 0;
}

/* The owner (signed up and logged in), two sites of theirs and one of another organisation. */
static void
test_setup(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct it_resp r;
	long long other;

	it_signup(&owner, email, "Share Test Company", PASSWORD, &r);
	IT_CHECK(r.status == 200, "sign-up: %ld", r.status);
	it_resp_free(&r);
	db_arg_strz(&a, email);
	IT_CHECK(db_exec(db, db_stmt(db, STMT_VERIFY), &a, NULL, NULL) == 0, "verified");
	org = it_db_int(db, STMT_ORG_OF_EMAIL, &a, 0);
	IT_CHECK(org > 0, "the owner's organisation");
	it_login(&owner, email, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && owner.session.len > 0, "login: %ld", r.status);
	it_resp_free(&r);

	site_a = it_site_add(db, STMT_SITE_ADD, org, domain_a, NULL);
	site_b = it_site_add(db, STMT_SITE_ADD, org, domain_b, NULL);
	db_args_reset(&a);
	db_arg_strz(&a, "Someone else entirely");
	other = it_db_insert(db, STMT_ORG_ADD, &a);
	site_c = it_site_add(db, STMT_SITE_ADD, other, domain_c, NULL);
	db_args_free(&a);
	IT_CHECK(site_a > 0 && site_b > 0 && site_c > 0, "sites %lld %lld %lld",
	    site_a, site_b, site_c);
	/* Visitors now: three on A's pricing page, one on B's secret page. */
	visit_add(site_a, "/pricing-now", "news.example");
	visit_add(site_a, "/pricing-now", "news.example");
	visit_add(site_a, "/pricing-now", "");
	visit_add(site_b, "/secret-of-b", "b-source.example");
}

static void
test_realtime_member(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT;

	buf_addf(&path, "/dash/%lld/realtime", site_a);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 200, "realtime: %ld", r.status);
	IT_CHECK(strstr(r.body.ptr, "<meta http-equiv=\"refresh\" content=\"30\">") != NULL,
	    "the page reloads itself");
	IT_CHECK(strstr(r.body.ptr, "<script") == NULL, "no script");
	IT_CHECK(strstr(r.body.ptr, "<span class=\"rt-number\">3</span>") != NULL,
	    "three visitors now: %.2000s", r.body.ptr);
	IT_CHECK(strstr(r.body.ptr, "/pricing-now") != NULL &&
	    strstr(r.body.ptr, "news.example") != NULL &&
	    strstr(r.body.ptr, "Direct / none") != NULL, "current pages and sources");
	IT_CHECK(strstr(r.body.ptr, "/secret-of-b") == NULL &&
	    strstr(r.body.ptr, "b-source.example") == NULL, "nothing of site B");
	IT_CHECK(strstr(r.body.ptr, "/dash/") && strstr(r.body.ptr, "Shared links"),
	    "the bar with the admin's section");
	it_resp_free(&r);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/realtime", site_c);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 404, "another organisation's realtime: %ld", r.status);
	it_resp_free(&r);
	buf_release(&path);
}

static void
test_make_links(void)
{
	struct it_resp r;
	struct buf page = BUF_INIT, action = BUF_INIT, f = BUF_INIT;
	const char *needles[3];
	size_t nlen[3];
	struct buf hits = BUF_INIT;
	long long before;

	buf_addf(&page, "/dash/%lld/sharing", site_a);
	it_get(&owner, page.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "No shared links yet") != NULL,
	    "the empty page: %ld", r.status);
	it_resp_free(&r);

	/* Bad input stores nothing. */
	before = q_int(STMT_LINK_COUNT, site_a, -1);
	buf_addf(&action, "/dash/%lld/sharing/add", site_a);
	it_form_add(&f, "name", "   ");
	it_submit(&owner, page.ptr, action.ptr, f.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "Give the link a name"),
	    "no name: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&f);
	it_form_add(&f, "name", "Short password");
	it_form_add(&f, "password", "1234567");
	it_submit(&owner, page.ptr, action.ptr, f.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "8 to 1024 bytes") &&
	    strstr(r.body.ptr, "value=\"Short password\""), "short password: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_LINK_COUNT, site_a, -1) == before, "nothing stored");

	IT_CHECK(link_make(site_a, "Investors <b>", NULL, &open_link), "a link");
	IT_CHECK(q_int(STMT_LINK_PW_NULL, open_link.id, -1) == 1, "no password hash");
	IT_CHECK(link_make(site_a, "Agency", LINK_PW, &pw_link), "a link with a password");
	IT_CHECK(q_int(STMT_LINK_PW_NULL, pw_link.id, -1) == 0, "a password hash");
	IT_CHECK(link_make(site_a, "Board", LINK_PW, &pw_link2), "another, same password");
	IT_CHECK(link_make(site_b, "Site B", NULL, &b_link), "a link to site B");
	IT_CHECK(audit_count("share.add") == 4, "audit: share.add x4");

	/* Neither the token nor the password is stored in clear, anywhere. */
	needles[0] = open_link.tok;
	needles[1] = pw_link.tok;
	needles[2] = LINK_PW;
	nlen[0] = nlen[1] = TOKEN_LEN;
	nlen[2] = strlen(LINK_PW);
	IT_CHECK(it_db_scan(db, needles, nlen, 3, &hits) == 0, "clear secrets in: %s",
	    hits.ptr);

	/* The list: names escaped, a password flag, no token. */
	it_get(&owner, page.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Investors &lt;b&gt;") &&
	    strstr(r.body.ptr, "Agency") && strstr(r.body.ptr, "Revoke") &&
	    strstr(r.body.ptr, ">yes<") && strstr(r.body.ptr, ">no<"), "the list: %ld",
	    r.status);
	IT_CHECK(strstr(r.body.ptr, open_link.tok) == NULL &&
	    strstr(r.body.ptr, pw_link.tok) == NULL, "no token on the list");
	IT_CHECK(strstr(r.body.ptr, "Site B") == NULL, "not site B's links");
	it_resp_free(&r);
	buf_release(&page);
	buf_release(&action);
	buf_release(&f);
	buf_release(&hits);
}

static void
test_open_link(void)
{
	struct guest g = GUEST_INIT;
	struct it_resp r;
	struct buf path = BUF_INIT, v = BUF_INIT;
	static const char *const subs[] = { "", "/pages", "/sources", "/realtime",
	    "/pages.csv", "?period=7d" };
	static const char *const refused[] = { "/sharing", "/sharing.csv" };
	size_t i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		IT_CHECK(guest_status(&g, &open_link, subs[i]) == 200, "link%s", subs[i]);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		IT_CHECK(guest_status(&g, &open_link, refused[i]) == 404, "link%s", refused[i]);

	buf_addf(&path, "/share/%s", open_link.tok);
	guest_get(&g, path.ptr, &r);
	IT_CHECK(it_header(&r, "Referrer-Policy", &v) >= 1 && strcmp(v.ptr, "no-referrer") == 0,
	    "no Referer leaves a shared page: %s", v.ptr);
	IT_CHECK(strstr(r.body.ptr, domain_a) != NULL, "the site's name");
	IT_CHECK(strstr(r.body.ptr, domain_b) == NULL && strstr(r.body.ptr, domain_c) == NULL,
	    "no other site");
	IT_CHECK(strstr(r.body.ptr, email) == NULL && strstr(r.body.ptr, "Share Test Company") ==
	    NULL, "no user or organisation");
	IT_CHECK(strstr(r.body.ptr, "/dash") == NULL && strstr(r.body.ptr, "Shared links") == NULL,
	    "no member or admin links");
	it_resp_free(&r);

	buf_adds(&path, "/realtime");
	guest_get(&g, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "/pricing-now") &&
	    strstr(r.body.ptr, "content=\"30\"") && strstr(r.body.ptr, "/secret-of-b") == NULL,
	    "realtime through the link: %ld", r.status);
	it_resp_free(&r);

	/* An admin's POST through the link is no route at all. */
	buf_reset(&path);
	buf_addf(&path, "/share/%s/sharing/add", open_link.tok);
	guest_send(&g, "POST", path.ptr, "name=x", &r);
	IT_CHECK(r.status == 404, "POST sharing/add through a link: %ld", r.status);
	it_resp_free(&r);

	/* Member pages and other sites want a login. */
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld", site_a);
	guest_get(&g, path.ptr, &r);
	IT_CHECK(r.status == 303, "the member overview: %ld", r.status);
	it_resp_free(&r);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/realtime", site_b);
	guest_get(&g, path.ptr, &r);
	IT_CHECK(r.status == 303, "site B's realtime: %ld", r.status);
	it_resp_free(&r);
	guest_get(&g, "/dash", &r);
	IT_CHECK(r.status == 303, "the sites list: %ld", r.status);
	it_resp_free(&r);
	guest_free(&g);
	buf_release(&path);
	buf_release(&v);
}

static void
test_unknown_links(void)
{
	struct guest g = GUEST_INIT;
	struct it_resp r1, r2;
	struct buf path = BUF_INIT;
	char fake[TOKEN_LEN + 1];

	it_token(fake, TOKEN_LEN);
	buf_addf(&path, "/share/%s", fake);
	guest_get(&g, path.ptr, &r1);
	guest_get(&g, "/share/short", &r2);
	IT_CHECK(r1.status == 404 && r2.status == 404, "unknown and malformed: %ld %ld",
	    r1.status, r2.status);
	IT_CHECK(strcmp(r1.body.ptr, r2.body.ptr) == 0, "answered alike");
	it_resp_free(&r1);
	it_resp_free(&r2);
	buf_reset(&path);
	buf_addf(&path, "/share/%s/realtime", fake);
	guest_get(&g, path.ptr, &r1);
	IT_CHECK(r1.status == 404, "unknown realtime: %ld", r1.status);
	it_resp_free(&r1);
	buf_reset(&path);
	buf_addf(&path, "/share/%s/unlock", fake);
	guest_send(&g, "POST", path.ptr, "password=x", &r1);
	IT_CHECK(r1.status == 404, "unknown unlock: %ld", r1.status);
	it_resp_free(&r1);
	guest_free(&g);
	buf_release(&path);
}

static void
test_unlock(void)
{
	struct guest g = GUEST_INIT, h = GUEST_INIT;
	struct it_resp r;
	struct buf want = BUF_INIT, body = BUF_INIT;
	const char *dot;

	/* Locked: the form, on every page. */
	IT_CHECK(guest_status(&g, &pw_link, "") == 401, "locked overview");
	IT_CHECK(guest_status(&g, &pw_link, "/pages") == 401, "locked report");
	IT_CHECK(guest_status(&g, &pw_link, "/realtime") == 401, "locked realtime");
	IT_CHECK(guest_status(&g, &pw_link, "/pages.csv") == 401, "locked export");
	buf_addf(&want, "/share/%s", pw_link.tok);
	guest_get(&g, want.ptr, &r);
	IT_CHECK(strstr(r.body.ptr, "type=\"password\"") && strstr(r.body.ptr, "/unlock\"") &&
	    strstr(r.body.ptr, domain_a) == NULL && strstr(r.body.ptr, "/pricing-now") == NULL,
	    "the password form, and no data: %.1000s", r.body.ptr);
	it_resp_free(&r);

	/* A wrong password, then a token-less POST, then the right one. */
	guest_unlock(&g, &pw_link, "not the password", &r);
	IT_CHECK(r.status == 401 && strstr(r.body.ptr, "not right") && g.cookie.len == 0,
	    "wrong password: %ld", r.status);
	it_resp_free(&r);
	buf_adds(&want, "/unlock");
	buf_adds(&body, "password=");
	buf_add_url(&body, LINK_PW, strlen(LINK_PW));
	guest_send(&g, "POST", want.ptr, body.ptr, &r);
	IT_CHECK(r.status == 403 && g.cookie.len == 0, "no CSRF token: %ld", r.status);
	it_resp_free(&r);
	guest_unlock(&g, &pw_link, LINK_PW, &r);
	buf_reset(&want);
	buf_addf(&want, "/share/%s", pw_link.tok);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", want.ptr), "unlocked: %ld",
	    r.status);
	buf_reset(&body);
	IT_CHECK(it_set_cookie(&r, COOKIE, &body) && strstr(body.ptr, "; Path=/") &&
	    strstr(body.ptr, "HttpOnly") && strstr(body.ptr, "SameSite=Lax") &&
	    strstr(body.ptr, "Max-Age=2592000") && strstr(body.ptr, "Domain") == NULL,
	    "the cookie: %s", body.ptr);
	it_resp_free(&r);
	IT_CHECK(g.cookie.len > 0 && strchr(g.cookie.ptr, '.') != NULL, "an unlock: %s",
	    g.cookie.ptr);
	IT_CHECK(guest_status(&g, &pw_link, "") == 200, "overview unlocked");
	IT_CHECK(guest_status(&g, &pw_link, "/pages") == 200, "report unlocked");
	IT_CHECK(guest_status(&g, &pw_link, "/realtime") == 200, "realtime unlocked");

	/* Link A's cookie does not open link B, even with the same password. */
	IT_CHECK(guest_status(&g, &pw_link2, "") == 401, "the other link stays locked");
	/* Nor does A's MAC under B's id. */
	dot = strchr(g.cookie.ptr, '.');
	buf_reset(&h.cookie);
	buf_addf(&h.cookie, "%lld%s", pw_link2.id, dot ? dot : "");
	IT_CHECK(guest_status(&h, &pw_link2, "") == 401, "a MAC moved to another id");
	buf_reset(&h.cookie);
	buf_addf(&h.cookie, "%lld.%064d", pw_link.id, 0);
	IT_CHECK(guest_status(&h, &pw_link, "") == 401, "a made-up MAC");

	/* Two links unlocked in one browser. */
	guest_unlock(&g, &pw_link2, LINK_PW, &r);
	IT_CHECK(r.status == 303 && strchr(g.cookie.ptr, '~') != NULL, "second unlock: %ld %s",
	    r.status, g.cookie.ptr);
	it_resp_free(&r);
	IT_CHECK(guest_status(&g, &pw_link, "") == 200 && guest_status(&g, &pw_link2, "") == 200,
	    "both open");
	/* An open link needs no cookie. */
	IT_CHECK(guest_status(&h, &open_link, "") == 200, "open link");

	/* A new password voids the unlock at once. */
	{
		struct db_args a = DB_ARGS_INIT;
		char enc[PASS_ENCODED_MAX];

		IT_CHECK(pass_hash("a brand new password", 20, enc) == 0, "hash");
		db_arg_strz(&a, enc);
		db_arg_int(&a, pw_link2.id);
		IT_CHECK(db_exec(db, db_stmt(db, STMT_LINK_SET_PW), &a, NULL, NULL) == 0,
		    "new password");
		db_args_free(&a);
	}
	IT_CHECK(guest_status(&g, &pw_link2, "") == 401, "locked again by a new password");
	IT_CHECK(guest_status(&g, &pw_link, "") == 200, "the other unlock still holds");
	guest_free(&g);
	guest_free(&h);
	buf_release(&want);
	buf_release(&body);
}

static void
test_throttle(void)
{
	struct guest g = GUEST_INIT, h = GUEST_INIT;
	struct it_resp r;
	int i;

	/* pw_link2's password is now "a brand new password". */
	for (i = 0; i < 10; i++) {
		guest_unlock(&g, &pw_link2, "guess guess", &r);
		IT_CHECK(r.status == 401, "wrong guess %d: %ld", i + 1, r.status);
		it_resp_free(&r);
	}
	guest_unlock(&h, &pw_link2, "a brand new password", &r);
	IT_CHECK(r.status == 429 && strstr(r.body.ptr, "15 minutes") && h.cookie.len == 0,
	    "the eleventh try is refused, even when right: %ld", r.status);
	it_resp_free(&r);
	/* Another link's guesses are its own. */
	guest_unlock(&h, &pw_link, LINK_PW, &r);
	IT_CHECK(r.status == 303 && h.cookie.len > 0, "another link unthrottled: %ld", r.status);
	it_resp_free(&r);
	guest_free(&g);
	guest_free(&h);
}

static void
test_revoke(void)
{
	struct guest g = GUEST_INIT, fresh = GUEST_INIT;
	struct it_resp r, r2;
	struct buf path = BUF_INIT, loc = BUF_INIT;
	char fake[TOKEN_LEN + 1];

	guest_unlock(&g, &pw_link, LINK_PW, &r);
	IT_CHECK(r.status == 303, "unlocked before: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(guest_status(&fresh, &open_link, "") == 200, "open before");

	/* Site B's link cannot be revoked through site A. */
	link_revoke(site_a, b_link.id, &r);
	IT_CHECK(r.status == 404 && q_int(STMT_LINK_REVOKED, b_link.id, -1) == 0,
	    "another site's link: %ld", r.status);
	it_resp_free(&r);

	link_revoke(site_a, open_link.id, &r);
	buf_addf(&loc, "/dash/%lld/sharing", site_a);
	IT_CHECK(r.status == 303 && it_header_is(&r, "Location", loc.ptr), "revoke: %ld",
	    r.status);
	it_resp_free(&r);
	link_revoke(site_a, pw_link.id, &r);
	IT_CHECK(r.status == 303, "revoke the password link: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_LINK_REVOKED, open_link.id, -1) == 1, "revoked_at set");
	IT_CHECK(audit_count("share.revoke") == 2, "audit: share.revoke x2");

	/* At once, and like a link that never was. */
	it_token(fake, TOKEN_LEN);
	buf_addf(&path, "/share/%s", fake);
	guest_get(&fresh, path.ptr, &r2);
	buf_reset(&path);
	buf_addf(&path, "/share/%s", open_link.tok);
	guest_get(&fresh, path.ptr, &r);
	IT_CHECK(r.status == 404 && strcmp(r.body.ptr, r2.body.ptr) == 0,
	    "a revoked link answers like an unknown one: %ld", r.status);
	it_resp_free(&r);
	it_resp_free(&r2);
	IT_CHECK(guest_status(&fresh, &open_link, "/realtime") == 404, "revoked realtime");
	IT_CHECK(guest_status(&g, &pw_link, "") == 404, "the unlocked browser too");

	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/sharing", site_a);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "revoked 20") != NULL, "listed revoked");
	it_resp_free(&r);
	guest_free(&g);
	guest_free(&fresh);
	buf_release(&path);
	buf_release(&loc);
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "an owner with sites and visitors now", test_setup },
		{ "realtime for a member", test_realtime_member },
		{ "links made, shown once, stored hashed", test_make_links },
		{ "an open link reaches its site's reports only", test_open_link },
		{ "unknown and malformed links answer 404 alike", test_unknown_links },
		{ "a password unlocks one link in one browser", test_unlock },
		{ "wrong passwords are throttled per link", test_throttle },
		{ "revoking ends a link at once", test_revoke },
	};

	log_init("test_dash_share", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("dash_share", suite_init, suite_clean, tests,
	    sizeof(tests) / sizeof(tests[0]));
}
