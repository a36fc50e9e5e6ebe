/*
 * test_tz: time zones (cgi/dashboard/tz.c) against glibc's localtime_r
 * with TZ set (fine here: this test has one thread): real zones over
 * 1970-2040, POSIX footer strings alone, TZif files built here (v1, v2,
 * footer only, broken ones), day starts on DST days, zone names, the cache
 * and the calendar helpers.
 */
#include <sys/stat.h>

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tz.h"

#define ZONEINFO	"/usr/share/zoneinfo"
#define HOUR		3600LL
#define DAY		86400LL

static long long
utc(int y, int m, int d, int hh, int mi)
{
	return days_from_civil(y, m, d) * DAY + hh * HOUR + mi * 60LL;
}

static void
set_tz(const char *spec)
{
	setenv("TZ", spec, 1);
	tzset();
}

/* glibc's offset and local day of t under the current TZ. */
static long
g_off(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return -999999;
	return tm.tm_gmtoff;
}

static long
g_day(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return -999999;
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int
check_instant(const struct tz *z, const char *what, long long t, int *shown)
{
	long a = tz_offset(z, t), b = g_off(t);
	long da = tz_local_day(z, t), db = g_day(t);

	if (a == b && da == db)
		return 0;
	if ((*shown)++ < 5)
		fprintf(stderr, "\n%s at %lld: offset %ld, glibc %ld; day %ld, glibc %ld",
		    what, t, a, b, da, db);
	return 1;
}

/*
 * Compare z with glibc (TZ already set) over [from, to): sampled
 * instants, every span edge, every day start, sampled local times.
 */
static void
compare_zone(const struct tz *z, const char *what, long long from,
    long long to, long long step)
{
	static struct tz_span sp[4096];
	long long t, u, lt, c;
	size_t n, i;
	long d, o, k;
	int bad = 0, shown = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	for (t = from; t < to; t += step)
		bad += check_instant(z, what, t, &shown);
	n = tz_spans(z, from, to, sp, sizeof(sp) / sizeof(sp[0]));
	CU_ASSERT(n > 0);
	for (i = 0; i < n; i++) {
		bad += check_instant(z, what, sp[i].start_utc - 1, &shown);
		bad += check_instant(z, what, sp[i].start_utc, &shown);
		bad += check_instant(z, what, sp[i].end_utc - 1, &shown);
		if (g_off(sp[i].start_utc) != sp[i].offset ||
		    g_off(sp[i].end_utc - 1) != sp[i].offset)
			bad++;
		if (i > 0 && (sp[i].start_utc != sp[i - 1].end_utc ||
		    sp[i].offset == sp[i - 1].offset))
			bad++;
	}
	if (n > 0 && (sp[0].start_utc != from || sp[n - 1].end_utc != to))
		bad++;
	/* A day starts at the first instant whose local day is it or later. */
	for (d = g_day(from) + 1; d < g_day(to) - 1; d++) {
		u = tz_day_start(z, d);
		if (g_day(u) < d || g_day(u - 1) >= d || tz_local_day(z, u) != g_day(u)) {
			if (shown++ < 5)
				fprintf(stderr, "\n%s: day %ld starts at %lld", what, d, u);
			bad++;
		}
	}
	/*
	 * tz_local_to_utc: the first instant whose local time is lt or later,
	 * and in an overlap no earlier instant shows lt.
	 */
	for (lt = from + 2 * DAY; lt < to - 2 * DAY; lt += 3 * DAY + 3607) {
		u = tz_local_to_utc(z, lt);
		if (u + g_off(u) < lt || u - 1 + g_off(u - 1) >= lt) {
			if (shown++ < 5)
				fprintf(stderr, "\n%s: local %lld gives %lld", what, lt, u);
			bad++;
			continue;
		}
		for (k = 1; k <= 52; k++) {
			o = g_off(u - k * 1800);
			c = lt - o;
			if (c < u && g_off(c) == o) {
				if (shown++ < 5)
					fprintf(stderr, "\n%s: local %lld gives %lld, not %lld",
					    what, lt, u, c);
				bad++;
				break;
			}
		}
	}
	if (bad)
		fprintf(stderr, "\n%s: %d mismatches\n", what, bad);
	CU_ASSERT_EQUAL(bad, 0);
}

static const char *const zones[] = {
	"UTC", "Europe/London", "Europe/Berlin", "America/New_York",
	"America/Sao_Paulo", "Australia/Sydney", "Asia/Kolkata",
	"Asia/Kathmandu", "Pacific/Chatham", "America/Santiago", "Pacific/Apia",
	"America/Havana", "Asia/Beirut", "Australia/Lord_Howe",
	"America/St_Johns", "Africa/Casablanca", "Europe/Dublin",
};

static void
test_real_zones(void)
{
	struct tz *z;
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		z = tz_load(ZONEINFO, zones[i]);
		CU_ASSERT_PTR_NOT_NULL(z);
		if (z == NULL)
			continue;
		CU_ASSERT_STRING_EQUAL(tz_name(z), zones[i]);
		set_tz(zones[i]);
		compare_zone(z, zones[i], 0, utc(2040, 1, 1, 0, 0), 20011);
		tz_free(z);
	}
}

