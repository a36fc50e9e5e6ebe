/*
 * test_csrf: tokens bound to key, scope and binding; constant-shape
 * checks; Origin and Sec-Fetch-Site refusals; the server's own origin.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "csrf.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char key2[32] = "fedcba9876543210fedcba9876543210";

static void
test_tokens(void)
{
	char t[CSRF_TOKEN_MAX], u[CSRF_TOKEN_MAX];
	const unsigned char bind[32] = { 1, 2, 3 };

	csrf_token(key, sizeof(key), "session", bind, sizeof(bind), t);
	CU_ASSERT_EQUAL(strlen(t), CSRF_TOKEN_LEN);
	CU_ASSERT_EQUAL(strspn(t, "0123456789abcdef"), CSRF_TOKEN_LEN);
	csrf_token(key, sizeof(key), "session", bind, sizeof(bind), u);
	CU_ASSERT_STRING_EQUAL(t, u);
	CU_ASSERT(csrf_token_ok(key, sizeof(key), "session", bind, sizeof(bind), t, strlen(t)));
	/* Another key, scope or binding gives another token. */
	CU_ASSERT(!csrf_token_ok(key2, sizeof(key2), "session", bind, sizeof(bind), t, strlen(t)));
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "pre", bind, sizeof(bind), t, strlen(t)));
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "session", bind, sizeof(bind) - 1, t,
	    strlen(t)));
	/* Missing, cut, changed, or no binding at all. */
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "session", bind, sizeof(bind), NULL, 0));
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "session", bind, sizeof(bind), t, 63));
	t[10] = t[10] == 'a' ? 'b' : 'a';
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "session", bind, sizeof(bind), t, strlen(t)));
	csrf_token(key, sizeof(key), "pre", "", 0, u);
	CU_ASSERT(!csrf_token_ok(key, sizeof(key), "pre", "", 0, u, strlen(u)));
}

static void
test_origin(void)
{
	const char *self = "https://trackr.example";

	CU_ASSERT(csrf_origin_ok(NULL, NULL, self));
	CU_ASSERT(csrf_origin_ok(self, "same-origin", self));
	CU_ASSERT(csrf_origin_ok("HTTPS://TRACKR.EXAMPLE", NULL, self));
	CU_ASSERT(csrf_origin_ok(NULL, "none", self));
	CU_ASSERT(!csrf_origin_ok("https://evil.example", NULL, self));
	CU_ASSERT(!csrf_origin_ok("null", NULL, self));
	/* A real browser's form POST from one of our no-referrer pages. */
	CU_ASSERT(csrf_origin_ok("null", "same-origin", self));
	CU_ASSERT(!csrf_origin_ok("null", "none", self));
	CU_ASSERT(!csrf_origin_ok("null", "same-site", self));
	CU_ASSERT(!csrf_origin_ok("null", "cross-site", self));
	CU_ASSERT(!csrf_origin_ok("NULL", "same-origin", self));
	CU_ASSERT(!csrf_origin_ok("http://trackr.example", NULL, self));
	CU_ASSERT(!csrf_origin_ok("https://trackr.example.evil.example", NULL, self));
	CU_ASSERT(!csrf_origin_ok(self, "cross-site", self));
	CU_ASSERT(!csrf_origin_ok(self, "same-site", self));
	CU_ASSERT(!csrf_origin_ok(NULL, "cross-site", self));
}

static void
test_origin_of(void)
{
	struct buf b = BUF_INIT;

	CU_ASSERT_EQUAL(csrf_origin_of(&b, "https://Trackr.example/"), 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "https://trackr.example");
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "http://127.0.0.1:18080"), 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "http://127.0.0.1:18080");
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "https://[::1]:8080/trackr?x#y"), 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "https://[::1]:8080");
	CU_ASSERT_EQUAL(csrf_origin_of(&b, NULL), -1);
	CU_ASSERT_EQUAL(csrf_origin_of(&b, ""), -1);
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "https://"), -1);
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "ftp://trackr.example"), -1);
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "https://a b/"), -1);
	CU_ASSERT_EQUAL(csrf_origin_of(&b, "https://user@evil/"), -1);
	buf_release(&b);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("csrf", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "tokens", test_tokens) == NULL ||
	    CU_add_test(s, "Origin and Sec-Fetch-Site", test_origin) == NULL ||
	    CU_add_test(s, "the origin of the base URL", test_origin_of) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
