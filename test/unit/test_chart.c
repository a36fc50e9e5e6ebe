/*
 * test_chart: CUnit suite for cgi/dashboard/chart.c: the SVG is well-formed
 * (balanced tags of the elements it draws, quoted attributes, finite
 * non-negative coordinates, no style), hostile labels come out escaped,
 * tooltips, gaps, ids, nice ticks, and the number formats.  It also writes
 * test/artifacts/chart-demo.svg and chart-demo.html for a human to open.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "chart.h"

#ifndef CHART_ARTIFACTS
#define CHART_ARTIFACTS "test/artifacts"
#endif

#define DEPTH_MAX	16

/* well_formed() says why it refuses, unless quiet. */
static int quiet;
#define FAIL(...)	return (quiet ? 0 : fprintf(stderr, __VA_ARGS__)), 0

static const char *const elements[] = {
	"svg", "title", "desc", "g", "rect", "circle", "path", "line",
	"polyline", "text", NULL
};

/* Attributes whose values are numbers (or lists, paths of them). */
static const char *const numeric[] = {
	"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "height",
	"viewBox", "d", "points", "stroke-width", "fill-opacity",
	"stroke-dasharray", "font-size", NULL
};

static int
in(const char *const *set, const char *s, size_t n)
{
	size_t i;

	for (i = 0; set[i] != NULL; i++)
		if (strlen(set[i]) == n && memcmp(set[i], s, n) == 0)
			return 1;
	return 0;
}

static int
is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == ':';
}

/* An entity as buf_add_html() writes them, at s ('&'). */
static int
entity_ok(const char *s)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&#39;", "&#96;", NULL };
	size_t i;

	for (i = 0; ents[i] != NULL; i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return 1;
	return 0;
}

/* Every byte of a numeric attribute is a digit, '.', ' ', ',', M, L or Z. */
static int
numeric_ok(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("0123456789. ,MLZ", v[i]) == NULL)
			return 0;
	return 1;
}

/*
 * A strict reading of what chart.c writes: one <svg> root, only known
 * elements, balanced, attributes double-quoted without '<', no style or
 * on* attribute, known entities only, no '>' in text.  Returns 1 when all
 * hold, else 0 with the reason on stderr.
 */
static int
well_formed(const char *s)
{
	const char *stack[DEPTH_MAX], *name, *an, *av;
	size_t slen[DEPTH_MAX], depth = 0, nlen, anlen, avlen, roots = 0;

	while (*s != '\0') {
		if (*s == '&') {
			if (!entity_ok(s))
				FAIL("bad entity at %.20s\n", s);
			s++;
			continue;
		}
		if (*s == '>')
			FAIL("raw > at %.20s\n", s);
		if (*s != '<') {
			if ((unsigned char)*s < 0x20)
				FAIL("control byte\n");
			s++;
			continue;
		}
		s++;
		if (*s == '/') {
			name = ++s;
			while (is_name(*s))
				s++;
			nlen = (size_t)(s - name);
			if (*s != '>' || depth == 0 || slen[depth - 1] != nlen ||
			    memcmp(stack[depth - 1], name, nlen) != 0)
				FAIL("bad close at %.20s\n", name);
			depth--;
			s++;
			continue;
		}
		name = s;
		while (is_name(*s))
			s++;
		nlen = (size_t)(s - name);
		if (!in(elements, name, nlen))
			FAIL("element %.*s\n", (int)nlen, name);
		if (depth == 0 && roots++ > 0)
			FAIL("second root\n");
		if (depth == 0 && (nlen != 3 || memcmp(name, "svg", 3) != 0))
			FAIL("root is not svg\n");
		for (;;) {
			while (*s == ' ')
				s++;
			if (*s == '>' || (s[0] == '/' && s[1] == '>'))
				break;
			an = s;
			while (is_name(*s))
				s++;
			anlen = (size_t)(s - an);
			if (anlen == 0 || s[0] != '=' || s[1] != '"')
				FAIL("bad attribute at %.20s\n", an);
			if ((anlen == 5 && strncmp(an, "style", 5) == 0) ||
			    strncmp(an, "on", 2) == 0)
				FAIL("attribute %.*s\n", (int)anlen, an);
			av = s += 2;
			while (*s != '"' && *s != '\0') {
				if (*s == '<' || *s == '>')
					FAIL("< > in value\n");
				if (*s == '&' && !entity_ok(s))
					FAIL("bad entity\n");
				s++;
			}
			if (*s != '"')
				FAIL("unterminated value\n");
			avlen = (size_t)(s - av);
			s++;
			if (in(numeric, an, anlen) && !numeric_ok(av, avlen))
				FAIL("%.*s=\"%.*s\"\n", (int)anlen,
				    an, (int)avlen, av);
		}
		if (*s == '/') {
			s += 2;
			continue;
		}
		s++;
		if (depth == DEPTH_MAX)
			FAIL("too deep\n");
		stack[depth] = name;
		slen[depth++] = nlen;
	}
	if (depth != 0 || roots != 1)
		FAIL("depth %zu roots %zu\n", depth, roots);
	return 1;
}

