/*
 * totp: RFC 6238 on HMAC-SHA-1 (RFC 4226 dynamic truncation), base32 and
 * recovery codes.  SHA-1 is what authenticator apps implement; within
 * HMAC it remains sound.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypt.h"
#include "log.h"
#include "totp.h"

static EVP_MD *sha1_md;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void
fetch_sha1(void)
{
	if ((sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL)) == NULL) {
		log_err("SHA1 is not available from OpenSSL");
		abort();
	}
}

static void
sha1_parts(const void *a, size_t alen, const void *b, size_t blen, unsigned char out[20])
{
	EVP_MD_CTX *ctx;
	unsigned int olen = 20;

	pthread_once(&sha1_once, fetch_sha1);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, sha1_md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    EVP_DigestUpdate(ctx, b, blen) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &olen) != 1) {
		log_err("SHA1 failed");
		abort();
	}
	EVP_MD_CTX_free(ctx);
}

static void
hmac_sha1(const unsigned char *key, size_t klen, const unsigned char *msg,
    size_t mlen, unsigned char out[20])
{
	unsigned char k[64], pad[64], inner[20];
	size_t i;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k))
		sha1_parts(key, klen, "", 0, k);
	else
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	sha1_parts(pad, sizeof(pad), msg, mlen, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	sha1_parts(pad, sizeof(pad), inner, sizeof(inner), out);
	crypt_wipe(k, sizeof(k));
	crypt_wipe(pad, sizeof(pad));
}

unsigned
totp_code(const unsigned char *secret, size_t len, uint64_t step)
{
	unsigned char msg[8], mac[20];
	unsigned off, bin;
	int i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	hmac_sha1(secret, len, msg, sizeof(msg), mac);
	off = mac[19] & 0x0f;
	bin = (unsigned)(mac[off] & 0x7f) << 24 | (unsigned)mac[off + 1] << 16 |
	    (unsigned)mac[off + 2] << 8 | mac[off + 3];
	return bin % 1000000;
}

int
totp_verify(const unsigned char *secret, size_t len, const char *code,
    int64_t now, uint64_t *last_step)
{
	unsigned want = 0, got, match = 0;
	uint64_t step, s, hit = 0;
	int digits = 0;
	const char *p;

	for (p = code; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || ++digits > TOTP_DIGITS)
			return 0;
		want = want * 10 + (unsigned)(*p - '0');
	}
	if (digits != TOTP_DIGITS || now < TOTP_STEP)
		return 0;
	step = (uint64_t)now / TOTP_STEP;
	/* Every candidate is computed, so timing does not tell which matched. */
	for (s = step - 1; s <= step + 1; s++) {
		got = totp_code(secret, len, s);
		if (got == want && s > *last_step && !match) {
			match = 1;
			hit = s;
		}
	}
	if (!match)
		return 0;
	*last_step = hit;
	return 1;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
totp_base32(struct buf *out, const unsigned char *p, size_t n)
{
	unsigned v = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		v = (v << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			buf_addch(out, b32[(v >> bits) & 31]);
		}
	}
	if (bits > 0)
		buf_addch(out, b32[(v << (5 - bits)) & 31]);
}

int
totp_base32_decode(const char *s, unsigned char *out, size_t cap, size_t *lenp)
{
	unsigned v = 0;
	int bits = 0, c;
	size_t n = 0;
	const char *q;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '=' || *s == '-')
			continue;
		c = *s >= 'a' && *s <= 'z' ? *s - 32 : *s;
		if ((q = strchr(b32, c)) == NULL || c == '\0')
			return -1;
		v = (v << 5) | (unsigned)(q - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (unsigned char)((v >> bits) & 0xff);
		}
	}
	*lenp = n;
	return 0;
}

void
totp_uri(struct buf *out, const char *issuer, const char *account,
    const unsigned char *secret, size_t len)
{
	buf_adds(out, "otpauth://totp/");
	buf_add_url(out, issuer, strlen(issuer));
	buf_adds(out, ":");
	buf_add_url(out, account, strlen(account));
	buf_adds(out, "?secret=");
	totp_base32(out, secret, len);
	buf_adds(out, "&issuer=");
	buf_add_url(out, issuer, strlen(issuer));
	buf_addf(out, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
}

/* No 0/o, 1/l/i: codes are read off paper. */
static const char code_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

int
totp_recovery_code(char out[RECOVERY_CODE_LEN + 1])
{
	unsigned char r[RECOVERY_CODE_LEN];
	size_t i, o = 0, n = sizeof(code_alphabet) - 1;

	for (i = 0; i < 10; i++) {
		/* Rejection sampling keeps every character equally likely. */
		do {
			if (crypt_random(&r[i], 1) == -1)
				return -1;
		} while (r[i] >= 256 - 256 % n);
		if (i == 5)
			out[o++] = '-';
		out[o++] = code_alphabet[r[i] % n];
	}
	out[o] = '\0';
	crypt_wipe(r, sizeof(r));
	return 0;
}

int
totp_recovery_normalise(const char *typed, char out[RECOVERY_CODE_LEN])
{
	size_t o = 0;
	char c;

	for (; *typed != '\0'; typed++) {
		c = *typed;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (strchr(code_alphabet, c) == NULL || c == '\0' || o == 10)
			return -1;
		out[o++] = c;
	}
	if (o != 10)
		return -1;
	out[o] = '\0';
	return 0;
}
