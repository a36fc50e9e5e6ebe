/*
 * chart: line charts and sparklines as SVG, and the number formats of the
 * dashboard pages.  Tooltips are <title> elements (no script); colours are
 * presentation attributes that the classes in app.css override (no style).
 */
#include <math.h>
#include <string.h>

#include "buf.h"
#include "chart.h"
#include "log.h"
#include "valid.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define DEF_W		640
#define DEF_H		240
#define MIN_W		160
#define MAX_W		4000
#define MIN_H		80
#define MAX_H		2000
#define ID_MAX		40	/* bytes of the id prefix kept */
#define TEXT_MAX	200	/* code points of a label or title in a tooltip */
#define XLABEL_MAX	16	/* code points of an x-axis label */
#define LEGEND_MAX	32	/* code points of a legend entry */
#define FONT		11	/* px, axis text */
#define CHAR_W		6.6	/* estimated advance of one character at FONT */
#define DENSE_SLOT	10.0	/* px per slot under which dots show on hover only */

/* Default colours, as in app.css; the classes there override them. */
#define C_LINE		"#2456d6"
#define C_PREV		"#8a94a6"
#define C_GRID		"#e4e7ed"
#define C_AXIS		"#b8bfcc"
#define C_TEXT		"#5d6778"
#define C_DOT_FILL	"#ffffff"

#define ELLIPSIS	"\xe2\x80\xa6"
#define DASH		" \xe2\x80\x94 "
#define REPLACEMENT	"\xef\xbf\xbd"

enum kind { K_COUNT, K_PERCENT, K_SECONDS };

struct geom {
	double	 x0, x1;	/* plot area, left to right */
	double	 y0, y1;	/* top to bottom (y1 is the zero line) */
	double	 top;		/* value at y0, > 0 */
	size_t	 n;		/* slots */
};

/* Length of the valid UTF-8 sequence of two to four bytes at s; 0 if none. */
static size_t
utf8_seq(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n, k;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (k = 1; k < n; k++)
		if (s[k] == '\0')
			return 0;
	return valid_utf8(s, n) ? n : 0;
}

/*
 * Append s escaped for HTML and XML: its first maxcp code points (0: no
 * limit), and an ellipsis when there are more.  Control characters become spaces and
 * bytes that are not UTF-8 become U+FFFD, so the SVG stays well-formed
 * XML even when saved as a file.  Returns the code points written.
 */
static size_t
add_text(struct buf *b, const char *s, size_t maxcp)
{
	size_t i = 0, start = 0, cp = 0, n;
	unsigned char c;

	if (s == NULL)
		return 0;
	while (s[i] != '\0') {
		if (maxcp > 0 && cp == maxcp) {
			buf_add_html(b, s + start, i - start);
			buf_adds(b, ELLIPSIS);
			return cp + 1;
		}
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
		} else if (c >= 0x80 && (n = utf8_seq(s + i)) > 0) {
			i += n;
		} else {
			buf_add_html(b, s + start, i - start);
			buf_adds(b, c < 0x80 ? " " : REPLACEMENT);
			start = ++i;
		}
		cp++;
	}
	buf_add_html(b, s + start, i - start);
	return cp;
}

/* The code points add_text() would write. */
static size_t
text_len(const char *s, size_t maxcp)
{
	struct buf t = BUF_INIT;
	size_t n;

	n = add_text(&t, s, maxcp);
	buf_release(&t);
	return n;
}

static int
point_ok(const struct chart_point *p)
{
	return p->has_value && isfinite(p->value);
}

/* NaN and negatives to 0, huge values to the maximum. */
static double
clampv(double v)
{
	if (!(v > 0))
		return 0;
	return v > CHART_MAX_VALUE ? CHART_MAX_VALUE : v;
}

static int
clampi(int v, int def, int lo, int hi)
{
	if (v <= 0)
		return def;
	return v < lo ? lo : v > hi ? hi : v;
}

void
fmt_count(struct buf *b, long long v)
{
	unsigned long long u;
	char d[24];
	size_t n = 0;

	if (v < 0) {
		buf_addch(b, '-');
		u = 0ULL - (unsigned long long)v;
	} else
		u = (unsigned long long)v;
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0 && n < sizeof(d));
	while (n > 0) {
		buf_addch(b, d[--n]);
		if (n > 0 && n % 3 == 0)
			buf_addch(b, ',');
	}
}

