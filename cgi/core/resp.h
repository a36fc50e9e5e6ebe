/*
 * resp: the response a handler fills; server.c writes it out.
 */
#ifndef TRACKR_RESP_H
#define TRACKR_RESP_H

#include <stddef.h>

#include "buf.h"

/*
 * Where a streamed response goes: write n bytes, return 0 or -1 (the
 * client is gone).  server.c sets one that writes to the FastCGI stream.
 */
typedef int (*resp_write_fn)(void *ctx, const char *p, size_t n);

struct resp {
	int		 status;
	const char	*ctype;		/* static string; NULL for no body */
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
	int		 no_default_csp; /* the handler set its own Content-Security-Policy */
	/* Streaming (resp_stream_begin); zero in unit tests means buffer-only. */
	resp_write_fn	 write;		/* NULL: nothing is sent, body keeps everything */
	void		*write_ctx;
	int		 head;		/* HEAD request: headers only, never a body */
	int		 stream_status;	/* the status resp_stream_begin() sent; 0: not streaming */
	int		 stream_err;	/* a write failed: later flushes do nothing */
};

/* How much body a streaming handler gathers before resp_stream_flush(). */
#define RESP_STREAM_CHUNK	(64 * 1024)

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
/*
 * Append the status line and headers to o, up to the blank line that
 * ends them: Status, Content-Type, Content-Length (of r->body; only when
 * with_length), the defaults every answer carries (nosniff, and the API's
 * CSP unless no_default_csp), then r->headers.
 */
void	resp_head(const struct resp *, struct buf *o, int with_length);

/*
 * Streaming, for answers too big to hold (exports).  The handler sets
 * status (0 means 200), ctype and headers, then calls resp_stream_begin(),
 * which sends the status line and headers at once, without
 * Content-Length.  It then appends to r->body and calls
 * resp_stream_flush() whenever body passes RESP_STREAM_CHUNK; the server
 * sends what is left when the handler returns, and no headers again.
 *
 * The handler returns the status it sent.  One that fails midway returns
 * another (resp_error(r, 500, ...) will do): the server then drops the
 * connection, so the client sees a broken download rather than a short
 * file that looks whole.
 *
 * Both return 0, or -1 once a write failed (the client went away): from
 * then on every flush discards the body and returns -1, so the handler
 * can stop.  On HEAD (and 204, 304) flushes discard the body.  With
 * r->write NULL (unit tests) nothing is sent and body keeps growing, so
 * a test sees the whole answer there.  Flushing before begin is a bug:
 * logged, -1.
 */
int	resp_stream_begin(struct resp *);
int	resp_stream_flush(struct resp *);

#endif
