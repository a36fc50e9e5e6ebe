/*
 * query: every number a report shows, from rollups where they cover the
 * period and from raw visits where they do not.
 *
 * Unfiltered reports read rollup_months for whole months, rollup_days for
 * the other rolled-up days, and raw rows for the days after the site's
 * rollup_state.through_day (normally just today).  Filtered reports read
 * raw rows for the whole period: a filter can combine any dimensions, and
 * no rollup could hold every combination exactly.  Both paths compute a
 * metric with the same SQL (raw_part() below), which rollup.c also uses to
 * build the rollups, so the two can never disagree.
 */
#ifndef TRACKR_QUERY_H
#define TRACKR_QUERY_H

#include "buf.h"
#include "dash.h"
#include "db.h"
#include "filter.h"
#include "period.h"
#include "tz.h"

struct mem;

struct qsite {
	long long	 id;
	const struct tz	*tz;
	long		 through;	/* last rolled-up local day; -1 when none usable */
};

/* What every query of a request shares. */
struct qctx {
	struct db		*db;
	const struct qsite	*site;
	const struct goal_ref	*goals;	/* the site's goals, for goal filters */
	size_t			 ngoals;
	const char		*prop_key;	/* DIM_PROP breakdowns: only this key; NULL for all */
	struct mem		*mem;	/* the column store (mem.h); NULL: SQL only */
	const char		*tzname;	/* the site's timezone, for mem */
};

enum sort {
	SORT_VISITORS,
	SORT_VISITS,
	SORT_PAGEVIEWS,
	SORT_BOUNCE,		/* bounce rate */
	SORT_DURATION,		/* mean visit duration */
	SORT_EVENTS,
	SORT_VALUE,
	SORT__MAX
};

extern const char *const sort_keys[SORT__MAX];	/* "visitors", ..., "name" */
enum sort	sort_by_key(const char *);	/* SORT__MAX when unknown */

struct brow {
	char		*value;
	struct metrics	 m;
};

struct brows {
	struct brow	*v;
	size_t		 n;
	size_t		 cap;
	int		 more;	/* rows exist past the ones asked for */
};

void	brows_free(struct brows *);

/*
 * The site's rollup state: sets site->through (-1 when the site has no
 * rollups in its current timezone).  0 or -1 (logged).
 */
int	q_site_state(struct db *, struct qsite *site, const char *timezone);

/* Totals of the period.  0 or -1 (logged). */
int	q_aggregate(struct qctx *, const struct period *, const struct filters *,
	    struct metrics *out);
/*
 * One struct metrics per bucket of period_buckets(), into out (which the
 * caller sizes to that count).  0 or -1.
 */
int	q_series(struct qctx *, const struct period *, const struct filters *,
	    struct metrics *out);
/*
 * Rows of a breakdown by dim, sorted, from offset, at most limit (rows
 * with an empty value included: the page names them "(none)").  0 or -1.
 */
int	q_breakdown(struct qctx *, const struct period *, const struct filters *,
	    enum dim, enum sort, int desc, size_t offset, size_t limit, struct brows *out);
/*
 * Rows of a breakdown one at a time, unpaged, for exports: calls fn for
 * each until it returns non-zero.  0 or -1.
 */
int	q_breakdown_each(struct qctx *, const struct period *, const struct filters *,
	    enum dim, enum sort, int desc, int (*fn)(void *, const struct brow *), void *arg);

/* Goal conversions: visitors and events converting for goal g.  0 or -1. */
int	q_goal(struct qctx *, const struct period *, const struct filters *,
	    const struct goal_ref *g, struct metrics *out);
/*
 * A funnel: for steps[0..n), the visitors (distinct per day) whose visit
 * reached each step in order.  0 or -1.
 */
int	q_funnel(struct qctx *, const struct period *, const struct filters *,
	    const struct goal_ref *steps, size_t n, long long *visitors);

/* Realtime: distinct visitors with an event in the last `seconds`. */
int	q_realtime(struct qctx *, long long now, int seconds, long long *visitors);
/* The pages (dim DIM_PAGE) or sources (DIM_SOURCE) of visitors active in the last seconds. */
int	q_realtime_top(struct qctx *, long long now, int seconds, enum dim,
	    size_t limit, struct brows *out);

/*
 * The raw SQL of one breakdown part: a SELECT of columns (v, visitors,
 * visits, pageviews, bounces, duration, events) over the visits that
 * started in [start, end) UTC, grouped by v (v is '' for DIM_TOTAL).
 * visitors counts distinct (local day, visitor id).  Appends text to sql
 * and arguments to args in text order.  0 or -1 (an unknown goal).
 */
int	raw_part(const struct qctx *, long long start, long long end,
	    const struct filters *, enum dim, struct buf *sql, struct db_args *args);

#endif
