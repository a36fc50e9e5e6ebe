/*
 * overview: the site overview (metrics with their change, the time
 * series against the previous period, top lists) and the organisation's
 * sites with a sparkline each.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "log.h"

#include "dashboard.h"

/*
 * The overview's cards, in page order, each with tabs: every breakdown
 * has its top list here.  The tab shown is a query parameter, so the
 * tabs work without JavaScript and a view keeps them when bookmarked.
 */
#define TABS_MAX	7
static const struct card {
	const char	*param;		/* "tp": which tab, by slug */
	const char	*title;		/* the card's heading */
	enum dim	 tabs[TABS_MAX];
	size_t		 ntabs;
} cards[] = {
	{ "tp", "Pages", { DIM_PAGE, DIM_ENTRY, DIM_EXIT }, 3 },
	{ "ts", "Sources", { DIM_SOURCE, DIM_REFERRER, DIM_UTM_SOURCE, DIM_UTM_MEDIUM,
	    DIM_UTM_CAMPAIGN, DIM_UTM_TERM, DIM_UTM_CONTENT }, 7 },
	{ "tl", "Locations", { DIM_COUNTRY }, 1 },
	{ "td", "Devices", { DIM_DEVICE, DIM_BROWSER, DIM_BROWSER_VERSION, DIM_OS,
	    DIM_OS_VERSION, DIM_SCREEN }, 6 },
	{ "te", "Events", { DIM_EVENT, DIM_PROP }, 2 },
};
#define NCARDS (sizeof(cards) / sizeof(cards[0]))

/* The reports reachable from "All reports". */
static const enum dim more[] = {
	DIM_PAGE, DIM_ENTRY, DIM_EXIT, DIM_SOURCE, DIM_REFERRER, DIM_UTM_SOURCE,
	DIM_UTM_MEDIUM, DIM_UTM_CAMPAIGN, DIM_UTM_TERM, DIM_UTM_CONTENT, DIM_COUNTRY,
	DIM_DEVICE, DIM_BROWSER, DIM_BROWSER_VERSION, DIM_OS, DIM_OS_VERSION, DIM_SCREEN,
	DIM_EVENT, DIM_PROP,
};

static const struct chart_metric {
	const char	*key;
	const char	*label;
	int		 percent, seconds;
} chart_metrics[] = {
	{ "visitors", "Unique visitors", 0, 0 },
	{ "visits", "Visits", 0, 0 },
	{ "pageviews", "Page views", 0, 0 },
	{ "views_per_visit", "Views per visit", 0, 0 },
	{ "bounce_rate", "Bounce rate", 1, 0 },
	{ "visit_duration", "Visit duration", 0, 1 },
};
#define NCHART_METRICS (sizeof(chart_metrics) / sizeof(chart_metrics[0]))

/* Metric i of m as a number. */
static double
metric_value(size_t i, const struct metrics *m)
{
	switch (i) {
	case 0:
		return (double)m->visitors;
	case 1:
		return (double)m->visits;
	case 2:
		return (double)m->pageviews;
	case 3:
		return m->visits ? (double)m->pageviews / (double)m->visits : 0;
	case 4:
		return m->visits ? 100.0 * (double)m->bounces / (double)m->visits : 0;
	default:
		return m->visits ? (double)m->duration / (double)m->visits : 0;
	}
}

/*
 * The main value a breakdown row shows, by dimension: custom events count
 * conversions (visitors who sent it); pages and the rest, visitors.
 */
json_object *
breakdown_rows(struct ctx *c, enum dim d, const struct brows *rows, const char *sub)
{
	json_object *list = json_object_new_array(), *o;
	struct buf b = BUF_INIT;
	long long top = 0, pct;
	size_t i;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i].m.visitors > top)
			top = rows->v[i].m.visitors;
	for (i = 0; i < rows->n; i++) {
		const struct brow *r = &rows->v[i];

		o = json_object_new_object();
		buf_reset(&b);
		value_label(d, r->value, &b);
		view_str(o, "label", b.ptr);
		view_str(o, "value", r->value);
		buf_reset(&b);
		if (filter_link(c, &b, sub, d, r->value) == 0)
			view_str(o, "href", b.ptr);
		json_object_object_add(o, "m", metrics_view(&r->m, NULL));
		/* The bar behind a row, in steps of 5%: a class, as CSP forbids style="". */
		pct = top ? (r->m.visitors * 20 + top / 2) / top * 5 : 0;
		buf_reset(&b);
		buf_addf(&b, "w%lld", pct);
		view_str(o, "bar", b.ptr);
		if (d == DIM_PAGE || d == DIM_ENTRY || d == DIM_EXIT)
			json_object_object_add(o, "is_page", json_object_new_boolean(1));
		json_object_array_add(list, o);
	}
	buf_release(&b);
	return list;
}

