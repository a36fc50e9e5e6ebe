/*
 * Integration tests of the sites and API-key pages of trackr-account
 * through nginx on the test stack: adding a site, its snippet and live
 * status fed by a real event to the collector, validation, tenant
 * isolation, roles, keys shown once and stored hashed, revoking, escaping,
 * and deleting a site with its data.
 */
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
#define XSS		"<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
/* Sign-ups are throttled per client address: this suite uses its own. */
#define IFACE		"127.0.6.1"

enum stmt {
	STMT_LAST_MAIL,
	STMT_ORG_OF_EMAIL,
	STMT_USER_ID,
	STMT_MEMBER_ADD,
	STMT_SESSION_MOVE,
	STMT_SITE_COUNT,
	STMT_SITE_KEY,
	STMT_SITE_DOMAIN,
	STMT_SITE_TZ,
	STMT_SITE_ORIGINS,
	STMT_SITE_EXISTS,
	STMT_EVENTS_OF_SITE,
	STMT_SESSIONS_OF_SITE,
	STMT_AUDIT_COUNT,
	STMT_KEY_BY_HASH,
	STMT_KEY_ID_BY_HASH,
	STMT_KEY_REVOKED,
	STMT_KEY_COUNT,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_LAST_MAIL] =
	    "SELECT body_text FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
	[STMT_ORG_OF_EMAIL] =
	    "SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ? AND m.role = 'owner' ORDER BY m.org_id LIMIT 1",
	[STMT_USER_ID] = "SELECT id FROM users WHERE email = ?",
	[STMT_MEMBER_ADD] =
	    "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, 'viewer')",
	[STMT_SESSION_MOVE] = "UPDATE user_sessions SET org_id = ? WHERE token_hash = ?",
	[STMT_SITE_COUNT] = "SELECT COUNT(*) FROM sites WHERE org_id = ?",
	[STMT_SITE_KEY] = "SELECT site_key FROM sites WHERE id = ?",
	[STMT_SITE_DOMAIN] = "SELECT domain FROM sites WHERE id = ?",
	[STMT_SITE_TZ] = "SELECT timezone FROM sites WHERE id = ?",
	[STMT_SITE_ORIGINS] = "SELECT allowed_origins FROM sites WHERE id = ?",
	[STMT_SITE_EXISTS] = "SELECT COUNT(*) FROM sites WHERE id = ?",
	[STMT_EVENTS_OF_SITE] = "SELECT COUNT(*) FROM events WHERE site_id = ?",
	[STMT_SESSIONS_OF_SITE] = "SELECT COUNT(*) FROM sessions WHERE site_id = ?",
	[STMT_AUDIT_COUNT] =
	    "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = ?",
	[STMT_KEY_BY_HASH] = "SELECT COUNT(*) FROM api_keys WHERE key_hash = ? AND org_id = ?",
	[STMT_KEY_ID_BY_HASH] = "SELECT id FROM api_keys WHERE key_hash = ?",
	[STMT_KEY_REVOKED] = "SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = ?",
	[STMT_KEY_COUNT] = "SELECT COUNT(*) FROM api_keys WHERE org_id = ?",
};

static struct conf	conf;
static struct db	*db;
static char		 owner_email[96], other_email[96], viewer_email[96];
static char		 domain[96], origin[128];
static long long	 owner_org, site_id;

static struct it_jar	owner = { BUF_INIT, BUF_INIT, IFACE, NULL },
			other = { BUF_INIT, BUF_INIT, IFACE, NULL },
			viewer = { BUF_INIT, BUF_INIT, IFACE, NULL };

static int
location_starts(const struct it_resp *r, const char *want)
{
	struct buf v = BUF_INIT;
	int ok = it_header(r, "Location", &v) == 1 && strncmp(v.ptr, want, strlen(want)) == 0;

	buf_release(&v);
	return ok;
}

/* Sign up, verify and log in; 1 when all worked. */
static int
make_user(struct it_jar *j, const char *email, const char *org)
{
	return it_signed_in(db, STMT_LAST_MAIL, j, email, org, PASSWORD);
}

