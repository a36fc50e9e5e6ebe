/*
 * trackr-collect: the collection endpoint.
 *
 *   POST /api/event	one event or a batch (tracker, Plausible Events API)
 *   GET  /api/event	the no-JavaScript pixel
 *   OPTIONS /api/event	CORS preflight
 *   GET  /api/health	database reachable?
 *   POST /__bench/noop	answers 204 untouched (only with bench_noop = 1)
 *
 * A request is validated whole, enriched (device, source, country,
 * visitor id) and handed to the writer; it is answered 2xx only after
 * its events are committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "crypt.h"
#include "db.h"
#include "event.h"
#include "geo.h"
#include "log.h"
#include "ratelimit.h"
#include "referrer.h"
#include "server.h"
#include "site.h"
#include "ua.h"
#include "valid.h"
#include "visitor.h"
#include "writer.h"

const char *const stmts[STMT__MAX] = {
	[STMT_SITE_BY_KEY] =
	    "SELECT id, org_id, domain, allowed_origins, enabled, allow_bots, "
	    "respect_dnt, rate_limit FROM sites WHERE site_key = ?",
	[STMT_SITE_BY_DOMAIN] =
	    "SELECT id, org_id, domain, allowed_origins, enabled, allow_bots, "
	    "respect_dnt, rate_limit FROM sites WHERE domain = ?",
	[STMT_SALT_ADD] = "INSERT IGNORE INTO salts (day, salt) VALUES (?, ?)",
	[STMT_SALT_GET] = "SELECT salt FROM salts WHERE day = ?",
	[STMT_SALT_PRUNE] = "DELETE FROM salts WHERE day < ?",
};

static unsigned char client_salt[SALT_LEN];	/* per process, for rate-limit keys */

/* A transparent 1x1 GIF for the pixel. */
static const unsigned char pixel[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
	0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b
};

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
header(struct req *r, const char *name)
{
	const char *v = req_header(r, name);

	return v ? v : "";
}

/* CORS for an origin the site allows: named, never "*", never with credentials. */
static void
cors(struct resp *resp, const char *origin)
{
	if (origin != NULL)
		resp_header(resp, "Access-Control-Allow-Origin", "%s", origin);
	resp_header(resp, "Vary", "Origin");
	resp_header(resp, "Cache-Control", "no-store");
}

static void
copy_cut(struct buf *dst, const char *s, size_t n, size_t max)
{
	buf_reset(dst);
	buf_add(dst, s, valid_utf8_cut(s, n, max));
}

/*
 * A query parameter of the page URL, decoded, as storable text of at most
 * 255 bytes; a value that decodes to invalid UTF-8 or control characters
 * is dropped, as it would only fail the write.  1 when one was kept.
 */
static int
query_text(const struct url_parts *u, const char *key, struct buf *dst)
{
	if (!url_query_param(u->query, u->querylen, key, dst, 255))
		return 0;
	if (!valid_text(dst->ptr, dst->len)) {
		buf_reset(dst);
		return 0;
	}
	return dst->len > 0;
}

/* Fill in what the server knows about an event. */
static void
enrich(struct event *e, const struct site_info *site,
    const struct ua_info *ua, const char *country, int64_t ts)
{
	static const char *const utm_keys[5] = {
		"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"
	};
	const struct url_parts *u = &e->page;	/* split when parsed */
	struct ref_info ref;
	struct buf tmp = BUF_INIT;
	size_t i;

	e->site_id = site->id;
	e->ts_ms = ts;
	copy_cut(&e->hostname, u->host, u->hostlen, 253);
	for (i = 0; i < e->hostname.len; i++)
		if (e->hostname.ptr[i] >= 'A' && e->hostname.ptr[i] <= 'Z')
			e->hostname.ptr[i] += 'a' - 'A';
	copy_cut(&e->pathname, u->path, u->pathlen, EVENT_MAX_URL);
	if (e->hash_mode && u->fraglen > 0) {
		buf_addch(&e->pathname, '#');
		buf_add(&e->pathname, u->frag, u->fraglen);
		buf_setlen(&e->pathname, valid_utf8_cut(e->pathname.ptr,
		    e->pathname.len, EVENT_MAX_URL));
	}
	for (i = 0; i < 5; i++)
		query_text(u, utm_keys[i], &e->utm[i]);
	/* The source: utm_source, then ?source= or ?ref=, then the referrer. */
	if (e->utm[0].len > 0)
		buf_add(&e->source, e->utm[0].ptr, e->utm[0].len);
	else if (query_text(u, "source", &tmp) || query_text(u, "ref", &tmp))
		buf_add(&e->source, tmp.ptr, tmp.len);
	if (e->referrer != NULL && *e->referrer != '\0' &&
	    ref_classify(e->referrer, strlen(e->referrer), e->hostname.ptr, &ref) == 0) {
		if (e->source.len == 0)
			buf_adds(&e->source, ref.source);
		buf_adds(&e->referrer_domain, ref.domain);
	}
	buf_release(&tmp);
	memcpy(e->country, country, 3);
	e->device = ua_device_name(ua->device);
	e->browser = ua->browser;
	memcpy(e->browser_version, ua->browser_version, sizeof(e->browser_version));
	e->os = ua->os;
	memcpy(e->os_version, ua->os_version, sizeof(e->os_version));
}

