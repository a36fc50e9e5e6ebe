/*
 * mem: see mem.h.  Layout of a snapshot: visits sorted by (local day,
 * visitor id), so a period of days is one index range and the visits of
 * one visitor-day are consecutive, which makes every distinct count a
 * comparison with the previous visit's.  Dimension values are numbers
 * into per-dimension dictionaries (pages, entry and exit pages share
 * one); the pages of visit i are pv_page[pv_off[i] .. pv_off[i + 1]).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "mem.h"

/* The session dimensions held as columns, in column order. */
static const enum dim sdims[] = {
	DIM_ENTRY, DIM_EXIT, DIM_SOURCE, DIM_REFERRER, DIM_UTM_SOURCE, DIM_UTM_MEDIUM,
	DIM_UTM_CAMPAIGN, DIM_UTM_TERM, DIM_UTM_CONTENT, DIM_COUNTRY, DIM_DEVICE,
	DIM_BROWSER, DIM_BROWSER_VERSION, DIM_OS, DIM_OS_VERSION, DIM_SCREEN,
};
#define NSD	(sizeof(sdims) / sizeof(sdims[0]))

#define SITES_MAX	256	/* sites a process keeps track of */
#define TOUCH_EVENT	0x80000000u
#define U16(x)		((x) > 65535 ? 65535 : (uint16_t)(x))

/* Strings <-> dense ids, with a hash index. */
struct dict {
	char		**s;
	uint32_t	 *len;
	uint32_t	  n, cap;
	uint32_t	 *slot;	/* id + 1; 0 empty */
	uint32_t	  nslot;
	size_t		  bytes;
};

struct memsite {
	long long	 site;
	char		*tzname;
	long		 first, last;	/* local days held */
	size_t		 n;		/* visits */
	int32_t		*day;		/* local day */
	uint32_t	*start;		/* UTC seconds */
	uint32_t	*vd;		/* visitor-day number, non-decreasing */
	uint32_t	*dur;		/* seconds */
	uint16_t	*pv, *ev, *inter;
	uint32_t	*col[NSD];
	uint32_t	*pv_off;	/* n + 1 */
	uint32_t	*pv_page;
	uint32_t	*ce_off;	/* custom events of visit i: ce_name[ce_off[i] .. ce_off[i + 1]) */
	uint32_t	*ce_name;
	/* Both in time order, for funnels: a page id, or TOUCH_EVENT | an event name id. */
	uint32_t	*to_off;
	uint32_t	*touch;
	/* per column; then pages (entry and exit use it too); then event names */
	struct dict	 dict[NSD + 2];
	size_t		 bytes;
	int		 refs;		/* readers, and 1 while current */
};

struct entry {
	long long		 site;
	int			 hot;		/* the open days' snapshot, reloaded after ttl */
	char			*tzname;
	long			 want;		/* last day asked for */
	long			 want_first;	/* hot: first day asked for */
	time_t			 loaded_at;
	struct memsite		*snap;
	int			 queued, loading, failed;
	time_t			 used, failed_at;
};

struct mem {
	const struct conf	*conf;
	size_t			 budget, used;
	int			 sync, stop;
	int			 ttl;		/* seconds an open days' snapshot is used */
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	pthread_t		 loader;
	int			 started;
	struct db		*db;		/* the loader's (or, sync, the first asker's) */
	pthread_mutex_t		 dblock;
	struct entry		 e[SITES_MAX];
	size_t			 ne;
};

/* ------------------------------------------------------------ dicts */

static void
dict_grow(struct dict *d)
{
	uint32_t i, k, mask;

	free(d->slot);
	d->nslot = d->nslot ? d->nslot * 2 : 1024;
	d->slot = xcalloc(d->nslot, sizeof(*d->slot));
	mask = d->nslot - 1;
	for (i = 0; i < d->n; i++) {
		k = dash_hash(d->s[i], d->len[i]) & mask;
		while (d->slot[k])
			k = (k + 1) & mask;
		d->slot[k] = i + 1;
	}
}

/* The id of s, or UINT32_MAX when add is 0 and s is not there. */
static uint32_t
dict_id(struct dict *d, const char *s, size_t n, int add)
{
	uint32_t k, mask, id;

	/* Lookups (add 0) run on shared snapshots: they must never write. */
	if (d->nslot == 0 && !add)
		return UINT32_MAX;
	if (d->nslot == 0 || (add && (d->n + 1) * 2 > d->nslot))
		dict_grow(d);
	mask = d->nslot - 1;
	for (k = dash_hash(s, n) & mask; d->slot[k]; k = (k + 1) & mask) {
		id = d->slot[k] - 1;
		if (d->len[id] == n && memcmp(d->s[id], s, n) == 0)
			return id;
	}
	if (!add)
		return UINT32_MAX;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->s = xrealloc(d->s, d->cap * sizeof(*d->s));
		d->len = xrealloc(d->len, d->cap * sizeof(*d->len));
	}
	id = d->n++;
	d->s[id] = xstrndup(s, n);
	d->len[id] = (uint32_t)n;
	d->slot[k] = id + 1;
	d->bytes += n + 1 + sizeof(char *) + 2 * sizeof(uint32_t);
	return id;
}

