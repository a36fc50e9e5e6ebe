/*
 * report: a full breakdown (every value of one dimension, sortable, a
 * page of PAGE_ROWS at a time) and its downloads, CSV and JSON, streamed
 * row by row as the database hands them over.  Shared links run the
 * same code: every link here is made from c->base.
 *
 *   GET /dash/<site>/<slug>		?sort=<sort_keys[]>&dir=asc|desc&page=N
 *					(props: &prop=<key>)
 *   GET /dash/<site>/<slug>.csv	the same rows, all of them
 *   GET /dash/<site>/<slug>.json
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "export.h"
#include "log.h"

#include "dashboard.h"

#define PAGE_MAX	10000	/* ?page= beyond this is refused: OFFSET has a cost */
#define PROP_KEYS_MAX	50	/* property names listed on the props report */

/* What a report's columns are, by the level of its dimension. */
enum kind {
	KIND_PAGE,		/* DIM_PAGE: counted over page views */
	KIND_SESSION,		/* a column of the visit */
	KIND_EVENT,		/* custom events: conversions */
	KIND_PROP,		/* custom properties of one name */
};

/* Metrics an export fills for a kind; the others are not computed there. */
enum {
	HAS_PAGEVIEWS	= 1 << 0,
	HAS_DURATION	= 1 << 1,
};

#define COL_CR	SORT__MAX	/* the conversion rate: a column, no sort of its own */

struct column {
	unsigned	 what;		/* enum sort, or COL_CR */
	const char	*label;
};

static const struct column cols_page[] = {
	{ SORT_VISITORS, "Visitors" },
	{ SORT_PAGEVIEWS, "Page views" },
	{ SORT_VISITS, "Visits" },
	{ SORT_BOUNCE, "Bounce rate" },
};
static const struct column cols_session[] = {
	{ SORT_VISITORS, "Visitors" },
	{ SORT_VISITS, "Visits" },
	{ SORT_PAGEVIEWS, "Page views" },
	{ SORT_BOUNCE, "Bounce rate" },
	{ SORT_DURATION, "Visit duration" },
};
static const struct column cols_event[] = {
	{ SORT_VISITORS, "Conversions" },
	{ SORT_EVENTS, "Events" },
	{ COL_CR, "Conversion rate" },
};
static const struct column cols_prop[] = {
	{ SORT_VISITORS, "Visitors" },
	{ SORT_EVENTS, "Events" },
};

static const struct {
	const struct column	*cols;
	size_t			 n;
	unsigned		 has;
} kinds[] = {
	[KIND_PAGE] = { cols_page, sizeof(cols_page) / sizeof(cols_page[0]), HAS_PAGEVIEWS },
	[KIND_SESSION] = { cols_session, sizeof(cols_session) / sizeof(cols_session[0]),
	    HAS_PAGEVIEWS | HAS_DURATION },
	[KIND_EVENT] = { cols_event, sizeof(cols_event) / sizeof(cols_event[0]), 0 },
	[KIND_PROP] = { cols_prop, sizeof(cols_prop) / sizeof(cols_prop[0]), 0 },
};

/* The report's parameters, from the path and the query string. */
struct rparams {
	enum dim	 d;
	enum kind	 kind;
	enum sort	 sort;
	int		 desc;
	long		 page;		/* 1-based */
	const char	*prop;		/* DIM_PROP: the property shown; NULL: none chosen */
	const char	*ext;		/* exports: "csv" or "json"; else NULL */
};

static enum kind
kind_of(enum dim d)
{
	if (d == DIM_PAGE)
		return KIND_PAGE;
	if (d == DIM_EVENT)
		return KIND_EVENT;
	if (d == DIM_PROP)
		return KIND_PROP;
	return KIND_SESSION;
}

/* Names sort A to Z first; numbers, biggest first. */
static int
default_desc(enum sort s)
{
	return s != SORT_VALUE;
}

static int
sortable(enum kind k, enum sort s)
{
	size_t i;

	if (s == SORT_VALUE)
		return 1;
	for (i = 0; i < kinds[k].n; i++)
		if (kinds[k].cols[i].what == (unsigned)s)
			return 1;
	return 0;
}

/*
 * The parameters of this request into *p: 0, or 1 with *why (for the
 * user) when one is not valid.  front() has checked the slug and that
 * every value is text within its limit.
 */
