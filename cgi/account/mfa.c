/*
 * mfa: two-factor authentication.  Enrolment (a TOTP secret confirmed by
 * a code, then ten single-use recovery codes shown once), the second step
 * of a login, disabling, and an owner's switch that requires 2FA of every
 * member (enforced by front() through mfa_gate()).
 *
 *   GET       /account/2fa		status, and the forms below
 *   POST      /account/2fa/setup	a new pending secret: the otpauth:// URI and base32
 *   POST      /account/2fa/enable	code= confirms it; shows the recovery codes once
 *   POST      /account/2fa/disable	password= (or code=) turns it off
 *   POST      /account/2fa/recovery	password= (or code=): ten new recovery codes
 *   POST      /account/2fa/require	require=1|0, owners only
 *   GET  POST /account/login-2fa	code= (or a recovery code) after the password
 *
 * The secret is stored sealed (AES-256-GCM, key derived from secret_key,
 * the user's id as associated data): a copy of the users table does not
 * give the codes.  It never enters a log; it enters a view only on the
 * setup page, where the user must copy it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "crypt.h"
#include "log.h"
#include "pass.h"
#include "secure.h"
#include "session.h"
#include "totp.h"
#include "valid.h"
#include "account.h"

#define MFA_COOKIE		"__Host-trackr_mfa"
#define MFA_PENDING_SECONDS	300	/* to type a code after the password */
#define MFA_PENDING_TRIES	5	/* wrong codes before the password is asked again */
#define MFA_USER_LIMIT		20	/* wrong codes per account per window, any address */
#define SEAL_VERSION		1
#define SEAL_NONCE		12
#define SEAL_TAG		16
#define SEAL_LEN		(1 + SEAL_NONCE + TOTP_SECRET_LEN + SEAL_TAG)

/* ------------------------------------------------------------ sealing */

static void
seal_key(const struct ctx *c, unsigned char key[CRYPT_SHA256_LEN])
{
	static const char label[] = "trackr totp secret v1";

	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), label, sizeof(label) - 1, key);
}

/*
 * AES-256-GCM of the secret, the user's id as associated data (a sealed
 * secret copied to another user's row does not open): version, nonce,
 * ciphertext, tag into out.  0 or -1 (logged).
 */
