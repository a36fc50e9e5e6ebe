/*
 * writer: one transaction per group of queued requests.
 *
 * Row counts vary, so each writer thread prepares, on first need, one
 * statement per row count (up to CHUNK_MAX rows), made by repeating fixed
 * text: no statement ever contains input.  A group of up to CHUNK_MAX
 * events is then one INSERT, and a whole group costs four round trips:
 * session lookup, events, sessions, COMMIT.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysqld_error.h>

#include "buf.h"
#include "collect.h"
#include "crypt.h"
#include "db.h"
#include "log.h"
#include "stitch.h"
#include "writer.h"

#define CHUNK_MAX	256		/* rows per INSERT */
#define LOOKUP_MAX	128		/* visitor ids per session lookup */
#define TXN_TRIES	4
#define SLOW_GROUP_MS	200		/* log groups slower than this */
#define SCACHE_SLOTS	(1u << 18)	/* sessions remembered between groups */
#define SCACHE_WAYS	4		/* slots a visitor may take */
#define DOWN_MS		1000		/* fail fast this long after a failure */

enum wstmt {
	W_CLAIMED,
	W_EVENTS,				/* + rows - 1 */
	W_SESSIONS = W_EVENTS + CHUNK_MAX,
	W_TOUCH = W_SESSIONS + CHUNK_MAX,
	W_CLAIM = W_TOUCH + CHUNK_MAX,
	W_LOOKUP = W_CLAIM + CHUNK_MAX,
	W__MAX = W_LOOKUP + LOOKUP_MAX
};

#define EVENT_COLS "site_id, ts, name, visitor_id, session_id, hostname, " \
	"pathname, referrer, source, referrer_domain, utm_source, utm_medium, " \
	"utm_campaign, utm_term, utm_content, country, device, browser, " \
	"browser_version, os, os_version, screen_width, engagement_ms, " \
	"scroll_depth, interactive, props, revenue_amount, revenue_currency, batch_id"
#define EVENT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/*
 * A visit the writer found stored (in its cache or by the lookup) only
 * needs what SESSION_UPDATE changes: its attributes are never updated.
 * Should its row be gone meanwhile, the row it makes has the attributes'
 * defaults, as the full statement would have made them (s->first is
 * NULL for such a visit).  A new visit's row is these columns and then
 * its attributes, so bind_session() is bind_touch() and the rest.
 */
#define TOUCH_COLS "id, site_id, visitor_id, started_at, last_seen, exit_page, " \
	"pageviews, events, interactions, engagement_ms, max_scroll"
#define TOUCH_ROW "(?,?,?,?,?,?,?,?,?,?,?)"
#define SESSION_COLS TOUCH_COLS ", entry_page, source, referrer_domain, " \
	"utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, " \
	"device, browser, browser_version, os, os_version, screen"
#define SESSION_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/* Assignments run left to right and see earlier ones: exit_page before last_seen. */
#define SESSION_UPDATE " ON DUPLICATE KEY UPDATE " \
	"exit_page = IF(VALUES(exit_page) <> '' AND VALUES(last_seen) >= last_seen, " \
	"VALUES(exit_page), exit_page), " \
	"last_seen = GREATEST(last_seen, VALUES(last_seen)), " \
	"pageviews = pageviews + VALUES(pageviews), " \
	"events = events + VALUES(events), " \
	"interactions = interactions + VALUES(interactions), " \
	"engagement_ms = engagement_ms + VALUES(engagement_ms), " \
	"max_scroll = GREATEST(max_scroll, VALUES(max_scroll))"

/*
 * READ COMMITTED: the session lookup takes no gap locks, so writers in
 * parallel do not deadlock on new visitors.  Two writers could then both
 * start a session for the same brand-new visitor in the same instant;
 * that costs one split session in a rare race, never an event.  Existing
 * sessions are updated relatively (pageviews + n), so no update is lost.
 */
static const char *const writer_session_sql[] = {
	"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
	"SET SESSION autocommit = 0",
};

