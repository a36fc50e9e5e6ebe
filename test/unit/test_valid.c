/*
 * test_valid: CUnit suite for cgi/core/valid.c: UTF-8 at every boundary
 * (overlongs, surrogates, the U+10FFFF maximum, truncation), text without
 * controls, host names, tokens, and cutting UTF-8 without splitting.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "valid.h"

#define U8(lit)		valid_utf8((lit), sizeof(lit) - 1)
#define TEXT(lit)	valid_text((lit), sizeof(lit) - 1)
#define HOST(lit)	valid_hostname((lit), sizeof(lit) - 1)

static void
test_utf8_valid(void)
{
	CU_ASSERT(valid_utf8("", 0));
	CU_ASSERT(U8("plain ASCII \x01\x7f"));
	CU_ASSERT(U8("a\0b"));			/* NUL is valid UTF-8 */
	CU_ASSERT(U8("\xc2\x80"));		/* U+0080, smallest 2-byte */
	CU_ASSERT(U8("\xc3\xa9"));		/* é */
	CU_ASSERT(U8("\xdf\xbf"));		/* U+07FF, largest 2-byte */
	CU_ASSERT(U8("\xe0\xa0\x80"));		/* U+0800, smallest 3-byte */
	CU_ASSERT(U8("\xe2\x82\xac"));		/* € */
	CU_ASSERT(U8("\xed\x9f\xbf"));		/* U+D7FF, just below surrogates */
	CU_ASSERT(U8("\xee\x80\x80"));		/* U+E000, just above */
	CU_ASSERT(U8("\xef\xbf\xbd"));		/* U+FFFD */
	CU_ASSERT(U8("\xef\xbf\xbf"));		/* U+FFFF, a noncharacter but valid */
	CU_ASSERT(U8("\xf0\x90\x80\x80"));	/* U+10000, smallest 4-byte */
	CU_ASSERT(U8("\xf0\x9f\x98\x80"));	/* 😀 */
	CU_ASSERT(U8("\xf4\x8f\xbf\xbf"));	/* U+10FFFF, the maximum */
	CU_ASSERT(U8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"));
}

static void
test_utf8_invalid(void)
{
	/* Overlong forms. */
	CU_ASSERT(!U8("\xc0\x80"));		/* NUL in 2 bytes */
	CU_ASSERT(!U8("\xc0\xaf"));		/* '/' in 2 bytes */
	CU_ASSERT(!U8("\xc1\xbf"));
	CU_ASSERT(!U8("\xe0\x80\x80"));
	CU_ASSERT(!U8("\xe0\x80\xaf"));
	CU_ASSERT(!U8("\xe0\x9f\xbf"));		/* U+07FF in 3 bytes */
	CU_ASSERT(!U8("\xf0\x80\x80\x80"));
	CU_ASSERT(!U8("\xf0\x80\x80\xaf"));
	CU_ASSERT(!U8("\xf0\x8f\xbf\xbf"));	/* U+FFFF in 4 bytes */
	/* Surrogates, alone or paired (CESU-8). */
	CU_ASSERT(!U8("\xed\xa0\x80"));		/* U+D800 */
	CU_ASSERT(!U8("\xed\xad\xbf"));		/* U+DB7F */
	CU_ASSERT(!U8("\xed\xb0\x80"));		/* U+DC00 */
	CU_ASSERT(!U8("\xed\xbf\xbf"));		/* U+DFFF */
	CU_ASSERT(!U8("\xed\xa0\xbd\xed\xb8\x80"));
	/* Past U+10FFFF and bytes that never occur. */
	CU_ASSERT(!U8("\xf4\x90\x80\x80"));	/* U+110000 */
	CU_ASSERT(!U8("\xf4\xbf\xbf\xbf"));
	CU_ASSERT(!U8("\xf5\x80\x80\x80"));
	CU_ASSERT(!U8("\xf7\xbf\xbf\xbf"));
	CU_ASSERT(!U8("\xf8\x88\x80\x80\x80"));	/* old 5-byte form */
	CU_ASSERT(!U8("\xfc\x84\x80\x80\x80\x80"));
	CU_ASSERT(!U8("\xfe"));
	CU_ASSERT(!U8("\xff"));
	/* Stray and missing continuation bytes. */
	CU_ASSERT(!U8("\x80"));
	CU_ASSERT(!U8("\xbf"));
	CU_ASSERT(!U8("a\x80z"));
	CU_ASSERT(!U8("\xc3\xa9\xa9"));
	CU_ASSERT(!U8("\xc3("));
	CU_ASSERT(!U8("\xe2\x28\xa1"));
	CU_ASSERT(!U8("\xe2\x82\x28"));
	CU_ASSERT(!U8("\xf0\x28\x8c\xbc"));
	CU_ASSERT(!U8("\xf0\x90\x28\xbc"));
	CU_ASSERT(!U8("\xf0\x9f\x98("));
	CU_ASSERT(!U8("\xc3\xc3\xa9"));
	/* Truncated at the end of the input. */
	CU_ASSERT(!U8("\xc3"));
	CU_ASSERT(!U8("\xe2\x82"));
	CU_ASSERT(!U8("\xf0\x9f\x98"));
	CU_ASSERT(!U8("ok\xf0"));
	/* The length bounds the read: a sequence cut by n is incomplete. */
	CU_ASSERT(!valid_utf8("\xc3\xa9", 1));
	CU_ASSERT(!valid_utf8("\xe2\x82\xac", 2));
	CU_ASSERT(!valid_utf8("\xf0\x9f\x98\x80", 3));
	CU_ASSERT(valid_utf8("a\xff", 1));
}

