/*
 * query: reports from rollups and raw visits (see query.h for the rule
 * that decides which).  Every statement here is built from fixed text
 * (the dimension table's expressions, the metric columns) with every
 * value bound as a parameter, then prepared for that one request: the
 * text depends on the period's shape (how many DST changes, whether
 * months are whole), so there is no fixed statement table to prepare
 * once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mem.h"
#include "query.h"

#define SLOW_MS		500	/* a report query slower than this is logged */
#define TZ_SPANS_MAX	128	/* offset changes in one period (5 years in the busiest zone) */
#define DAY		86400

const char *const sort_keys[SORT__MAX] = {
	[SORT_VISITORS] = "visitors",
	[SORT_VISITS] = "visits",
	[SORT_PAGEVIEWS] = "pageviews",
	[SORT_BOUNCE] = "bounce_rate",
	[SORT_DURATION] = "visit_duration",
	[SORT_EVENTS] = "events",
	[SORT_VALUE] = "name",
};

/* The ORDER BY expression of each sort over the outer sums. */
static const char *const sort_sql[SORT__MAX] = {
	[SORT_VISITORS] = "SUM(vi)",
	[SORT_VISITS] = "SUM(vs)",
	[SORT_PAGEVIEWS] = "SUM(pv)",
	[SORT_BOUNCE] = "SUM(bo) / NULLIF(SUM(vs), 0)",
	[SORT_DURATION] = "SUM(du) / NULLIF(SUM(vs), 0)",
	[SORT_EVENTS] = "SUM(ev)",
	[SORT_VALUE] = "v",
};

enum sort
sort_by_key(const char *k)
{
	size_t i;

	for (i = 0; k != NULL && i < SORT__MAX; i++)
		if (strcmp(k, sort_keys[i]) == 0)
			return (enum sort)i;
	return SORT__MAX;
}

void
brows_free(struct brows *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].value);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static void
brows_add(struct brows *b, const char *v, size_t len, const struct metrics *m)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n].value = xstrndup(v ? v : "", v ? len : 0);
	b->v[b->n].m = *m;
	b->n++;
}

/* ------------------------------------------------------------ pieces */

/*
 * "(UNIX_TIMESTAMP(col) + offset)": local seconds of a UTC column, with
 * the zone's offset changes inside [start, end) as a CASE.
 */
static int
local_secs(const struct qctx *q, long long start, long long end, const char *col,
    struct buf *sql, struct db_args *a)
{
	struct tz_span sp[TZ_SPANS_MAX];
	size_t n, i;

	n = tz_spans(q->site->tz, start, end > start ? end : start + 1, sp, TZ_SPANS_MAX);
	if (n == TZ_SPANS_MAX) {
		log_err("more than %d offset changes in one period", TZ_SPANS_MAX);
		return -1;
	}
	if (n <= 1) {
		buf_addf(sql, "(UNIX_TIMESTAMP(%s) + ?)", col);
		db_arg_int(a, n ? sp[0].offset : 0);
		return 0;
	}
	buf_addf(sql, "(UNIX_TIMESTAMP(%s) + CASE", col);
	for (i = 1; i < n; i++) {
		buf_addf(sql, " WHEN %s < ? THEN ?", col);
		db_arg_time_ms(a, sp[i].start_utc * 1000);
		db_arg_int(a, sp[i - 1].offset);
	}
	buf_adds(sql, " ELSE ? END)");
	db_arg_int(a, sp[n - 1].offset);
	return 0;
}

static int
has_page_filter(const struct filters *f)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++)
		if (f->f[i].dim == DIM_PAGE &&
		    (f->f[i].op == OP_IS || f->f[i].op == OP_CONTAINS))
			return 1;
	return 0;
}

enum group {
	GROUP_VALUE,	/* v: the dimension's value */
	GROUP_DAY,	/* b: local day number, o: 0 */
	GROUP_HOUR,	/* b: local hour number, o: the offset (a repeated hour differs) */
};

/*
 * The raw SELECT (see raw_part in query.h), grouped by value, local day
 * or local hour.
 */
static int
raw_select(const struct qctx *q, long long start, long long end, const struct filters *f,
    enum dim dim, enum group g, const char *only, struct buf *sql, struct db_args *a)
{
	const struct dim_info *d = &dims[dim];
	int ev = dim == DIM_PAGE || dim == DIM_EVENT || dim == DIM_PROP;

