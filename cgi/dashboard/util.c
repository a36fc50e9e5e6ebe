/*
 * util: what the dashboard's pages share: views and rendering, the site
 * bar (switcher, period picker, filters), links that keep the report
 * parameters, and metrics as a view.
 */
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "csrf.h"
#include "secure.h"
#include "valid.h"

#include "dashboard.h"

const char *
qparam(struct ctx *c, const char *name)
{
	const char *v = c->query ? kv_get(c->query, name, NULL) : NULL;

	return v && *v ? v : NULL;
}

const char *
field(struct ctx *c, const char *key, size_t *lenp)
{
	const char *v = kv_get(&c->form, key, lenp);

	if (v == NULL) {
		if (lenp)
			*lenp = 0;
		return "";
	}
	return v;
}

json_object *
view_new(struct ctx *c, struct resp *resp, const char *title)
{
	json_object *v = json_object_new_object(), *u;
	char tok[CSRF_TOKEN_MAX];

	(void)resp;
	json_object_object_add(v, "title", json_object_new_string(title));
	json_object_object_add(v, "wide", json_object_new_boolean(1));
	if (c->actor == ACTOR_SHARE) {
		json_object_object_add(v, "shared", json_object_new_boolean(1));
		csrf_token(c->app->key, sizeof(c->app->key), "share", c->base.ptr, c->base.len, tok);
		json_object_object_add(v, "csrf", json_object_new_string(tok));
	} else if (c->logged_in) {
		u = json_object_new_object();
		json_object_object_add(u, "email", json_object_new_string(c->sess.email));
		json_object_object_add(u, "org", json_object_new_string(c->sess.org_name));
		json_object_object_add(u, "role", json_object_new_string(c->sess.role));
		json_object_object_add(v, "user", u);
		csrf_token(c->app->key, sizeof(c->app->key), "session", c->sess.hash,
		    sizeof(c->sess.hash), tok);
		json_object_object_add(v, "csrf", json_object_new_string(tok));
	}
	if (c->can_admin)
		json_object_object_add(v, "can_admin", json_object_new_boolean(1));
	return v;
}

void
view_str(json_object *v, const char *key, const char *val)
{
	json_object_object_add(v, key, json_object_new_string(val ? val : ""));
}

void
view_int(json_object *v, const char *key, long long val)
{
	json_object_object_add(v, key, json_object_new_int64(val));
}

int
render(struct ctx *c, struct resp *resp, int status, const char *page, json_object *view)
{
	int rc;

	/* With Referrer-Policy: no-referrer: a shared link's address is its secret. */
	secure_html(resp, c->https);
	buf_reset(&resp->body);
	rc = tpl_render(c->app->tpls, page, view, &resp->body, 0);
	json_object_put(view);
	if (rc == -1) {
		buf_reset(&resp->body);
		buf_adds(&resp->body, "<!doctype html><title>Error</title><p>Internal error.</p>\n");
		return 500;
	}
	return status;
}

int
message(struct ctx *c, struct resp *resp, int status, const char *title,
    const char *text, const char *link, const char *link_text)
{
	json_object *v = view_new(c, resp, title);

	view_str(v, "text", text);
	if (link != NULL) {
		view_str(v, "link", link);
		view_str(v, "link_text", link_text);
	}
	return render(c, resp, status, "dashboard/message.html", v);
}

int
redirect(struct resp *resp, const char *to)
{
	resp_header(resp, "Location", "%s", to);
	resp_header(resp, "Cache-Control", "no-store");
	return 303;
}

int
internal_error(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 500, "Something went wrong",
	    "The request could not be completed. Please try again in a moment.", NULL, NULL);
}

/* ------------------------------------------------------------- links */

void
report_query(struct ctx *c, struct buf *out)
{
	const char *v;

	buf_adds(out, "period=");
	buf_add_url(out, c->period.name, strlen(c->period.name));
	if (strcmp(c->period.name, "custom") == 0) {
		if ((v = qparam(c, "from")) != NULL) {
			buf_adds(out, "&from=");
			buf_add_url(out, v, strlen(v));
		}
		if ((v = qparam(c, "to")) != NULL) {
			buf_adds(out, "&to=");
			buf_add_url(out, v, strlen(v));
		}
	}
	if (c->filters.n) {
		buf_addch(out, '&');
		filters_to_query(&c->filters, out);
	}
}

