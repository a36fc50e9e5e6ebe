/*
 * share: shared links, a read-only view of one site's reports.  The URL
 * carries a random token of 256 bits; the database keeps only its
 * SHA-256, so the clear link is shown once, when it is made.  A link may
 * have a password (an argon2id hash); a browser that typed it right
 * holds an unlock cookie whose MAC covers the link's id and password
 * hash, so a new password or a revoked link voids it at once.
 *
 * front() routes /share/<token>/... here first (share_front) and then,
 * with c->actor ACTOR_SHARE, to the same report handlers members use,
 * minus every route without SHARE_OK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pass.h"
#include "valid.h"

#include "dashboard.h"

#define SHARE_TOKEN_BYTES	32
#define SHARE_TOKEN_LEN		43	/* base64url characters of 32 bytes */
#define SHARE_NAME_MAX		120	/* bytes; shared_links.name holds 120 characters */
#define SHARE_PASS_MIN		8	/* bytes */
#define SHARE_PASS_MAX		1024
#define SHARES_MAX		100	/* live links per site */
#define SHARES_LIST_MAX		500	/* rows the page lists, revoked ones included */
#define SHARE_UNLOCKS_MAX	8	/* links one cookie unlocks */
#define SHARE_COOKIE_AGE	(30L * 24 * 3600)
#define SHARE_ID_DIGITS		10	/* INT UNSIGNED */
#define SHARE_MAC_HEX		(2 * CRYPT_SHA256_LEN)
#define SHARE_THROTTLE_MAX	10	/* wrong passwords per link per window */
#define SHARE_THROTTLE_WINDOW	(15 * 60)

/* Fixed SQL, prepared per use (see query.c): only bound values vary. */
static const char sql_list[] =
    "SELECT id, name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i UTC'), "
    "password_hash IS NOT NULL, DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i UTC') "
    "FROM shared_links WHERE site_id = ? ORDER BY revoked_at IS NOT NULL, id DESC LIMIT ?";
static const char sql_live_count[] =
    "SELECT COUNT(*) FROM shared_links WHERE site_id = ? AND revoked_at IS NULL";
static const char sql_add[] =
    "INSERT INTO shared_links (site_id, name, token_hash, password_hash, created_by, "
    "created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())";
static const char sql_revoke[] =
    "UPDATE shared_links SET revoked_at = UTC_TIMESTAMP() "
    "WHERE id = ? AND site_id = ? AND revoked_at IS NULL";
static const char sql_get[] =
    "SELECT name, revoked_at IS NOT NULL FROM shared_links WHERE id = ? AND site_id = ?";
static const char sql_password[] =
    "SELECT password_hash FROM shared_links WHERE id = ? AND revoked_at IS NULL";
/* The account program's throttle table (migrations/0002_accounts.sql). */
static const char sql_throttle_get[] =
    "SELECT failures FROM login_throttle WHERE key_hash = ? "
    "AND window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND";
static const char sql_throttle_fail[] =
    "INSERT INTO login_throttle (key_hash, failures, window_start) "
    "VALUES (?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE "
    "failures = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, failures + 1, 1), "
    "window_start = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, "
    "window_start, UTC_TIMESTAMP())";

/* ------------------------------------------------------------ helpers */

/* Run fixed sql that returns no rows; 0 or -1 (logged). */
static int
exec_sql(struct ctx *c, const char *sql, struct db_args *a, unsigned long long *affected,
    unsigned long long *insert_id)
{
	MYSQL_STMT *st;
	int rc;

	if ((st = db_prepare(c->db, sql)) == NULL)
		return -1;
	rc = db_exec(c->db, st, a, affected, insert_id);
	mysql_stmt_close(st);
	return rc;
}

/* The first column of the first row of fixed sql as an integer: def when none, -1 on error. */
static long long
int_sql(struct ctx *c, const char *sql, struct db_args *a, long long def)
{
	MYSQL_STMT *st;
	struct db_res res;
	long long v = -1;
	int rc;

	if ((st = db_prepare(c->db, sql)) == NULL)
		return -1;
	if (db_select(c->db, st, a, &res) == 0 && (rc = db_fetch(&res)) >= 0)
		v = rc == 1 ? db_col_int(&res, 0, def) : def;
	db_res_free(&res);
	mysql_stmt_close(st);
	return v;
}

/*
 * The first column of the first row of fixed sql as a new string in *out
 * (NULL for SQL NULL; the caller frees it): 1, 0 when there is no row, -1 on error.
 */
