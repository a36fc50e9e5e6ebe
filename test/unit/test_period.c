/*
 * test_period: report periods (cgi/dashboard/period.c): every named period
 * on fixed instants in several zones (right after local midnight, month
 * ends, leap years), previous periods, hour buckets on DST days (23, 24, 25
 * hours, half-hour and :45 zones), day and month buckets, bucket_of at the
 * edges, and refused custom ranges.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "period.h"
#include "tz.h"

#define ZONEINFO	"/usr/share/zoneinfo"
#define HOUR		3600LL
#define DAY		86400LL

static struct tz *berlin, *newyork, *sydney, *kolkata, *kathmandu, *lordhowe,
    *chatham, *santiago, *apia;

static long long
utc(int y, int m, int d, int hh, int mi)
{
	return days_from_civil(y, m, d) * DAY + hh * HOUR + mi * 60LL;
}

/* The instant of a local time in z (the earlier one in an overlap). */
static long long
lt(const struct tz *z, int y, int m, int d, int hh, int mi)
{
	return tz_local_to_utc(z, utc(y, m, d, hh, mi));
}

static long
D(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* Buckets tile [start, end), each found again by bucket_of at both ends. */
static void
check_buckets(const struct period *p, const struct tz *z)
{
	char label[PERIOD_LABEL_MAX], day[11];
	long long s, e, prev_end = p->start;
	size_t n = period_buckets(p, z), i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		period_bucket(p, z, i, &s, &e, label, sizeof(label));
		if (s != prev_end || e < s || label[0] == '\0')
			bad++;
		if (e > s && (period_bucket_of(p, z, s) != (long)i ||
		    period_bucket_of(p, z, e - 1) != (long)i))
			bad++;
		if (p->gran == GRAN_DAY) {
			period_day_str(p->from_day + (long)i, day);
			if (strcmp(label, day) != 0)
				bad++;
		}
		prev_end = e;
	}
	if (prev_end != p->end && n > 0)
		bad++;
	if (period_bucket_of(p, z, p->start - 1) != -1 ||
	    period_bucket_of(p, z, p->end) != -1)
		bad++;
	if (bad)
		fprintf(stderr, "\n%s %ld..%ld: %d bad buckets\n", p->name,
		    p->from_day, p->to_day, bad);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Resolve a named period and check its days, bounds and buckets. */
static void
named(const char *name, long long now, const struct tz *z, long first_day,
    long from, long to, enum gran gran, struct period *p)
{
	const char *why = NULL;

	CU_ASSERT_EQUAL_FATAL(period_resolve(p, name, NULL, NULL, now, z,
	    first_day, &why), 0);
	if (p->from_day != from || p->to_day != to) {
		char a[11], b[11];

		period_day_str(p->from_day, a);
		period_day_str(p->to_day, b);
		fprintf(stderr, "\n%s: got %s..%s\n", name ? name : "(null)", a, b);
	}
	CU_ASSERT_EQUAL(p->from_day, from);
	CU_ASSERT_EQUAL(p->to_day, to);
	CU_ASSERT_EQUAL(p->gran, gran);
	CU_ASSERT_EQUAL(p->start, tz_day_start(z, from));
	CU_ASSERT_EQUAL(p->end, tz_day_start(z, to + 1));
	check_buckets(p, z);
}

static void
label_of(const struct period *p, const struct tz *z, size_t i, char *out)
{
	long long s, e;

	period_bucket(p, z, i, &s, &e, out, PERIOD_LABEL_MAX);
}

static void
test_named_utc(void)
{
	long long now = utc(2026, 3, 15, 12, 0);
	char label[PERIOD_LABEL_MAX];
	struct period p;

	named("day", now, NULL, -1, D(2026, 3, 15), D(2026, 3, 15), GRAN_HOUR, &p);
	CU_ASSERT_STRING_EQUAL(p.name, "day");
	CU_ASSERT_EQUAL(period_buckets(&p, NULL), 24);
	label_of(&p, NULL, 0, label);
	CU_ASSERT_STRING_EQUAL(label, "00:00");
	label_of(&p, NULL, 14, label);
	CU_ASSERT_STRING_EQUAL(label, "14:00");
	CU_ASSERT_EQUAL(period_bucket_of(&p, NULL, utc(2026, 3, 15, 14, 59)), 14);
	named("yesterday", now, NULL, -1, D(2026, 3, 14), D(2026, 3, 14),
	    GRAN_HOUR, &p);
	named("7d", now, NULL, -1, D(2026, 3, 9), D(2026, 3, 15), GRAN_DAY, &p);
	CU_ASSERT_EQUAL(period_buckets(&p, NULL), 7);
	label_of(&p, NULL, 0, label);
	CU_ASSERT_STRING_EQUAL(label, "2026-03-09");
	named("30d", now, NULL, -1, D(2026, 2, 14), D(2026, 3, 15), GRAN_DAY, &p);
	named(NULL, now, NULL, -1, D(2026, 2, 14), D(2026, 3, 15), GRAN_DAY, &p);
	CU_ASSERT_STRING_EQUAL(p.name, "30d");
	named("", now, NULL, -1, D(2026, 2, 14), D(2026, 3, 15), GRAN_DAY, &p);
	CU_ASSERT_STRING_EQUAL(p.name, "30d");
	named("month", now, NULL, -1, D(2026, 3, 1), D(2026, 3, 15), GRAN_DAY, &p);
	named("lastmonth", now, NULL, -1, D(2026, 2, 1), D(2026, 2, 28),
	    GRAN_DAY, &p);
	named("12mo", now, NULL, -1, D(2025, 4, 1), D(2026, 3, 15), GRAN_MONTH, &p);
	CU_ASSERT_EQUAL(period_buckets(&p, NULL), 12);
	label_of(&p, NULL, 0, label);
	CU_ASSERT_STRING_EQUAL(label, "2025-04");
	label_of(&p, NULL, 11, label);
	CU_ASSERT_STRING_EQUAL(label, "2026-03");
	CU_ASSERT_EQUAL(period_bucket_of(&p, NULL, utc(2025, 12, 31, 23, 59)), 8);
	CU_ASSERT_EQUAL(period_bucket_of(&p, NULL, utc(2026, 1, 1, 0, 0)), 9);
	named("all", now, NULL, -1, D(2026, 3, 15), D(2026, 3, 15), GRAN_HOUR, &p);
	named("all", now, NULL, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 15),
	    GRAN_DAY, &p);
	named("all", now, NULL, D(2024, 5, 5), D(2024, 5, 5), D(2026, 3, 15),
	    GRAN_MONTH, &p);
	CU_ASSERT_EQUAL(period_buckets(&p, NULL), 23);
	named("all", now, NULL, D(1990, 1, 1), D(2000, 1, 1), D(2026, 3, 15),
	    GRAN_MONTH, &p);
	named("all", now, NULL, D(2027, 1, 1), D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);
}