/* The checker itself refuses what it should. */
static void
test_checker(void)
{
	static const char *const bad[] = {
		"<svg><script>x</script></svg>",
		"<svg style=\"x\"></svg>",
		"<svg onload=\"x\"></svg>",
		"<svg x=\"nan\"></svg>",
		"<svg x=\"-1.0\"></svg>",
		"<svg d=\"M1 inf\"></svg>",
		"<svg><g></svg>",
		"<svg><g></g>",
		"<svg></svg><svg></svg>",
		"<g></g>",
		"<svg>a > b</svg>",
		"<svg>a &b</svg>",
		"<svg x='1'></svg>",
		"<svg title=\"<\"></svg>",
		"<svg>\x01</svg>",
		"<svg><title>\"><svg onload=x></title></svg>",
	};
	size_t i;

	CU_ASSERT(well_formed("<svg a=\"&amp;\"><g><title>&lt;&#39;</title>"
	    "<rect x=\"1.0\" d=\"M1 2L3 4Z\"/></g></svg>"));
	quiet = 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT(!well_formed(bad[i]));
		if (well_formed(bad[i]))
			fprintf(stderr, "accepted %s\n", bad[i]);
	}
	quiet = 0;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* No "nan" or "inf" anywhere, in any case. */
static int
finite_only(const char *s)
{
	return strcasestr(s, "nan") == NULL && strcasestr(s, "inf") == NULL;
}

#define CHECK_SVG(s) do {						\
	CU_ASSERT(well_formed(s));					\
	CU_ASSERT(finite_only(s));					\
	CU_ASSERT_PTR_NULL(strstr((s), "style"));			\
} while (0)

/* The texts of the elements with class cls, joined by '|'. */
static void
texts_of(struct buf *out, const char *svg, const char *cls)
{
	struct buf pat = BUF_INIT;
	const char *p, *e;

	buf_addf(&pat, "class=\"%s\"", cls);
	for (p = svg; (p = strstr(p, pat.ptr)) != NULL; p = e) {
		p = strchr(p, '>') + 1;
		e = strchr(p, '<');
		if (out->len > 0)
			buf_addch(out, '|');
		buf_add(out, p, (size_t)(e - p));
	}
	buf_release(&pat);
}

/* Labels for make_points(), handed out in turn. */
static char labels[1024][16];
static size_t labels_next;

static void
make_points(struct chart_point *p, size_t n, int month, double base)
{
	char *l;
	size_t i;

	for (i = 0; i < n; i++) {
		l = labels[labels_next++ % 1024];
		snprintf(l, sizeof(labels[0]), "2026-%02d-%02zu", month,
		    i % 31 + 1);
		p[i].label = l;
		p[i].value = base + (double)((i * 37) % 11) * base / 10;
		p[i].has_value = 1;
	}
}

