/*
 * crypt: thin wrappers over libcrypto so that no other file includes
 * OpenSSL headers or handles its error queue.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
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

/*
 * OpenSSL 3 looks an algorithm up by name, under a lock, every time
 * EVP_sha256() or HMAC() is used; on the collection path that lock was
 * the hottest spot.  So SHA-256 is fetched once and HMAC (RFC 2104) is
 * composed here from two digests.
 */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
fetch_sha256(void)
{
	if ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
		log_err("SHA256 is not available from OpenSSL");
		abort();
	}
}

static void
sha256_parts(const void *a, size_t alen, const void *b, size_t blen,
    unsigned char out[CRYPT_SHA256_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned int olen = CRYPT_SHA256_LEN;

	pthread_once(&sha256_once, fetch_sha256);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    EVP_DigestUpdate(ctx, b, blen) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &olen) != 1) {
		log_err("SHA256 failed");
		abort();
	}
	EVP_MD_CTX_free(ctx);
}

void
crypt_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[CRYPT_SHA256_LEN])
{
	unsigned char k[64], pad[64], inner[CRYPT_SHA256_LEN];
	size_t i;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k))
		sha256_parts(key, klen, "", 0, k);
	else
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	sha256_parts(pad, sizeof(pad), msg, mlen, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_parts(pad, sizeof(pad), inner, sizeof(inner), out);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
}

void
crypt_sha256(const void *msg, size_t len, unsigned char out[CRYPT_SHA256_LEN])
{
	sha256_parts(msg, len, "", 0, out);
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