static int
seal(const struct ctx *c, long long user, const unsigned char secret[TOTP_SECRET_LEN],
    unsigned char out[SEAL_LEN])
{
	EVP_CIPHER_CTX *x = NULL;
	unsigned char key[CRYPT_SHA256_LEN];
	char aad[32];
	int n, rc = -1;

	seal_key(c, key);
	snprintf(aad, sizeof(aad), "%lld", user);
	out[0] = SEAL_VERSION;
	if (crypt_random(out + 1, SEAL_NONCE) == -1 ||
	    (x = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(x, EVP_aes_256_gcm(), NULL, key, out + 1) != 1 ||
	    EVP_EncryptUpdate(x, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(x, out + 1 + SEAL_NONCE, &n, secret, TOTP_SECRET_LEN) != 1 ||
	    EVP_EncryptFinal_ex(x, out + 1 + SEAL_NONCE + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, SEAL_TAG,
	    out + 1 + SEAL_NONCE + TOTP_SECRET_LEN) != 1)
		log_err("%s: AES-256-GCM failed", __func__);
	else
		rc = 0;
	EVP_CIPHER_CTX_free(x);
	crypt_wipe(key, sizeof(key));
	return rc;
}

/* The secret from a sealed column value; 0, or -1 when it does not open. */
static int
unseal(const struct ctx *c, long long user, const unsigned char *in, size_t len,
    unsigned char secret[TOTP_SECRET_LEN])
{
	EVP_CIPHER_CTX *x = NULL;
	unsigned char key[CRYPT_SHA256_LEN], tag[SEAL_TAG];
	char aad[32];
	int n, rc = -1;

	if (in == NULL || len != SEAL_LEN || in[0] != SEAL_VERSION)
		return -1;
	seal_key(c, key);
	snprintf(aad, sizeof(aad), "%lld", user);
	memcpy(tag, in + 1 + SEAL_NONCE + TOTP_SECRET_LEN, SEAL_TAG);
	if ((x = EVP_CIPHER_CTX_new()) != NULL &&
	    EVP_DecryptInit_ex(x, EVP_aes_256_gcm(), NULL, key, in + 1) == 1 &&
	    EVP_DecryptUpdate(x, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	    EVP_DecryptUpdate(x, secret, &n, in + 1 + SEAL_NONCE, TOTP_SECRET_LEN) == 1 &&
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag) == 1 &&
	    EVP_DecryptFinal_ex(x, secret + n, &n) == 1)
		rc = 0;
	else {
		crypt_wipe(secret, TOTP_SECRET_LEN);
		log_warn("%s: a stored 2FA secret does not open (was secret_key changed?)",
		    __func__);
	}
	EVP_CIPHER_CTX_free(x);
	crypt_wipe(key, sizeof(key));
	return rc;
}

/* ----------------------------------------------------------- the user */

struct mfa_user {
	int		 enabled;
	int		 has_secret;	/* enabled, or pending confirmation */
	uint64_t	 last_step;
	unsigned char	 secret[TOTP_SECRET_LEN];
	unsigned char	 sealed[SEAL_LEN];
	char		*phash;		/* the password's PHC string */
};

static void
mfa_user_free(struct mfa_user *u)
{
	if (u->phash != NULL) {
		crypt_wipe(u->phash, strlen(u->phash));
		free(u->phash);
	}
	crypt_wipe(u, sizeof(*u));
}

/* Load user's 2FA state, opening the secret; 1, 0 when no such user, -1 on error. */
static int
mfa_user_load(struct ctx *c, long long user, struct mfa_user *u)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	const char *v;
	size_t len = 0;
	int rc;

	memset(u, 0, sizeof(*u));
	db_arg_int(&a, user);
	if ((rc = db_select_idx(c->db, STMT_MFA_USER, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		v = db_col(&res, 0, &len);
		if (v != NULL && unseal(c, user, (const unsigned char *)v, len, u->secret) == 0) {
			u->has_secret = 1;
			memcpy(u->sealed, v, SEAL_LEN);
		}
		/* From the column: a secret that no longer opens never turns 2FA off. */
		u->enabled = db_col_int(&res, 1, 0) == 1;
		u->last_step = (uint64_t)db_col_int(&res, 2, 0);
		u->phash = xstrdup((v = db_col(&res, 3, NULL)) ? v : "");
	}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/*
 * Check a typed TOTP code and record its step, so the same code (or an
 * older one) never works again, even in a concurrent request: the UPDATE
 * only wins when the stored step is still older.  1 when accepted.
 */
static int
totp_accept(struct ctx *c, long long user, struct mfa_user *u, const char *code)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n = 0;
	uint64_t step = u->last_step;

	if (!u->enabled || !u->has_secret || !totp_verify(u->secret, TOTP_SECRET_LEN, code, (int64_t)time(NULL), &step))
		return 0;
	db_arg_int(&a, (long long)step);
	db_arg_int(&a, user);
	db_arg_int(&a, (long long)step);
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_STEP), &a, &n, NULL) == -1)
		n = 0;
	db_args_free(&a);
	if (n == 1)
		u->last_step = step;
	return n == 1;
}

/* The stored form of a recovery code: bound to the user and to secret_key. */
static void
recovery_hash(const struct ctx *c, long long user, const char *norm,
    unsigned char out[CRYPT_SHA256_LEN])
{
	char m[64];
	int n;

	n = snprintf(m, sizeof(m), "recovery:%lld:%s", user, norm);
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), m, (size_t)n, out);
	crypt_wipe(m, sizeof(m));
}

/* Spend a recovery code: 1 when this call used it, 0 when not a live code, -1 on error. */
static int
recovery_use(struct ctx *c, long long user, const char *typed)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char h[CRYPT_SHA256_LEN];
	char norm[RECOVERY_CODE_LEN];
	unsigned long long n = 0;
	int rc;

	if (totp_recovery_normalise(typed, norm) == -1)
		return 0;
	recovery_hash(c, user, norm, h);
	crypt_wipe(norm, sizeof(norm));
	db_arg_int(&a, user);
	db_arg_blob(&a, h, sizeof(h));
	rc = db_exec(c->db, db_stmt(c->db, STMT_MFA_CODE_USE), &a, &n, NULL);
	db_args_free(&a);
	return rc == -1 ? -1 : n == 1;
}