static int
rparams_read(struct ctx *c, struct rparams *p, const char **why)
{
	const char *slug = c->sub.ptr + 1, *dot, *v;
	size_t len;
	char *end;
	long long n;

	memset(p, 0, sizeof(*p));
	*why = NULL;
	dot = strrchr(slug, '.');
	len = dot ? (size_t)(dot - slug) : strlen(slug);
	p->ext = dot ? dot + 1 : NULL;
	if (c->sub.len < 2 || (p->d = dim_by_slug(slug, len)) == DIM__MAX || p->d == DIM_GOAL ||
	    p->d == DIM_TOTAL) {
		*why = "There is no such report.";
		return 1;
	}
	p->kind = kind_of(p->d);

	p->sort = SORT_VISITORS;
	if ((v = qparam(c, "sort")) != NULL &&
	    ((p->sort = sort_by_key(v)) == SORT__MAX || !sortable(p->kind, p->sort))) {
		*why = "This report cannot be sorted by that column.";
		return 1;
	}
	p->desc = default_desc(p->sort);
	if ((v = qparam(c, "dir")) != NULL) {
		if (strcmp(v, "asc") == 0)
			p->desc = 0;
		else if (strcmp(v, "desc") == 0)
			p->desc = 1;
		else {
			*why = "The sort direction must be asc or desc.";
			return 1;
		}
	}
	p->page = 1;
	if ((v = qparam(c, "page")) != NULL) {
		if (*v < '1' || *v > '9' || strspn(v, "0123456789") != strlen(v)) {
			*why = "The page must be a whole number, 1 or more.";
			return 1;
		}
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || *end != '\0' || n < 1 || n > PAGE_MAX) {
			*why = "There is no such page of this report.";
			return 1;
		}
		p->page = (long)n;
	}
	if (p->d == DIM_PROP)
		p->prop = qparam(c, "prop");
	return 0;
}

/*
 * "&sort=..&dir=..&prop=..&page=N" for links that keep this report's
 * view: sort and dir only when not the default, page only when above 1.
 */
static void
rparams_query(const struct rparams *p, enum sort s, int desc, const char *prop, long page,
    struct buf *out)
{
	if (s != SORT_VISITORS || desc != default_desc(s))
		buf_addf(out, "&sort=%s&dir=%s", sort_keys[s], desc ? "desc" : "asc");
	if (p->d == DIM_PROP && prop != NULL) {
		buf_adds(out, "&prop=");
		buf_add_url(out, prop, strlen(prop));
	}
	if (page > 1)
		buf_addf(out, "&page=%ld", page);
}

/* A link to this report (sub "/<slug>" or "/<slug>.csv") with the extras of rparams_query. */
static void
report_href(struct ctx *c, const struct rparams *p, const char *ext, enum sort s, int desc,
    const char *prop, long page, struct buf *out)
{
	struct buf sub = BUF_INIT, extra = BUF_INIT;

	buf_addch(&sub, '/');
	buf_adds(&sub, dims[p->d].slug);
	if (ext != NULL) {
		buf_addch(&sub, '.');
		buf_adds(&sub, ext);
	}
	rparams_query(p, s, desc, prop, page, &extra);
	report_link(c, out, sub.ptr, extra.len ? extra.ptr : NULL);
	buf_release(&sub);
	buf_release(&extra);
}