	buf_adds(sql, "SELECT ");
	if (g == GROUP_VALUE) {
		if (dim == DIM_TOTAL)
			buf_adds(sql, "'' AS v");
		else if (dim == DIM_PROP)
			buf_adds(sql, "CONCAT(jk.k, X'1F', jv.v) AS v");
		else
			buf_addf(sql, "%s AS v", d->expr);
	} else {
		buf_adds(sql, "FLOOR(");
		if (local_secs(q, start, end, "s.started_at", sql, a) == -1)
			return -1;
		buf_addf(sql, " / %d) AS b, ", g == GROUP_DAY ? DAY : 3600);
		if (g == GROUP_DAY)
			buf_adds(sql, "0 AS o");
		else {
			buf_adds(sql, "(");
			if (local_secs(q, start, end, "s.started_at", sql, a) == -1)
				return -1;
			buf_adds(sql, " - UNIX_TIMESTAMP(s.started_at)) AS o");
		}
	}
	buf_adds(sql, ", COUNT(DISTINCT FLOOR(");
	if (local_secs(q, start, end, "s.started_at", sql, a) == -1)
		return -1;
	buf_adds(sql, " / 86400), s.visitor_id) AS vi, ");
	if (!ev) {
		buf_adds(sql, "COUNT(*) AS vs, ");
		if (has_page_filter(f)) {
			/* Page views of the filtered pages only. */
			buf_adds(sql, "SUM((SELECT COUNT(*) FROM events e WHERE e.session_id = s.id "
			    "AND e.name = 'pageview'");
			if (filters_sql_events(f, sql, a) == -1)
				return -1;
			buf_adds(sql, ")) AS pv, ");
		} else
			buf_adds(sql, "SUM(s.pageviews) AS pv, ");
		buf_adds(sql, "SUM(s.interactions < 2) AS bo, "
		    "SUM(TIMESTAMPDIFF(SECOND, s.started_at, s.last_seen)) AS du, "
		    "SUM(s.events) AS ev FROM sessions s");
	} else {
		buf_addf(sql, "COUNT(DISTINCT s.id) AS vs, %s AS pv, "
		    "COUNT(DISTINCT IF(s.interactions < 2, s.id, NULL)) AS bo, 0 AS du, "
		    "COUNT(*) AS ev FROM sessions s JOIN events e ON e.session_id = s.id",
		    dim == DIM_PAGE ? "COUNT(*)" : "0");
		if (dim == DIM_PROP)
			/* A props object's keys and values come out in the same order. */
			buf_adds(sql, " JOIN JSON_TABLE(JSON_KEYS(e.props), '$[*]' COLUMNS ("
			    "i FOR ORDINALITY, k VARCHAR(300) PATH '$')) jk"
			    " JOIN JSON_TABLE(JSON_EXTRACT(e.props, '$.*'), '$[*]' COLUMNS ("
			    "j FOR ORDINALITY, v VARCHAR(2000) PATH '$')) jv ON jv.j = jk.i");
	}
	buf_adds(sql, " WHERE s.site_id = ? AND s.started_at >= ? AND s.started_at < ?");
	db_arg_int(a, q->site->id);
	db_arg_time_ms(a, start * 1000);
	db_arg_time_ms(a, end * 1000);
	if (dim == DIM_PAGE) {
		buf_adds(sql, " AND e.name = 'pageview'");
		if (filters_sql_events(f, sql, a) == -1)
			return -1;
	} else if (dim == DIM_EVENT || dim == DIM_PROP)
		buf_adds(sql, " AND e.name NOT IN ('pageview', 'engagement')");
	if (dim == DIM_PROP && q->prop_key != NULL) {
		buf_adds(sql, " AND jk.k = ?");
		db_arg_strz(a, q->prop_key);
	}
	if (only != NULL && dim != DIM_TOTAL) {
		if (dim == DIM_PROP)
			buf_adds(sql, " AND CONCAT(jk.k, X'1F', jv.v) = ?");
		else
			buf_addf(sql, " AND %s = ?", d->expr);
		db_arg_strz(a, only);
	}
	if (filters_sql(f, q->goals, q->ngoals, sql, a) == -1)
		return -1;
	if (g == GROUP_VALUE && dim != DIM_TOTAL)
		buf_adds(sql, " GROUP BY v");
	else if (g == GROUP_DAY)
		buf_adds(sql, " GROUP BY b");
	else if (g == GROUP_HOUR)
		buf_adds(sql, " GROUP BY b, o");
	return 0;
}

int
raw_part(const struct qctx *q, long long start, long long end, const struct filters *f,
    enum dim dim, struct buf *sql, struct db_args *a)
{
	if (dim == DIM_GOAL || dim >= DIM__MAX)
		return -1;
	return raw_select(q, start, end, f, dim, GROUP_VALUE, NULL, sql, a);
}

/*
 * A local day as a DATETIME at its midnight, which db_args holds itself:
 * a bound string must outlive the call, and a local buffer here did not.
 */
static void
arg_day(struct db_args *a, long day)
{
	db_arg_time_ms(a, (long long)day * DAY * 1000);
}

/* The first local day of the month holding day, and of the next month. */
static long
month_first(long day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return days_from_civil(y, m, 1);
}

static long
month_next(long day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
}

/*
 * A rollup value of the property key bound (the server escapes it for
 * LIKE: a bound string must live until the statement runs).
 */
#define LIKE_PROP_KEY " AND value LIKE CONCAT(REPLACE(REPLACE(REPLACE(?, '!', '!!'), " \
	"'%', '!%'), '_', '!_'), X'1F', '%') ESCAPE '!'"

/* The rollup columns under the names raw_select gives. */
#define ROLLUP_COLS "visitors AS vi, visits AS vs, pageviews AS pv, " \
	"bounces AS bo, duration AS du, events AS ev"

/*
 * The parts of a report: rollup rows for [from, rolled] (whole months
 * from rollup_months), raw rows for the rest.  For GROUP_VALUE the parts
 * select (v, ...); otherwise (k, b, o, ...) with k 0 for a local day
 * number in b, 1 for a local hour number in b and its offset in o.
 */
static int
parts(struct qctx *q, const struct period *p, const struct filters *f, enum dim dim,
    enum group g, const char *only, struct buf *sql, struct db_args *a)
{
	long through = q->site->through, rolled, m0, m1, raw_from;
	int filtered = (f != NULL && f->n > 0) || dim == DIM_GOAL;
	/* A daily series must not see a month's row as its first day. */
	int months = g == GROUP_VALUE || p->gran == GRAN_MONTH;
	int any = 0, like = dim == DIM_PROP && q->prop_key != NULL;
	const char *head = g == GROUP_VALUE ? "SELECT value AS v, " :
	    "SELECT 0 AS k, DATEDIFF(day, '1970-01-01') AS b, 0 AS o, ";

