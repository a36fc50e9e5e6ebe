/*
 * period: report periods in local days of the site's zone, their UTC
 * bounds, the previous period to compare with, and the chart's buckets.
 * Everything is computed from the zone on each call; nothing is kept.
 */
#include <stdio.h>
#include <string.h>

#include "period.h"
#include "tz.h"

#define HOURS_MAX	64	/* hour buckets of one day, offset changes included */
#define SPANS_MAX	32

static const char *const period_names[] = {
	"day", "yesterday", "7d", "30d", "month", "lastmonth", "12mo",
	"custom", "all",
};

static long long
fdiv(long long a, long long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static void
set_bounds(struct period *p, const struct tz *z, long from, long to)
{
	long n = to - from + 1;

	p->from_day = from;
	p->to_day = to;
	p->start = tz_day_start(z, from);
	p->end = tz_day_start(z, to + 1);
	if (n <= 1)
		p->gran = GRAN_HOUR;
	else if (n <= PERIOD_DAY_BUCKETS_MAX)
		p->gran = GRAN_DAY;
	else
		p->gran = GRAN_MONTH;
}

/* Strictly "YYYY-MM-DD", a real date; -1 otherwise. */
static int
parse_date(const char *s, long *day)
{
	int i, y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

int
period_resolve(struct period *p, const char *name, const char *from,
    const char *to, long long now, const struct tz *z, long first_day,
    const char **why)
{
	const char *err = NULL;
	long today, f, t, min_day, limit;
	int y, m, d, fy, fm, fd;
	size_t i, n = sizeof(period_names) / sizeof(period_names[0]);

	memset(p, 0, sizeof(*p));
	if (name == NULL || *name == '\0')
		name = "30d";
	for (i = 0; i < n; i++)
		if (strcmp(name, period_names[i]) == 0)
			break;
	if (i == n) {
		err = "unknown period";
		goto fail;
	}
	today = tz_local_day(z, now);
	civil_from_days(today, &y, &m, &d);
	min_day = days_from_civil(2000, 1, 1);
	if (strcmp(name, "day") == 0) {
		f = t = today;
	} else if (strcmp(name, "yesterday") == 0) {
		f = t = today - 1;
	} else if (strcmp(name, "7d") == 0) {
		f = today - 6;
		t = today;
	} else if (strcmp(name, "30d") == 0) {
		f = today - 29;
		t = today;
	} else if (strcmp(name, "month") == 0) {
		f = today - (d - 1);
		t = today;
	} else if (strcmp(name, "lastmonth") == 0) {
		f = days_from_civil(y, m - 1, 1);
		t = days_from_civil(y, m, 1) - 1;
	} else if (strcmp(name, "12mo") == 0) {
		f = days_from_civil(y, m - 11, 1);
		t = today;
	} else if (strcmp(name, "all") == 0) {
		f = first_day < 0 || first_day > today ? today : first_day;
		if (f < min_day)
			f = min_day;
		t = today;
		if (f > t)	/* a clock before 2000 */
			f = t;
	} else {
		if (from == NULL || *from == '\0' || to == NULL || *to == '\0') {
			err = "custom period needs a start and an end date";
			goto fail;
		}
		if (parse_date(from, &f) == -1) {
			err = "bad start date";
			goto fail;
		}
		if (parse_date(to, &t) == -1) {
			err = "bad end date";
			goto fail;
		}
		if (f < min_day || t < min_day) {
			err = "date before 2000";
			goto fail;
		}
		if (f > today + 1 || t > today + 1) {
			err = "date in the future";
			goto fail;
		}
		if (f > t) {
			err = "start date after end date";
			goto fail;
		}
		civil_from_days(f, &fy, &fm, &fd);
		limit = days_from_civil(fy + PERIOD_YEARS_MAX, fm, fd) - 1;
		if (t > limit) {
			err = "range longer than 5 years";
			goto fail;
		}
	}
	memcpy(p->name, period_names[i], strlen(period_names[i]) + 1);
	set_bounds(p, z, f, t);
	return 0;
fail:
	if (why != NULL)
		*why = err;
	return -1;
}

/* Calendar months from day a's month to day b's, both included. */
static long
months_between(long a, long b)
{
	int ay, am, ad, by, bm, bd;

	civil_from_days(a, &ay, &am, &ad);
	civil_from_days(b, &by, &bm, &bd);
	return ((long)by - ay) * 12 + bm - am + 1;
}

void
period_previous(const struct period *p, const struct tz *z,
    struct period *prev)
{
	long n = p->to_day - p->from_day + 1, f, t, months;
	int y, m, d, len;

	civil_from_days(p->from_day, &y, &m, &d);
	if (strcmp(p->name, "month") == 0) {
		f = days_from_civil(y, m - 1, 1);
		len = (int)(days_from_civil(y, m, 1) - f);
		t = f + (n < len ? n : len) - 1;
	} else if (strcmp(p->name, "lastmonth") == 0 ||
	    strcmp(p->name, "12mo") == 0) {
		months = months_between(p->from_day, p->to_day);
		f = days_from_civil(y, m - (int)months, 1);
		t = days_from_civil(y, m, 1) - 1;
	} else {
		f = p->from_day - n;
		t = p->from_day - 1;
	}
	memset(prev, 0, sizeof(*prev));
	memcpy(prev->name, p->name, sizeof(prev->name));
	prev->name[sizeof(prev->name) - 1] = '\0';
	set_bounds(prev, z, f, t);
	prev->gran = p->gran;
}

/* ---- Hour buckets ---- */

struct hb {
	long long	 start;
	long long	 hour;	/* local hour number: floor(local seconds / 3600) */
	int		 rep;	/* 1, or 2.. for a clock hour seen again */
};

static size_t
hb_add(struct hb *out, size_t k, long long start, long long hour)
{
	size_t i;
	int rep = 1;

	if (k == HOURS_MAX)
		return k;
	for (i = 0; i < k; i++)
		if (out[i].hour == hour)
			rep++;
	out[k].start = start;
	out[k].hour = hour;
	out[k].rep = rep;
	return k + 1;
}

/*
 * The hour buckets of [p->start, p->end): one at each whole local hour and
 * one at each offset change, except a change forward within the same clock
 * hour, which continues that hour's bucket.
 */
static size_t
hour_walk(const struct period *p, const struct tz *z, struct hb *out)
{
	struct tz_span sp[SPANS_MAX];
	long long ls, h;
	size_t ns, j, k = 0;
	long prev = 0;

	if ((ns = tz_spans(z, p->start, p->end, sp, SPANS_MAX)) == 0)
		return 0;
	/* Absurdly many changes in one period: the last offset for the rest. */
	sp[ns - 1].end_utc = p->end;
	for (j = 0; j < ns; j++) {
		long o = sp[j].offset;

		ls = sp[j].start_utc + o;
		if (j == 0 || o < prev ||
		    fdiv(sp[j].start_utc - 1 + prev, 3600) != fdiv(ls, 3600))
			k = hb_add(out, k, sp[j].start_utc, fdiv(ls, 3600));
		for (h = fdiv(ls, 3600) + 1; h * 3600 < sp[j].end_utc + o; h++)
			k = hb_add(out, k, h * 3600 - o, h);
		prev = o;
	}
	return k;
}

/* ---- Month buckets ---- */

static long
month_count(const struct period *p)
{
	return months_between(p->from_day, p->to_day);
}

static void
month_bounds(const struct period *p, const struct tz *z, long i,
    long long *start, long long *end, int *yp, int *mp)
{
	int y, m, d;
	long first, next;

	civil_from_days(p->from_day, &y, &m, &d);
	first = days_from_civil(y, m + (int)i, 1);
	next = days_from_civil(y, m + (int)i + 1, 1);
	*start = tz_day_start(z, first);
	*end = tz_day_start(z, next);
	if (*start < p->start)
		*start = p->start;
	if (*end > p->end)
		*end = p->end;
	civil_from_days(first, yp, mp, &d);
}

size_t
period_buckets(const struct period *p, const struct tz *z)
{
	struct hb hb[HOURS_MAX];

	if (p->to_day < p->from_day)
		return 0;
	switch (p->gran) {
	case GRAN_HOUR:
		return hour_walk(p, z, hb);
	case GRAN_DAY:
		return (size_t)(p->to_day - p->from_day + 1);
	default:
		return (size_t)month_count(p);
	}
}

/* Write digits of v (0 <= v < 10^n) into n characters. */
static void
put_digits(char *s, long v, int n)
{
	while (n-- > 0) {
		s[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
period_day_str(long day, char out[11])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

/* Copy s into label when it fits whole; else leave label empty. */
static void
put_label(char *label, size_t labelsz, const char *s)
{
	size_t len = strlen(s);

	if (labelsz == 0)
		return;
	if (len >= labelsz) {
		label[0] = '\0';
		return;
	}
	memcpy(label, s, len + 1);
}

void
period_bucket(const struct period *p, const struct tz *z, size_t i,
    long long *start, long long *end, char *label, size_t labelsz)
{
	struct hb hb[HOURS_MAX];
	char s[PERIOD_LABEL_MAX];
	size_t n;
	int y, m, r;

	*start = *end = 0;
	put_label(label, labelsz, "");
	if (i >= period_buckets(p, z))
		return;
	switch (p->gran) {
	case GRAN_HOUR:
		n = hour_walk(p, z, hb);
		*start = hb[i].start;
		*end = i + 1 < n ? hb[i + 1].start : p->end;
		put_digits(s, (long)(((hb[i].hour % 24) + 24) % 24), 2);
		memcpy(s + 2, ":00", 4);
		if (hb[i].rep > 1) {
			r = snprintf(s + 5, sizeof(s) - 5, " (%d)", hb[i].rep);
			if (r < 0 || (size_t)r >= sizeof(s) - 5)
				s[5] = '\0';
		}
		break;
	case GRAN_DAY:
		*start = tz_day_start(z, p->from_day + (long)i);
		*end = tz_day_start(z, p->from_day + (long)i + 1);
		period_day_str(p->from_day + (long)i, s);
		break;
	default:
		month_bounds(p, z, (long)i, start, end, &y, &m);
		if (y < 0 || y > 9999) {
			memcpy(s, "0000-00", 8);
		} else {
			put_digits(s, y, 4);
			s[4] = '-';
			put_digits(s + 5, m, 2);
			s[7] = '\0';
		}
		break;
	}
	put_label(label, labelsz, s);
}

long
period_bucket_of(const struct period *p, const struct tz *z, long long utc)
{
	struct hb hb[HOURS_MAX];
	long long s, e;
	long i, n;
	int y, m, d, fy, fm, fd;

	if (utc < p->start || utc >= p->end || p->to_day < p->from_day)
		return -1;
	switch (p->gran) {
	case GRAN_HOUR:
		n = (long)hour_walk(p, z, hb);
		for (i = n - 1; i >= 0; i--)
			if (hb[i].start <= utc)
				return i;
		return -1;
	case GRAN_DAY:
		/* The local day is the answer but for odd zones; check it. */
		n = p->to_day - p->from_day + 1;
		i = tz_local_day(z, utc) - p->from_day;
		if (i < 0)
			i = 0;
		if (i > n - 1)
			i = n - 1;
		while (i > 0 && utc < tz_day_start(z, p->from_day + i))
			i--;
		while (i + 1 < n && utc >= tz_day_start(z, p->from_day + i + 1))
			i++;
		return i;
	default:
		n = month_count(p);
		civil_from_days(tz_local_day(z, utc), &y, &m, &d);
		civil_from_days(p->from_day, &fy, &fm, &fd);
		i = ((long)y - fy) * 12 + m - fm;
		if (i < 0)
			i = 0;
		if (i > n - 1)
			i = n - 1;
		for (;;) {
			month_bounds(p, z, i, &s, &e, &y, &m);
			if (utc < s && i > 0)
				i--;
			else if (utc >= e && i + 1 < n)
				i++;
			else
				return i;
		}
	}
}
