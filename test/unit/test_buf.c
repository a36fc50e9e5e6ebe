/*
 * test_buf: CUnit suite for cgi/core/buf.c: the strbuf invariants (never
 * NULL, always NUL-terminated), the sticky length error, detach and
 * reset, and the per-context escapers on every special byte.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "buf.h"

/* The buffer holds exactly the n bytes at want, NUL-terminated. */
static int
holds(const struct buf *b, const char *want, size_t n)
{
	return b->ptr != NULL && b->len == n && memcmp(b->ptr, want, n) == 0 &&
	    b->ptr[n] == '\0';
}

#define HOLDS(b, lit)	holds((b), (lit), sizeof(lit) - 1)

static void
test_init(void)
{
	struct buf a = BUF_INIT, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a.ptr);
	CU_ASSERT(HOLDS(&a, ""));
	CU_ASSERT_EQUAL(a.cap, 0);
	CU_ASSERT_EQUAL(a.err, 0);
	memset(&b, 0x55, sizeof(b));
	buf_init(&b, 10);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.max, 10);
	CU_ASSERT_EQUAL(b.err, 0);
	/* Nothing was allocated: releasing is a no-op. */
	buf_release(&a);
	buf_release(&b);
	CU_ASSERT(HOLDS(&b, ""));
}

static void
test_add(void)
{
	struct buf b = BUF_INIT;
	char big[5000];
	size_t i;

	buf_add(&b, "", 0);
	CU_ASSERT_EQUAL(b.cap, 0);	/* an empty append allocates nothing */
	buf_adds(&b, "abc");
	buf_addch(&b, 'd');
	buf_add(&b, "e\0f", 3);		/* binary data, NUL included */
	CU_ASSERT(HOLDS(&b, "abcde\0f"));
	CU_ASSERT(b.cap > b.len);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	buf_reset(&b);
	for (i = 0; i < sizeof(big); i += 100)
		buf_add(&b, big + i, 100);
	CU_ASSERT(holds(&b, big, sizeof(big)));
	buf_addch(&b, 0);
	CU_ASSERT_EQUAL(b.len, sizeof(big) + 1);
	CU_ASSERT_EQUAL(b.ptr[sizeof(big)], '\0');
	buf_release(&b);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.cap, 0);
}

static void
test_addf(void)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s=%d", "n", 42);
	buf_addf(&b, "%s", "");
	CU_ASSERT(HOLDS(&b, "n=42"));
	buf_addf(&b, "%05.1f|%x|%c", 3.14159, 255, 'z');
	CU_ASSERT(HOLDS(&b, "n=42003.1|ff|z"));
	buf_release(&b);

	/* An empty format on an empty buffer keeps the invariants. */
	buf_addf(&b, "%s", "");
	CU_ASSERT(HOLDS(&b, ""));
	buf_release(&b);
}

static void
test_reset_keeps_allocation(void)
{
	struct buf b;
	char *p;
	size_t cap;

	buf_init(&b, 4);
	buf_adds(&b, "abcd");
	buf_adds(&b, "e");
	CU_ASSERT_EQUAL(b.err, 1);
	p = b.ptr;
	cap = b.cap;
	buf_reset(&b);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.err, 0);	/* reset clears the error */
	CU_ASSERT_PTR_EQUAL(b.ptr, p);
	CU_ASSERT_EQUAL(b.cap, cap);
	CU_ASSERT_EQUAL(b.max, 4);
	buf_adds(&b, "wxyz");
	CU_ASSERT(HOLDS(&b, "wxyz"));
	buf_release(&b);
	CU_ASSERT_EQUAL(b.max, 4);	/* release keeps the limit */

	/* Reset of a never-allocated buffer leaves the shared empty string. */
	buf_init(&b, 0);
	buf_reset(&b);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.cap, 0);
}