	/* Hours are never rolled up; a wildcard would need visitors deduplicated. */
	rolled = filtered || through < 0 || g == GROUP_HOUR ? p->from_day - 1 :
	    (p->to_day < through ? p->to_day : through);
	if (rolled >= p->from_day) {
		m0 = month_first(p->from_day) == p->from_day ? p->from_day : month_next(p->from_day);
		m1 = month_first(rolled + 1) == rolled + 1 ? rolled + 1 :
		    month_first(rolled + 1);	/* the first day after the last whole month */
		if (months && m0 < m1) {
			buf_addf(sql, "%s" ROLLUP_COLS " FROM rollup_months WHERE site_id = ? "
			    "AND dim = ? AND day >= ? AND day < ?", head);
			db_arg_int(a, q->site->id);
			db_arg_int(a, dim);
			arg_day(a, m0);
			arg_day(a, m1);
			if (like) {
				buf_adds(sql, LIKE_PROP_KEY);
				db_arg_strz(a, q->prop_key);
			}
			if (only) {
				buf_adds(sql, " AND value = ?");
				db_arg_strz(a, only);
			}
			any = 1;
		} else
			m0 = m1 = rolled + 1;	/* no whole month: days only */
		if (p->from_day < m0 || m1 <= rolled) {
			buf_addf(sql, "%s%s" ROLLUP_COLS " FROM rollup_days WHERE site_id = ? "
			    "AND dim = ? AND (day BETWEEN ? AND ? OR day BETWEEN ? AND ?)",
			    any ? " UNION ALL " : "", head);
			db_arg_int(a, q->site->id);
			db_arg_int(a, dim);
			arg_day(a, p->from_day);
			arg_day(a, m0 - 1);
			arg_day(a, m1);
			arg_day(a, rolled);
			if (like) {
				buf_adds(sql, LIKE_PROP_KEY);
				db_arg_strz(a, q->prop_key);
			}
			if (only) {
				buf_adds(sql, " AND value = ?");
				db_arg_strz(a, only);
			}
			any = 1;
		}
	}
	if (rolled < p->to_day) {
		raw_from = rolled >= p->from_day ? tz_day_start(q->site->tz, rolled + 1) : p->start;
		if (any)
			buf_adds(sql, " UNION ALL ");
		if (g != GROUP_VALUE)
			buf_addf(sql, "SELECT %d AS k, b, o, vi, vs, pv, bo, du, ev FROM (",
			    g == GROUP_HOUR);
		if (raw_select(q, raw_from, p->end, f, dim == DIM_GOAL ? DIM_TOTAL : dim, g,
		    only, sql, a) == -1)
			return -1;
		if (g != GROUP_VALUE)
			buf_adds(sql, ") r");
		any = 1;
	}
	if (!any)	/* an empty period: no rows */
		buf_adds(sql, "SELECT '' AS v, 0 AS vi, 0 AS vs, 0 AS pv, 0 AS bo, 0 AS du, "
		    "0 AS ev FROM DUAL WHERE 0");
	return 0;
}

static void
read_metrics(const struct db_res *r, unsigned first, struct metrics *m)
{
	m->visitors = db_col_int(r, first, 0);
	m->visits = db_col_int(r, first + 1, 0);
	m->pageviews = db_col_int(r, first + 2, 0);
	m->bounces = db_col_int(r, first + 3, 0);
	m->duration = db_col_int(r, first + 4, 0);
	m->events = db_col_int(r, first + 5, 0);
}

static void
add_metrics(struct metrics *to, const struct metrics *m)
{
	to->visitors += m->visitors;
	to->visits += m->visits;
	to->pageviews += m->pageviews;
	to->bounces += m->bounces;
	to->duration += m->duration;
	to->events += m->events;
}

