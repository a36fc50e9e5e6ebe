/*
 * route: each program's static table of {methods, path, handler, flags}.
 * Method and path are settled before a handler runs.
 */
#ifndef TRACKR_ROUTE_H
#define TRACKR_ROUTE_H

#include "req.h"
#include "resp.h"

typedef int (*handler_fn)(struct req *, struct resp *);

enum route_flag {
	ROUTE_PREFIX	= 1u << 0,	/* path matches as a prefix */
};

struct route {
	unsigned	 methods;	/* M(METHOD_GET) | ... */
	const char	*path;
	handler_fn	 handler;
	unsigned	 flags;
};

/*
 * Find the route for r and run it.  Returns the handler's status, 404
 * when no path matches, or 405 (with an Allow header) when the path
 * matches but the method does not.
 */
int	route_dispatch(const struct route *, size_t n, struct req *, struct resp *);

#endif