static void
dict_free(struct dict *d)
{
	uint32_t i;

	for (i = 0; i < d->n; i++)
		free(d->s[i]);
	free(d->s);
	free(d->len);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* The dictionary of a dimension's values, or NULL when it has no column. */
static struct dict *
dict_of(struct memsite *m, enum dim dim)
{
	size_t i;

	if (dim == DIM_PAGE || dim == DIM_ENTRY || dim == DIM_EXIT)
		return &m->dict[NSD];
	if (dim == DIM_EVENT)
		return &m->dict[NSD + 1];
	for (i = 0; i < NSD; i++)
		if (sdims[i] == dim)
			return &m->dict[i];
	return NULL;
}

static int
col_of(enum dim dim)
{
	size_t i;

	for (i = 0; i < NSD; i++)
		if (sdims[i] == dim)
			return (int)i;
	return -1;
}

/* --------------------------------------------------------- snapshots */

static void
snap_free(struct memsite *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->tzname);
	free(m->day);
	free(m->start);
	free(m->vd);
	free(m->dur);
	free(m->pv);
	free(m->ev);
	free(m->inter);
	for (i = 0; i < NSD; i++)
		free(m->col[i]);
	free(m->pv_off);
	free(m->pv_page);
	free(m->ce_off);
	free(m->ce_name);
	free(m->to_off);
	free(m->touch);
	for (i = 0; i < NSD + 2; i++)
		dict_free(&m->dict[i]);
	free(m);
}

/* A visit while loading, before sorting. */
struct raw {
	int32_t		 day;
	uint32_t	 start, dur;
	uint64_t	 visitor, id;
	uint16_t	 pv, ev, inter;
	uint32_t	 col[NSD];
};

static int
raw_cmp(const void *a, const void *b)
{
	const struct raw *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->visitor != y->visitor)
		return x->visitor < y->visitor ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Visit ids to visit numbers, open addressing. */
struct idmap {
	uint64_t	*key;
	uint32_t	*val;
	size_t		 mask;
};

static void
idmap_init(struct idmap *m, size_t n)
{
	size_t cap = 1024;

	while (cap < n * 2)
		cap *= 2;
	m->key = xcalloc(cap, sizeof(*m->key));
	m->val = xcalloc(cap, sizeof(*m->val));
	m->mask = cap - 1;
}

static size_t
idmap_slot(const struct idmap *m, uint64_t id)
{
	size_t k = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 20) & m->mask;

	while (m->key[k] != 0 && m->key[k] != id)
		k = (k + 1) & m->mask;
	return k;
}

static uint64_t
col_u64(const struct db_res *r, unsigned i)
{
	const char *v = db_col(r, i, NULL);

	return v ? strtoull(v, NULL, 10) : 0;
}

/*
 * Per visit, a list of values (page views' paths, custom events' names)
 * from sql (site, from, to bound): into dictionary d, as *off (n + 1
 * offsets) and *val; *count the values.  0 or -1 (logged).
 */
static int
load_lists(struct db *db, struct memsite *m, const struct idmap *ids, long long site,
    long long from, long long to, const char *sql, struct dict *d, uint32_t **off,
    uint32_t **val, size_t *count)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	MYSQL_STMT *st;
	uint32_t *pairs = NULL, *cnt;	/* (visit, value) */
	size_t np = 0, cap = 0, i, k, n = m->n;
	const char *p;
	size_t len;
	int row = -1;

	memset(&r, 0, sizeof(r));
	db_arg_int(&a, site);
	db_arg_time_ms(&a, from * 1000);
	db_arg_time_ms(&a, to * 1000);
	if ((st = db_prepare(db, sql)) != NULL && db_select(db, st, &a, &r) == 0) {
		while ((row = db_fetch(&r)) == 1) {
			uint64_t id = col_u64(&r, 0);

			if (n == 0)
				continue;
			k = idmap_slot(ids, id);
			if (ids->key[k] != id)
				continue;	/* a visit outside the days held */
			if (np + 2 > cap) {
				cap = cap ? cap * 2 : 8192;
				pairs = xrealloc(pairs, cap * sizeof(*pairs));
			}
			p = db_col(&r, 1, &len);
			pairs[np++] = ids->val[k];
			if (d != NULL)
				pairs[np++] = dict_id(d, p ? p : "", p ? len : 0, 1);
			else if (p != NULL && len == 8 && memcmp(p, "pageview", 8) == 0) {
				/* Touches: (session, name, pathname), a page view or an event. */
				p = db_col(&r, 2, &len);
				pairs[np++] = dict_id(&m->dict[NSD], p ? p : "", p ? len : 0, 1);
			} else
				pairs[np++] = TOUCH_EVENT |
				    dict_id(&m->dict[NSD + 1], p ? p : "", p ? len : 0, 1);
		}
	}
	db_res_free(&r);
	if (st != NULL)
		mysql_stmt_close(st);
	db_args_free(&a);
	if (row == -1) {
		free(pairs);
		return -1;
	}
	/* A counting sort of the pairs by visit. */
	*off = xcalloc(n + 1, sizeof(**off));
	*val = xcalloc(np / 2 + 1, sizeof(**val));
	cnt = xcalloc(n + 1, sizeof(*cnt));
	for (i = 0; i < np; i += 2)
		cnt[pairs[i]]++;
	for (i = 0; i < n; i++)
		(*off)[i + 1] = (*off)[i] + cnt[i];
	if (n > 0)
		memcpy(cnt, *off, n * sizeof(*cnt));
	for (i = 0; i < np; i += 2)
		(*val)[cnt[pairs[i]]++] = pairs[i + 1];
	*count = np / 2;
	free(cnt);
	free(pairs);
	return 0;
}

