/*
 * resp: filling in a response.
 */
#include <stdarg.h>
#include <string.h>

#include "log.h"
#include "resp.h"

void
resp_header(struct resp *r, const char *name, const char *fmt, ...)
{
	size_t start = r->headers.len, value;
	va_list ap;

	/* Header injection is a bug in the caller; refuse rather than split. */
	if (strpbrk(name, "\r\n:") != NULL)
		return;
	buf_adds(&r->headers, name);
	buf_add(&r->headers, ": ", 2);
	value = r->headers.len;
	va_start(ap, fmt);
	buf_vaddf(&r->headers, fmt, ap);
	va_end(ap);
	if (strpbrk(r->headers.ptr + value, "\r\n") != NULL) {
		buf_setlen(&r->headers, start);
		return;
	}
	buf_add(&r->headers, "\r\n", 2);
}

int
resp_error(struct resp *r, int status, const char *msg)
{
	buf_reset(&r->body);
	buf_adds(&r->body, "{\"error\":");
	buf_add_json_str(&r->body, msg, strlen(msg));
	buf_adds(&r->body, "}\n");
	r->ctype = "application/json";
	r->status = status;
	return status;
}

const char *
resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

void
resp_head(const struct resp *s, struct buf *o, int with_length)
{
	buf_addf(o, "Status: %d %s\r\n", s->status, resp_reason(s->status));
	if (s->ctype != NULL && s->status != 204)
		buf_addf(o, "Content-Type: %s\r\n", s->ctype);
	if (with_length && s->status != 204 && s->status != 304)
		buf_addf(o, "Content-Length: %zu\r\n", s->body.len);
	buf_adds(o, "X-Content-Type-Options: nosniff\r\n");
	if (!s->no_default_csp)
		buf_adds(o, "Content-Security-Policy: default-src 'none'; "
		    "frame-ancestors 'none'\r\n");
	buf_add(o, s->headers.ptr, s->headers.len);
	buf_adds(o, "\r\n");
}

int
resp_stream_begin(struct resp *r)
{
	struct buf head = BUF_INIT;

	if (r->stream_status != 0) {
		log_err("response already streaming");
		return -1;
	}
	if (r->status == 0)
		r->status = 200;
	r->stream_status = r->status;
	if (r->write == NULL)
		return 0;
	resp_head(r, &head, 0);
	if (r->write(r->write_ctx, head.ptr, head.len) == -1)
		r->stream_err = 1;
	buf_release(&head);
	return r->stream_err ? -1 : 0;
}

int
resp_stream_flush(struct resp *r)
{
	int body;

	if (r->stream_status == 0) {
		log_err("flush before resp_stream_begin");
		return -1;
	}
	if (r->write == NULL)
		return 0;
	/* A body past its buffer's limit lost bytes: better no file than a wrong one. */
	if (r->body.err)
		r->stream_err = 1;
	body = !r->head && r->stream_status != 204 && r->stream_status != 304;
	if (!r->stream_err && body && r->body.len > 0 &&
	    r->write(r->write_ctx, r->body.ptr, r->body.len) == -1) {
		log_info("stream write failed; client gone");
		r->stream_err = 1;
	}
	buf_reset(&r->body);
	return r->stream_err ? -1 : 0;
}