static long long
mfa_count(struct ctx *c, int stmt, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	long long n = -1;

	db_arg_int(&a, id);
	if (db_select_idx(c->db, (size_t)stmt, &a, &res) == 0 && db_fetch(&res) == 1)
		n = db_col_int(&res, 0, 0);
	db_res_free(&res);
	db_args_free(&a);
	return n;
}

/* ------------------------------------------------------------- gate */

int
mfa_gate(struct ctx *c)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	int rc;

	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, c->sess.user_id);
	if ((rc = db_select_idx(c->db, STMT_MFA_GATE, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1)
		rc = db_col_int(&res, 0, 0) == 1 && db_col_int(&res, 1, 0) != 1;
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------------ status */

static int
status_page(struct ctx *c, struct resp *resp, int status, const char *error)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct mfa_user u;
	json_object *v;
	int rc, required = 0;

	if (mfa_user_load(c, c->sess.user_id, &u) != 1)
		goto fail;
	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, c->sess.user_id);
	if ((rc = db_select_idx(c->db, STMT_MFA_GATE, &a, &res)) == 0 && db_fetch(&res) == 1)
		required = db_col_int(&res, 0, 0) == 1;
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1)
		goto fail;
	v = view_new(c, resp, "Two-factor authentication");
	view_str(v, "error", error ? error : "");
	json_object_object_add(v, "enabled", json_object_new_boolean(u.enabled));
	json_object_object_add(v, "required", json_object_new_boolean(required));
	json_object_object_add(v, "must_enrol", json_object_new_boolean(required && !u.enabled));
	json_object_object_add(v, "owner", json_object_new_boolean(
	    role_at_least(&c->sess, "owner")));
	json_object_object_add(v, "codes_left", json_object_new_int64(u.enabled ?
	    mfa_count(c, STMT_MFA_CODES_LEFT, c->sess.user_id) : 0));
	mfa_user_free(&u);
	return render(c, resp, status, "account/mfa.html", v);
fail:
	mfa_user_free(&u);
	return internal_error(c, resp);
}

int
h_mfa(struct req *r, struct resp *resp)
{
	return status_page(r->thread, resp, 200, NULL);
}

/* ------------------------------------------------------------ enrol */

/* The setup page for an opened secret: the URI for an app and the base32 to type. */
static int
setup_page(struct ctx *c, struct resp *resp, int status, const char *error,
    const unsigned char secret[TOTP_SECRET_LEN])
{
	struct buf uri = BUF_INIT, b32 = BUF_INIT;
	json_object *v = view_new(c, resp, "Set up two-factor authentication");
	int rc;

	/* The one view that holds a secret: the user must copy it into their app. */
	totp_uri(&uri, "TrackR", c->sess.email, secret, TOTP_SECRET_LEN);
	totp_base32(&b32, secret, TOTP_SECRET_LEN);
	view_str(v, "error", error ? error : "");
	view_str(v, "uri", uri.ptr);
	/* The template writes the scheme itself: {{href:}} lets only http(s) through. */
	view_str(v, "uri_rest", uri.ptr + strlen("otpauth://totp/"));
	view_str(v, "secret", b32.ptr);
	rc = render(c, resp, status, "account/mfa_setup.html", v);
	crypt_wipe(uri.ptr, uri.len);
	crypt_wipe(b32.ptr, b32.len);
	buf_release(&uri);
	buf_release(&b32);
	return rc;
}

int
h_mfa_setup(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct mfa_user u;
	unsigned char secret[TOTP_SECRET_LEN], sealed[SEAL_LEN];
	unsigned long long n = 0;
	int rc;

	if (mfa_user_load(c, c->sess.user_id, &u) != 1)
		goto fail;
	if (u.enabled) {
		mfa_user_free(&u);
		return status_page(c, resp, 409, "Two-factor authentication is already on. "
		    "Turn it off first to move it to another device.");
	}
	if (crypt_random(secret, sizeof(secret)) == -1 ||
	    seal(c, c->sess.user_id, secret, sealed) == -1)
		goto fail;
	db_arg_blob(&a, sealed, sizeof(sealed));
	db_arg_int(&a, c->sess.user_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_SET_PENDING), &a, &n, NULL) == -1 || n != 1)
		goto fail;
	rc = setup_page(c, resp, 200, NULL, secret);
	goto out;
fail:
	rc = internal_error(c, resp);
