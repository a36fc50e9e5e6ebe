/*
 * test_conf: CUnit suite for cgi/core/conf.c: the "key = value" syntax,
 * every refusal (duplicate key, missing '=', empty key, too many keys,
 * too large a file) and conf_int's range checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "conf.h"
#include "log.h"

/* A parse that must be refused leaves c empty but valid, path kept. */
static int
refused(const char *text)
{
	struct conf c;
	int ok;

	ok = conf_parse(&c, text, "t.conf") == -1 && c.n == 0 &&
	    c.kv == NULL && c.path != NULL && strcmp(c.path, "t.conf") == 0 &&
	    conf_str(&c, "a", NULL) == NULL;
	conf_free(&c);
	return ok;
}

static void
test_parse(void)
{
	struct conf c;

	CU_ASSERT_EQUAL_FATAL(conf_parse(&c,
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "db_name = trackr\n"
	    "\tlisten=127.0.0.1:9000  \r\n"
	    "  # indented comment\n"
	    "secret = a=b#not a comment \n"
	    "empty =\n"
	    "spaced key = x y  z\n"
	    "last=no newline", "t.conf"), 0);
	CU_ASSERT_EQUAL(c.n, 6);
	CU_ASSERT_STRING_EQUAL(c.path, "t.conf");
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "db_name", NULL), "trackr");
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "listen", NULL), "127.0.0.1:9000");
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "secret", NULL), "a=b#not a comment");
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "spaced key", NULL), "x y  z");
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "last", NULL), "no newline");
	/* An empty value reads as absent. */
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "empty", "def"), "def");
	CU_ASSERT_PTR_NULL(conf_str(&c, "empty", NULL));
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "missing", "def"), "def");
	CU_ASSERT_PTR_NULL(conf_str(&c, "missing", NULL));
	/* Keys are case-sensitive and matched whole. */
	CU_ASSERT_PTR_NULL(conf_str(&c, "DB_NAME", NULL));
	CU_ASSERT_PTR_NULL(conf_str(&c, "db", NULL));
	conf_free(&c);
	CU_ASSERT_EQUAL(c.n, 0);
	CU_ASSERT_PTR_NULL(c.path);
	conf_free(&c);		/* freeing twice is harmless */

	CU_ASSERT_EQUAL(conf_parse(&c, "", "empty.conf"), 0);
	CU_ASSERT_EQUAL(c.n, 0);
	conf_free(&c);
}

static void
test_errors(void)
{
	CU_ASSERT(refused("a = 1\nb = 2\na = 3\n"));	/* duplicate key */
	CU_ASSERT(refused("a = 1\na=1\n"));		/* even with the same value */
	CU_ASSERT(refused("a = 1\n  a   = 2\n"));	/* after trimming */
	CU_ASSERT(refused("a = 1\njust words\n"));	/* missing '=' */
	CU_ASSERT(refused("a\n"));
	CU_ASSERT(refused("= value\n"));		/* empty key */
	CU_ASSERT(refused("  \t= value\n"));
	CU_ASSERT(refused("a = 1\n=\n"));
}

static void
test_too_many_keys(void)
{
	struct buf text = BUF_INIT;
	struct conf c;
	int i;

	for (i = 0; i < 1000; i++)
		buf_addf(&text, "k%d = %d\n", i, i);
	CU_ASSERT_EQUAL(conf_parse(&c, text.ptr, "many.conf"), 0);
	CU_ASSERT_EQUAL(c.n, 1000);
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "k999", NULL), "999");
	conf_free(&c);
	buf_adds(&text, "one_more = 1\n");
	CU_ASSERT(refused(text.ptr));
	buf_release(&text);
}