static int
answer(struct resp *resp, int pixel_mode, const char *origin,
    size_t accepted, const char *note)
{
	cors(resp, origin);
	if (pixel_mode) {
		buf_add(&resp->body, pixel, sizeof(pixel));
		resp->ctype = "image/gif";
		return 200;
	}
	buf_addf(&resp->body, "{\"ok\":true,\"accepted\":%zu", accepted);
	if (note != NULL)
		buf_addf(&resp->body, ",\"%s\":true", note);
	buf_adds(&resp->body, "}\n");
	resp->ctype = "application/json";
	return 202;
}

static int
unavailable(struct resp *resp, const char *origin)
{
	cors(resp, origin);
	resp_header(resp, "Retry-After", "5");
	return resp_error(resp, 503, "temporarily unavailable, retry later");
}

/* The answer once the writer is done with a request's n events. */
static int
stored_answer(struct resp *resp, enum write_result wr, int pixel_mode,
    const char *origin, size_t n)
{
	switch (wr) {
	case WRITE_OK:
		return answer(resp, pixel_mode, origin, n, NULL);
	case WRITE_DUPLICATE:
		return answer(resp, pixel_mode, origin, 0, "duplicate");
	case WRITE_FAILED:
		cors(resp, origin);
		return resp_error(resp, 500, "the events could not be stored");
	default:
		return unavailable(resp, origin);
	}
}

/*
 * A request whose answer waits for the writer (server_can_defer()): one
 * per request thread, so it outlives the handler until the answer goes.
 */
struct pending {
	struct event_list	 l;
	struct resp		*resp;
	const char		*origin;	/* in the request's parameters */
	int			 pixel_mode;
};

static void *
thread_init(const void *app)
{
	(void)app;
	return xcalloc(1, sizeof(struct pending));
}

static void
thread_free(void *arg)
{
	struct pending *p = arg;

	event_list_free(&p->l);
	free(p);
}

/*
 * writer_done for a deferred request: answer it on the writer's thread.
 * The events stay for the request's own thread to free (at its next
 * request), which allocated them: glibc frees across threads slowly.
 */
static void
stored(void *arg, enum write_result wr)
{
	struct pending *p = arg;

	server_answer(p->resp, stored_answer(p->resp, wr, p->pixel_mode,
	    p->origin, p->l.n));
}