static void
test_basic(void)
{
	struct chart_point cur[30], prev[30];
	struct chart c = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 30; i++) {
		cur[i] = (struct chart_point){ NULL, 1000 + 10 * i, 1 };
		prev[i] = (struct chart_point){ NULL, 900 + 5 * i, 1 };
	}
	cur[28].label = "2026-03-29";
	cur[28].value = 1234;
	prev[28].label = "2026-02-27";
	prev[28].value = 1100;
	c.id = "visitors";
	c.title = "Unique visitors, last 30 days";
	c.metric = "Visitors";
	c.cur = cur;
	c.ncur = 30;
	c.prev = prev;
	c.nprev = 30;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_EQUAL(strncmp(b.ptr, "<svg ", 5), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "xmlns=\"http://www.w3.org/2000/svg\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, " role=\"img\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, " width=\"100%\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "aria-labelledby=\"visitors-title\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title id=\"visitors-title\">Unique visitors, last 30 days</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "aria-describedby=\"visitors-desc\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<desc id=\"visitors-desc\">"));
	/* A <title> per point, plus the chart's own. */
	CU_ASSERT_EQUAL(count(b.ptr, "<g class=\"chart-pt\"><title>"), 30);
	CU_ASSERT_EQUAL(count(b.ptr, "<title"), 31);
	CU_ASSERT_EQUAL(count(b.ptr, "<circle class=\"chart-dot\""), 30);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>2026-03-29 \xe2\x80\x94 "
	    "Visitors: 1,234 (Previous period, 2026-02-27: 1,100)</title>"));
	/* A point without labels still names the metric and both values. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title>Visitors: 1,000 (Previous period: 900)</title>"));
	/* The previous period is dashed, with a legend. */
	CU_ASSERT_EQUAL(count(b.ptr, "<path class=\"chart-prev\""), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "stroke-dasharray=\"4 3\""));
	CU_ASSERT_EQUAL(count(b.ptr, "class=\"chart-legend\""), 1);
	CU_ASSERT_EQUAL(count(b.ptr, "<path class=\"chart-line\""), 1);
	CU_ASSERT_EQUAL(count(b.ptr, "<path class=\"chart-area\""), 1);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "No data"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Highest: 1,290"));

	/* Without the previous period: no dashed line, no legend. */
	buf_reset(&b);
	c.prev = NULL;
	c.nprev = 30;	/* ignored without points */
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "chart-prev"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "chart-legend"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "Previous"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title>2026-03-29 \xe2\x80\x94 Visitors: 1,234</title>"));
	CU_ASSERT_EQUAL(count(b.ptr, "<title"), 31);
	buf_release(&b);
}

static void
test_escaping(void)
{
	static const char *const evil[] = {
		"<script>alert(1)</script>",
		"\"><svg onload=x>",
		"]]><x",
		"a'b&c`d",
		"tab\there\x01\x1b" "bad\xff\xc3(end",
	};
	struct chart_point cur[5], prev[5];
	struct chart c = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 5; i++) {
		cur[i] = (struct chart_point){ evil[i], (double)i, 1 };
		prev[i] = (struct chart_point){ evil[4 - i], (double)i, 1 };
	}
	c.id = "\"><svg onload=x>";
	c.title = "<script>alert(1)</script>";
	c.metric = "\"><svg onload=x>";
	c.prev_name = "<b>&amp;</b>";
	c.cur = cur;
	c.ncur = 5;
	c.prev = prev;
	c.nprev = 5;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<script"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "</script"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "\"><svg onload=x>"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<svg onload"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "]]>"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<b>"));
	CU_ASSERT_EQUAL(count(b.ptr, "<svg"), 1);
	CU_ASSERT_PTR_NULL(strchr(b.ptr, '\x01'));
	CU_ASSERT_PTR_NULL(strchr(b.ptr, '\t'));
	CU_ASSERT_PTR_NULL(strchr(b.ptr, '\xff'));
	/* Escaped, in the titles and the tooltips. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    ">&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title>&lt;script&gt;alert(1)&lt;/script&gt; \xe2\x80\x94 "
	    "&quot;&gt;&lt;svg onload=x&gt;: 0 (&lt;b&gt;&amp;amp;&lt;/b&gt;, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "]]&gt;&lt;x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "a&#39;b&amp;c&#96;d"));
	/* Controls as spaces, bytes that are not UTF-8 as U+FFFD. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "tab here  bad\xef\xbf\xbd\xef\xbf\xbd(end"));
	/* The id is sanitised, so the escaped text never lands in an id. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "id=\"c----svg-onload-x--title\""));
	buf_release(&b);
}

/* Every id="..." and aria-*by="..." value of s matches [a-z0-9-]+. */
static int
ids_ok(const char *s, const char *want_title_id)
{
	static const char *const keys[] = { " id=\"", "aria-labelledby=\"",
	    "aria-describedby=\"", NULL };
	const char *p, *e;
	size_t i, n = 0;

	for (i = 0; keys[i] != NULL; i++)
		for (p = s; (p = strstr(p, keys[i])) != NULL; p = e) {
			p += strlen(keys[i]);
			e = strchr(p, '"');
			if (e == p || strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
			    (size_t)(e - p))
				return 0;
			n++;
		}
	return n == 4 && strstr(s, want_title_id) != NULL;
}

