/*
 * session: token issue, lookup and revocation, and the session cookie.
 * See session.h for the lifetimes and the storage rule (hashes only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"
#include "valid.h"

void
session_clear(struct session *s)
{
	free(s->email);
	free(s->org_name);
	memset(s, 0, sizeof(*s));
}

int
session_token_new(char tok[SESSION_TOKEN_MAX], unsigned char hash[CRYPT_SHA256_LEN])
{
	if (crypt_token(tok, SESSION_TOKEN_MAX, SESSION_TOKEN_BYTES) == -1)
		return -1;
	crypt_sha256(tok, strlen(tok), hash);
	return 0;
}

int
session_token_hash(const char *tok, size_t len, unsigned char hash[CRYPT_SHA256_LEN])
{
	if (tok == NULL || len != SESSION_TOKEN_LEN ||
	    !valid_token(tok, len, SESSION_TOKEN_LEN))
		return -1;
	crypt_sha256(tok, len, hash);
	return 0;
}

int
session_cookie_get(const char *header, const char *name, struct buf *tok)
{
	struct kvlist l = KVLIST_INIT;
	const char *v;
	size_t n;
	int found = 0;

	buf_reset(tok);
	if (header == NULL)
		return 0;
	/* A bad header still yields the pairs before the problem. */
	(void)form_parse_cookies(&l, header, strlen(header), 64);
	if ((v = kv_get(&l, name, &n)) != NULL) {
		buf_add(tok, v, n);
		found = 1;
	}
	kvlist_free(&l);
	return found;
}

void
session_cookie_header(struct buf *out, const char *name, const char *value,
    int secure, long max_age)
{
	buf_addf(out, "%s=%s; Path=/", name, value);
	if (max_age >= 0)
		buf_addf(out, "; Max-Age=%ld", max_age);
	if (secure)
		buf_adds(out, "; Secure");
	buf_adds(out, "; HttpOnly; SameSite=Lax");
}

int
session_create(struct db *db, long long user_id, long long org_id,
    const char *ua, const char *ip, char tok[SESSION_TOKEN_MAX])
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	int rc = -1;

	if (session_token_new(tok, hash) == -1)
		return -1;
	ua = ua ? ua : "";
	ip = ip ? ip : "";
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, user_id);
	db_arg_int(&a, org_id);
	db_arg_int(&a, SESSION_MAX_SECONDS);
	/* Both only inform the user's session list: cut, never refused. */
	db_arg_str(&a, ua, valid_utf8(ua, strlen(ua)) ?
	    valid_utf8_cut(ua, strlen(ua), 255) : 0);
	db_arg_str(&a, ip, strlen(ip) > 45 ? 45 : strlen(ip));
	if (db_exec(db, db_stmt(db, SESS_STMT_INSERT), &a, NULL, NULL) == 0)
		rc = 0;
	db_args_free(&a);
	if (rc == -1)
		crypt_wipe(tok, SESSION_TOKEN_MAX);
	return rc;
}

int
session_lookup(struct db *db, const unsigned char hash[CRYPT_SHA256_LEN],
    struct session *s)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	const char *v;
	long long idle;
	int rc;

	memset(s, 0, sizeof(*s));
	db_arg_blob(&a, hash, CRYPT_SHA256_LEN);
	db_arg_int(&a, SESSION_IDLE_SECONDS);
	if (db_select_idx(db, SESS_STMT_LOOKUP, &a, &r) == -1) {
		rc = -1;
		goto out;
	}
	if ((rc = db_fetch(&r)) == 1) {
		s->id = (unsigned long long)db_col_int(&r, 0, 0);
		s->user_id = db_col_int(&r, 1, 0);
		s->org_id = db_col_int(&r, 2, 0);
		idle = db_col_int(&r, 3, 0);
		s->email = xstrdup((v = db_col(&r, 4, NULL)) ? v : "");
		s->is_staff = db_col_int(&r, 5, 0) != 0;
		v = db_col(&r, 6, NULL);
		snprintf(s->role, sizeof(s->role), "%s", v ? v : "viewer");
		s->org_name = xstrdup((v = db_col(&r, 7, NULL)) ? v : "");
		memcpy(s->hash, hash, CRYPT_SHA256_LEN);
	}
	db_res_free(&r);
	if (rc == 1 && idle >= SESSION_TOUCH_SECONDS) {
		db_args_reset(&a);
		db_arg_uint(&a, s->id);
		/* A failed touch only shortens the idle window: not fatal. */
		(void)db_exec(db, db_stmt(db, SESS_STMT_TOUCH), &a, NULL, NULL);
	}
	if (rc != 1)
		session_clear(s);
out:
	db_args_free(&a);
	return rc;
}

int
session_end(struct db *db, unsigned long long id, long long user_id)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_uint(&a, id);
	db_arg_int(&a, user_id);
	rc = db_exec(db, db_stmt(db, SESS_STMT_DELETE_ONE), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

int
session_end_all(struct db *db, long long user_id)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, user_id);
	rc = db_exec(db, db_stmt(db, SESS_STMT_DELETE_USER), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

int
session_prune(struct db *db)
{
	struct db_args a = DB_ARGS_INIT;
	int rc;

	db_arg_int(&a, SESSION_IDLE_SECONDS);
	rc = db_exec(db, db_stmt(db, SESS_STMT_PRUNE), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}