struct item {
	struct event	*ev;
	size_t		 n;
	unsigned	 site_id;
	const char	*batch_id;
	struct item	*dup_of;	/* same batch id earlier in this group */
	int		 skip;		/* batch already stored */
	sem_t		 done;		/* posted once the result is set */
	enum write_result result;
	struct item	*next;
	struct item	*wake;		/* the waiter this one wakes in turn */
	writer_done	 cb;		/* asynchronous: called instead; frees the item */
	void		*arg;
};


struct writer {
	const struct conf	*conf;
	pthread_t		*threads;
	int			 nthreads;
	size_t			 max_rows;
	size_t			 max_queue;
	pthread_mutex_t		 lock;
	pthread_cond_t		 queued;	/* writers wait for work */
	struct item		*head, **tail;
	size_t			 queued_rows;
	int64_t			 down_until;
	int			 stopping;
	/*
	 * Sessions this process wrote, by visitor: a hit that is still
	 * active needs no lookup.  Only an active entry is trusted: another
	 * process may have extended the session since (then it is still the
	 * visitor's session) but cannot have ended it early.  A miss or an
	 * expired entry asks the database.
	 */
	struct scache {
		uint64_t	 visitor;
		uint64_t	 id;
		int64_t		 started;	/* the row's key is (site, started_at, id) */
		int64_t		 last_seen;
		unsigned	 site_id;
	}			*scache;
	pthread_mutex_t		 scache_lock;
};

/* What one writer thread keeps between groups. */
struct wctx {
	struct writer	*w;
	struct db	*db;
	char		*sql[W__MAX];	/* made on first use */
	struct db_args	 args;
	struct event	**evs;
	size_t		 evcap;
	struct stitch	 st;		/* the sessions of the group in hand */
};

/* Statement text. */

static char *
repeat_sql(const char *head, const char *row, size_t n, const char *tail)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_adds(&b, head);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, ',');
		buf_adds(&b, row);
	}
	buf_adds(&b, tail);
	return buf_detach(&b, NULL);
}

/* The statement for index i with its text made on first use. */
static MYSQL_STMT *
wstmt(struct wctx *c, size_t i)
{
	struct buf b = BUF_INIT;
	size_t k, n;

	if (c->sql[i] != NULL)
		return db_stmt(c->db, i);
	if (i == W_CLAIMED)
		c->sql[i] = xstrdup("SELECT site_id, batch_id FROM ingest_batches WHERE txn = ?");
	else if (i < W_SESSIONS)
		c->sql[i] = repeat_sql("INSERT INTO events (" EVENT_COLS ") VALUES ",
		    EVENT_ROW, i - W_EVENTS + 1, "");
	else if (i < W_TOUCH)
		c->sql[i] = repeat_sql("INSERT INTO sessions (" SESSION_COLS ") VALUES ",
		    SESSION_ROW, i - W_SESSIONS + 1, SESSION_UPDATE);
	else if (i < W_CLAIM)
		c->sql[i] = repeat_sql("INSERT INTO sessions (" TOUCH_COLS ") VALUES ",
		    TOUCH_ROW, i - W_TOUCH + 1, SESSION_UPDATE);
	else if (i < W_LOOKUP)
		c->sql[i] = repeat_sql("INSERT INTO ingest_batches (site_id, batch_id, txn) VALUES ",
		    "(?,?,?)", i - W_CLAIM + 1, " ON DUPLICATE KEY UPDATE txn = txn");
	else {
		n = i - W_LOOKUP + 1;
		buf_adds(&b, "SELECT id, visitor_id, site_id, "
		    "CAST(UNIX_TIMESTAMP(last_seen) * 1000 AS UNSIGNED), "
		    "CAST(UNIX_TIMESTAMP(started_at) * 1000 AS UNSIGNED) "
		    "FROM sessions WHERE visitor_id IN (");
		for (k = 0; k < n; k++)
			buf_adds(&b, k ? ",?" : "?");
		buf_adds(&b, ") AND last_seen >= ?");
		c->sql[i] = buf_detach(&b, NULL);
	}
	return db_stmt(c->db, i);
}

