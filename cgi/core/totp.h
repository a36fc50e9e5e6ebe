/*
 * totp: time-based one-time passwords (RFC 6238, HMAC-SHA-1, 30-second
 * steps, 6 digits: what authenticator apps expect) and single-use
 * recovery codes for the accounts' second factor.
 */
#ifndef TRACKR_TOTP_H
#define TRACKR_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TOTP_SECRET_LEN		20	/* bytes, as RFC 4226 recommends */
#define TOTP_STEP		30	/* seconds */
#define TOTP_DIGITS		6
#define RECOVERY_CODES		10
#define RECOVERY_CODE_LEN	11	/* "xxxxx-xxxxx" */

/* The code for a secret at a step (time / TOTP_STEP). */
unsigned	totp_code(const unsigned char *secret, size_t len, uint64_t step);
/*
 * Check a code typed by the user at time now (seconds).  Accepts the
 * current step and one either side (clock drift), but never a step at or
 * before *last_step, the last one accepted for this secret: a code
 * cannot be replayed.  Returns 1 and updates *last_step when the code is
 * right, 0 otherwise.  code may hold spaces; anything else but 6 digits
 * is refused.
 */
int		totp_verify(const unsigned char *secret, size_t len, const char *code,
		    int64_t now, uint64_t *last_step);
/* RFC 4648 base32 without padding (what otpauth:// URIs carry). */
void		totp_base32(struct buf *out, const unsigned char *p, size_t n);
/* Decode base32 (case-insensitive, spaces and padding ignored); -1 if invalid. */
int		totp_base32_decode(const char *s, unsigned char *out, size_t cap, size_t *lenp);
/*
 * The otpauth:// URI for an authenticator app (issuer and account are
 * percent-encoded); the caller renders it as a link or QR code.
 */
void		totp_uri(struct buf *out, const char *issuer, const char *account,
		    const unsigned char *secret, size_t len);
/*
 * A random recovery code "xxxxx-xxxxx" (lower-case letters and digits
 * without look-alikes) into out, which holds RECOVERY_CODE_LEN + 1 bytes.
 * 0, or -1 when no random bytes could be had.
 */
int		totp_recovery_code(char out[RECOVERY_CODE_LEN + 1]);
/*
 * A code as typed, normalised for hashing and comparison: lower case,
 * spaces and dashes dropped, "xxxxxxxxxx".  -1 when it cannot be a code.
 */
int		totp_recovery_normalise(const char *typed, char out[RECOVERY_CODE_LEN]);

#endif