static long long
q_int(enum stmt s, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, id);
	n = it_db_int(db, s, &a, 0);
	db_args_free(&a);
	return n;
}

/* Column 0 of statement s for id, as a string, into out; 1 when a row came. */
static int
q_str(enum stmt s, long long id, struct buf *out)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	const char *v;
	int ok = 0;

	buf_reset(out);
	db_arg_int(&a, id);
	if (db_select(db, db_stmt(db, s), &a, &r) == 0 && db_fetch(&r) == 1 &&
	    (v = db_col(&r, 0, NULL)) != NULL) {
		buf_adds(out, v);
		ok = 1;
	}
	db_res_free(&r);
	db_args_free(&a);
	return ok;
}

static long long
audit_count(const char *action)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, owner_org);
	db_arg_strz(&a, action);
	n = it_db_int(db, STMT_AUDIT_COUNT, &a, 0);
	db_args_free(&a);
	return n;
}

/* POST the site form (new when id is 0) for the owner; the answer in r. */
static void
site_post(struct it_jar *j, long long id, const char *dom, const char *tz, const char *origins,
    struct it_resp *r)
{
	struct buf f = BUF_INIT;

	if (id)
		buf_addf(&f, "id=%lld", id);
	it_form_add(&f, "domain", dom);
	it_form_add(&f, "timezone", tz);
	it_form_add(&f, "origins", origins);
	it_submit(j, "/account/sites", id ? "/account/site/edit" : "/account/sites/new", f.ptr, r);
	buf_release(&f);
}

/* ------------------------------------------------------------- tests */

static void
test_users(void)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	long long viewer_id;
	struct it_resp r;

	IT_CHECK(make_user(&owner, owner_email, "Sites Owner Company"), "owner %s", owner_email);
	IT_CHECK(make_user(&other, other_email, "Another company"), "other %s", other_email);
	IT_CHECK(make_user(&viewer, viewer_email, "Viewer's own company"), "viewer %s",
	    viewer_email);
	db_arg_strz(&a, owner_email);
	owner_org = it_db_int(db, STMT_ORG_OF_EMAIL, &a, 0);
	IT_CHECK(owner_org > 0, "the owner's organisation");
	/* The viewer joins the owner's organisation and works in it. */
	db_args_reset(&a);
	db_arg_strz(&a, viewer_email);
	viewer_id = it_db_int(db, STMT_USER_ID, &a, 0);
	db_args_reset(&a);
	db_arg_int(&a, owner_org);
	db_arg_int(&a, viewer_id);
	IT_CHECK(db_exec(db, db_stmt(db, STMT_MEMBER_ADD), &a, NULL, NULL) == 0,
	    "viewer membership");
	crypt_sha256(viewer.session.ptr, viewer.session.len, hash);
	db_args_reset(&a);
	db_arg_int(&a, owner_org);
	db_arg_blob(&a, hash, sizeof(hash));
	IT_CHECK(db_exec(db, db_stmt(db, STMT_SESSION_MOVE), &a, NULL, NULL) == 0,
	    "viewer session moved");
	db_args_free(&a);
	it_get(&viewer, "/account", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "Sites Owner Company") != NULL &&
	    strstr(r.body.ptr, "viewer") != NULL, "viewer in the owner's organisation: %ld",
	    r.status);
	it_resp_free(&r);
}

