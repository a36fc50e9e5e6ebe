/*
 * tz: IANA time zones read straight from TZif files (RFC 8536, versions 1
 * to 4), so the dashboard's threads never touch TZ, setenv() or tzset().
 *
 * A struct tz is immutable once loaded and may be shared by any number of
 * threads.  Only UTC offsets are kept (no abbreviations).  Every query
 * function accepts NULL for UTC.  Instants are seconds since the epoch
 * (UTC); "local seconds" are the local wall clock counted the same way, so
 * local day = floor(local seconds / 86400) and day 0 is 1970-01-01.
 */
#ifndef TRACKR_TZ_H
#define TRACKR_TZ_H

#include <stddef.h>

#define TZ_DIR_DEFAULT	"/usr/share/zoneinfo"
#define TZ_NAME_MAX	64	/* bytes, without the NUL */

struct tz;

/* A stretch of time with one UTC offset: [start_utc, end_utc). */
struct tz_span {
	long long	 start_utc;
	long long	 end_utc;
	long		 offset;	/* seconds east of UTC */
};

/*
 * 1 when name may be a zone name: 1 to TZ_NAME_MAX bytes of
 * [A-Za-z0-9/_+-], no leading or trailing '/', no empty component.  (No
 * '.' is allowed at all, so no "..".)  Says nothing about whether the
 * zone exists.
 */
int	 tz_valid_name(const char *name);

/*
 * Load zone `name` from the zoneinfo directory `dir` (TZ_DIR_DEFAULT in
 * production, a test directory in tests).  The name is checked with
 * tz_valid_name() before the file system is touched; files over 256 KiB,
 * malformed files, files with leap-second records ("right/" zones) and
 * unknown zones give NULL, logged.  "UTC" and "Etc/UTC" load even without
 * the file.  The caller frees the result with tz_free().
 */
struct tz	*tz_load(const char *dir, const char *name);

/*
 * A zone from a POSIX TZ string alone, as in a TZif footer:
 * "CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30", with the RFC 8536
 * extensions (rule times from -167 to 167 hours).  NULL (logged) when the
 * string is bad.  Its name is the string itself (cut to TZ_NAME_MAX).
 * The caller frees the result with tz_free().
 */
struct tz	*tz_from_posix(const char *spec);

void	 tz_free(struct tz *);

/* The name it was loaded under ("UTC" for NULL); owned by the zone. */
const char	*tz_name(const struct tz *);

/*
 * A process-wide cache over tz_load(TZ_DIR_DEFAULT, name), for request
 * handlers: the first call for a name reads the file, later calls return
 * the same zone.  Thread-safe (one mutex).  NULL (logged) for a bad or
 * unknown name, and when the cache already holds TZ_CACHE_MAX zones.  The
 * zones belong to the cache and live until tz_cache_free(), which is for
 * the end of the program when no other thread uses them.
 */
#define TZ_CACHE_MAX	1024
const struct tz	*tz_get(const char *name);
void	 tz_cache_free(void);

/* Seconds east of UTC in effect at instant utc. */
long	 tz_offset(const struct tz *, long long utc);

/* The local day number (days since 1970-01-01, local) of an instant. */
long	 tz_local_day(const struct tz *, long long utc);

/*
 * The earliest instant whose local time is local_seconds: in an overlap
 * (clocks set back) the earlier of the two.  When that local time does not
 * exist (clocks set forward over it) the first instant after the gap,
 * which is the first instant whose local time is later.
 */
long long	 tz_local_to_utc(const struct tz *, long long local_seconds);

/*
 * The instant local day `day` starts: local midnight, or when midnight does
 * not exist (a DST change at midnight, as in America/Santiago) the first
 * instant of that day.  A day that does not exist at all (Pacific/Apia
 * 2011-12-30) starts when the next day starts, so it lasts 0 seconds.
 * A day lasts tz_day_start(day + 1) - tz_day_start(day) seconds.
 */
long long	 tz_day_start(const struct tz *, long day);

/*
 * The spans of constant offset covering [from, to), in order: the first
 * starts at from, each next one starts where the one before ends (at an
 * offset change), the last ends at to.  Stores up to max of them in out
 * and returns how many it stored; 0 only when from >= to or max is 0.
 * When max was too small the result is max and out[max - 1].end_utc < to
 * (the spans stored are right, the rest is missing): a caller tests
 * out[n - 1].end_utc == to.  Five years take at most 11 spans in a zone
 * with one DST period a year.
 */
size_t	 tz_spans(const struct tz *, long long from, long long to,
	    struct tz_span *out, size_t max);

/*
 * Proleptic Gregorian calendar (formulas after Howard Hinnant's
 * public-domain "chrono-compatible low-level date algorithms").  Day 0 is
 * 1970-01-01.  days_from_civil() takes any d (d = 0 is the last day of the
 * month before); days outside +-100 million years are clamped.
 */
long	 days_from_civil(int y, int m, int d);
void	 civil_from_days(long day, int *y, int *m, int *d);
/* 0 = Sunday .. 6 = Saturday (as tm_wday). */
int	 weekday(long day);
int	 is_leap_year(int y);
/* 28 to 31; 0 when m is not 1..12. */
int	 days_in_month(int y, int m);

#endif