/* Prepare sql, run it with a, and hand each row to fn; 0 or -1. */
static int
run(struct qctx *q, const struct buf *sql, struct db_args *a,
    int (*fn)(void *, const struct db_res *), void *arg)
{
	MYSQL_STMT *st;
	struct db_res r;
	struct timespec t0, t1;
	double ms;
	int rc = -1, f;

	if (sql->err) {
		log_err("query text too long");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((st = db_prepare(q->db, sql->ptr)) == NULL)
		return -1;
	if (db_select(q->db, st, a, &r) == 0) {
		while ((f = db_fetch(&r)) == 1)
			if (fn(arg, &r) != 0)
				break;
		rc = f == -1 ? -1 : 0;
	}
	db_res_free(&r);
	mysql_stmt_close(st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (ms >= SLOW_MS)
		log_info("slow report query, %.0f ms: %.160s", ms, sql->ptr);
	else
		log_debug("%.1f ms: %.160s", ms, sql->ptr);
	return rc;
}

/* ------------------------------------------------------- column store */

/*
 * The column store's share of a report: the closed days' snapshot for the
 * period's days up to c_to, the open days' one (yesterday to tomorrow:
 * a western visit's local "tomorrow" may already have begun) for
 * [h_from, h_to] when it is there, and the rest of the period, for SQL, in
 * sub (sub.from_day > sub.to_day when nothing is left).  0 when SQL
 * answers it all (nothing is held then).
 */
struct mpart {
	const struct memsite	*closed, *open;
	long			 c_to, h_from, h_to;
	struct period		 sub;
	struct mem_sel		 csel, osel;	/* "contains" filters in each snapshot */
};

static void
mpart_release(struct qctx *q, struct mpart *mp)
{
	size_t i;

	mem_release(q->mem, mp->closed);
	mem_release(q->mem, mp->open);
	mp->closed = mp->open = NULL;
	for (i = 0; i < FILTER_MAX; i++) {
		free((void *)mp->csel.match[i]);
		free((void *)mp->osel.match[i]);
		mp->csel.match[i] = mp->osel.match[i] = NULL;
	}
}

struct flags {
	unsigned char	*v;
	size_t		 n;
};

static int
row_flag(void *arg, const struct db_res *r)
{
	struct flags *fl = arg;
	long long i = db_col_int(r, 0, 0);

	if (i >= 1 && (size_t)i <= fl->n)
		fl->v[i - 1] = 1;
	return 0;
}

/*
 * For each "contains" filter, the values of snapshot m it keeps, asked of
 * the server (its collation decides, as it does for the SQL path).
 * 0 or -1.
 */
static int
mem_select(struct qctx *q, const struct memsite *m, const struct filters *f,
    struct mem_sel *sel)
{
	struct buf sql = BUF_INIT, json = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct flags fl;
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && f != NULL && i < f->n; i++) {
		if (f->f[i].dim == DIM_GOAL) {
			/* The goal's pages or event, matched in memory as LIKE would. */
			for (k = 0; k < q->ngoals && q->goals[k].id != filter_goal_id(&f->f[i]); k++)
				;
			if (k == q->ngoals) {
				rc = -1;
				break;
			}
			sel->goal_event[i] = q->goals[k].is_event;
			sel->match[i] = mem_goal_flags(m, q->goals[k].is_event, q->goals[k].target,
			    &fl.n);
			continue;
		}
		if (f->f[i].op != OP_CONTAINS && f->f[i].op != OP_NOT_CONTAINS)
			continue;
		buf_reset(&json);
		fl.n = mem_dict_json(m, f->f[i].dim, &json);
		fl.v = xcalloc(fl.n ? fl.n : 1, 1);
		sel->match[i] = fl.v;
		buf_reset(&sql);
		db_args_reset(&a);
		buf_adds(&sql, "SELECT j.i FROM JSON_TABLE(?, '$[*]' COLUMNS (i FOR ORDINALITY, "
		    "v VARCHAR(2000) CHARACTER SET utf8mb4 PATH '$')) j "
		    "WHERE j.v COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', REPLACE(REPLACE("
		    "REPLACE(?, '!', '!!'), '%', '!%'), '_', '!_'), '%') ESCAPE '!'");
		db_arg_str(&a, json.ptr, json.len);
		db_arg_strz(&a, f->f[i].value);
		rc = run(q, &sql, &a, row_flag, &fl);
	}
	buf_release(&sql);
	buf_release(&json);
	db_args_free(&a);
	return rc;
}

static int
mem_part(struct qctx *q, const struct period *p, const struct filters *f, enum dim dim,
    struct mpart *mp)
{
	long first, last, through = q->site->through;

	memset(mp, 0, sizeof(*mp));
	if (q->mem == NULL || q->tzname == NULL || through < 1 || !mem_supports(f, dim))
		return 0;
	/* Yesterday is open: a visit across midnight still changes it. */
	if ((mp->closed = mem_get(q->mem, q->site->id, q->tzname, through - 1)) == NULL)
		return 0;
	mem_days(mp->closed, &first, &last);
	mp->c_to = last < p->to_day ? last : p->to_day;	/* < from_day: none of its days */
	mp->sub = *p;
	mp->sub.from_day = mp->c_to >= p->from_day ? mp->c_to + 1 : p->from_day;
	/* The open days, when no day is missing between the closed ones and them. */
	if ((last == through - 1 || p->from_day >= through) && p->to_day >= through &&
	    p->to_day <= through + 2 && (mp->open = mem_get_open(q->mem, q->site->id,
	    q->tzname, through, through + 2)) != NULL) {
		mp->h_from = p->from_day > through ? p->from_day : through;
		mp->h_to = p->to_day;
		mp->sub.from_day = p->to_day + 1;
	}
	if ((mp->c_to < p->from_day && mp->open == NULL) ||
	    mem_select(q, mp->closed, f, &mp->csel) == -1 ||
	    (mp->open != NULL && mem_select(q, mp->open, f, &mp->osel) == -1)) {
		mpart_release(q, mp);
		return 0;
	}
	mp->sub.start = tz_day_start(q->site->tz, mp->sub.from_day);
	return 1;
}

/* Values and their metrics, merged from the column store and SQL. */
struct merge {
	struct mrow {
		char		*v;
		size_t		 len;
		struct metrics	 m;
	}		*rows;
	size_t		 n, cap;
	uint32_t	*slot;	/* row + 1 */
	size_t		 nslot;
};

static void
merge_add(void *arg, const char *v, size_t len, const struct metrics *m)
{
	struct merge *g = arg;
	size_t k, i, mask;

	if ((g->n + 1) * 2 > g->nslot) {
		free(g->slot);
		g->nslot = g->nslot ? g->nslot * 2 : 1024;
		g->slot = xcalloc(g->nslot, sizeof(*g->slot));
		mask = g->nslot - 1;
		for (i = 0; i < g->n; i++) {
			for (k = dash_hash(g->rows[i].v, g->rows[i].len) & mask; g->slot[k];
			    k = (k + 1) & mask)
				;
			g->slot[k] = (uint32_t)i + 1;
		}
	}
	mask = g->nslot - 1;
	for (k = dash_hash(v, len) & mask; g->slot[k]; k = (k + 1) & mask) {
		struct mrow *r = &g->rows[g->slot[k] - 1];

		if (r->len == len && memcmp(r->v, v, len) == 0) {
			add_metrics(&r->m, m);
			return;
		}
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->rows = xrealloc(g->rows, g->cap * sizeof(*g->rows));
	}
	g->rows[g->n].v = xstrndup(v, len);
	g->rows[g->n].len = len;
	g->rows[g->n].m = *m;
	g->slot[k] = (uint32_t)++g->n;
}

static void
merge_free(struct merge *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->rows[i].v);
	free(g->rows);
	free(g->slot);
}

