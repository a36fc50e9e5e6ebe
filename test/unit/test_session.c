/*
 * test_session: token shape and hashing, the cookie's value from a
 * Cookie header, and the Set-Cookie attributes (the database side is
 * covered by test/integration/test_account.c).
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "session.h"

static void
test_tokens(void)
{
	char a[SESSION_TOKEN_MAX], b[SESSION_TOKEN_MAX];
	unsigned char ha[CRYPT_SHA256_LEN], hb[CRYPT_SHA256_LEN], h[CRYPT_SHA256_LEN];

	CU_ASSERT_EQUAL_FATAL(session_token_new(a, ha), 0);
	CU_ASSERT_EQUAL_FATAL(session_token_new(b, hb), 0);
	CU_ASSERT_EQUAL(strlen(a), SESSION_TOKEN_LEN);
	CU_ASSERT(strcmp(a, b) != 0);
	CU_ASSERT(memcmp(ha, hb, sizeof(ha)) != 0);
	/* The stored hash is the SHA-256 of the cookie's text. */
	CU_ASSERT_EQUAL(session_token_hash(a, strlen(a), h), 0);
	CU_ASSERT(memcmp(h, ha, sizeof(h)) == 0);
	crypt_sha256(a, strlen(a), h);
	CU_ASSERT(memcmp(h, ha, sizeof(h)) == 0);
	/* Anything else is not worth a lookup. */
	CU_ASSERT_EQUAL(session_token_hash(a, strlen(a) - 1, h), -1);
	CU_ASSERT_EQUAL(session_token_hash("", 0, h), -1);
	CU_ASSERT_EQUAL(session_token_hash(NULL, 0, h), -1);
	a[5] = '.';
	CU_ASSERT_EQUAL(session_token_hash(a, strlen(a), h), -1);
}

static void
test_cookie_get(void)
{
	struct buf t = BUF_INIT;

	CU_ASSERT(session_cookie_get("a=1; " SESSION_COOKIE "=abc; b=2", SESSION_COOKIE, &t));
	CU_ASSERT_STRING_EQUAL(t.ptr, "abc");
	CU_ASSERT(!session_cookie_get("a=1; trackr_session=abc", SESSION_COOKIE, &t));
	CU_ASSERT_EQUAL(t.len, 0);
	CU_ASSERT(!session_cookie_get(NULL, SESSION_COOKIE, &t));
	buf_release(&t);
}

static void
test_cookie_header(void)
{
	struct buf h = BUF_INIT;

	session_cookie_header(&h, SESSION_COOKIE, "tok", 1, SESSION_MAX_SECONDS);
	CU_ASSERT_STRING_EQUAL(h.ptr, "__Host-trackr_session=tok; Path=/; Max-Age=1209600; "
	    "Secure; HttpOnly; SameSite=Lax");
	buf_reset(&h);
	session_cookie_header(&h, SESSION_COOKIE, "", 0, 0);
	CU_ASSERT_STRING_EQUAL(h.ptr, "__Host-trackr_session=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Lax");
	buf_reset(&h);
	session_cookie_header(&h, "__Host-x", "v", 1, -1);
	CU_ASSERT_STRING_EQUAL(h.ptr, "__Host-x=v; Path=/; Secure; HttpOnly; SameSite=Lax");
	CU_ASSERT_PTR_NULL(strstr(h.ptr, "Domain"));
	buf_release(&h);
	CU_ASSERT(SESSION_IDLE_SECONDS < SESSION_MAX_SECONDS);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("session", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "tokens and their hashes", test_tokens) == NULL ||
	    CU_add_test(s, "cookie from a Cookie header", test_cookie_get) == NULL ||
	    CU_add_test(s, "Set-Cookie attributes", test_cookie_header) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