/*
 * Load the visits of site that started on local days [first, last],
 * their page views and custom events.  NULL (logged) on error.
 */
static struct memsite *
snap_load(struct db *db, long long site, const char *tzname, long first, long last)
{
	const struct tz *tz = tz_get(tzname);
	struct memsite *m = NULL;
	struct raw *v = NULL;
	size_t n = 0, cap = 0, i, k, npv = 0, nce = 0, nto = 0;
	struct idmap ids = { NULL, NULL, 0 };
	struct buf sql = BUF_INIT;
	struct db_args a = DB_ARGS_INIT;
	MYSQL_STMT *st = NULL;
	struct db_res r;
	long long from, to;
	const char *p;
	size_t len;
	int row = 0;

	memset(&r, 0, sizeof(r));
	if (tz == NULL)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->site = site;
	m->tzname = xstrdup(tzname);
	m->first = first;
	m->last = last;
	from = tz_day_start(tz, first);
	to = tz_day_start(tz, last + 1);

	buf_adds(&sql, "SELECT UNIX_TIMESTAMP(s.started_at), s.visitor_id, "
	    "TIMESTAMPDIFF(SECOND, s.started_at, s.last_seen), s.pageviews, s.events, "
	    "s.interactions, s.id");
	for (i = 0; i < NSD; i++)
		buf_addf(&sql, ", %s", dims[sdims[i]].expr);
	buf_adds(&sql, " FROM sessions s WHERE s.site_id = ? AND s.started_at >= ? "
	    "AND s.started_at < ?");
	db_arg_int(&a, site);
	db_arg_time_ms(&a, from * 1000);
	db_arg_time_ms(&a, to * 1000);
	if ((st = db_prepare(db, sql.ptr)) == NULL || db_select(db, st, &a, &r) == -1)
		goto fail;
	while ((row = db_fetch(&r)) == 1) {
		struct raw *x;

		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = xrealloc(v, cap * sizeof(*v));
		}
		x = &v[n++];
		x->start = (uint32_t)db_col_int(&r, 0, 0);
		x->day = (int32_t)tz_local_day(tz, x->start);
		x->visitor = col_u64(&r, 1);
		x->dur = (uint32_t)db_col_int(&r, 2, 0);
		x->pv = U16(db_col_int(&r, 3, 0));
		x->ev = U16(db_col_int(&r, 4, 0));
		x->inter = U16(db_col_int(&r, 5, 0));
		x->id = col_u64(&r, 6);
		for (i = 0; i < NSD; i++) {
			p = db_col(&r, 7 + (unsigned)i, &len);
			x->col[i] = dict_id(dict_of(m, sdims[i]), p ? p : "", p ? len : 0, 1);
		}
	}
	db_res_free(&r);
	mysql_stmt_close(st);
	st = NULL;
	if (row == -1)
		goto fail;
	if (n > 1)
		qsort(v, n, sizeof(*v), raw_cmp);

	m->n = n;
	m->day = xcalloc(n + 1, sizeof(*m->day));
	m->start = xcalloc(n + 1, sizeof(*m->start));
	m->vd = xcalloc(n + 1, sizeof(*m->vd));
	m->dur = xcalloc(n + 1, sizeof(*m->dur));
	m->pv = xcalloc(n + 1, sizeof(*m->pv));
	m->ev = xcalloc(n + 1, sizeof(*m->ev));
	m->inter = xcalloc(n + 1, sizeof(*m->inter));
	for (i = 0; i < NSD; i++)
		m->col[i] = xcalloc(n + 1, sizeof(*m->col[i]));
	idmap_init(&ids, n);
	for (i = 0; i < n; i++) {
		m->day[i] = v[i].day;
		m->start[i] = v[i].start;
		m->vd[i] = i == 0 ? 0 : m->vd[i - 1] +
		    (v[i].day != v[i - 1].day || v[i].visitor != v[i - 1].visitor);
		m->dur[i] = v[i].dur;
		m->pv[i] = v[i].pv;
		m->ev[i] = v[i].ev;
		m->inter[i] = v[i].inter;
		for (k = 0; k < NSD; k++)
			m->col[k][i] = v[i].col[k];
		k = idmap_slot(&ids, v[i].id);
		ids.key[k] = v[i].id;
		ids.val[k] = (uint32_t)i;
	}
	free(v);
	v = NULL;

	/*
	 * Page views and custom events of those visits: by time, up to a day
	 * after the last start (a visit longer than that loses its later
	 * ones here).
	 */
	if (load_lists(db, m, &ids, site, from, to + 86400,
	    "SELECT session_id, pathname FROM events WHERE site_id = ? AND ts >= ? "
	    "AND ts < ? AND name = 'pageview'", &m->dict[NSD], &m->pv_off, &m->pv_page,
	    &npv) == -1 ||
	    load_lists(db, m, &ids, site, from, to + 86400,
	    "SELECT session_id, name FROM events WHERE site_id = ? AND ts >= ? "
	    "AND ts < ? AND name NOT IN ('pageview', 'engagement')", &m->dict[NSD + 1],
	    &m->ce_off, &m->ce_name, &nce) == -1 ||
	    load_lists(db, m, &ids, site, from, to + 86400,
	    "SELECT session_id, name, pathname FROM events WHERE site_id = ? AND ts >= ? "
	    "AND ts < ? AND name <> 'engagement' ORDER BY ts, id", NULL,
	    &m->to_off, &m->touch, &nto) == -1)
		goto fail;

	m->bytes = sizeof(*m) + (n + 1) * (6 * sizeof(uint32_t) + sizeof(int32_t) +
	    3 * sizeof(uint16_t) + NSD * sizeof(uint32_t)) + (npv + nce + nto) * sizeof(uint32_t);
	for (i = 0; i < NSD + 2; i++)
		m->bytes += m->dict[i].bytes + m->dict[i].nslot * sizeof(uint32_t);
	free(ids.key);
	free(ids.val);
	buf_release(&sql);
	db_args_free(&a);
	return m;
