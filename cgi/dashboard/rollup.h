/*
 * rollup: keeps rollup_days, rollup_months and rollup_state up to date
 * from sessions and events (migrations/0008_dashboard.sql).
 *
 * One pass (rollup_run) does, per site:
 *  - when the site has no state yet, or its timezone changed: every day
 *    from its first visit is rebuilt;
 *  - otherwise the days after through_day up to yesterday (local), plus
 *    any earlier day a visit of which received events since the last
 *    pass (found by events.id above the stored watermark, less a margin
 *    for transactions that committed out of id order);
 *  - each day is replaced in one transaction, so a reader sees a whole
 *    old day or a whole new one; then every whole month touched is
 *    summed again from its days; then the state moves forward.
 * Today is never rolled up: reports read it raw (query.c).
 */
#ifndef TRACKR_ROLLUP_H
#define TRACKR_ROLLUP_H

#include "db.h"

/* Events ids re-read before the watermark, for commits out of id order. */
#define ROLLUP_ID_MARGIN	10000

struct rollup_stats {
	long	 sites;
	long	 days;		/* days rebuilt */
	long	 months;	/* months summed again */
};

/* One pass over every site at time now (UTC seconds).  0 or -1 (logged). */
int	rollup_run(struct db *, long long now, struct rollup_stats *);
/* Forget a site's rollups, so the next pass rebuilds it (after deleting raw data). */
int	rollup_invalidate(struct db *, long long site_id);

#endif