static int
h_event(struct req *r, struct resp *resp)
{
	const struct collect *app = r->app;
	struct event_list l;
	struct site_info site;
	struct ua_info ua;
	unsigned char salt[SALT_LEN], salt_y[SALT_LEN];
	uint64_t vid, vid_y;
	const char *why, *origin, *addr, *uastr;
	char country[3] = "";
	long long site_rate;
	int64_t ts = now_ms();
	size_t i;
	int rc, wait, have_y, pixel_mode = r->method != METHOD_POST;

	origin = req_header(r, "HTTP_ORIGIN");
	if (r->method == METHOD_HEAD) {
		/* Link checkers and prefetchers ask HEAD: answer, count nothing. */
		resp->ctype = "image/gif";
		resp_header(resp, "Cache-Control", "no-store");
		return 200;
	}
	if (r->method == METHOD_OPTIONS) {
		/*
		 * The preflight does not say which site; the POST is checked
		 * against it.  No credentials are ever allowed, so "*" here
		 * exposes nothing.
		 */
		resp_header(resp, "Access-Control-Allow-Origin", "*");
		resp_header(resp, "Access-Control-Allow-Methods", "POST, GET");
		resp_header(resp, "Access-Control-Allow-Headers", "Content-Type");
		resp_header(resp, "Access-Control-Max-Age", "86400");
		return 204;
	}
	/* The previous deferred request of this thread was answered (settle()). */
	event_list_free(&((struct pending *)r->thread)->l);
	memset(&l, 0, sizeof(l));
	if (!pixel_mode) {
		if (strcmp(r->content_type, "text/plain") != 0 &&
		    strcmp(r->content_type, "application/json") != 0)
			return resp_error(resp, 415,
			    "content type must be text/plain or application/json");
		if ((rc = req_read_body(r, EVENT_MAX_BODY)) != 0)
			return resp_error(resp, rc, rc == 413 ?
			    "body larger than 64 KiB" : "malformed body");
		if (event_parse_body(r->body.ptr, r->body.len, &l, &why) == -1)
			return resp_error(resp, 400, why);
	} else {
		if (req_parse_query(r, 32) != 0)
			return resp_error(resp, 400, "malformed query string");
		if (event_parse_query(&r->args, req_header(r, "HTTP_REFERER"), &l, &why) == -1)
			return resp_error(resp, 400, why);
	}

	switch (site_lookup(app->sites, app->pool, l.target.site_key, l.target.domain, &site)) {
	case -1:
		rc = unavailable(resp, NULL);
		goto out;
	case 0:
		/* Unknown and disabled sites get the same answer. */
		rc = resp_error(resp, 404, "unknown site");
		goto out;
	}
	if (origin != NULL && !site_origin_ok(&site, origin)) {
		rc = resp_error(resp, 403, "origin not allowed for this site");
		goto out;
	}
	addr = header(r, "REMOTE_ADDR");
	if ((wait = ratelimit_take(app->rl_client, client_key(client_salt, addr),
	    app->rate_client, 1, ts)) > 0 ||
	    (site_rate = site.rate_limit ? site.rate_limit : app->rate_site,
	    wait = ratelimit_take(app->rl_site, site.id, site_rate, (unsigned)l.n, ts)) > 0) {
		cors(resp, origin);
		resp_header(resp, "Retry-After", "%d", wait);
		rc = resp_error(resp, 429, "rate limit exceeded");
		goto out;
	}

	uastr = header(r, "HTTP_USER_AGENT");
	ua_parse(uastr, strlen(uastr), &ua);
	if (ua.bot && !site.allow_bots) {
		rc = answer(resp, pixel_mode, origin, 0, "ignored");
		goto out;
	}
	if (site.respect_dnt && (strcmp(header(r, "HTTP_DNT"), "1") == 0 ||
	    strcmp(header(r, "HTTP_SEC_GPC"), "1") == 0)) {
		rc = answer(resp, pixel_mode, origin, 0, "ignored");
		goto out;
	}
	if (salts_get(app->salts, app->pool, ts, salt, salt_y, &have_y) == -1) {
		rc = unavailable(resp, origin);
		goto out;
	}
	geo_country(app->geo, addr, country);
	/* One visitor sends the whole request: two hashes, not two per event. */
	vid = visitor_id(salt, site.id, addr, uastr);
	vid_y = have_y ? visitor_id(salt_y, site.id, addr, uastr) : 0;
	crypt_wipe(salt, sizeof(salt));
	crypt_wipe(salt_y, sizeof(salt_y));
	for (i = 0; i < l.n; i++) {
		enrich(&l.ev[i], &site, &ua, country, ts);
		l.ev[i].visitor_id = vid;
		l.ev[i].prev_visitor_id = vid_y;
	}

	/*
	 * On a kept-alive connection the writer answers once the events
	 * are committed, and this thread goes back to wait for the next
	 * request: no sleep and wake-up of its own for the commit.
	 */
	if (server_can_defer(r)) {
		struct pending *p = r->thread;

		p->l = l;
		p->resp = resp;
		p->origin = origin;
		p->pixel_mode = pixel_mode;
		if (writer_submit_async(app->writer, p->l.ev, p->l.n, site.id,
		    p->l.target.batch_id, stored, p) == 0)
			return SERVER_DEFERRED;
		event_list_free(&p->l);
		return unavailable(resp, origin);
	}
	rc = stored_answer(resp, writer_submit(app->writer, l.ev, l.n, site.id,
	    l.target.batch_id), pixel_mode, origin, l.n);
out:
	event_list_free(&l);
	return rc;
}