/* Today changes at local midnight, not UTC's. */
static void
test_named_zones(void)
{
	struct period p;
	long long now;

	now = utc(2026, 3, 15, 23, 0) + 30;	/* Berlin 00:00:30 */
	named("day", now, berlin, -1, D(2026, 3, 16), D(2026, 3, 16), GRAN_HOUR, &p);
	CU_ASSERT_EQUAL(p.start, utc(2026, 3, 15, 23, 0));
	CU_ASSERT_EQUAL(p.end, utc(2026, 3, 16, 23, 0));
	named("yesterday", now, berlin, -1, D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);
	named("day", now - 31, berlin, -1, D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);
	/* 30 days over the change to summer time: an hour short. */
	named("30d", lt(berlin, 2026, 4, 10, 12, 0), berlin, -1, D(2026, 3, 12),
	    D(2026, 4, 10), GRAN_DAY, &p);
	CU_ASSERT_EQUAL(p.end - p.start, 30 * DAY - HOUR);
	named("12mo", lt(berlin, 2026, 3, 15, 12, 0), berlin, -1, D(2025, 4, 1),
	    D(2026, 3, 15), GRAN_MONTH, &p);
	CU_ASSERT_EQUAL(p.start, utc(2025, 3, 31, 22, 0));

	now = utc(2026, 3, 16, 4, 0) + 30;	/* New York 00:00:30 EDT */
	named("day", now, newyork, -1, D(2026, 3, 16), D(2026, 3, 16),
	    GRAN_HOUR, &p);
	named("day", now - 31, newyork, -1, D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);
	named("month", now, newyork, -1, D(2026, 3, 1), D(2026, 3, 16),
	    GRAN_DAY, &p);
	CU_ASSERT_EQUAL(p.start, utc(2026, 3, 1, 5, 0));	/* EST */
	CU_ASSERT_EQUAL(p.end, utc(2026, 3, 17, 4, 0));		/* EDT */
	named("7d", now, newyork, -1, D(2026, 3, 10), D(2026, 3, 16),
	    GRAN_DAY, &p);

	now = utc(2026, 3, 15, 13, 0);		/* Sydney 00:00 AEDT */
	named("day", now, sydney, -1, D(2026, 3, 16), D(2026, 3, 16), GRAN_HOUR, &p);
	named("lastmonth", now, sydney, -1, D(2026, 2, 1), D(2026, 2, 28),
	    GRAN_DAY, &p);
	named("day", now - 1, sydney, -1, D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);

	now = utc(2026, 3, 15, 18, 30);		/* Kolkata 00:00 */
	named("day", now, kolkata, -1, D(2026, 3, 16), D(2026, 3, 16), GRAN_HOUR, &p);
	named("day", now - 1, kolkata, -1, D(2026, 3, 15), D(2026, 3, 15),
	    GRAN_HOUR, &p);

	/* New Year's Eve in UTC is New Year's Day in Sydney. */
	now = utc(2025, 12, 31, 14, 0);
	named("lastmonth", now, sydney, -1, D(2025, 12, 1), D(2025, 12, 31),
	    GRAN_DAY, &p);
	named("lastmonth", now, NULL, -1, D(2025, 11, 1), D(2025, 11, 30),
	    GRAN_DAY, &p);
	named("12mo", now, sydney, -1, D(2025, 2, 1), D(2026, 1, 1), GRAN_MONTH, &p);
	CU_ASSERT_EQUAL(period_buckets(&p, sydney), 12);
}