/* Rows for the next statement of a run of n. */
static size_t
chunk(size_t n)
{
	return n < CHUNK_MAX ? n : CHUNK_MAX;
}

static int
ev_cmp(const void *a, const void *b)
{
	const struct event *x = *(struct event *const *)a, *y = *(struct event *const *)b;

	if (x->ts_ms != y->ts_ms)
		return x->ts_ms < y->ts_ms ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Database steps; each returns 0 or -1. */

static int
claim_batches(struct wctx *c, struct item *group, uint64_t txn)
{
	struct db_args *a = &c->args;
	struct db_res r;
	struct item *it;
	const char *bid;
	size_t n = 0, k, ci;
	int rc = 0, row;

	for (it = group; it != NULL; it = it->next)
		if (it->batch_id != NULL && it->dup_of == NULL)
			n++;
	if (n == 0)
		return 0;
	it = group;
	while (n > 0) {
		ci = chunk(n);
		db_args_reset(a);
		for (k = 0; k < ci; it = it->next) {
			if (it->batch_id == NULL || it->dup_of != NULL)
				continue;
			db_arg_uint(a, it->site_id);
			db_arg_strz(a, it->batch_id);
			db_arg_uint(a, txn);
			k++;
			/* Not stored unless this transaction claimed the id below. */
			it->skip = 1;
		}
		if (db_exec(c->db, wstmt(c, W_CLAIM + ci - 1), a, NULL, NULL) == -1)
			return -1;
		n -= k;
	}
	db_args_reset(a);
	db_arg_uint(a, txn);
	if (db_select(c->db, wstmt(c, W_CLAIMED), a, &r) == -1) {
		db_res_free(&r);
		return -1;
	}
	while ((row = db_fetch(&r)) == 1) {
		unsigned site = (unsigned)db_col_int(&r, 0, 0);

		bid = db_col(&r, 1, NULL);
		for (it = group; it != NULL; it = it->next)
			if (it->batch_id != NULL && it->dup_of == NULL &&
			    it->site_id == site && bid && strcmp(it->batch_id, bid) == 0)
				it->skip = 0;
	}
	if (row == -1)
		rc = -1;
	db_res_free(&r);
	return rc;
}

/*
 * The SCACHE_WAYS slots visitor may take.  A set rather than one slot: two
 * active visitors whose ids hash alike would otherwise keep evicting each
 * other, and every group holding one of them would ask the database.
 */
static struct scache *
scache_set(struct writer *w, uint64_t visitor)
{
	return &w->scache[(stitch_mix(visitor) &
	    (SCACHE_SLOTS / SCACHE_WAYS - 1)) * SCACHE_WAYS];
}

/* Put visitor's session from the cache when it is active since since; 1 if so. */
static int
from_cache(struct wctx *c, uint64_t visitor, int64_t since)
{
	struct writer *w = c->w;
	struct scache e, *set;
	struct sess *s;
	size_t i;

	memset(&e, 0, sizeof(e));
	pthread_mutex_lock(&w->scache_lock);
	set = scache_set(w, visitor);
	for (i = 0; i < SCACHE_WAYS; i++)
		if (set[i].visitor == visitor) {
			e = set[i];
			break;
		}
	pthread_mutex_unlock(&w->scache_lock);
	if (e.visitor != visitor || e.last_seen < since)
		return 0;
	if (stitch_find(&c->st, visitor) != NULL)
		return 1;
	s = stitch_put(&c->st, visitor);
	s->id = e.id;
	s->site_id = e.site_id;
	s->started = e.started;
	s->last_seen = e.last_seen;
	return 1;
}

/*
 * Remember the sessions of a committed group: in the visitor's slot of its
 * set, else in the slot seen longest ago (an empty one has last_seen 0).
 */
static void
to_cache(struct wctx *c)
{
	struct writer *w = c->w;
	struct scache *set, *slot;
	const struct sess *s;
	size_t i, k;

	pthread_mutex_lock(&w->scache_lock);
	for (i = 0; i < c->st.nsess; i++) {
		s = &c->st.sess[i];
		if (!s->dirty)
			continue;
		set = scache_set(w, s->visitor);
		slot = &set[0];
		for (k = 0; k < SCACHE_WAYS; k++) {
			if (set[k].visitor == s->visitor) {
				slot = &set[k];
				break;
			}
			if (set[k].last_seen < slot->last_seen)
				slot = &set[k];
		}
		if (slot->visitor == s->visitor && slot->last_seen > s->last_seen)
			continue;
		slot->visitor = s->visitor;
		slot->id = s->id;
		slot->site_id = s->site_id;
		slot->started = s->started;
		slot->last_seen = s->last_seen;
	}
	pthread_mutex_unlock(&w->scache_lock);
}

/* Find the active sessions of the group's visitors, from memory or the database. */
static int
load_sessions(struct wctx *c, size_t nev, int64_t since)
{
	struct db_args *a = &c->args;
	uint64_t ids[LOOKUP_MAX], v;
	struct db_res r;
	struct sess *s;
	size_t i = 0, n, k, j;
	int64_t last;
	int row;

	/* Visitor ids to look up, both salts, without repeats within a chunk. */
	while (i < nev) {
		n = 0;
		for (; i < nev && n + 2 <= LOOKUP_MAX; i++) {
			const struct event *e = c->evs[i];
			uint64_t vs[2] = { e->visitor_id, e->prev_visitor_id };

			/*
			 * Yesterday's id matters only when today's has no
			 * live session at e (stitch_events): a cached one
			 * that is live then settles both, with no query.
			 */
			if (from_cache(c, vs[0], e->ts_ms - SESSION_IDLE_MS))
				continue;
			for (k = 0; k < 2; k++) {
				if (vs[k] == 0 || from_cache(c, vs[k], since))
					continue;
				for (j = 0; j < n && ids[j] != vs[k]; j++)
					;
				if (j == n)
					ids[n++] = vs[k];
			}
		}
		if (n == 0)
			continue;
		db_args_reset(a);
		for (k = 0; k < n; k++)
			db_arg_uint(a, ids[k]);
		db_arg_time_ms(a, since);
		if (db_select(c->db, wstmt(c, W_LOOKUP + n - 1), a, &r) == -1) {
			db_res_free(&r);
			return -1;
		}
		/* A visitor's latest session is the one that counts. */
		while ((row = db_fetch(&r)) == 1) {
			v = (uint64_t)strtoull(db_col(&r, 1, NULL), NULL, 10);
			last = db_col_int(&r, 3, 0);
			if ((s = stitch_find(&c->st, v)) != NULL && s->last_seen >= last)
				continue;
			if (s == NULL)
				s = stitch_put(&c->st, v);
			s->id = strtoull(db_col(&r, 0, NULL), NULL, 10);
			s->site_id = (unsigned)db_col_int(&r, 2, 0);
			s->started = db_col_int(&r, 4, 0);
			s->last_seen = last;
		}
		db_res_free(&r);
		if (row == -1)
			return -1;
	}
	return 0;
}


static void
bind_buf(struct db_args *a, const struct buf *b)
{
	db_arg_str(a, b->ptr, b->len);
}

static void
bind_event(struct db_args *a, const struct event *e, const char *batch_id)
{
	size_t i;

	db_arg_uint(a, e->site_id);
	db_arg_time_ms(a, e->ts_ms);
	db_arg_strz(a, e->name);
	db_arg_uint(a, e->visitor_id);
	db_arg_uint(a, e->session_id);
	bind_buf(a, &e->hostname);
	bind_buf(a, &e->pathname);
	db_arg_strz(a, e->referrer ? e->referrer : "");
	bind_buf(a, &e->source);
	bind_buf(a, &e->referrer_domain);
	for (i = 0; i < 5; i++)
		bind_buf(a, &e->utm[i]);
	db_arg_strz(a, e->country);
	db_arg_strz(a, e->device);
	db_arg_strz(a, e->browser);
	db_arg_strz(a, e->browser_version);
	db_arg_strz(a, e->os);
	db_arg_strz(a, e->os_version);
	if (e->screen_width >= 0)
		db_arg_int(a, e->screen_width);
	else
		db_arg_null(a);
	if (e->engagement_ms >= 0)
		db_arg_int(a, e->engagement_ms);
	else
		db_arg_null(a);
	if (e->scroll_depth >= 0)
		db_arg_int(a, e->scroll_depth);
	else
		db_arg_null(a);
	db_arg_int(a, e->interactive);
	db_arg_strz(a, e->props);
	db_arg_strz(a, e->revenue_amount);
	db_arg_strz(a, e->revenue_amount ? e->revenue_currency : NULL);
	db_arg_strz(a, batch_id);
}

static int
insert_events(struct wctx *c, size_t nev)
{
	size_t i = 0, k, ci;

	while (i < nev) {
		ci = chunk(nev - i);
		db_args_reset(&c->args);
		for (k = 0; k < ci; k++, i++)
			bind_event(&c->args, c->evs[i], NULL);
		if (db_exec(c->db, wstmt(c, W_EVENTS + ci - 1), &c->args, NULL, NULL) == -1)
			return -1;
	}
	return 0;
}

/* The part of a stored visit that SESSION_UPDATE changes (TOUCH_COLS). */
static void
bind_touch(struct db_args *a, const struct sess *s)
{
	db_arg_uint(a, s->id);
	db_arg_uint(a, s->site_id);
	db_arg_uint(a, s->visitor);
	/*
	 * The real start, so an existing visit's upsert finds its row by the
	 * primary key; were it unknown, the unique key on id still would.
	 */
	db_arg_time_ms(a, s->started > 0 ? s->started : s->last_seen);
	db_arg_time_ms(a, s->last_seen);
	db_arg_strz(a, s->exit_page ? s->exit_page : "");
	db_arg_uint(a, s->pageviews);
	db_arg_uint(a, s->events);
	db_arg_uint(a, s->interactions);
	db_arg_uint(a, s->engagement);
	db_arg_uint(a, s->max_scroll);
}

/* A new visit: SESSION_COLS. */
static void
bind_session(struct db_args *a, const struct sess *s)
{
	const struct event *f = s->first;
	static const struct buf none = BUF_INIT;
	size_t i;

	bind_touch(a, s);
	/* An existing session keeps its entry page and attributes (see SESSION_UPDATE). */
	db_arg_strz(a, f && stitch_is_pageview(f) ? f->pathname.ptr : "");
	bind_buf(a, f ? &f->source : &none);
	bind_buf(a, f ? &f->referrer_domain : &none);
	for (i = 0; i < 5; i++)
		bind_buf(a, f ? &f->utm[i] : &none);
	db_arg_strz(a, f ? f->country : "");
	db_arg_strz(a, f ? f->device : "");
	db_arg_strz(a, f ? f->browser : "");
	db_arg_strz(a, f ? f->browser_version : "");
	db_arg_strz(a, f ? f->os : "");
	db_arg_strz(a, f ? f->os_version : "");
	db_arg_strz(a, f ? stitch_screen_class(f->screen_width) : "");
}

static __thread struct wctx *sort_ctx;

static int
sess_cmp(const void *a, const void *b)
{
	uint64_t x = sort_ctx->st.sess[*(const size_t *)a].id;
	uint64_t y = sort_ctx->st.sess[*(const size_t *)b].id;

	return x < y ? -1 : x > y;
}

/* Upsert sessions d[0..n) with the statements from si, binding each with bind. */
static int
write_sessions(struct wctx *c, const size_t *d, size_t n, size_t si,
    void (*bind)(struct db_args *, const struct sess *))
{
	size_t i = 0, k, ci;

	while (i < n) {
		ci = chunk(n - i);
		db_args_reset(&c->args);
		for (k = 0; k < ci; k++, i++)
			bind(&c->args, &c->st.sess[d[i]]);
		if (db_exec(c->db, wstmt(c, si + ci - 1), &c->args, NULL, NULL) == -1)
			return -1;
	}
	return 0;
}

/* New visits with all their columns, stored ones with the columns that change. */
static int
upsert_sessions(struct wctx *c)
{
	size_t i, n = 0, known = 0, *d;
	int rc = -1;

	d = xmalloc((c->st.nsess ? c->st.nsess : 1) * sizeof(*d));
	for (i = 0; i < c->st.nsess; i++)
		if (c->st.sess[i].dirty && !c->st.sess[i].is_new)
			d[known++] = i;
	n = known;
	for (i = 0; i < c->st.nsess; i++)
		if (c->st.sess[i].dirty && c->st.sess[i].is_new)
			d[n++] = i;
	/*
	 * Rows locked in id order by every writer: no deadlock between them.
	 * New visits have new rows, which no other writer can be locking.
	 */
	sort_ctx = c;
	qsort(d, known, sizeof(*d), sess_cmp);
	if (write_sessions(c, d, known, W_TOUCH, bind_touch) == 0 &&
	    write_sessions(c, d + known, n - known, W_SESSIONS, bind_session) == 0)
		rc = 0;
	free(d);
	return rc;
}

/* One attempt at storing the group: 0 committed, -1 failed (rolled back). */
static int
store(struct wctx *c, struct item *group, size_t nev_max)
{
	struct item *it;
	uint64_t txn;
	int64_t since = INT64_MAX, t[5] = { 0, 0, 0, 0, 0 };
	unsigned long gen;
	size_t nev = 0, i;

	for (it = group; it != NULL; it = it->next)
		it->skip = 0;
	/* autocommit is off on this connection: the first statement begins. */
	if (db_ensure(c->db) == -1 || crypt_random(&txn, sizeof(txn)) == -1)
		return -1;
	gen = db_generation(c->db);
	txn &= 0x7fffffffffffffffull;
	if (claim_batches(c, group, txn) == -1)
		goto fail;
	for (it = group; it != NULL; it = it->next) {
		if (it->skip || it->dup_of != NULL)
			continue;
		for (i = 0; i < it->n; i++) {
			c->evs[nev++] = &it->ev[i];
			if (it->ev[i].ts_ms < since)
				since = it->ev[i].ts_ms;
		}
	}
	t[0] = now_ms();
	if (nev > 0) {
		qsort(c->evs, nev, sizeof(*c->evs), ev_cmp);
		stitch_reset(&c->st, nev_max);
		if (load_sessions(c, nev, since - SESSION_IDLE_MS) == -1)
			goto fail;
		t[1] = now_ms();
		if (stitch_events(&c->st, c->evs, nev) == -1 ||
		    insert_events(c, nev) == -1)
			goto fail;
		t[2] = now_ms();
		if (upsert_sessions(c) == -1)
			goto fail;
	}
	t[3] = now_ms();
	/* Everything above must have gone to the one connection we commit on. */
	if (db_generation(c->db) != gen) {
		log_err("the connection was replaced during a transaction");
		goto fail;
	}
	if (db_commit(c->db) == -1)
		goto fail;
	t[4] = now_ms();
	if (nev > 0)
		to_cache(c);
	/* A slow group delays every request in it: say where the time went. */
	if (t[4] - t[0] >= SLOW_GROUP_MS)
		log_warn("slow group: %zu events in %lld ms (sessions lookup %lld, "
		    "events %lld, sessions %lld, commit %lld)", nev,
		    (long long)(t[4] - t[0]), (long long)(t[1] - t[0]),
		    (long long)(t[2] - t[1]), (long long)(t[3] - t[2]),
		    (long long)(t[4] - t[3]));
	return 0;
fail:
	db_rollback(c->db);
	return -1;
}

/* Hand every item of the group its result and wake its waiter. */
static void
finish(struct writer *w, struct item *group, int down)
{
	struct item *it, *next, *first = NULL, **wakep = &first;
	size_t rows = 0;

	for (it = group; it != NULL; it = it->next)
		rows += it->n;
	pthread_mutex_lock(&w->lock);
	w->queued_rows -= rows;
	if (down)
		w->down_until = now_ms() + DOWN_MS;
	pthread_mutex_unlock(&w->lock);
	/* Every result first: a duplicate reads the one it repeats. */
	for (it = group; it != NULL; it = it->next)
		if (it->dup_of != NULL)
			it->result = it->dup_of->result == WRITE_OK ?
			    WRITE_DUPLICATE : it->dup_of->result;
	/*
	 * Waiters: the writer wakes only the first and each woken waiter
	 * wakes the next (writer_submit), so the writer goes back to the
	 * database at once instead of spending a futex wake per request.
	 */
	for (it = group; it != NULL; it = it->next)
		if (it->cb == NULL) {
			*wakep = it;
			wakep = &it->wake;
		}
	*wakep = NULL;
	/* Asynchronous items: answered here; each is gone once its call returns. */
	for (it = group; it != NULL; it = next) {
		next = it->next;
		if (it->cb != NULL) {
			writer_done cb = it->cb;
			void *arg = it->arg;
			enum write_result result = it->result;

			free(it);
			cb(arg, result);
		}
	}
	if (first != NULL)
		sem_post(&first->done);	/* each waiter's item is gone once posted */
}

/* Store the group, retrying deadlocks; 0 or -1. */
static int
attempt(struct wctx *c, struct item *group, size_t nev)
{
	unsigned e;
	int tries;

	for (tries = 0; tries < TXN_TRIES; tries++) {
		if (store(c, group, nev) == 0)
			return 0;
		e = db_errno(c->db);
		/* Deadlocks and lock waits are worth another try; anything else is not. */
		if (e != ER_LOCK_DEADLOCK && e != ER_LOCK_WAIT_TIMEOUT)
			break;
		log_info("retrying a group after error %u", e);
	}
	return -1;
}

static void
set_results(struct item *group, enum write_result failed, int ok)
{
	struct item *it;

	for (it = group; it != NULL; it = it->next)
		if (it->dup_of == NULL)
			it->result = !ok ? failed : it->skip ? WRITE_DUPLICATE : WRITE_OK;
}

static void
process(struct wctx *c, struct item *group)
{
	struct item *it, *jt, *next;
	size_t nev = 0;
	int ok;

	/* The same batch id twice in one group: the later ones are duplicates. */
	for (it = group; it != NULL; it = it->next) {
		it->dup_of = NULL;
		nev += it->n;
		if (it->batch_id == NULL)
			continue;
		for (jt = group; jt != it; jt = jt->next)
			if (jt->batch_id != NULL && jt->dup_of == NULL &&
			    jt->site_id == it->site_id &&
			    strcmp(jt->batch_id, it->batch_id) == 0) {
				it->dup_of = jt;
				break;
			}
	}
	if (nev > c->evcap) {
		c->evs = xrealloc(c->evs, nev * sizeof(*c->evs));
		c->evcap = nev;
	}
	ok = attempt(c, group, nev) == 0;
	set_results(group, WRITE_UNAVAILABLE, ok);
	if (!ok && db_alive(c->db) && group->next != NULL) {
		/*
		 * The database is up but refused the group: some request in
		 * it holds a value it will not store.  Store each request on
		 * its own, so only that one fails and its neighbours do not.
		 */
		log_err("a group of %zu events failed (error %u); storing its requests one by one",
		    nev, db_errno(c->db));
		for (it = group; it != NULL; it = it->next) {
			if (it->dup_of != NULL)
				continue;
			next = it->next;
			it->next = NULL;
			ok = attempt(c, it, it->n) == 0;
			set_results(it, db_alive(c->db) ? WRITE_FAILED : WRITE_UNAVAILABLE, ok);
			if (!ok)
				log_err("could not store a request of %zu events (error %u)",
				    it->n, db_errno(c->db));
			it->next = next;
		}
		finish(c->w, group, !db_alive(c->db));
		return;
	}
	if (!ok)
		log_err("could not store %zu events (error %u)", nev, db_errno(c->db));
	finish(c->w, group, !ok && !db_alive(c->db));
}

static void *
writer_main(void *arg)
{
	struct wctx c;
	struct writer *w = arg;
	struct item *group, *it, **tailp;
	size_t rows, i;

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.db = db_open(w->conf, (const char *const *)c.sql, W__MAX, 1);
	db_on_connect(c.db, writer_session_sql,
	    sizeof(writer_session_sql) / sizeof(writer_session_sql[0]));
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->queued, &w->lock);
		if (w->head == NULL) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		/* Take whole requests up to max_rows (at least one request). */
		group = w->head;
		rows = 0;
		tailp = &w->head;
		for (it = w->head; it != NULL; it = it->next) {
			if (rows > 0 && rows + it->n > w->max_rows)
				break;
			rows += it->n;
			tailp = &it->next;
		}
		w->head = *tailp;
		*tailp = NULL;
		if (w->head == NULL)
			w->tail = &w->head;
		pthread_mutex_unlock(&w->lock);
		process(&c, group);
	}
	db_close(c.db);
	for (i = 0; i < W__MAX; i++)
		free(c.sql[i]);
	db_args_free(&c.args);
	free(c.evs);
	stitch_free(&c.st);
	return NULL;
}

