/*
 * db: MariaDB Connector/C behind a small typed surface.  Errors are
 * logged here with the statement text, so callers only check -1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "buf.h"
#include "db.h"
#include "log.h"

struct db {
	const struct conf	*conf;
	MYSQL			*my;
	const char *const	*sql;
	MYSQL_STMT		**stmts;
	size_t			 nstmts;
	int			 alive;
	unsigned		 err;
	const char *const	*init;
	size_t			 ninit;
	time_t			 last_used;
	unsigned long		 generation;
};

/* A connection idle this long is pinged before use: the server may have restarted. */
#define DB_IDLE_PING	5

static int
is_conn_error(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
	    e == CR_COMMANDS_OUT_OF_SYNC || e == ER_SERVER_SHUTDOWN ||
	    e == CR_STMT_CLOSED;
}

static void
drop(struct db *db)
{
	size_t i;

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i] != NULL) {
			mysql_stmt_close(db->stmts[i]);
			db->stmts[i] = NULL;
		}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	db->alive = 0;
}

/* Remember the error; a connection error marks the handle dead. */
static void
note(struct db *db, unsigned e)
{
	db->err = e;
	if (is_conn_error(e))
		db->alive = 0;
}

static int
connect_db(struct db *db)
{
	const struct conf *c = db->conf;
	unsigned int timeout = 2, rw_timeout = 30;
	my_bool off = 0;
	const char *sock;
	int err = 0;
	long long port;
	size_t i;

	if ((db->my = mysql_init(NULL)) == NULL) {
		log_err("mysql_init failed");
		return -1;
	}
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	mysql_options(db->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_REPORT_DATA_TRUNCATION, &(my_bool){ 1 });
	port = conf_int(c, "db_port", 0, 0, 65535, &err);
	sock = conf_str(c, "db_socket", NULL);
	if (mysql_real_connect(db->my, sock ? NULL : conf_str(c, "db_host", "localhost"),
	    conf_str(c, "db_user", "trackr"), conf_str(c, "db_password", NULL),
	    conf_str(c, "db_name", "trackr"), (unsigned)port, sock,
	    CLIENT_FOUND_ROWS) == NULL) {
		log_err("connect: %s", mysql_error(db->my));
		db->err = mysql_errno(db->my);
		mysql_close(db->my);
		db->my = NULL;
		return -1;
	}
	/* UTC everywhere; strict mode so bad values fail instead of being cut. */
	if (mysql_query(db->my, "SET time_zone = '+00:00', "
	    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'") != 0) {
		log_err("session setup: %s", mysql_error(db->my));
		drop(db);
		return -1;
	}
	for (i = 0; i < db->ninit; i++)
		if (mysql_query(db->my, db->init[i]) != 0) {
			log_err("%s: %s", db->init[i], mysql_error(db->my));
			drop(db);
			return -1;
		}
	db->alive = 1;
	db->err = 0;
	db->generation++;
	return 0;
}

void
db_on_connect(struct db *db, const char *const *sql, size_t n)
{
	db->init = sql;
	db->ninit = n;
}

int
db_conf_check(const struct conf *c)
{
	if (conf_str(c, "db_socket", NULL) == NULL && conf_str(c, "db_host", NULL) == NULL) {
		log_err("%s: set db_socket or db_host: where is the database?",
		    c->path ? c->path : "config");
		return -1;
	}
	return 0;
}

struct db *
db_open(const struct conf *c, const char *const *stmts, size_t nstmts, int lazy)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->conf = c;
	db->sql = stmts;
	db->nstmts = nstmts;
	db->stmts = xcalloc(nstmts ? nstmts : 1, sizeof(*db->stmts));
	if (!lazy && connect_db(db) == -1) {
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	drop(db);
	free(db->stmts);
	free(db);
}

int
db_ensure(struct db *db)
{
	time_t now = time(NULL);

	if (db->alive && db->my != NULL) {
		if (now - db->last_used < DB_IDLE_PING || mysql_ping(db->my) == 0) {
			db->last_used = now;
			return 0;
		}
		log_info("connection lost while idle; reconnecting");
	}
	drop(db);
	if (connect_db(db) == -1)
		return -1;
	db->last_used = now;
	return 0;
}

unsigned long
db_generation(const struct db *db)
{
	return db->generation;
}

int
db_alive(const struct db *db)
{
	return db->alive;
}

MYSQL *
db_handle(struct db *db)
{
	return db->my;
}

unsigned
db_errno(struct db *db)
{
	return db->err;
}

MYSQL_STMT *
db_prepare(struct db *db, const char *sql)
{
	MYSQL_STMT *st;

	if (db_ensure(db) == -1)
		return NULL;
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		log_err("mysql_stmt_init: %s", mysql_error(db->my));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		note(db, mysql_stmt_errno(st));
		log_err("prepare: %s: %.120s", mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

MYSQL_STMT *
db_stmt(struct db *db, size_t i)
{
	if (i >= db->nstmts) {
		log_err("no statement %zu", i);
		return NULL;
	}
	if (db->stmts[i] == NULL || !db->alive) {
		if (!db->alive)
			drop(db);
		db->stmts[i] = db_prepare(db, db->sql[i]);
	}
	return db->stmts[i];
}

static int
simple(struct db *db, const char *sql)
{
	if (db_ensure(db) == -1)
		return -1;
	if (mysql_query(db->my, sql) != 0) {
		note(db, mysql_errno(db->my));
		log_err("%s: %s", sql, mysql_error(db->my));
		return -1;
	}
	return 0;
}

int
db_begin(struct db *db)
{
	return simple(db, "START TRANSACTION");
}

int
db_commit(struct db *db)
{
	return simple(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
	if (db->alive && db->my != NULL && mysql_query(db->my, "ROLLBACK") != 0)
		note(db, mysql_errno(db->my));
}

int
db_exec_sql(struct db *db, const char *sql, size_t len)
{
	MYSQL_RES *res;
	int status;

	if (db_ensure(db) == -1)
		return -1;
	if (mysql_real_query(db->my, sql, len) != 0)
		goto fail;
	/* Drain every result, so multi-statement text leaves nothing pending. */
	do {
		if ((res = mysql_store_result(db->my)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db->my) != 0)
			goto fail;
		if ((status = mysql_next_result(db->my)) > 0)
			goto fail;
	} while (status == 0);
	return 0;
fail:
	note(db, mysql_errno(db->my));
	log_err("%s", mysql_error(db->my));
	return -1;
}

/* Pools. */

struct db_pool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 freed;
	struct db	**all;
	struct db	**idle;
	int		 size;
	int		 nidle;
};

struct db_pool *
db_pool_new(const struct conf *c, const char *const *stmts, size_t nstmts, int size)
{
	struct db_pool *p = xcalloc(1, sizeof(*p));
	int i;

	p->size = size > 0 ? size : 1;
	p->all = xcalloc((size_t)p->size, sizeof(*p->all));
	p->idle = xcalloc((size_t)p->size, sizeof(*p->idle));
	for (i = 0; i < p->size; i++)
		p->all[i] = p->idle[i] = db_open(c, stmts, nstmts, 1);
	p->nidle = p->size;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	return p;
}

struct db *
db_pool_get(struct db_pool *p)
{
	struct db *db;

	pthread_mutex_lock(&p->lock);
	while (p->nidle == 0)
		pthread_cond_wait(&p->freed, &p->lock);
	db = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->lock);
	return db;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = db;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void
db_pool_free(struct db_pool *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		db_close(p->all[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->all);
	free(p->idle);
	free(p);
}

/* Arguments. */

static MYSQL_BIND *
next_arg(struct db_args *a)
{
	MYSQL_BIND *b;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->bind = xrealloc(a->bind, a->cap * sizeof(*a->bind));
		a->val = xrealloc(a->val, a->cap * sizeof(*a->val));
	}
	b = &a->bind[a->n++];
	memset(b, 0, sizeof(*b));
	return b;
}

void
db_args_reset(struct db_args *a)
{
	a->n = 0;
}

void
db_args_free(struct db_args *a)
{
	free(a->bind);
	free(a->val);
	memset(a, 0, sizeof(*a));
}

void
db_arg_str(struct db_args *a, const char *s, size_t len)
{
	MYSQL_BIND *b = next_arg(a);

	if (s == NULL) {
		b->buffer_type = MYSQL_TYPE_NULL;
		return;
	}
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)s;
	b->buffer_length = len;
}

void
db_arg_strz(struct db_args *a, const char *s)
{
	db_arg_str(a, s, s ? strlen(s) : 0);
}

void
db_arg_blob(struct db_args *a, const void *p, size_t len)
{
	MYSQL_BIND *b = next_arg(a);

	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = (void *)p;
	b->buffer_length = len;
}

void
db_arg_int(struct db_args *a, long long v)
{
	MYSQL_BIND *b = next_arg(a);

	b->buffer_type = MYSQL_TYPE_LONGLONG;
	a->val[a->n - 1].i = v;
}

void
db_arg_uint(struct db_args *a, unsigned long long v)
{
	MYSQL_BIND *b = next_arg(a);

	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->is_unsigned = 1;
	a->val[a->n - 1].u = v;
}

void
db_arg_double(struct db_args *a, double v)
{
	MYSQL_BIND *b = next_arg(a);

	b->buffer_type = MYSQL_TYPE_DOUBLE;
	a->val[a->n - 1].d = v;
}

void
db_arg_time_ms(struct db_args *a, long long ms)
{
	MYSQL_BIND *b = next_arg(a);
	MYSQL_TIME *t = &a->val[a->n - 1].t;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	/* Bound as a DATETIME, so the server does no arithmetic per row. */
	b->buffer_type = MYSQL_TYPE_DATETIME;
	gmtime_r(&secs, &tm);
	memset(t, 0, sizeof(*t));
	t->year = (unsigned)tm.tm_year + 1900;
	t->month = (unsigned)tm.tm_mon + 1;
	t->day = (unsigned)tm.tm_mday;
	t->hour = (unsigned)tm.tm_hour;
	t->minute = (unsigned)tm.tm_min;
	t->second = (unsigned)tm.tm_sec;
	t->second_part = (unsigned long)(ms % 1000) * 1000;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

void
db_arg_null(struct db_args *a)
{
	next_arg(a)->buffer_type = MYSQL_TYPE_NULL;
}

/* Point numeric binds at their values now that the arrays stopped moving. */
static int
bind_args(struct db *db, MYSQL_STMT *st, struct db_args *a)
{
	size_t i;

	if (a == NULL || a->n == 0) {
		if (mysql_stmt_param_count(st) != 0) {
			log_err("statement wants %lu arguments, got none",
			    mysql_stmt_param_count(st));
			return -1;
		}
		return 0;
	}
	if (mysql_stmt_param_count(st) != a->n) {
		log_err("statement wants %lu arguments, got %zu",
		    mysql_stmt_param_count(st), a->n);
		return -1;
	}
	for (i = 0; i < a->n; i++)
		if (a->bind[i].buffer_type == MYSQL_TYPE_LONGLONG ||
		    a->bind[i].buffer_type == MYSQL_TYPE_DOUBLE ||
		    a->bind[i].buffer_type == MYSQL_TYPE_DATETIME)
			a->bind[i].buffer = &a->val[i];
	if (mysql_stmt_bind_param(st, a->bind) != 0) {
		note(db, mysql_stmt_errno(st));
		log_err("bind: %s", mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

int
db_exec(struct db *db, MYSQL_STMT *st, struct db_args *a,
    unsigned long long *affected, unsigned long long *insert_id)
{
	if (st == NULL || bind_args(db, st, a) == -1)
		return -1;
	if (mysql_stmt_execute(st) != 0) {
		note(db, mysql_stmt_errno(st));
		log_err("execute: %s (%u)", mysql_stmt_error(st), mysql_stmt_errno(st));
		return -1;
	}
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	return 0;
}

int
db_select(struct db *db, MYSQL_STMT *st, struct db_args *a, struct db_res *r)
{
	MYSQL_RES *meta;
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (db_exec(db, st, a, NULL, NULL) == -1)
		return -1;
	r->stmt = st;
	r->db = db;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_err("statement returns no rows");
		mysql_stmt_free_result(st);
		r->stmt = NULL;
		return -1;
	}
	r->ncol = mysql_num_fields(meta);
	mysql_free_result(meta);
	r->bind = xcalloc(r->ncol, sizeof(*r->bind));
	r->col = xcalloc(r->ncol, sizeof(*r->col));
	for (i = 0; i < r->ncol; i++) {
		r->col[i].cap = 256;
		r->col[i].buf = xmalloc(r->col[i].cap + 1);
		r->bind[i].buffer_type = MYSQL_TYPE_STRING;
		r->bind[i].buffer = r->col[i].buf;
		r->bind[i].buffer_length = r->col[i].cap;
		r->bind[i].length = &r->col[i].len;
		r->bind[i].is_null = &r->col[i].isnull;
		r->bind[i].error = &r->col[i].error;
	}
	if (mysql_stmt_bind_result(st, r->bind) != 0) {
		note(db, mysql_stmt_errno(st));
		log_err("bind result: %s", mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

int
db_select_idx(struct db *db, size_t i, struct db_args *a, struct db_res *r)
{
	int tries;

	memset(r, 0, sizeof(*r));
	for (tries = 0; tries < 2; tries++) {
		if (db_ensure(db) == 0 && db_select(db, db_stmt(db, i), a, r) == 0)
			return 0;
		db_res_free(r);
		if (db->alive)
			break;	/* an error of the query, not of the connection */
	}
	return -1;
}

int
db_fetch(struct db_res *r)
{
	struct db_col *c;
	unsigned i;
	int rc, grown = 0;

	if (r->stmt == NULL)
		return -1;
	rc = mysql_stmt_fetch(r->stmt);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1) {
		/* An error read while streaming rows is kept on the connection. */
		if (mysql_stmt_errno(r->stmt) != 0) {
			note(r->db, mysql_stmt_errno(r->stmt));
			log_err("fetch: %s", mysql_stmt_error(r->stmt));
		} else {
			note(r->db, mysql_errno(r->db->my));
			log_err("fetch: %s", mysql_error(r->db->my));
		}
		return -1;
	}
	for (i = 0; i < r->ncol; i++) {
		c = &r->col[i];
		if (c->isnull)
			continue;
		if (c->len > c->cap) {
			/* Truncated: grow and fetch this column again, whole. */
			c->cap = c->len;
			c->buf = xrealloc(c->buf, c->cap + 1);
			r->bind[i].buffer = c->buf;
			r->bind[i].buffer_length = c->cap;
			if (mysql_stmt_fetch_column(r->stmt, &r->bind[i], i, 0) != 0) {
				log_err("fetch column: %s", mysql_stmt_error(r->stmt));
				return -1;
			}
			grown = 1;
		}
		c->buf[c->len] = '\0';
	}
	/* The statement keeps its own copy of the binds: give it the new buffers. */
	if (grown && mysql_stmt_bind_result(r->stmt, r->bind) != 0) {
		log_err("bind result: %s", mysql_stmt_error(r->stmt));
		return -1;
	}
	return 1;
}

const char *
db_col(const struct db_res *r, unsigned i, size_t *lenp)
{
	if (i >= r->ncol || r->col[i].isnull)
		return NULL;
	if (lenp)
		*lenp = r->col[i].len;
	return r->col[i].buf;
}

long long
db_col_int(const struct db_res *r, unsigned i, long long def)
{
	const char *s = db_col(r, i, NULL);
	char *end;
	long long v;

	if (s == NULL)
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return def;
	return v;
}

void
db_res_free(struct db_res *r)
{
	unsigned i;

	if (r->stmt != NULL)
		mysql_stmt_free_result(r->stmt);
	for (i = 0; i < r->ncol; i++)
		free(r->col[i].buf);
	free(r->col);
	free(r->bind);
	memset(r, 0, sizeof(*r));
}
