/*
 * period: what a report period means in a site's time zone: its local days,
 * its UTC bounds, the period to compare it with, and its chart buckets
 * (local clock hours, local days or calendar months).
 *
 * Every function takes the site's zone (NULL for UTC; see tz.h) and is
 * pure: no allocation, no global state, safe from any thread.
 */
#ifndef TRACKR_PERIOD_H
#define TRACKR_PERIOD_H

#include <stddef.h>

#include "tz.h"

enum gran {
	GRAN_HOUR,		/* a period of one day */
	GRAN_DAY,		/* up to PERIOD_DAY_BUCKETS_MAX days */
	GRAN_MONTH,		/* longer */
};

#define PERIOD_DAY_BUCKETS_MAX	93	/* days; a quarter still by day */
#define PERIOD_YEARS_MAX	5	/* of a custom range */
#define PERIOD_LABEL_MAX	16	/* a label buffer of this size always fits */

struct period {
	char		 name[12];	/* "day", "yesterday", "7d", "30d", "month",
					   "lastmonth", "12mo", "custom", "all" */
	long		 from_day, to_day;	/* local days, inclusive */
	long long	 start, end;	/* UTC [start, end): tz_day_start(from_day)
					   .. tz_day_start(to_day + 1) */
	enum gran	 gran;
};

/*
 * Resolve a period from the URL's values.  name NULL or "" means "30d".
 * Today is the local day of `now` in the zone.
 *   day, yesterday      one day
 *   7d, 30d             the last 7 or 30 days, today included
 *   month               this month so far (to_day = today)
 *   lastmonth           the whole previous calendar month
 *   12mo                the 12 calendar months ending with this one, so
 *                       the first day of the month 11 months ago to today
 *   custom              from..to, "YYYY-MM-DD" each, inclusive
 *   all                 first_day (the first local day with data; -1 for
 *                       none, meaning today) to today
 * Custom ranges must have from <= to, at most PERIOD_YEARS_MAX years
 * (from + 5 years - 1 day), no day before 2000-01-01 and none after
 * tomorrow.  "all" starts no earlier than 2000-01-01.  The granularity
 * follows the length: one day by hour, up to 93 days by day, else by
 * month.  from and to are ignored for every name but custom.
 * Returns 0, or -1 with a short lowercase message (a static string) in
 * *why (when why is not NULL); *p is then unspecified.
 */
int	 period_resolve(struct period *p, const char *name, const char *from,
	    const char *to, long long now, const struct tz *, long first_day,
	    const char **why);

/*
 * The period just before p, to compare with, of the same granularity and
 * name:
 *   month               from the first day of last month, as many days as
 *                       p has (at most the whole of last month)
 *   lastmonth, 12mo     the same number of whole calendar months before
 *   any other           the same number of days immediately before
 * prev may not be p.
 */
void	 period_previous(const struct period *p, const struct tz *,
	    struct period *prev);

/*
 * Buckets.  GRAN_HOUR: local clock hours; a bucket starts at each whole
 * local hour and at each offset change, so a 23-hour DST day has 23, a
 * 25-hour day 25 (the repeated hour labelled "02:00 (2)"), and zones with
 * :30 or :45 offsets still get local hours (a change at :45, as in
 * Pacific/Chatham, makes two partial hours: 24 buckets for its 23-hour
 * day, 26 for its 25-hour one).  A day that does not exist
 * (Pacific/Apia 2011-12-30) has none.  GRAN_DAY: local days ("2026-03-29";
 * a day that does not exist is a bucket of 0 seconds).  GRAN_MONTH:
 * calendar months ("2026-03"), the first and last cut to the period.
 */
size_t	 period_buckets(const struct period *, const struct tz *);
/*
 * Bucket i: its UTC [*start, *end) and its label, NUL-terminated in label
 * (labelsz >= PERIOD_LABEL_MAX always fits; a label that does not fit is
 * left empty).  Out of range: *start = *end = 0 and an empty label.
 */
void	 period_bucket(const struct period *, const struct tz *, size_t i,
	    long long *start, long long *end, char *label, size_t labelsz);
/* The index of the bucket holding utc, or -1 outside [p->start, p->end). */
long	 period_bucket_of(const struct period *, const struct tz *,
	    long long utc);

/* "YYYY-MM-DD" of a local day (years 0 to 9999; else "0000-00-00"). */
void	 period_day_str(long day, char out[11]);

#endif