static int
str_sql(struct ctx *c, const char *sql, struct db_args *a, char **out)
{
	MYSQL_STMT *st;
	struct db_res res;
	const char *s;
	int rc = -1;

	*out = NULL;
	if ((st = db_prepare(c->db, sql)) == NULL)
		return -1;
	if (db_select(c->db, st, a, &res) == 0 && (rc = db_fetch(&res)) == 1 &&
	    (s = db_col(&res, 0, NULL)) != NULL)
		*out = xstrdup(s);
	db_res_free(&res);
	mysql_stmt_close(st);
	return rc;
}

/* A decimal id of 1..10 digits in s[0..n); 0 when it is not one. */
static long long
parse_id(const char *s, size_t n)
{
	long long id = 0;
	size_t i;

	if (n == 0 || n > SHARE_ID_DIGITS || *s == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		id = id * 10 + (s[i] - '0');
	}
	return id <= 0xffffffffLL ? id : 0;
}

/* The MAC of an unlock: HMAC(app key, label, id, password hash), as hex into out. */
static void
unlock_mac(const struct ctx *c, long long id, const char *phash, char out[SHARE_MAC_HEX + 1])
{
	struct buf m = BUF_INIT, hex = BUF_INIT;
	unsigned char mac[CRYPT_SHA256_LEN];

	buf_addf(&m, "trackr share unlock v1|%lld|", id);
	buf_adds(&m, phash);
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), m.ptr, m.len, mac);
	buf_add_hex(&hex, mac, sizeof(mac));
	memcpy(out, hex.ptr, SHARE_MAC_HEX);
	out[SHARE_MAC_HEX] = '\0';
	crypt_wipe(mac, sizeof(mac));
	buf_release(&m);
	buf_release(&hex);
}

/*
 * Walk the entries "<id>.<mac>" of the unlock cookie's value v[0..n),
 * separated by '~', calling fn for each well-formed one (at most
 * SHARE_UNLOCKS_MAX) until it returns non-zero, which is returned.
 */
static int
unlock_each(const char *v, size_t n, int (*fn)(void *, long long, const char *, size_t),
    void *arg)
{
	const char *p = v, *e = v + n, *sep, *dot;
	size_t seen = 0;
	long long id;
	int rc;

	while (p < e && seen < SHARE_UNLOCKS_MAX) {
		if ((sep = memchr(p, '~', (size_t)(e - p))) == NULL)
			sep = e;
		if ((dot = memchr(p, '.', (size_t)(sep - p))) != NULL &&
		    (id = parse_id(p, (size_t)(dot - p))) > 0 &&
		    (size_t)(sep - dot - 1) == SHARE_MAC_HEX) {
			seen++;
			if ((rc = fn(arg, id, dot + 1, SHARE_MAC_HEX)) != 0)
				return rc;
		}
		p = sep + 1;
	}
	return 0;
}

struct unlock_check {
	long long	 id;
	const char	*mac;	/* the expected one, hex */
};

static int
unlock_match(void *arg, long long id, const char *mac, size_t len)
{
	const struct unlock_check *u = arg;

	return id == u->id && len == SHARE_MAC_HEX && crypt_memeq(mac, u->mac, len);
}

struct unlock_keep {
	struct buf	*out;
	long long	 skip;		/* the link being unlocked anew */
	size_t		 n;		/* entries in the cookie */
	size_t		 drop;		/* the oldest to leave out */
};

static int
unlock_count(void *arg, long long id, const char *mac, size_t len)
{
	struct unlock_keep *k = arg;

	(void)mac;
	(void)len;
	if (id != k->skip)
		k->n++;
	return 0;
}

static int
unlock_copy(void *arg, long long id, const char *mac, size_t len)
{
	struct unlock_keep *k = arg;

	if (id == k->skip)
		return 0;
	if (k->drop > 0) {
		k->drop--;
		return 0;
	}
	buf_addf(k->out, "%lld.", id);
	buf_add(k->out, mac, len);
	buf_addch(k->out, '~');
	return 0;
}

/* The link's throttle key: an HMAC, so the table says nothing by itself. */
static void
throttle_key(const struct ctx *c, long long id, unsigned char out[CRYPT_SHA256_LEN])
{
	char m[64];
	int n;

	n = snprintf(m, sizeof(m), "share:%lld", id);
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), m, (size_t)n, out);
}

/* The unlock page: the password form, with an error when err is set. */
static int
unlock_page(struct ctx *c, struct resp *resp, int status, const char *err)
{
	json_object *v = view_new(c, resp, "Password required");

	buf_reset(&c->tmp);
	buf_adds(&c->tmp, c->base.ptr);
	buf_adds(&c->tmp, "/unlock");
	view_str(v, "action", c->tmp.ptr);
	if (err != NULL)
		view_str(v, "error", err);
	return render(c, resp, status, "dashboard/unlock.html", v);
}

