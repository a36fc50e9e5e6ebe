/*
 * server: the FastCGI loop shared by every program.
 *
 * It listens on a unix socket (standalone, for nginx) or on the socket
 * the web server passed as fd 0 (Apache mod_fcgid), serves requests on a
 * pool of threads, resets all per-request state each time, and on SIGTERM
 * or SIGINT stops accepting, lets requests in flight finish, and returns.
 */
#ifndef TRACKR_SERVER_H
#define TRACKR_SERVER_H

#include "conf.h"

#include <stddef.h>

#include "route.h"

struct server_opts {
	const char		*socket_path;	/* NULL: use fd 0 */
	int			 threads;
	const struct route	*routes;
	size_t			 nroutes;
	const void		*app;		/* given to handlers as req->app */
	/* Per-thread state: made on the thread at start, freed at its end. */
	void			*(*thread_init)(const void *app);
	void			 (*thread_free)(void *);
};

/*
 * What every program does first: log as prog, load the configuration
 * file at path (NULL: the default), check its database keys, and log at
 * its log_level from then on.  0 with *conf loaded (conf_free() it), or
 * -1 (logged) with nothing to free.
 */
int	server_conf(struct conf *conf, const char *prog, const char *path);
/* Serve until told to stop; 0 on a clean stop, -1 (logged) on failure to start. */
int	server_run(const struct server_opts *);
/*
 * A handler may return SERVER_DEFERRED when server_can_defer() says so:
 * the answer is then sent later, from any thread, by one server_answer()
 * call, and the request's state (req, resp and what they point to) stays
 * as it is until then.  The request's thread meanwhile waits for the
 * next request on the connection, so a handler that waits for another
 * thread's work costs no extra sleep and wake-up.
 */
#define SERVER_DEFERRED	1
/*
 * 1 when r's answer may be deferred (its connection is kept alive).  A
 * handler returns SERVER_DEFERRED only after this said 1; any other
 * return of it is answered 500.
 */
int	server_can_defer(struct req *r);
/* Send the deferred answer held in resp with status (100-599). */
void	server_answer(struct resp *resp, int status);
/* Ask a running server to stop as SIGTERM would (for tests and fatal paths). */
void	server_stop(void);
/* 1 once a stop was asked for. */
int	server_stopping(void);

#endif
