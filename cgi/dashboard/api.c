/*
 * api: the stats API, JSON for programs, authenticated by an
 * organisation's API keys ("Authorization: Bearer tr_...").  It answers
 * the dashboard's questions with the same queries (query.h) and the same
 * report parameters (report_params()), so its numbers are the pages'.
 *
 *   GET /api/v1/stats/aggregate	the period's totals [against the previous period]
 *   GET /api/v1/stats/timeseries	the same per hour, day or month
 *   GET /api/v1/stats/breakdown	one dimension's values, or the goals' conversions
 *   GET /api/v1/stats/realtime		visitors of the last 5 and 30 minutes
 *
 * front() hands every /api/ request here before anything else: this file
 * settles the route, method, query, database, key and site itself, in
 * that order, and answers every refusal as JSON {"error": ...}.  A site of
 * another organisation answers 404 exactly like a missing one; a missing,
 * unknown and revoked key answer the same 401.  docs/api.md is the
 * reference for callers.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "export.h"
#include "log.h"
#include "valid.h"

#include "dashboard.h"
#include "ratelimit.h"

#define API_PREFIX	"/api/v1/stats/"
#define TOKEN_MAX	128	/* bytes of a bearer token we look up at all */
#define LIMIT_DEFAULT	100
#define LIMIT_MAX	1000
#define PAGE_MAX	10000
#define SITE_ID_MAX	4294967295LL	/* sites.id is INT UNSIGNED */
#define RETRY_AFTER	"5"

/* The query keys of the API, with their byte limits. */
enum qk {
	QK_SITE_ID, QK_PERIOD, QK_FROM, QK_TO, QK_F, QK_COMPARE, QK_PROPERTY,
	QK_PROP, QK_LIMIT, QK_PAGE, QK_SORT, QK_DIR, QK__MAX
};

static const struct {
	const char	*key;
	size_t		 max;
} qkeys[QK__MAX] = {
	[QK_SITE_ID] = { "site_id", 10 },
	[QK_PERIOD] = { "period", 16 },
	[QK_FROM] = { "from", 10 },
	[QK_TO] = { "to", 10 },
	[QK_F] = { "f", FILTER_VALUE_MAX + FILTER_PROP_MAX + 20 },
	[QK_COMPARE] = { "compare", 16 },
	[QK_PROPERTY] = { "property", 40 },
	[QK_PROP] = { "prop", FILTER_PROP_MAX },
	[QK_LIMIT] = { "limit", 10 },
	[QK_PAGE] = { "page", 10 },
	[QK_SORT] = { "sort", 20 },
	[QK_DIR] = { "dir", 4 },
};

#define K(k)		(1u << (k))
#define K_REPORT	(K(QK_SITE_ID) | K(QK_PERIOD) | K(QK_FROM) | K(QK_TO) | K(QK_F))

static int	ep_aggregate(struct ctx *, struct resp *);
static int	ep_timeseries(struct ctx *, struct resp *);
static int	ep_breakdown(struct ctx *, struct resp *);
static int	ep_realtime(struct ctx *, struct resp *);

static const struct endpoint {
	const char	*name;		/* the path after API_PREFIX */
	int		(*fn)(struct ctx *, struct resp *);
	unsigned	 keys;		/* K() of the query keys it takes */
	int		 report;	/* reads period and filters */
} endpoints[] = {
	{ "aggregate", ep_aggregate, K_REPORT | K(QK_COMPARE), 1 },
	{ "timeseries", ep_timeseries, K_REPORT, 1 },
	{ "breakdown", ep_breakdown, K_REPORT | K(QK_PROPERTY) | K(QK_PROP) |
	    K(QK_LIMIT) | K(QK_PAGE) | K(QK_SORT) | K(QK_DIR), 1 },
	{ "realtime", ep_realtime, K(QK_SITE_ID), 0 },
};
#define NENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