fail:
	log_err("site %lld: could not load its visits", site);
	db_res_free(&r);
	if (st != NULL)
		mysql_stmt_close(st);
	free(v);
	free(ids.key);
	free(ids.val);
	snap_free(m);
	buf_release(&sql);
	db_args_free(&a);
	return NULL;
}

/* ------------------------------------------------------------- store */

static void
release_locked(struct mem *s, struct memsite *m)
{
	if (m != NULL && --m->refs == 0) {
		s->used -= m->bytes;
		snap_free(m);
	}
}

/*
 * Make room for need bytes beside e by dropping the snapshots of the
 * sites asked for longest ago (their reports go back to SQL until asked
 * for again); the lock held.  1 when there is room then.  A snapshot a
 * request still reads is freed when it lets go of it.
 */
static int
evict(struct mem *s, const struct entry *e, size_t need)
{
	struct entry *old;
	size_t i, have = e->snap ? e->snap->bytes : 0;

	while (s->used - have + need > s->budget) {
		old = NULL;
		for (i = 0; i < s->ne; i++)
			if (&s->e[i] != e && s->e[i].snap != NULL &&
			    (old == NULL || s->e[i].used < old->used))
				old = &s->e[i];
		if (old == NULL)
			return 0;
		log_info("site %lld: dropped from the column store (%zu MiB) to make room",
		    old->site, old->snap->bytes >> 20);
		release_locked(s, old->snap);
		old->snap = NULL;
		/* Asked for again, it loads again (if it fits then). */
		old->want = -1;
	}
	return 1;
}