static int
row_merge(void *arg, const struct db_res *r)
{
	struct metrics m;
	const char *v;
	size_t len;

	v = db_col(r, 0, &len);
	read_metrics(r, 1, &m);
	merge_add(arg, v ? v : "", v ? len : 0, &m);
	return 0;
}

/*
 * A ratio as the server orders by it: SUM(a) / SUM(b) is a decimal of
 * four places (div_precision_increment), rounded half up.
 */
static long long
ratio4(long long a, long long b)
{
	return b ? (a * 20000 + b) / (2 * b) : -1;
}

static long long
sort_key(const struct metrics *m, enum sort s)
{
	switch (s) {
	case SORT_VISITS:
		return m->visits;
	case SORT_PAGEVIEWS:
		return m->pageviews;
	case SORT_BOUNCE:
		return ratio4(m->bounces, m->visits);
	case SORT_DURATION:
		return ratio4(m->duration, m->visits);
	case SORT_EVENTS:
		return m->events;
	default:
		return m->visitors;
	}
}

static __thread enum sort cmp_sort;
static __thread int cmp_desc;

/* ORDER BY <metric> <dir>, v ASC, as order_by() asks the server. */
static int
mrow_cmp(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	long long kx, ky;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (cmp_sort != SORT_VALUE) {
		kx = sort_key(&x->m, cmp_sort);
		ky = sort_key(&y->m, cmp_sort);
		if (kx != ky)
			return (kx < ky) == cmp_desc ? 1 : -1;
	}
	if ((c = memcmp(x->v, y->v, n)) != 0)
		return cmp_sort == SORT_VALUE && cmp_desc ? -c : c;
	c = x->len < y->len ? -1 : x->len > y->len;
	return cmp_sort == SORT_VALUE && cmp_desc ? -c : c;
}

/*
 * A breakdown through the column store, every row into g (unsorted);
 * 1 when it answered, 0 when SQL must, -1 on error.
 */
static int
mem_breakdown_rows(struct qctx *q, const struct period *p, const struct filters *f,
    enum dim dim, struct merge *g)
{
	struct mpart mp;
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	int rc = 1;

