/*
 * trackr-dashboard: the reports.
 *
 *   GET  /dash				the organisation's sites, a sparkline each
 *   GET  /dash/<site>			the site overview
 *   GET  /dash/<site>/<report>		a full breakdown (pages, sources, ...)
 *   GET  /dash/<site>/<report>.csv	the same as CSV or JSON
 *   GET  /dash/<site>/realtime
 *   GET  /dash/<site>/goals		goals and their conversions
 *   POST /dash/<site>/goals/add, goals/delete		(admins)
 *   GET  /dash/<site>/funnels
 *   POST /dash/<site>/funnels/add, funnels/delete	(admins)
 *   GET  /dash/<site>/sharing		shared links (admins)
 *   POST /dash/<site>/sharing/add, sharing/revoke	(admins)
 *   GET  /share/<token>[/...]		a shared link: the same read-only pages
 *   POST /share/<token>/unlock		its password
 *   GET  /api/v1/stats/...		the stats API (api.c)
 *
 * front() settles the route, the database, the actor, the site (with a
 * tenant check: a member's session organisation must own it), the CSRF
 * checks of every POST and the report parameters, in that order.  A site
 * of another organisation answers 404, exactly like a missing one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "csrf.h"
#include "log.h"
#include "secure.h"
#include "server.h"
#include "valid.h"

#include "dashboard.h"
#include "mem.h"
#include "ratelimit.h"

const char *const stmts[STMT__MAX] = {
	SESSION_STMTS,
	[STMT_MFA_GATE] =
	    "SELECT o.require_2fa, u.totp_enabled_at IS NOT NULL FROM users u "
	    "JOIN organisations o ON o.id = ? WHERE u.id = ?",
	[STMT_SITE_GET] =
	    "SELECT id, org_id, domain, timezone FROM sites WHERE id = ?",
	[STMT_SITES_OF_ORG] =
	    "SELECT id, domain, timezone FROM sites WHERE org_id = ? ORDER BY domain",
	[STMT_GOALS_OF_SITE] =
	    "SELECT id, kind = 'event', target FROM goals WHERE site_id = ? ORDER BY id LIMIT 100",
	[STMT_SHARE_FIND] =
	    "SELECT id, site_id, password_hash FROM shared_links "
	    "WHERE token_hash = ? AND revoked_at IS NULL",
	[STMT_KEY_FIND] =
	    "SELECT id, org_id, scope FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
	[STMT_KEY_TOUCH] =
	    "UPDATE api_keys SET last_used_at = UTC_TIMESTAMP() WHERE id = ? "
	    "AND (last_used_at IS NULL OR last_used_at < UTC_TIMESTAMP() - INTERVAL 60 SECOND)",
	[STMT_FIRST_VISIT] =
	    "SELECT UNIX_TIMESTAMP(MIN(started_at)) FROM sessions WHERE site_id = ?",
	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit_log (org_id, user_id, action, detail, ip, user_agent) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
};

/* Routes under a site's base (/dash/<id> or /share/<token>); "*" is a report slug. */
static const struct site_route {
	unsigned	 methods;
	const char	*sub;
	handler_fn	 handler;
	unsigned	 flags;
} site_routes[] = {
	{ M(METHOD_GET), "", h_overview, SHARE_OK | NEED_PERIOD },
	{ M(METHOD_GET), "/realtime", h_realtime, SHARE_OK },
	{ M(METHOD_GET), "/goals", h_goals, SHARE_OK | NEED_PERIOD },
	{ M(METHOD_POST), "/goals/add", h_goal_add, NEED_ADMIN },
	{ M(METHOD_POST), "/goals/delete", h_goal_delete, NEED_ADMIN },
	{ M(METHOD_GET), "/funnels", h_funnels, SHARE_OK | NEED_PERIOD },
	{ M(METHOD_POST), "/funnels/add", h_funnel_add, NEED_ADMIN },
	{ M(METHOD_POST), "/funnels/delete", h_funnel_delete, NEED_ADMIN },
	{ M(METHOD_GET), "/sharing", h_sharing, NEED_ADMIN },
	{ M(METHOD_POST), "/sharing/add", h_share_add, NEED_ADMIN },
	{ M(METHOD_POST), "/sharing/revoke", h_share_revoke, NEED_ADMIN },
	{ M(METHOD_POST), "/unlock", h_share_unlock, SHARE_OK | SHARE_ONLY },
	{ M(METHOD_GET), "*", h_report, SHARE_OK | NEED_PERIOD },
	{ M(METHOD_GET), "*.csv", h_export, SHARE_OK | NEED_PERIOD },
	{ M(METHOD_GET), "*.json", h_export, SHARE_OK | NEED_PERIOD },
};
#define NSITE_ROUTES (sizeof(site_routes) / sizeof(site_routes[0]))

