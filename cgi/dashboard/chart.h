/*
 * chart: the dashboard's charts as SVG drawn on the server, and the number
 * formats the pages share.  The pages work without JavaScript and under
 * `style-src 'self'`, so the SVG carries presentation attributes (fill,
 * stroke, ...) as defaults and class names that public/css/app.css styles
 * ("charts" section); never a style attribute or element.
 *
 * Every string drawn (title, metric, labels) is escaped for HTML and XML:
 * labels may come from visitors' data.  Every number printed is finite.
 * Nothing here allocates except through the caller's buffer, and nothing
 * fails: a bad input (NaN, a negative or huge value, no points) still gives
 * a well-formed SVG.
 */
#ifndef TRACKR_CHART_H
#define TRACKR_CHART_H

#include <stddef.h>

#include "buf.h"

/* Points past this many in a series are not drawn (and logged). */
#define CHART_MAX_POINTS	5000
/* Values are clamped to [0, CHART_MAX_VALUE]; NaN and infinities are gaps. */
#define CHART_MAX_VALUE		1e15

struct chart_point {
	const char	*label;		/* "2026-03-29"; NULL for "" */
	double		 value;
	int		 has_value;	/* 0: no data here, the line breaks */
};

struct chart {
	/*
	 * Prefix of the element ids (the <title>'s is "<id>-title"), so two
	 * charts on a page differ.  Kept to [a-z0-9-] (upper case lowered,
	 * anything else becomes '-', at most 40 bytes, "c-" put in front
	 * when it does not start with a letter); NULL or "" gives "chart".
	 * Prefixes that differ only in replaced bytes give the same ids:
	 * pick plain ones.
	 */
	const char	*id;
	const char	*title;		/* accessible name: "Unique visitors, last 30 days" */
	const char	*metric;	/* "Visitors"; NULL for "Value" */
	/* The period shown, a solid line. */
	const struct chart_point *cur;
	size_t		 ncur;
	/*
	 * The previous period, a dashed line; NULL/0 for none.  Point i is
	 * drawn in the same slot as cur[i] (day 1 over day 1).
	 */
	const struct chart_point *prev;
	size_t		 nprev;
	const char	*prev_name;	/* "Previous period"; NULL for that */
	int		 width, height;	/* viewBox; <= 0 for 640 x 240 */
	int		 percent;	/* values are percentages: "42%" */
	int		 seconds;	/* values are durations: "1m 05s" */
};

/*
 * Append one <svg> element to out: role="img" named by its <title>
 * (aria-labelledby "<id>-title"), a <desc> summing it up, 3 to 5 "nice"
 * y ticks from 0, x labels thinned to fit, the current series as a line
 * over a light area, the previous one dashed, and for every slot a
 * <g class="chart-pt"> whose <title> is the tooltip:
 * "2026-03-29 — Visitors: 1,234 (Previous period, 2026-02-27: 1,100)".
 * With no value at all it draws the grid and "No data".  The <svg> has
 * width="100%" and scales to its container.
 */
void	chart_svg(struct buf *out, const struct chart *);

/*
 * Append a small <svg> (width x height pixels, <= 0 for 100 x 24) with
 * one line from 0 to the largest value and no axes, role="img" named by
 * one <title> for the whole line (the caller's text, escaped:
 * "Visitors, last 30 days: 12,345").
 */
void	chart_sparkline(struct buf *out, const double *v, size_t n,
	    int width, int height, const char *title);

/*
 * Number formats, appended to out.  Negative numbers keep their sign
 * except in fmt_duration; NaN and infinities print as 0.
 */
void	fmt_count(struct buf *out, long long v);	/* 1,234,567 */
void	fmt_compact(struct buf *out, double v);		/* 999, 1.2k, 12k, 1.2M, 3.4B, 5T */
/* 45s, 3m 05s, 1h 02m (hours go past 24: 26h 00m); negative as 0s. */
void	fmt_duration(struct buf *out, long long seconds);
void	fmt_percent(struct buf *out, double v);		/* 42%, 4.2%, 0% */

#endif
