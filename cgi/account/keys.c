/*
 * keys: an organisation's API keys.  A key is shown once, when it is
 * made, and stored as the SHA-256 of the whole key plus its first eight
 * characters for the list; revoking keeps the row as a record.  Another
 * organisation's key answers 404 exactly like a missing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "valid.h"
#include "account.h"

#define KEY_NAME_MAX	100	/* code points; api_keys.name */
#define KEYS_MAX	50	/* live keys per organisation */
#define KEY_PREFIX_LEN	8	/* hex, api_keys.prefix */
#define KEY_SECRET_BYTES 32
/* "tr_" prefix "_" and 43 base64url characters. */
#define KEY_MAX		(3 + KEY_PREFIX_LEN + 1 + 4 * KEY_SECRET_BYTES / 3 + 3)

static int
keys_page(struct ctx *c, struct resp *resp, int status, const char *err, const char *name)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v, *list, *row;
	const char *s;
	int rc;

	v = view_new(c, resp, "API keys");
	view_str(v, "nav", "keys");
	if (err != NULL)
		view_str(v, "error", err);
	view_str(v, "name", name);
	list = json_object_new_array();
	json_object_object_add(v, "keys", list);
	db_arg_int(&a, c->sess.org_id);
	if (db_select_idx(c->db, STMT_KEYS_OF_ORG, &a, &res) == -1) {
		db_res_free(&res);
		db_args_free(&a);
		json_object_put(v);
		return internal_error(c, resp);
	}
	while ((rc = db_fetch(&res)) == 1) {
		row = json_object_new_object();
		json_object_object_add(row, "id", json_object_new_int64(db_col_int(&res, 0, 0)));
		view_str(row, "name", (s = db_col(&res, 1, NULL)) ? s : "");
		view_str(row, "prefix", (s = db_col(&res, 2, NULL)) ? s : "");
		view_str(row, "scope", (s = db_col(&res, 3, NULL)) ? s : "");
		view_str(row, "created", (s = db_col(&res, 4, NULL)) ? s : "");
		view_str(row, "last_used", (s = db_col(&res, 5, NULL)) ? s : "");
		view_str(row, "revoked", (s = db_col(&res, 6, NULL)) ? s : "");
		json_object_array_add(list, row);
	}
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	json_object_object_add(v, "any",
	    json_object_new_boolean(json_object_array_length(list) > 0));
	return render(c, resp, status, "account/keys.html", v);
}

int
h_keys(struct req *r, struct resp *resp)
{
	return keys_page(r->thread, resp, 200, NULL, "");
}

/*
 * A new key: tr_<8 hex>_<43 base64url>, 256 random bits after the
 * prefix.  Its SHA-256 is stored; the clear key goes into this one
 * page's view, the only time anyone sees it, and is wiped after.
 */
int
h_key_new(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf name = BUF_INIT, detail = BUF_INIT;
	unsigned char pre[KEY_PREFIX_LEN / 2], hash[CRYPT_SHA256_LEN];
	char key[KEY_MAX], secret[4 * KEY_SECRET_BYTES / 3 + 3], prefix[KEY_PREFIX_LEN + 1];
	const char *n, *scope;
	size_t nlen, slen, i;
	long long count;
	json_object *v;
	int rc;

	n = field(c, "name", &nlen);
	scope = field(c, "scope", &slen);
	while (nlen > 0 && (*n == ' ' || *n == '\t')) {
		n++;
		nlen--;
	}
	while (nlen > 0 && (n[nlen - 1] == ' ' || n[nlen - 1] == '\t'))
		nlen--;
	buf_add(&name, n, nlen);
	if (nlen == 0 || !valid_text(n, nlen) || utf8_chars(n, nlen) > KEY_NAME_MAX) {
		rc = keys_page(c, resp, 422, "Give the key a name (up to 100 characters).",
		    name.ptr);
		goto out;
	}
	if (strcmp(scope, "read") != 0 && strcmp(scope, "admin") != 0) {
		rc = keys_page(c, resp, 422, "Choose the key's scope: read-only or admin.",
		    name.ptr);
		goto out;
	}
	db_arg_int(&a, c->sess.org_id);
	if ((count = stmt_count(c, STMT_KEY_COUNT, &a)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (count >= KEYS_MAX) {
		rc = keys_page(c, resp, 422, "This organisation has 50 live keys. "
		    "Revoke one first.", name.ptr);
		goto out;
	}
	if (crypt_random(pre, sizeof(pre)) == -1 ||
	    crypt_token(secret, sizeof(secret), KEY_SECRET_BYTES) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	for (i = 0; i < sizeof(pre); i++)
		snprintf(prefix + 2 * i, 3, "%02x", pre[i]);
	if (snprintf(key, sizeof(key), "tr_%s_%s", prefix, secret) >= (int)sizeof(key)) {
		rc = internal_error(c, resp);
		goto out;
	}
	crypt_sha256(key, strlen(key), hash);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, c->sess.org_id);
	db_arg_strz(&a, name.ptr);
	db_arg_strz(&a, prefix);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_strz(&a, scope);
	db_arg_int(&a, c->sess.user_id);
	buf_addf(&detail, "%s (%s, tr_%s)", name.ptr, scope, prefix);
	if (db_exec(c->db, db_stmt(c->db, STMT_KEY_ADD), &a, NULL, NULL) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "key.created", detail.ptr) == -1 ||
	    db_commit(c->db) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	v = view_new(c, resp, "Your new API key");
	view_str(v, "nav", "keys");
	view_str(v, "name", name.ptr);
	view_str(v, "scope", scope);
	view_str(v, "key", key);	/* shown this once, never stored in clear */
	rc = render(c, resp, 201, "account/key_created.html", v);
out:
	crypt_wipe(key, sizeof(key));
	crypt_wipe(secret, sizeof(secret));
	db_args_free(&a);
	buf_release(&detail);
	buf_release(&name);
	return rc;
}

int
h_key_revoke(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf detail = BUF_INIT;
	const char *s;
	size_t n, i;
	unsigned long long id = 0, done = 0;
	int rc, revoked = 0;

	s = field(c, "id", &n);
	for (i = 0; i < n && i < 10 && s[i] >= '0' && s[i] <= '9'; i++)
		id = id * 10 + (unsigned)(s[i] - '0');
	if (n == 0 || i != n || id > 0xffffffffULL)
		id = 0;
	db_arg_uint(&a, id);
	db_arg_int(&a, c->sess.org_id);
	if ((rc = db_select_idx(c->db, STMT_KEY_GET, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		const char *kname = db_col(&res, 0, NULL), *kpre = db_col(&res, 1, NULL);

		buf_addf(&detail, "%s (tr_%s)", kname ? kname : "", kpre ? kpre : "");
		revoked = db_col_int(&res, 2, 0) != 0;
	}
	db_res_free(&res);
	if (rc == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (rc == 0) {
		rc = message(c, resp, 404, "Not found", "There is no such key.",
		    "/account/keys", "Back to the keys");
		goto out;
	}
	if (!revoked) {
		if (db_begin(c->db) == -1 ||
		    db_exec(c->db, db_stmt(c->db, STMT_KEY_REVOKE), &a, &done, NULL) == -1 ||
		    (done == 1 && audit(c, r, c->sess.org_id, c->sess.user_id, "key.revoked",
		    detail.ptr) == -1) || db_commit(c->db) == -1) {
			db_rollback(c->db);
			rc = internal_error(c, resp);
			goto out;
		}
	}
	rc = redirect(resp, "/account/keys");
out:
	db_args_free(&a);
	buf_release(&detail);
	return rc;
}