	if (dim == DIM_GOAL || dim == DIM_PROP || !mem_part(q, p, f, dim, &mp))
		return 0;
	mem_breakdown(mp.closed, p->from_day, mp.c_to, f, &mp.csel, dim, merge_add, g);
	if (mp.open != NULL)
		mem_breakdown(mp.open, mp.h_from, mp.h_to, f, &mp.osel, dim, merge_add, g);
	mpart_release(q, &mp);
	/* The parts come grouped by value already; merge_add sums across them. */
	if (mp.sub.from_day <= mp.sub.to_day)
		rc = parts(q, &mp.sub, f, dim, GROUP_VALUE, NULL, &sql, &a) == -1 ? -1 :
		    run(q, &sql, &a, row_merge, g) == -1 ? -1 : 1;
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* Sort the merged rows as SQL would. */
static void
merge_sort(struct merge *g, enum sort s, int desc)
{
	cmp_sort = s >= SORT__MAX ? SORT_VISITORS : s;
	cmp_desc = desc;
	if (g->n > 1)
		qsort(g->rows, g->n, sizeof(*g->rows), mrow_cmp);
}

/* --------------------------------------------------------- breakdowns */

static int
breakdown_sql(struct qctx *q, const struct period *p, const struct filters *f, enum dim dim,
    const char *only, struct buf *sql, struct db_args *a)
{
	if (dim == DIM_GOAL || dim >= DIM__MAX)
		return -1;
	buf_adds(sql, "SELECT v, SUM(vi), SUM(vs), SUM(pv), SUM(bo), SUM(du), SUM(ev) FROM (");
	if (parts(q, p, f, dim, GROUP_VALUE, only, sql, a) == -1)
		return -1;
	buf_adds(sql, ") t GROUP BY v");
	return 0;
}

static int
row_total(void *arg, const struct db_res *r)
{
	read_metrics(r, 1, arg);
	return 1;
}

int
q_aggregate(struct qctx *q, const struct period *p, const struct filters *f,
    struct metrics *out)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct mpart mp;
	struct metrics m;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (mem_part(q, p, f, DIM_TOTAL, &mp)) {
		mem_aggregate(mp.closed, p->from_day, mp.c_to, f, &mp.csel, out);
		if (mp.open != NULL) {
			mem_aggregate(mp.open, mp.h_from, mp.h_to, f, &mp.osel, &m);
			add_metrics(out, &m);
		}
		mpart_release(q, &mp);
		if (mp.sub.from_day > mp.sub.to_day)
			return 0;
		p = &mp.sub;
	}
	memset(&m, 0, sizeof(m));
	if (breakdown_sql(q, p, f, DIM_TOTAL, NULL, &sql, &a) == 0 &&
	    (rc = run(q, &sql, &a, row_total, &m)) == 0)
		add_metrics(out, &m);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

static int
row_brow(void *arg, const struct db_res *r)
{
	struct metrics m;
	const char *v;
	size_t len;

	v = db_col(r, 0, &len);
	read_metrics(r, 1, &m);
	brows_add(arg, v, len, &m);
	return 0;
}

static void
order_by(struct buf *sql, enum sort s, int desc)
{
	if (s >= SORT__MAX)
		s = SORT_VISITORS;
	/* Ties by name, so pages are stable. */
	buf_addf(sql, " ORDER BY %s %s, v ASC", sort_sql[s], desc ? "DESC" : "ASC");
}

int
q_breakdown(struct qctx *q, const struct period *p, const struct filters *f, enum dim dim,
    enum sort s, int desc, size_t offset, size_t limit, struct brows *out)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct merge g;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	if ((rc = mem_breakdown_rows(q, p, f, dim, &g)) != 0) {
		if (rc == 1) {
			merge_sort(&g, s, desc);
			for (i = offset; i < g.n && i < offset + limit; i++)
				brows_add(out, g.rows[i].v, g.rows[i].len, &g.rows[i].m);
			out->more = g.n > offset + limit;
			rc = 0;
		}
		merge_free(&g);
		return rc;
	}
	rc = -1;
	if (breakdown_sql(q, p, f, dim, NULL, &sql, &a) == 0) {
		order_by(&sql, s, desc);
		buf_adds(&sql, " LIMIT ? OFFSET ?");
		db_arg_int(&a, (long long)limit + 1);
		db_arg_int(&a, (long long)offset);
		rc = run(q, &sql, &a, row_brow, out);
	}
	if (rc == 0 && out->n > limit) {
		out->more = 1;
		while (out->n > limit)
			free(out->v[--out->n].value);
	}
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

struct each {
	int	(*fn)(void *, const struct brow *);
	void	*arg;
};

static int
row_each(void *arg, const struct db_res *r)
{
	const struct each *e = arg;
	struct brow b;
	const char *v;

	v = db_col(r, 0, NULL);
	b.value = (char *)(v ? v : "");
	read_metrics(r, 1, &b.m);
	return e->fn(e->arg, &b);
}

int
q_breakdown_each(struct qctx *q, const struct period *p, const struct filters *f, enum dim dim,
    enum sort s, int desc, int (*fn)(void *, const struct brow *), void *arg)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct each e = { fn, arg };
	struct merge g;
	struct brow b;
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	if ((rc = mem_breakdown_rows(q, p, f, dim, &g)) != 0) {
		if (rc == 1) {
			merge_sort(&g, s, desc);
			for (i = 0; i < g.n; i++) {
				b.value = g.rows[i].v;
				b.m = g.rows[i].m;
				if (fn(arg, &b) != 0)
					break;
			}
			rc = 0;
		}
		merge_free(&g);
		return rc;
	}
	rc = -1;
	if (breakdown_sql(q, p, f, dim, NULL, &sql, &a) == 0) {
		order_by(&sql, s, desc);
		rc = run(q, &sql, &a, row_each, &e);
	}
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------------- series */

struct series {
	const struct qctx	*q;
	const struct period	*p;
	struct metrics		*out;
	size_t			 n;
};

static int
row_series(void *arg, const struct db_res *r)
{
	struct series *s = arg;
	struct metrics m;
	long long b = db_col_int(r, 1, 0), utc;
	long i;

	if (db_col_int(r, 0, 0) == 0)
		utc = tz_day_start(s->q->site->tz, (long)b);
	else
		utc = b * 3600 - db_col_int(r, 2, 0);
	i = period_bucket_of(s->p, s->q->site->tz, utc);
	if (i < 0 || (size_t)i >= s->n)
		return 0;
	read_metrics(r, 3, &m);
	add_metrics(&s->out[i], &m);
	return 0;
}

int
q_series(struct qctx *q, const struct period *p, const struct filters *f, struct metrics *out)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct series s = { q, p, out, period_buckets(p, q->site->tz) };
	struct mpart mp;
	const struct period *rest = p;
	int rc = -1;

