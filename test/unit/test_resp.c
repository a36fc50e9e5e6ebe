/*
 * test_resp: CUnit suite for the response head and streaming in
 * cgi/core/resp.c.  A capturing write function stands in for the FastCGI
 * stream that server.c installs; it can be told to fail, as a client that
 * went away does.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "log.h"
#include "resp.h"

struct sink {
	struct buf	 got;		/* everything written */
	int		 writes;	/* calls that succeeded */
	int		 fail_after;	/* fail every call after this many; -1: never */
};

static int
sink_write(void *ctx, const char *p, size_t n)
{
	struct sink *k = ctx;

	if (k->fail_after >= 0 && k->writes >= k->fail_after)
		return -1;
	buf_add(&k->got, p, n);
	k->writes++;
	return 0;
}

static void
setup(struct resp *r, struct sink *k, int fail_after)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->headers, 0);
	buf_init(&r->body, 0);
	if (k != NULL) {
		buf_init(&k->got, 0);
		k->writes = 0;
		k->fail_after = fail_after;
		r->write = sink_write;
		r->write_ctx = k;
	}
}

static void
teardown(struct resp *r, struct sink *k)
{
	buf_release(&r->headers);
	buf_release(&r->body);
	if (k != NULL)
		buf_release(&k->got);
}

/* The head write_resp sends, byte for byte as before streaming existed. */
static void
test_head(void)
{
	struct resp r;
	struct buf o = BUF_INIT;

	setup(&r, NULL, -1);
	r.status = 200;
	r.ctype = "text/plain";
	buf_adds(&r.body, "hello");
	resp_header(&r, "Cache-Control", "%s", "no-store");
	resp_head(&r, &o, 1);
	CU_ASSERT_STRING_EQUAL(o.ptr,
	    "Status: 200 OK\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 5\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
	    "Cache-Control: no-store\r\n"
	    "\r\n");
	/* Streamed: no length; the handler's own CSP replaces the default. */
	buf_reset(&o);
	r.no_default_csp = 1;
	resp_head(&r, &o, 0);
	CU_ASSERT_STRING_EQUAL(o.ptr,
	    "Status: 200 OK\r\n"
	    "Content-Type: text/plain\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Cache-Control: no-store\r\n"
	    "\r\n");
	/* 204: no type, no length; 304: no length. */
	buf_reset(&o);
	r.status = 204;
	r.no_default_csp = 0;
	buf_reset(&r.headers);
	resp_head(&r, &o, 1);
	CU_ASSERT_STRING_EQUAL(o.ptr,
	    "Status: 204 No Content\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
	    "\r\n");
	buf_reset(&o);
	r.status = 304;
	resp_head(&r, &o, 1);
	CU_ASSERT_PTR_NULL(strstr(o.ptr, "Content-Length"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.ptr, "Content-Type: text/plain\r\n"));
	buf_release(&o);
	teardown(&r, NULL);
}

/* No write function (unit tests of handlers): the body keeps it all. */
static void
test_buffer_only(void)
{
	struct resp r;

	setup(&r, NULL, -1);
	CU_ASSERT_EQUAL(resp_stream_flush(&r), -1);	/* before begin: a bug */
	r.ctype = "text/csv";
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	CU_ASSERT_EQUAL(r.status, 200);			/* 0 means 200 */
	CU_ASSERT_EQUAL(r.stream_status, 200);
	buf_adds(&r.body, "a,b\r\n");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	buf_adds(&r.body, "1,2\r\n");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_STRING_EQUAL(r.body.ptr, "a,b\r\n1,2\r\n");
	CU_ASSERT_EQUAL(resp_stream_begin(&r), -1);	/* twice: a bug */
	teardown(&r, NULL);
}

