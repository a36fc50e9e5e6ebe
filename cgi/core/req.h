/*
 * req: one FastCGI request as the handlers see it.  All per-request
 * state lives here and in struct resp; server.c resets both before every
 * request, so nothing of one request can leak into the next.
 */
#ifndef TRACKR_REQ_H
#define TRACKR_REQ_H

#include <stddef.h>

#include <fcgiapp.h>

#include "buf.h"
#include "form.h"

enum req_method {
	METHOD_GET, METHOD_HEAD, METHOD_POST, METHOD_PUT, METHOD_PATCH,
	METHOD_DELETE, METHOD_OPTIONS, METHOD_OTHER, METHOD__MAX
};

#define M(m)	(1u << (m))

struct req {
	FCGX_Request	*fcgi;
	enum req_method	 method;
	const char	*method_name;
	char		*path;		/* REQUEST_URI up to '?', not decoded */
	const char	*query;		/* QUERY_STRING, "" when none */
	const char	*content_type;	/* media type only, lowercased; "" when none */
	struct buf	 body;		/* read by req_read_body() */
	struct kvlist	 args;		/* query string, parsed by req_parse_query() */
	const void	*app;		/* the program's read-only context */
	void		*thread;	/* the serving thread's own state */
	char		 ctype[128];	/* storage for content_type */
};

/* A CGI parameter such as "REMOTE_ADDR", or NULL. */
const char	*req_param(const struct req *, const char *name);
/* A request header by its CGI name, e.g. "HTTP_USER_AGENT"; NULL when absent. */
#define		 req_header(r, name)	req_param((r), (name))
/*
 * Read the body, refusing more than max bytes.  Returns 0, or an HTTP
 * status: 413 past max (the rest is drained so the connection stays
 * usable), 400 when CONTENT_LENGTH is malformed or the body is short.
 */
int		 req_read_body(struct req *, size_t max);
/* Parse QUERY_STRING into r->args; 0, or 400 when malformed or over maxpairs. */
int		 req_parse_query(struct req *, size_t maxpairs);

#endif