/* The chosen tab of each card, from the query (the first tab when absent or unknown). */
static void
chosen_tabs(struct ctx *c, enum dim *sel)
{
	const char *v;
	size_t i, k;

	for (i = 0; i < NCARDS; i++) {
		sel[i] = cards[i].tabs[0];
		if ((v = qparam(c, cards[i].param)) == NULL)
			continue;
		for (k = 0; k < cards[i].ntabs; k++)
			if (strcmp(v, dims[cards[i].tabs[k]].slug) == 0)
				sel[i] = cards[i].tabs[k];
	}
}

/*
 * The overview's address with a chart metric (NULL: the default) and
 * the cards' tabs, card ci showing d (ci past the cards: as they are).
 */
static void
overview_link(struct ctx *c, struct buf *out, const enum dim *sel, size_t ci, enum dim d,
    const char *metric)
{
	size_t i;

	report_link(c, out, "", NULL);
	if (metric != NULL)
		buf_addf(out, "&metric=%s", metric);
	for (i = 0; i < NCARDS; i++)
		if ((i == ci ? d : sel[i]) != cards[i].tabs[0])
			buf_addf(out, "&%s=%s", cards[i].param, dims[i == ci ? d : sel[i]].slug);
	if (ci < NCARDS)
		buf_addf(out, "#card-%s", cards[ci].param);
}

static json_object *
top_list(struct ctx *c, enum dim d, int *err)
{
	json_object *o = json_object_new_object();
	struct brows rows;
	struct buf b = BUF_INIT;

	view_str(o, "title", dims[d].title);
	view_str(o, "label", dims[d].label);
	view_str(o, "key", dims[d].key);
	if (q_breakdown(&c->q, &c->period, &c->filters, d, SORT_VISITORS, 1, 0, TOP_ROWS,
	    &rows) == -1) {
		*err = 1;
		return o;
	}
	json_object_object_add(o, "rows", breakdown_rows(c, d, &rows, ""));
	if (rows.n == 0)
		json_object_object_add(o, "empty", json_object_new_boolean(1));
	buf_addch(&b, '/');
	buf_adds(&b, dims[d].slug);
	buf_reset(&c->tmp);
	report_link(c, &c->tmp, b.ptr, NULL);
	view_str(o, "more", c->tmp.ptr);
	if (d == DIM_EVENT)
		json_object_object_add(o, "events", json_object_new_boolean(1));
	brows_free(&rows);
	buf_release(&b);
	return o;
}

/* Chart points of metric mi over a series; labels from the period's buckets. */
static struct chart_point *
points(struct ctx *c, const struct period *p, const struct metrics *s, size_t n, size_t mi,
    char (*labels)[PERIOD_LABEL_MAX], long cut)
{
	struct chart_point *pt = xcalloc(n ? n : 1, sizeof(*pt));
	long long start, end;
	size_t i;

	for (i = 0; i < n; i++) {
		period_bucket(p, c->qs.tz, i, &start, &end, labels[i], PERIOD_LABEL_MAX);
		pt[i].label = labels[i];
		pt[i].value = metric_value(mi, &s[i]);
		/* The future is no data, not zero. */
		pt[i].has_value = start <= c->now && (cut < 0 || (long)i < cut);
	}
	return pt;
}

/* One value of a chart metric as text, for the table under the chart. */
static void
value_text(struct buf *b, double v, int percent, int seconds, int ratio)
{
	if (percent)
		fmt_percent(b, v);
	else if (seconds)
		fmt_duration(b, (long long)(v + 0.5));
	else if (ratio)
		buf_addf(b, "%.2f", v);
	else
		fmt_count(b, (long long)(v + 0.5));
}

/*
 * The chart's numbers as rows (label, value, previous label and value),
 * for people and screen readers that cannot read the SVG.
 */
static json_object *
series_table(const struct chart_point *pc, size_t n, const struct chart_point *pp, size_t np,
    const struct chart_metric *m)
{
	json_object *list = json_object_new_array(), *o;
	struct buf b = BUF_INIT;
	int ratio = strcmp(m->key, "views_per_visit") == 0;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		view_str(o, "label", pc[i].label);
		buf_reset(&b);
		if (pc[i].has_value)
			value_text(&b, pc[i].value, m->percent, m->seconds, ratio);
		view_str(o, "value", b.ptr);
		if (i < np) {
			view_str(o, "prev_label", pp[i].label);
			buf_reset(&b);
			value_text(&b, pp[i].value, m->percent, m->seconds, ratio);
			view_str(o, "prev_value", b.ptr);
		}
		json_object_array_add(list, o);
	}
	buf_release(&b);
	return list;
}