/* The metrics as the API names and writes them. */
enum metric {
	MET_VISITORS, MET_VISITS, MET_PAGEVIEWS, MET_VIEWS_PER_VISIT,
	MET_BOUNCE_RATE, MET_VISIT_DURATION, MET_EVENTS, MET__MAX
};

static const char *const met_keys[MET__MAX] = {
	[MET_VISITORS] = "visitors",
	[MET_VISITS] = "visits",
	[MET_PAGEVIEWS] = "pageviews",
	[MET_VIEWS_PER_VISIT] = "views_per_visit",
	[MET_BOUNCE_RATE] = "bounce_rate",
	[MET_VISIT_DURATION] = "visit_duration",
	[MET_EVENTS] = "events",
};

#define M_ALL	((1u << MET__MAX) - 1)
/* Pages: events would repeat pageviews, and a page has no duration of its own. */
#define M_PAGE	((1u << MET_VISITORS) | (1u << MET_VISITS) | (1u << MET_PAGEVIEWS) | \
		(1u << MET_BOUNCE_RATE))
/* Custom events and properties: who sent them, in how many visits, how often. */
#define M_EVENT	((1u << MET_VISITORS) | (1u << MET_VISITS) | (1u << MET_EVENTS))

static const char *const gran_names[] = {
	[GRAN_HOUR] = "hour",
	[GRAN_DAY] = "day",
	[GRAN_MONTH] = "month",
};

/* ------------------------------------------------------------- answers */

/* A 400 with a formatted message (resp_error() copies it into the body). */
static int bad(struct resp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct resp *resp, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	rc = resp_error(resp, 400, msg.ptr);
	buf_release(&msg);
	return rc;
}

static int
unavailable(struct resp *resp)
{
	resp_header(resp, "Retry-After", RETRY_AFTER);
	return resp_error(resp, 503, "the service is unavailable, try again in a moment");
}

static int
unauthorized(struct resp *resp)
{
	resp_header(resp, "WWW-Authenticate", "Bearer realm=\"trackr\"");
	return resp_error(resp, 401, "missing or invalid API key");
}

/* A query failed: 503 when the connection is gone, else 500. */
static int
failed(struct ctx *c, struct resp *resp)
{
	if (c->db != NULL && !db_alive(c->db))
		return unavailable(resp);
	return resp_error(resp, 500, "internal error");
}

/* The written document, or 500 when the writer or the buffer failed. */
static int
done(struct resp *resp, const struct json_writer *w)
{
	if (w->err || resp->body.err) {
		log_err("api answer could not be written (writer %d)", w->err);
		return resp_error(resp, 500, "internal error");
	}
	buf_addch(&resp->body, '\n');
	resp->ctype = "application/json";
	return 200;
}

/* --------------------------------------------------------------- input */

/* 1 when every pair is a key the endpoint takes, within its limit, valid text, once (f repeats). */
static int
query_ok(struct ctx *c, struct resp *resp, unsigned keys, int *rc)
{
	const struct kvlist *l = c->query;
	const char *key;
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		key = l->v[i].key;
		for (k = 0; k < QK__MAX; k++)
			if (strcmp(key, qkeys[k].key) == 0)
				break;
		if (k == QK__MAX || !(keys & K(k))) {
			/* Named back only when it is short, plain text. */
			if (strlen(key) <= 40 && valid_text(key, strlen(key)))
				*rc = bad(resp, "unknown parameter: %s", key);
			else
				*rc = bad(resp, "unknown parameter");
			return 0;
		}
		if (l->v[i].vlen > qkeys[k].max) {
			*rc = bad(resp, "%s is too long", key);
			return 0;
		}
		if (!valid_text(l->v[i].val, l->v[i].vlen)) {
			*rc = bad(resp, "%s is not valid text", key);
			return 0;
		}
		if (k != QK_F && kv_get(l, key, NULL) != l->v[i].val) {
			*rc = bad(resp, "%s is given more than once", key);
			return 0;
		}
	}
	return 1;
}