/* Footer strings alone, against glibc reading the same string. */
static const char *const posix_good[] = {
	"CET-1CEST,M3.5.0,M10.5.0/3",
	"EST5EDT,M3.2.0,M11.1.0",
	"<+0530>-5:30",
	"IST-5:30",
	"<-03>3",
	"UTC0",
	"<+14>-14",
	"<-12>12",
	"AEST-10AEDT,M10.1.0,M4.1.0/3",
	"NZST-12NZDT,M9.5.0,M4.1.0/3",
	"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
	"<-04>4<-03>,M9.1.6/24,M4.1.6/24",
	"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
	"IST-2IDT,M3.4.4/26,M10.5.0",
	"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
	"CST5CDT,M3.2.0/0,M11.1.0/1",
	"EET-2EEST,M3.5.0/0,M10.5.0/0",
	"XXX3YYY,J60/2,J300/2",
	"XXX3YYY,59/2,299/2",
	"XXX3YYY,J2/0:30,J364/23:59:59",
	"ABC-1DEF-3,M4.1.0/-25,M9.5.6/50",
	"<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
	"PST8PDT,M3.2.0/2:00:00,M11.1.0/2:00:00",
};

static void
test_posix_strings(void)
{
	struct tz *z;
	size_t i;

	for (i = 0; i < sizeof(posix_good) / sizeof(posix_good[0]); i++) {
		z = tz_from_posix(posix_good[i]);
		CU_ASSERT_PTR_NOT_NULL(z);
		if (z == NULL) {
			fprintf(stderr, "\nrefused %s\n", posix_good[i]);
			continue;
		}
		set_tz(posix_good[i]);
		compare_zone(z, posix_good[i], utc(1970, 1, 1, 0, 0),
		    utc(2045, 1, 1, 0, 0), 40009);
		tz_free(z);
	}
}

static void
test_posix_special(void)
{
	struct tz *z;
	long long t;

	/* RFC 8536's all-year DST: always -4, at every year boundary too. */
	z = tz_from_posix("EST5EDT,0/0,J365/25");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	for (t = utc(1999, 12, 30, 0, 0); t < utc(2030, 1, 1, 0, 0); t += 3 * DAY + 1)
		CU_ASSERT_EQUAL(tz_offset(z, t), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 1, 1, 5, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 1, 1, 4, 59)), -4 * HOUR);
	{
		struct tz_span sp[4];

		CU_ASSERT_EQUAL(tz_spans(z, utc(2020, 1, 1, 0, 0),
		    utc(2030, 1, 1, 0, 0), sp, 4), 1);
		CU_ASSERT_EQUAL(sp[0].offset, -4 * HOUR);
	}
	tz_free(z);

	/* A DST offset equal to the standard one is no DST at all. */
	z = tz_from_posix("AAA0BBB0,M3.5.0,M10.5.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 7, 1, 0, 0)), 0);
	tz_free(z);

	/* Jn never counts Feb 29; n does. */
	z = tz_from_posix("XXX0YYY-1,J60/0,J61/0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2024, 3, 1, 12, 0)), HOUR);	/* J60 = Mar 1 */
	CU_ASSERT_EQUAL(tz_offset(z, utc(2024, 2, 29, 12, 0)), 0);
	tz_free(z);
	z = tz_from_posix("XXX0YYY-1,59/0,60/0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2024, 2, 29, 12, 0)), HOUR);	/* 59 = Feb 29 */
	CU_ASSERT_EQUAL(tz_offset(z, utc(2023, 3, 1, 12, 0)), HOUR);	/* 59 = Mar 1 */
	CU_ASSERT_EQUAL(tz_offset(z, utc(2024, 3, 1, 12, 0)), 0);
	tz_free(z);

	/*
	 * Near New Year the rule of the year before still counts (glibc
	 * looks at the UTC year only): 1969's DST ends 1970-01-01 01:59:59Z.
	 */
	z = tz_from_posix("XXX3YYY,J1/0:30,J365/23:59:59");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, 0), -2 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, 2 * HOUR - 2), -2 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, 2 * HOUR - 1), -3 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, 3 * HOUR + 1800 - 1), -3 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, 3 * HOUR + 1800), -2 * HOUR);
	tz_free(z);

	/* DST without rules gets today's US rules (glibc reads posixrules). */
	z = tz_from_posix("EST5EDT");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 3, 8, 7, 0) - 1), -5 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 3, 8, 7, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 11, 1, 6, 0) - 1), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 11, 1, 6, 0)), -5 * HOUR);
	tz_free(z);

	/* 24:00 on a Saturday is Sunday's midnight: Santiago's rule. */
	z = tz_from_posix("<-04>4<-03>,M9.1.6/24,M4.1.6/24");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 9, 6, 3, 59)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2026, 9, 6, 4, 0)), -3 * HOUR);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 9, 6)),
	    utc(2026, 9, 6, 4, 0));
	tz_free(z);
}

