/*
 * test_geo: CUnit suite for cgi/collect/geo.c.  Debian has no MaxMind
 * test database, so the suite builds its own with make_test_mmdb.py in a
 * temporary directory: 24-bit records, and 28-bit records with pointers
 * past 2^24.  Without python3 the suite fails; it never skips.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "geo.h"

extern char **environ;

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

static char	 tmpdir[PATH_MAX];
static char	 db24[PATH_MAX], db28[PATH_MAX], junk[PATH_MAX];

struct geo_case {
	const char	*ip;
	const char	*cc;	/* NULL: not found */
};

static const struct geo_case cases[] = {
	{ "81.2.69.160", "GB" },
	{ "81.2.69.0", "GB" },
	{ "81.2.69.255", "GB" },
	{ "81.2.70.1", NULL },
	{ "81.2.68.255", NULL },
	{ "::ffff:81.2.69.160", "GB" },		/* IPv4-mapped */
	{ "2001:db8::1", "DE" },
	{ "2001:DB8:FFFF:FFFF::1", "DE" },
	{ "2001:db9::1", NULL },
	{ "1.2.3.4", "US" },			/* registered_country only */
	{ "5.6.7.8", "FR" },			/* DB-IP / City layout */
	{ "9.9.9.9", "NL" },			/* lower-case in the file */
	{ "192.0.2.1", NULL },			/* "XYZ" */
	{ "198.51.100.1", NULL },		/* no country at all */
	{ "203.0.113.9", NULL },		/* iso_code is a number */
	{ "8.8.8.8", NULL },
	{ "::1", NULL },
	{ "0.0.0.0", NULL },
	/* not addresses */
	{ "", NULL },
	{ "1.2.3", NULL },
	{ "1.2.3.4 ", NULL },
	{ " 1.2.3.4", NULL },
	{ "1.2.3.4/24", NULL },
	{ "81.2.69.160:443", NULL },
	{ "[2001:db8::1]", NULL },
	{ "2001:db8::1%eth0", NULL },
	{ "example.com", NULL },
	{ "999.1.1.1", NULL },
	{ "0000:0000:0000:0000:0000:ffff:81.2.69.160", "GB" },
	{ "0000:0000:0000:0000:0000:ffff:081.002.069.160", NULL },
};

