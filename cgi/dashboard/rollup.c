/*
 * rollup: see rollup.h.  The SQL of every rolled-up row is query.c's
 * raw_part() for that one day, so a rollup row and a raw read of the same
 * day are the same numbers by construction.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "query.h"
#include "rollup.h"

struct site_row {
	long long	 id;
	char		*tz;
	long		 through;	/* -1: none */
	char		*state_tz;
	long long	 events_id;
	long		 dirty;		/* earliest day with late events; LONG_MAX: none */
};

static int
exec_sql(struct db *db, const struct buf *sql, struct db_args *a, unsigned long long *n)
{
	MYSQL_STMT *st;
	int rc;

	if (sql->err || (st = db_prepare(db, sql->ptr)) == NULL)
		return -1;
	rc = db_exec(db, st, a, n, NULL);
	mysql_stmt_close(st);
	return rc;
}

/* A local day as a DATETIME at its midnight, held by db_args itself. */
static void
arg_day(struct db_args *a, long day)
{
	db_arg_time_ms(a, (long long)day * 86400 * 1000);
}

/* Rebuild one local day of a site: every dimension but goals. */
static int
rollup_day(struct db *db, const struct qsite *site, long day)
{
	struct qctx q;
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	long long start = tz_day_start(site->tz, day), end = tz_day_start(site->tz, day + 1);
	int d, rc = -1;

	memset(&q, 0, sizeof(q));
	q.db = db;
	q.site = site;
	if (db_begin(db) == -1)
		return -1;
	/* Every dimension named: the key is (site, dim, day), so this is one range each. */
	buf_adds(&sql, "DELETE FROM rollup_days WHERE site_id = ? AND day = ? AND dim IN (");
	for (d = 0; d < DIM__MAX; d++)
		buf_addf(&sql, d ? ",%d" : "%d", d);
	buf_addch(&sql, ')');
	db_arg_int(&a, site->id);
	arg_day(&a, day);
	if (exec_sql(db, &sql, &a, NULL) == -1)
		goto out;
	for (d = 0; d < DIM__MAX; d++) {
		if (d == DIM_GOAL)
			continue;
		buf_reset(&sql);
		db_args_reset(&a);
		buf_adds(&sql, "INSERT INTO rollup_days (site_id, dim, day, seq, value, visitors, "
		    "visits, pageviews, bounces, duration, events) SELECT ?, ?, ?, "
		    "ROW_NUMBER() OVER (ORDER BY v), v, vi, vs, COALESCE(pv, 0), "
		    "COALESCE(bo, 0), COALESCE(du, 0), COALESCE(ev, 0) FROM (");
		db_arg_int(&a, site->id);
		db_arg_int(&a, d);
		arg_day(&a, day);
		if (raw_part(&q, start, end, NULL, (enum dim)d, &sql, &a) == -1)
			goto out;
		buf_adds(&sql, ") r WHERE vs > 0");
		if (exec_sql(db, &sql, &a, NULL) == -1)
			goto out;
	}
	rc = db_commit(db);
out:
	if (rc == -1)
		db_rollback(db);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/* Sum a whole month (first day m0, next month's first day m1) from its days. */
static int
rollup_month(struct db *db, long long site, long m0, long m1)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	int d, rc = -1;

	if (db_begin(db) == -1)
		return -1;
	buf_adds(&sql, "DELETE FROM rollup_months WHERE site_id = ? AND day = ? AND dim IN (");
	for (d = 0; d < DIM__MAX; d++)
		buf_addf(&sql, d ? ",%d" : "%d", d);
	buf_addch(&sql, ')');
	db_arg_int(&a, site);
	arg_day(&a, m0);
	if (exec_sql(db, &sql, &a, NULL) == -1)
		goto out;
	buf_reset(&sql);
	db_args_reset(&a);
	buf_adds(&sql, "INSERT INTO rollup_months (site_id, dim, day, seq, value, visitors, "
	    "visits, pageviews, bounces, duration, events) SELECT site_id, dim, ?, "
	    "ROW_NUMBER() OVER (PARTITION BY dim ORDER BY value), value, SUM(visitors), "
	    "SUM(visits), SUM(pageviews), SUM(bounces), SUM(duration), SUM(events) "
	    "FROM rollup_days WHERE site_id = ? AND day >= ? AND day < ? "
	    "GROUP BY site_id, dim, value");
	arg_day(&a, m0);
	db_arg_int(&a, site);
	arg_day(&a, m0);
	arg_day(&a, m1);
	if (exec_sql(db, &sql, &a, NULL) == -1)
		goto out;
	rc = db_commit(db);
out:
	if (rc == -1)
		db_rollback(db);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

static long
month_of(long day, int next)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	if (!next)
		return days_from_civil(y, m, 1);
	return m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
}