static const char *const posix_bad[] = {
	"", "A", "AB1", "CET", "CET-", "CET-25", "CET-1:60", "CET-1:00:60",
	"CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
	"CET-1CEST,M3.0.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0",
	"CET-1CEST,J0,M10.5.0", "CET-1CEST,J366,M10.5.0",
	"CET-1CEST,366,M10.5.0", "CET-1CEST,M3.5.0/168,M10.5.0",
	"CET-1CEST,M3.5.0", "CET-1CEST,M3.5.0,M10.5.0,",
	"CET-1CEST,M3.5.0,M10.5.0x", "<+05>", "<+5>-5", "<+0530-5:30",
	"CET-1CEST,M3.5.0/1:2:3:4,M10.5.0", "CET-1CE", "CET-1CEST-25",
	"CET-1CEST,M3.5.0/,M10.5.0", "CET-0001", "CET1 ", " CET1",
	"CET-1CEST,M3.5.0,M10.5.0/3\n", "CET-1CEST,,", "CET-1CEST,M03.5.0.1,M10.5.0",
};

static void
test_posix_bad(void)
{
	size_t i;
	struct tz *z;
	char longspec[400];

	for (i = 0; i < sizeof(posix_bad) / sizeof(posix_bad[0]); i++) {
		z = tz_from_posix(posix_bad[i]);
		if (z != NULL)
			fprintf(stderr, "\naccepted \"%s\"\n", posix_bad[i]);
		CU_ASSERT_PTR_NULL(z);
		tz_free(z);
	}
	CU_ASSERT_PTR_NULL(tz_from_posix(NULL));
	memset(longspec, 'A', sizeof(longspec) - 2);
	longspec[sizeof(longspec) - 2] = '0';
	longspec[sizeof(longspec) - 1] = '\0';
	CU_ASSERT_PTR_NULL(tz_from_posix(longspec));
}

/* ---- TZif files built here ---- */

struct tzb {
	unsigned char	 d[1 << 16];
	size_t		 n;
};

struct ttype {
	long	 off;
	int	 dst;
	int	 abbr;
};

static void
b_bytes(struct tzb *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void
b_32(struct tzb *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };

	b_bytes(b, x, 4);
}

static void
b_64(struct tzb *b, uint64_t v)
{
	b_32(b, (uint32_t)(v >> 32));
	b_32(b, (uint32_t)v);
}

struct zdata {
	size_t			 nt;
	const long long		*times;
	const unsigned char	*idx;
	size_t			 ntypes;
	const struct ttype	*types;
	const char		*chars;
	size_t			 nchars;
	uint32_t		 leap;
};

