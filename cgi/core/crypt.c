/*
 * crypt: thin wrappers over libcrypto so that no other file includes
 * OpenSSL headers or handles its error queue.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypt.h"
#include "log.h"

int
crypt_random(void *p, size_t n)
{
	if (n > INT32_MAX || RAND_bytes(p, (int)n) != 1) {
		log_err("RAND_bytes: %lu", ERR_get_error());
		return -1;
	}
	return 0;
}

void
crypt_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[CRYPT_SHA256_LEN])
{
	unsigned int len = CRYPT_SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &len);
}

void
crypt_sha256(const void *msg, size_t len, unsigned char out[CRYPT_SHA256_LEN])
{
	unsigned int olen = CRYPT_SHA256_LEN;

	EVP_Digest(msg, len, out, &olen, EVP_sha256(), NULL);
}

void
crypt_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

int
crypt_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int
crypt_token(char *dst, size_t dstlen, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[64];
	size_t i, o = 0;
	unsigned v;
	int bits = 0;

	if (n > sizeof(raw) || dstlen < (n * 4 + 2) / 3 + 1) {
		log_err("token of %zu bytes does not fit", n);
		return -1;
	}
	if (crypt_random(raw, n) == -1)
		return -1;
	v = 0;
	for (i = 0; i < n; i++) {
		v = (v << 8) | raw[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			dst[o++] = b64[(v >> bits) & 63];
		}
	}
	if (bits > 0)
		dst[o++] = b64[(v << (6 - bits)) & 63];
	dst[o] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}