void
report_link(struct ctx *c, struct buf *out, const char *sub, const char *extra)
{
	buf_adds(out, c->base.ptr);
	buf_adds(out, sub);
	buf_addch(out, '?');
	report_query(c, out);
	if (extra)
		buf_adds(out, extra);
}

int
filter_link(struct ctx *c, struct buf *out, const char *sub, enum dim d, const char *value)
{
	const char *key = NULL, *val = value;
	struct buf k = BUF_INIT;
	const char *sep;
	size_t mark = out->len;
	int rc;

	if (d == DIM_PROP && (sep = strstr(value, PROP_SEP)) != NULL) {
		buf_add(&k, value, (size_t)(sep - value));
		key = k.ptr;
		val = sep + 1;
	}
	buf_adds(out, c->base.ptr);
	buf_adds(out, sub);
	buf_adds(out, "?period=");
	buf_add_url(out, c->period.name, strlen(c->period.name));
	if (strcmp(c->period.name, "custom") == 0 && qparam(c, "from") && qparam(c, "to")) {
		buf_adds(out, "&from=");
		buf_add_url(out, qparam(c, "from"), strlen(qparam(c, "from")));
		buf_adds(out, "&to=");
		buf_add_url(out, qparam(c, "to"), strlen(qparam(c, "to")));
	}
	buf_addch(out, '&');
	/* A value no filter can hold (an empty one, say) gets no link. */
	if ((rc = filters_to_query_with(&c->filters, d, OP_IS, key, val, out)) == -1)
		buf_setlen(out, mark);
	buf_release(&k);
	return rc;
}

/* ------------------------------------------------------------ values */

void
value_label(enum dim d, const char *value, struct buf *out)
{
	const char *sep;

	if (d == DIM_PROP && (sep = strstr(value, PROP_SEP)) != NULL) {
		buf_add(out, value, (size_t)(sep - value));
		buf_adds(out, ": ");
		buf_adds(out, *(sep + 1) ? sep + 1 : "(none)");
		return;
	}
	if (*value == '\0' || ((d == DIM_BROWSER_VERSION || d == DIM_OS_VERSION) &&
	    strcmp(value, " ") == 0)) {
		buf_adds(out, d == DIM_SOURCE || d == DIM_REFERRER ? "Direct / none" : "(none)");
		return;
	}
	buf_adds(out, value);
}