static void
b_block(struct tzb *b, char version, int tsize, const struct zdata *z)
{
	size_t i;

	b_bytes(b, "TZif", 4);
	b_bytes(b, &version, 1);
	b_bytes(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
	b_32(b, 0);
	b_32(b, 0);
	b_32(b, z->leap);
	b_32(b, (uint32_t)z->nt);
	b_32(b, (uint32_t)z->ntypes);
	b_32(b, (uint32_t)z->nchars);
	for (i = 0; i < z->nt; i++) {
		if (tsize == 8)
			b_64(b, (uint64_t)z->times[i]);
		else
			b_32(b, (uint32_t)(int32_t)z->times[i]);
	}
	b_bytes(b, z->idx, z->nt);
	for (i = 0; i < z->ntypes; i++) {
		unsigned char x[2] = { (unsigned char)z->types[i].dst,
		    (unsigned char)z->types[i].abbr };

		b_32(b, (uint32_t)(int32_t)z->types[i].off);
		b_bytes(b, x, 2);
	}
	b_bytes(b, z->chars, z->nchars);
	for (i = 0; i < z->leap; i++) {
		if (tsize == 8)
			b_64(b, 78796800);
		else
			b_32(b, 78796800);
		b_32(b, 1);
	}
}

/* A v2 file: the same data in both blocks, then the footer. */
static void
b_v2(struct tzb *b, char version, const struct zdata *z, const char *footer)
{
	b->n = 0;
	b_block(b, version, 4, z);
	b_block(b, version, 8, z);
	b_bytes(b, "\n", 1);
	b_bytes(b, footer, strlen(footer));
	b_bytes(b, "\n", 1);
}

static char tmpdir[64];

static void
write_file(const char *name, const void *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void
remove_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

static void
glibc_file(const char *name)
{
	char spec[300];

	snprintf(spec, sizeof(spec), ":%s/%s", tmpdir, name);
	set_tz(spec);
}

static const struct ttype cet_types[] = {
	{ 4000, 0, 0 }, { 3600, 0, 4 }, { 7200, 1, 8 }, { 3600, 0, 13 },
};
static const char cet_chars[] = "LMT\0CET\0CEST\0CXT";

static void
test_tzif_files(void)
{
	static struct tzb b;
	long long times[4];
	unsigned char idx[4] = { 1, 2, 3, 1 };
	struct zdata zd = { 4, times, idx, 4, cet_types, cet_chars,
	    sizeof(cet_chars), 0 };
	struct tz *z;

	times[0] = -1500000000LL;
	times[1] = utc(2000, 3, 26, 1, 0);
	times[2] = utc(2000, 10, 29, 1, 0);
	times[3] = utc(2001, 1, 1, 0, 0);	/* CXT to CET: same offset */

	/* Version 2: the table, then the footer from the last transition. */
	b_v2(&b, '2', &zd, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_file("Test/Two", b.d, b.n);
	z = tz_load(tmpdir, "Test/Two");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, -1600000000LL), 4000);	/* type 0 before */
	CU_ASSERT_EQUAL(tz_offset(z, utc(1990, 7, 1, 0, 0)), 3600);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2000, 7, 1, 0, 0)), 7200);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2000, 12, 1, 0, 0)), 3600);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2035, 7, 1, 0, 0)), 7200);
	glibc_file("Test/Two");
	compare_zone(z, "Test/Two", -1600000000LL, utc(2050, 1, 1, 0, 0), 30011);
	tz_free(z);

	/* Version 3 reads the same; a version 1 file has no footer. */
	b_v2(&b, '3', &zd, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_file("Test/Three", b.d, b.n);
	z = tz_load(tmpdir, "Test/Three");
	CU_ASSERT_PTR_NOT_NULL(z);
	tz_free(z);
	b.n = 0;
	b_block(&b, '\0', 4, &zd);
	write_file("Test/One", b.d, b.n);
	z = tz_load(tmpdir, "Test/One");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2035, 7, 1, 0, 0)), 3600);
	glibc_file("Test/One");
	compare_zone(z, "Test/One", -1600000000LL, utc(2037, 1, 1, 0, 0), 30011);
	tz_free(z);

	/*
	 * No transitions: the footer governs all time (RFC 8536 3.3; glibc
	 * takes type 0 here instead, so compare with the string itself).
	 */
	zd.nt = 0;
	b_v2(&b, '2', &zd, "EST5EDT,M3.2.0,M11.1.0");
	write_file("Test/Footer", b.d, b.n);
	z = tz_load(tmpdir, "Test/Footer");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(1975, 7, 1, 0, 0)), -4 * HOUR);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2039, 12, 1, 0, 0)), -5 * HOUR);
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	compare_zone(z, "Test/Footer", 0, utc(2045, 1, 1, 0, 0), 30011);
	tz_free(z);

	/* An empty footer: the last type stays. */
	zd.nt = 4;
	b_v2(&b, '2', &zd, "");
	write_file("Test/Empty", b.d, b.n);
	z = tz_load(tmpdir, "Test/Empty");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_offset(z, utc(2035, 7, 1, 0, 0)), 3600);
	tz_free(z);
	remove_file("Test/Two");
	remove_file("Test/Three");
	remove_file("Test/One");
	remove_file("Test/Footer");
	remove_file("Test/Empty");
}

static int
load_bytes(const void *p, size_t n)
{
	struct tz *z;

	write_file("Test/Bad", p, n);
	z = tz_load(tmpdir, "Test/Bad");
	tz_free(z);
	return z != NULL;
}