/* Load (or reload) entry e; called with the lock held, which it drops meanwhile. */
static void
load_entry(struct mem *s, struct entry *e)
{
	struct memsite *m;
	long long site = e->site;
	char *tzname = xstrdup(e->tzname);
	long want = e->want, first = e->want_first;
	int hot = e->hot;
	struct db_res r;
	MYSQL_STMT *st;
	struct db_args a = DB_ARGS_INIT;
	struct timespec t0, t1;

	e->loading = 1;
	e->queued = 0;
	pthread_mutex_unlock(&s->lock);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&s->dblock);
	m = NULL;
	if (hot) {
		if (db_ensure(s->db) == 0)
			m = snap_load(s->db, site, tzname, first, want);
	} else if (db_ensure(s->db) == 0 &&
	    (st = db_prepare(s->db, "SELECT UNIX_TIMESTAMP(MIN(started_at)) FROM sessions "
	    "WHERE site_id = ?")) != NULL) {
		db_arg_int(&a, site);
		memset(&r, 0, sizeof(r));
		if (db_select(s->db, st, &a, &r) == 0 && db_fetch(&r) == 1 &&
		    db_col(&r, 0, NULL) != NULL && tz_get(tzname) != NULL) {
			first = tz_local_day(tz_get(tzname), db_col_int(&r, 0, 0));
			db_res_free(&r);
			mysql_stmt_close(st);
			st = NULL;
			m = snap_load(s->db, site, tzname, first, want);
		} else {
			/* No visit at all: an empty snapshot. */
			db_res_free(&r);
			mysql_stmt_close(st);
			st = NULL;
			m = xcalloc(1, sizeof(*m));
			m->site = site;
			m->tzname = xstrdup(tzname);
			m->first = want + 1;
			m->last = want;
			m->pv_off = xcalloc(1, sizeof(*m->pv_off));
			m->ce_off = xcalloc(1, sizeof(*m->ce_off));
			m->to_off = xcalloc(1, sizeof(*m->to_off));
			m->bytes = sizeof(*m);
		}
	}
	pthread_mutex_unlock(&s->dblock);
	db_args_free(&a);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	pthread_mutex_lock(&s->lock);
	e->loading = 0;
	if (m == NULL) {
		e->failed = 1;
		e->failed_at = time(NULL);
	} else if (s->used - (e->snap ? e->snap->bytes : 0) + m->bytes > s->budget &&
	    !evict(s, e, m->bytes)) {
		log_warn("site %lld: %zu visits need %zu MiB, over the memory budget; "
		    "its reports come from the database", site, m->n, m->bytes >> 20);
		e->failed = 1;
		e->failed_at = time(NULL);
		snap_free(m);
	} else {
		if (!hot)
			log_info("site %lld: %zu visits of %ld days in memory (%zu MiB) in %.1f s",
			    site, m->n, m->last - m->first + 1, m->bytes >> 20,
			    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		e->loaded_at = time(NULL);
		s->used += m->bytes;
		m->refs = 1;
		release_locked(s, e->snap);
		e->snap = m;
	}
	free(tzname);
}

static void *
loader_main(void *arg)
{
	struct mem *s = arg;
	size_t i;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		for (i = 0; i < s->ne && !s->e[i].queued; i++)
			;
		if (i == s->ne) {
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		load_entry(s, &s->e[i]);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct mem *
mem_new(const struct conf *conf, size_t budget, int sync, int ttl)
{
	struct mem *s = xcalloc(1, sizeof(*s));

	s->conf = conf;
	s->budget = budget;
	s->sync = sync;
	s->ttl = ttl;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->dblock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if ((s->db = db_open(conf, NULL, 0, 1)) == NULL) {
		mem_free(s);
		return NULL;
	}
	/* Whole days as they were committed; no locks on the visits read. */
	{
		static const char *const on[] = {
			"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
		};
		db_on_connect(s->db, on, 1);
	}
	if (!sync) {
		if (pthread_create(&s->loader, NULL, loader_main, s) != 0) {
			log_err("pthread_create failed");
			mem_free(s);
			return NULL;
		}
		s->started = 1;
	}
	return s;
}

void
mem_free(struct mem *s)
{
	size_t i;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->started)
		pthread_join(s->loader, NULL);
	for (i = 0; i < s->ne; i++) {
		release_locked(s, s->e[i].snap);
		free(s->e[i].tzname);
	}
	db_close(s->db);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->dblock);
	free(s);
}

/* The entry of (site, hot), made when new; the lock held.  NULL when the table is full. */
static struct entry *
entry_find(struct mem *s, long long site, int hot, const char *tzname)
{
	struct entry *e = NULL;
	size_t i;

	for (i = 0; i < s->ne; i++)
		if (s->e[i].site == site && s->e[i].hot == hot) {
			e = &s->e[i];
			break;
		}
	if (e == NULL && s->ne < SITES_MAX) {
		e = &s->e[s->ne++];
		memset(e, 0, sizeof(*e));
		e->site = site;
		e->hot = hot;
		e->tzname = xstrdup(tzname);
	}
	if (e == NULL)
		return NULL;
	e->used = time(NULL);
	/* A failed load is tried again after a while (the database may be back). */
	if (e->failed && e->used - e->failed_at > 300)
		e->failed = 0;
	/* A new timezone makes every day another: drop the snapshot. */
	if (strcmp(e->tzname, tzname) != 0) {
		free(e->tzname);
		e->tzname = xstrdup(tzname);
		release_locked(s, e->snap);
		e->snap = NULL;
		e->failed = 0;
	}
	return e;
}

/* Queue e's load (or, synchronous, load it now); the lock held. */
static void
entry_load(struct mem *s, struct entry *e)
{
	if (e->loading || e->failed)
		return;
	if (s->sync)
		load_entry(s, e);
	else {
		e->queued = 1;
		pthread_cond_signal(&s->wake);
	}
}

const struct memsite *
mem_get_open(struct mem *s, long long site, const char *tzname, long first, long last)
{
	struct entry *e;
	struct memsite *m = NULL;

	pthread_mutex_lock(&s->lock);
	if ((e = entry_find(s, site, 1, tzname)) == NULL)
		goto out;
	if (e->want_first != first || e->want != last) {
		e->want_first = first;
		e->want = last;
		e->failed = 0;
	}
	/* Stale or of other days: load again; a stale one of these days still answers. */
	if (e->snap == NULL || e->snap->first != first || e->snap->last != last ||
	    time(NULL) - e->loaded_at >= s->ttl)
		entry_load(s, e);
	if (e->snap != NULL && e->snap->first == first && e->snap->last == last)
		m = e->snap;
	if (m != NULL)
		m->refs++;
out:
	pthread_mutex_unlock(&s->lock);
	return m;
}