struct writer *
writer_new(const struct conf *conf, int nthreads, size_t max_rows, size_t max_queue)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	int i;

	w->conf = conf;
	w->max_rows = max_rows;
	w->max_queue = max_queue;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->scache_lock, NULL);
	w->scache = xcalloc(SCACHE_SLOTS, sizeof(*w->scache));
	pthread_cond_init(&w->queued, NULL);
	w->threads = xcalloc((size_t)nthreads, sizeof(*w->threads));
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w->threads[i], NULL, writer_main, w) != 0) {
			log_err("pthread_create failed");
			break;
		}
		w->nthreads++;
	}
	if (w->nthreads == 0) {
		writer_free(w);
		return NULL;
	}
	return w;
}

/* Queue it; 0, or -1 when the writer takes no more now. */
static int
enqueue(struct writer *w, struct item *it)
{
	pthread_mutex_lock(&w->lock);
	if (w->stopping || now_ms() < w->down_until ||
	    w->queued_rows + it->n > w->max_queue) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	*w->tail = it;
	w->tail = &it->next;
	w->queued_rows += it->n;
	pthread_cond_signal(&w->queued);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

enum write_result
writer_submit(struct writer *w, struct event *ev, size_t n, unsigned site_id,
    const char *batch_id)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.ev = ev;
	it.n = n;
	it.site_id = site_id;
	it.batch_id = batch_id;
	sem_init(&it.done, 0, 0);
	if (enqueue(w, &it) == -1) {
		sem_destroy(&it.done);
		return WRITE_UNAVAILABLE;
	}
	while (sem_wait(&it.done) == -1 && errno == EINTR)
		;
	if (it.wake != NULL)
		sem_post(&it.wake->done);
	sem_destroy(&it.done);
	return it.result;
}

int
writer_submit_async(struct writer *w, struct event *ev, size_t n,
    unsigned site_id, const char *batch_id, writer_done cb, void *arg)
{
	struct item *it = xcalloc(1, sizeof(*it));

	it->ev = ev;
	it->n = n;
	it->site_id = site_id;
	it->batch_id = batch_id;
	it->cb = cb;
	it->arg = arg;
	if (enqueue(w, it) == -1) {
		free(it);
		return -1;
	}
	return 0;
}

void
writer_free(struct writer *w)
{
	int i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_broadcast(&w->queued);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->scache_lock);
	free(w->scache);
	pthread_cond_destroy(&w->queued);
	free(w->threads);
	free(w);
}