static void
prev_of(const struct period *p, const struct tz *z, long from, long to)
{
	struct period q;

	period_previous(p, z, &q);
	if (q.from_day != from || q.to_day != to) {
		char a[11], b[11];

		period_day_str(q.from_day, a);
		period_day_str(q.to_day, b);
		fprintf(stderr, "\nprevious of %s: got %s..%s\n", p->name, a, b);
	}
	CU_ASSERT_EQUAL(q.from_day, from);
	CU_ASSERT_EQUAL(q.to_day, to);
	CU_ASSERT_EQUAL(q.gran, p->gran);
	CU_ASSERT_STRING_EQUAL(q.name, p->name);
	CU_ASSERT_EQUAL(q.start, tz_day_start(z, from));
	CU_ASSERT_EQUAL(q.end, tz_day_start(z, to + 1));
	check_buckets(&q, z);
}

static void
test_month_ends_and_previous(void)
{
	struct period p;
	const char *why;
	long long now;

	now = utc(2024, 2, 29, 12, 0);
	named("month", now, NULL, -1, D(2024, 2, 1), D(2024, 2, 29), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2024, 1, 1), D(2024, 1, 29));
	named("lastmonth", now, NULL, -1, D(2024, 1, 1), D(2024, 1, 31),
	    GRAN_DAY, &p);
	prev_of(&p, NULL, D(2023, 12, 1), D(2023, 12, 31));
	named("12mo", now, NULL, -1, D(2023, 3, 1), D(2024, 2, 29), GRAN_MONTH, &p);
	prev_of(&p, NULL, D(2022, 3, 1), D(2023, 2, 28));
	named("30d", now, NULL, -1, D(2024, 1, 31), D(2024, 2, 29), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2024, 1, 1), D(2024, 1, 30));

	/* A 31-day month so far against a shorter February: clamped. */
	now = utc(2024, 3, 31, 12, 0);
	named("month", now, NULL, -1, D(2024, 3, 1), D(2024, 3, 31), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2024, 2, 1), D(2024, 2, 29));
	named("lastmonth", now, NULL, -1, D(2024, 2, 1), D(2024, 2, 29),
	    GRAN_DAY, &p);
	prev_of(&p, NULL, D(2024, 1, 1), D(2024, 1, 31));
	now = utc(2025, 3, 31, 12, 0);
	named("month", now, NULL, -1, D(2025, 3, 1), D(2025, 3, 31), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2025, 2, 1), D(2025, 2, 28));
	now = utc(2026, 5, 31, 12, 0);
	named("month", now, berlin, -1, D(2026, 5, 1), D(2026, 5, 31), GRAN_DAY, &p);
	prev_of(&p, berlin, D(2026, 4, 1), D(2026, 4, 30));
	named("month", utc(2026, 5, 10, 12, 0), berlin, -1, D(2026, 5, 1),
	    D(2026, 5, 10), GRAN_DAY, &p);
	prev_of(&p, berlin, D(2026, 4, 1), D(2026, 4, 10));

	/* January looks back into last year. */
	now = utc(2026, 1, 10, 12, 0);
	named("lastmonth", now, NULL, -1, D(2025, 12, 1), D(2025, 12, 31),
	    GRAN_DAY, &p);
	prev_of(&p, NULL, D(2025, 11, 1), D(2025, 11, 30));
	named("month", now, NULL, -1, D(2026, 1, 1), D(2026, 1, 10), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2025, 12, 1), D(2025, 12, 10));
	named("12mo", now, NULL, -1, D(2025, 2, 1), D(2026, 1, 10), GRAN_MONTH, &p);
	prev_of(&p, NULL, D(2024, 2, 1), D(2025, 1, 31));

	/* The first of the month: one day, by hour; so is its previous. */
	now = lt(berlin, 2026, 3, 1, 0, 30);
	named("month", now, berlin, -1, D(2026, 3, 1), D(2026, 3, 1), GRAN_HOUR, &p);
	prev_of(&p, berlin, D(2026, 2, 1), D(2026, 2, 1));

	/* Day-based: the same number of days just before. */
	now = utc(2026, 3, 15, 12, 0);
	named("day", now, NULL, -1, D(2026, 3, 15), D(2026, 3, 15), GRAN_HOUR, &p);
	prev_of(&p, NULL, D(2026, 3, 14), D(2026, 3, 14));
	named("yesterday", now, NULL, -1, D(2026, 3, 14), D(2026, 3, 14),
	    GRAN_HOUR, &p);
	prev_of(&p, NULL, D(2026, 3, 13), D(2026, 3, 13));
	named("7d", now, NULL, -1, D(2026, 3, 9), D(2026, 3, 15), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2026, 3, 2), D(2026, 3, 8));
	named("30d", now, NULL, -1, D(2026, 2, 14), D(2026, 3, 15), GRAN_DAY, &p);
	prev_of(&p, NULL, D(2026, 1, 15), D(2026, 2, 13));
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-01-10", "2026-01-20",
	    now, NULL, -1, &why), 0);
	CU_ASSERT_STRING_EQUAL(p.name, "custom");
	prev_of(&p, NULL, D(2025, 12, 30), D(2026, 1, 9));
	named("all", now, NULL, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 15),
	    GRAN_DAY, &p);
	prev_of(&p, NULL, D(2026, 2, 14), D(2026, 2, 28));
	/* The previous day over a DST change keeps its own length. */
	named("day", lt(berlin, 2026, 3, 30, 12, 0), berlin, -1, D(2026, 3, 30),
	    D(2026, 3, 30), GRAN_HOUR, &p);
	prev_of(&p, berlin, D(2026, 3, 29), D(2026, 3, 29));
}