static double
ratio(long long a, long long b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* One metric: its text, raw value, and change against prev ("+12%"). */
static json_object *
metric(double v, double pv, int has_prev, int kind)
{
	json_object *o = json_object_new_object();
	struct buf b = BUF_INIT;
	double ch;

	if (kind == 1)
		fmt_percent(&b, v);
	else if (kind == 2)
		fmt_duration(&b, (long long)(v + 0.5));
	else if (kind == 3)
		buf_addf(&b, "%.2f", v);
	else
		fmt_count(&b, (long long)v);
	view_str(o, "text", b.ptr);
	json_object_object_add(o, "value", json_object_new_double(v));
	if (has_prev) {
		buf_reset(&b);
		if (kind == 1) {
			/* Rates change by points, not by a percentage of themselves. */
			ch = v - pv;
			buf_addf(&b, "%+.0f pp", ch);
		} else if (pv > 0) {
			ch = (v - pv) / pv * 100.0;
			buf_addf(&b, "%+.0f%%", ch);
		} else {
			ch = v > 0 ? 1 : 0;
			buf_adds(&b, v > 0 ? "new" : "0%");
		}
		view_str(o, "change", b.ptr);
		/* For the bounce rate, down is good. */
		if (ch > 0.5 || ch < -0.5)
			json_object_object_add(o, (ch > 0) != (kind == 1) ? "good" : "bad",
			    json_object_new_boolean(1));
		json_object_object_add(o, ch > 0 ? "up" : ch < 0 ? "down" : "flat",
		    json_object_new_boolean(1));
	}
	buf_release(&b);
	return o;
}

json_object *
metrics_view(const struct metrics *m, const struct metrics *p)
{
	json_object *o = json_object_new_object();
	static const struct metrics zero;
	int hp = p != NULL;

	if (p == NULL)
		p = &zero;
	json_object_object_add(o, "visitors", metric((double)m->visitors, (double)p->visitors, hp, 0));
	json_object_object_add(o, "visits", metric((double)m->visits, (double)p->visits, hp, 0));
	json_object_object_add(o, "pageviews", metric((double)m->pageviews, (double)p->pageviews, hp, 0));
	json_object_object_add(o, "views_per_visit", metric(ratio(m->pageviews, m->visits),
	    ratio(p->pageviews, p->visits), hp, 3));
	json_object_object_add(o, "bounce_rate", metric(100.0 * ratio(m->bounces, m->visits),
	    100.0 * ratio(p->bounces, p->visits), hp, 1));
	json_object_object_add(o, "visit_duration", metric(ratio(m->duration, m->visits),
	    ratio(p->duration, p->visits), hp, 2));
	json_object_object_add(o, "events", metric((double)m->events, (double)p->events, hp, 0));
	return o;
}

/* ----------------------------------------------------------- the bar */

static const struct {
	const char	*name;
	const char	*label;
} periods[] = {
	{ "day", "Today" },
	{ "yesterday", "Yesterday" },
	{ "7d", "Last 7 days" },
	{ "30d", "Last 30 days" },
	{ "month", "This month" },
	{ "lastmonth", "Last month" },
	{ "12mo", "Last 12 months" },
	{ "all", "All time" },
};

static const char *
period_label(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
		if (strcmp(periods[i].name, name) == 0)
			return periods[i].label;
	return "Custom range";
}

/*
 * A page's own parameters (a report's order and property, the funnel
 * shown, the overview's chart metric and tabs) that a change of period
 * keeps; never page, which a new period starts again.
 */
static const char *const sticky[] = {
	"sort", "dir", "prop", "funnel", "metric", "tp", "ts", "tl", "td", "te",
};

void
sticky_query(struct ctx *c, struct buf *out)
{
	const char *val;
	size_t i;

	for (i = 0; i < sizeof(sticky) / sizeof(sticky[0]); i++)
		if ((val = qparam(c, sticky[i])) != NULL) {
			buf_addf(out, "&%s=", sticky[i]);
			buf_add_url(out, val, strlen(val));
		}
}

static const struct {
	const char	*sub;
	const char	*label;
	int		 admin;
} navs[] = {
	{ "", "Overview", 0 },
	{ "/realtime", "Realtime", 0 },
	{ "/goals", "Goals", 0 },
	{ "/funnels", "Funnels", 0 },
	{ "/sharing", "Shared links", 1 },
};

int
view_site(struct ctx *c, json_object *v, const char *here)
{
	json_object *site = json_object_new_object(), *list, *o;
	struct buf b = BUF_INIT, q = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	char from[11], to[11];
	size_t i;
	int rc = 0;

	view_str(site, "domain", c->site.domain);
	view_str(site, "timezone", c->site.timezone);
	view_str(site, "base", c->base.ptr);
	json_object_object_add(v, "site", site);
	if (c->period.name[0]) {
		report_query(c, &q);
		view_str(v, "query", q.ptr);
		view_str(v, "period_label", period_label(c->period.name));
		period_day_str(c->period.from_day, from);
		period_day_str(c->period.to_day, to);
		view_str(v, "from", from);
		view_str(v, "to", to);
		view_str(v, "period", c->period.name);
	}

	list = json_object_new_array();
	for (i = 0; i < sizeof(navs) / sizeof(navs[0]); i++) {
		if (navs[i].admin && !c->can_admin)
			continue;
		o = json_object_new_object();
		buf_reset(&b);
		buf_adds(&b, c->base.ptr);
		buf_adds(&b, navs[i].sub);
		if (q.len && !navs[i].admin) {
			buf_addch(&b, '?');
			buf_add(&b, q.ptr, q.len);
		}
		view_str(o, "href", b.ptr);
		view_str(o, "label", navs[i].label);
		if (strcmp(here, navs[i].sub) == 0)
			json_object_object_add(o, "active", json_object_new_boolean(1));
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "nav", list);

	/* Period picker: links that keep the filters. */
	list = json_object_new_array();
	for (i = 0; c->period.name[0] && i < sizeof(periods) / sizeof(periods[0]); i++) {
		o = json_object_new_object();
		buf_reset(&b);
		buf_adds(&b, c->base.ptr);
		buf_adds(&b, here);
		buf_adds(&b, "?period=");
		buf_adds(&b, periods[i].name);
		if (c->filters.n) {
			buf_addch(&b, '&');
			filters_to_query(&c->filters, &b);
		}
		sticky_query(c, &b);
		view_str(o, "href", b.ptr);
		view_str(o, "label", periods[i].label);
		if (strcmp(periods[i].name, c->period.name) == 0)
			json_object_object_add(o, "active", json_object_new_boolean(1));
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "periods", list);

	/* The custom range form keeps the page's own parameters, as the links do. */
	list = json_object_new_array();
	for (i = 0; i < sizeof(sticky) / sizeof(sticky[0]); i++) {
		const char *val = qparam(c, sticky[i]);

		if (val == NULL)
			continue;
		o = json_object_new_object();
		view_str(o, "key", sticky[i]);
		view_str(o, "value", val);
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "sticky", list);

	/* Active filters, each with a link that removes it. */
	list = json_object_new_array();
	for (i = 0; i < c->filters.n; i++) {
		o = json_object_new_object();
		buf_reset(&b);
		filter_describe_goals(&c->filters.f[i], c->goals, c->ngoals, &b);
		view_str(o, "text", b.ptr);
		buf_reset(&b);
		buf_adds(&b, c->base.ptr);
		buf_adds(&b, here);
		buf_adds(&b, "?period=");
		buf_add_url(&b, c->period.name, strlen(c->period.name));
		if (c->filters.n > 1) {
			buf_addch(&b, '&');
			filters_to_query_without(&c->filters, i, &b);
		}
		view_str(o, "remove", b.ptr);
		json_object_array_add(list, o);
	}
	if (c->filters.n) {
		json_object_object_add(v, "filters", list);
		json_object_object_add(v, "has_filters", json_object_new_boolean(1));
		/* The custom range form keeps the filters as hidden fields. */
		list = json_object_new_array();
		for (i = 0; i < c->filters.n; i++) {
			buf_reset(&b);
			filters_to_spec(&c->filters.f[i], &b);
			json_object_array_add(list, json_object_new_string(b.ptr));
		}
		json_object_object_add(v, "filter_specs", list);
	} else
		json_object_put(list);

	/* The "Add filter" form's dimensions: every column filter (props by their report). */
	list = json_object_new_array();
	for (i = 0; c->period.name[0] && i < DIM__MAX; i++) {
		if (dims[i].level != LEVEL_SESSION && dims[i].level != LEVEL_EVENT)
			continue;
		o = json_object_new_object();
		view_str(o, "key", dims[i].key);
		view_str(o, "label", dims[i].label);
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "filter_dims", list);
	if (strcmp(c->period.name, "custom") == 0) {
		view_str(v, "custom_from", qparam(c, "from"));
		view_str(v, "custom_to", qparam(c, "to"));
	}

	/* The site switcher: the organisation's other sites (members only). */
	if (c->actor == ACTOR_MEMBER) {
		list = json_object_new_array();
		db_arg_int(&a, c->sess.org_id);
		if ((rc = db_select_idx(c->db, STMT_SITES_OF_ORG, &a, &res)) == 0) {
			while ((rc = db_fetch(&res)) == 1) {
				o = json_object_new_object();
				view_str(o, "domain", db_col(&res, 1, NULL));
				buf_reset(&b);
				buf_addf(&b, "/dash/%lld%s", db_col_int(&res, 0, 0), here);
				if (q.len) {
					buf_addch(&b, '?');
					buf_addf(&b, "period=%s", c->period.name);
				}
				view_str(o, "href", b.ptr);
				if (db_col_int(&res, 0, 0) == c->site.id)
					json_object_object_add(o, "current", json_object_new_boolean(1));
				json_object_array_add(list, o);
			}
			rc = rc == -1 ? -1 : 0;
		}
		db_res_free(&res);
		if (json_object_array_length(list) > 1)
			json_object_object_add(v, "switcher", json_object_new_boolean(1));
		json_object_object_add(v, "sites", list);
	}
	db_args_free(&a);
	buf_release(&b);
	buf_release(&q);
	return rc;
}

int
audit(struct ctx *c, struct req *r, const char *action, const char *detail)
{
	struct db_args a = DB_ARGS_INIT;
	const char *ua = req_param(r, "HTTP_USER_AGENT"), *ip = req_param(r, "REMOTE_ADDR");
	int rc;

	if (ua == NULL)
		ua = "";
	if (ip == NULL)
		ip = "";
	db_arg_int(&a, c->site.org_id);
	db_arg_int(&a, c->sess.user_id);
	db_arg_strz(&a, action);
	db_arg_str(&a, detail, valid_utf8_cut(detail, strlen(detail), 1000));
	db_arg_str(&a, ip, strlen(ip) > 45 ? 45 : strlen(ip));
	db_arg_str(&a, ua, valid_utf8(ua, strlen(ua)) ? valid_utf8_cut(ua, strlen(ua), 255) : 0);
	rc = db_exec(c->db, db_stmt(c->db, STMT_AUDIT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}