out:
	crypt_wipe(secret, sizeof(secret));
	db_args_free(&a);
	mfa_user_free(&u);
	return rc;
}

typedef char recovery_list[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];

/*
 * Ten new recovery codes for the session's user into codes, replacing the
 * old ones; only their hashes are stored.  Inside the caller's
 * transaction.  0 or -1.
 */
static int
codes_issue(struct ctx *c, recovery_list codes)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char h[CRYPT_SHA256_LEN];
	char norm[RECOVERY_CODE_LEN];
	int i, rc = -1;

	db_arg_int(&a, c->sess.user_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_CODES_VOID), &a, NULL, NULL) == -1)
		goto out;
	for (i = 0; i < RECOVERY_CODES; i++) {
		if (totp_recovery_code(codes[i]) == -1 ||
		    totp_recovery_normalise(codes[i], norm) == -1)
			goto out;
		recovery_hash(c, c->sess.user_id, norm, h);
		db_args_reset(&a);
		db_arg_int(&a, c->sess.user_id);
		db_arg_blob(&a, h, sizeof(h));
		if (db_exec(c->db, db_stmt(c->db, STMT_MFA_CODE_ADD), &a, NULL, NULL) == -1)
			goto out;
	}
	rc = 0;
out:
	crypt_wipe(norm, sizeof(norm));
	db_args_free(&a);
	return rc;
}

/* The codes page; shown once: the user keeps them, we keep only their hashes. */
static int
codes_page(struct ctx *c, struct resp *resp, const char *title, int renewed,
    recovery_list codes)
{
	json_object *v = view_new(c, resp, title), *list = json_object_new_array();
	int i;

	for (i = 0; i < RECOVERY_CODES; i++)
		json_object_array_add(list, json_object_new_string(codes[i]));
	json_object_object_add(v, "codes", list);
	json_object_object_add(v, "renewed", json_object_new_boolean(renewed));
	return render(c, resp, 200, "account/mfa_codes.html", v);
}

/*
 * A right code for the pending secret turns 2FA on, makes ten new
 * recovery codes (only their hashes stored) and ends the user's other
 * sessions, which were opened without the second factor.
 */
int
h_mfa_enable(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct mfa_user u;
	recovery_list codes;
	unsigned long long n = 0;
	uint64_t step = 0;
	int rc;

	memset(codes, 0, sizeof(codes));
	if (mfa_user_load(c, c->sess.user_id, &u) != 1)
		goto fail;
	if (u.enabled) {
		rc = status_page(c, resp, 409, "Two-factor authentication is already on.");
		goto out;
	}
	if (!u.has_secret) {
		rc = status_page(c, resp, 409, "Start the set-up first.");
		goto out;
	}
	if (!totp_verify(u.secret, TOTP_SECRET_LEN, field(c, "code", NULL),
	    (int64_t)time(NULL), &step)) {
		rc = setup_page(c, resp, 422, "That code is not right. Check the time on your "
		    "device and type the code your app shows now.", u.secret);
		goto out;
	}
	if (db_begin(c->db) == -1)
		goto fail;
	db_arg_int(&a, (long long)step);
	db_arg_int(&a, c->sess.user_id);
	db_arg_blob(&a, u.sealed, sizeof(u.sealed));
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_ENABLE), &a, &n, NULL) == -1)
		goto fail;
	if (n != 1) {	/* another set-up or enable came in between */
		db_rollback(c->db);
		rc = status_page(c, resp, 409, "The set-up changed meanwhile. Start again.");
		goto out;
	}
	if (codes_issue(c, codes) == -1)
		goto fail;
	db_args_reset(&a);
	db_arg_int(&a, c->sess.user_id);
	db_arg_uint(&a, c->sess.id);
	if (db_exec(c->db, db_stmt(c->db, SESS_STMT_DELETE_OTHERS), &a, NULL, NULL) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "2fa.enabled",
	    "other sessions ended") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = codes_page(c, resp, "Your recovery codes", 0, codes);
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(codes, sizeof(codes));
	db_args_free(&a);
	mfa_user_free(&u);
	return rc;
}

/*
 * The password (or a current code) for a change to 2FA, throttled per
 * account and address like a login.  1 when right; 0 when wrong or
 * throttled, with the answer in *rc (the failure audited as fail_action);
 * -1 on error.
 */