/* Select rows into fn; 0 or -1. */
static int
select_rows(struct db *db, const struct buf *sql, struct db_args *a,
    int (*fn)(void *, const struct db_res *), void *arg)
{
	MYSQL_STMT *st;
	struct db_res r;
	int rc = -1, f;

	if (sql->err || (st = db_prepare(db, sql->ptr)) == NULL)
		return -1;
	if (db_select(db, st, a, &r) == 0) {
		while ((f = db_fetch(&r)) == 1)
			if (fn(arg, &r) != 0)
				break;
		rc = f == -1 ? -1 : 0;
	}
	db_res_free(&r);
	mysql_stmt_close(st);
	return rc;
}

struct busy {
	long		 from, to;
	unsigned char	*v;
};

struct sites {
	struct site_row	*v;
	size_t		 n, cap;
};

static int
row_site(void *arg, const struct db_res *r)
{
	struct sites *s = arg;
	struct site_row *x;
	const char *tz = db_col(r, 1, NULL), *stz = db_col(r, 3, NULL);

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	x = &s->v[s->n++];
	x->id = db_col_int(r, 0, 0);
	x->tz = xstrdup(tz ? tz : "UTC");
	x->through = db_col(r, 2, NULL) ? (long)db_col_int(r, 2, -1) : -1;
	x->state_tz = stz ? xstrdup(stz) : NULL;
	x->events_id = db_col_int(r, 4, 0);
	x->dirty = -1;
	return 0;
}

struct late {
	struct sites	*s;
};

/* (site, earliest visit start with new events) rows: mark the sites' dirty days. */
static int
row_late(void *arg, const struct db_res *r)
{
	struct sites *s = arg;
	long long id = db_col_int(r, 0, 0), start = db_col_int(r, 1, -1);
	const struct tz *tz;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].id == id && start >= 0 && (tz = tz_get(s->v[i].tz)) != NULL)
			s->v[i].dirty = tz_local_day(tz, start);
	return 0;
}

static int
row_one(void *arg, const struct db_res *r)
{
	*(long long *)arg = db_col_int(r, 0, -1);
	return 1;
}

static int
row_busy(void *arg, const struct db_res *r)
{
	struct busy *b = arg;
	long u = (long)db_col_int(r, 0, -1), d;

	/* A UTC day's visits start on the local days around it (offsets < 1 day). */
	for (d = u - 1; u >= 0 && d <= u + 1; d++)
		if (d >= b->from && d <= b->to)
			b->v[d - b->from] = 1;
	return 0;
}

/*
 * One flag per local day of [from, to]: 1 when a visit of the site may
 * have started on it.  NULL on error.
 */
static unsigned char *
busy_days(struct db *db, const struct qsite *site, long from, long to)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	struct busy b = { from, to, xcalloc((size_t)(to - from + 1), 1) };

	buf_adds(&sql, "SELECT DISTINCT DATEDIFF(started_at, '1970-01-01') FROM sessions "
	    "WHERE site_id = ? AND started_at >= ? AND started_at < ?");
	db_arg_int(&a, site->id);
	db_arg_time_ms(&a, tz_day_start(site->tz, from) * 1000);
	db_arg_time_ms(&a, tz_day_start(site->tz, to + 1) * 1000);
	if (select_rows(db, &sql, &a, row_busy, &b) == -1) {
		free(b.v);
		b.v = NULL;
	}
	buf_release(&sql);
	db_args_free(&a);
	return b.v;
}

static int
rollup_site(struct db *db, struct site_row *sr, long long now, long long maxid,
    struct rollup_stats *st)
{
	struct qsite site;
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	long long first = -1;
	long from, to, day, m;
	unsigned char *busy = NULL;
	int rebuild, rc = -1;

