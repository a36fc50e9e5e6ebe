/*
 * resp: filling in a response.
 */
#include <stdarg.h>
#include <string.h>

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