static void
test_ids(void)
{
	static const struct {
		const char *id, *want;
	} cases[] = {
		{ "visitors", "id=\"visitors-title\"" },
		{ "Top Pages #1", "id=\"top-pages--1-title\"" },
		{ "1st", "id=\"c-1st-title\"" },
		{ "-x", "id=\"c--x-title\"" },
		{ NULL, "id=\"chart-title\"" },
		{ "", "id=\"chart-title\"" },
		{ "caf\xc3\xa9", "id=\"caf---title\"" },
		{ "a<b>\"c'", "id=\"a-b--c--title\"" },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		    "id=\"abcdefghijklmnopqrstuvwxyzabcdefghijklmn-title\"" },
	};
	struct chart_point p[2] = { { "a", 1, 1 }, { "b", 2, 1 } };
	struct chart c = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	c.cur = p;
	c.ncur = 2;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		c.id = cases[i].id;
		chart_svg(&b, &c);
		CHECK_SVG(b.ptr);
		CU_ASSERT(ids_ok(b.ptr, cases[i].want));
		if (!ids_ok(b.ptr, cases[i].want))
			fprintf(stderr, "id case %zu: %.300s\n", i, b.ptr);
	}
	buf_release(&b);
}

static void
test_gaps(void)
{
	struct chart_point cur[10], prev[12];
	struct chart c = { 0 };
	struct buf b = BUF_INIT;
	const char *d;
	size_t i, moves;

	make_points(cur, 10, 3, 100);
	make_points(prev, 12, 2, 80);
	cur[3].has_value = 0;
	cur[4].has_value = 0;
	cur[7].has_value = 0;
	cur[4].value = NAN;
	prev[0].value = INFINITY;	/* not finite: a gap too */
	c.metric = "Visitors";
	c.cur = cur;
	c.ncur = 10;
	c.prev = prev;
	c.nprev = 12;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	/* Twelve slots (the longer series), dots only where there is a value. */
	CU_ASSERT_EQUAL(count(b.ptr, "<g class=\"chart-pt\">"), 12);
	CU_ASSERT_EQUAL(count(b.ptr, "<circle class=\"chart-dot\""), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>2026-03-04 \xe2\x80\x94 "
	    "Visitors: no data (Previous period, 2026-02-04: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "(Previous period, 2026-02-01: no data)</title>"));
	/* Slots past the current series show the previous period alone. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>Previous period, 2026-02-12: "));
	/* The line breaks at gaps: three runs, three moves. */
	d = strstr(b.ptr, "<path class=\"chart-line\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	d = strstr(d, " d=\"") + 4;
	for (moves = 0, i = 0; d[i] != '"'; i++)
		moves += d[i] == 'M';
	CU_ASSERT_EQUAL(moves, 3);
	d = strstr(b.ptr, "<path class=\"chart-area\"");
	d = strstr(d, " d=\"") + 4;
	for (moves = 0, i = 0; d[i] != '"'; i++)
		moves += d[i] == 'Z';
	CU_ASSERT_EQUAL(moves, 3);
	d = strstr(b.ptr, "<path class=\"chart-prev\"");
	d = strstr(d, " d=\"") + 4;
	for (moves = 0, i = 0; d[i] != '"'; i++)
		moves += d[i] == 'M';
	CU_ASSERT_EQUAL(moves, 1);

	/* Every point a gap: the grid, the tooltips and "No data". */
	buf_reset(&b);
	for (i = 0; i < 10; i++)
		cur[i].has_value = 0;
	c.prev = NULL;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, ">No data</text>"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "chart-tick"));	/* grid, no scale */
	CU_ASSERT_EQUAL(count(b.ptr, "<g class=\"chart-pt\">"), 10);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "chart-line"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<circle"));
	buf_release(&b);
}