struct hour_case {
	struct tz	**zone;
	int		 y, m, d;
	size_t		 count;
	size_t		 i;		/* a bucket to look at */
	const char	*label;		/* its label */
	long long	 start;		/* its start, UTC */
	long long	 len;		/* its length */
};

static void
test_hours(void)
{
	const struct hour_case cases[] = {
		{ &berlin, 2026, 3, 29, 23, 2, "03:00", utc(2026, 3, 29, 1, 0), HOUR },
		{ &berlin, 2026, 3, 29, 23, 1, "01:00", utc(2026, 3, 29, 0, 0), HOUR },
		{ &berlin, 2026, 10, 25, 25, 2, "02:00", utc(2026, 10, 25, 0, 0), HOUR },
		{ &berlin, 2026, 10, 25, 25, 3, "02:00 (2)", utc(2026, 10, 25, 1, 0), HOUR },
		{ &berlin, 2026, 10, 25, 25, 4, "03:00", utc(2026, 10, 25, 2, 0), HOUR },
		{ &berlin, 2026, 10, 25, 25, 24, "23:00", utc(2026, 10, 25, 22, 0), HOUR },
		{ &berlin, 2026, 7, 1, 24, 0, "00:00", utc(2026, 6, 30, 22, 0), HOUR },
		{ &newyork, 2026, 3, 8, 23, 2, "03:00", utc(2026, 3, 8, 7, 0), HOUR },
		{ &newyork, 2026, 11, 1, 25, 1, "01:00", utc(2026, 11, 1, 5, 0), HOUR },
		{ &newyork, 2026, 11, 1, 25, 2, "01:00 (2)", utc(2026, 11, 1, 6, 0), HOUR },
		{ &sydney, 2026, 4, 5, 25, 3, "02:00 (2)", utc(2026, 4, 4, 16, 0), HOUR },
		{ &sydney, 2026, 10, 4, 23, 2, "03:00", utc(2026, 10, 3, 16, 0), HOUR },
		{ &kolkata, 2026, 3, 29, 24, 0, "00:00", utc(2026, 3, 28, 18, 30), HOUR },
		{ &kolkata, 2026, 3, 29, 24, 1, "01:00", utc(2026, 3, 28, 19, 30), HOUR },
		{ &kathmandu, 2026, 3, 29, 24, 5, "05:00", utc(2026, 3, 28, 23, 15), HOUR },
		/* Lord Howe: half an hour back (02:00 to 01:30) and forward. */
		{ &lordhowe, 2026, 4, 5, 25, 2, "01:00 (2)", utc(2026, 4, 4, 15, 0), 1800 },
		{ &lordhowe, 2026, 4, 5, 25, 3, "02:00", utc(2026, 4, 4, 15, 30), HOUR },
		{ &lordhowe, 2026, 10, 4, 24, 2, "02:00", utc(2026, 10, 3, 15, 30), 1800 },
		{ &lordhowe, 2026, 10, 4, 24, 3, "03:00", utc(2026, 10, 3, 16, 0), HOUR },
		/* Chatham: 02:45 to 03:45, two partial hours. */
		{ &chatham, 2026, 9, 27, 24, 2, "02:00", utc(2026, 9, 26, 13, 15), 2700 },
		{ &chatham, 2026, 9, 27, 24, 3, "03:00", utc(2026, 9, 26, 14, 0), 900 },
		/* and back from 03:45 to 02:45: 02 and 03 both come again. */
		{ &chatham, 2026, 4, 5, 26, 3, "03:00", utc(2026, 4, 4, 13, 15), 2700 },
		{ &chatham, 2026, 4, 5, 26, 4, "02:00 (2)", utc(2026, 4, 4, 14, 0), 900 },
		{ &chatham, 2026, 4, 5, 26, 5, "03:00 (2)", utc(2026, 4, 4, 14, 15), HOUR },
		/* Santiago: no midnight; Saturday 23:00 twice. */
		{ &santiago, 2026, 9, 6, 23, 0, "01:00", utc(2026, 9, 6, 4, 0), HOUR },
		{ &santiago, 2026, 4, 4, 25, 24, "23:00 (2)", utc(2026, 4, 5, 3, 0), HOUR },
	};
	char label[PERIOD_LABEL_MAX];
	struct period p;
	long long s, e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hour_case *c = &cases[i];
		const struct tz *z = *c->zone;
		long day = D(c->y, c->m, c->d);

		named("day", lt(z, c->y, c->m, c->d, 12, 0), z, -1, day, day,
		    GRAN_HOUR, &p);
		CU_ASSERT_EQUAL(period_buckets(&p, z), c->count);
		period_bucket(&p, z, c->i, &s, &e, label, sizeof(label));
		if (strcmp(label, c->label) != 0 || s != c->start ||
		    e - s != c->len || period_buckets(&p, z) != c->count)
			fprintf(stderr, "\ncase %zu (%s %d-%d-%d): %zu buckets, "
			    "%zu: %s at %lld for %lld\n", i, tz_name(z), c->y,
			    c->m, c->d, period_buckets(&p, z), c->i, label, s,
			    e - s);
		CU_ASSERT_STRING_EQUAL(label, c->label);
		CU_ASSERT_EQUAL(s, c->start);
		CU_ASSERT_EQUAL(e - s, c->len);
		CU_ASSERT_EQUAL(period_bucket_of(&p, z, c->start), (long)c->i);
	}
}