static int
h_health(struct req *r, struct resp *resp)
{
	const struct collect *app = r->app;
	struct db *db;
	int ok;

	db = db_pool_get(app->pool);
	/* Twice: the first try may only find that a restart dropped the connection. */
	ok = (db_ensure(db) == 0 && db_exec_sql(db, "SELECT 1", 8) == 0) ||
	    (db_ensure(db) == 0 && db_exec_sql(db, "SELECT 1", 8) == 0);
	db_pool_put(app->pool, db);
	if (!ok)
		return unavailable(resp, NULL);
	resp_header(resp, "Cache-Control", "no-store");
	buf_adds(&resp->body, "{\"ok\":true}\n");
	resp->ctype = "application/json";
	return 200;
}

static int
h_noop(struct req *r, struct resp *resp)
{
	const struct collect *app = r->app;

	if (!app->bench)
		return resp_error(resp, 404, "not found");
	/* Read the body as /api/event would, so the comparison is fair. */
	if (req_read_body(r, EVENT_MAX_BODY) != 0)
		return resp_error(resp, 413, "body larger than 64 KiB");
	return 204;
}

static const struct route routes[] = {
	{ M(METHOD_POST) | M(METHOD_GET) | M(METHOD_OPTIONS), "/api/event", h_event, 0 },
	{ M(METHOD_GET), "/api/health", h_health, 0 },
	{ M(METHOD_POST), "/__bench/noop", h_noop, 0 },
};

static void
usage(void)
{
	fprintf(stderr, "usage: trackr-collect [-c config] [-s socket] [-t threads]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct conf conf;
	struct collect app;
	struct server_opts so;
	const char *path = NULL, *sock = NULL;
	long long threads = 0, writers, max_rows, max_queue, ttl, conns;
	int ch, err = 0, rc = 1;
	char *end;

	memset(&app, 0, sizeof(app));
	while ((ch = getopt(argc, argv, "c:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			threads = strtoll(optarg, &end, 10);
			if (errno || *end || threads < 1 || threads > 1024)
				usage();
			break;
		default:
			usage();
		}
	}
	if (server_conf(&conf, "trackr-collect", path) == -1)
		return 1;

	app.conf = &conf;
	if (threads == 0)
		threads = conf_int(&conf, "collect_threads", 128, 1, 1024, &err);
	writers = conf_int(&conf, "collect_writers", 1, 1, 16, &err);
	max_rows = conf_int(&conf, "collect_batch_rows", 1000, 1, 10000, &err);
	max_queue = conf_int(&conf, "collect_queue_rows", 20000, 100, 1000000, &err);
	ttl = conf_int(&conf, "site_cache_seconds", 30, 0, 3600, &err);
	conns = conf_int(&conf, "collect_db_connections", 4, 1, 64, &err);
	app.rate_site = conf_int(&conf, "rate_site_per_min", 60000, 0, 1000000000, &err);
	app.rate_client = conf_int(&conf, "rate_client_per_min", 600, 0, 1000000000, &err);
	app.bench = (int)conf_int(&conf, "bench_noop", 0, 0, 1, &err);
	if (err)
		goto out;
	if (sock == NULL)
		sock = conf_str(&conf, "collect_socket", NULL);
	if (crypt_random(client_salt, sizeof(client_salt)) == -1)
		goto out;

	ref_init();
	app.geo = geo_open(conf_str(&conf, "geoip_db", NULL));
	app.pool = db_pool_new(&conf, stmts, STMT__MAX, (int)conns);
	app.sites = site_cache_new((int)ttl);
	app.rl_site = ratelimit_new(4096);
	app.rl_client = ratelimit_new(65536);
	app.salts = salts_new();
	if ((app.writer = writer_new(&conf, (int)writers, (size_t)max_rows,
	    (size_t)max_queue)) == NULL)
		goto out;

	memset(&so, 0, sizeof(so));
	so.socket_path = sock;
	so.threads = (int)threads;
	so.routes = routes;
	so.nroutes = sizeof(routes) / sizeof(routes[0]);
	so.app = &app;
	so.thread_init = thread_init;
	so.thread_free = thread_free;
	rc = server_run(&so) == 0 ? 0 : 1;
out:
	/* The request threads are gone: store what is queued, then stop. */
	writer_free(app.writer);
	salts_free(app.salts);
	ratelimit_free(app.rl_client);
	ratelimit_free(app.rl_site);
	site_cache_free(app.sites);
	db_pool_free(app.pool);
	geo_close(app.geo);
	ref_shutdown();
	conf_free(&conf);
	return rc;
}