	memset(out, 0, s.n * sizeof(*out));
	if (mem_part(q, p, f, DIM_TOTAL, &mp)) {
		mem_series(mp.closed, p, q->site->tz, p->from_day, mp.c_to, f, &mp.csel, out);
		if (mp.open != NULL)
			mem_series(mp.open, p, q->site->tz, mp.h_from, mp.h_to, f, &mp.osel, out);
		mpart_release(q, &mp);
		if (mp.sub.from_day > mp.sub.to_day)
			return 0;
		rest = &mp.sub;
	}
	/* Buckets are the whole period's; the rows only the rest's. */
	if (parts(q, rest, f, DIM_TOTAL, p->gran == GRAN_HOUR ? GROUP_HOUR : GROUP_DAY, NULL,
	    &sql, &a) == 0)
		rc = run(q, &sql, &a, row_series, &s);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* -------------------------------------------------------------- goals */

/*
 * The event condition of a goal over events e, appended with its argument.
 * The server makes the LIKE pattern of the goal's own string (as
 * sql_like_escape() would, '*' becoming '%'): a bound string must stay
 * valid until the statement runs, and a funnel binds one per step.
 */
static void
goal_cond(const struct goal_ref *g, struct buf *sql, struct db_args *a)
{
	if (g->is_event) {
		buf_adds(sql, "e.name = ?");
		db_arg_strz(a, g->target);
		return;
	}
	buf_adds(sql, "(e.name = 'pageview' AND e.pathname LIKE REPLACE(REPLACE(REPLACE("
	    "REPLACE(?, '!', '!!'), '%', '!%'), '_', '!_'), '*', '%') ESCAPE '!')");
	db_arg_strz(a, g->target);
}

static int
row_goal(void *arg, const struct db_res *r)
{
	struct metrics *m = arg;

	m->visitors = db_col_int(r, 0, 0);
	m->visits = db_col_int(r, 1, 0);
	m->events = db_col_int(r, 2, 0);
	return 1;
}

int
q_goal(struct qctx *q, const struct period *p, const struct filters *f,
    const struct goal_ref *g, struct metrics *out)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct metrics m;
	struct mpart mp;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));	/* no row when nothing converted */
	/* The column store's days first; SQL for the rest. */
	if (mem_part(q, p, f, DIM_TOTAL, &mp)) {
		mem_goal(mp.closed, p->from_day, mp.c_to, f, &mp.csel, g->is_event, g->target, out);
		if (mp.open != NULL) {
			mem_goal(mp.open, mp.h_from, mp.h_to, f, &mp.osel, g->is_event, g->target, &m);
			add_metrics(out, &m);
			memset(&m, 0, sizeof(m));
		}
		mpart_release(q, &mp);
		if (mp.sub.from_day > mp.sub.to_day)
			return 0;
		p = &mp.sub;
	}
	/* An exact page or an event name is a rollup row; a wildcard is not. */
	if ((f == NULL || f->n == 0) && (g->is_event || strchr(g->target, '*') == NULL)) {
		if (breakdown_sql(q, p, f, g->is_event ? DIM_EVENT : DIM_PAGE, g->target,
		    &sql, &a) == 0 && (rc = run(q, &sql, &a, row_total, &m)) == 0) {
			out->visitors += m.visitors;
			out->visits += m.visits;
			out->events += m.events;
		}
		goto out;
	}
	buf_adds(&sql, "SELECT COUNT(DISTINCT FLOOR(");
	if (local_secs(q, p->start, p->end, "s.started_at", &sql, &a) == -1)
		goto out;
	buf_adds(&sql, " / 86400), s.visitor_id), COUNT(DISTINCT s.id), COUNT(*) "
	    "FROM sessions s JOIN events e ON e.session_id = s.id "
	    "WHERE s.site_id = ? AND s.started_at >= ? AND s.started_at < ? AND ");
	db_arg_int(&a, q->site->id);
	db_arg_time_ms(&a, p->start * 1000);
	db_arg_time_ms(&a, p->end * 1000);
	goal_cond(g, &sql, &a);
	if (filters_sql(f, q->goals, q->ngoals, &sql, &a) == -1)
		goto out;
	if ((rc = run(q, &sql, &a, row_goal, &m)) == 0) {
		out->visitors += m.visitors;
		out->visits += m.visits;
		out->events += m.events;
	}
out:
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------------ funnels */

/* One visit's progress; visits arrive in id order, their events in time order. */
struct funnel {
	const struct goal_ref	*steps;
	size_t			 n;
	unsigned long long	 visit;	/* the visit being read */
	long long		 day, visitor;
	size_t			 reached;
	/* (day, visitor) -> furthest step, open addressing */
	struct fkey {
		long long	 day, visitor;
		size_t		 reached;
		int		 used;
	}			*tab;
	size_t			 cap, used;
};

static void
funnel_put(struct funnel *fn, long long day, long long visitor, size_t reached)
{
	size_t i, k, mask;
	struct fkey *old;
	size_t ocap;

	if (reached == 0)
		return;
	if ((fn->used + 1) * 2 > fn->cap) {
		old = fn->tab;
		ocap = fn->cap;
		fn->cap = fn->cap ? fn->cap * 2 : 1024;
		fn->tab = xcalloc(fn->cap, sizeof(*fn->tab));
		fn->used = 0;
		for (k = 0; k < ocap; k++)
			if (old[k].used)
				funnel_put(fn, old[k].day, old[k].visitor, old[k].reached);
		free(old);
	}
	mask = fn->cap - 1;
	i = (size_t)((unsigned long long)visitor * 0x9e3779b97f4a7c15ull ^
	    (unsigned long long)day) & mask;
	while (fn->tab[i].used && (fn->tab[i].day != day || fn->tab[i].visitor != visitor))
		i = (i + 1) & mask;
	if (!fn->tab[i].used) {
		fn->tab[i].used = 1;
		fn->tab[i].day = day;
		fn->tab[i].visitor = visitor;
		fn->used++;
	}
	if (reached > fn->tab[i].reached)
		fn->tab[i].reached = reached;
}

static int
row_funnel(void *arg, const struct db_res *r)
{
	struct funnel *fn = arg;
	unsigned long long visit = (unsigned long long)db_col_int(r, 0, 0);
	const char *name = db_col(r, 3, NULL), *path = db_col(r, 4, NULL);
	const struct goal_ref *g;

	if (visit != fn->visit) {
		funnel_put(fn, fn->day, fn->visitor, fn->reached);
		fn->visit = visit;
		fn->day = db_col_int(r, 1, 0);
		fn->visitor = db_col_int(r, 2, 0);
		fn->reached = 0;
	}
	if (fn->reached == fn->n || name == NULL)
		return 0;
	g = &fn->steps[fn->reached];
	if (g->is_event ? strcmp(name, g->target) == 0 :
	    strcmp(name, "pageview") == 0 && path != NULL &&
	    goal_match(g->target, path, strlen(path)))
		fn->reached++;
	return 0;
}