/* Run argv[0] from PATH and wait; 0 if it exited 0. */
static int
run(char *const argv[])
{
	pid_t pid;
	int rc, status;

	if ((rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)) != 0) {
		fprintf(stderr, "test_geo: cannot run %s: %s\n", argv[0],
		    strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status)) {
		fprintf(stderr, "test_geo: %s killed by signal %d\n", argv[0],
		    WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		fprintf(stderr, "test_geo: %s exited with %d\n", argv[0],
		    WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

static int
clean_suite(void)
{
	if (tmpdir[0] == '\0')
		return 0;
	unlink(db24);
	unlink(db28);
	unlink(junk);
	return rmdir(tmpdir) == -1 ? -1 : 0;
}

/* dst (PATH_MAX bytes) = tmpdir/name */
static int
in_tmp(char *dst, const char *name)
{
	int n;

	n = snprintf(dst, PATH_MAX, "%s/%s", tmpdir, name);
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

static int
init_suite(void)
{
	const char *t, *py;
	char script[PATH_MAX];
	int n;

	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	if ((py = getenv("PYTHON")) == NULL || *py == '\0')
		py = "python3";
	/* the source tree named at build time, else make check's $srcdir */
	n = snprintf(script, sizeof(script), "%s/test/unit/make_test_mmdb.py",
	    TEST_SRCDIR);
	if ((n < 0 || (size_t)n >= sizeof(script) ||
	    access(script, R_OK) == -1) && getenv("srcdir") != NULL)
		n = snprintf(script, sizeof(script),
		    "%s/test/unit/make_test_mmdb.py", getenv("srcdir"));
	if (n < 0 || (size_t)n >= sizeof(script)) {
		fprintf(stderr, "test_geo: source path too long\n");
		return -1;
	}
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/trackr-geo-XXXXXX",
	    t) >= sizeof(tmpdir) || mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "test_geo: mkdtemp: %s\n", strerror(errno));
		tmpdir[0] = '\0';
		return -1;
	}
	if (in_tmp(db24, "country24.mmdb") == -1 ||
	    in_tmp(db28, "country28.mmdb") == -1 ||
	    in_tmp(junk, "junk.mmdb") == -1) {
		fprintf(stderr, "test_geo: %s: path too long\n", tmpdir);
		rmdir(tmpdir);
		return -1;
	}
	{
		char *a24[] = { (char *)py, script, "--record-size", "24",
		    db24, NULL };
		char *a28[] = { (char *)py, script, "--record-size", "28",
		    "--pad-data", "16777216", db28, NULL };

		if (run(a24) == -1 || run(a28) == -1) {
			fprintf(stderr, "test_geo: the geo tests need python3 "
			    "to build their database (%s)\n", script);
			clean_suite();	/* CUnit skips it when init fails */
			return -1;
		}
	}
	return 0;
}

static void
lookups(const char *path)
{
	struct geo *g;
	char cc[3];
	size_t i;
	int rc;

	g = geo_open(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(cc, "??", 3);
		rc = geo_country(g, cases[i].ip, cc);
		if (cases[i].cc == NULL) {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_STRING_EQUAL(cc, "");
		} else {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_STRING_EQUAL(cc, cases[i].cc);
		}
		if ((cases[i].cc == NULL) != (rc == -1) ||
		    (cases[i].cc && strcmp(cc, cases[i].cc) != 0))
			fprintf(stderr, "\n  %s: want %s, got %d \"%s\"\n",
			    cases[i].ip, cases[i].cc ? cases[i].cc : "none",
			    rc, cc);
	}
	geo_close(g);
}

static void
test_record24(void)
{
	lookups(db24);
}

static void
test_record28(void)
{
	lookups(db28);
}

static void
test_open(void)
{
	struct geo *g;
	char cc[3] = "??";
	char longip[200];
	FILE *f;

	/* off: no database, no error */
	CU_ASSERT_PTR_NULL(geo_open(NULL));
	CU_ASSERT_PTR_NULL(geo_open(""));
	CU_ASSERT_EQUAL(geo_country(NULL, "81.2.69.160", cc), -1);
	CU_ASSERT_STRING_EQUAL(cc, "");
	geo_close(NULL);

	/* logged failures */
	CU_ASSERT_PTR_NULL(geo_open("/nonexistent/trackr/GeoLite2-Country.mmdb"));
	f = fopen(junk, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("this is not a MaxMind database\n", f);
	fclose(f);
	CU_ASSERT_PTR_NULL(geo_open(junk));
	CU_ASSERT_PTR_NULL(geo_open(tmpdir));	/* a directory */

	g = geo_open(db24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(geo_country(g, NULL, cc), -1);
	/* a long string is refused before parsing */
	memset(longip, '1', sizeof(longip) - 1);
	longip[sizeof(longip) - 1] = '\0';
	CU_ASSERT_EQUAL(geo_country(g, longip, cc), -1);
	CU_ASSERT_STRING_EQUAL(cc, "");
	geo_close(g);
}

struct worker {
	struct geo	*g;
	int		 bad;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	char cc[3];
	int i;

	for (i = 0; i < 20000; i++) {
		if (geo_country(w->g, "81.2.69.160", cc) != 0 ||
		    strcmp(cc, "GB") != 0)
			w->bad++;
		if (geo_country(w->g, "2001:db8::1", cc) != 0 ||
		    strcmp(cc, "DE") != 0)
			w->bad++;
		if (geo_country(w->g, "8.8.8.8", cc) != -1)
			w->bad++;
	}
	return NULL;
}

/* One handle shared by many threads, as the collector does. */
static void
test_threads(void)
{
	pthread_t t[8];
	struct worker w[8];
	struct geo *g;
	size_t i;

	g = geo_open(db28);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	for (i = 0; i < 8; i++) {
		w[i].g = g;
		w[i].bad = 0;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, work, &w[i]),
		    0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(w[i].bad, 0);
	}
	geo_close(g);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("geo", init_suite, clean_suite);
	if (s == NULL ||
	    CU_add_test(s, "24-bit records", test_record24) == NULL ||
	    CU_add_test(s, "28-bit records past 2^24", test_record28) == NULL ||
	    CU_add_test(s, "open and bad input", test_open) == NULL ||
	    CU_add_test(s, "shared by threads", test_threads) == NULL) {
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