static void
test_tzif_bad(void)
{
	static struct tzb b, good;
	static unsigned char big[300 * 1024];
	long long times[3];
	unsigned char idx[3] = { 1, 2, 1 };
	struct zdata zd = { 3, times, idx, 4, cet_types, cet_chars,
	    sizeof(cet_chars), 0 };
	size_t i;
	unsigned int seed = 12345;
	char path[256];

	times[0] = -1500000000LL;
	times[1] = utc(2000, 3, 26, 1, 0);
	times[2] = utc(2000, 10, 29, 1, 0);
	b_v2(&good, '2', &zd, "CET-1CEST,M3.5.0,M10.5.0/3");
	CU_ASSERT_TRUE(load_bytes(good.d, good.n));

	/* Every cut short file is refused. */
	for (i = 0; i < good.n; i++)
		if (load_bytes(good.d, i)) {
			fprintf(stderr, "\naccepted a file cut at %zu\n", i);
			CU_FAIL("cut file accepted");
			break;
		}
	/* Bad magic, version, footer. */
	b = good;
	b.d[0] = 'X';
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	b = good;
	b.d[4] = '1';
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	b_v2(&b, '2', &zd, "CET-1CEST,M3.5.0");
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	b = good;
	b.d[b.n - 1] = 'x';	/* footer not closed */
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	/* Leap seconds ("right/" zones). */
	zd.leap = 1;
	b_v2(&b, '2', &zd, "CET-1CEST,M3.5.0,M10.5.0/3");
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	zd.leap = 0;
	/* Type index out of range, times out of order, no types. */
	idx[1] = 9;
	b_v2(&b, '2', &zd, "CET-1");
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	idx[1] = 2;
	times[1] = times[2];
	b_v2(&b, '2', &zd, "CET-1");
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	times[1] = utc(2000, 3, 26, 1, 0);
	zd.ntypes = 0;
	zd.nt = 0;
	b_v2(&b, '2', &zd, "CET-1");
	CU_ASSERT_FALSE(load_bytes(b.d, b.n));
	zd.ntypes = 4;
	zd.nt = 3;
	/* An offset out of range. */
	{
		struct ttype bad_types[4];

		memcpy(bad_types, cet_types, sizeof(bad_types));
		bad_types[2].off = 100000;
		zd.types = bad_types;
		b_v2(&b, '2', &zd, "CET-1");
		CU_ASSERT_FALSE(load_bytes(b.d, b.n));
		zd.types = cet_types;
	}
	/* Too big, even when it starts well. */
	memcpy(big, good.d, good.n);
	CU_ASSERT_FALSE(load_bytes(big, sizeof(big)));
	/* A directory is no zone. */
	snprintf(path, sizeof(path), "%s/Test/Dir", tmpdir);
	CU_ASSERT_EQUAL(mkdir(path, 0700), 0);
	CU_ASSERT_PTR_NULL(tz_load(tmpdir, "Test/Dir"));
	rmdir(path);
	/* Random damage never crashes (ASan watches). */
	for (i = 0; i < 3000; i++) {
		struct tz *z;
		size_t k, nflip = 1 + rand_r(&seed) % 4;

		b = good;
		for (k = 0; k < nflip; k++)
			b.d[(size_t)rand_r(&seed) % b.n] = (unsigned char)rand_r(&seed);
		write_file("Test/Bad", b.d, b.n);
		z = tz_load(tmpdir, "Test/Bad");
		if (z != NULL) {
			(void)tz_offset(z, utc(2026, 7, 1, 0, 0));
			(void)tz_day_start(z, days_from_civil(2030, 3, 31));
			tz_free(z);
		}
	}
	remove_file("Test/Bad");
}

/* ---- Names ---- */

static void
test_names(void)
{
	static const char *const bad[] = {
		"", "../etc/passwd", "/etc/passwd", "a/../b", "..", ".",
		"Europe/../../etc/passwd", "Europe//Berlin", "Europe/Berlin/",
		"Europe/Berlin\n", "Europe/Ber lin", "Europe\\Berlin",
		"Europe/Berlin.tab", "zone.tab", "Europe/Berlin;rm",
		"Европа/Берлин", "Europe/%2e%2e",
	};
	char longname[80];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_FALSE(tz_valid_name(bad[i]));
		CU_ASSERT_PTR_NULL(tz_load(ZONEINFO, bad[i]));
	}
	CU_ASSERT_FALSE(tz_valid_name(NULL));
	memset(longname, 'a', sizeof(longname));
	longname[65] = '\0';
	CU_ASSERT_FALSE(tz_valid_name(longname));
	longname[64] = '\0';
	CU_ASSERT_TRUE(tz_valid_name(longname));
	CU_ASSERT_PTR_NULL(tz_load(ZONEINFO, longname));	/* no such file */
	CU_ASSERT_TRUE(tz_valid_name("Europe/Berlin"));
	CU_ASSERT_TRUE(tz_valid_name("America/Argentina/Buenos_Aires"));
	CU_ASSERT_TRUE(tz_valid_name("Etc/GMT+5"));
	CU_ASSERT_TRUE(tz_valid_name("Etc/GMT-14"));
	CU_ASSERT_PTR_NULL(tz_load(ZONEINFO, "Europe/Nope"));
	CU_ASSERT_PTR_NULL(tz_load(ZONEINFO, "Europe"));	/* a directory */
	CU_ASSERT_PTR_NULL(tz_load(ZONEINFO, "right/UTC"));	/* leap seconds */
	/* UTC even without the file; NULL is UTC everywhere. */
	{
		struct tz *z = tz_load("/nonexistent", "UTC");

		CU_ASSERT_PTR_NOT_NULL_FATAL(z);
		CU_ASSERT_EQUAL(tz_offset(z, 1234567890), 0);
		CU_ASSERT_EQUAL(tz_day_start(z, 20000), 20000 * DAY);
		tz_free(z);
	}
	CU_ASSERT_EQUAL(tz_offset(NULL, 1234567890), 0);
	CU_ASSERT_EQUAL(tz_local_day(NULL, -1), -1);
	CU_ASSERT_EQUAL(tz_day_start(NULL, 20000), 20000 * DAY);
	CU_ASSERT_STRING_EQUAL(tz_name(NULL), "UTC");
	{
		struct tz *z = tz_load(ZONEINFO, "Etc/GMT+5");	/* POSIX sign: UTC-5 */

		CU_ASSERT_PTR_NOT_NULL_FATAL(z);
		CU_ASSERT_EQUAL(tz_offset(z, 1234567890), -5 * HOUR);
		tz_free(z);
	}
}