	memset(&site, 0, sizeof(site));
	site.id = sr->id;
	site.through = -1;
	if ((site.tz = tz_get(sr->tz)) == NULL) {
		log_warn("site %lld: unknown timezone %s, skipped", sr->id, sr->tz);
		return 0;
	}
	to = tz_local_day(site.tz, now) - 1;	/* yesterday */
	rebuild = sr->state_tz == NULL || strcmp(sr->state_tz, sr->tz) != 0 || sr->through < 0;
	if (rebuild) {
		buf_adds(&sql, "SELECT UNIX_TIMESTAMP(MIN(started_at)) FROM sessions "
		    "WHERE site_id = ?");
		db_arg_int(&a, sr->id);
		if (select_rows(db, &sql, &a, row_one, &first) == -1)
			goto out;
		from = first >= 0 ? tz_local_day(site.tz, first) : to + 1;
		buf_reset(&sql);
		db_args_reset(&a);
		buf_adds(&sql, "DELETE FROM rollup_days WHERE site_id = ?");
		db_arg_int(&a, sr->id);
		if (exec_sql(db, &sql, &a, NULL) == -1)
			goto out;
		buf_reset(&sql);
		buf_adds(&sql, "DELETE FROM rollup_months WHERE site_id = ?");
		if (exec_sql(db, &sql, &a, NULL) == -1)
			goto out;
	} else {
		from = sr->through + 1;
		if (sr->dirty >= 0 && sr->dirty < from)
			from = sr->dirty;
	}
	/* Only days that can hold a visit: a long quiet past costs one query. */
	if (from <= to && (busy = busy_days(db, &site, from, to)) == NULL)
		goto out;
	for (day = from; day <= to; day++) {
		if (!busy[day - from])
			continue;
		if (rollup_day(db, &site, day) == -1)
			goto out;
		st->days++;
	}
	/* Whole months touched, up to the last one that ends by `to`. */
	for (m = month_of(from, 0); from <= to && month_of(m, 1) - 1 <= to; m = month_of(m, 1)) {
		if (rollup_month(db, sr->id, m, month_of(m, 1)) == -1)
			goto out;
		st->months++;
	}
	buf_reset(&sql);
	db_args_reset(&a);
	buf_adds(&sql, "INSERT INTO rollup_state (site_id, through_day, timezone, events_id, "
	    "updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE "
	    "through_day = VALUES(through_day), timezone = VALUES(timezone), "
	    "events_id = VALUES(events_id), updated_at = VALUES(updated_at)");
	db_arg_int(&a, sr->id);
	arg_day(&a, to);
	db_arg_strz(&a, sr->tz);
	db_arg_int(&a, maxid);
	rc = exec_sql(db, &sql, &a, NULL);
	st->sites++;
out:
	free(busy);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

/*
 * Passes run one at a time, whoever starts them (the --every loop and a
 * manual `trackrctl rollup`): a pass that found a site without state
 * rebuilds it by deleting all its rows first, and if another pass had
 * written that site's state meanwhile, reports would read the half-built
 * days.  A pass waits for the one running, at most this long.
 */
#define LOCK_NAME	"trackr_rollup"
#define LOCK_WAIT	3600	/* seconds */
#define ISOLATION	"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"

int
rollup_run(struct db *db, long long now, struct rollup_stats *st)
{
	struct sites s = { NULL, 0, 0 };
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	long long maxid = 0, low = -1, locked = -1;
	size_t i;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	buf_adds(&sql, "SELECT GET_LOCK('" LOCK_NAME "', ?)");
	db_arg_int(&a, LOCK_WAIT);
	if (select_rows(db, &sql, &a, row_one, &locked) == -1 || locked != 1) {
		if (locked == 0)
			log_err("another rollup pass has run for over %d s", LOCK_WAIT);
		buf_release(&sql);
		db_args_free(&a);
		return -1;
	}
	db_args_reset(&a);
	buf_reset(&sql);
	/*
	 * Read what is committed without locking it: INSERT ... SELECT under
	 * REPEATABLE READ would lock the visits it reads against the collector.
	 */
	if (db_exec_sql(db, ISOLATION, strlen(ISOLATION)) == -1)
		goto out;
	/* The watermark first: events after it are seen by the next pass. */
	buf_adds(&sql, "SELECT COALESCE(MAX(id), 0) FROM events");
	if (select_rows(db, &sql, &a, row_one, &maxid) == -1)
		goto out;
	buf_reset(&sql);
	buf_adds(&sql, "SELECT s.id, s.timezone, DATEDIFF(r.through_day, '1970-01-01'), "
	    "r.timezone, r.events_id FROM sites s LEFT JOIN rollup_state r ON r.site_id = s.id "
	    "ORDER BY s.id");
	if (select_rows(db, &sql, &a, row_site, &s) == -1)
		goto out;
	for (i = 0; i < s.n; i++)
		if (s.v[i].state_tz != NULL && (low < 0 || s.v[i].events_id < low))
			low = s.v[i].events_id;
	if (low >= 0) {
		/* Visits that received events since the last pass, by site. */
		buf_reset(&sql);
		buf_adds(&sql, "SELECT e.site_id, UNIX_TIMESTAMP(MIN(v.started_at)) FROM events e "
		    "JOIN sessions v ON v.id = e.session_id WHERE e.id > ? AND e.id <= ? "
		    "GROUP BY e.site_id");
		db_arg_int(&a, low > ROLLUP_ID_MARGIN ? low - ROLLUP_ID_MARGIN : 0);
		db_arg_int(&a, maxid);
		if (select_rows(db, &sql, &a, row_late, &s) == -1)
			goto out;
	}
	for (i = 0; i < s.n; i++)
		if (rollup_site(db, &s.v[i], now, maxid, st) == -1)
			goto out;
	rc = 0;
out:
	for (i = 0; i < s.n; i++) {
		free(s.v[i].tz);
		free(s.v[i].state_tz);
	}
	free(s.v);
	/* Also ended with the connection, should it be lost. */
	buf_reset(&sql);
	db_args_reset(&a);
	buf_adds(&sql, "SELECT RELEASE_LOCK('" LOCK_NAME "')");
	if (select_rows(db, &sql, &a, row_one, &locked) == -1)
		log_warn("rollup lock not released");
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}

int
rollup_invalidate(struct db *db, long long site_id)
{
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	int rc;

	buf_adds(&sql, "DELETE FROM rollup_state WHERE site_id = ?");
	db_arg_int(&a, site_id);
	rc = exec_sql(db, &sql, &a, NULL);
	buf_release(&sql);
	db_args_free(&a);
	return rc;
}