static double
ratio(long long a, long long b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* The bounce rate in percent, one decimal; the mean visit in whole seconds. */
static double
bounce_rate(const struct metrics *m)
{
	return round(1000.0 * ratio(m->bounces, m->visits)) / 10.0;
}

static long long
visit_duration(const struct metrics *m)
{
	return m->visits ? (m->duration + m->visits / 2) / m->visits : 0;
}

/* One cell of a column as people read it. */
static void
cell_text(unsigned what, const struct metrics *m, long long total, struct buf *out)
{
	switch (what) {
	case SORT_VISITS:
		fmt_count(out, m->visits);
		break;
	case SORT_PAGEVIEWS:
		fmt_count(out, m->pageviews);
		break;
	case SORT_BOUNCE:
		fmt_percent(out, 100.0 * ratio(m->bounces, m->visits));
		break;
	case SORT_DURATION:
		fmt_duration(out, visit_duration(m));
		break;
	case SORT_EVENTS:
		fmt_count(out, m->events);
		break;
	case COL_CR:
		fmt_percent(out, 100.0 * ratio(m->visitors, total));
		break;
	default:
		fmt_count(out, m->visitors);
		break;
	}
}

/* The value after PROP_SEP of a DIM_PROP value (all of it when there is none). */
static const char *
prop_value(const char *v)
{
	const char *sep = strstr(v, PROP_SEP);

	return sep ? sep + 1 : v;
}

/* ------------------------------------------------------ property names */

struct keys {
	struct buf	 text;		/* the names, NUL-separated */
	size_t		 off[PROP_KEYS_MAX];
	size_t		 n;
};

/* q_breakdown_each: the distinct names before PROP_SEP, most visited first. */
static int
key_collect(void *arg, const struct brow *r)
{
	struct keys *k = arg;
	const char *sep = strstr(r->value, PROP_SEP);
	size_t i, len;

	if (sep == NULL)
		return 0;
	len = (size_t)(sep - r->value);
	for (i = 0; i < k->n; i++)
		if (strlen(k->text.ptr + k->off[i]) == len &&
		    memcmp(k->text.ptr + k->off[i], r->value, len) == 0)
			return 0;
	k->off[k->n++] = k->text.len;
	buf_add(&k->text, r->value, len);
	buf_addch(&k->text, '\0');
	return k->n == PROP_KEYS_MAX;
}

/* The property names of the period (at most PROP_KEYS_MAX) into k; 0 or -1. */
static int
keys_load(struct ctx *c, struct keys *k)
{
	k->n = 0;
	c->q.prop_key = NULL;
	return q_breakdown_each(&c->q, &c->period, &c->filters, DIM_PROP, SORT_VISITORS, 1,
	    key_collect, k);
}

/* ---------------------------------------------------------- the page */

static int
bad_request(struct ctx *c, struct resp *resp, const char *why)
{
	return message(c, resp, 400, "Bad request", why ? why : "The report parameters "
	    "are not valid.", c->base.ptr, "Back to the overview");
}

static json_object *
columns_view(struct ctx *c, const struct rparams *p)
{
	json_object *list = json_object_new_array(), *o;
	struct buf b = BUF_INIT;
	size_t i;
	unsigned w;

	for (i = 0; i < kinds[p->kind].n; i++) {
		w = kinds[p->kind].cols[i].what;
		o = json_object_new_object();
		view_str(o, "label", kinds[p->kind].cols[i].label);
		if (w != COL_CR) {
			buf_reset(&b);
			/* The current column turns round; another starts with its default. */
			report_href(c, p, NULL, (enum sort)w, w == (unsigned)p->sort ? !p->desc :
			    default_desc((enum sort)w), p->prop, 1, &b);
			view_str(o, "href", b.ptr);
			if (w == (unsigned)p->sort)
				view_str(o, "aria", p->desc ? "descending" : "ascending");
		}
		json_object_array_add(list, o);
	}
	buf_release(&b);
	return list;
}

static json_object *
rows_view(struct ctx *c, const struct rparams *p, const struct brows *rows, long long total)
{
	json_object *list = json_object_new_array(), *o, *cells, *cell;
	struct buf b = BUF_INIT;
	long long top = 0, pct;
	size_t i, k;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i].m.visitors > top)
			top = rows->v[i].m.visitors;
	for (i = 0; i < rows->n; i++) {
		const struct brow *r = &rows->v[i];

		o = json_object_new_object();
		buf_reset(&b);
		if (p->d == DIM_PROP)
			/* The property's name is the page's heading: its values only. */
			buf_adds(&b, *prop_value(r->value) ? prop_value(r->value) : "(none)");
		else
			value_label(p->d, r->value, &b);
		view_str(o, "label", b.ptr);
		buf_reset(&b);
		if (filter_link(c, &b, "", p->d, r->value) == 0)
			view_str(o, "href", b.ptr);
		/* The bar behind a row, in steps of 5%: a class, as CSP forbids style="". */
		pct = top ? (r->m.visitors * 20 + top / 2) / top * 5 : 0;
		buf_reset(&b);
		buf_addf(&b, "w%lld", pct);
		view_str(o, "bar", b.ptr);
		cells = json_object_new_array();
		for (k = 0; k < kinds[p->kind].n; k++) {
			cell = json_object_new_object();
			buf_reset(&b);
			cell_text(kinds[p->kind].cols[k].what, &r->m, total, &b);
			view_str(cell, "text", b.ptr);
			json_object_array_add(cells, cell);
		}
		json_object_object_add(o, "cells", cells);
		json_object_array_add(list, o);
	}
	buf_release(&b);
	return list;
}