/* ---- Day starts on DST days ---- */

static long long
day_len(const struct tz *z, int y, int m, int d)
{
	long day = days_from_civil(y, m, d);

	return tz_day_start(z, day + 1) - tz_day_start(z, day);
}

static void
test_day_start(void)
{
	struct tz *z;
	long day;

	z = tz_load(ZONEINFO, "Europe/Berlin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 3, 29)),
	    utc(2026, 3, 28, 23, 0));
	CU_ASSERT_EQUAL(day_len(z, 2026, 3, 29), 23 * HOUR);
	CU_ASSERT_EQUAL(day_len(z, 2026, 10, 25), 25 * HOUR);
	CU_ASSERT_EQUAL(day_len(z, 2026, 7, 1), 24 * HOUR);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 7, 1)),
	    utc(2026, 6, 30, 22, 0));
	/* 02:30 happens twice on 2026-10-25: the earlier; 02:30 of 03-29 never. */
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 10, 25, 2, 30)),
	    utc(2026, 10, 25, 0, 30));
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 10, 25, 3, 0)),
	    utc(2026, 10, 25, 2, 0));
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 3, 29, 2, 30)),
	    utc(2026, 3, 29, 1, 0));
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 3, 29, 3, 0)),
	    utc(2026, 3, 29, 1, 0));
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 3, 29, 1, 59)),
	    utc(2026, 3, 29, 0, 59));
	tz_free(z);

	z = tz_load(ZONEINFO, "America/New_York");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(day_len(z, 2026, 3, 8), 23 * HOUR);
	CU_ASSERT_EQUAL(day_len(z, 2026, 11, 1), 25 * HOUR);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 11, 1)),
	    utc(2026, 11, 1, 4, 0));
	CU_ASSERT_EQUAL(tz_local_to_utc(z, utc(2026, 11, 1, 1, 30)),
	    utc(2026, 11, 1, 5, 30));
	tz_free(z);

	z = tz_load(ZONEINFO, "Australia/Sydney");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(day_len(z, 2026, 4, 5), 25 * HOUR);
	CU_ASSERT_EQUAL(day_len(z, 2026, 10, 4), 23 * HOUR);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 1, 1)),
	    utc(2025, 12, 31, 13, 0));
	tz_free(z);

	z = tz_load(ZONEINFO, "Australia/Lord_Howe");	/* half-hour DST */
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(day_len(z, 2026, 4, 5), 24 * HOUR + 1800);
	CU_ASSERT_EQUAL(day_len(z, 2026, 10, 4), 24 * HOUR - 1800);
	tz_free(z);

	/* Santiago: clocks go from 24:00 to 01:00, so the day starts at 01:00. */
	z = tz_load(ZONEINFO, "America/Santiago");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	day = days_from_civil(2026, 9, 6);
	CU_ASSERT_EQUAL(tz_day_start(z, day), utc(2026, 9, 6, 4, 0));
	CU_ASSERT_EQUAL(tz_day_start(z, day) + tz_offset(z, tz_day_start(z, day)),
	    day * DAY + HOUR);
	CU_ASSERT_EQUAL(day_len(z, 2026, 9, 6), 23 * HOUR);
	/* and the other way, 24:00 back to 23:00: a 25-hour Saturday. */
	CU_ASSERT_EQUAL(day_len(z, 2026, 4, 4), 25 * HOUR);
	tz_free(z);

	/* Havana: DST starts at midnight, the day at 01:00. */
	z = tz_load(ZONEINFO, "America/Havana");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_EQUAL(tz_day_start(z, days_from_civil(2026, 3, 8)),
	    utc(2026, 3, 8, 5, 0));
	tz_free(z);

	/* Apia skipped 2011-12-30: it lasts nothing. */
	z = tz_load(ZONEINFO, "Pacific/Apia");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	day = days_from_civil(2011, 12, 30);
	CU_ASSERT_EQUAL(tz_day_start(z, day), tz_day_start(z, day + 1));
	CU_ASSERT_EQUAL(tz_local_day(z, tz_day_start(z, day)), day + 1);
	CU_ASSERT_EQUAL(tz_local_day(z, tz_day_start(z, day) - 1), day - 1);
	CU_ASSERT_EQUAL(day_len(z, 2011, 12, 29), 24 * HOUR);
	tz_free(z);

	/* Extremes are clamped, not overflowed. */
	(void)tz_day_start(NULL, 2147483647L);
	(void)tz_local_to_utc(NULL, 9223372036854775807LL);
	(void)tz_local_day(NULL, -9223372036854775807LL - 1);
}