static void
test_add_site_and_status(void)
{
	struct it_resp r;
	struct buf upper = BUF_INIT, origins = BUF_INIT, key = BUF_INIT, want = BUF_INIT,
	    loc = BUF_INIT, path = BUF_INIT, body = BUF_INIT;
	struct it_req rq;
	size_t i;

	it_get(&owner, "/account/sites", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "No sites yet") &&
	    strstr(r.body.ptr, "/account/sites/new"), "empty list: %ld", r.status);
	it_resp_free(&r);
	it_get(&owner, "/account/sites/new", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "name=\"domain\""), "the form: %ld",
	    r.status);
	it_resp_free(&r);

	/* Mixed case in, lowercase stored; origins one a line, a duplicate and a default port. */
	for (i = 0; domain[i]; i++)
		buf_addch(&upper, i % 2 && domain[i] >= 'a' && domain[i] <= 'z' ?
		    domain[i] - 32 : domain[i]);
	buf_addf(&origins, "%s\r\nHTTP://LOCALHOST:8080\r\n%s:443\n\n", origin, origin);
	site_post(&owner, 0, upper.ptr, "Europe/Berlin", origins.ptr, &r);
	IT_CHECK(r.status == 303 && location_starts(&r, "/account/site?id="),
	    "add a site: %ld %.300s", r.status, r.body.ptr);
	if (it_header(&r, "Location", &loc) == 1 && strchr(loc.ptr, '='))
		site_id = atoll(strchr(loc.ptr, '=') + 1);
	it_resp_free(&r);
	IT_CHECK(site_id > 0, "a site id");
	IT_CHECK(q_str(STMT_SITE_DOMAIN, site_id, &want) && strcmp(want.ptr, domain) == 0,
	    "stored lowercased: %s", want.ptr);
	buf_reset(&loc);
	buf_addf(&loc, "%s http://localhost:8080", origin);
	IT_CHECK(q_str(STMT_SITE_ORIGINS, site_id, &want) && strcmp(want.ptr, loc.ptr) == 0,
	    "origins normalised: '%s'", want.ptr);
	IT_CHECK(audit_count("site.added") == 1, "audit: site.added");

	IT_CHECK(q_str(STMT_SITE_KEY, site_id, &key) && key.len == 22, "a site key");
	buf_addf(&path, "/account/site?id=%lld", site_id);
	it_get(&owner, path.ptr, &r);
	buf_reset(&want);
	buf_addf(&want, "&lt;script defer src=&quot;%s/t.js&quot; data-site=&quot;%s&quot;&gt;"
	    "&lt;/script&gt;", it_url(), key.ptr);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "<pre") && strstr(r.body.ptr, want.ptr),
	    "the snippet with the key: %ld, want %s", r.status, want.ptr);
	IT_CHECK(strstr(r.body.ptr, "waiting for the first event") != NULL &&
	    strstr(r.body.ptr, "<meta http-equiv=\"refresh\" content=\"10\">") != NULL,
	    "waiting, and the page reloads itself");
	IT_CHECK(strstr(r.body.ptr, "<script") == NULL, "no script element in the page");
	it_resp_free(&r);

	/* An origin the site did not allow is refused by the collector. */
	memset(&rq, 0, sizeof(rq));
	buf_addf(&body, "{\"s\":\"%s\",\"n\":\"pageview\",\"u\":\"https://%s/hello\"}",
	    key.ptr, domain);
	rq.path = "/api/event";
	rq.ctype = "application/json";
	rq.body = body.ptr;
	rq.len = body.len;
	rq.origin = "https://not-allowed.example";
	it_http(&rq, &r);
	IT_CHECK(r.status == 403, "event from another origin: %ld", r.status);
	it_resp_free(&r);
	rq.origin = origin;
	it_http(&rq, &r);
	IT_CHECK(r.status == 202, "event from the allowed origin: %ld %s", r.status, r.body.ptr);
	it_resp_free(&r);

	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "receiving events") &&
	    strstr(r.body.ptr, "last event at 20") &&
	    strstr(r.body.ptr, "http-equiv=\"refresh\"") == NULL,
	    "receiving events, no more reloading: %ld", r.status);
	it_resp_free(&r);
	it_get(&owner, "/account/sites", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, domain) &&
	    strstr(r.body.ptr, "receiving events"), "the list shows the status");
	it_resp_free(&r);
	buf_release(&body);
	buf_release(&path);
	buf_release(&loc);
	buf_release(&want);
	buf_release(&key);
	buf_release(&origins);
	buf_release(&upper);
}

