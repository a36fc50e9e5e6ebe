/*
 * test_route: CUnit suite for cgi/core/route.c with a fake struct req
 * (path and method only): exact and prefix matches, HEAD served by GET,
 * 404, and 405 with its Allow header; plus resp.c's header guard.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "req.h"
#include "resp.h"
#include "route.h"

/* Which handler ran last, so a test can tell the routes apart. */
static const char *ran;

static int
h_home(struct req *r, struct resp *resp)
{
	ran = "home";
	return 200;
}

static int
h_event(struct req *r, struct resp *resp)
{
	ran = "event";
	return 202;
}

static int
h_event_put(struct req *r, struct resp *resp)
{
	ran = "event_put";
	return 204;
}

static int
h_api(struct req *r, struct resp *resp)
{
	ran = "api";
	return 201;
}

static int
h_api_any(struct req *r, struct resp *resp)
{
	ran = "api_any";
	return 418;
}

static const struct route routes[] = {
	{ M(METHOD_GET), "/", h_home, 0 },
	{ M(METHOD_POST) | M(METHOD_OPTIONS), "/api/event", h_event, 0 },
	{ M(METHOD_PUT), "/api/event", h_event_put, 0 },
	{ M(METHOD_GET), "/api/", h_api, ROUTE_PREFIX },
	{ M(METHOD_DELETE), "/api/", h_api_any, ROUTE_PREFIX },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

struct call {
	struct req	req;
	struct resp	resp;
	int		status;
};

static void
dispatch(struct call *c, enum req_method m, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->req.method = m;
	c->req.path = (char *)path;
	c->req.query = "";
	c->req.content_type = "";
	buf_init(&c->req.body, 0);
	buf_init(&c->resp.headers, 0);
	buf_init(&c->resp.body, 0);
	ran = NULL;
	c->status = route_dispatch(routes, NROUTES, &c->req, &c->resp);
}

static void
done(struct call *c)
{
	buf_release(&c->resp.headers);
	buf_release(&c->resp.body);
	buf_release(&c->req.body);
}

/* The handler that ran (NULL: none) and the status returned. */
static int
routed(enum req_method m, const char *path, const char *handler, int status)
{
	struct call c;
	int ok;

	dispatch(&c, m, path);
	ok = c.status == status && (handler == NULL ? ran == NULL :
	    ran != NULL && strcmp(ran, handler) == 0);
	done(&c);
	return ok;
}

static void
test_match(void)
{
	CU_ASSERT(routed(METHOD_GET, "/", "home", 200));
	CU_ASSERT(routed(METHOD_POST, "/api/event", "event", 202));
	CU_ASSERT(routed(METHOD_OPTIONS, "/api/event", "event", 202));
	/* Two routes on one path, told apart by method. */
	CU_ASSERT(routed(METHOD_PUT, "/api/event", "event_put", 204));
	/* Exact paths match whole: no prefix, no trailing slash, no query. */
	CU_ASSERT(routed(METHOD_GET, "/index.html", NULL, 404));
	CU_ASSERT(routed(METHOD_POST, "/api/event/", NULL, 405));	/* prefix route only */
	CU_ASSERT(routed(METHOD_POST, "/api/events", NULL, 405));
	CU_ASSERT(routed(METHOD_POST, "/API/event", NULL, 404));	/* case matters */
	CU_ASSERT(routed(METHOD_GET, "", NULL, 404));
	CU_ASSERT(routed(METHOD_GET, "//", NULL, 404));
}

static void
test_prefix(void)
{
	CU_ASSERT(routed(METHOD_GET, "/api/", "api", 201));
	CU_ASSERT(routed(METHOD_GET, "/api/stats/main", "api", 201));
	/* An exact route earlier in the table wins over a prefix one... */
	CU_ASSERT(routed(METHOD_POST, "/api/event", "event", 202));
	/* ...and a prefix route serves the exact path's other methods. */
	CU_ASSERT(routed(METHOD_GET, "/api/event", "api", 201));
	CU_ASSERT(routed(METHOD_DELETE, "/api/x", "api_any", 418));
	CU_ASSERT(routed(METHOD_GET, "/api", NULL, 404));
	CU_ASSERT(routed(METHOD_GET, "/apix/", NULL, 404));
}

static void
test_head(void)
{
	/* HEAD is served by GET routes (server.c drops the body). */
	CU_ASSERT(routed(METHOD_HEAD, "/", "home", 200));
	CU_ASSERT(routed(METHOD_HEAD, "/api/anything", "api", 201));
	/* But not by routes without GET. */
	CU_ASSERT(routed(METHOD_HEAD, "/api/event", "api", 201));
	CU_ASSERT(routed(METHOD_HEAD, "/nowhere", NULL, 404));
}

/*
 * The response carries exactly one header, Allow, listing want.  HEAD is
 * ignored: GET routes serve it, so listing it or not are both right.
 */
static int
allow_is(const struct resp *resp, const char *want)
{
	char line[200], *head;

	if ((size_t)snprintf(line, sizeof(line), "%s", resp->headers.ptr) >=
	    sizeof(line))
		return 0;
	if ((head = strstr(line, ", HEAD")) != NULL)
		memmove(head, head + 6, strlen(head + 6) + 1);
	return strncmp(line, "Allow: ", 7) == 0 &&
	    strncmp(line + 7, want, strlen(want)) == 0 &&
	    strcmp(line + 7 + strlen(want), "\r\n") == 0;
}

static void
test_errors(void)
{
	struct call c;

	dispatch(&c, METHOD_GET, "/missing");
	CU_ASSERT_EQUAL(c.status, 404);
	CU_ASSERT_EQUAL(c.resp.status, 404);
	CU_ASSERT_PTR_NULL(ran);
	CU_ASSERT_STRING_EQUAL(c.resp.ctype, "application/json");
	CU_ASSERT_STRING_EQUAL(c.resp.body.ptr, "{\"error\":\"not found\"}\n");
	CU_ASSERT_EQUAL(c.resp.headers.len, 0);
	done(&c);

	dispatch(&c, METHOD_POST, "/");
	CU_ASSERT_EQUAL(c.status, 405);
	CU_ASSERT_EQUAL(c.resp.status, 405);
	CU_ASSERT_PTR_NULL(ran);
	CU_ASSERT(allow_is(&c.resp, "GET"));
	CU_ASSERT_STRING_EQUAL(c.resp.body.ptr,
	    "{\"error\":\"method not allowed\"}\n");
	done(&c);

	/* Allow gathers the methods of every route on the path, in order. */
	dispatch(&c, METHOD_PATCH, "/api/event");
	CU_ASSERT_EQUAL(c.status, 405);
	CU_ASSERT(allow_is(&c.resp, "GET, POST, PUT, DELETE, OPTIONS"));
	done(&c);
	dispatch(&c, METHOD_OTHER, "/");
	CU_ASSERT_EQUAL(c.status, 405);
	CU_ASSERT(allow_is(&c.resp, "GET"));
	done(&c);
	dispatch(&c, METHOD_HEAD, "/api/x");
	CU_ASSERT_EQUAL(c.status, 201);		/* HEAD via the GET prefix */
	done(&c);

	/* An error replaces whatever body was there. */
	memset(&c, 0, sizeof(c));
	c.req.method = METHOD_GET;
	c.req.path = (char *)"/missing";
	buf_init(&c.resp.headers, 0);
	buf_init(&c.resp.body, 0);
	buf_adds(&c.resp.body, "stale");
	CU_ASSERT_EQUAL(route_dispatch(routes, NROUTES, &c.req, &c.resp), 404);
	CU_ASSERT_STRING_EQUAL(c.resp.body.ptr, "{\"error\":\"not found\"}\n");
	done(&c);

	/* An empty table knows no path. */
	memset(&c, 0, sizeof(c));
	c.req.method = METHOD_GET;
	c.req.path = (char *)"/";
	buf_init(&c.resp.headers, 0);
	buf_init(&c.resp.body, 0);
	CU_ASSERT_EQUAL(route_dispatch(routes, 0, &c.req, &c.resp), 404);
	done(&c);
}

static void
test_resp(void)
{
	struct resp r;

	memset(&r, 0, sizeof(r));
	buf_init(&r.headers, 0);
	buf_init(&r.body, 0);
	resp_header(&r, "Cache-Control", "max-age=%d", 60);
	resp_header(&r, "X-Empty", "%s", "");
	CU_ASSERT_STRING_EQUAL(r.headers.ptr,
	    "Cache-Control: max-age=60\r\nX-Empty: \r\n");
	/* CR, LF or ':' in a name and CR or LF in a value are refused whole. */
	buf_reset(&r.headers);
	resp_header(&r, "X-A", "%s", "v\r\nSet-Cookie: x=1");
	resp_header(&r, "X-B", "%s", "v\n");
	resp_header(&r, "X-C", "%s", "\rv");
	resp_header(&r, "X-D\r\nSet-Cookie", "%s", "x=1");
	resp_header(&r, "X-E:", "%s", "v");
	resp_header(&r, "X-F\n", "%s", "v");
	CU_ASSERT_EQUAL(r.headers.len, 0);
	/* resp_error escapes its message as a JSON string. */
	CU_ASSERT_EQUAL(resp_error(&r, 400, "bad \"x\" <y>\n"), 400);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_STRING_EQUAL(r.body.ptr,
	    "{\"error\":\"bad \\\"x\\\" \\u003cy\\u003e\\n\"}\n");
	CU_ASSERT_STRING_EQUAL(resp_reason(200), "OK");
	CU_ASSERT_STRING_EQUAL(resp_reason(405), "Method Not Allowed");
	CU_ASSERT_STRING_EQUAL(resp_reason(429), "Too Many Requests");
	CU_ASSERT_STRING_EQUAL(resp_reason(599), "Status");
	buf_release(&r.headers);
	buf_release(&r.body);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("route", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "exact paths", test_match) == NULL ||
	    CU_add_test(s, "prefix paths and table order", test_prefix) == NULL ||
	    CU_add_test(s, "HEAD served by GET", test_head) == NULL ||
	    CU_add_test(s, "404 and 405 with Allow", test_errors) == NULL ||
	    CU_add_test(s, "resp headers and errors", test_resp) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