int
h_overview(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct period prev;
	struct metrics cur, old, *s = NULL, *ps = NULL;
	struct chart_point *pc = NULL, *pp = NULL;
	char (*lc)[PERIOD_LABEL_MAX] = NULL, (*lp)[PERIOD_LABEL_MAX] = NULL;
	struct chart ch;
	struct buf svg = BUF_INIT, b = BUF_INIT, title = BUF_INIT;
	json_object *v, *list, *o, *mv;
	const char *want = qparam(c, "metric");
	size_t i, k, mi = 0, n, np;
	enum dim sel[NCARDS];
	long long live = 0;
	int err = 0, rc;

	(void)r;
	for (i = 0; want && i < NCHART_METRICS; i++)
		if (strcmp(want, chart_metrics[i].key) == 0)
			mi = i;
	period_previous(&c->period, c->qs.tz, &prev);
	if (q_aggregate(&c->q, &c->period, &c->filters, &cur) == -1 ||
	    q_aggregate(&c->q, &prev, &c->filters, &old) == -1)
		return internal_error(c, resp);

	n = period_buckets(&c->period, c->qs.tz);
	np = period_buckets(&prev, c->qs.tz);
	s = xcalloc(n ? n : 1, sizeof(*s));
	ps = xcalloc(np ? np : 1, sizeof(*ps));
	if (q_series(&c->q, &c->period, &c->filters, s) == -1 ||
	    q_series(&c->q, &prev, &c->filters, ps) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	lc = xcalloc(n ? n : 1, sizeof(*lc));
	lp = xcalloc(np ? np : 1, sizeof(*lp));
	pc = points(c, &c->period, s, n, mi, lc, -1);
	pp = points(c, &prev, ps, np, mi, lp, -1);

	v = view_new(c, resp, c->site.domain);
	if (view_site(c, v, "") == -1)
		err = 1;
	chosen_tabs(c, sel);
	mv = metrics_view(&cur, &old);
	json_object_object_add(v, "metrics", mv);

	/* The metric tiles double as the chart's metric picker. */
	list = json_object_new_array();
	for (i = 0; i < NCHART_METRICS; i++) {
		o = json_object_new_object();
		view_str(o, "key", chart_metrics[i].key);
		view_str(o, "label", chart_metrics[i].label);
		json_object_object_add(o, "m",
		    json_object_get(json_object_object_get(mv, chart_metrics[i].key)));
		buf_reset(&b);
		overview_link(c, &b, sel, NCARDS, DIM_TOTAL, i ? chart_metrics[i].key : NULL);
		view_str(o, "href", b.ptr);
		if (i == mi)
			json_object_object_add(o, "active", json_object_new_boolean(1));
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "tiles", list);

	memset(&ch, 0, sizeof(ch));
	buf_addf(&title, "%s, %s", chart_metrics[mi].label, c->period.name);
	ch.id = "main";
	ch.title = title.ptr;
	ch.metric = chart_metrics[mi].label;
	ch.cur = pc;
	ch.ncur = n;
	ch.prev = pp;
	ch.nprev = np;
	ch.prev_name = "Previous period";
	ch.percent = chart_metrics[mi].percent;
	ch.seconds = chart_metrics[mi].seconds;
	chart_svg(&svg, &ch);
	view_str(v, "chart", svg.ptr);
	/* A phone gets its own drawing: the wide one's text would be tiny there. */
	buf_reset(&svg);
	ch.id = "main-narrow";
	ch.width = 360;
	ch.height = 260;
	chart_svg(&svg, &ch);
	view_str(v, "chart_narrow", svg.ptr);
	view_str(v, "chart_metric", chart_metrics[mi].label);
	json_object_object_add(v, "series", series_table(pc, n, pp, np, &chart_metrics[mi]));

	/* Who is here now, linked to the realtime page. */
	if (q_realtime(&c->q, c->now, 300, &live) == -1)
		err = 1;
	view_int(v, "live", live);
	if (live == 1)
		json_object_object_add(v, "live_one", json_object_new_boolean(1));
	buf_reset(&c->tmp);
	buf_adds(&c->tmp, c->base.ptr);
	buf_adds(&c->tmp, "/realtime");
	view_str(v, "live_href", c->tmp.ptr);

	list = json_object_new_array();
	for (i = 0; i < NCARDS; i++) {
		json_object *card = top_list(c, sel[i], &err), *tabs;

		view_str(card, "card_title", cards[i].title);
		view_str(card, "card_id", cards[i].param);
		tabs = json_object_new_array();
		for (k = 0; cards[i].ntabs > 1 && k < cards[i].ntabs; k++) {
			o = json_object_new_object();
			view_str(o, "label", dims[cards[i].tabs[k]].label);
			buf_reset(&b);
			overview_link(c, &b, sel, i, cards[i].tabs[k],
			    mi ? chart_metrics[mi].key : NULL);
			view_str(o, "href", b.ptr);
			if (cards[i].tabs[k] == sel[i])
				json_object_object_add(o, "active", json_object_new_boolean(1));
			json_object_array_add(tabs, o);
		}
		if (cards[i].ntabs > 1)
			json_object_object_add(card, "has_tabs", json_object_new_boolean(1));
		json_object_object_add(card, "tabs", tabs);
		json_object_array_add(list, card);
	}
	json_object_object_add(v, "tops", list);
	list = json_object_new_array();
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
		o = json_object_new_object();
		view_str(o, "title", dims[more[i]].title);
		buf_reset(&b);
		buf_addch(&b, '/');
		buf_adds(&b, dims[more[i]].slug);
		buf_reset(&c->tmp);
		report_link(c, &c->tmp, b.ptr, NULL);
		view_str(o, "href", c->tmp.ptr);
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "reports", list);
	if (c->period.from_day != c->period.to_day || c->filters.n)
		json_object_object_add(v, "multi_day", json_object_new_boolean(c->period.from_day != c->period.to_day));
	if (err) {
		json_object_put(v);
		rc = internal_error(c, resp);
		goto out;
	}
	rc = render(c, resp, 200, "dashboard/overview.html", v);
out:
	free(s);
	free(ps);
	free(pc);
	free(pp);
	free(lc);
	free(lp);
	buf_release(&svg);
	buf_release(&b);
	buf_release(&title);
	return rc;
}