static int
confirm(struct ctx *c, struct req *r, struct resp *resp, struct mfa_user *u,
    const char *fail_action, int *rc)
{
	unsigned char k[CRYPT_SHA256_LEN];
	const char *pw, *code;
	size_t pwlen, codelen;
	long long count;
	int ok;

	throttle_key(c, r, "2fa-confirm", c->sess.email, k);
	if ((count = throttle_count(c, k)) < 0)
		return -1;
	if (count >= PAIR_LIMIT) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		*rc = status_page(c, resp, 429, "Too many failed attempts. Wait 15 minutes.");
		return 0;
	}
	pw = field(c, "password", &pwlen);
	code = field(c, "code", &codelen);
	if (pwlen > 0)
		ok = pass_verify(u->phash, pw, pwlen);
	else
		ok = codelen > 0 && totp_accept(c, c->sess.user_id, u, code);
	if (!ok) {
		throttle_fail(c, k);
		(void)audit(c, r, c->sess.org_id, c->sess.user_id, fail_action,
		    pwlen > 0 ? "wrong password" : "wrong code");
		*rc = status_page(c, resp, 403, "Wrong password or code: nothing was changed.");
		return 0;
	}
	throttle_clear(c, k);
	return 1;
}

/* New recovery codes (the old ones stop working), after the password or a code. */
int
h_mfa_recovery(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct mfa_user u;
	recovery_list codes;
	int rc, ok;

	if (mfa_user_load(c, c->sess.user_id, &u) != 1)
		goto fail;
	if (!u.enabled) {
		rc = status_page(c, resp, 409, "Two-factor authentication is not on.");
		goto out;
	}
	if ((ok = confirm(c, r, resp, &u, "2fa.recovery_codes_failed", &rc)) != 1) {
		if (ok == -1)
			goto fail;
		goto out;
	}
	if (db_begin(c->db) == -1 || codes_issue(c, codes) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "2fa.recovery_codes_renewed",
	    "the old ones no longer work") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = codes_page(c, resp, "Your new recovery codes", 1, codes);
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	crypt_wipe(codes, sizeof(codes));
	mfa_user_free(&u);
	return rc;
}

/* Turning 2FA off needs the password or a current code, throttled like a login. */
int
h_mfa_disable(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct mfa_user u;
	int rc, ok;

	if (mfa_user_load(c, c->sess.user_id, &u) != 1)
		goto fail;
	if (!u.enabled && !u.has_secret) {
		rc = status_page(c, resp, 409, "Two-factor authentication is not on.");
		goto out;
	}
	if ((ok = confirm(c, r, resp, &u, "2fa.disable_failed", &rc)) != 1) {
		if (ok == -1)
			goto fail;
		goto out;
	}
	db_arg_int(&a, c->sess.user_id);
	if (db_begin(c->db) == -1 ||
	    db_exec(c->db, db_stmt(c->db, STMT_MFA_DISABLE), &a, NULL, NULL) == -1 ||
	    db_exec(c->db, db_stmt(c->db, STMT_MFA_CODES_VOID), &a, NULL, NULL) == -1 ||
	    audit(c, r, c->sess.org_id, c->sess.user_id, "2fa.disabled",
	    *field(c, "password", NULL) ? "with the password" : "with a code") == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	rc = redirect(resp, "/account/2fa");
	goto out;
fail:
	db_rollback(c->db);
	rc = internal_error(c, resp);
out:
	db_args_free(&a);
	mfa_user_free(&u);
	return rc;
}

/* Owners only (NEED_OWNER); an owner must have 2FA before requiring it of others. */
int
h_mfa_require(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct mfa_user u;
	const char *want = field(c, "require", NULL);
	int on, rc;

	if (strcmp(want, "1") != 0 && strcmp(want, "0") != 0)
		return status_page(c, resp, 400, "Choose on or off.");
	on = *want == '1';
	if (mfa_user_load(c, c->sess.user_id, &u) != 1) {
		mfa_user_free(&u);
		return internal_error(c, resp);
	}
	if (on && !u.enabled) {
		mfa_user_free(&u);
		return status_page(c, resp, 409, "Turn on two-factor authentication for "
		    "yourself before requiring it of everyone.");
	}
	mfa_user_free(&u);
	db_arg_int(&a, on);
	db_arg_int(&a, c->sess.org_id);
	rc = db_exec(c->db, db_stmt(c->db, STMT_MFA_ORG_REQUIRE), &a, NULL, NULL);
	db_args_free(&a);
	if (rc == -1 || audit(c, r, c->sess.org_id, c->sess.user_id, "org.require_2fa",
	    on ? "on" : "off") == -1)
		return internal_error(c, resp);
	return redirect(resp, "/account/2fa");
}

/* ------------------------------------------------------------ login */

static void
mfa_cookie(struct ctx *c, struct resp *resp, const char *tok)
{
	struct buf h = BUF_INIT;

	session_cookie_header(&h, MFA_COOKIE, tok ? tok : "", c->secure_cookie,
	    tok ? MFA_PENDING_SECONDS : 0);
	resp_header(resp, "Set-Cookie", "%s", h.ptr);
	buf_release(&h);
}

int
mfa_login_start(struct ctx *c, struct req *r, struct resp *resp, long long user,
    long long org, const char *next)
{
	struct db_args a = DB_ARGS_INIT;
	struct mfa_user u;
	unsigned char hash[CRYPT_SHA256_LEN];
	char tok[SESSION_TOKEN_MAX];
	int rc = -1;

	(void)r;
	if (mfa_user_load(c, user, &u) != 1)
		goto out;
	if (!u.enabled) {
		rc = 0;
		goto out;
	}
	if (session_token_new(tok, hash) == -1)
		goto out;
	/* One pending login per user: a new one voids the others (and the expired). */
	db_arg_int(&a, user);
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_PENDING_VOID), &a, NULL, NULL) == -1)
		goto out;
	db_args_reset(&a);
	db_arg_blob(&a, hash, sizeof(hash));
	db_arg_int(&a, user);
	db_arg_int(&a, org);
	db_arg_strz(&a, next);
	db_arg_int(&a, MFA_PENDING_SECONDS);
	if (db_exec(c->db, db_stmt(c->db, STMT_MFA_PENDING_ADD), &a, NULL, NULL) == -1)
		goto out;
	mfa_cookie(c, resp, tok);
	rc = redirect(resp, "/account/login-2fa");