const struct memsite *
mem_get(struct mem *s, long long site, const char *tzname, long last_closed)
{
	struct entry *e = NULL;
	struct memsite *m = NULL;

	pthread_mutex_lock(&s->lock);
	if ((e = entry_find(s, site, 0, tzname)) == NULL)
		goto out;
	if (e->snap != NULL && e->snap->last == last_closed) {
		m = e->snap;
	} else if (!e->failed || e->want != last_closed) {
		if (e->want != last_closed)
			e->failed = 0;
		e->want = last_closed;
		entry_load(s, e);
		/* An older snapshot still answers the days it holds. */
		m = e->snap != NULL && e->snap->last <= last_closed ? e->snap : NULL;
	}
	if (m != NULL)
		m->refs++;
out:
	pthread_mutex_unlock(&s->lock);
	return m;
}

void
mem_release(struct mem *s, const struct memsite *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	release_locked(s, (struct memsite *)m);
	pthread_mutex_unlock(&s->lock);
}

void
mem_days(const struct memsite *m, long *first, long *last)
{
	*first = m->first;
	*last = m->last;
}

size_t
mem_bytes(const struct memsite *m)
{
	return m->bytes;
}

size_t
mem_visits(const struct memsite *m)
{
	return m->n;
}

/* ----------------------------------------------------------- queries */

int
mem_supports(const struct filters *f, enum dim dim)
{
	size_t i;

	if (dim != DIM_TOTAL && dim != DIM_PAGE && dim != DIM_EVENT && col_of(dim) < 0)
		return 0;
	for (i = 0; f != NULL && i < f->n; i++) {
		if (f->f[i].dim != DIM_PAGE && f->f[i].dim != DIM_EVENT &&
		    f->f[i].dim != DIM_GOAL && col_of(f->f[i].dim) < 0)
			return 0;
	}
	return 1;
}

/*
 * A filter made ready: its column (-1 for pages, -2 for custom events, -3
 * for a page goal, which unlike a page filter leaves page views whole),
 * and its value's id (UINT32_MAX: a value no visit has), or for
 * "contains" the flags of the values it keeps.
 */
struct mf {
	int			 col;
	uint32_t		 id;
	const unsigned char	*set;
	int			 neg;
};

struct mq {
	const struct memsite	*m;
	struct mf		 f[FILTER_MAX];
	size_t			 nf;
	int			 pages;		/* a page filter that keeps visits with the page */
	size_t			 lo, hi;	/* visits of the days asked */
};

static void
mq_init(struct mq *q, const struct memsite *m, long from, long to, const struct filters *f,
    const struct mem_sel *sel)
{
	size_t i, a, b, mid;

	memset(q, 0, sizeof(*q));
	q->m = m;
	for (i = 0; f != NULL && i < f->n; i++) {
		struct mf *x = &q->f[q->nf++];
		const char *v = f->f[i].value;

		x->col = f->f[i].dim == DIM_PAGE ? -1 : f->f[i].dim == DIM_EVENT ? -2 :
		    col_of(f->f[i].dim);
		x->neg = f->f[i].op == OP_IS_NOT || f->f[i].op == OP_NOT_CONTAINS;
		if (f->f[i].dim == DIM_GOAL) {
			/* A visit with a page view (or event) the goal matches. */
			x->col = sel != NULL && sel->goal_event[i] ? -2 : -3;
			x->set = sel != NULL ? sel->match[i] : NULL;
			continue;
		}
		if (f->f[i].op == OP_CONTAINS || f->f[i].op == OP_NOT_CONTAINS)
			x->set = sel != NULL ? sel->match[i] : NULL;
		else
			x->id = dict_id(dict_of((struct memsite *)m, f->f[i].dim), v, strlen(v), 0);
		if (x->col == -1 && !x->neg)
			q->pages = 1;
	}
	/* Binary search of the day range. */
	for (a = 0, b = m->n; a < b;) {
		mid = a + (b - a) / 2;
		if (m->day[mid] < from)
			a = mid + 1;
		else
			b = mid;
	}
	q->lo = a;
	for (b = m->n; a < b;) {
		mid = a + (b - a) / 2;
		if (m->day[mid] <= to)
			a = mid + 1;
		else
			b = mid;
	}
	q->hi = a;
}

/* 1 when value id passes x's test (before negation). */
static int
is_hit(const struct mf *x, uint32_t id)
{
	return x->set != NULL ? x->set[id] != 0 : x->id != UINT32_MAX && id == x->id;
}