int
q_funnel(struct qctx *q, const struct period *p, const struct filters *f,
    const struct goal_ref *steps, size_t n, long long *visitors)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct funnel fn;
	struct mpart mp;
	const char *target[FUNNEL_MAX];
	int is_event[FUNNEL_MAX];
	size_t i, k;
	int rc = -1;

	memset(&fn, 0, sizeof(fn));
	fn.steps = steps;
	fn.n = n;
	for (i = 0; i < n; i++)
		visitors[i] = 0;
	/* The column store's days first (visitor-days never span two); SQL for the rest. */
	if (n <= FUNNEL_MAX && mem_part(q, p, f, DIM_TOTAL, &mp)) {
		for (i = 0; i < n; i++) {
			target[i] = steps[i].target;
			is_event[i] = steps[i].is_event;
		}
		mem_funnel(mp.closed, p->from_day, mp.c_to, f, &mp.csel, is_event, target, n,
		    visitors);
		if (mp.open != NULL)
			mem_funnel(mp.open, mp.h_from, mp.h_to, f, &mp.osel, is_event, target, n,
			    visitors);
		mpart_release(q, &mp);
		if (mp.sub.from_day > mp.sub.to_day)
			return 0;
		p = &mp.sub;
	}
	buf_adds(&sql, "SELECT s.id, FLOOR(");
	if (local_secs(q, p->start, p->end, "s.started_at", &sql, &a) == -1)
		goto out;
	buf_adds(&sql, " / 86400), s.visitor_id, e.name, e.pathname "
	    "FROM sessions s JOIN events e ON e.session_id = s.id "
	    "WHERE s.site_id = ? AND s.started_at >= ? AND s.started_at < ? AND (");
	db_arg_int(&a, q->site->id);
	db_arg_time_ms(&a, p->start * 1000);
	db_arg_time_ms(&a, p->end * 1000);
	for (i = 0; i < n; i++) {
		if (i)
			buf_adds(&sql, " OR ");
		goal_cond(&steps[i], &sql, &a);
	}
	buf_adds(&sql, ")");
	if (filters_sql(f, q->goals, q->ngoals, &sql, &a) == -1)
		goto out;
	buf_adds(&sql, " ORDER BY s.id, e.ts, e.id");
	if ((rc = run(q, &sql, &a, row_funnel, &fn)) == 0) {
		funnel_put(&fn, fn.day, fn.visitor, fn.reached);
		for (k = 0; k < fn.cap; k++)
			for (i = 0; fn.tab[k].used && i < fn.tab[k].reached; i++)
				visitors[i]++;
	}
out:
	free(fn.tab);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* ----------------------------------------------------------- realtime */

static int
row_count(void *arg, const struct db_res *r)
{
	*(long long *)arg = db_col_int(r, 0, 0);
	return 1;
}

int
q_realtime(struct qctx *q, long long now, int seconds, long long *visitors)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	int rc;

	*visitors = 0;
	buf_adds(&sql, "SELECT COUNT(DISTINCT visitor_id) FROM events "
	    "WHERE site_id = ? AND ts >= ? AND ts <= ?");
	db_arg_int(&a, q->site->id);
	db_arg_time_ms(&a, (now - seconds) * 1000);
	db_arg_time_ms(&a, (now + 60) * 1000);
	rc = run(q, &sql, &a, row_count, visitors);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

int
q_realtime_top(struct qctx *q, long long now, int seconds, enum dim dim, size_t limit,
    struct brows *out)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	/* A visit's current page is its latest page view: its exit page so far. */
	buf_addf(&sql, "SELECT %s AS v, COUNT(DISTINCT s.visitor_id), COUNT(*), 0, 0, 0, 0 "
	    "FROM sessions s WHERE s.id IN (SELECT session_id FROM events "
	    "WHERE site_id = ? AND ts >= ? AND ts <= ?) AND s.site_id = ? "
	    "GROUP BY v ORDER BY 2 DESC, v LIMIT ?",
	    dim == DIM_SOURCE ? "s.source" : "s.exit_page");
	db_arg_int(&a, q->site->id);
	db_arg_time_ms(&a, (now - seconds) * 1000);
	db_arg_time_ms(&a, (now + 60) * 1000);
	db_arg_int(&a, q->site->id);
	db_arg_int(&a, (long long)limit);
	rc = run(q, &sql, &a, row_brow, out);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* -------------------------------------------------------------- state */

struct state {
	long		 through;
	const char	*tzname;
	int		 same_tz;
};

static int
row_state(void *arg, const struct db_res *r)
{
	struct state *s = arg;
	const char *tz = db_col(r, 1, NULL);

	s->through = db_col(r, 0, NULL) ? (long)db_col_int(r, 0, -1) : -1;
	s->same_tz = tz != NULL && strcmp(tz, s->tzname) == 0;
	return 1;
}

int
q_site_state(struct db *db, struct qsite *site, const char *timezone)
{
	struct qctx q;
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct state s = { -1, timezone, 0 };
	int rc;

	memset(&q, 0, sizeof(q));
	q.db = db;
	q.site = site;
	buf_adds(&sql, "SELECT DATEDIFF(through_day, '1970-01-01'), timezone "
	    "FROM rollup_state WHERE site_id = ?");
	db_arg_int(&a, site->id);
	rc = run(&q, &sql, &a, row_state, &s);
	site->through = rc == 0 && s.same_tz ? s.through : -1;
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}