static void
test_invalid_input(void)
{
	static const struct {
		const char	*domain, *tz, *origins, *says;
	} bad[] = {
		{ "exa mple.com", "UTC", "", "Enter the site" },
		{ XSS, "UTC", "", "Enter the site" },
		{ "https://example.com/", "UTC", "", "Enter the site" },
		{ "", "UTC", "", "Enter the site" },
		{ "bad-tz.example.com", "Mars/Olympus_Mons", "", "Choose a time zone" },
		{ "bad-tz.example.com", "../../../etc/passwd", "", "Choose a time zone" },
		{ "bad-tz.example.com", "Europe/../UTC", "", "Choose a time zone" },
		{ "bad-tz.example.com", "zone.tab", "", "Choose a time zone" },
		{ "bad-o.example.com", "UTC", "javascript:alert(1)", "Not an origin" },
		{ "bad-o.example.com", "UTC", "https://bad-o.example.com/path", "Not an origin" },
		{ "bad-o.example.com", "UTC", "ftp://bad-o.example.com", "Not an origin" },
		{ "bad-o.example.com", "UTC", "https://a.example.com:99999", "Not an origin" },
		{ "bad-o.example.com", "UTC", "https://" XSS, "Not an origin" },
	};
	struct it_resp r;
	struct buf many = BUF_INIT;
	long long before = q_int(STMT_SITE_COUNT, owner_org);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		site_post(&owner, 0, bad[i].domain, bad[i].tz, bad[i].origins, &r);
		IT_CHECK(r.status == 422 && strstr(r.body.ptr, bad[i].says) &&
		    strstr(r.body.ptr, "<script>alert") == NULL &&
		    strstr(r.body.ptr, "<img src=x") == NULL,
		    "refused %zu (%s / %s / %s): %ld", i, bad[i].domain, bad[i].tz,
		    bad[i].origins, r.status);
		it_resp_free(&r);
	}
	for (i = 0; i < 21; i++)
		buf_addf(&many, "https://o%zu.example.com\n", i);
	site_post(&owner, 0, "many.example.com", "UTC", many.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "At most 20"), "21 origins: %ld",
	    r.status);
	it_resp_free(&r);
	site_post(&owner, 0, domain, "UTC", "", &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "already registered"),
	    "the same domain again: %ld", r.status);
	it_resp_free(&r);
	/* Another organisation cannot take it either. */
	site_post(&other, 0, domain, "UTC", "", &r);
	IT_CHECK(r.status == 422, "the same domain from another organisation: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_SITE_COUNT, owner_org) == before, "nothing stored");
	buf_release(&many);
}

static void
test_isolation(void)
{
	static const char *const pages[] = { "/account/site?id=",
		"/account/site/edit?id=", "/account/site/delete?id=" };
	struct it_resp r, missing;
	struct buf path = BUF_INIT, f = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		buf_reset(&path);
		buf_addf(&path, "%s%lld", pages[i], site_id);
		it_get(&other, path.ptr, &r);
		buf_reset(&path);
		buf_addf(&path, "%s%lld", pages[i], 4000000000LL);
		it_get(&other, path.ptr, &missing);
		IT_CHECK(r.status == 404 && missing.status == 404 &&
		    strstr(r.body.ptr, "There is no such site") &&
		    strstr(missing.body.ptr, "There is no such site") &&
		    strstr(r.body.ptr, domain) == NULL,
		    "%s: another organisation's site %ld, a missing one %ld", pages[i],
		    r.status, missing.status);
		it_resp_free(&r);
		it_resp_free(&missing);
	}
	it_get(&other, "/account/site?id=abc", &r);
	IT_CHECK(r.status == 404, "a malformed id: %ld", r.status);
	it_resp_free(&r);
	site_post(&other, site_id, "taken.example.com", "UTC", "", &r);
	IT_CHECK(r.status == 404, "editing another organisation's site: %ld", r.status);
	it_resp_free(&r);
	buf_addf(&f, "id=%lld&confirm_domain=%s", site_id, domain);
	it_submit(&other, "/account/sites", "/account/site/delete", f.ptr, &r);
	IT_CHECK(r.status == 404, "deleting another organisation's site: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_SITE_EXISTS, site_id) == 1 &&
	    q_str(STMT_SITE_DOMAIN, site_id, &path) && strcmp(path.ptr, domain) == 0,
	    "the site is untouched");
	it_get(&other, "/account/sites", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, domain) == NULL,
	    "another organisation's list: %ld", r.status);
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&f);
}