/* Apia skipped 2011-12-30: a day with no hours, a day bucket of nothing. */
static void
test_missing_day(void)
{
	long long now = utc(2026, 3, 15, 12, 0), s, e;
	char label[PERIOD_LABEL_MAX];
	const char *why;
	struct period p;

	CU_ASSERT_EQUAL_FATAL(period_resolve(&p, "custom", "2011-12-30",
	    "2011-12-30", now, apia, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_HOUR);
	CU_ASSERT_EQUAL(p.start, p.end);
	CU_ASSERT_EQUAL(period_buckets(&p, apia), 0);
	CU_ASSERT_EQUAL(period_bucket_of(&p, apia, p.start), -1);
	check_buckets(&p, apia);
	CU_ASSERT_EQUAL_FATAL(period_resolve(&p, "custom", "2011-12-29",
	    "2011-12-31", now, apia, -1, &why), 0);
	CU_ASSERT_EQUAL(period_buckets(&p, apia), 3);
	period_bucket(&p, apia, 1, &s, &e, label, sizeof(label));
	CU_ASSERT_EQUAL(s, e);
	CU_ASSERT_STRING_EQUAL(label, "2011-12-30");
	CU_ASSERT_EQUAL(period_bucket_of(&p, apia, s), 2);
	CU_ASSERT_EQUAL(period_bucket_of(&p, apia, s - 1), 0);
	CU_ASSERT_EQUAL(p.end - p.start, 2 * DAY);
	check_buckets(&p, apia);
}

static void
test_day_and_month_buckets(void)
{
	long long now = lt(berlin, 2026, 11, 20, 12, 0), s, e;
	char label[PERIOD_LABEL_MAX];
	const char *why;
	struct period p;

	/* 93 days by day, 94 by month; partial months cut to the period. */
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-03-01", "2026-06-01",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_DAY);
	CU_ASSERT_EQUAL(period_buckets(&p, berlin), 93);
	check_buckets(&p, berlin);
	period_bucket(&p, berlin, 28, &s, &e, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "2026-03-29");
	CU_ASSERT_EQUAL(e - s, 23 * HOUR);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-03-15", "2026-06-16",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_MONTH);
	CU_ASSERT_EQUAL(period_buckets(&p, berlin), 4);
	check_buckets(&p, berlin);
	period_bucket(&p, berlin, 0, &s, &e, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "2026-03");
	CU_ASSERT_EQUAL(s, utc(2026, 3, 14, 23, 0));
	CU_ASSERT_EQUAL(e, utc(2026, 3, 31, 22, 0));
	period_bucket(&p, berlin, 3, &s, &e, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "2026-06");
	CU_ASSERT_EQUAL(s, utc(2026, 5, 31, 22, 0));
	CU_ASSERT_EQUAL(e, utc(2026, 6, 16, 22, 0));
	CU_ASSERT_EQUAL(period_bucket_of(&p, berlin, utc(2026, 3, 31, 21, 59)), 0);
	CU_ASSERT_EQUAL(period_bucket_of(&p, berlin, utc(2026, 3, 31, 22, 0)), 1);
	/* Across New Year, five years by month. */
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2021-11-21", "2026-11-20",
	    now, sydney, -1, &why), 0);
	CU_ASSERT_EQUAL(period_buckets(&p, sydney), 61);
	check_buckets(&p, sydney);
	period_bucket(&p, sydney, 2, &s, &e, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "2022-01");
	CU_ASSERT_EQUAL(s, utc(2021, 12, 31, 13, 0));
	/* Day buckets of a zone 5:45 ahead. */
	CU_ASSERT_EQUAL(period_resolve(&p, "7d", NULL, NULL, now, kathmandu, -1,
	    &why), 0);
	check_buckets(&p, kathmandu);
	period_bucket(&p, kathmandu, 0, &s, &e, label, sizeof(label));
	CU_ASSERT_EQUAL(s, utc(2026, 11, 13, 18, 15));
	CU_ASSERT_EQUAL(e - s, DAY);
	/* Out of range and small label buffers. */
	label[0] = 'x';
	period_bucket(&p, kathmandu, 7, &s, &e, label, sizeof(label));
	CU_ASSERT(s == 0 && e == 0 && label[0] == '\0');
	period_bucket(&p, kathmandu, 0, &s, &e, label, 10);
	CU_ASSERT_STRING_EQUAL(label, "");
	period_bucket(&p, kathmandu, 0, &s, &e, label, 11);
	CU_ASSERT_STRING_EQUAL(label, "2026-11-14");
	label[0] = 'x';
	period_bucket(&p, kathmandu, 0, &s, &e, label, 0);
	CU_ASSERT_EQUAL(label[0], 'x');
	CU_ASSERT(s != 0);
}