/* s as a plain decimal number in [min, max], or -1. */
static long long
number(const char *s, long long min, long long max)
{
	long long v = 0;
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 10)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v < min || v > max ? -1 : v;
}

/*
 * The token of an "Authorization: Bearer <token>" header (scheme in any
 * case, RFC 6750's token68 characters), or NULL.
 */
static const char *
bearer(const char *h, size_t *len)
{
	const char *t;
	size_t n;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	for (t = h + 7; *t == ' '; t++)
		;
	n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~+/");
	n += strspn(t + n, "=");
	if (n == 0 || n > TOKEN_MAX || t[n + strspn(t + n, " ")] != '\0')
		return NULL;
	*len = n;
	return t;
}

/*
 * The organisation of the live key tok[0..len): 1 (and last_used_at
 * touched, at most once a minute), 0 when no live key has that hash, -1
 * on error.  Keys are stored as the SHA-256 of the whole key (keys.c).
 */
static int
key_find(struct ctx *c, const char *tok, size_t len, long long *org, long long *idp)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	unsigned char hash[CRYPT_SHA256_LEN];
	long long id = 0;
	int rc;

	crypt_sha256(tok, len, hash);
	db_arg_blob(&a, hash, sizeof(hash));
	if ((rc = db_select_idx(c->db, STMT_KEY_FIND, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		id = db_col_int(&res, 0, 0);
		*org = db_col_int(&res, 1, 0);
		*idp = id;
	}
	db_res_free(&res);
	if (rc == 1) {
		/* A usage stamp: not worth refusing the request over. */
		db_args_reset(&a);
		db_arg_int(&a, id);
		if (db_exec(c->db, db_stmt(c->db, STMT_KEY_TOUCH), &a, NULL, NULL) == -1)
			log_warn("last use of api key %lld not recorded", id);
	}
	db_args_free(&a);
	crypt_wipe(hash, sizeof(hash));
	return rc;
}

/* Every goal filter names one of the site's goals: else filters_sql() would fail. */
static int
goal_filters_ok(const struct ctx *c)
{
	long long id;
	size_t i, k;

	for (i = 0; i < c->filters.n; i++) {
		if (c->filters.f[i].dim != DIM_GOAL)
			continue;
		id = filter_goal_id(&c->filters.f[i]);
		for (k = 0; k < c->ngoals; k++)
			if (c->goals[k].id == id)
				break;
		if (k == c->ngoals)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- front */

int
h_api(struct req *r, struct resp *resp)
{
	const struct app *app = r->app;
	struct ctx *c = r->thread;
	const struct endpoint *ep = NULL;
	const char *tok, *why, *v;
	long long org = 0, site, key = 0;
	size_t i, len, nf;
	int rc, st, wait;

	resp_header(resp, "Cache-Control", "no-store");
	if (strncmp(r->path, API_PREFIX, strlen(API_PREFIX)) == 0)
		for (i = 0; i < NENDPOINTS; i++)
			if (strcmp(r->path + strlen(API_PREFIX), endpoints[i].name) == 0)
				ep = &endpoints[i];
	if (ep == NULL)
		return resp_error(resp, 404, "no such endpoint");
	if (r->method != METHOD_GET && r->method != METHOD_HEAD) {
		resp_header(resp, "Allow", "GET, HEAD");
		return resp_error(resp, 405, "method not allowed: use GET");
	}
	c->query = &r->args;
	if (req_parse_query(r, QUERY_MAX_PAIRS) != 0)
		return resp_error(resp, 400, "malformed query string or too many parameters");
	if (!query_ok(c, resp, ep->keys, &rc))
		return rc;

	/* Missing, malformed, unknown and revoked keys answer alike. */
	if ((tok = bearer(req_param(r, "HTTP_AUTHORIZATION"), &len)) == NULL)
		return unauthorized(resp);	/* no connection spent on it */
	c->db = db_pool_get(app->pool);
	if (db_ensure(c->db) == -1) {
		rc = unavailable(resp);
		goto out;
	}
	if ((st = key_find(c, tok, len, &org, &key)) == 0) {
		rc = unauthorized(resp);
		goto out;
	}
	if (st == -1) {
		rc = failed(c, resp);
		goto out;
	}
	c->actor = ACTOR_KEY;
	/* Each key has its own budget, so one busy script cannot starve the rest. */
	if ((wait = ratelimit_take(app->rl_api, (uint64_t)key, app->api_rate, 1,
	    (int64_t)c->now * 1000)) > 0) {
		resp_header(resp, "Retry-After", "%d", wait);
		rc = resp_error(resp, 429, "too many requests for this key: slow down");
		goto out;
	}

	if ((v = qparam(c, "site_id")) == NULL) {
		rc = bad(resp, "site_id is required");
		goto out;
	}
	if ((site = number(v, 1, SITE_ID_MAX)) == -1) {
		rc = bad(resp, "site_id must be a site's number");
		goto out;
	}
	/* The tenant check: the key's organisation owns the site. */
	if ((st = site_load(c, site)) == -1) {
		rc = failed(c, resp);
		goto out;
	}
	if (st == 0 || c->site.org_id != org) {
		rc = resp_error(resp, 404, "site not found");
		goto out;
	}

	if (ep->report) {
		if ((st = report_params(c, &why)) == -1) {
			rc = failed(c, resp);
			goto out;
		}
		/*
		 * Which parameter was bad: filters are read first (a short set
		 * means one of them), then checked against the goals, then
		 * the period.
		 */
		for (i = nf = 0; st == 1 && i < c->query->n; i++)
			nf += strcmp(c->query->v[i].key, "f") == 0;
		if (st == 1 && c->filters.n < nf) {
			rc = bad(resp, "f: %s", why ? why : "not valid");
			goto out;
		}
		if (!goal_filters_ok(c)) {
			rc = bad(resp, "f: no such goal on this site");
			goto out;
		}
		if (st == 1) {
			rc = bad(resp, "period: %s", why ? why : "not valid");
			goto out;
		}
	} else {
		c->qs.id = c->site.id;
		if ((c->qs.tz = tz_get(c->site.timezone)) == NULL)
			c->qs.tz = tz_get("UTC");
		c->qs.through = -1;
		c->q.db = c->db;
		c->q.site = &c->qs;
	}
	rc = ep->fn(c, resp);
out:
	db_pool_put(app->pool, c->db);
	c->db = NULL;
	return rc;
}

/* ------------------------------------------------------------- writing */

/* x rounded to n decimals, never "-0". */
static double
rnd(double x, int n)
{
	double k = n == 2 ? 100.0 : n == 1 ? 10.0 : 1.0;

	x = round(x * k) / k;
	return x == 0 ? 0.0 : x;
}

static double
ratio(long long a, long long b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* Metric i of m, unrounded. */
static double
met_value(enum metric i, const struct metrics *m)
{
	switch (i) {
	case MET_VISITORS:
		return (double)m->visitors;
	case MET_VISITS:
		return (double)m->visits;
	case MET_PAGEVIEWS:
		return (double)m->pageviews;
	case MET_VIEWS_PER_VISIT:
		return ratio(m->pageviews, m->visits);
	case MET_BOUNCE_RATE:
		return 100.0 * ratio(m->bounces, m->visits);
	case MET_VISIT_DURATION:
		return ratio(m->duration, m->visits);
	default:
		return (double)m->events;
	}
}

/* A metric's value as the API writes it: counts and seconds whole, rates rounded. */
static void
met_write(struct json_writer *w, enum metric i, double v)
{
	switch (i) {
	case MET_VIEWS_PER_VISIT:
		jw_double(w, rnd(v, 2));
		break;
	case MET_BOUNCE_RATE:
		jw_double(w, rnd(v, 1));
		break;
	default:
		jw_int(w, (long long)llround(v));
		break;
	}
}

/* "visitors": N, ... for the metrics in set; null values when m is NULL (the future). */
static void
metrics_write(struct json_writer *w, const struct metrics *m, unsigned set)
{
	size_t i;

	for (i = 0; i < MET__MAX; i++) {
		if (!(set & (1u << i)))
			continue;
		jw_key(w, met_keys[i]);
		if (m == NULL)
			jw_null(w);
		else
			met_write(w, (enum metric)i, met_value((enum metric)i, m));
	}
}

/*
 * The change of metric i against the previous period, as the overview
 * shows it: a whole percentage of the previous value, and for the bounce
 * rate the difference in points.  null when there is nothing to compare
 * with: a previous value of 0 (a previous period without visits, for the
 * per-visit metrics) against a current one that is not.
 */
static void
change_write(struct json_writer *w, enum metric i, const struct metrics *cur,
    const struct metrics *old)
{
	double v = met_value(i, cur), pv = met_value(i, old);
	int per_visit = i == MET_VIEWS_PER_VISIT || i == MET_BOUNCE_RATE ||
	    i == MET_VISIT_DURATION;

	if (per_visit && old->visits == 0) {
		if (cur->visits == 0)
			jw_int(w, 0);
		else
			jw_null(w);
	} else if (i == MET_BOUNCE_RATE)
		jw_double(w, rnd(v - pv, 1));
	else if (pv > 0)
		jw_int(w, (long long)llround((v - pv) / pv * 100.0));
	else if (v > 0)
		jw_null(w);
	else
		jw_int(w, 0);
}

static void
period_write(struct ctx *c, struct json_writer *w, const char *key, const struct period *p)
{
	char day[11];

	jw_key(w, key);
	jw_obj_begin(w);
	jw_key(w, "name");
	jw_str(w, p->name, strlen(p->name));
	jw_key(w, "from");
	period_day_str(p->from_day, day);
	jw_str(w, day, strlen(day));
	jw_key(w, "to");
	period_day_str(p->to_day, day);
	jw_str(w, day, strlen(day));
	jw_key(w, "timezone");
	jw_str(w, c->site.timezone, strlen(c->site.timezone));
	jw_key(w, "interval");
	jw_str(w, gran_names[p->gran], strlen(gran_names[p->gran]));
	jw_obj_end(w);
}

/* "site_id", "period" and "filters" (as f= takes them): what every report answer echoes. */
static void
report_write(struct ctx *c, struct json_writer *w)
{
	struct buf spec = BUF_INIT;
	size_t i;

	jw_key(w, "site_id");
	jw_int(w, c->site.id);
	period_write(c, w, "period", &c->period);
	jw_key(w, "filters");
	jw_arr_begin(w);
	for (i = 0; i < c->filters.n; i++) {
		buf_reset(&spec);
		filters_to_spec(&c->filters.f[i], &spec);
		jw_str(w, spec.ptr, spec.len);
	}
	jw_arr_end(w);
	buf_release(&spec);
}

/* A UTC time as "2026-03-29T01:00:00Z". */
static void
utc_write(struct json_writer *w, long long t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;
	size_t n;

	if (gmtime_r(&tt, &tm) == NULL ||
	    (n = strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm)) == 0) {
		jw_null(w);
		return;
	}
	jw_str(w, s, n);
}

/* -------------------------------------------------------------- aggregate */

/* What the aggregate's numbers count, in words, for a person reading the answer. */
static void
meaning(struct ctx *c, struct buf *out)
{
	char from[11], to[11];
	size_t i;

	period_day_str(c->period.from_day, from);
	period_day_str(c->period.to_day, to);
	buf_addf(out, "Visits to %s that started from %s to %s (local days in %s)",
	    c->site.domain, from, to, c->site.timezone);
	for (i = 0; i < c->filters.n; i++) {
		buf_adds(out, i == 0 ? ", where " : " and ");
		filter_describe_goals(&c->filters.f[i], c->goals, c->ngoals, out);
	}
	buf_adds(out, ". Visitors are distinct per day and summed over the days, so a person "
	    "who comes back on three days counts three times; a visit counts on the day it "
	    "started. Bounce rate is the percentage of visits with fewer than two "
	    "interactive events; visit duration is the mean of last minus first event, in "
	    "seconds; events are all events of those visits, page views included.");
	for (i = 0; i < c->filters.n; i++)
		if (c->filters.f[i].dim == DIM_PAGE &&
		    (c->filters.f[i].op == OP_IS || c->filters.f[i].op == OP_CONTAINS)) {
			buf_adds(out, " Page views count only the matching pages.");
			break;
		}
}

static int
ep_aggregate(struct ctx *c, struct resp *resp)
{
	struct json_writer w;
	struct period prev;
	struct metrics cur, old;
	struct buf text = BUF_INIT;
	const char *cmp = qparam(c, "compare");
	size_t i;

	if (cmp != NULL && strcmp(cmp, "previous") != 0)
		return bad(resp, "compare must be previous");
	if (q_aggregate(&c->q, &c->period, &c->filters, &cur) == -1)
		return failed(c, resp);
	if (cmp != NULL) {
		period_previous(&c->period, c->qs.tz, &prev);
		if (q_aggregate(&c->q, &prev, &c->filters, &old) == -1)
			return failed(c, resp);
	}

	buf_reset(&resp->body);
	jw_init(&w, &resp->body);
	jw_obj_begin(&w);
	jw_key(&w, "results");
	jw_obj_begin(&w);
	for (i = 0; i < MET__MAX; i++) {
		jw_key(&w, met_keys[i]);
		jw_obj_begin(&w);
		jw_key(&w, "value");
		met_write(&w, (enum metric)i, met_value((enum metric)i, &cur));
		if (cmp != NULL) {
			jw_key(&w, "previous");
			met_write(&w, (enum metric)i, met_value((enum metric)i, &old));
			jw_key(&w, "change");
			change_write(&w, (enum metric)i, &cur, &old);
		}
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	report_write(c, &w);
	if (cmp != NULL)
		period_write(c, &w, "compare_period", &prev);
	meaning(c, &text);
	jw_key(&w, "meaning");
	jw_str(&w, text.ptr, text.len);
	jw_obj_end(&w);
	buf_release(&text);
	return done(resp, &w);
}

/* ------------------------------------------------------------- timeseries */

static int
ep_timeseries(struct ctx *c, struct resp *resp)
{
	struct json_writer w;
	struct metrics *s;
	char label[PERIOD_LABEL_MAX];
	long long start, end;
	size_t i, n;

	n = period_buckets(&c->period, c->qs.tz);
	s = xcalloc(n ? n : 1, sizeof(*s));
	if (q_series(&c->q, &c->period, &c->filters, s) == -1) {
		free(s);
		return failed(c, resp);
	}
	buf_reset(&resp->body);
	jw_init(&w, &resp->body);
	jw_obj_begin(&w);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++) {
		period_bucket(&c->period, c->qs.tz, i, &start, &end, label, sizeof(label));
		jw_obj_begin(&w);
		jw_key(&w, "date");
		jw_str(&w, label, strlen(label));
		jw_key(&w, "start");
		utc_write(&w, start);
		/* The future is no data, not zero. */
		metrics_write(&w, start <= c->now ? &s[i] : NULL, M_ALL);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "interval");
	jw_str(&w, gran_names[c->period.gran], strlen(gran_names[c->period.gran]));
	report_write(c, &w);
	jw_obj_end(&w);
	free(s);
	return done(resp, &w);
}

/* -------------------------------------------------------------- breakdown */

struct goal_row {
	const struct goal_ref	*g;
	struct metrics		 m;
};

/* Goals in the asked order (name: the target), ties by id. */
static int
goal_cmp_by(const struct goal_row *a, const struct goal_row *b, enum sort s, int desc)
{
	long long x, y;
	int r;

	switch (s) {
	case SORT_VISITS:
		x = a->m.visits, y = b->m.visits;
		break;
	case SORT_EVENTS:
		x = a->m.events, y = b->m.events;
		break;
	case SORT_VALUE:
		r = strcmp(a->g->target, b->g->target);
		x = r, y = 0;
		break;
	default:
		x = a->m.visitors, y = b->m.visitors;
		break;
	}
	if (x != y)
		return (x < y) != desc ? -1 : 1;
	return a->g->id < b->g->id ? -1 : a->g->id > b->g->id;
}

/* Insertion sort: at most GOALS_MAX rows, and no global state for qsort's comparator. */
static void
goal_rows_sort(struct goal_row *rows, size_t n, enum sort s, int desc)
{
	struct goal_row t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = rows[i];
		for (j = i; j > 0 && goal_cmp_by(&t, &rows[j - 1], s, desc) < 0; j--)
			rows[j] = rows[j - 1];
		rows[j] = t;
	}
}

static void
rate_write(struct json_writer *w, long long part, long long total)
{
	jw_key(w, "conversion_rate");
	jw_double(w, rnd(100.0 * ratio(part, total), 1));
}

static int
breakdown_goals(struct ctx *c, struct resp *resp, enum sort s, int desc, size_t limit,
    size_t page)
{
	struct goal_row rows[GOALS_MAX];
	struct json_writer w;
	struct metrics total;
	struct buf label = BUF_INIT;
	size_t i, from = (page - 1) * limit;
	const struct goal_ref *g;

	if (s != SORT_VISITORS && s != SORT_VISITS && s != SORT_EVENTS && s != SORT_VALUE)
		return bad(resp, "sort: goals sort by visitors, visits, events or name");
	if (q_aggregate(&c->q, &c->period, &c->filters, &total) == -1)
		return failed(c, resp);
	for (i = 0; i < c->ngoals; i++) {
		rows[i].g = &c->goals[i];
		if (q_goal(&c->q, &c->period, &c->filters, &c->goals[i], &rows[i].m) == -1)
			return failed(c, resp);
	}
	goal_rows_sort(rows, c->ngoals, s, desc);

	buf_reset(&resp->body);
	jw_init(&w, &resp->body);
	jw_obj_begin(&w);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (i = from; i < c->ngoals && i < from + limit; i++) {
		g = rows[i].g;
		jw_obj_begin(&w);
		jw_key(&w, "goal");
		buf_reset(&label);
		if (!g->is_event)
			buf_adds(&label, "Visit ");
		buf_adds(&label, g->target);
		jw_str(&w, label.ptr, label.len);
		jw_key(&w, "goal_id");
		jw_int(&w, g->id);
		jw_key(&w, "kind");
		jw_str(&w, g->is_event ? "event" : "page", g->is_event ? 5 : 4);
		jw_key(&w, "target");
		jw_str(&w, g->target, strlen(g->target));
		metrics_write(&w, &rows[i].m, M_EVENT);
		rate_write(&w, rows[i].m.visitors, total.visitors);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "property");
	jw_str(&w, "goal", 4);
	jw_key(&w, "page");
	jw_int(&w, (long long)page);
	jw_key(&w, "more");
	jw_bool(&w, c->ngoals > from + limit);
	report_write(c, &w);
	jw_obj_end(&w);
	buf_release(&label);
	return done(resp, &w);
}

static int
ep_breakdown(struct ctx *c, struct resp *resp)
{
	struct json_writer w;
	struct brows rows;
	struct metrics total;
	const char *prop = qparam(c, "prop"), *v, *sep, *key;
	enum dim d;
	enum sort s = SORT_VISITORS;
	unsigned set;
	long long limit = LIMIT_DEFAULT, page = 1;
	int desc = 1, conv;
	size_t i;

	if ((v = qparam(c, "property")) == NULL)
		return bad(resp, "property is required");
	if ((d = dim_by_key(v)) == DIM__MAX || d == DIM_TOTAL)
		return bad(resp, "property: no such dimension");
	if (prop != NULL && d != DIM_PROP)
		return bad(resp, "prop is only for property=prop");
	if ((v = qparam(c, "limit")) != NULL &&
	    (limit = number(v, 1, LIMIT_MAX)) == -1)
		return bad(resp, "limit must be a number from 1 to %d", LIMIT_MAX);
	if ((v = qparam(c, "page")) != NULL &&
	    (page = number(v, 1, PAGE_MAX)) == -1)
		return bad(resp, "page must be a number from 1 to %d", PAGE_MAX);
	if ((v = qparam(c, "sort")) != NULL) {
		if ((s = sort_by_key(v)) == SORT__MAX)
			return bad(resp, "sort must be visitors, visits, pageviews, "
			    "bounce_rate, visit_duration, events or name");
		desc = s != SORT_VALUE;
	}
	if ((v = qparam(c, "dir")) != NULL) {
		if (strcmp(v, "asc") != 0 && strcmp(v, "desc") != 0)
			return bad(resp, "dir must be asc or desc");
		desc = strcmp(v, "desc") == 0;
	}
	if (d == DIM_GOAL)
		return breakdown_goals(c, resp, s, desc, (size_t)limit, (size_t)page);

	c->q.prop_key = prop;
	conv = d == DIM_EVENT || d == DIM_PROP;
	set = d == DIM_PAGE ? M_PAGE : conv ? M_EVENT : M_ALL;
	if (conv && q_aggregate(&c->q, &c->period, &c->filters, &total) == -1)
		return failed(c, resp);
	if (q_breakdown(&c->q, &c->period, &c->filters, d, s, desc,
	    (size_t)((page - 1) * limit), (size_t)limit, &rows) == -1) {
		brows_free(&rows);
		return failed(c, resp);
	}

	buf_reset(&resp->body);
	jw_init(&w, &resp->body);
	jw_obj_begin(&w);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (i = 0; i < rows.n; i++) {
		jw_obj_begin(&w);
		if (d == DIM_PROP) {
			/* "key US value": the property's name and its value apart. */
			key = rows.v[i].value;
			sep = strstr(key, PROP_SEP);
			jw_key(&w, "prop");
			jw_str(&w, key, sep ? (size_t)(sep - key) : strlen(key));
			jw_key(&w, "value");
			jw_str(&w, sep ? sep + 1 : "", sep ? strlen(sep + 1) : 0);
		} else {
			jw_key(&w, dims[d].key);
			jw_str(&w, rows.v[i].value, strlen(rows.v[i].value));
		}
		metrics_write(&w, &rows.v[i].m, set);
		if (conv)
			rate_write(&w, rows.v[i].m.visitors, total.visitors);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "property");
	jw_str(&w, dims[d].key, strlen(dims[d].key));
	jw_key(&w, "page");
	jw_int(&w, page);
	jw_key(&w, "more");
	jw_bool(&w, rows.more);
	report_write(c, &w);
	jw_obj_end(&w);
	brows_free(&rows);
	return done(resp, &w);
}

/* --------------------------------------------------------------- realtime */

static int
ep_realtime(struct ctx *c, struct resp *resp)
{
	struct json_writer w;
	long long v5, v30;

	if (q_realtime(&c->q, c->now, 5 * 60, &v5) == -1 ||
	    q_realtime(&c->q, c->now, 30 * 60, &v30) == -1)
		return failed(c, resp);
	buf_reset(&resp->body);
	jw_init(&w, &resp->body);
	jw_obj_begin(&w);
	jw_key(&w, "visitors_5m");
	jw_int(&w, v5);
	jw_key(&w, "visitors_30m");
	jw_int(&w, v30);
	jw_key(&w, "site_id");
	jw_int(&w, c->site.id);
	jw_key(&w, "at");
	utc_write(&w, c->now);
	jw_obj_end(&w);
	return done(resp, &w);
}