static void
test_viewer(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, f = BUF_INIT;
	long long sites = q_int(STMT_SITE_COUNT, owner_org), keys = q_int(STMT_KEY_COUNT, owner_org);

	it_get(&viewer, "/account/sites", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, domain) &&
	    strstr(r.body.ptr, "/account/sites/new") == NULL, "viewer sees the list: %ld",
	    r.status);
	it_resp_free(&r);
	buf_addf(&path, "/account/site?id=%lld", site_id);
	it_get(&viewer, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "data-site=") &&
	    strstr(r.body.ptr, "/account/site/edit") == NULL, "viewer sees the snippet: %ld",
	    r.status);
	it_resp_free(&r);

	it_get(&viewer, "/account/sites/new", &r);
	IT_CHECK(r.status == 403, "viewer: add form %ld", r.status);
	it_resp_free(&r);
	buf_reset(&path);
	buf_addf(&path, "/account/site/edit?id=%lld", site_id);
	it_get(&viewer, path.ptr, &r);
	IT_CHECK(r.status == 403, "viewer: edit form %ld", r.status);
	it_resp_free(&r);
	buf_reset(&path);
	buf_addf(&path, "/account/site/delete?id=%lld", site_id);
	it_get(&viewer, path.ptr, &r);
	IT_CHECK(r.status == 403, "viewer: delete page %ld", r.status);
	it_resp_free(&r);
	it_get(&viewer, "/account/keys", &r);
	IT_CHECK(r.status == 403, "viewer: keys %ld", r.status);
	it_resp_free(&r);

	site_post(&viewer, 0, "viewer-site.example.com", "UTC", "", &r);
	IT_CHECK(r.status == 403, "viewer: add %ld", r.status);
	it_resp_free(&r);
	site_post(&viewer, site_id, "viewer-edit.example.com", "UTC", "", &r);
	IT_CHECK(r.status == 403, "viewer: edit %ld", r.status);
	it_resp_free(&r);
	buf_addf(&f, "id=%lld&confirm_domain=%s", site_id, domain);
	it_submit(&viewer, "/account/sites", "/account/site/delete", f.ptr, &r);
	IT_CHECK(r.status == 403, "viewer: delete %ld", r.status);
	it_resp_free(&r);
	it_submit(&viewer, "/account/sites", "/account/keys/new", "name=v&scope=admin", &r);
	IT_CHECK(r.status == 403, "viewer: new key %ld", r.status);
	it_resp_free(&r);
	it_submit(&viewer, "/account/sites", "/account/keys/revoke", "id=1", &r);
	IT_CHECK(r.status == 403, "viewer: revoke %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_SITE_COUNT, owner_org) == sites &&
	    q_int(STMT_KEY_COUNT, owner_org) == keys &&
	    q_str(STMT_SITE_DOMAIN, site_id, &path) && strcmp(path.ptr, domain) == 0,
	    "the viewer changed nothing");
	buf_release(&path);
	buf_release(&f);
}

static void
test_edit(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, v = BUF_INIT;

	buf_addf(&path, "/account/site/edit?id=%lld", site_id);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, domain) &&
	    strstr(r.body.ptr, "Europe/Berlin"), "edit form: %ld", r.status);
	it_resp_free(&r);
	site_post(&owner, site_id, domain, "Nowhere/Land", "", &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "time zone"), "bad zone on edit: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(q_str(STMT_SITE_TZ, site_id, &v) && strcmp(v.ptr, "Europe/Berlin") == 0,
	    "unchanged after a refusal: %s", v.ptr);
	site_post(&owner, site_id, domain, "America/New_York", origin, &r);
	IT_CHECK(r.status == 303 && location_starts(&r, "/account/site?id="), "edit: %ld %.300s",
	    r.status, r.body.ptr);
	it_resp_free(&r);
	IT_CHECK(q_str(STMT_SITE_TZ, site_id, &v) && strcmp(v.ptr, "America/New_York") == 0,
	    "time zone saved: %s", v.ptr);
	IT_CHECK(q_str(STMT_SITE_ORIGINS, site_id, &v) && strcmp(v.ptr, origin) == 0,
	    "origins saved: %s", v.ptr);
	IT_CHECK(audit_count("site.edited") == 1, "audit: site.edited");
	buf_release(&path);
	buf_release(&v);
}