int
h_report(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct rparams p;
	struct keys keys;
	struct brows rows;
	struct metrics tot;
	struct buf b = BUF_INIT;
	json_object *v = NULL, *list, *o;
	const char *why;
	size_t i;
	long long first;
	int rc;

	memset(&rows, 0, sizeof(rows));
	memset(&keys, 0, sizeof(keys));
	if (rparams_read(c, &p, &why) != 0 || p.ext != NULL)
		return bad_request(c, resp, why);

	if (p.d == DIM_PROP) {
		if (keys_load(c, &keys) == -1)
			goto fail;
		if (p.prop == NULL && keys.n > 0)
			p.prop = keys.text.ptr + keys.off[0];
		c->q.prop_key = p.prop;
	}
	memset(&tot, 0, sizeof(tot));
	if (p.kind == KIND_EVENT &&
	    q_aggregate(&c->q, &c->period, &c->filters, &tot) == -1)
		goto fail;
	if ((p.d != DIM_PROP || p.prop != NULL) &&
	    q_breakdown(&c->q, &c->period, &c->filters, p.d, p.sort, p.desc,
	    (size_t)(p.page - 1) * PAGE_ROWS, PAGE_ROWS, &rows) == -1)
		goto fail;
	c->q.prop_key = NULL;

	buf_addf(&b, "%s: %s", dims[p.d].title, c->site.domain);
	v = view_new(c, resp, b.ptr);
	if (view_site(c, v, c->sub.ptr) == -1)
		goto fail;
	buf_reset(&b);
	buf_adds(&b, dims[p.d].title);
	if (p.prop != NULL) {
		buf_adds(&b, ": ");
		buf_adds(&b, p.prop);
	}
	view_str(v, "heading", b.ptr);
	view_str(v, "label", p.d == DIM_PROP ? "Value" : dims[p.d].label);

	/* The name column sorts too. */
	buf_reset(&b);
	report_href(c, &p, NULL, SORT_VALUE, p.sort == SORT_VALUE ? !p.desc :
	    default_desc(SORT_VALUE), p.prop, 1, &b);
	view_str(v, "name_href", b.ptr);
	if (p.sort == SORT_VALUE)
		view_str(v, "name_aria", p.desc ? "descending" : "ascending");
	json_object_object_add(v, "cols", columns_view(c, &p));
	json_object_object_add(v, "rows", rows_view(c, &p, &rows, tot.visitors));
	if (rows.n == 0)
		json_object_object_add(v, "empty", json_object_new_boolean(1));

	/* Paging. */
	first = (long long)(p.page - 1) * PAGE_ROWS;
	if (rows.n > 0) {
		buf_reset(&b);
		buf_addf(&b, "Rows %lld to %lld", first + 1, first + (long long)rows.n);
		view_str(v, "range", b.ptr);
	}
	if (p.page > 1) {
		buf_reset(&b);
		report_href(c, &p, NULL, p.sort, p.desc, p.prop, p.page - 1, &b);
		view_str(v, "prev", b.ptr);
	}
	if (rows.more && p.page < PAGE_MAX) {
		buf_reset(&b);
		report_href(c, &p, NULL, p.sort, p.desc, p.prop, p.page + 1, &b);
		view_str(v, "next", b.ptr);
	}
	if (p.page > 1 || rows.more)
		json_object_object_add(v, "paged", json_object_new_boolean(1));
	if (rows.n == 0 && p.page > 1)
		json_object_object_add(v, "past_end", json_object_new_boolean(1));

	/* Downloads: the same rows, all of them, in the same order. */
	buf_reset(&b);
	report_href(c, &p, "csv", p.sort, p.desc, p.prop, 1, &b);
	view_str(v, "csv", b.ptr);
	buf_reset(&b);
	report_href(c, &p, "json", p.sort, p.desc, p.prop, 1, &b);
	view_str(v, "json", b.ptr);

	if (p.kind == KIND_EVENT) {
		json_object_object_add(v, "is_events", json_object_new_boolean(1));
		buf_reset(&b);
		fmt_count(&b, tot.visitors);
		view_str(v, "total_visitors", b.ptr);
	}
	if (p.d == DIM_PROP) {
		json_object_object_add(v, "is_props", json_object_new_boolean(1));
		list = json_object_new_array();
		for (i = 0; i < keys.n; i++) {
			const char *k = keys.text.ptr + keys.off[i];

			o = json_object_new_object();
			view_str(o, "key", k);
			buf_reset(&b);
			report_href(c, &p, NULL, p.sort, p.desc, k, 1, &b);
			view_str(o, "href", b.ptr);
			if (p.prop != NULL && strcmp(p.prop, k) == 0)
				json_object_object_add(o, "current", json_object_new_boolean(1));
			json_object_array_add(list, o);
		}
		if (keys.n == 0)
			json_object_object_add(v, "no_keys", json_object_new_boolean(1));
		json_object_object_add(v, "keys", list);
	}
	if (c->period.from_day != c->period.to_day)
		json_object_object_add(v, "multi_day", json_object_new_boolean(1));
	rc = render(c, resp, 200, "dashboard/report.html", v);
	v = NULL;
	goto out;
fail:
	c->q.prop_key = NULL;
	json_object_put(v);
	rc = internal_error(c, resp);
out:
	brows_free(&rows);
	buf_release(&keys.text);
	buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------ exports */

struct export {
	struct resp		*resp;
	enum dim		 d;
	unsigned		 has;
	int			 json;
	int			 gone;		/* the client went away */
	struct json_writer	 w;
};

static void
csv_header(struct export *e)
{
	struct buf *o = &e->resp->body;
	int first = 1;

	export_csv_bom(o);
	if (e->d == DIM_PROP) {
		export_csv_str(o, "property", 1);
		first = 0;
	}
	export_csv_str(o, "name", first);
	export_csv_str(o, "visitors", 0);
	export_csv_str(o, "visits", 0);
	export_csv_str(o, "pageviews", 0);
	export_csv_str(o, "bounce_rate", 0);
	export_csv_str(o, "visit_duration", 0);
	export_csv_str(o, "events", 0);
	export_csv_end_row(o);
}

static void
csv_row(struct export *e, const char *name, size_t namelen, const char *prop, size_t proplen,
    const struct metrics *m)
{
	struct buf *o = &e->resp->body;
	int first = 1;

	if (e->d == DIM_PROP) {
		export_csv_cell(o, prop, proplen, 1);
		first = 0;
	}
	export_csv_cell(o, name, namelen, first);
	export_csv_int(o, m->visitors, 0);
	export_csv_int(o, m->visits, 0);
	/* Not computed for this report: an empty cell, not a misleading 0. */
	if (e->has & HAS_PAGEVIEWS)
		export_csv_int(o, m->pageviews, 0);
	else
		export_csv_cell(o, NULL, 0, 0);
	export_csv_double(o, bounce_rate(m), 1, 0);
	if (e->has & HAS_DURATION)
		export_csv_int(o, visit_duration(m), 0);
	else
		export_csv_cell(o, NULL, 0, 0);
	export_csv_int(o, m->events, 0);
	export_csv_end_row(o);
}

static void
json_row(struct export *e, const char *name, size_t namelen, const char *prop, size_t proplen,
    const struct metrics *m)
{
	struct json_writer *w = &e->w;

	jw_obj_begin(w);
	if (e->d == DIM_PROP) {
		jw_key(w, "property");
		jw_str(w, prop, proplen);
	}
	jw_key(w, "name");
	jw_str(w, name, namelen);
	jw_key(w, "visitors");
	jw_int(w, m->visitors);
	jw_key(w, "visits");
	jw_int(w, m->visits);
	jw_key(w, "pageviews");
	if (e->has & HAS_PAGEVIEWS)
		jw_int(w, m->pageviews);
	else
		jw_null(w);
	jw_key(w, "bounce_rate");
	jw_double(w, bounce_rate(m));
	jw_key(w, "visit_duration");
	if (e->has & HAS_DURATION)
		jw_int(w, visit_duration(m));
	else
		jw_null(w);
	jw_key(w, "events");
	jw_int(w, m->events);
	jw_obj_end(w);
}

/* q_breakdown_each: one row out; a flush whenever a chunk has gathered. */
static int
export_row(void *arg, const struct brow *r)
{
	struct export *e = arg;
	const char *name = r->value, *prop = NULL, *sep;
	size_t proplen = 0;

	if (e->d == DIM_PROP && (sep = strstr(r->value, PROP_SEP)) != NULL) {
		prop = r->value;
		proplen = (size_t)(sep - r->value);
		name = sep + 1;
	}
	if (e->json)
		json_row(e, name, strlen(name), prop, proplen, &r->m);
	else
		csv_row(e, name, strlen(name), prop, proplen, &r->m);
	if (e->resp->body.len > RESP_STREAM_CHUNK && resp_stream_flush(e->resp) == -1) {
		e->gone = 1;
		return 1;
	}
	return 0;
}

/* The JSON document up to the opening of "results". */
static void
json_head(struct ctx *c, struct export *e, const struct rparams *p)
{
	struct json_writer *w = &e->w;
	struct buf b = BUF_INIT;
	char day[11];
	size_t i;

	jw_obj_begin(w);
	jw_key(w, "site");
	jw_str(w, c->site.domain, strlen(c->site.domain));
	jw_key(w, "report");
	jw_str(w, dims[p->d].key, strlen(dims[p->d].key));
	if (p->d == DIM_PROP) {
		jw_key(w, "property");
		if (p->prop != NULL)
			jw_str(w, p->prop, strlen(p->prop));
		else
			jw_null(w);
	}
	jw_key(w, "period");
	jw_obj_begin(w);
	jw_key(w, "name");
	jw_str(w, c->period.name, strlen(c->period.name));
	jw_key(w, "from");
	period_day_str(c->period.from_day, day);
	jw_str(w, day, strlen(day));
	jw_key(w, "to");
	period_day_str(c->period.to_day, day);
	jw_str(w, day, strlen(day));
	jw_key(w, "timezone");
	jw_str(w, c->site.timezone, strlen(c->site.timezone));
	jw_obj_end(w);
	jw_key(w, "filters");
	jw_arr_begin(w);
	for (i = 0; i < c->filters.n; i++) {
		buf_reset(&b);
		filters_to_spec(&c->filters.f[i], &b);
		jw_str(w, b.ptr, b.len);
	}
	jw_arr_end(w);
	jw_key(w, "sort");
	jw_str(w, sort_keys[p->sort], strlen(sort_keys[p->sort]));
	jw_key(w, "dir");
	jw_str(w, p->desc ? "desc" : "asc", p->desc ? 4 : 3);
	jw_key(w, "results");
	jw_arr_begin(w);
	buf_release(&b);
}

int
h_export(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct rparams p;
	struct export e;
	struct buf name = BUF_INIT, report = BUF_INIT;
	char from[11], to[11];
	const char *why;
	int rc;

	if (rparams_read(c, &p, &why) != 0)
		return bad_request(c, resp, why);
	if (p.ext == NULL || (strcmp(p.ext, "csv") != 0 && strcmp(p.ext, "json") != 0))
		return bad_request(c, resp, "There is no such download.");
	memset(&e, 0, sizeof(e));
	e.resp = resp;
	e.d = p.d;
	e.has = kinds[p.kind].has;
	e.json = strcmp(p.ext, "json") == 0;

	buf_adds(&report, dims[p.d].slug);
	if (p.prop != NULL) {
		buf_addch(&report, '-');
		buf_adds(&report, p.prop);
	}
	period_day_str(c->period.from_day, from);
	period_day_str(c->period.to_day, to);
	export_filename(&name, c->site.domain, report.ptr, from, to, p.ext);
	resp->status = 200;
	resp->ctype = e.json ? "application/json" : "text/csv; charset=utf-8";
	resp_header(resp, "Content-Disposition", "attachment; filename=\"%s\"", name.ptr);
	resp_header(resp, "Cache-Control", "no-store");
	if (c->actor == ACTOR_SHARE)
		resp_header(resp, "Referrer-Policy", "no-referrer");
	buf_release(&name);
	buf_release(&report);
	buf_reset(&resp->body);
	if (resp_stream_begin(resp) == -1 || resp->head)
		return resp->stream_status;

	if (e.json) {
		jw_init(&e.w, &resp->body);
		json_head(c, &e, &p);
	} else
		csv_header(&e);
	c->q.prop_key = p.prop;
	rc = q_breakdown_each(&c->q, &c->period, &c->filters, p.d, p.sort, p.desc,
	    export_row, &e);
	c->q.prop_key = NULL;
	if (e.gone)
		return resp->stream_status;
	if (rc == -1) {
		/* The headers are out: a status other than theirs drops the connection. */
		log_err("%s: export of site %lld failed midway", dims[p.d].key, c->site.id);
		return 500;
	}
	if (e.json) {
		jw_arr_end(&e.w);
		jw_obj_end(&e.w);
		if (e.w.err) {
			log_err("json writer misused");
			return 500;
		}
	}
	return resp->stream_status;
}
