/*
 * route: matching a request against a program's static table.
 */
#include <string.h>

#include "route.h"

static const char *const method_names[METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", NULL
};

static int
path_matches(const struct route *rt, const char *path)
{
	if (rt->flags & ROUTE_PREFIX)
		return strncmp(path, rt->path, strlen(rt->path)) == 0;
	return strcmp(path, rt->path) == 0;
}

int
route_dispatch(const struct route *routes, size_t n, struct req *r, struct resp *resp)
{
	unsigned allowed = 0, m;
	struct buf allow = BUF_INIT;
	size_t i;
	int status;

	for (i = 0; i < n; i++) {
		if (!path_matches(&routes[i], r->path))
			continue;
		/* HEAD is served by GET routes, without the body. */
		if (routes[i].methods & M(r->method) ||
		    (r->method == METHOD_HEAD && routes[i].methods & M(METHOD_GET)))
			return routes[i].handler(r, resp);
		allowed |= routes[i].methods;
	}
	if (allowed == 0)
		return resp_error(resp, 404, "not found");
	if (allowed & M(METHOD_GET))
		allowed |= M(METHOD_HEAD);
	for (m = 0; m < METHOD_OTHER; m++)
		if (allowed & M(m))
			buf_addf(&allow, "%s%s", allow.len ? ", " : "", method_names[m]);
	resp_header(resp, "Allow", "%s", allow.ptr);
	buf_release(&allow);
	status = resp_error(resp, 405, "method not allowed");
	return status;
}