/* 1 when visit i's list (page views or custom events) holds a value x hits. */
static int
has(const uint32_t *off, const uint32_t *val, size_t i, const struct mf *x)
{
	uint32_t k;

	for (k = off[i]; k < off[i + 1]; k++)
		if (is_hit(x, val[k]))
			return 1;
	return 0;
}

/* 1 when a page view of page id passes the page filters (the rows SQL keeps for pages). */
static int
page_ok(const struct mq *q, uint32_t id)
{
	size_t k;

	for (k = 0; k < q->nf; k++)
		if (q->f[k].col == -1 && is_hit(&q->f[k], id) == q->f[k].neg)
			return 0;
	return 1;
}

/* 1 when visit i passes every filter. */
static int
keep(const struct mq *q, size_t i)
{
	const struct memsite *m = q->m;
	size_t k;
	int hit;

	for (k = 0; k < q->nf; k++) {
		const struct mf *x = &q->f[k];

		if (x->col >= 0)
			hit = is_hit(x, m->col[x->col][i]);
		else if (x->col == -1 || x->col == -3)
			hit = has(m->pv_off, m->pv_page, i, x);
		else
			hit = has(m->ce_off, m->ce_name, i, x);
		if (hit == x->neg)
			return 0;
	}
	return 1;
}

/* The page views visit i counts: all, or those of the filtered pages. */
static long long
views(const struct mq *q, size_t i)
{
	const struct memsite *m = q->m;
	uint32_t k;
	long long n = 0;

	if (!q->pages)
		return m->pv[i];
	for (k = m->pv_off[i]; k < m->pv_off[i + 1]; k++)
		n += page_ok(q, m->pv_page[k]);
	return n;
}

static void
add_visit(const struct mq *q, size_t i, struct metrics *o)
{
	const struct memsite *m = q->m;

	o->visits++;
	o->pageviews += views(q, i);
	o->bounces += m->inter[i] < 2;
	o->duration += m->dur[i];
	o->events += m->ev[i];
}

void
mem_aggregate(const struct memsite *m, long from, long to, const struct filters *f,
    const struct mem_sel *sel, struct metrics *out)
{
	struct mq q;
	size_t i;
	uint32_t last = UINT32_MAX;

	memset(out, 0, sizeof(*out));
	mq_init(&q, m, from, to, f, sel);
	for (i = q.lo; i < q.hi; i++) {
		if (!keep(&q, i))
			continue;
		if (m->vd[i] != last)
			out->visitors++;
		last = m->vd[i];
		add_visit(&q, i, out);
	}
}

void
mem_series(const struct memsite *m, const struct period *p, const struct tz *tz, long from,
    long to, const struct filters *f, const struct mem_sel *sel, struct metrics *out)
{
	struct mq q;
	size_t i, nb = period_buckets(p, tz);
	uint32_t *last = xcalloc(nb ? nb : 1, sizeof(*last));
	long b;

	long *byday = NULL, d;

	mq_init(&q, m, from, to, f, sel);
	for (i = 0; i < nb; i++)
		last[i] = UINT32_MAX;
	/* Days and months: a visit's bucket is its day's, worked out once a day. */
	if (p->gran != GRAN_HOUR && to >= from) {
		byday = xcalloc((size_t)(to - from + 1), sizeof(*byday));
		for (d = from; d <= to; d++)
			byday[d - from] = period_bucket_of(p, tz, tz_day_start(tz, d));
	}
	for (i = q.lo; i < q.hi; i++) {
		if (!keep(&q, i))
			continue;
		b = byday ? byday[m->day[i] - from] : period_bucket_of(p, tz, m->start[i]);
		if (b < 0 || (size_t)b >= nb)
			continue;
		/* Visits are grouped by visitor-day: distinct within any bucket. */
		if (m->vd[i] != last[b])
			out[b].visitors++;
		last[b] = m->vd[i];
		add_visit(&q, i, &out[b]);
	}
	free(byday);
	free(last);
}