/* Query keys a GET may carry, with their byte limits. */
static const struct qkey {
	const char	*key;
	size_t		 max;
} qkeys[] = {
	{ "period", 16 },
	{ "from", 10 },
	{ "to", 10 },
	{ "f", FILTER_VALUE_MAX + 320 },
	{ "sort", 20 },
	{ "dir", 4 },
	{ "page", 6 },
	{ "metric", 20 },
	{ "prop", 300 },
	{ "funnel", 20 },
	{ "tp", 20 },		/* overview.c: the tab of each card */
	{ "ts", 20 },
	{ "tl", 20 },
	{ "td", 20 },
	{ "te", 20 },
	{ "fk", 40 },		/* the "Add filter" form: key, op, value */
	{ "fo", 16 },
	{ "fv", FILTER_VALUE_MAX },
};

/* Form keys every POST may carry. */
static const struct qkey fkeys[] = {
	{ CSRF_FIELD, CSRF_TOKEN_LEN },
	{ "id", 20 },
	{ "kind", 8 },
	{ "target", 500 },
	{ "name", 480 },	/* 120 characters, checked by the handler */
	{ "password", 1024 },
	{ "step1", 20 }, { "step2", 20 }, { "step3", 20 }, { "step4", 20 },
	{ "step5", 20 }, { "step6", 20 }, { "step7", 20 }, { "step8", 20 },
};

/* 1 when every pair is a known key within its limit, valid text; repeats only for f. */
static int
pairs_ok(const struct kvlist *l, const struct qkey *keys, size_t nkeys)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		for (k = 0; k < nkeys; k++)
			if (strcmp(l->v[i].key, keys[k].key) == 0)
				break;
		if (k == nkeys || l->v[i].vlen > keys[k].max ||
		    !valid_text(l->v[i].val, l->v[i].vlen) ||
		    (strcmp(l->v[i].key, "f") != 0 && kv_get(l, l->v[i].key, NULL) != l->v[i].val))
			return 0;
	}
	return 1;
}

