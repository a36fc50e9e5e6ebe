/*
 * crypt: the few primitives TrackR needs, on OpenSSL's libcrypto.
 * All functions are thread-safe.
 */
#ifndef TRACKR_CRYPT_H
#define TRACKR_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#define CRYPT_SHA256_LEN 32

/* Fill p with n bytes from the system CSPRNG; 0, or -1 (logged). */
int	crypt_random(void *p, size_t n);
/* HMAC-SHA-256 of msg under key into out. */
void	crypt_hmac_sha256(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[CRYPT_SHA256_LEN]);
void	crypt_sha256(const void *msg, size_t len, unsigned char out[CRYPT_SHA256_LEN]);
/* Erase a secret so the compiler cannot skip it. */
void	crypt_wipe(void *, size_t);
/* Compare in time independent of the contents; 1 when equal. */
int	crypt_memeq(const void *, const void *, size_t);
/*
 * A random token of n bytes written as URL-safe base64 without padding
 * into dst (at least 4 * n / 3 + 2 bytes); 0, or -1 (logged).
 */
int	crypt_token(char *dst, size_t dstlen, size_t n);

#endif