/* ------------------------------------------------- organisation sites */

int
h_orgview(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct period p;
	struct qsite qs;
	struct qctx q;
	struct metrics m, *s;
	struct buf b = BUF_INIT;
	json_object *v, *list = json_object_new_array(), *o;
	double vals[PERIOD_DAY_BUCKETS_MAX + 2];
	const char *why;
	size_t i, n;
	int rc, err = 0;

	(void)r;
	db_arg_int(&a, c->sess.org_id);
	if ((rc = db_select_idx(c->db, STMT_SITES_OF_ORG, &a, &res)) == 0) {
		while ((rc = db_fetch(&res)) == 1) {
			const char *tzn = db_col(&res, 2, NULL);

			o = json_object_new_object();
			view_str(o, "domain", db_col(&res, 1, NULL));
			buf_reset(&b);
			buf_addf(&b, "/dash/%lld", db_col_int(&res, 0, 0));
			view_str(o, "href", b.ptr);
			json_object_array_add(list, o);
			view_str(o, "timezone", tzn ? tzn : "UTC");
			json_object_object_add(o, "sid",
			    json_object_new_int64(db_col_int(&res, 0, 0)));
		}
		rc = rc == -1 ? -1 : 0;
	}
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(list);
		return internal_error(c, resp);
	}
	/* The numbers after the listing: one statement at a time on the connection. */
	n = json_object_array_length(list);
	for (i = 0; i < n && !err; i++) {
		size_t k, nb;

		o = json_object_array_get_idx(list, i);
		memset(&qs, 0, sizeof(qs));
		qs.id = json_object_get_int64(json_object_object_get(o, "sid"));
		if ((qs.tz = tz_get(json_object_get_string(json_object_object_get(o,
		    "timezone")))) == NULL)
			qs.tz = tz_get("UTC");
		if (q_site_state(c->db, &qs, json_object_get_string(json_object_object_get(o,
		    "timezone"))) == -1 ||
		    period_resolve(&p, "30d", NULL, NULL, c->now, qs.tz, -1, &why) == -1) {
			err = 1;
			break;
		}
		memset(&q, 0, sizeof(q));
		q.db = c->db;
		q.site = &qs;
		nb = period_buckets(&p, qs.tz);
		s = xcalloc(nb ? nb : 1, sizeof(*s));
		if (q_aggregate(&q, &p, NULL, &m) == -1 || q_series(&q, &p, NULL, s) == -1)
			err = 1;
		for (k = 0; k < nb && k < sizeof(vals) / sizeof(vals[0]); k++)
			vals[k] = (double)s[k].visitors;
		free(s);
		json_object_object_add(o, "metrics", metrics_view(&m, NULL));
		buf_reset(&b);
		buf_reset(&c->tmp);
		buf_addf(&c->tmp, "Unique visitors per day, last 30 days: %lld in all", m.visitors);
		chart_sparkline(&b, vals, nb < sizeof(vals) / sizeof(vals[0]) ? nb :
		    sizeof(vals) / sizeof(vals[0]), 160, 40, c->tmp.ptr);
		view_str(o, "spark", b.ptr);
	}
	buf_release(&b);
	if (err) {
		json_object_put(list);
		return internal_error(c, resp);
	}
	v = view_new(c, resp, "Your sites");
	json_object_object_add(v, "sites", list);
	if (n == 0)
		json_object_object_add(v, "none", json_object_new_boolean(1));
	return render(c, resp, 200, "dashboard/sites.html", v);
}
