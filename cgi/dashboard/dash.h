/*
 * dashboard: what the files of trackr-dashboard share.
 *
 * The model every report uses (ARCHITECTURE.md, "Reports and rollups"):
 *
 *  - A visit (a row of `sessions`) belongs to the local day and hour, in
 *    its site's timezone, in which it started; all its page views and
 *    events count there, even those after midnight.
 *  - Visitors over one day are that day's distinct visitor ids; over a
 *    longer range, the sum of its days' (ids rotate daily, so nobody can
 *    be followed from one day to the next; the pages say so).
 *  - A bounce is a visit with fewer than two interactive events; a
 *    visit's duration is last_seen - started_at in whole seconds.
 *
 * Files: dims.c (the dimension table), filter.c (filters from the URL and
 * to SQL), tz.c and period.c (timezones, periods and buckets), chart.c
 * (SVG), export.c (CSV and JSON), query.c (reports from rollups and raw
 * rows), rollup.c (building the rollups; also linked into trackrctl).
 */
#ifndef TRACKR_DASH_H
#define TRACKR_DASH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"

/*
 * Dimensions: what reports break down by and filters test.  The order is
 * stored in rollup_days.dim, so never renumber; add at the end.
 */
enum dim {
	DIM_TOTAL = 0,		/* the site's totals, value "" */
	DIM_PAGE,		/* events e: pathname of page views */
	DIM_ENTRY,		/* sessions s: entry_page */
	DIM_EXIT,		/* s.exit_page */
	DIM_SOURCE,		/* s.source */
	DIM_REFERRER,		/* s.referrer_domain */
	DIM_UTM_SOURCE,
	DIM_UTM_MEDIUM,
	DIM_UTM_CAMPAIGN,
	DIM_UTM_TERM,
	DIM_UTM_CONTENT,
	DIM_COUNTRY,		/* ISO 3166 alpha-2 */
	DIM_DEVICE,
	DIM_BROWSER,
	DIM_BROWSER_VERSION,	/* "Chrome 120": browser, space, version */
	DIM_OS,
	DIM_OS_VERSION,		/* "Android 14" */
	DIM_SCREEN,		/* mobile, tablet, laptop, desktop */
	DIM_EVENT,		/* e.name of custom events (not pageview or engagement) */
	DIM_PROP,		/* custom event properties: key US value */
	DIM_GOAL,		/* filters and the goals report only; never rolled up */
	DIM__MAX
};

enum dim_level {
	LEVEL_NONE,		/* DIM_TOTAL */
	LEVEL_SESSION,		/* a column of sessions s */
	LEVEL_EVENT,		/* a column of events e */
	LEVEL_SPECIAL,		/* DIM_PROP, DIM_GOAL: handled by code, not a column */
};

struct dim_info {
	const char	*key;	/* URL, filter, API and JSON name: "page", "utm_source" */
	const char	*slug;	/* report path: /dash/<site>/<slug>: "pages" */
	const char	*label;	/* column heading: "Page" */
	const char	*title;	/* report title: "Top pages" */
	const char	*expr;	/* SQL expression of the value; NULL for special */
	enum dim_level	 level;
};

/* The table, indexed by enum dim. */
extern const struct dim_info dims[DIM__MAX];
/* By key or slug; DIM__MAX when unknown. */
enum dim	dim_by_key(const char *key);
enum dim	dim_by_slug(const char *slug, size_t len);

/* FNV-1a of s[0..n): the hash of the value tables (mem.c, query.c). */
uint32_t	dash_hash(const char *s, size_t n);

/* The separator between a property's key and value in DIM_PROP values. */
#define PROP_SEP	"\x1f"

/*
 * Metrics of a set of visits.  visitors: sum over days of distinct ids.
 * events: matching events (page views of a page, a custom event's count).
 */
struct metrics {
	long long	 visitors;
	long long	 visits;
	long long	 pageviews;
	long long	 bounces;
	long long	 duration;	/* seconds, summed over visits */
	long long	 events;
};

/* Filters, as the URL carries them: f=<key>:<op>:<value>, repeated. */
#define FILTER_MAX	10
#define FILTER_VALUE_MAX 500	/* bytes */

enum filter_op {
	OP_IS,
	OP_IS_NOT,
	OP_CONTAINS,		/* case-insensitive substring */
	OP_NOT_CONTAINS,
};

struct filter {
	enum dim	 dim;
	enum filter_op	 op;
	char		*key;	/* DIM_PROP: the property's name; else NULL */
	char		*value;	/* DIM_GOAL: the goal id in decimal */
};

struct filters {
	struct filter	 f[FILTER_MAX];
	size_t		 n;
};

#endif