static void
test_spans(void)
{
	struct tz_span sp[8];
	struct tz *z;
	size_t n;

	z = tz_load(ZONEINFO, "Europe/Berlin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	n = tz_spans(z, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), sp, 8);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(sp[0].start_utc, utc(2026, 1, 1, 0, 0));
	CU_ASSERT_EQUAL(sp[0].offset, HOUR);
	CU_ASSERT_EQUAL(sp[1].start_utc, utc(2026, 3, 29, 1, 0));
	CU_ASSERT_EQUAL(sp[0].end_utc, sp[1].start_utc);
	CU_ASSERT_EQUAL(sp[1].offset, 2 * HOUR);
	CU_ASSERT_EQUAL(sp[2].start_utc, utc(2026, 10, 25, 1, 0));
	CU_ASSERT_EQUAL(sp[2].offset, HOUR);
	CU_ASSERT_EQUAL(sp[2].end_utc, utc(2027, 1, 1, 0, 0));
	/* Five years take 11; 8 are the first 8, the last ending early. */
	CU_ASSERT_EQUAL(tz_spans(z, utc(2021, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0),
	    sp, 8), 8);
	CU_ASSERT_EQUAL(sp[7].start_utc, utc(2024, 3, 31, 1, 0));
	CU_ASSERT_EQUAL(sp[7].end_utc, utc(2024, 10, 27, 1, 0));
	CU_ASSERT(sp[7].end_utc < utc(2026, 1, 1, 0, 0));
	{
		struct tz_span sp11[11];

		CU_ASSERT_EQUAL(tz_spans(z, utc(2021, 1, 1, 0, 0),
		    utc(2026, 1, 1, 0, 0), sp11, 11), 11);
		CU_ASSERT_EQUAL(sp11[10].end_utc, utc(2026, 1, 1, 0, 0));
	}
	CU_ASSERT_EQUAL(tz_spans(z, 0, 100, sp, 0), 0);
	CU_ASSERT_EQUAL(tz_spans(z, 100, 100, sp, 8), 0);
	CU_ASSERT_EQUAL(tz_spans(z, 100, 50, sp, 8), 0);
	/* A change exactly at `to` is not inside. */
	CU_ASSERT_EQUAL(tz_spans(z, utc(2026, 3, 1, 0, 0), utc(2026, 3, 29, 1, 0),
	    sp, 8), 1);
	CU_ASSERT_EQUAL(tz_spans(z, utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0),
	    sp, 8), 1);
	CU_ASSERT_EQUAL(sp[0].offset, 2 * HOUR);
	tz_free(z);
	/* UTC: one span. */
	CU_ASSERT_EQUAL(tz_spans(NULL, 0, 1000, sp, 1), 1);
	CU_ASSERT_EQUAL(sp[0].offset, 0);
	CU_ASSERT_EQUAL(sp[0].end_utc, 1000);
}

static void
test_cache(void)
{
	const struct tz *a, *b, *c;

	a = tz_get("Europe/Berlin");
	b = tz_get("Europe/Berlin");
	c = tz_get("Asia/Kolkata");
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_EQUAL(a, b);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_PTR_NOT_EQUAL(a, c);
	CU_ASSERT_EQUAL(tz_offset(c, 0), 19800);
	CU_ASSERT_PTR_NULL(tz_get("../etc/passwd"));
	CU_ASSERT_PTR_NULL(tz_get("Europe/Nope"));
	CU_ASSERT_PTR_NULL(tz_get(NULL));
	tz_cache_free();
	a = tz_get("Europe/Berlin");
	CU_ASSERT_PTR_NOT_NULL(a);
	tz_cache_free();
}