static void
test_edges(void)
{
	struct chart_point p[4000], one = { "2026-01-01", 5, 1 };
	struct chart c = { 0 };
	struct buf b = BUF_INIT;
	size_t i;

	/* Empty. */
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, ">No data</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<desc id=\"chart-desc\">No data.</desc>"));
	CU_ASSERT_EQUAL(count(b.ptr, "<title"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title id=\"chart-title\">Value</title>"));

	/* One point. */
	buf_reset(&b);
	c.cur = &one;
	c.ncur = 1;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_EQUAL(count(b.ptr, "<circle"), 1);
	CU_ASSERT_EQUAL(count(b.ptr, "class=\"chart-xlabel\""), 1);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "No data"));

	/* All zero, huge, negative, NaN and infinite values; odd sizes. */
	for (i = 0; i < 4000; i++)
		p[i] = (struct chart_point){ "x", 0, 1 };
	c.cur = p;
	c.ncur = 30;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "No data"));	/* zeros are data */
	p[3].value = 1e12;
	p[4].value = -50;
	p[5].value = NAN;
	p[6].value = INFINITY;
	p[7].value = -INFINITY;
	p[8].value = 1e300;
	p[9].value = -0.0;
	c.width = -5;
	c.height = 1 << 30;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "viewBox=\"0 0 640 2000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Value: 1,000,000,000,000<"));
	/* 1e300 is clamped to CHART_MAX_VALUE. */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Value: 1,000,000,000,000,000<"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Value: no data<"));	/* NaN */
	c.percent = 1;
	c.width = 1;
	c.height = 1;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	c.percent = 0;
	c.seconds = 1;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	c.seconds = 0;

	/* Many points: dots only on hover, x labels thinned; prev alone. */
	for (i = 0; i < 4000; i++)
		p[i].value = (double)(i % 97);
	c.ncur = 0;
	c.prev = p;
	c.nprev = 4000;
	c.width = 0;
	c.height = 0;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "class=\"chart chart-dense\""));
	CU_ASSERT_EQUAL(count(b.ptr, "<g class=\"chart-pt\">"), 4000);
	CU_ASSERT(count(b.ptr, "class=\"chart-xlabel\"") < 100);
	buf_release(&b);
}

/* The y tick labels of a one-point chart of value max. */
static void
ticks_for(struct buf *out, double max, int percent, int seconds)
{
	struct chart_point p = { "d", max, 1 };
	struct chart c = { 0 };
	struct buf b = BUF_INIT;

	c.cur = &p;
	c.ncur = 1;
	c.percent = percent;
	c.seconds = seconds;
	chart_svg(&b, &c);
	CU_ASSERT(well_formed(b.ptr));
	buf_reset(out);
	texts_of(out, b.ptr, "chart-tick");
	buf_release(&b);
}

static void
test_ticks(void)
{
	static const struct {
		double max;
		int percent, seconds;
		const char *want;
	} cases[] = {
		{ 0, 0, 0, "0|1|2" },
		{ 1, 0, 0, "0|1|2" },
		{ 5, 0, 0, "0|2|4|6" },
		{ 7, 0, 0, "0|2|4|6|8" },
		{ 10, 0, 0, "0|5|10" },
		{ 100, 0, 0, "0|50|100" },
		{ 101, 0, 0, "0|50|100|150" },
		{ 1234, 0, 0, "0|500|1k|1.5k" },
		{ 9000, 0, 0, "0|5k|10k" },
		{ 45000, 0, 0, "0|20k|40k|60k" },
		{ 2500000, 0, 0, "0|1M|2M|3M" },
		{ 1e12, 0, 0, "0|500B|1T" },
		{ 1e300, 0, 0, "0|500T|1000T" },
		{ 73, 1, 0, "0%|20%|40%|60%|80%" },
		{ 100, 1, 0, "0%|50%|100%" },
		{ 4.2, 1, 0, "0%|2%|4%|6%" },
		{ 45, 0, 1, "0s|15s|30s|45s" },
		{ 200, 0, 1, "0s|1m|2m|3m|4m" },
		{ 150, 0, 1, "0s|1m|2m|3m" },
		{ 5400, 0, 1, "0s|30m|1h|1h 30m" },
		{ 30000, 0, 1, "0s|3h|6h|9h" },
		{ 864000, 0, 1, "0s|120h|240h" },
	};
	struct buf t = BUF_INIT;
	size_t i, n;
	double m;
	int kind;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ticks_for(&t, cases[i].max, cases[i].percent, cases[i].seconds);
		CU_ASSERT_STRING_EQUAL(t.ptr, cases[i].want);
		if (strcmp(t.ptr, cases[i].want) != 0)
			fprintf(stderr, "max %g: %s\n", cases[i].max, t.ptr);
	}
	/* 3 to 5 ticks whatever the maximum. */
	for (kind = 0; kind < 3; kind++)
		for (m = 0.3; m < 1e14; m = m * 1.37 + 1) {
			ticks_for(&t, m, kind == 1, kind == 2);
			n = count(t.ptr, "|") + 1;
			CU_ASSERT(n >= 3 && n <= 5);
			if (n < 3 || n > 5)
				fprintf(stderr, "max %g: %s\n", m, t.ptr);
		}
	buf_release(&t);
}