static void
test_stream(void)
{
	struct resp r;
	struct sink k;

	setup(&r, &k, -1);
	r.status = 200;
	r.ctype = "text/csv";
	resp_header(&r, "Content-Disposition", "%s",
	    "attachment; filename=\"x.csv\"");
	buf_adds(&r.body, "BOM");	/* what the handler had before begin stays */
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	CU_ASSERT_STRING_EQUAL(k.got.ptr,
	    "Status: 200 OK\r\n"
	    "Content-Type: text/csv\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
	    "Content-Disposition: attachment; filename=\"x.csv\"\r\n"
	    "\r\n");
	CU_ASSERT_STRING_EQUAL(r.body.ptr, "BOM");
	buf_reset(&k.got);
	buf_adds(&r.body, "a,b\r\n");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_STRING_EQUAL(k.got.ptr, "BOMa,b\r\n");
	CU_ASSERT_EQUAL(r.body.len, 0);
	/* An empty flush writes nothing. */
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_EQUAL(k.writes, 2);
	buf_adds(&r.body, "1,2\r\n");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_STRING_EQUAL(k.got.ptr, "BOMa,b\r\n1,2\r\n");
	teardown(&r, &k);
}

/* HEAD sends the same headers and never a byte of body. */
static void
test_stream_head(void)
{
	struct resp r;
	struct sink k;

	setup(&r, &k, -1);
	r.head = 1;
	r.ctype = "application/json";
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	CU_ASSERT(strncmp(k.got.ptr, "Status: 200 OK\r\n", 16) == 0);
	CU_ASSERT(k.got.len > 4 &&
	    strcmp(k.got.ptr + k.got.len - 4, "\r\n\r\n") == 0);
	buf_reset(&k.got);
	buf_adds(&r.body, "[1,2,3]");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_EQUAL(k.got.len, 0);
	CU_ASSERT_EQUAL(r.body.len, 0);		/* discarded, not kept */
	CU_ASSERT_EQUAL(k.writes, 1);
	teardown(&r, &k);
	/* 304 carries no body either. */
	setup(&r, &k, -1);
	r.status = 304;
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	buf_reset(&k.got);
	buf_adds(&r.body, "x");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	CU_ASSERT_EQUAL(k.got.len, 0);
	teardown(&r, &k);
}

/* The client goes away: every later flush is a no-op returning -1. */
static void
test_stream_gone(void)
{
	struct resp r;
	struct sink k;
	int i;

	setup(&r, &k, 2);	/* the head and one chunk get through */
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	buf_adds(&r.body, "one");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), 0);
	buf_adds(&r.body, "two");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), -1);
	CU_ASSERT(r.stream_err);
	CU_ASSERT_EQUAL(r.body.len, 0);		/* nothing piles up */
	k.fail_after = -1;			/* even if writing worked again */
	for (i = 0; i < 3; i++) {
		buf_adds(&r.body, "more");
		CU_ASSERT_EQUAL(resp_stream_flush(&r), -1);
		CU_ASSERT_EQUAL(r.body.len, 0);
	}
	CU_ASSERT_EQUAL(k.writes, 2);
	CU_ASSERT_PTR_NULL(strstr(k.got.ptr, "two"));
	CU_ASSERT_PTR_NULL(strstr(k.got.ptr, "more"));
	teardown(&r, &k);
	/* Gone before the head went out. */
	setup(&r, &k, 0);
	CU_ASSERT_EQUAL(resp_stream_begin(&r), -1);
	buf_adds(&r.body, "x");
	CU_ASSERT_EQUAL(resp_stream_flush(&r), -1);
	CU_ASSERT_EQUAL(k.got.len, 0);
	teardown(&r, &k);
}

/* A body that lost bytes to its length limit is never sent. */
static void
test_stream_overflow(void)
{
	struct resp r;
	struct sink k;

	setup(&r, &k, -1);
	r.body.max = 4;
	CU_ASSERT_EQUAL(resp_stream_begin(&r), 0);
	buf_reset(&k.got);
	buf_adds(&r.body, "abc");
	buf_adds(&r.body, "def");	/* dropped: sticky error */
	CU_ASSERT_EQUAL(resp_stream_flush(&r), -1);
	CU_ASSERT_EQUAL(k.got.len, 0);
	teardown(&r, &k);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	/* The misuse cases log errors on purpose; keep the output readable. */
	log_init("test_resp", LOGL_ERR);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("resp", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "status line and headers", test_head) == NULL ||
	    CU_add_test(s, "streaming without a writer", test_buffer_only) == NULL ||
	    CU_add_test(s, "streaming head and chunks", test_stream) == NULL ||
	    CU_add_test(s, "HEAD and 304 send no body", test_stream_head) == NULL ||
	    CU_add_test(s, "client gone", test_stream_gone) == NULL ||
	    CU_add_test(s, "body over its limit", test_stream_overflow) == NULL) {
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
