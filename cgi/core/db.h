/*
 * db: MariaDB access with prepared statements only.
 *
 * A program lists its SQL once, as fixed text with '?' placeholders, in a
 * const array indexed by its own enum; db_stmt() prepares each statement
 * on first use and keeps it for the life of the connection.  Arguments are
 * bound through struct db_args; results are read as strings by db_res.
 * A struct db is used by one thread at a time.  A lost connection is
 * noticed by every call, and db_ensure() reconnects (statements are then
 * prepared again on next use).
 */
#ifndef TRACKR_DB_H
#define TRACKR_DB_H

#include <stddef.h>

#include <mysql.h>

#include "conf.h"

struct db;

/*
 * Refuse a configuration that does not say where the database is (neither
 * db_socket nor db_host), rather than guess a default; 0 or -1 (logged).
 */
int		 db_conf_check(const struct conf *);

/*
 * Open a connection with the settings in c (db_socket or db_host/db_port,
 * db_user, db_password, db_name).  stmts[0..nstmts) is the program's SQL;
 * it must outlive the connection.  Returns NULL (logged) on failure; with
 * lazy set, returns a handle that connects on first db_ensure() instead.
 */
struct db	*db_open(const struct conf *c, const char *const *stmts,
		    size_t nstmts, int lazy);
void		 db_close(struct db *);
/*
 * Fixed SQL run after every (re)connect, e.g. to set the isolation level
 * or autocommit; the string must outlive the handle.
 */
void		 db_on_connect(struct db *, const char *const *sql, size_t n);
/*
 * A fixed set of lazy connections shared by many threads, each used by
 * one thread at a time: db_pool_get() waits for a free one, and the
 * caller gives it back with db_pool_put().  Keeps the number of server
 * connections bounded however many request threads there are.
 */
struct db_pool;

struct db_pool	*db_pool_new(const struct conf *c, const char *const *stmts,
		    size_t nstmts, int size);
struct db	*db_pool_get(struct db_pool *);
void		 db_pool_put(struct db_pool *, struct db *);
void		 db_pool_free(struct db_pool *);

/* Connect or reconnect if needed; 0 when usable, -1 (logged) when down. */
int		 db_ensure(struct db *);
/*
 * A number that changes with every (re)connection.  A transaction must
 * see the same number at its COMMIT as at its first statement: a silent
 * reconnect in between would commit only the statements after it.
 */
unsigned long	 db_generation(const struct db *);
/* 1 while the connection is believed usable. */
int		 db_alive(const struct db *);
/* The raw handle, for transactions (db_begin etc.) and multi-statement use. */
MYSQL		*db_handle(struct db *);
/* The prepared statement for index i, preparing it on first use; NULL (logged) on failure. */
MYSQL_STMT	*db_stmt(struct db *, size_t i);
/* Prepare arbitrary fixed SQL; the caller owns the result (mysql_stmt_close). */
MYSQL_STMT	*db_prepare(struct db *, const char *sql);

int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
/* Run fixed SQL text without arguments (DDL, SET, migrations). 0 or -1 (logged). */
int		 db_exec_sql(struct db *, const char *sql, size_t len);
/* The last MariaDB error number on this connection (0 when none). */
unsigned	 db_errno(struct db *);

/* Arguments for one execution.  String and blob pointers must stay valid until executed. */
struct db_args {
	MYSQL_BIND	*bind;
	union db_val {
		long long		i;
		unsigned long long	u;
		double			d;
		MYSQL_TIME		t;
	}		*val;
	size_t		 n;
	size_t		 cap;
};

#define DB_ARGS_INIT { NULL, NULL, 0, 0 }

void	db_args_reset(struct db_args *);	/* forget the arguments, keep the memory */
void	db_args_free(struct db_args *);
void	db_arg_str(struct db_args *, const char *s, size_t len);	/* s NULL binds NULL */
void	db_arg_strz(struct db_args *, const char *s);		/* NUL-terminated or NULL */
void	db_arg_blob(struct db_args *, const void *p, size_t len);
void	db_arg_int(struct db_args *, long long);
void	db_arg_uint(struct db_args *, unsigned long long);
void	db_arg_double(struct db_args *, double);
/* A UTC time in milliseconds since the epoch, as DATETIME(3). */
void	db_arg_time_ms(struct db_args *, long long ms);
void	db_arg_null(struct db_args *);

/*
 * Execute a statement that returns no rows.  affected (may be NULL) gets
 * mysql_stmt_affected_rows(), insert_id (may be NULL) the AUTO_INCREMENT id.
 * Returns 0 or -1 (logged with the statement's index or text).
 */
int	db_exec(struct db *, MYSQL_STMT *, struct db_args *,
	    unsigned long long *affected, unsigned long long *insert_id);

/* Rows of a SELECT, every column read as a string. */
struct db_res {
	struct db	*db;
	MYSQL_STMT	*stmt;
	MYSQL_BIND	*bind;
	struct db_col {
		char		*buf;
		unsigned long	 cap;
		unsigned long	 len;
		my_bool		 isnull;
		my_bool		 error;
	}		*col;
	unsigned	 ncol;
};

/* Execute a SELECT and prepare to read its rows; 0 or -1 (logged). Always db_res_free(). */
int		 db_select(struct db *, MYSQL_STMT *, struct db_args *, struct db_res *);
/*
 * db_select() on the statement with index i of the program's table,
 * reconnecting and trying once more when the connection turns out to be
 * lost (a server restart): for reads only, which are safe to repeat.
 */
int		 db_select_idx(struct db *, size_t i, struct db_args *, struct db_res *);
/* Next row: 1, or 0 at the end, or -1 (logged). Long values are read whole. */
int		 db_fetch(struct db_res *);
/* Column i of the current row; NULL for SQL NULL.  Valid until the next fetch. */
const char	*db_col(const struct db_res *, unsigned i, size_t *lenp);
long long	 db_col_int(const struct db_res *, unsigned i, long long def);
void		 db_res_free(struct db_res *);

#endif