static void
test_keys(void)
{
	struct it_resp r;
	struct buf f = BUF_INIT, key = BUF_INIT, hits = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *p, *needles[2];
	size_t nlen[2], n;
	long long id;
	int hit;

	it_get(&owner, "/account/keys", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "No API keys yet"), "keys page: %ld",
	    r.status);
	it_resp_free(&r);
	it_form_add(&f, "name", XSS);
	it_form_add(&f, "scope", "superuser");
	it_submit(&owner, "/account/keys", "/account/keys/new", f.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "scope"), "a bad scope: %ld", r.status);
	IT_CHECK(strstr(r.body.ptr, "<script>alert") == NULL, "the name is escaped in the form");
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_KEY_COUNT, owner_org) == 0, "no key stored after a refusal");

	buf_reset(&f);
	it_form_add(&f, "name", XSS);
	it_form_add(&f, "scope", "read");
	it_submit(&owner, "/account/keys", "/account/keys/new", f.ptr, &r);
	p = r.body.ptr ? strstr(r.body.ptr, "tr_") : NULL;
	n = p ? strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") : 0;
	IT_CHECK(r.status == 201 && n == 3 + 8 + 1 + 43 && p != NULL && p[11] == '_',
	    "the new key is shown: %ld (%zu characters)", r.status, n);
	if (p != NULL)
		buf_add(&key, p, n);
	IT_CHECK(strstr(r.body.ptr, "<script>alert") == NULL &&
	    strstr(r.body.ptr, "&lt;script&gt;alert(1)") != NULL, "the name is escaped");
	it_resp_free(&r);

	/* Only its hash is stored: no column of any table holds the key or its secret part. */
	crypt_sha256(key.ptr, key.len, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, owner_org);
	IT_CHECK(it_db_int(db, STMT_KEY_BY_HASH, &a, 0) == 1, "the hash is stored");
	needles[0] = key.ptr;
	nlen[0] = key.len;
	needles[1] = key.ptr + 12;
	nlen[1] = key.len > 12 ? key.len - 12 : 0;
	hit = it_db_scan(db, needles, nlen, 2, &hits);
	IT_CHECK(key.len > 12 && hit == 0, "the key is stored in clear: %s",
	    hit < 0 ? "scan failed" : hits.ptr);

	it_get(&owner, "/account/keys", &r);
	IT_CHECK(r.status == 200 && key.len > 12 && strstr(r.body.ptr, key.ptr + 12) == NULL,
	    "shown once: the list has no key");
	buf_reset(&f);
	buf_add(&f, key.ptr, 11);
	IT_CHECK(strstr(r.body.ptr, f.ptr) != NULL && strstr(r.body.ptr, "never") &&
	    strstr(r.body.ptr, "read"), "the list shows the prefix, scope and last use");
	IT_CHECK(strstr(r.body.ptr, "<script>alert") == NULL &&
	    strstr(r.body.ptr, "<img src=x") == NULL, "names are escaped in the list");
	it_resp_free(&r);
	IT_CHECK(audit_count("key.created") == 1, "audit: key.created");

	/* Another organisation cannot revoke it, and sees it as missing. */
	db_args_reset(&a);
	db_arg_blob(&a, hash, sizeof(hash));
	id = it_db_int(db, STMT_KEY_ID_BY_HASH, &a, 0);
	buf_reset(&f);
	buf_addf(&f, "id=%lld", id);
	it_submit(&other, "/account/keys", "/account/keys/revoke", f.ptr, &r);
	IT_CHECK(r.status == 404, "another organisation revokes: %ld", r.status);
	it_resp_free(&r);
	it_submit(&other, "/account/keys", "/account/keys/revoke", "id=4000000000", &r);
	IT_CHECK(r.status == 404, "a missing key: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_KEY_REVOKED, id) == 0, "still live");
	it_get(&other, "/account/keys", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "No API keys yet"),
	    "another organisation's list: %ld", r.status);
	it_resp_free(&r);

	it_submit(&owner, "/account/keys", "/account/keys/revoke", f.ptr, &r);
	IT_CHECK(r.status == 303 && location_starts(&r, "/account/keys"), "revoke: %ld",
	    r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_KEY_REVOKED, id) == 1, "revoked in the database");
	it_get(&owner, "/account/keys", &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "revoked 20"), "the list says revoked");
	it_resp_free(&r);
	IT_CHECK(audit_count("key.revoked") == 1, "audit: key.revoked");
	db_args_free(&a);
	buf_release(&hits);
	buf_release(&key);
	buf_release(&f);
}