static void
test_xlabels(void)
{
	struct chart_point p[365];
	struct chart c = { 0 };
	struct buf b = BUF_INIT, t = BUF_INIT;
	size_t n;

	make_points(p, 365, 1, 10);
	c.cur = p;
	c.ncur = 7;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_EQUAL(count(b.ptr, "class=\"chart-xlabel\""), 7);
	texts_of(&t, b.ptr, "chart-xlabel");
	CU_ASSERT_STRING_EQUAL(t.ptr, "2026-01-01|2026-01-02|2026-01-03|"
	    "2026-01-04|2026-01-05|2026-01-06|2026-01-07");
	c.ncur = 365;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	n = count(b.ptr, "class=\"chart-xlabel\"");
	CU_ASSERT(n >= 3 && n <= 9);
	CU_ASSERT_EQUAL(count(b.ptr, "<g class=\"chart-pt\">"), 365);
	/* A long label is cut in the axis, whole in the tooltip. */
	p[0].label = "/a/very/long/path/that/goes/on/and/on";
	c.ncur = 3;
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, ">/a/very/long/pat\xe2\x80\xa6</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title>/a/very/long/path/that/goes/on/and/on \xe2\x80\x94 "));
	buf_release(&t);
	buf_release(&b);
}

static void
test_kinds(void)
{
	struct chart_point p[3] = { { "a", 42.44, 1 }, { "b", 4.25, 1 },
	    { "c", 65, 1 } };
	struct chart c = { 0 };
	struct buf b = BUF_INIT;

	c.metric = "Bounce rate";
	c.cur = p;
	c.ncur = 3;
	c.percent = 1;
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>a \xe2\x80\x94 Bounce rate: 42%</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>b \xe2\x80\x94 Bounce rate: 4.3%</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Highest: 65% (c). Latest: 65% (c)."));
	c.percent = 0;
	c.seconds = 1;
	c.metric = "Visit duration";
	buf_reset(&b);
	chart_svg(&b, &c);
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>a \xe2\x80\x94 Visit duration: 42s</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "<title>c \xe2\x80\x94 Visit duration: 1m 05s</title>"));
	c.seconds = 0;
	c.metric = "Pages per visit";
	buf_reset(&b);
	chart_svg(&b, &c);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Pages per visit: 42.4</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "Pages per visit: 65</title>"));
	buf_release(&b);
}

static void
test_sparkline(void)
{
	double v[30];
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 30; i++)
		v[i] = (double)(i * 7 % 13);
	chart_sparkline(&b, v, 30, 120, 30, "Visitors, last 30 days: 12,345");
	CHECK_SVG(b.ptr);
	CU_ASSERT_EQUAL(count(b.ptr, "<title"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr,
	    "<title>Visitors, last 30 days: 12,345</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, " role=\"img\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "viewBox=\"0 0 120 30\""));
	CU_ASSERT_EQUAL(count(b.ptr, "<polyline"), 1);
	CU_ASSERT_EQUAL(count(b.ptr, ","), 30 + 2);	/* points, and the title's */
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<text"));	/* no axes */

	buf_reset(&b);
	chart_sparkline(&b, NULL, 0, 0, 0, "<script>alert(1)</script>");
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<script"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.ptr, "&lt;script&gt;"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "<polyline"));

	v[0] = NAN;
	v[1] = INFINITY;
	v[2] = -3;
	v[3] = 1e300;
	buf_reset(&b);
	chart_sparkline(&b, v, 1, 50, 10, NULL);
	CHECK_SVG(b.ptr);
	CU_ASSERT_EQUAL(count(b.ptr, "<circle"), 1);
	buf_reset(&b);
	chart_sparkline(&b, v, 30, -1, 99999, "\"><svg onload=x>");
	CHECK_SVG(b.ptr);
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "onload=x>"));
	for (i = 0; i < 30; i++)
		v[i] = 0;
	buf_reset(&b);
	chart_sparkline(&b, v, 30, 100, 20, "zero");
	CHECK_SVG(b.ptr);
	buf_release(&b);
}

