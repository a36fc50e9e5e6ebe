/*
 * req: reading what the web server passed for one request.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

const char *
req_param(const struct req *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

/* Read and drop what is left of the body so a kept connection stays in step. */
static void
drain(struct req *r, size_t left)
{
	char scratch[4096];
	int n;

	while (left > 0) {
		n = FCGX_GetStr(scratch, left < sizeof(scratch) ?
		    (int)left : (int)sizeof(scratch), r->fcgi->in);
		if (n <= 0)
			break;
		left -= (size_t)n;
	}
}

int
req_read_body(struct req *r, size_t max)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	unsigned long long want;
	char *end;
	size_t got = 0;
	int n;

	buf_reset(&r->body);
	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	want = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || *cl == '-' || *cl == '+')
		return 400;
	if (want > max) {
		drain(r, want > SIZE_MAX ? SIZE_MAX : (size_t)want);
		return 413;
	}
	buf_grow(&r->body, (size_t)want);
	while (got < want) {
		n = FCGX_GetStr(r->body.ptr + got, (int)(want - got), r->fcgi->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf_setlen(&r->body, got);
	return got == want ? 0 : 400;
}

int
req_parse_query(struct req *r, size_t maxpairs)
{
	kvlist_reset(&r->args);
	if (form_parse(&r->args, r->query, strlen(r->query), maxpairs) == -1)
		return 400;
	return 0;
}