static void
test_delete(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, f = BUF_INIT;

	IT_CHECK(q_int(STMT_EVENTS_OF_SITE, site_id) >= 1 &&
	    q_int(STMT_SESSIONS_OF_SITE, site_id) >= 1, "the site has events and sessions");
	buf_addf(&path, "/account/site/delete?id=%lld", site_id);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 200 && strstr(r.body.ptr, "events and sessions") &&
	    strstr(r.body.ptr, "name=\"confirm_domain\""), "the confirmation page: %ld",
	    r.status);
	it_resp_free(&r);
	buf_addf(&f, "id=%lld", site_id);
	it_submit(&owner, path.ptr, "/account/site/delete", f.ptr, &r);
	IT_CHECK(r.status == 422, "no confirmation: %ld", r.status);
	it_resp_free(&r);
	buf_addf(&f, "&confirm_domain=wrong.example.com");
	it_submit(&owner, path.ptr, "/account/site/delete", f.ptr, &r);
	IT_CHECK(r.status == 422 && strstr(r.body.ptr, "Nothing was deleted"),
	    "a wrong confirmation: %ld", r.status);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_SITE_EXISTS, site_id) == 1 && q_int(STMT_EVENTS_OF_SITE, site_id) >= 1,
	    "nothing deleted yet");

	buf_reset(&f);
	buf_addf(&f, "id=%lld&confirm_domain=%s", site_id, domain);
	it_submit(&owner, path.ptr, "/account/site/delete", f.ptr, &r);
	IT_CHECK(r.status == 303 && location_starts(&r, "/account/sites"), "delete: %ld %.300s",
	    r.status, r.body.ptr);
	it_resp_free(&r);
	IT_CHECK(q_int(STMT_SITE_EXISTS, site_id) == 0, "the site is gone");
	IT_CHECK(q_int(STMT_EVENTS_OF_SITE, site_id) == 0, "its events are gone");
	IT_CHECK(q_int(STMT_SESSIONS_OF_SITE, site_id) == 0, "its sessions are gone");
	IT_CHECK(audit_count("site.deleted") == 1, "audit: site.deleted");
	buf_reset(&path);
	buf_addf(&path, "/account/site?id=%lld", site_id);
	it_get(&owner, path.ptr, &r);
	IT_CHECK(r.status == 404, "the deleted site: %ld", r.status);
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&f);
}

static int
suite_init(void)
{
	long t = (long)time(NULL);

	snprintf(owner_email, sizeof(owner_email), "sites-owner-%ld@example.com", t);
	snprintf(other_email, sizeof(other_email), "sites-other-%ld@example.com", t);
	snprintf(viewer_email, sizeof(viewer_email), "sites-viewer-%ld@example.com", t);
	snprintf(domain, sizeof(domain), "shop-%ld.example.com", t);
	snprintf(origin, sizeof(origin), "https://%s", domain);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	it_jar_free(&owner);
	it_jar_free(&other);
	it_jar_free(&viewer);
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "an owner, another organisation, a viewer", test_users },
		{ "add a site, its snippet, waiting then receiving", test_add_site_and_status },
		{ "bad domains, zones and origins store nothing", test_invalid_input },
		{ "another organisation's site answers 404", test_isolation },
		{ "a viewer sees sites but changes nothing", test_viewer },
		{ "editing a site", test_edit },
		{ "API keys shown once, stored hashed, revoked", test_keys },
		{ "deleting a site needs the domain, removes its data", test_delete },
	};

	log_init("test_sites", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	return it_run("sites", suite_init, suite_clean, tests, sizeof(tests) / sizeof(tests[0]));
}