static void
test_calendar(void)
{
	long day;
	int y, m, d, py = 0, pm = 0, pd = 0;

	CU_ASSERT_EQUAL(days_from_civil(1970, 1, 1), 0);
	CU_ASSERT_EQUAL(days_from_civil(1969, 12, 31), -1);
	CU_ASSERT_EQUAL(days_from_civil(2000, 3, 1), 11017);
	CU_ASSERT_EQUAL(days_from_civil(2026, 3, 29), 20541);
	CU_ASSERT_EQUAL(days_from_civil(2026, 13, 1), days_from_civil(2027, 1, 1));
	CU_ASSERT_EQUAL(days_from_civil(2026, 0, 1), days_from_civil(2025, 12, 1));
	CU_ASSERT_EQUAL(days_from_civil(2026, -11, 1), days_from_civil(2025, 1, 1));
	CU_ASSERT_EQUAL(days_from_civil(2024, 3, 0), days_from_civil(2024, 2, 29));
	CU_ASSERT_EQUAL(weekday(0), 4);
	CU_ASSERT_EQUAL(weekday(-1), 3);
	CU_ASSERT_EQUAL(weekday(days_from_civil(2026, 3, 29)), 0);
	CU_ASSERT_EQUAL(weekday(days_from_civil(2000, 1, 1)), 6);
	CU_ASSERT_EQUAL(days_in_month(2024, 2), 29);
	CU_ASSERT_EQUAL(days_in_month(2023, 2), 28);
	CU_ASSERT_EQUAL(days_in_month(1900, 2), 28);
	CU_ASSERT_EQUAL(days_in_month(2000, 2), 29);
	CU_ASSERT_EQUAL(days_in_month(2026, 4), 30);
	CU_ASSERT_EQUAL(days_in_month(2026, 13), 0);
	/* Day by day over 4400 years, each the next date of the one before. */
	for (day = days_from_civil(-400, 1, 1) - 1; day < days_from_civil(4000, 1, 1); day++) {
		civil_from_days(day, &y, &m, &d);
		if (day >= days_from_civil(-400, 1, 1)) {
			int ok = (y == py && m == pm && d == pd + 1) ||
			    (y == py && m == pm + 1 && d == 1 &&
			    pd == days_in_month(py, pm)) ||
			    (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);

			if (!ok || days_from_civil(y, m, d) != day ||
			    weekday(day) != (weekday(day - 1) + 1) % 7) {
				CU_FAIL("calendar");
				fprintf(stderr, "\nday %ld: %d-%d-%d\n", day, y, m, d);
				break;
			}
		}
		py = y;
		pm = m;
		pd = d;
	}
	civil_from_days(-1, &y, &m, &d);
	CU_ASSERT(y == 1969 && m == 12 && d == 31);
	/* Clamped, not overflowed. */
	civil_from_days(-2147483647L - 1, &y, &m, &d);
	civil_from_days(2147483647L, &y, &m, &d);
	(void)days_from_civil(2147483647, 2147483647, 2147483647);
	(void)days_from_civil(-2147483647 - 1, -2147483647 - 1, -2147483647 - 1);
}

static int
suite_init(void)
{
	char path[128];

	memcpy(tmpdir, "/tmp/trackr-tz-XXXXXX", sizeof("/tmp/trackr-tz-XXXXXX"));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/Test", tmpdir);
	return mkdir(path, 0700);
}

static int
suite_clean(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/Test", tmpdir);
	rmdir(path);
	return rmdir(tmpdir);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	log_init("test_tz", LOGL_ERR);	/* the refusals are expected */
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("tz", suite_init, suite_clean);
	if (s == NULL ||
	    CU_add_test(s, "calendar", test_calendar) == NULL ||
	    CU_add_test(s, "names", test_names) == NULL ||
	    CU_add_test(s, "real zones against glibc", test_real_zones) == NULL ||
	    CU_add_test(s, "posix strings against glibc", test_posix_strings) == NULL ||
	    CU_add_test(s, "posix special cases", test_posix_special) == NULL ||
	    CU_add_test(s, "bad posix strings", test_posix_bad) == NULL ||
	    CU_add_test(s, "tzif files", test_tzif_files) == NULL ||
	    CU_add_test(s, "bad tzif files", test_tzif_bad) == NULL ||
	    CU_add_test(s, "day starts", test_day_start) == NULL ||
	    CU_add_test(s, "spans", test_spans) == NULL ||
	    CU_add_test(s, "cache", test_cache) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
