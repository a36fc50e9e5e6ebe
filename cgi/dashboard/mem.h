/*
 * mem: the dashboard's in-memory column store of visits.
 *
 * A filtered report cannot come from rollups (filters combine any
 * dimensions), and reading its visits from MariaDB costs a scan of the
 * period's rows per query: seconds for a year.  So each dashboard
 * process keeps, per site, the visits of its closed days (every local day
 * before yesterday) as columns: dictionary-coded dimension values, the
 * counters, a visitor-day number and the pages each visit viewed, sorted
 * by (day, visitor).  A report over those days is one pass over arrays.
 *
 * The open days (yesterday, which a visit across midnight may still
 * change, and today) are a second, small snapshot per site, loaded again
 * when it is older than a few seconds: reports lag the database by that
 * much at most.  The realtime page reads the database itself.
 *
 * query.c asks mem first: for a period and filters it supports
 * (mem_supports), mem answers the days its snapshots hold and query.c
 * reads any rest from rollups or raw rows, then merges; the numbers are
 * the same as SQL's by construction (the same values, the same metric
 * definitions), which the integration suite checks.
 *
 * A site is loaded in the background by a loader thread with its own
 * database connection the first time it is asked for (or at once, when
 * configured synchronous, for tests), and loaded again when its closed
 * days moved on.  Until then, and for sites beyond the memory budget,
 * reports come from SQL.  Snapshots are immutable and reference
 * counted, so readers never lock against the loader.
 */
#ifndef TRACKR_MEM_H
#define TRACKR_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "dash.h"
#include "filter.h"
#include "period.h"
#include "tz.h"

struct mem;
struct memsite;

/*
 * The store of one process: budget bytes at most (sites past it are not
 * loaded); sync loads a site in the asking request instead of the
 * background; ttl is how many seconds a snapshot of open days is used
 * before it is loaded again (0: every time).  Starts the loader thread, which connects with conf.
 * NULL (logged) on failure.
 */
struct mem	*mem_new(const struct conf *conf, size_t budget, int sync, int ttl);
void		 mem_free(struct mem *);

/*
 * The snapshot of site (timezone tzname, closed days up to last_closed),
 * referenced, or NULL when it is not in memory yet (a load is queued).
 * A snapshot holding fewer closed days than asked for is returned while
 * its successor loads.  Release it with mem_release().
 */
const struct memsite *mem_get(struct mem *, long long site, const char *tzname,
		    long last_closed);
void		 mem_release(struct mem *, const struct memsite *);
/*
 * The snapshot of the open days [first, last] of site (yesterday and
 * today), at most ttl seconds old, or NULL when there is none of those
 * days yet (a load is queued).  A stale one is returned while the next
 * loads.  Release it with mem_release().
 */
const struct memsite *mem_get_open(struct mem *, long long site, const char *tzname,
		    long first, long last);

/* The local days a snapshot holds: [*first, *last]; *last < *first when none. */
void		 mem_days(const struct memsite *, long *first, long *last);
/* Bytes a snapshot holds, and visits. */
size_t		 mem_bytes(const struct memsite *);
size_t		 mem_visits(const struct memsite *);

/*
 * 1 when filters and a breakdown by dim (DIM_TOTAL for totals and
 * series) can be answered from memory: session dimensions, pages and
 * custom events, and filters by goal; not properties.
 */
int		 mem_supports(const struct filters *, enum dim);

/*
 * Which values a "contains" filter keeps is the server's to say (its
 * collation folds case and more): per filter of that kind, one flag per
 * value id of its dimension in a snapshot, made by the caller from
 * mem_dict_json() and a query.  NULL entries for the other filters.
 */
struct mem_sel {
	const unsigned char	*match[FILTER_MAX];
	int			 goal_event[FILTER_MAX];	/* a goal filter's goal is an event */
};
/*
 * A goal's matching values in snapshot m: one flag per page id (a page
 * pattern, '*' any run) or per event name id; *n the count.  The caller
 * frees the array.
 */
unsigned char	*mem_goal_flags(const struct memsite *, int is_event, const char *target,
		    size_t *n);
/* A dimension's values in snapshot m, in id order, as a JSON array of strings; their count. */
size_t		 mem_dict_json(const struct memsite *, enum dim, struct buf *out);

/* Totals of the visits that started on local days [from, to]. */
void		 mem_aggregate(const struct memsite *, long from, long to,
		    const struct filters *, const struct mem_sel *, struct metrics *out);
/*
 * Add each visit of [from, to] into the bucket of period p it started in
 * (out has period_buckets(p) entries; visitors are distinct per bucket).
 */
void		 mem_series(const struct memsite *, const struct period *p,
		    const struct tz *, long from, long to, const struct filters *,
		    const struct mem_sel *, struct metrics *out);
/*
 * A goal's conversions in [from, to]: visitors (per day), visits and
 * events (matching page views or custom events) of the visits kept by
 * the filters.  target is a page pattern ('*' any run) or an event name.
 */
void		 mem_goal(const struct memsite *, long from, long to,
		    const struct filters *, const struct mem_sel *, int is_event,
		    const char *target, struct metrics *out);
/*
 * A funnel of n steps (at most FUNNEL_MAX) over [from, to]: adds to
 * visitors[k] the visitor-days whose visit reached step k, steps met in
 * time order (step k: a page pattern, or an event name when is_event[k]).
 */
#define FUNNEL_MAX	8
void		 mem_funnel(const struct memsite *, long from, long to,
		    const struct filters *, const struct mem_sel *, const int *is_event,
		    const char *const *target, size_t n, long long *visitors);
/*
 * A breakdown of [from, to] by dim: fn(arg, value, len, metrics) once
 * per value with a visit, in no particular order.
 */
void		 mem_breakdown(const struct memsite *, long from, long to,
		    const struct filters *, const struct mem_sel *, enum dim,
		    void (*fn)(void *, const char *, size_t, const struct metrics *),
		    void *arg);

#endif