/* r, rounded already, with one decimal unless it is whole. */
static void
add_rounded(struct buf *b, double r, const char *unit)
{
	if (r == 0)
		r = 0;	/* no "-0" */
	if (r == floor(r))
		buf_addf(b, "%.0f%s", r, unit);
	else
		buf_addf(b, "%.1f%s", r, unit);
}

void
fmt_compact(struct buf *b, double v)
{
	static const char *const units[] = { "", "k", "M", "B", "T" };
	double a, x, r, scale = 1;
	size_t i;

	if (!isfinite(v))
		v = 0;
	a = fabs(v);
	for (i = 0;; i++, scale *= 1000) {
		x = a / scale;
		r = round(x * 10) / 10;
		if (i > 0 && r >= 10)
			r = round(x);	/* 12k, not 12.3k */
		/* 999,999 rounds to 1000k: say 1M instead. */
		if (r < 1000 || i + 1 == nitems(units))
			break;
	}
	if (v < 0 && r > 0)
		buf_addch(b, '-');
	add_rounded(b, r, units[i]);
}

/* "1h 02m", or with terse "1h" when the minutes are 0 (axis ticks). */
static void
add_duration(struct buf *b, long long s, int terse)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		buf_addf(b, "%llds", s);
	else if (s < 3600) {
		if (terse && s % 60 == 0)
			buf_addf(b, "%lldm", s / 60);
		else
			buf_addf(b, "%lldm %02llds", s / 60, s % 60);
	} else {
		if (terse && s % 3600 / 60 == 0)
			buf_addf(b, "%lldh", s / 3600);
		else
			buf_addf(b, "%lldh %02lldm", s / 3600, s % 3600 / 60);
	}
}

void
fmt_duration(struct buf *b, long long s)
{
	add_duration(b, s, 0);
}

void
fmt_percent(struct buf *b, double v)
{
	double r;

	if (!isfinite(v))
		v = 0;
	if (v > CHART_MAX_VALUE)
		v = CHART_MAX_VALUE;
	else if (v < -CHART_MAX_VALUE)
		v = -CHART_MAX_VALUE;
	r = round(v * 10) / 10;
	if (fabs(r) >= 10)
		r = round(v);
	add_rounded(b, r, "%");
}

/* A value in full, for tooltips and the description. */
static void
add_value(struct buf *b, double v, enum kind k)
{
	long long t;

	v = clampv(v);
	switch (k) {
	case K_PERCENT:
		fmt_percent(b, v);
		break;
	case K_SECONDS:
		fmt_duration(b, llround(v));
		break;
	default:
		/* Counts are whole; an average (pages per visit) keeps a decimal. */
		t = llround(v * 10);
		fmt_count(b, t / 10);
		if (t % 10 != 0)
			buf_addf(b, ".%lld", t % 10);
		break;
	}
}

static void
add_tick(struct buf *b, double v, enum kind k)
{
	switch (k) {
	case K_PERCENT:
		fmt_percent(b, v);
		break;
	case K_SECONDS:
		add_duration(b, llround(v), 1);
		break;
	default:
		fmt_compact(b, v);
		break;
	}
}

/*
 * The y axis: the smallest "nice" step that covers max in at most four
 * intervals; consecutive candidates differ by at most 2.5 times, so that
 * takes two intervals at least, hence 3 to 5 ticks from 0.  Steps are
 * whole (counts are) and, for durations, whole minutes and hours.
 */
