/*
 * pass: password hashing with argon2id (libargon2) and the length rules.
 * Hashes are PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"),
 * which carry their own parameters, so raising them later keeps old
 * hashes verifiable (pass_needs_rehash() says when to upgrade one).
 */
#ifndef TRACKR_PASS_H
#define TRACKR_PASS_H

#include <stddef.h>

/* OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
#define PASS_M_COST	19456	/* KiB */
#define PASS_T_COST	2
#define PASS_LANES	1
#define PASS_SALT_LEN	16
#define PASS_HASH_LEN	32
/* Length rules, in Unicode code points; bytes are bounded by PASS_MAX_BYTES. */
#define PASS_MIN_CHARS	12
#define PASS_MAX_CHARS	256
#define PASS_MAX_BYTES	1024
#define PASS_ENCODED_MAX 128	/* bytes of a PHC string, with its NUL */

enum pass_check {
	PASS_OK,
	PASS_TOO_SHORT,
	PASS_TOO_LONG,
	PASS_BAD_TEXT,	/* not UTF-8, or holds NUL or control characters */
	PASS_CHECK__MAX
};

/*
 * Check a new password: valid UTF-8 without controls, 12 to 256 code
 * points.  Any other character is allowed; nothing is cut.
 */
enum pass_check	 pass_check(const char *pw, size_t len);
/* A short reason for a check result, for forms ("" for PASS_OK). */
const char	*pass_check_text(enum pass_check);

/*
 * Hash pw (len bytes, all of them, nothing truncated) with a fresh salt
 * into out (PASS_ENCODED_MAX bytes).  0, or -1 (logged).
 */
int		 pass_hash(const char *pw, size_t len, char out[PASS_ENCODED_MAX]);
/*
 * 1 when pw matches the PHC string enc, 0 when it does not or enc is not
 * an argon2id string (so a corrupt row never signs anyone in).
 */
int		 pass_verify(const char *enc, const char *pw, size_t len);
/*
 * Spend the time of one pass_verify() without a real hash: for unknown
 * accounts, so that they answer as slowly as known ones.
 */
void		 pass_dummy_verify(const char *pw, size_t len);
/* 1 when enc was made with weaker parameters than today's. */
int		 pass_needs_rehash(const char *enc);

#endif