#define FMT(call, want) do {						\
	buf_reset(&b);							\
	call;								\
	CU_ASSERT_STRING_EQUAL(b.ptr, want);				\
	if (strcmp(b.ptr, want) != 0)					\
		fprintf(stderr, "%s: %s, not %s\n", #call, b.ptr, want);	\
} while (0)

static void
test_fmt(void)
{
	struct buf b = BUF_INIT;

	FMT(fmt_count(&b, 0), "0");
	FMT(fmt_count(&b, 7), "7");
	FMT(fmt_count(&b, 999), "999");
	FMT(fmt_count(&b, 1000), "1,000");
	FMT(fmt_count(&b, 1234567), "1,234,567");
	FMT(fmt_count(&b, 100000), "100,000");
	FMT(fmt_count(&b, -1234), "-1,234");
	FMT(fmt_count(&b, LLONG_MAX), "9,223,372,036,854,775,807");
	FMT(fmt_count(&b, LLONG_MIN), "-9,223,372,036,854,775,808");

	FMT(fmt_compact(&b, 0), "0");
	FMT(fmt_compact(&b, 999), "999");
	FMT(fmt_compact(&b, 1000), "1k");
	FMT(fmt_compact(&b, 1234), "1.2k");
	FMT(fmt_compact(&b, 9960), "10k");
	FMT(fmt_compact(&b, 12345), "12k");
	FMT(fmt_compact(&b, 999499), "999k");
	FMT(fmt_compact(&b, 999999), "1M");
	FMT(fmt_compact(&b, 1.2e6), "1.2M");
	FMT(fmt_compact(&b, 3.4e9), "3.4B");
	FMT(fmt_compact(&b, 5e12), "5T");
	FMT(fmt_compact(&b, 2.5), "2.5");
	FMT(fmt_compact(&b, -1500), "-1.5k");
	FMT(fmt_compact(&b, -0.01), "0");
	FMT(fmt_compact(&b, NAN), "0");
	FMT(fmt_compact(&b, -INFINITY), "0");
	buf_reset(&b);
	fmt_compact(&b, 1e300);
	CU_ASSERT(finite_only(b.ptr));
	CU_ASSERT_EQUAL(b.ptr[b.len - 1], 'T');

	FMT(fmt_duration(&b, 0), "0s");
	FMT(fmt_duration(&b, 45), "45s");
	FMT(fmt_duration(&b, 60), "1m 00s");
	FMT(fmt_duration(&b, 185), "3m 05s");
	FMT(fmt_duration(&b, 3599), "59m 59s");
	FMT(fmt_duration(&b, 3720), "1h 02m");
	FMT(fmt_duration(&b, 93600), "26h 00m");
	FMT(fmt_duration(&b, -5), "0s");
	FMT(fmt_duration(&b, LLONG_MIN), "0s");
	buf_reset(&b);
	fmt_duration(&b, LLONG_MAX);
	CU_ASSERT(b.len > 0 && b.ptr[b.len - 1] == 'm');

	FMT(fmt_percent(&b, 42), "42%");
	FMT(fmt_percent(&b, 42.4), "42%");
	FMT(fmt_percent(&b, 42.5), "43%");
	FMT(fmt_percent(&b, 4.23), "4.2%");
	FMT(fmt_percent(&b, 5), "5%");
	FMT(fmt_percent(&b, 9.96), "10%");
	FMT(fmt_percent(&b, 0), "0%");
	FMT(fmt_percent(&b, 0.04), "0%");
	FMT(fmt_percent(&b, -0.04), "0%");
	FMT(fmt_percent(&b, 100), "100%");
	FMT(fmt_percent(&b, NAN), "0%");
	FMT(fmt_percent(&b, INFINITY), "0%");
	buf_reset(&b);
	fmt_percent(&b, 1e300);
	CU_ASSERT(finite_only(b.ptr));

	/* They append. */
	buf_reset(&b);
	buf_adds(&b, "n=");
	fmt_count(&b, 1500);
	buf_addch(&b, ' ');
	fmt_compact(&b, 1500);
	CU_ASSERT_STRING_EQUAL(b.ptr, "n=1,500 1.5k");
	buf_release(&b);
}

