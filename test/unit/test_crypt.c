/*
 * test_crypt: CUnit suite for cgi/core/crypt.c: SHA-256 and HMAC-SHA-256
 * against published vectors (FIPS 180-2, RFC 4231), constant-time
 * comparison, and random tokens: length, alphabet, bounds, uniqueness.
 * libcrypto's HMAC() serves as an independent oracle for crypt.c's own.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "crypt.h"

/* The digest as lower-case hex equals want. */
static int
hex_is(const unsigned char d[CRYPT_SHA256_LEN], const char *want)
{
	struct buf b = BUF_INIT;
	int ok;

	buf_add_hex(&b, d, CRYPT_SHA256_LEN);
	ok = strcmp(b.ptr, want) == 0;
	buf_release(&b);
	return ok;
}

static void
test_sha256(void)
{
	unsigned char d[CRYPT_SHA256_LEN];

	crypt_sha256("", 0, d);
	CU_ASSERT(hex_is(d,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	crypt_sha256("abc", 3, d);
	CU_ASSERT(hex_is(d,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	crypt_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	CU_ASSERT(hex_is(d,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

static void
test_hmac_rfc4231(void)
{
	unsigned char key[131], d[CRYPT_SHA256_LEN];

	/* Test case 1. */
	memset(key, 0x0b, 20);
	crypt_hmac_sha256(key, 20, "Hi There", 8, d);
	CU_ASSERT(hex_is(d,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	/* Test case 2: a key shorter than the output. */
	crypt_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	CU_ASSERT(hex_is(d,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
	/* Test case 3: 50 bytes of 0xdd under 20 bytes of 0xaa. */
	{
		unsigned char msg[50];

		memset(key, 0xaa, 20);
		memset(msg, 0xdd, sizeof(msg));
		crypt_hmac_sha256(key, 20, msg, sizeof(msg), d);
		CU_ASSERT(hex_is(d,
		    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
	}
	/* Test case 4: 50 bytes of 0xcd under the key 0x01..0x19. */
	{
		unsigned char msg[50];
		size_t i;

		for (i = 0; i < 25; i++)
			key[i] = (unsigned char)(i + 1);
		memset(msg, 0xcd, sizeof(msg));
		crypt_hmac_sha256(key, 25, msg, sizeof(msg), d);
		CU_ASSERT(hex_is(d,
		    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"));
	}
	/* Test case 6: a key longer than the block size is hashed first. */
	memset(key, 0xaa, sizeof(key));
	crypt_hmac_sha256(key, sizeof(key),
	    "Test Using Larger Than Block-Size Key - Hash Key First", 54, d);
	CU_ASSERT(hex_is(d,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
	/* Test case 7: a long key and a message longer than the block. */
	{
		static const char msg[] = "This is a test using a larger than "
		    "block-size key and a larger than block-size data. The key "
		    "needs to be hashed before being used by the HMAC algorithm.";

		crypt_hmac_sha256(key, sizeof(key), msg, sizeof(msg) - 1, d);
		CU_ASSERT(hex_is(d,
		    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
	}
}

/*
 * Every key length around the 64-byte block (where a key is copied or
 * hashed) and message lengths around it, against libcrypto's own HMAC as
 * an independent oracle.
 */
static void
test_hmac_oracle(void)
{
	unsigned char key[200], msg[200], d[CRYPT_SHA256_LEN], want[EVP_MAX_MD_SIZE];
	unsigned int wlen;
	size_t klen, mlen, bad = 0;

	for (klen = 0; klen < sizeof(key); klen++)
		key[klen] = (unsigned char)(klen * 7 + 3);
	for (mlen = 0; mlen < sizeof(msg); mlen++)
		msg[mlen] = (unsigned char)(mlen * 13 + 1);
	for (klen = 0; klen < sizeof(key); klen++)
		for (mlen = 0; mlen < sizeof(msg); mlen += 9) {
			crypt_hmac_sha256(key, klen, msg, mlen, d);
			wlen = sizeof(want);
			HMAC(EVP_sha256(), key, (int)klen, msg, mlen, want, &wlen);
			bad += wlen != CRYPT_SHA256_LEN ||
			    memcmp(d, want, CRYPT_SHA256_LEN) != 0;
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* Key and message may share one buffer. */
	memcpy(msg, key, 80);
	crypt_hmac_sha256(key, 80, key, 80, d);
	wlen = sizeof(want);
	HMAC(EVP_sha256(), msg, 80, msg, 80, want, &wlen);
	CU_ASSERT_EQUAL(memcmp(d, want, CRYPT_SHA256_LEN), 0);
}

static void
test_memeq(void)
{
	CU_ASSERT(crypt_memeq("abcdef", "abcdef", 6));
	CU_ASSERT(!crypt_memeq("abcdef", "abcdeg", 6));
	CU_ASSERT(!crypt_memeq("xbcdef", "abcdef", 6));
	CU_ASSERT(crypt_memeq("abc", "abd", 2));	/* only n bytes */
	CU_ASSERT(crypt_memeq("a", "b", 0));
	CU_ASSERT(!crypt_memeq("a\0b", "a\0c", 3));	/* NUL does not stop it */
}

static void
test_wipe(void)
{
	unsigned char secret[32];
	size_t i;
	int zero = 1;

	memset(secret, 0x5a, sizeof(secret));
	crypt_wipe(secret, sizeof(secret));
	for (i = 0; i < sizeof(secret); i++)
		zero &= secret[i] == 0;
	CU_ASSERT(zero);
	crypt_wipe(secret, 0);
}

static void
test_random(void)
{
	unsigned char a[32], b[32];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CU_ASSERT_EQUAL(crypt_random(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(crypt_random(b, sizeof(b)), 0);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	CU_ASSERT(memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) != 0);
	CU_ASSERT_EQUAL(crypt_random(a, 0), 0);
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64url_only(const char *s)
{
	return strspn(s, b64url) == strlen(s);
}

static void
test_token_lengths(void)
{
	size_t n, want, len;
	char *dst;

	/* Every size up to the 64-byte maximum, in a buffer of exactly the
	 * documented size, so ASan catches a write past it. */
	for (n = 0; n <= 64; n++) {
		want = (n * 8 + 5) / 6;		/* 6 bits a character, no padding */
		len = 4 * n / 3 + 2;
		dst = malloc(len);
		CU_ASSERT_FATAL(dst != NULL);
		CU_ASSERT_EQUAL(crypt_token(dst, len, n), 0);
		CU_ASSERT_EQUAL(strlen(dst), want);
		CU_ASSERT(b64url_only(dst));
		free(dst);
		/* The tightest buffer: the characters and the NUL. */
		dst = malloc(want + 1);
		CU_ASSERT_FATAL(dst != NULL);
		CU_ASSERT_EQUAL(crypt_token(dst, want + 1, n), 0);
		CU_ASSERT_EQUAL(strlen(dst), want);
		free(dst);
		/* One byte less is refused, without writing. */
		dst = malloc(want);
		if (want > 0) {
			CU_ASSERT_FATAL(dst != NULL);
			CU_ASSERT_EQUAL(crypt_token(dst, want, n), -1);
		}
		free(dst);
	}
}

static void
test_token_refusals(void)
{
	char dst[200];

	CU_ASSERT_EQUAL(crypt_token(dst, sizeof(dst), 65), -1);
	CU_ASSERT_EQUAL(crypt_token(dst, sizeof(dst), (size_t)-1), -1);
	CU_ASSERT_EQUAL(crypt_token(dst, 0, 0), -1);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_token_unique(void)
{
	enum { COUNT = 2000 };
	char **tok;
	unsigned seen[64];
	size_t i, j, dups = 0, unused = 0;

	tok = calloc(COUNT, sizeof(*tok));
	CU_ASSERT_FATAL(tok != NULL);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < COUNT; i++) {
		tok[i] = malloc(24);
		CU_ASSERT_FATAL(tok[i] != NULL);
		CU_ASSERT_EQUAL(crypt_token(tok[i], 24, 16), 0);
		CU_ASSERT_EQUAL(strlen(tok[i]), 22);
		/* The first 21 characters carry 6 random bits each. */
		CU_ASSERT_FATAL(b64url_only(tok[i]));
		for (j = 0; j < 21; j++)
			seen[strchr(b64url, tok[i][j]) - b64url]++;
	}
	qsort(tok, COUNT, sizeof(*tok), cmp_str);
	for (i = 1; i < COUNT; i++)
		dups += strcmp(tok[i - 1], tok[i]) == 0;
	CU_ASSERT_EQUAL(dups, 0);
	/* 42000 draws over 64 symbols: each appears (about 656 times). */
	for (i = 0; i < 64; i++)
		unused += seen[i] < 400;
	CU_ASSERT_EQUAL(unused, 0);
	for (i = 0; i < COUNT; i++)
		free(tok[i]);
	free(tok);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("crypt", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "SHA-256 vectors", test_sha256) == NULL ||
	    CU_add_test(s, "HMAC-SHA-256 RFC 4231 vectors", test_hmac_rfc4231) == NULL ||
	    CU_add_test(s, "HMAC-SHA-256 against libcrypto", test_hmac_oracle) == NULL ||
	    CU_add_test(s, "constant-time compare", test_memeq) == NULL ||
	    CU_add_test(s, "wipe", test_wipe) == NULL ||
	    CU_add_test(s, "random bytes", test_random) == NULL ||
	    CU_add_test(s, "token length and alphabet", test_token_lengths) == NULL ||
	    CU_add_test(s, "token refusals", test_token_refusals) == NULL ||
	    CU_add_test(s, "token uniqueness", test_token_unique) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
