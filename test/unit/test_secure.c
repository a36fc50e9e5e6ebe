/*
 * test_secure: which redirect targets count as local, loopback hosts,
 * and the headers of HTML responses.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "secure.h"

static void
test_local_path(void)
{
	static const char *const good[] = { "/", "/account", "/account?tab=a&b=%2F",
		"/a/b/c#frag", "/a//b" };
	static const char *const bad[] = { "", "//evil", "/\\evil", "\\\\evil", "https:evil",
		"https://evil", "javascript:alert(1)", "JavaScript:alert(1)", "evil",
		"/\t/evil", "/\n/evil", "/ /x", "/a\\b", "/caf\xc3\xa9", " /account",
		"data:text/html,x" };
	char longp[600];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT(secure_local_path(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT(!secure_local_path(bad[i]));
	CU_ASSERT(!secure_local_path(NULL));
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	CU_ASSERT(!secure_local_path(longp));
}

static void
test_loopback(void)
{
	CU_ASSERT(secure_loopback("localhost"));
	CU_ASSERT(secure_loopback("127.0.0.1:18080"));
	CU_ASSERT(secure_loopback("[::1]:8080"));
	CU_ASSERT(!secure_loopback("127.0.0.10"));
	CU_ASSERT(!secure_loopback("localhost.evil.example"));
	CU_ASSERT(!secure_loopback("trackr.example"));
	CU_ASSERT(!secure_loopback(NULL));
}

static void
test_html_headers(void)
{
	struct resp r;

	memset(&r, 0, sizeof(r));
	buf_init(&r.headers, 0);
	secure_html(&r, 0);
	CU_ASSERT(r.no_default_csp);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.headers.ptr, "Content-Security-Policy: default-src 'none'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.headers.ptr, "frame-ancestors 'none'"));
	CU_ASSERT_PTR_NULL(strstr(r.headers.ptr, "unsafe-inline"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.headers.ptr, "Referrer-Policy: no-referrer\r\n"));
	CU_ASSERT_PTR_NULL(strstr(r.headers.ptr, "Strict-Transport-Security"));
	buf_reset(&r.headers);
	secure_html(&r, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.headers.ptr, "Strict-Transport-Security: max-age="));
	buf_release(&r.headers);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("secure", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "local redirect paths", test_local_path) == NULL ||
	    CU_add_test(s, "loopback hosts", test_loopback) == NULL ||
	    CU_add_test(s, "HTML response headers", test_html_headers) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
