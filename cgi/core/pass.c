/*
 * pass: argon2id hashing and password rules.  See pass.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "crypt.h"
#include "log.h"
#include "pass.h"
#include "valid.h"

/* Code points in valid UTF-8: every byte that is not a continuation byte. */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

enum pass_check
pass_check(const char *pw, size_t len)
{
	size_t chars;

	if (len > PASS_MAX_BYTES)
		return PASS_TOO_LONG;
	if (!valid_text(pw, len))
		return PASS_BAD_TEXT;
	chars = utf8_chars(pw, len);
	if (chars < PASS_MIN_CHARS)
		return PASS_TOO_SHORT;
	if (chars > PASS_MAX_CHARS)
		return PASS_TOO_LONG;
	return PASS_OK;
}

const char *
pass_check_text(enum pass_check c)
{
	switch (c) {
	case PASS_OK:
		return "";
	case PASS_TOO_SHORT:
		return "The password must have at least 12 characters.";
	case PASS_TOO_LONG:
		return "The password must have at most 256 characters.";
	default:
		return "The password may not hold control characters.";
	}
}

int
pass_hash(const char *pw, size_t len, char out[PASS_ENCODED_MAX])
{
	unsigned char salt[PASS_SALT_LEN];
	int rc;

	if (len > PASS_MAX_BYTES) {
		log_err("password of %zu bytes", len);
		return -1;
	}
	if (crypt_random(salt, sizeof(salt)) == -1)
		return -1;
	rc = argon2id_hash_encoded(PASS_T_COST, PASS_M_COST, PASS_LANES, pw, len,
	    salt, sizeof(salt), PASS_HASH_LEN, out, PASS_ENCODED_MAX);
	crypt_wipe(salt, sizeof(salt));
	if (rc != ARGON2_OK) {
		log_err("argon2id: %s", argon2_error_message(rc));
		return -1;
	}
	return 0;
}

int
pass_verify(const char *enc, const char *pw, size_t len)
{
	if (enc == NULL || strncmp(enc, "$argon2id$", 10) != 0 || len > PASS_MAX_BYTES)
		return 0;
	return argon2id_verify(enc, pw, len) == ARGON2_OK;
}

/* A hash of a random password, made once per process. */
static char dummy[PASS_ENCODED_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char pw[32];

	if (crypt_token(pw, sizeof(pw), 16) == -1 || pass_hash(pw, strlen(pw), dummy) == -1)
		dummy[0] = '\0';
}

void
pass_dummy_verify(const char *pw, size_t len)
{
	pthread_once(&dummy_once, dummy_init);
	if (dummy[0] != '\0')
		(void)argon2id_verify(dummy, pw, len > PASS_MAX_BYTES ? PASS_MAX_BYTES : len);
}

int
pass_needs_rehash(const char *enc)
{
	unsigned m, t, p;

	if (enc == NULL || sscanf(enc, "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &p) != 3)
		return 1;
	return m < PASS_M_COST || t < PASS_T_COST;
}