struct reject {
	const char	*name, *from, *to;
};

static void
test_rejects(void)
{
	static const struct reject bad[] = {
		{ "week", NULL, NULL },
		{ "DAY", NULL, NULL },
		{ "30d ", NULL, NULL },
		{ "customized", "2026-01-01", "2026-01-02" },
		{ "custom", NULL, "2026-01-02" },
		{ "custom", "2026-01-01", NULL },
		{ "custom", "", "2026-01-02" },
		{ "custom", "2026-02-30", "2026-03-02" },
		{ "custom", "2025-02-29", "2025-03-02" },
		{ "custom", "2026-1-01", "2026-01-02" },
		{ "custom", "2026-01-01x", "2026-01-02" },
		{ " 2026-01-01", "2026-01-01", "2026-01-02" },
		{ "custom", " 2026-01-01", "2026-01-02" },
		{ "custom", "2026-13-01", "2026-01-02" },
		{ "custom", "2026-00-10", "2026-01-02" },
		{ "custom", "2026-01-00", "2026-01-02" },
		{ "custom", "20260101", "2026-01-02" },
		{ "custom", "2026/01/01", "2026-01-02" },
		{ "custom", "+026-01-01", "2026-01-02" },
		{ "custom", "2026-01-+1", "2026-01-02" },
		{ "custom", "2026-01-01", "2026-01-0a" },
		{ "custom", "2026-02-01", "2026-01-31" },	/* from > to */
		{ "custom", "2020-01-01", "2025-01-01" },	/* > 5 years */
		{ "custom", "2020-02-29", "2025-03-01" },
		{ "custom", "1999-12-31", "2000-01-05" },	/* before 2000 */
		{ "custom", "0000-01-01", "2000-01-05" },
		{ "custom", "2026-03-15", "2026-03-17" },	/* after tomorrow */
		{ "custom", "2026-03-17", "2026-03-17" },
		{ "custom", "9999-12-31", "9999-12-31" },
	};
	long long now = utc(2026, 3, 15, 12, 0);
	const char *why;
	struct period p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (period_resolve(&p, bad[i].name, bad[i].from, bad[i].to, now,
		    berlin, -1, &why) != -1) {
			fprintf(stderr, "\naccepted %s %s %s\n", bad[i].name,
			    bad[i].from ? bad[i].from : "-",
			    bad[i].to ? bad[i].to : "-");
			CU_FAIL("bad period accepted");
		}
		CU_ASSERT_PTR_NOT_NULL(why);
	}
	CU_ASSERT_EQUAL(period_resolve(&p, "week", NULL, NULL, now, NULL, -1,
	    NULL), -1);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-02-01", "2026-01-31",
	    now, NULL, -1, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "start date after end date");

	/* The edges that pass. */
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2020-01-01", "2024-12-31",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_MONTH);
	CU_ASSERT_EQUAL(period_buckets(&p, berlin), 60);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2020-02-29", "2025-02-28",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2000-01-01", "2000-01-05",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-03-15", "2026-03-16",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_DAY);
	CU_ASSERT_EQUAL(period_resolve(&p, "custom", "2026-03-10", "2026-03-10",
	    now, berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.gran, GRAN_HOUR);
	CU_ASSERT_STRING_EQUAL(p.name, "custom");
	/* from and to are ignored by the named periods. */
	CU_ASSERT_EQUAL(period_resolve(&p, "7d", "garbage", "1999-01-01", now,
	    berlin, -1, &why), 0);
	CU_ASSERT_EQUAL(p.to_day, D(2026, 3, 15));
}