/* Unknown, malformed and revoked links answer alike. */
static int
share_404(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 404, "Not found",
	    "This shared link does not exist or is no longer shared.", NULL, NULL);
}

/* -------------------------------------------------------- front door */

int
share_front(struct ctx *c, struct req *r, struct resp *resp, const char *t, size_t n)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf cookie = BUF_INIT;
	struct unlock_check u;
	unsigned char hash[CRYPT_SHA256_LEN];
	char mac[SHARE_MAC_HEX + 1];
	char *phash = NULL;
	const char *s;
	long long id = 0, site = 0;
	int rc, st;

	if (n != SHARE_TOKEN_LEN || !valid_token(t, n, SHARE_TOKEN_LEN))
		return share_404(c, resp);
	crypt_sha256(t, n, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	if ((st = db_select_idx(c->db, STMT_SHARE_FIND, &a, &res)) == 0 &&
	    (st = db_fetch(&res)) == 1) {
		id = db_col_int(&res, 0, 0);
		site = db_col_int(&res, 1, 0);
		if ((s = db_col(&res, 2, NULL)) != NULL)
			phash = xstrdup(s);
	}
	db_res_free(&res);
	db_args_free(&a);
	if (st == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (st == 0 || id <= 0) {
		rc = share_404(c, resp);
		goto out;
	}
	if ((st = site_load(c, site)) != 1) {
		rc = st == -1 ? internal_error(c, resp) : share_404(c, resp);
		goto out;
	}
	c->share_id = id;
	rc = 0;
	/* The password form posts here; h_share_unlock checks the password. */
	if (phash == NULL || (r->method == METHOD_POST && strcmp(t + n, "/unlock") == 0))
		goto out;

	unlock_mac(c, id, phash, mac);
	u.id = id;
	u.mac = mac;
	if (session_cookie_get(req_param(r, "HTTP_COOKIE"), SHARE_COOKIE, &cookie) &&
	    unlock_each(cookie.ptr, cookie.len, unlock_match, &u) == 1)
		goto out;
	/* The page front() would have made: a link's actor, base and token. */
	c->actor = ACTOR_SHARE;
	buf_reset(&c->base);
	buf_adds(&c->base, "/share/");
	buf_add(&c->base, t, n);
	rc = unlock_page(c, resp, 401, NULL);
out:
	crypt_wipe(mac, sizeof(mac));
	if (phash != NULL) {
		crypt_wipe(phash, strlen(phash));
		free(phash);
	}
	buf_release(&cookie);
	return rc;
}

int
h_share_unlock(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf cookie = BUF_INIT, value = BUF_INIT, hdr = BUF_INIT;
	struct unlock_keep keep;
	unsigned char key[CRYPT_SHA256_LEN];
	char mac[SHARE_MAC_HEX + 1];
	char *phash = NULL;
	const char *pw;
	size_t pwlen;
	long long fails;
	int rc, st, ok;

	db_arg_int(&a, c->share_id);
	if ((st = str_sql(c, sql_password, &a, &phash)) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (phash == NULL) {
		/* No password (any more): nothing to unlock. */
		rc = redirect(resp, c->base.ptr);
		goto out;
	}

	throttle_key(c, c->share_id, key);
	db_args_reset(&a);
	db_arg_blob(&a, key, sizeof(key));
	db_arg_int(&a, SHARE_THROTTLE_WINDOW);
	if ((fails = int_sql(c, sql_throttle_get, &a, 0)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (fails >= SHARE_THROTTLE_MAX) {
		log_info("shared link %lld: password throttled", c->share_id);
		rc = unlock_page(c, resp, 429, "Too many wrong passwords were tried for this "
		    "link. Please wait 15 minutes and try again.");
		goto out;
	}
	pw = field(c, "password", &pwlen);
	ok = pwlen > 0 && pwlen <= SHARE_PASS_MAX && pass_verify(phash, pw, pwlen) == 1;
	if (!ok) {
		db_args_reset(&a);
		db_arg_blob(&a, key, sizeof(key));
		db_arg_int(&a, SHARE_THROTTLE_WINDOW);
		db_arg_int(&a, SHARE_THROTTLE_WINDOW);
		if (exec_sql(c, sql_throttle_fail, &a, NULL, NULL) == -1) {
			rc = internal_error(c, resp);
			goto out;
		}
		rc = unlock_page(c, resp, 401, "That password is not right.");
		goto out;
	}

	/* Keep the other links' unlocks, newest last, dropping the oldest past the limit. */
	memset(&keep, 0, sizeof(keep));
	keep.out = &value;
	keep.skip = c->share_id;
	if (session_cookie_get(req_param(r, "HTTP_COOKIE"), SHARE_COOKIE, &cookie)) {
		(void)unlock_each(cookie.ptr, cookie.len, unlock_count, &keep);
		keep.drop = keep.n >= SHARE_UNLOCKS_MAX ? keep.n - (SHARE_UNLOCKS_MAX - 1) : 0;
		(void)unlock_each(cookie.ptr, cookie.len, unlock_copy, &keep);
	}
	unlock_mac(c, c->share_id, phash, mac);
	buf_addf(&value, "%lld.%s", c->share_id, mac);
	session_cookie_header(&hdr, SHARE_COOKIE, value.ptr, c->secure_cookie, SHARE_COOKIE_AGE);
	resp_header(resp, "Set-Cookie", "%s", hdr.ptr);
	rc = redirect(resp, c->base.ptr);
out:
	crypt_wipe(mac, sizeof(mac));
	if (phash != NULL) {
		crypt_wipe(phash, strlen(phash));
		free(phash);
	}
	db_args_free(&a);
	buf_release(&cookie);
	buf_release(&value);
	buf_release(&hdr);
	return rc;
}

/* ------------------------------------------------- the admins' page */

struct created {
	const char	*name;
	const char	*path;	/* "/share/<token>": shown this once */
	int		 password;
};

static int
sharing_page(struct ctx *c, struct resp *resp, int status, const char *err, const char *name,
    const struct created *made)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	MYSQL_STMT *st;
	json_object *v, *list, *o;
	const char *s;
	int rc = -1, f;

	v = view_new(c, resp, "Shared links");
	if (view_site(c, v, "/sharing") == -1)
		goto fail;
	list = json_object_new_array();
	json_object_object_add(v, "links", list);
	if ((st = db_prepare(c->db, sql_list)) == NULL)
		goto fail;
	db_arg_int(&a, c->site.id);
	db_arg_int(&a, SHARES_LIST_MAX);
	if ((rc = db_select(c->db, st, &a, &res)) == 0) {
		while ((f = db_fetch(&res)) == 1) {
			o = json_object_new_object();
			view_int(o, "id", db_col_int(&res, 0, 0));
			view_str(o, "name", db_col(&res, 1, NULL));
			view_str(o, "created", db_col(&res, 2, NULL));
			if (db_col_int(&res, 3, 0) == 1)
				json_object_object_add(o, "password", json_object_new_boolean(1));
			if ((s = db_col(&res, 4, NULL)) != NULL)
				view_str(o, "revoked", s);
			json_object_array_add(list, o);
		}
		rc = f == -1 ? -1 : 0;
	}
	db_res_free(&res);
	mysql_stmt_close(st);
	db_args_free(&a);
	if (rc == -1)
		goto fail;
	if (json_object_array_length(list) > 0)
		json_object_object_add(v, "any", json_object_new_boolean(1));

	buf_reset(&c->tmp);
	buf_adds(&c->tmp, c->base.ptr);
	buf_adds(&c->tmp, "/sharing/add");
	view_str(v, "add_action", c->tmp.ptr);
	buf_reset(&c->tmp);
	buf_adds(&c->tmp, c->base.ptr);
	buf_adds(&c->tmp, "/sharing/revoke");
	view_str(v, "revoke_action", c->tmp.ptr);
	if (err != NULL)
		view_str(v, "error", err);
	view_str(v, "name", name);
	if (made != NULL) {
		o = json_object_new_object();
		view_str(o, "name", made->name);
		view_str(o, "path", made->path);	/* shown this once, never stored in clear */
		if (made->password)
			json_object_object_add(o, "password", json_object_new_boolean(1));
		json_object_object_add(v, "created", o);
	}
	return render(c, resp, status, "dashboard/sharing.html", v);
fail:
	json_object_put(v);
	return internal_error(c, resp);
}

int
h_sharing(struct req *r, struct resp *resp)
{
	return sharing_page(r->thread, resp, 200, NULL, "", NULL);
}

int
h_share_add(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf name = BUF_INIT, detail = BUF_INIT, path = BUF_INIT;
	struct created made;
	unsigned char hash[CRYPT_SHA256_LEN];
	char tok[SHARE_TOKEN_LEN + 2], phash[PASS_ENCODED_MAX];
	unsigned long long id = 0;
	const char *n, *pw;
	size_t nlen, pwlen;
	long long live;
	int rc;

	phash[0] = '\0';
	tok[0] = '\0';
	n = field(c, "name", &nlen);
	pw = field(c, "password", &pwlen);
	while (nlen > 0 && (*n == ' ' || *n == '\t')) {
		n++;
		nlen--;
	}
	while (nlen > 0 && (n[nlen - 1] == ' ' || n[nlen - 1] == '\t'))
		nlen--;
	buf_add(&name, n, nlen);
	if (nlen == 0 || nlen > SHARE_NAME_MAX || !valid_text(n, nlen)) {
		rc = sharing_page(c, resp, 422, "Give the link a name (up to 120 characters), "
		    "so you know later whom you gave it to.", name.ptr, NULL);
		goto out;
	}
	if (pwlen > 0 && (pwlen < SHARE_PASS_MIN || pwlen > SHARE_PASS_MAX ||
	    !valid_text(pw, pwlen))) {
		rc = sharing_page(c, resp, 422, "A password must be 8 to 1024 bytes long "
		    "(or leave it empty for a link without one).", name.ptr, NULL);
		goto out;
	}
	db_arg_int(&a, c->site.id);
	if ((live = int_sql(c, sql_live_count, &a, 0)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (live >= SHARES_MAX) {
		rc = sharing_page(c, resp, 422, "This site has 100 live shared links. "
		    "Revoke one first.", name.ptr, NULL);
		goto out;
	}
	if ((pwlen > 0 && pass_hash(pw, pwlen, phash) == -1) ||
	    crypt_token(tok, sizeof(tok), SHARE_TOKEN_BYTES) == -1 ||
	    strlen(tok) != SHARE_TOKEN_LEN) {
		rc = internal_error(c, resp);
		goto out;
	}
	crypt_sha256(tok, SHARE_TOKEN_LEN, hash);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, c->site.id);
	db_arg_str(&a, name.ptr, name.len);
	db_arg_blob(&a, hash, sizeof(hash));
	if (pwlen > 0)
		db_arg_strz(&a, phash);
	else
		db_arg_null(&a);
	db_arg_int(&a, c->sess.user_id);
	if (exec_sql(c, sql_add, &a, NULL, &id) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	buf_addf(&detail, "site %lld: %s (#%llu%s)", c->site.id, name.ptr, id,
	    pwlen > 0 ? ", with a password" : "");
	if (audit(c, r, "share.add", detail.ptr) == -1 || db_commit(c->db) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	buf_adds(&path, "/share/");
	buf_adds(&path, tok);
	made.name = name.ptr;
	made.path = path.ptr;
	made.password = pwlen > 0;
	rc = sharing_page(c, resp, 201, NULL, "", &made);
out:
	crypt_wipe(tok, sizeof(tok));
	crypt_wipe(phash, sizeof(phash));
	if (path.len)
		crypt_wipe(path.ptr, path.len);
	db_args_free(&a);
	buf_release(&name);
	buf_release(&detail);
	buf_release(&path);
	return rc;
}

int
h_share_revoke(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf detail = BUF_INIT, to = BUF_INIT;
	MYSQL_STMT *st = NULL;
	unsigned long long done = 0;
	const char *s;
	size_t n;
	long long id;
	int rc, found = 0;

	s = field(c, "id", &n);
	id = parse_id(s, n);
	if ((st = db_prepare(c->db, sql_get)) == NULL) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_arg_int(&a, id);
	db_arg_int(&a, c->site.id);
	if ((rc = db_select(c->db, st, &a, &res)) == 0 && (rc = db_fetch(&res)) == 1) {
		found = 1;
		buf_addf(&detail, "site %lld: %s (#%lld)", c->site.id,
		    db_col(&res, 0, NULL) ? db_col(&res, 0, NULL) : "", id);
	}
	db_res_free(&res);
	if (rc == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (!found) {
		/* Another site's link answers like a missing one. */
		rc = message(c, resp, 404, "Not found", "There is no such shared link.",
		    c->base.ptr, "Back");
		goto out;
	}
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (exec_sql(c, sql_revoke, &a, &done, NULL) == -1 ||
	    (done > 0 && audit(c, r, "share.revoke", detail.ptr) == -1) ||
	    db_commit(c->db) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	buf_adds(&to, c->base.ptr);
	buf_adds(&to, "/sharing");
	rc = redirect(resp, to.ptr);
out:
	if (st != NULL)
		mysql_stmt_close(st);
	db_args_free(&a);
	buf_release(&detail);
	buf_release(&to);
	return rc;
}