static void
test_int(void)
{
	struct conf c;
	int err = 0;

	CU_ASSERT_EQUAL_FATAL(conf_parse(&c,
	    "port = 9000\n"
	    "neg = -5\n"
	    "zero = 0\n"
	    "junk = 12abc\n"
	    "word = many\n"
	    "float = 1.5\n"
	    "huge = 99999999999999999999\n"
	    "hugeneg = -99999999999999999999\n"
	    "spaced = 1 2\n"
	    "empty =\n"
	    "max = 9223372036854775807\n", "int.conf"), 0);
	CU_ASSERT_EQUAL(conf_int(&c, "port", 1, 1, 65535, &err), 9000);
	CU_ASSERT_EQUAL(conf_int(&c, "neg", 0, -10, 10, &err), -5);
	CU_ASSERT_EQUAL(conf_int(&c, "zero", 7, 0, 0, &err), 0);
	CU_ASSERT_EQUAL(conf_int(&c, "missing", 42, 0, 10, &err), 42);
	/* An empty value is absent: the default, and no error. */
	CU_ASSERT_EQUAL(conf_int(&c, "empty", 42, 0, 10, &err), 42);
	CU_ASSERT_EQUAL(conf_int(&c, "max", 0, 0, 9223372036854775807LL, &err),
	    9223372036854775807LL);
	/* Bounds are inclusive. */
	CU_ASSERT_EQUAL(conf_int(&c, "port", 1, 9000, 9000, &err), 9000);
	CU_ASSERT_EQUAL(err, 0);	/* success never touches err */

#define BAD(key, lo, hi) do {						\
	err = 0;							\
	CU_ASSERT_EQUAL(conf_int(&c, key, 77, lo, hi, &err), 77);	\
	CU_ASSERT_EQUAL(err, -1);					\
} while (0)
	BAD("port", 1, 8999);		/* above max */
	BAD("port", 9001, 65535);	/* below min */
	BAD("neg", 0, 10);
	BAD("junk", 0, 100);
	BAD("word", 0, 100);
	BAD("float", 0, 100);
	BAD("huge", 0, 9223372036854775807LL);
	BAD("hugeneg", -9223372036854775807LL - 1, 0);
	BAD("spaced", 0, 100);
#undef BAD
	/* An error stays set through later successful reads. */
	CU_ASSERT_EQUAL(conf_int(&c, "port", 1, 1, 65535, &err), 9000);
	CU_ASSERT_EQUAL(err, -1);
	conf_free(&c);
}

static void
test_load(void)
{
	char path[] = "/tmp/test_conf.XXXXXX";
	struct conf c;
	FILE *f;
	int fd;
	size_t i;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd != -1);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("# test\nkey = value\n", f);
	fclose(f);

	CU_ASSERT_EQUAL(conf_load(&c, path), 0);
	CU_ASSERT_STRING_EQUAL(c.path, path);
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "key", NULL), "value");
	conf_free(&c);

	/* NULL path: $TRACKR_CONF. */
	CU_ASSERT_EQUAL(setenv("TRACKR_CONF", path, 1), 0);
	CU_ASSERT_EQUAL(conf_load(&c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(c.path, path);
	CU_ASSERT_STRING_EQUAL(conf_str(&c, "key", NULL), "value");
	conf_free(&c);
	unsetenv("TRACKR_CONF");

	/* A file over 1 MiB is refused. */
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	for (i = 0; i < 1024 * 1024 / 16 + 1; i++)
		fputs("# padding line.\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(conf_load(&c, path), -1);
	CU_ASSERT_EQUAL(c.n, 0);
	CU_ASSERT_STRING_EQUAL(c.path, path);
	conf_free(&c);

	unlink(path);
	/* A missing file is refused; c stays valid and names it. */
	CU_ASSERT_EQUAL(conf_load(&c, path), -1);
	CU_ASSERT_EQUAL(c.n, 0);
	CU_ASSERT_STRING_EQUAL(c.path, path);
	CU_ASSERT_PTR_NULL(conf_str(&c, "key", NULL));
	conf_free(&c);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	/* The refusals log their reasons to stderr: that output is expected. */
	log_init("test_conf", LOGL_ERR);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("conf", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "key = value syntax", test_parse) == NULL ||
	    CU_add_test(s, "refusals", test_errors) == NULL ||
	    CU_add_test(s, "key count limit", test_too_many_keys) == NULL ||
	    CU_add_test(s, "conf_int ranges", test_int) == NULL ||
	    CU_add_test(s, "conf_load from a file", test_load) == NULL) {
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