static void
test_sticky_error(void)
{
	struct buf b;

	buf_init(&b, 5);
	buf_adds(&b, "abc");
	CU_ASSERT_EQUAL(b.err, 0);
	buf_adds(&b, "def");		/* would make 6: dropped whole */
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(HOLDS(&b, "abc"));
	buf_addch(&b, 'x');		/* would fit, but the error is sticky */
	buf_add(&b, "y", 1);
	buf_addf(&b, "%d", 1);
	CU_ASSERT(HOLDS(&b, "abc"));
	CU_ASSERT_EQUAL(b.err, 1);
	buf_release(&b);

	/* Exactly max bytes is allowed; one more is not. */
	buf_init(&b, 5);
	buf_adds(&b, "ab");
	buf_addf(&b, "%s", "cde");
	CU_ASSERT_EQUAL(b.err, 0);
	CU_ASSERT(HOLDS(&b, "abcde"));
	buf_addch(&b, 'f');
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(HOLDS(&b, "abcde"));
	buf_release(&b);

	/* One append larger than max on an empty buffer. */
	buf_init(&b, 3);
	buf_addf(&b, "%s", "abcd");
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(HOLDS(&b, ""));
	buf_release(&b);

	/* A huge length must not wrap the limit check. */
	buf_init(&b, 8);
	buf_adds(&b, "abc");
	buf_add(&b, "x", (size_t)-1);
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(HOLDS(&b, "abc"));
	buf_release(&b);

	/* Escapers respect the limit too, and never leave it exceeded. */
	buf_init(&b, 10);
	buf_add_html(&b, "<<<<<", 5);
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(b.len <= 10);
	CU_ASSERT_EQUAL(b.ptr[b.len], '\0');
	buf_release(&b);
	buf_init(&b, 10);
	buf_add_json_str(&b, "abcdefghijkl", 12);
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT(b.len <= 10);
	buf_release(&b);
}

static void
test_detach(void)
{
	struct buf b;
	size_t len = 99;
	char *p;

	/* An empty, never-allocated buffer still hands over a heap string. */
	buf_init(&b, 7);
	p = buf_detach(&b, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_EQUAL(p, buf_empty);
	CU_ASSERT_STRING_EQUAL(p, "");
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.max, 7);
	free(p);

	/* An emptied (reset) buffer hands over its allocation. */
	buf_adds(&b, "abc");
	buf_reset(&b);
	p = buf_detach(&b, NULL);
	CU_ASSERT_STRING_EQUAL(p, "");
	free(p);

	buf_adds(&b, "hello");
	p = buf_detach(&b, &len);
	CU_ASSERT_STRING_EQUAL(p, "hello");
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.cap, 0);
	/* The buffer is reusable and independent of the detached string. */
	buf_adds(&b, "again");
	CU_ASSERT(HOLDS(&b, "again"));
	CU_ASSERT_STRING_EQUAL(p, "hello");
	free(p);

	/* Detach clears a sticky error. */
	buf_adds(&b, "toolong");
	CU_ASSERT_EQUAL(b.err, 1);
	p = buf_detach(&b, &len);
	CU_ASSERT_STRING_EQUAL(p, "again");
	CU_ASSERT_EQUAL(b.err, 0);
	free(p);
	buf_release(&b);
}

static void
test_grow_setlen(void)
{
	struct buf b = BUF_INIT;

	buf_setlen(&b, 0);
	CU_ASSERT(HOLDS(&b, ""));
	CU_ASSERT_EQUAL(b.cap, 0);
	buf_grow(&b, 100);
	CU_ASSERT(b.cap >= 101);
	CU_ASSERT(HOLDS(&b, ""));
	memcpy(b.ptr, "abcdef", 6);
	buf_setlen(&b, 6);
	CU_ASSERT(HOLDS(&b, "abcdef"));
	buf_setlen(&b, 3);
	CU_ASSERT(HOLDS(&b, "abc"));
	buf_setlen(&b, 500);		/* grows as needed */
	CU_ASSERT_EQUAL(b.len, 500);
	CU_ASSERT(b.cap > 500);
	CU_ASSERT_EQUAL(b.ptr[500], '\0');
	buf_release(&b);

	/* setlen on a never-allocated buffer allocates. */
	buf_setlen(&b, 2);
	CU_ASSERT_EQUAL(b.len, 2);
	CU_ASSERT(b.cap > 2);
	CU_ASSERT_EQUAL(b.ptr[2], '\0');
	buf_release(&b);
}