static double
nice_step(double max, enum kind k, int *intervals)
{
	static const double secs[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300,
	    600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
	static const double mult[] = { 1, 2, 5 };
	double unit = 1, mag = 1, s = 0, c;
	size_t i, tries;

	if (k == K_SECONDS) {
		for (i = 0; i < nitems(secs) && s == 0; i++)
			if (ceil(max / secs[i]) <= 4)
				s = secs[i];
		unit = 86400;	/* past four days: whole days */
	}
	if (s == 0) {
		while (mag * 10 * unit <= max / 4)
			mag *= 10;
		/* max <= CHART_MAX_VALUE, so this ends within a few tries. */
		for (tries = 0; tries < 64 && s == 0; tries++, mag *= 10)
			for (i = 0; i < nitems(mult) && s == 0; i++)
				if (ceil(max / (mult[i] * mag * unit)) <= 4)
					s = mult[i] * mag * unit;
		if (s == 0)
			s = max;
	}
	c = ceil(max / s);
	*intervals = c < 2 ? 2 : (int)c;
	return s;
}

static double
gx(const struct geom *g, size_t i)
{
	if (g->n <= 1)
		return (g->x0 + g->x1) / 2;
	return g->x0 + (g->x1 - g->x0) * (double)i / (double)(g->n - 1);
}

static double
gy(const struct geom *g, double v)
{
	return g->y1 - (g->y1 - g->y0) * clampv(v) / g->top;
}

/* The ids' common prefix, kept to [a-z0-9-]. */
static void
add_id(struct buf *b, const char *id)
{
	size_t i;
	char c;

	if (id == NULL || id[0] == '\0') {
		buf_adds(b, "chart");
		return;
	}
	if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
		buf_adds(b, "c-");
	for (i = 0; id[i] != '\0' && i < ID_MAX; i++) {
		c = id[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		buf_addch(b, c);
	}
}

/*
 * One series as a path broken at gaps: the line, or with area the
 * closed shapes under each run down to the zero line.
 */
static void
add_series(struct buf *b, const struct chart_point *p, size_t np,
    const struct geom *g, int area)
{
	double x, lastx = 0;
	size_t i;
	int run = 0;

	for (i = 0; i < np; i++) {
		if (!point_ok(&p[i])) {
			if (run && area)
				buf_addf(b, "L%.1f %.1fZ", lastx, g->y1);
			run = 0;
			continue;
		}
		x = gx(g, i);
		if (!run && area)
			buf_addf(b, "M%.1f %.1fL%.1f %.1f", x, g->y1, x,
			    gy(g, p[i].value));
		else
			buf_addf(b, "%c%.1f %.1f", run ? 'L' : 'M', x,
			    gy(g, p[i].value));
		run = 1;
		lastx = x;
	}
	if (run && area)
		buf_addf(b, "L%.1f %.1fZ", lastx, g->y1);
}

static int
any_value(const struct chart_point *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (point_ok(&p[i]))
			return 1;
	return 0;
}

static const char *
label_of(const struct chart_point *p)
{
	return p->label != NULL ? p->label : "";
}

/* The tooltip of slot i. */
static void
add_tooltip(struct buf *b, const struct chart *c, const char *metric,
    const char *prev_name, size_t ncur, size_t nprev, size_t i, enum kind k)
{
	const struct chart_point *p;

	if (i < ncur) {
		p = &c->cur[i];
		if (label_of(p)[0] != '\0') {
			add_text(b, p->label, TEXT_MAX);
			buf_adds(b, DASH);
		}
		add_text(b, metric, TEXT_MAX);
		buf_adds(b, ": ");
		if (point_ok(p))
			add_value(b, p->value, k);
		else
			buf_adds(b, "no data");
	}
	if (i < nprev) {
		p = &c->prev[i];
		buf_adds(b, i < ncur ? " (" : "");
		add_text(b, prev_name, TEXT_MAX);
		if (label_of(p)[0] != '\0') {
			buf_adds(b, ", ");
			add_text(b, p->label, TEXT_MAX);
		}
		buf_adds(b, ": ");
		if (point_ok(p))
			add_value(b, p->value, k);
		else
			buf_adds(b, "no data");
		buf_adds(b, i < ncur ? ")" : "");
	}
}

/* The <desc>: the span, the highest and the latest value. */
static void
add_desc(struct buf *b, const struct chart_point *p, size_t n, enum kind k)
{
	size_t i, hi = n, last = n;

	for (i = 0; i < n; i++) {
		if (!point_ok(&p[i]))
			continue;
		if (hi == n || clampv(p[i].value) > clampv(p[hi].value))
			hi = i;
		last = i;
	}
	if (hi == n) {
		buf_adds(b, "No data.");
		return;
	}
	if (n > 1) {
		add_text(b, label_of(&p[0]), TEXT_MAX);
		buf_adds(b, " to ");
		add_text(b, label_of(&p[n - 1]), TEXT_MAX);
		buf_adds(b, ". ");
	}
	buf_adds(b, "Highest: ");
	add_value(b, p[hi].value, k);
	buf_adds(b, " (");
	add_text(b, label_of(&p[hi]), TEXT_MAX);
	buf_adds(b, "). Latest: ");
	add_value(b, p[last].value, k);
	buf_adds(b, " (");
	add_text(b, label_of(&p[last]), TEXT_MAX);
	buf_adds(b, ").");
}

/*
 * The legend over the plot: a solid swatch for the metric, a dashed one
 * for the previous period, each followed by its name.
 */
static void
add_legend(struct buf *b, const struct geom *g, const char *metric,
    const char *prev_name)
{
	double x = g->x0, y = 12;
	int i;

	buf_adds(b, "<g class=\"chart-legend\">");
	for (i = 0; i < 2; i++) {
		buf_addf(b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\""
		    " x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>",
		    i == 0 ? "chart-legend-cur" : "chart-legend-prev", x, y - 4,
		    x + 16, y - 4, i == 0 ? C_LINE : C_PREV,
		    i == 0 ? "" : " stroke-dasharray=\"4 3\"");
		buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"" C_TEXT "\">",
		    x + 20, y);
		x += 20 + 16 + CHAR_W *
		    (double)add_text(b, i == 0 ? metric : prev_name, LEGEND_MAX);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</g>");
}

void
chart_svg(struct buf *b, const struct chart *c)
{
	struct buf id = BUF_INIT, t = BUF_INIT;
	struct geom g;
	const char *metric, *prev_name;
	enum kind k;
	size_t ncur, nprev, i, every, lw, len;
	double step, maxv = 0, labw = 0, slot, x, y, w, hx0, hx1;
	int W, H, intervals, j, has_prev, has_data, dense;

	k = c->percent ? K_PERCENT : c->seconds ? K_SECONDS : K_COUNT;
	metric = c->metric != NULL && c->metric[0] != '\0' ? c->metric : "Value";
	prev_name = c->prev_name != NULL && c->prev_name[0] != '\0' ?
	    c->prev_name : "Previous period";
	ncur = c->cur != NULL ? c->ncur : 0;
	nprev = c->prev != NULL ? c->nprev : 0;
	if (ncur > CHART_MAX_POINTS || nprev > CHART_MAX_POINTS) {
		log_warn("%zu and %zu points, drawing the first %d", ncur,
		    nprev, CHART_MAX_POINTS);
		ncur = ncur > CHART_MAX_POINTS ? CHART_MAX_POINTS : ncur;
		nprev = nprev > CHART_MAX_POINTS ? CHART_MAX_POINTS : nprev;
	}
	has_prev = nprev > 0;
	has_data = any_value(c->cur, ncur) || any_value(c->prev, nprev);
	W = clampi(c->width, DEF_W, MIN_W, MAX_W);
	H = clampi(c->height, DEF_H, MIN_H, MAX_H);
	add_id(&id, c->id);

	for (i = 0; i < ncur; i++)
		if (point_ok(&c->cur[i]) && clampv(c->cur[i].value) > maxv)
			maxv = clampv(c->cur[i].value);
	for (i = 0; i < nprev; i++)
		if (point_ok(&c->prev[i]) && clampv(c->prev[i].value) > maxv)
			maxv = clampv(c->prev[i].value);
	step = nice_step(maxv, k, &intervals);

	/* The widest tick label sets the left margin. */
	for (j = 0; j <= intervals; j++) {
		buf_reset(&t);
		add_tick(&t, step * j, k);
		if (CHAR_W * (double)t.len > labw)
			labw = CHAR_W * (double)t.len;
	}
	g.n = ncur > nprev ? ncur : nprev;
	g.x0 = labw + 12;
	g.x1 = W - 12;
	g.y0 = has_prev ? 28 : 12;
	g.y1 = H - 24;
	g.top = step * intervals;
	slot = g.n > 1 ? (g.x1 - g.x0) / (double)(g.n - 1) : g.x1 - g.x0;
	dense = slot < DENSE_SLOT;

	buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart%s\""
	    " viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\"",
	    dense ? " chart-dense" : "", W, H);
	buf_addf(b, " aria-labelledby=\"%s-title\" aria-describedby=\"%s-desc\""
	    " font-family=\"system-ui, sans-serif\" font-size=\"%d\">", id.ptr,
	    id.ptr, FONT);
	buf_addf(b, "<title id=\"%s-title\">", id.ptr);
	add_text(b, c->title != NULL && c->title[0] != '\0' ? c->title :
	    metric, TEXT_MAX);
	buf_addf(b, "</title><desc id=\"%s-desc\">", id.ptr);
	add_desc(b, c->cur, ncur, k);
	buf_adds(b, "</desc>");

	/* Grid and y labels, from 0 up. */
	buf_adds(b, "<g class=\"chart-y\">");
	for (j = 0; j <= intervals; j++) {
		y = g.y1 - (g.y1 - g.y0) * j / intervals;
		buf_addf(b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
		    " y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>",
		    j == 0 ? "chart-axis" : "chart-grid", g.x0, y, g.x1, y,
		    j == 0 ? C_AXIS : C_GRID);
		if (!has_data)
			continue;	/* a scale of nothing would mislead */
		buf_addf(b, "<text class=\"chart-tick\" x=\"%.1f\" y=\"%.1f\""
		    " text-anchor=\"end\" fill=\"" C_TEXT "\">", g.x0 - 6, y + 4);
		add_tick(b, step * j, k);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</g>");

	/* x labels, every so many slots so that they do not overlap. */
	lw = 1;
	for (i = 0; i < g.n; i++) {
		len = text_len(label_of(i < ncur ? &c->cur[i] : &c->prev[i]),
		    XLABEL_MAX);
		lw = len > lw ? len : lw;
	}
	every = (size_t)ceil((CHAR_W * (double)lw + 10) / slot);
	every = every < 1 ? 1 : every;
	buf_adds(b, "<g class=\"chart-x\">");
	for (i = 0; i < g.n; i += every) {
		const char *l = label_of(i < ncur ? &c->cur[i] : &c->prev[i]);

		w = CHAR_W * (double)text_len(l, XLABEL_MAX);
		x = gx(&g, i);
		/* Keep the label inside the picture. */
		if (x - w / 2 < 2)
			x = 2 + w / 2;
		if (x + w / 2 > W - 2)
			x = W - 2 - w / 2;
		buf_addf(b, "<text class=\"chart-xlabel\" x=\"%.1f\" y=\"%.1f\""
		    " text-anchor=\"middle\" fill=\"" C_TEXT "\">", x, g.y1 + 16);
		add_text(b, l, XLABEL_MAX);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</g>");

	if (has_prev)
		add_legend(b, &g, metric, prev_name);

	if (any_value(c->prev, nprev)) {
		buf_adds(b, "<path class=\"chart-prev\" fill=\"none\" stroke=\""
		    C_PREV "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\""
		    " stroke-linejoin=\"round\" d=\"");
		add_series(b, c->prev, nprev, &g, 0);
		buf_adds(b, "\"/>");
	}
	if (any_value(c->cur, ncur)) {
		buf_adds(b, "<path class=\"chart-area\" fill=\"" C_LINE "\""
		    " fill-opacity=\"0.08\" stroke=\"none\" d=\"");
		add_series(b, c->cur, ncur, &g, 1);
		buf_adds(b, "\"/><path class=\"chart-line\" fill=\"none\" stroke=\""
		    C_LINE "\" stroke-width=\"2\" stroke-linejoin=\"round\""
		    " stroke-linecap=\"round\" d=\"");
		add_series(b, c->cur, ncur, &g, 0);
		buf_adds(b, "\"/>");
	}

	/* One hover target per slot, its <title> the tooltip. */
	buf_adds(b, "<g class=\"chart-pts\">");
	for (i = 0; i < g.n; i++) {
		x = gx(&g, i);
		hx0 = g.n > 1 ? x - slot / 2 : g.x0;
		hx1 = g.n > 1 ? x + slot / 2 : g.x1;
		hx0 = hx0 < g.x0 ? g.x0 : hx0;
		hx1 = hx1 > g.x1 ? g.x1 : hx1;
		buf_adds(b, "<g class=\"chart-pt\"><title>");
		add_tooltip(b, c, metric, prev_name, ncur, nprev, i, k);
		buf_addf(b, "</title><rect class=\"chart-hit\" x=\"%.1f\" y=\"%.1f\""
		    " width=\"%.1f\" height=\"%.1f\" fill=\"none\""
		    " pointer-events=\"all\"/>", hx0, g.y0, hx1 - hx0,
		    g.y1 - g.y0);
		if (i < ncur && point_ok(&c->cur[i]))
			buf_addf(b, "<circle class=\"chart-dot\" cx=\"%.1f\""
			    " cy=\"%.1f\" r=\"%s\" fill=\"" C_DOT_FILL "\""
			    " stroke=\"" C_LINE "\" stroke-width=\"1.5\"/>", x,
			    gy(&g, c->cur[i].value), dense ? "2" : "3");
		buf_adds(b, "</g>");
	}
	buf_adds(b, "</g>");

	if (!has_data)
		buf_addf(b, "<text class=\"chart-empty\" x=\"%.1f\" y=\"%.1f\""
		    " text-anchor=\"middle\" font-size=\"14\" fill=\"" C_TEXT
		    "\">No data</text>", (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2);
	buf_adds(b, "</svg>");
	buf_release(&t);
	buf_release(&id);
}

void
chart_sparkline(struct buf *b, const double *v, size_t n, int width,
    int height, const char *title)
{
	double max = 0, pad = 2, x = 0, y = 0, top;
	size_t i;
	int W, H;

	W = clampi(width, 100, 16, MAX_W);
	H = clampi(height, 24, 8, MAX_H);
	if (v == NULL)
		n = 0;
	if (n > CHART_MAX_POINTS) {
		log_warn("%zu values, drawing the first %d", n, CHART_MAX_POINTS);
		n = CHART_MAX_POINTS;
	}
	for (i = 0; i < n; i++)
		if (clampv(v[i]) > max)
			max = clampv(v[i]);
	top = max > 0 ? max : 1;

	buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\""
	    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
	    W, H, W, H);
	buf_adds(b, "<title>");
	add_text(b, title, TEXT_MAX);
	buf_adds(b, "</title>");
	if (n > 0) {
		buf_addf(b, "<path class=\"spark-area\" fill=\"" C_LINE "\""
		    " fill-opacity=\"0.1\" stroke=\"none\" d=\"M%.1f %.1f",
		    n > 1 ? pad : W / 2.0, H - pad);
		for (i = 0; i < n; i++) {
			x = n > 1 ? pad + (W - 2 * pad) * (double)i /
			    (double)(n - 1) : W / 2.0;
			y = H - pad - (H - 2 * pad) * clampv(v[i]) / top;
			buf_addf(b, "L%.1f %.1f", x, y);
		}
		buf_addf(b, "L%.1f %.1fZ\"/>", n > 1 ? W - pad : W / 2.0,
		    H - pad);
		buf_adds(b, "<polyline class=\"spark-line\" fill=\"none\" stroke=\""
		    C_LINE "\" stroke-width=\"1.5\" stroke-linejoin=\"round\""
		    " stroke-linecap=\"round\" points=\"");
		for (i = 0; i < n; i++) {
			x = n > 1 ? pad + (W - 2 * pad) * (double)i /
			    (double)(n - 1) : W / 2.0;
			y = H - pad - (H - 2 * pad) * clampv(v[i]) / top;
			buf_addf(b, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
		}
		/* The latest value as a dot: a single value shows too. */
		buf_addf(b, "\"/><circle class=\"spark-dot\" cx=\"%.1f\""
		    " cy=\"%.1f\" r=\"2\" fill=\"" C_LINE "\"/>", x, y);
	}
	buf_adds(b, "</svg>");
}