out:
	crypt_wipe(tok, sizeof(tok));
	db_args_free(&a);
	mfa_user_free(&u);
	return rc;
}

struct pending {
	long long	 id, user, org, failures;
	char		*next;
};

/* The live pending login of this browser: 1, 0 when none, -1 on error. */
static int
pending_find(struct ctx *c, struct req *r, struct pending *p)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf tok = BUF_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *v;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	if (!session_cookie_get(req_param(r, "HTTP_COOKIE"), MFA_COOKIE, &tok) ||
	    session_token_hash(tok.ptr, tok.len, hash) == -1)
		goto out;
	db_arg_blob(&a, hash, sizeof(hash));
	if ((rc = db_select_idx(c->db, STMT_MFA_PENDING_FIND, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		p->id = db_col_int(&res, 0, 0);
		p->user = db_col_int(&res, 1, 0);
		p->org = db_col_int(&res, 2, 0);
		p->next = xstrdup((v = db_col(&res, 3, NULL)) && secure_local_path(v) ? v :
		    "/account");
		p->failures = db_col_int(&res, 4, 0);
	}
	db_res_free(&res);
out:
	crypt_wipe(tok.ptr, tok.len);
	buf_release(&tok);
	db_args_free(&a);
	return rc;
}

static int
login2_form(struct ctx *c, struct resp *resp, int status, const char *error)
{
	json_object *v = view_new(c, resp, "Two-factor authentication");

	view_str(v, "error", error ? error : "");
	return render(c, resp, status, "account/mfa_login.html", v);
}

static long long
pending_exec(struct ctx *c, int stmt, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n = 0;
	int rc;

	db_arg_int(&a, id);
	rc = db_exec(c->db, db_stmt(c->db, (size_t)stmt), &a, &n, NULL);
	db_args_free(&a);
	return rc == -1 ? -1 : (long long)n;
}

/*
 * The second step of a login: a code from the app or a recovery code.
 * Throttled per (account, address), per address (shared with the
 * password step) and per account; five wrong codes end the pending login.
 */
int
h_login_2fa(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct pending p;
	struct mfa_user u;
	unsigned char kpair[CRYPT_SHA256_LEN], kclient[CRYPT_SHA256_LEN],
	    kuser[CRYPT_SHA256_LEN];
	char tok[SESSION_TOKEN_MAX], uid[32], msg[64];
	const char *code;
	long long npair, nclient, nuser, left;
	int rc, ok, how = 0;

	memset(&u, 0, sizeof(u));
	if ((rc = pending_find(c, r, &p)) == -1)
		goto fail;
	if (rc == 0) {
		mfa_cookie(c, resp, NULL);
		rc = r->method == METHOD_POST ? message(c, resp, 400, "Log in again",
		    "This sign-in expired. Log in again.", "/login", "Log in") :
		    redirect(resp, "/login");
		goto out;
	}
	if (r->method != METHOD_POST) {
		rc = login2_form(c, resp, 200, NULL);
		goto out;
	}
	snprintf(uid, sizeof(uid), "%lld", p.user);
	throttle_key(c, r, "2fa", uid, kpair);
	throttle_key(c, r, "client", NULL, kclient);
	snprintf(msg, sizeof(msg), "2fa-user:%lld", p.user);
	crypt_hmac_sha256(c->app->key, sizeof(c->app->key), msg, strlen(msg), kuser);
	if ((npair = throttle_count(c, kpair)) < 0 || (nclient = throttle_count(c, kclient)) < 0 ||
	    (nuser = throttle_count(c, kuser)) < 0)
		goto fail;
	if (npair >= PAIR_LIMIT || nclient >= CLIENT_LIMIT || nuser >= MFA_USER_LIMIT) {
		resp_header(resp, "Retry-After", "%d", THROTTLE_WINDOW);
		(void)audit(c, r, p.org, p.user, "login.throttled", "second factor");
		rc = login2_form(c, resp, 429, "Too many failed attempts. Wait 15 minutes.");
		goto out;
	}
	if (mfa_user_load(c, p.user, &u) != 1)
		goto fail;
	code = field(c, "code", NULL);
	if ((ok = totp_accept(c, p.user, &u, code)) == 1)
		how = 1;
	else if (u.enabled && (ok = recovery_use(c, p.user, code)) == 1)
		how = 2;
	if (ok == -1)
		goto fail;
	if (!ok) {
		throttle_fail(c, kpair);
		throttle_fail(c, kclient);
		throttle_fail(c, kuser);
		(void)audit(c, r, p.org, p.user, "login.2fa_failed", "wrong code");
		if (p.failures + 1 >= MFA_PENDING_TRIES) {
			if (pending_exec(c, STMT_MFA_PENDING_DELETE, p.id) == -1)
				goto fail;
			mfa_cookie(c, resp, NULL);
			rc = message(c, resp, 401, "Log in again", "Too many wrong codes. "
			    "Log in again with your password.", "/login", "Log in");
		} else {
			if (pending_exec(c, STMT_MFA_PENDING_FAIL, p.id) == -1)
				goto fail;
			rc = login2_form(c, resp, 401, "That code is not right.");
		}
		goto out;
	}
	/* Single use: only the request that deletes the row signs in. */
	if (pending_exec(c, STMT_MFA_PENDING_DELETE, p.id) != 1) {
		mfa_cookie(c, resp, NULL);
		rc = message(c, resp, 400, "Log in again", "This sign-in expired. Log in again.",
		    "/login", "Log in");
		goto out;
	}
	throttle_clear(c, kpair);
	if (c->logged_in && session_end(c->db, c->sess.id, c->sess.user_id) == -1)
		goto fail;
	if (session_create(c->db, p.user, p.org, param(r, "HTTP_USER_AGENT"),
	    param(r, "REMOTE_ADDR"), tok) == -1)
		goto fail;
	if (how == 2) {
		left = mfa_count(c, STMT_MFA_CODES_LEFT, p.user);
		snprintf(msg, sizeof(msg), "%lld left", left);
		(void)audit(c, r, p.org, p.user, "2fa.recovery_code_used", msg);
	}
	(void)audit(c, r, p.org, p.user, "login", how == 1 ? "second factor: app code" :
	    "second factor: recovery code");
	mfa_cookie(c, resp, NULL);
	set_session_cookie(c, resp, tok);
	crypt_wipe(tok, sizeof(tok));
	rc = redirect(resp, p.next);
	goto out;
fail:
	rc = internal_error(c, resp);
out:
	free(p.next);
	mfa_user_free(&u);
	return rc;
}