/* Write s to dir/name through a temporary file, so a reader never sees half. */
static int
write_artifact(const char *name, const struct buf *s)
{
	struct buf path = BUF_INIT, tmp = BUF_INIT;
	FILE *f;
	int rc = -1;

	if (mkdir(CHART_ARTIFACTS, 0755) == -1 && errno != EEXIST)
		goto out;
	buf_addf(&path, "%s/%s", CHART_ARTIFACTS, name);
	buf_addf(&tmp, "%s.%ld.tmp", path.ptr, (long)getpid());
	if ((f = fopen(tmp.ptr, "w")) == NULL)
		goto out;
	if (fwrite(s->ptr, 1, s->len, f) != s->len) {
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp.ptr, path.ptr) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		remove(tmp.ptr);
	buf_release(&tmp);
	buf_release(&path);
	return rc;
}

static void
test_demo(void)
{
	struct chart_point cur[30], prev[30], pct[30], dur[30];
	struct chart c = { 0 };
	struct buf svg = BUF_INIT, html = BUF_INIT;
	double spark[30];
	size_t i;

	make_points(cur, 30, 3, 1200);
	make_points(prev, 30, 2, 1000);
	for (i = 0; i < 30; i++) {
		pct[i] = cur[i];
		pct[i].value = 40 + (double)((i * 13) % 17);
		dur[i] = cur[i];
		dur[i].value = 60 + (double)((i * 29) % 23) * 9;
		spark[i] = cur[i].value;
	}
	cur[12].has_value = 0;
	cur[5].label = "<script>alert(1)</script>";
	c.id = "visitors";
	c.title = "Unique visitors, last 30 days";
	c.metric = "Visitors";
	c.cur = cur;
	c.ncur = 30;
	c.prev = prev;
	c.nprev = 30;
	chart_svg(&svg, &c);
	CHECK_SVG(svg.ptr);
	CU_ASSERT_EQUAL(write_artifact("chart-demo.svg", &svg), 0);

	buf_adds(&html, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>TrackR chart demo</title>"
	    "<link rel=\"stylesheet\" href=\"../../public/css/app.css\">"
	    "</head><body><main class=\"page\"><div class=\"card\">"
	    "<h2>Visitors, with the previous period and a gap</h2>\n");
	buf_add(&html, svg.ptr, svg.len);
	buf_adds(&html, "\n<h2>Bounce rate</h2>\n");
	c.id = "bounce";
	c.title = "Bounce rate, last 30 days";
	c.metric = "Bounce rate";
	c.cur = pct;
	c.prev = NULL;
	c.percent = 1;
	chart_svg(&html, &c);
	buf_adds(&html, "\n<h2>Visit duration</h2>\n");
	c.id = "duration";
	c.title = "Visit duration, last 30 days";
	c.metric = "Visit duration";
	c.cur = dur;
	c.percent = 0;
	c.seconds = 1;
	chart_svg(&html, &c);
	buf_adds(&html, "\n<h2>No data</h2>\n");
	c.id = "empty";
	c.title = "Nothing yet";
	c.ncur = 0;
	chart_svg(&html, &c);
	buf_adds(&html, "\n<h2>Sparkline</h2>\n<p>Visitors ");
	chart_sparkline(&html, spark, 30, 120, 28,
	    "Visitors, last 30 days: 36,000");
	buf_adds(&html, "</p></div></main></body></html>\n");
	CU_ASSERT_EQUAL(write_artifact("chart-demo.html", &html), 0);
	buf_release(&html);
	buf_release(&svg);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("chart", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "the checker refuses", test_checker) == NULL ||
	    CU_add_test(s, "chart with previous period", test_basic) == NULL ||
	    CU_add_test(s, "hostile labels escaped", test_escaping) == NULL ||
	    CU_add_test(s, "ids sanitised", test_ids) == NULL ||
	    CU_add_test(s, "gaps", test_gaps) == NULL ||
	    CU_add_test(s, "empty, single, odd values and sizes", test_edges) == NULL ||
	    CU_add_test(s, "nice y ticks", test_ticks) == NULL ||
	    CU_add_test(s, "x labels thinned and cut", test_xlabels) == NULL ||
	    CU_add_test(s, "percentages and durations", test_kinds) == NULL ||
	    CU_add_test(s, "sparkline", test_sparkline) == NULL ||
	    CU_add_test(s, "number formats", test_fmt) == NULL ||
	    CU_add_test(s, "demo artifact", test_demo) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
