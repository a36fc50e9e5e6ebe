/*
 * resp: the response a handler fills; server.c writes it out.
 */
#ifndef TRACKR_RESP_H
#define TRACKR_RESP_H

#include "buf.h"

struct resp {
	int		 status;
	const char	*ctype;		/* static string; NULL for no body */
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
	int		 no_default_csp; /* the handler set its own Content-Security-Policy */
};

/* Add a header line; name and the formatted value must not hold CR or LF. */
void	resp_header(struct resp *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Set a JSON error body {"error": msg} and return status, so handlers
 * can write `return resp_error(resp, 400, "...")`.
 */
int	resp_error(struct resp *, int status, const char *msg);
/* The reason phrase for an HTTP status. */
const char *resp_reason(int status);

#endif