int
site_load(struct ctx *c, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	int rc;

	db_arg_int(&a, id);
	if ((rc = db_select_idx(c->db, STMT_SITE_GET, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		c->site.id = db_col_int(&res, 0, 0);
		c->site.org_id = db_col_int(&res, 1, 0);
		c->site.domain = xstrdup(db_col(&res, 2, NULL) ? db_col(&res, 2, NULL) : "");
		c->site.timezone = xstrdup(db_col(&res, 3, NULL) ? db_col(&res, 3, NULL) : "UTC");
	}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

int
goals_load(struct ctx *c)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	size_t i, off[GOALS_MAX];
	const char *t;
	size_t len;
	int rc;

	c->ngoals = 0;
	buf_reset(&c->goal_text);
	db_arg_int(&a, c->site.id);
	if ((rc = db_select_idx(c->db, STMT_GOALS_OF_SITE, &a, &res)) == 0) {
		while (c->ngoals < GOALS_MAX && (rc = db_fetch(&res)) == 1) {
			c->goals[c->ngoals].id = db_col_int(&res, 0, 0);
			c->goals[c->ngoals].is_event = db_col_int(&res, 1, 0) == 1;
			t = db_col(&res, 2, &len);
			off[c->ngoals++] = c->goal_text.len;
			buf_add(&c->goal_text, t ? t : "", t ? len : 0);
			buf_addch(&c->goal_text, '\0');
		}
		rc = rc == -1 ? -1 : 0;
	}
	/* Pointers only now: the buffer may have moved while growing. */
	for (i = 0; i < c->ngoals; i++)
		c->goals[i].target = c->goal_text.ptr + off[i];
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* The site's rollup state, goals, period and filters, for NEED_PERIOD routes and the API. */
int
report_params(struct ctx *c, const char **why)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	long long first = -1, gid;
	long first_day = -1;
	size_t i, k;
	int rc;

	*why = NULL;
	c->qs.id = c->site.id;
	if ((c->qs.tz = tz_get(c->site.timezone)) == NULL)
		c->qs.tz = tz_get("UTC");
	if (c->qs.tz == NULL || q_site_state(c->db, &c->qs, c->site.timezone) == -1 ||
	    goals_load(c) == -1)
		return -1;
	c->q.db = c->db;
	c->q.site = &c->qs;
	c->q.goals = c->goals;
	c->q.ngoals = c->ngoals;
	c->q.mem = c->app->mem;
	c->q.tzname = c->site.timezone;
	if (filters_from_query(&c->filters, c->query, why) == -1)
		return 1;
	for (i = 0; i < c->filters.n; i++) {
		if ((gid = filter_goal_id(&c->filters.f[i])) < 0)
			continue;
		for (k = 0; k < c->ngoals && c->goals[k].id != gid; k++)
			;
		if (k == c->ngoals) {
			*why = "That goal does not exist (any more).";
			return 1;
		}
	}
	if (qparam(c, "period") && strcmp(qparam(c, "period"), "all") == 0) {
		db_arg_int(&a, c->site.id);
		if ((rc = db_select_idx(c->db, STMT_FIRST_VISIT, &a, &res)) == 0 &&
		    db_fetch(&res) == 1 && db_col(&res, 0, NULL) != NULL)
			first = db_col_int(&res, 0, -1);
		db_res_free(&res);
		db_args_free(&a);
		if (rc == -1)
			return -1;
		if (first >= 0)
			first_day = tz_local_day(c->qs.tz, first);
	}
	if (period_resolve(&c->period, qparam(c, "period"), qparam(c, "from"), qparam(c, "to"),
	    c->now, c->qs.tz, first_day, why) == -1)
		return 1;
	return 0;
}

static void
ctx_reset(struct ctx *c)
{
	session_clear(&c->sess);
	c->logged_in = 0;
	c->https = 0;
	c->secure_cookie = 0;
	c->actor = ACTOR_NONE;
	c->can_admin = 0;
	c->share_id = 0;
	buf_reset(&c->base);
	buf_reset(&c->sub);
	c->query = NULL;
	kvlist_reset(&c->form);
	buf_reset(&c->tmp);
	free(c->site.domain);
	free(c->site.timezone);
	memset(&c->site, 0, sizeof(c->site));
	memset(&c->qs, 0, sizeof(c->qs));
	memset(&c->q, 0, sizeof(c->q));
	c->ngoals = 0;
	buf_reset(&c->goal_text);
	memset(&c->period, 0, sizeof(c->period));
	filters_free(&c->filters);
	filters_init(&c->filters);
	c->now = (long long)time(NULL);
}

/* 1 when the session's organisation requires 2FA and its user has none; 0; -1. */
static int
mfa_gate(struct ctx *c)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	int rc;

	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, c->sess.user_id);
	if ((rc = db_select_idx(c->db, STMT_MFA_GATE, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1)
		rc = db_col_int(&res, 0, 0) == 1 && db_col_int(&res, 1, 0) != 1;
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

/* The site route for sub, or NULL; *allowed the methods of a matching path. */
static const struct site_route *
site_route(const char *sub, enum req_method m, unsigned *allowed)
{
	const char *dot;
	size_t i, len;
	enum dim d;

	*allowed = 0;
	for (i = 0; i < NSITE_ROUTES; i++) {
		const struct site_route *rt = &site_routes[i];

		if (rt->sub[0] == '*') {
			/* "/<slug>", "/<slug>.csv", "/<slug>.json" */
			if (sub[0] != '/')
				continue;
			dot = strrchr(sub, '.');
			len = dot ? (size_t)(dot - sub - 1) : strlen(sub + 1);
			if ((rt->sub[1] == '\0') != (dot == NULL) ||
			    (dot && strcmp(dot, rt->sub + 1) != 0))
				continue;
			if ((d = dim_by_slug(sub + 1, len)) == DIM__MAX || d == DIM_GOAL)
				continue;
		} else if (strcmp(sub, rt->sub) != 0)
			continue;
		*allowed |= rt->methods;
		if (rt->methods & M(m) || (m == METHOD_HEAD && rt->methods & M(METHOD_GET)))
			return rt;
	}
	return NULL;
}

/* Split "/dash/<id><sub>": 1 with id and sub set, 0 when not that shape. */
static int
dash_path(const char *path, long long *id, const char **sub)
{
	const char *p = path + strlen("/dash/");
	char *end;

	if (strncmp(path, "/dash/", 6) != 0 || *p < '1' || *p > '9')
		return 0;
	errno = 0;
	*id = strtoll(p, &end, 10);
	if (errno || *id <= 0 || end - p > 10 || (*end != '\0' && *end != '/'))
		return 0;
	*sub = end;
	return 1;
}

static int
not_found(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 404, "Not found", "There is no such page.", "/dash", "Your sites");
}

/*
 * The "Add filter" form sends its parts apart (fk, fo, fv): answer with
 * the canonical address, the filter joined to the others as f=k:o:v.
 */
static int
add_filter(struct ctx *c, struct resp *resp)
{
	struct buf spec = BUF_INIT, to = BUF_INIT;
	const char *why = NULL, *k = qparam(c, "fk"), *o = qparam(c, "fo"), *v = qparam(c, "fv");
	int rc;

	buf_addf(&spec, "%s:%s:%s", k, o ? o : "", v ? v : "");
	if (filters_add(&c->filters, spec.ptr, spec.len, &why) == -1)
		rc = message(c, resp, 400, "Bad request", why ? why : "That filter is not valid.",
		    c->base.ptr, "Back to the overview");
	else {
		report_link(c, &to, c->sub.ptr, NULL);
		sticky_query(c, &to);
		rc = redirect(resp, to.ptr);
	}
	buf_release(&spec);
	buf_release(&to);
	return rc;
}

static int
front(struct req *r, struct resp *resp)
{
	const struct app *app = r->app;
	struct ctx *c = r->thread;
	const struct site_route *rt = NULL;
	struct buf next = BUF_INIT;
	unsigned char hash[CRYPT_SHA256_LEN];
	const char *tok, *sub = "", *why;
	size_t toklen;
	long long id = 0;
	unsigned flags = 0, allowed = 0;
	int rc, st, site_path = 0, share_path = 0;

	ctx_reset(c);
	c->https = app->https || secure_https(r);
	c->secure_cookie = c->https || secure_loopback(req_param(r, "HTTP_HOST"));
	if (strncmp(r->path, "/api/", 5) == 0)
		return h_api(r, resp);	/* its own authentication and JSON errors */

	if (strcmp(r->path, "/dash") == 0 || strcmp(r->path, "/dash/") == 0) {
		if (r->method != METHOD_GET && r->method != METHOD_HEAD) {
			resp_header(resp, "Allow", "GET, HEAD");
			return message(c, resp, 405, "Not allowed", "Method not allowed.", NULL, NULL);
		}
		flags = NEED_LOGIN;
	} else if (dash_path(r->path, &id, &sub)) {
		site_path = 1;
		flags = NEED_LOGIN | NEED_SITE;
	} else if (strncmp(r->path, "/share/", 7) == 0) {
		tok = r->path + 7;
		toklen = strcspn(tok, "/");
		sub = tok + toklen;
		share_path = 1;
		flags = NEED_SITE;
	} else
		return not_found(c, resp);
	if (site_path || share_path) {
		if ((rt = site_route(sub, r->method, &allowed)) == NULL) {
			if (allowed == 0)
				return not_found(c, resp);
			resp_header(resp, "Allow", "%s", allowed & M(METHOD_POST) ? "POST" : "GET, HEAD");
			return message(c, resp, 405, "Not allowed", "Method not allowed.", NULL, NULL);
		}
		flags |= rt->flags;
		if ((share_path && !(rt->flags & SHARE_OK)) || (site_path && rt->flags & SHARE_ONLY))
			return not_found(c, resp);
	}
	c->query = &r->args;
	if (req_parse_query(r, QUERY_MAX_PAIRS) != 0 ||
	    !pairs_ok(c->query, qkeys, sizeof(qkeys) / sizeof(qkeys[0])))
		return message(c, resp, 400, "Bad request", "The address is malformed.", "/dash", "Your sites");

	c->db = db_pool_get(app->pool);
	if (db_ensure(c->db) == -1) {
		rc = message(c, resp, 503, "Temporarily unavailable",
		    "The service is unavailable. Please try again in a moment.", NULL, NULL);
		resp_header(resp, "Retry-After", "5");
		goto out;
	}

	if (session_cookie_get(req_param(r, "HTTP_COOKIE"), SESSION_COOKIE, &c->tmp) &&
	    session_token_hash(c->tmp.ptr, c->tmp.len, hash) == 0) {
		if ((st = session_lookup(c->db, hash, &c->sess)) == -1) {
			rc = internal_error(c, resp);
			goto out;
		}
		c->logged_in = st == 1;
	}
	crypt_wipe(c->tmp.ptr, c->tmp.len);
	buf_reset(&c->tmp);

	if (flags & NEED_LOGIN) {
		if (!c->logged_in) {
			buf_adds(&next, "/login?next=");
			buf_add_url(&next, r->path, strlen(r->path));
			rc = redirect(resp, r->method == METHOD_GET ? next.ptr : "/login");
			goto out;
		}
		if ((st = mfa_gate(c)) != 0) {
			rc = st == -1 ? internal_error(c, resp) : redirect(resp, "/account/2fa");
			goto out;
		}
		c->actor = ACTOR_MEMBER;
		c->can_admin = strcmp(c->sess.role, "owner") == 0 ||
		    strcmp(c->sess.role, "admin") == 0;
	}
	if (site_path) {
		/* The tenant check: the session's organisation owns the site. */
		if ((st = site_load(c, id)) == -1) {
			rc = internal_error(c, resp);
			goto out;
		}
		if (st == 0 || c->site.org_id != c->sess.org_id) {
			rc = not_found(c, resp);
			goto out;
		}
		buf_addf(&c->base, "/dash/%lld", c->site.id);
	} else if (share_path) {
		c->logged_in = 0;	/* a link shows the same pages to everyone */
		c->can_admin = 0;
		if ((rc = share_front(c, r, resp, r->path + 7, strcspn(r->path + 7, "/"))) != 0)
			goto out;
		c->actor = ACTOR_SHARE;
		buf_adds(&c->base, "/share/");
		buf_add(&c->base, r->path + 7, strcspn(r->path + 7, "/"));
	}
	buf_adds(&c->sub, sub);
	if (flags & NEED_ADMIN && !c->can_admin) {
		rc = message(c, resp, 403, "Not allowed",
		    "Your role in this organisation does not allow this.", c->base.ptr, "Back");
		goto out;
	}

	if (r->method == METHOD_POST) {
		if (!csrf_origin_ok(req_param(r, "HTTP_ORIGIN"),
		    req_param(r, "HTTP_SEC_FETCH_SITE"), app->origin.ptr)) {
			rc = message(c, resp, 403, "Refused",
			    "This form was sent from another site and was refused.", "/dash", "Back");
			goto out;
		}
		if (strcmp(r->content_type, "application/x-www-form-urlencoded") != 0) {
			rc = message(c, resp, 415, "Refused", "Forms only, please.", "/dash", "Back");
			goto out;
		}
		if ((st = req_read_body(r, FORM_MAX_BODY)) != 0 ||
		    form_parse(&c->form, r->body.ptr, r->body.len, FORM_MAX_PAIRS) != 0 ||
		    !pairs_ok(&c->form, fkeys, sizeof(fkeys) / sizeof(fkeys[0]))) {
			rc = message(c, resp, st == 413 ? 413 : 400, "Bad request",
			    "The form could not be read.", "/dash", "Back");
			goto out;
		}
		tok = kv_get(&c->form, CSRF_FIELD, &toklen);
		/* A link's password form is bound to the link; others to the session. */
		if (!(c->actor == ACTOR_SHARE ?
		    csrf_token_ok(app->key, sizeof(app->key), "share", c->base.ptr, c->base.len,
		    tok, tok ? toklen : 0) :
		    csrf_token_ok(app->key, sizeof(app->key), "session", c->sess.hash,
		    sizeof(c->sess.hash), tok, tok ? toklen : 0))) {
			rc = message(c, resp, 403, "Form expired",
			    "This form expired or was not sent from this site. Go back, reload "
			    "the page and try again.", c->base.len ? c->base.ptr : "/dash", "Reload");
			goto out;
		}
	}
	if (flags & NEED_PERIOD) {
		if ((st = report_params(c, &why)) == -1) {
			rc = internal_error(c, resp);
			goto out;
		}
		if (st == 1) {
			rc = message(c, resp, 400, "Bad request", why ? why : "The report "
			    "parameters are not valid.", c->base.ptr, "Back to the overview");
			goto out;
		}
		if (qparam(c, "fk") != NULL) {
			rc = add_filter(c, resp);
			goto out;
		}
	} else if (flags & NEED_SITE) {
		c->qs.id = c->site.id;
		if ((c->qs.tz = tz_get(c->site.timezone)) == NULL)
			c->qs.tz = tz_get("UTC");
		c->qs.through = -1;
		c->q.db = c->db;
		c->q.site = &c->qs;
	}
	rc = rt ? rt->handler(r, resp) : h_orgview(r, resp);
out:
	buf_release(&next);
	db_pool_put(app->pool, c->db);
	c->db = NULL;
	kvlist_reset(&c->form);
	return rc;
}

static void *
thread_init(const void *app)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	c->app = app;
	buf_init(&c->base, 64);
	buf_init(&c->sub, 64);
	buf_init(&c->tmp, 256);
	buf_init(&c->goal_text, 256);
	filters_init(&c->filters);
	return c;
}

static void
thread_free(void *p)
{
	struct ctx *c = p;

	if (c == NULL)
		return;
	ctx_reset(c);
	filters_free(&c->filters);
	kvlist_free(&c->form);
	buf_release(&c->base);
	buf_release(&c->sub);
	buf_release(&c->tmp);
	buf_release(&c->goal_text);
	free(c);
}

static const struct route front_routes[] = {
	{ ~0u, "/", front, ROUTE_PREFIX },
};

static void
usage(void)
{
	fprintf(stderr, "usage: trackr-dashboard [-c config] [-M MiB | -M KiBk] [-s socket] [-t threads]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct conf conf;
	struct app app;
	struct server_opts so;
	const char *path = NULL, *sock = NULL, *secret, *tdir;
	long long threads = 0, conns, memory_mb, memory_sync, memory_ttl, memory_kb = -1;
	int ch, err = 0, rc = 1;
	char *end;

	memset(&app, 0, sizeof(app));
	while ((ch = getopt(argc, argv, "c:M:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'M':
			errno = 0;
			/* MiB, or KiB with a k (tests make the store overflow with a few) */
			memory_kb = strtoll(optarg, &end, 10);
			if (errno || memory_kb < 0 || memory_kb > (1 << 20) ||
			    (*end != '\0' && strcmp(end, "k") != 0))
				usage();
			if (*end == '\0')
				memory_kb <<= 10;
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			threads = strtoll(optarg, &end, 10);
			if (errno || *end || threads < 1 || threads > 256)
				usage();
			break;
		default:
			usage();
		}
	}
	if (server_conf(&conf, "trackr-dashboard", path) == -1)
		return 1;
	if (threads == 0)
		threads = conf_int(&conf, "dashboard_threads", 16, 1, 256, &err);
	conns = conf_int(&conf, "dashboard_db_connections", 4, 1, 64, &err);
	app.api_rate = conf_int(&conf, "api_rate_per_min", 600, 1, 1000000, &err);
	/* The column store: 0 MiB turns it off (every report from SQL). */
	memory_mb = conf_int(&conf, "dashboard_memory_mb", 2048, 0, 1 << 20, &err);
	memory_sync = conf_int(&conf, "dashboard_memory_sync", 0, 0, 1, &err);
	/* Seconds today's figures may lag the database (the realtime page never does). */
	memory_ttl = conf_int(&conf, "dashboard_memory_ttl", 15, 0, 3600, &err);
	if (memory_kb < 0)
		memory_kb = memory_mb << 10;	/* -M wins: tests run the SQL paths alone with -M 0 */
	if (err)
		goto out;
	if (conns > threads)
		conns = threads;
	if ((secret = conf_str(&conf, "secret_key", NULL)) == NULL || strlen(secret) < 32) {
		log_err("secret_key must be set to at least 32 random characters");
		goto out;
	}
	crypt_sha256(secret, strlen(secret), app.key);
	if (csrf_origin_of(&app.origin, conf_str(&conf, "base_url", NULL)) == -1) {
		log_err("base_url must be the public http(s) URL, e.g. https://trackr.example.com");
		goto out;
	}
	app.https = strncmp(app.origin.ptr, "https:", 6) == 0;
	tdir = conf_str(&conf, "templates_dir", TRACKR_TEMPLATES_DIR);
	if ((app.tpls = tpl_load_dir(tdir)) == NULL) {
		log_err("%s: templates could not be loaded", tdir);
		goto out;
	}
	if (tz_get("UTC") == NULL) {
		log_err("the timezone database (tzdata) is missing");
		goto out;
	}
	if (sock == NULL)
		sock = conf_str(&conf, "dashboard_socket", NULL);
	app.pool = db_pool_new(&conf, stmts, STMT__MAX, (int)conns);
	app.rl_api = ratelimit_new(4096);
	if (memory_kb > 0 && (app.mem = mem_new(&conf, (size_t)memory_kb << 10,
	    (int)memory_sync, (int)memory_ttl)) == NULL)
		goto out;

	memset(&so, 0, sizeof(so));
	so.socket_path = sock;
	so.threads = (int)threads;
	so.routes = front_routes;
	so.nroutes = 1;
	so.app = &app;
	so.thread_init = thread_init;
	so.thread_free = thread_free;
	rc = server_run(&so) == 0 ? 0 : 1;
out:
	mem_free(app.mem);
	db_pool_free(app.pool);
	ratelimit_free(app.rl_api);
	tpl_free(app.tpls);
	tz_cache_free();
	crypt_wipe(app.key, sizeof(app.key));
	buf_release(&app.origin);
	conf_free(&conf);
	return rc;
}