static void
test_html(void)
{
	struct buf b = BUF_INIT;
	static const char in[] = "a&b<c>d\"e'f`g";

	buf_add_html(&b, in, sizeof(in) - 1);
	CU_ASSERT(HOLDS(&b, "a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g"));
	buf_reset(&b);
	buf_add_html(&b, "", 0);
	CU_ASSERT(HOLDS(&b, ""));
	buf_add_html(&b, "&&", 2);
	CU_ASSERT(HOLDS(&b, "&amp;&amp;"));
	buf_reset(&b);
	/* Only n bytes are read; NUL and UTF-8 pass through. */
	buf_add_html(&b, "x\0<\xc3\xa9y", 5);
	CU_ASSERT(holds(&b, "x\0&lt;\xc3\xa9", 8));
	buf_reset(&b);
	/* Invalid UTF-8 cannot hide a special byte from the escaper. */
	buf_add_html(&b, "\xe2<\xc3\"\xff'", 6);
	CU_ASSERT(HOLDS(&b, "\xe2&lt;\xc3&quot;\xff&#39;"));
	CU_ASSERT_PTR_NULL(memchr(b.ptr, '<', b.len));
	buf_release(&b);
}

static void
test_url(void)
{
	struct buf b = BUF_INIT;
	char all[256];
	size_t i;

	buf_add_url(&b, "AZaz09-_.~", 10);
	CU_ASSERT(HOLDS(&b, "AZaz09-_.~"));
	buf_reset(&b);
	buf_add_url(&b, " /?#&=+%\"<>\\", 12);
	CU_ASSERT(HOLDS(&b, "%20%2F%3F%23%26%3D%2B%25%22%3C%3E%5C"));
	buf_reset(&b);
	buf_add_url(&b, "\0\x7f\x80\xff\xc3\xa9", 6);
	CU_ASSERT(HOLDS(&b, "%00%7F%80%FF%C3%A9"));
	buf_reset(&b);
	/* Every byte: three bytes out unless unreserved, never a raw special. */
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	buf_add_url(&b, all, sizeof(all));
	CU_ASSERT_EQUAL(b.len, 66 + 190 * 3);
	CU_ASSERT_EQUAL(strspn(b.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.~%"), b.len);
	buf_release(&b);
}

static void
test_json_str(void)
{
	struct buf b = BUF_INIT;
	char all[128];
	size_t i;

	buf_add_json_str(&b, "", 0);
	CU_ASSERT(HOLDS(&b, "\"\""));
	buf_reset(&b);
	buf_add_json_str(&b, "a\"b\\c\nd\re\tf", 11);
	CU_ASSERT(HOLDS(&b, "\"a\\\"b\\\\c\\nd\\re\\tf\""));
	buf_reset(&b);
	/* Inert inside <script>: no raw <, >, & or '. */
	buf_add_json_str(&b, "</script><!--&'", 15);
	CU_ASSERT(HOLDS(&b, "\"\\u003c/script\\u003e\\u003c!--\\u0026\\u0027\""));
	buf_reset(&b);
	buf_add_json_str(&b, "\0\x01\x1f\x08\x0c", 5);
	CU_ASSERT(HOLDS(&b, "\"\\u0000\\u0001\\u001f\\u0008\\u000c\""));
	buf_reset(&b);
	/* UTF-8 text passes through unchanged. */
	buf_add_json_str(&b, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	CU_ASSERT(HOLDS(&b, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""));
	buf_reset(&b);
	/* U+2028 and U+2029 escaped (line ends in older JavaScript); U+2027, cut ones not. */
	buf_add_json_str(&b, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xa7\xe2\x80", 14);
	CU_ASSERT(HOLDS(&b, "\"a\\u2028b\\u2029c\xe2\x80\xa7\xe2\x80\""));
	buf_reset(&b);
	/* A broken sequence cannot swallow the quote that follows it. */
	buf_add_json_str(&b, "\xe2\"\xc3<", 4);
	CU_ASSERT(HOLDS(&b, "\"\xe2\\\"\xc3\\u003c\""));
	buf_reset(&b);
	/* Every ASCII byte: no raw control, quote or HTML special inside. */
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)i;
	buf_add_json_str(&b, all, sizeof(all));
	CU_ASSERT_EQUAL(b.ptr[0], '"');
	CU_ASSERT_EQUAL(b.ptr[b.len - 1], '"');
	for (i = 1; i + 1 < b.len; i++) {
		CU_ASSERT((unsigned char)b.ptr[i] >= 0x20);
		CU_ASSERT(strchr("<>&'\"", b.ptr[i]) == NULL);
		if (b.ptr[i] == '\\') {
			i++;	/* an escape: one of the JSON escape letters */
			CU_ASSERT(strchr("\"\\nrtu", b.ptr[i]) != NULL);
		}
	}
	buf_release(&b);
}

static void
test_hex(void)
{
	struct buf b = BUF_INIT;

	buf_add_hex(&b, (const unsigned char *)"\x00\x01\xab\xff", 4);
	CU_ASSERT(HOLDS(&b, "0001abff"));
	buf_add_hex(&b, (const unsigned char *)"", 0);
	CU_ASSERT(HOLDS(&b, "0001abff"));
	buf_release(&b);
}

static void
test_alloc_helpers(void)
{
	unsigned char *z;
	char *s;
	size_t i;
	int zero = 1;

	s = xstrndup("abcdef", 3);
	CU_ASSERT_STRING_EQUAL(s, "abc");
	free(s);
	s = xstrndup("a\0b", 3);	/* copies n bytes, NUL included */
	CU_ASSERT_EQUAL(memcmp(s, "a\0b\0", 4), 0);
	free(s);
	s = xstrdup("");
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
	z = xcalloc(16, 8);
	for (i = 0; i < 128; i++)
		zero &= z[i] == 0;
	CU_ASSERT(zero);
	free(z);
	/* Zero sizes still return something free() accepts. */
	z = xmalloc(0);
	CU_ASSERT_PTR_NOT_NULL(z);
	z = xrealloc(z, 0);
	CU_ASSERT_PTR_NOT_NULL(z);
	free(z);
	z = xcalloc(0, 0);
	CU_ASSERT_PTR_NOT_NULL(z);
	free(z);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("buf", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "init and BUF_INIT", test_init) == NULL ||
	    CU_add_test(s, "add, adds, addch", test_add) == NULL ||
	    CU_add_test(s, "addf", test_addf) == NULL ||
	    CU_add_test(s, "reset keeps the allocation", test_reset_keeps_allocation) == NULL ||
	    CU_add_test(s, "sticky error at max", test_sticky_error) == NULL ||
	    CU_add_test(s, "detach", test_detach) == NULL ||
	    CU_add_test(s, "grow and setlen", test_grow_setlen) == NULL ||
	    CU_add_test(s, "html escaper", test_html) == NULL ||
	    CU_add_test(s, "url escaper", test_url) == NULL ||
	    CU_add_test(s, "json string escaper", test_json_str) == NULL ||
	    CU_add_test(s, "hex", test_hex) == NULL ||
	    CU_add_test(s, "allocation helpers", test_alloc_helpers) == NULL) {
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