static void
test_text(void)
{
	CU_ASSERT(valid_text("", 0));
	CU_ASSERT(TEXT("Hello, world! ~"));
	CU_ASSERT(TEXT("tab\there"));
	CU_ASSERT(TEXT("\xc2\xa0nbsp and \xc2\xbf"));	/* U+00A0, U+00BF */
	CU_ASSERT(TEXT("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
	CU_ASSERT(TEXT("\xe2\x80\xa8"));		/* U+2028 is not C1 */

	CU_ASSERT(!TEXT("a\0b"));
	CU_ASSERT(!TEXT("line\nbreak"));
	CU_ASSERT(!TEXT("cr\r"));
	CU_ASSERT(!TEXT("\x01"));
	CU_ASSERT(!TEXT("\x1b[31m"));
	CU_ASSERT(!TEXT("\x1f"));
	CU_ASSERT(!TEXT("del\x7f"));
	CU_ASSERT(!TEXT("\xc2\x80"));		/* U+0080, C1 */
	CU_ASSERT(!TEXT("\xc2\x85"));		/* NEL */
	CU_ASSERT(!TEXT("\xc2\x9f"));		/* U+009F, last C1 */
	CU_ASSERT(!TEXT("\xc3\x28"));		/* invalid UTF-8 */
	CU_ASSERT(!TEXT("\xed\xa0\x80"));
	CU_ASSERT(!TEXT("\xc2"));
	/* The length bounds the read. */
	CU_ASSERT(valid_text("ab\n", 2));
	CU_ASSERT(!valid_text("\xc2\x85", 1));
}

static void
test_hostname(void)
{
	char name[300];
	size_t i;

	CU_ASSERT(HOST("example.com"));
	CU_ASSERT(HOST("a"));
	CU_ASSERT(HOST("localhost"));
	CU_ASSERT(HOST("WWW.Example.COM"));
	CU_ASSERT(HOST("xn--bcher-kva.example"));
	CU_ASSERT(HOST("a-b.c-d.e"));
	CU_ASSERT(HOST("1.2.3.4"));
	CU_ASSERT(HOST("123"));
	CU_ASSERT(HOST("a--b.com"));

	CU_ASSERT(!valid_hostname("", 0));
	CU_ASSERT(!HOST("."));
	CU_ASSERT(!HOST(".com"));
	CU_ASSERT(!HOST("a..b"));
	CU_ASSERT(!HOST("example.com."));
	CU_ASSERT(!HOST("-a.com"));
	CU_ASSERT(!HOST("a-.com"));
	CU_ASSERT(!HOST("a.-b.com"));
	CU_ASSERT(!HOST("a.b-"));
	CU_ASSERT(!HOST("-"));
	CU_ASSERT(!HOST("a_b.com"));
	CU_ASSERT(!HOST("a b.com"));
	CU_ASSERT(!HOST("example.com:80"));
	CU_ASSERT(!HOST("user@example.com"));
	CU_ASSERT(!HOST("exa\0mple.com"));
	CU_ASSERT(!HOST("b\xc3\xbc" "cher.de"));	/* not punycode */
	CU_ASSERT(!HOST("[::1]"));

	/* A label of 63 bytes is allowed, 64 is not. */
	memset(name, 'a', 64);
	CU_ASSERT(valid_hostname(name, 63));
	CU_ASSERT(!valid_hostname(name, 64));
	memcpy(name + 63, ".b", 2);
	CU_ASSERT(valid_hostname(name, 65));
	/* A name of 253 bytes is allowed, 254 is not. */
	memset(name, 'a', sizeof(name));
	for (i = 50; i < sizeof(name); i += 51)
		name[i] = '.';
	CU_ASSERT(valid_hostname(name, 253));
	CU_ASSERT(!valid_hostname(name, 254));
	/* The length bounds the read. */
	CU_ASSERT(valid_hostname("example.com-", 11));
}

static void
test_token(void)
{
	CU_ASSERT(valid_token("abcXYZ019-_", 11, 11));
	CU_ASSERT(valid_token("a", 1, 1));
	CU_ASSERT(!valid_token("ab", 2, 1));
	CU_ASSERT(!valid_token("", 0, 10));
	CU_ASSERT(!valid_token("a.b", 3, 10));
	CU_ASSERT(!valid_token("a=b", 3, 10));
	CU_ASSERT(!valid_token("a b", 3, 10));
	CU_ASSERT(!valid_token("a/b", 3, 10));
	CU_ASSERT(!valid_token("a+b", 3, 10));
	CU_ASSERT(!valid_token("a\0b", 3, 10));
	CU_ASSERT(!valid_token("\xc3\xa9", 2, 10));
	CU_ASSERT(valid_token("ab\n", 2, 10));	/* only n bytes read */
}

static void
test_utf8_cut(void)
{
	/* a (1) é (2) € (3) 😀 (4): characters start at 0, 1, 3, 6; end 10. */
	static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	static const size_t want[11] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10 };
	size_t max, got;

	for (max = 0; max <= 10; max++) {
		got = valid_utf8_cut(s, 10, max);
		CU_ASSERT_EQUAL(got, want[max]);
		CU_ASSERT(valid_utf8(s, got));
	}
	/* Shorter than max: unchanged. */
	CU_ASSERT_EQUAL(valid_utf8_cut(s, 10, 11), 10);
	CU_ASSERT_EQUAL(valid_utf8_cut(s, 10, (size_t)-1), 10);
	CU_ASSERT_EQUAL(valid_utf8_cut("", 0, 0), 0);
	CU_ASSERT_EQUAL(valid_utf8_cut("abc", 3, 0), 0);
	/* A cut that is itself a character boundary is kept. */
	CU_ASSERT_EQUAL(valid_utf8_cut("abc", 3, 2), 2);
	CU_ASSERT_EQUAL(valid_utf8_cut("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 7), 4);
	CU_ASSERT_EQUAL(valid_utf8_cut("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 4), 4);
	CU_ASSERT_EQUAL(valid_utf8_cut("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 3), 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("valid", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "valid_utf8 accepts", test_utf8_valid) == NULL ||
	    CU_add_test(s, "valid_utf8 refuses", test_utf8_invalid) == NULL ||
	    CU_add_test(s, "valid_text", test_text) == NULL ||
	    CU_add_test(s, "valid_hostname", test_hostname) == NULL ||
	    CU_add_test(s, "valid_token", test_token) == NULL ||
	    CU_add_test(s, "valid_utf8_cut", test_utf8_cut) == NULL) {
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