void
mem_breakdown(const struct memsite *m, long from, long to, const struct filters *f,
    const struct mem_sel *sel, enum dim dim, void (*fn)(void *, const char *, size_t, const struct metrics *), void *arg)
{
	struct dict *d = dict_of((struct memsite *)m, dim);
	struct metrics *acc;
	uint32_t *lastvd, *lastvisit, id, k, nv;
	struct mq q;
	size_t i;
	int col = col_of(dim);
	const uint32_t *off = dim == DIM_EVENT ? m->ce_off : m->pv_off;
	const uint32_t *val = dim == DIM_EVENT ? m->ce_name : m->pv_page;

	if (d == NULL)
		return;
	nv = d->n;
	acc = xcalloc(nv ? nv : 1, sizeof(*acc));
	lastvd = xcalloc(nv ? nv : 1, sizeof(*lastvd));
	lastvisit = xcalloc(nv ? nv : 1, sizeof(*lastvisit));
	for (k = 0; k < nv; k++)
		lastvd[k] = lastvisit[k] = UINT32_MAX;
	mq_init(&q, m, from, to, f, sel);
	for (i = q.lo; i < q.hi; i++) {
		if (!keep(&q, i))
			continue;
		if (dim != DIM_PAGE && dim != DIM_EVENT) {
			id = m->col[col][i];
			if (m->vd[i] != lastvd[id])
				acc[id].visitors++;
			lastvd[id] = m->vd[i];
			add_visit(&q, i, &acc[id]);
			continue;
		}
		/*
		 * Pages (custom events): every page view kept (every event), its
		 * visit and visitor once per page (name).
		 */
		for (k = off[i]; k < off[i + 1]; k++) {
			id = val[k];
			if (dim == DIM_PAGE && !page_ok(&q, id))
				continue;
			acc[id].pageviews += dim == DIM_PAGE;
			acc[id].events++;
			if (lastvisit[id] != (uint32_t)i) {
				acc[id].visits++;
				acc[id].bounces += m->inter[i] < 2;
			}
			lastvisit[id] = (uint32_t)i;
			if (m->vd[i] != lastvd[id])
				acc[id].visitors++;
			lastvd[id] = m->vd[i];
		}
	}
	for (k = 0; k < nv; k++)
		if (acc[k].visits > 0)
			fn(arg, d->s[k], d->len[k], &acc[k]);
	free(acc);
	free(lastvd);
	free(lastvisit);
}

size_t
mem_dict_json(const struct memsite *m, enum dim dim, struct buf *out)
{
	const struct dict *d = dict_of((struct memsite *)m, dim);
	uint32_t i;

	buf_addch(out, '[');
	for (i = 0; d != NULL && i < d->n; i++) {
		if (i)
			buf_addch(out, ',');
		buf_add_json_str(out, d->s[i], d->len[i]);
	}
	buf_addch(out, ']');
	return d != NULL ? d->n : 0;
}

unsigned char *
mem_goal_flags(const struct memsite *m, int is_event, const char *target, size_t *np)
{
	const struct dict *d = is_event ? &m->dict[NSD + 1] : &m->dict[NSD];
	unsigned char *hit = xcalloc(d->n ? d->n : 1, 1);
	uint32_t k;

	/* As the server's LIKE on the binary collation matches ('*' made '%'). */
	for (k = 0; k < d->n; k++)
		hit[k] = is_event ? strlen(target) == d->len[k] &&
		    memcmp(target, d->s[k], d->len[k]) == 0 :
		    goal_match(target, d->s[k], d->len[k]);
	*np = d->n;
	return hit;
}

void
mem_goal(const struct memsite *m, long from, long to, const struct filters *f,
    const struct mem_sel *sel, int is_event, const char *target, struct metrics *out)
{
	const uint32_t *off = is_event ? m->ce_off : m->pv_off;
	const uint32_t *val = is_event ? m->ce_name : m->pv_page;
	size_t nd;
	unsigned char *hit = mem_goal_flags(m, is_event, target, &nd);
	uint32_t k, last = UINT32_MAX;
	long long n;
	struct mq q;
	size_t i;

	memset(out, 0, sizeof(*out));
	mq_init(&q, m, from, to, f, sel);
	for (i = q.lo; i < q.hi; i++) {
		if (!keep(&q, i))
			continue;
		for (n = 0, k = off[i]; k < off[i + 1]; k++)
			n += hit[val[k]];
		if (n == 0)
			continue;
		if (m->vd[i] != last)
			out->visitors++;
		last = m->vd[i];
		out->visits++;
		out->events += n;
	}
	free(hit);
}

void
mem_funnel(const struct memsite *m, long from, long to, const struct filters *f,
    const struct mem_sel *sel, const int *is_event, const char *const *target, size_t n,
    long long *visitors)
{
	unsigned char *hit[FUNNEL_MAX];
	size_t nd;
	uint32_t k, t, last = UINT32_MAX;
	size_t i, j, reached, best = 0;
	struct mq q;

	if (n > FUNNEL_MAX)
		n = FUNNEL_MAX;
	/* Each step's matching pages or event names, once over the dictionary. */
	for (j = 0; j < n; j++)
		hit[j] = mem_goal_flags(m, is_event[j], target[j], &nd);
	mq_init(&q, m, from, to, f, sel);
	for (i = q.lo; i < q.hi; i++) {
		if (!keep(&q, i))
			continue;
		/* A visitor-day counts its furthest visit. */
		if (m->vd[i] != last) {
			for (j = 0; j < best; j++)
				visitors[j]++;
			best = 0;
			last = m->vd[i];
		}
		for (reached = 0, k = m->to_off[i]; reached < n && k < m->to_off[i + 1]; k++) {
			t = m->touch[k];
			if (((t & TOUCH_EVENT) != 0) == (is_event[reached] != 0) &&
			    hit[reached][t & ~TOUCH_EVENT])
				reached++;
		}
		if (reached > best)
			best = reached;
	}
	for (j = 0; j < best; j++)
		visitors[j]++;
	for (j = 0; j < n; j++)
		free(hit[j]);
}