static void
test_day_str(void)
{
	char s[11];

	period_day_str(0, s);
	CU_ASSERT_STRING_EQUAL(s, "1970-01-01");
	period_day_str(-1, s);
	CU_ASSERT_STRING_EQUAL(s, "1969-12-31");
	period_day_str(D(2026, 3, 29), s);
	CU_ASSERT_STRING_EQUAL(s, "2026-03-29");
	period_day_str(D(2024, 2, 29), s);
	CU_ASSERT_STRING_EQUAL(s, "2024-02-29");
	period_day_str(D(9999, 12, 31), s);
	CU_ASSERT_STRING_EQUAL(s, "9999-12-31");
	period_day_str(D(10000, 1, 1), s);
	CU_ASSERT_STRING_EQUAL(s, "0000-00-00");
	period_day_str(D(-1, 12, 31), s);
	CU_ASSERT_STRING_EQUAL(s, "0000-00-00");
	period_day_str(D(0, 1, 1), s);
	CU_ASSERT_STRING_EQUAL(s, "0000-01-01");
}

/* Every named period on every day of two years in a few zones. */
static void
test_sweep(void)
{
	static const char *const names[] = {
		"day", "yesterday", "7d", "30d", "month", "lastmonth", "12mo", "all",
	};
	struct tz *const *zs[] = { &berlin, &newyork, &sydney, &santiago,
	    &lordhowe, &chatham };
	struct period p, q;
	const char *why;
	long day, n;
	size_t i, j;
	int bad = 0;

	for (j = 0; j < sizeof(zs) / sizeof(zs[0]); j++) {
		const struct tz *z = *zs[j];

		for (day = D(2025, 1, 1); day < D(2027, 1, 1); day += 1) {
			long long now = tz_day_start(z, day) + 1;

			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
				if (period_resolve(&p, names[i], NULL, NULL, now, z,
				    D(2024, 6, 1), &why) != 0) {
					bad++;
					continue;
				}
				n = p.to_day - p.from_day + 1;
				if (p.to_day > day || p.from_day > p.to_day ||
				    p.start != tz_day_start(z, p.from_day) ||
				    (long)period_buckets(&p, z) < (p.gran == GRAN_DAY ? n : 1)) {
					fprintf(stderr, "\n%s %s day %ld: %ld..%ld\n",
					    tz_name(z), names[i], day, p.from_day, p.to_day);
					bad++;
				}
				period_previous(&p, z, &q);
				if (q.to_day >= p.from_day ||
				    (p.gran != GRAN_MONTH && strcmp(p.name, "month") != 0 &&
				    q.to_day != p.from_day - 1)) {
					fprintf(stderr, "\n%s %s day %ld: previous %ld..%ld\n",
					    tz_name(z), names[i], day, q.from_day, q.to_day);
					bad++;
				}
				if (p.gran == GRAN_HOUR) {
					size_t b = period_buckets(&p, z);
					long long len = p.end - p.start;

					/* Chatham's 25-hour day repeats 02:45-04:00: 26. */
					if (b < 23 || b > 26 || len < 23 * HOUR || len > 25 * HOUR) {
						fprintf(stderr, "\n%s %s day %ld: %zu hours\n",
						    tz_name(z), names[i], day, b);
						bad++;
					}
					check_buckets(&p, z);
				}
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static int
suite_init(void)
{
	struct {
		struct tz	**z;
		const char	*name;
	} load[] = {
		{ &berlin, "Europe/Berlin" }, { &newyork, "America/New_York" },
		{ &sydney, "Australia/Sydney" }, { &kolkata, "Asia/Kolkata" },
		{ &kathmandu, "Asia/Kathmandu" }, { &lordhowe, "Australia/Lord_Howe" },
		{ &chatham, "Pacific/Chatham" }, { &santiago, "America/Santiago" },
		{ &apia, "Pacific/Apia" },
	};
	size_t i;

	for (i = 0; i < sizeof(load) / sizeof(load[0]); i++)
		if ((*load[i].z = tz_load(ZONEINFO, load[i].name)) == NULL)
			return -1;
	return 0;
}

static int
suite_clean(void)
{
	tz_free(berlin);
	tz_free(newyork);
	tz_free(sydney);
	tz_free(kolkata);
	tz_free(kathmandu);
	tz_free(lordhowe);
	tz_free(chatham);
	tz_free(santiago);
	tz_free(apia);
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	log_init("test_period", LOGL_ERR);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("period", suite_init, suite_clean);
	if (s == NULL ||
	    CU_add_test(s, "named periods in utc", test_named_utc) == NULL ||
	    CU_add_test(s, "named periods in zones", test_named_zones) == NULL ||
	    CU_add_test(s, "month ends and previous periods",
	    test_month_ends_and_previous) == NULL ||
	    CU_add_test(s, "hour buckets", test_hours) == NULL ||
	    CU_add_test(s, "a missing day", test_missing_day) == NULL ||
	    CU_add_test(s, "day and month buckets", test_day_and_month_buckets) == NULL ||
	    CU_add_test(s, "rejects", test_rejects) == NULL ||
	    CU_add_test(s, "day strings", test_day_str) == NULL ||
	    CU_add_test(s, "sweep", test_sweep) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
