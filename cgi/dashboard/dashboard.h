/*
 * dashboard: the program's request context and the helpers its page
 * files share.  main.c settles everything in front() before a handler
 * runs: the route, the database, who is asking (a logged-in member of
 * the site's organisation, a shared link's holder, or an API key), the
 * site, its timezone and rollup state, and the report parameters from the
 * query string (period, filters).  Handlers never re-check access.
 *
 * Files: main.c (routes, front), util.c (views, rendering, links),
 * overview.c (the site overview and the organisation's sites),
 * report.c (full breakdowns and exports), goals.c (goals and funnels),
 * realtime.c, share.c (shared links), api.c (the stats API).
 */
#ifndef TRACKR_DASHBOARD_H
#define TRACKR_DASHBOARD_H

#include <json-c/json.h>

#include "buf.h"
#include "crypt.h"
#include "dash.h"
#include "db.h"
#include "filter.h"
#include "form.h"
#include "period.h"
#include "query.h"
#include "req.h"
#include "resp.h"
#include "session.h"
#include "tpl.h"
#include "tz.h"

#define FORM_MAX_BODY	(16 * 1024)
#define FORM_MAX_PAIRS	24
#define QUERY_MAX_PAIRS	(FILTER_MAX + 12)
#define GOALS_MAX	100	/* per site */
#define FUNNEL_STEPS_MIN 2
#define FUNNEL_STEPS_MAX 8
#define TOP_ROWS	10	/* rows of a top list on the overview */
#define PAGE_ROWS	100	/* rows of a page of a full breakdown */
#define SHARE_COOKIE	"__Host-trackr_share"

enum stmt {
	STMT_MFA_GATE = SESS_STMT__MAX,
	STMT_SITE_GET,		/* by id: the caller checks the organisation */
	STMT_SITES_OF_ORG,
	STMT_GOALS_OF_SITE,
	STMT_SHARE_FIND,
	STMT_KEY_FIND,
	STMT_KEY_TOUCH,
	STMT_FIRST_VISIT,
	STMT_AUDIT_ADD,
	STMT__MAX
};

extern const char *const stmts[STMT__MAX];

/* Read-only after start-up. */
struct app {
	struct db_pool	*pool;
	struct tpl_set	*tpls;
	struct buf	 origin;	/* base_url's origin, what same-site forms send */
	int		 https;
	unsigned char	 key[CRYPT_SHA256_LEN];	/* from secret_key */
	struct ratelimit *rl_api;	/* requests per API key (locked inside) */
	struct mem	*mem;		/* the column store of closed days (mem.h) */
	long long	 api_rate;	/* api_rate_per_min */
};

/* Who is asking. */
enum actor {
	ACTOR_NONE,
	ACTOR_MEMBER,		/* a logged-in member of the site's organisation */
	ACTOR_SHARE,		/* a shared link's holder: that site's reports only */
	ACTOR_KEY,		/* an API key of the site's organisation */
};

struct site {
	long long	 id;
	long long	 org_id;
	char		*domain;
	char		*timezone;
};

/* Per request, on the serving thread; front() resets it every time. */
struct ctx {
	const struct app	*app;
	struct db		*db;
	struct session		 sess;
	int			 logged_in;
	int			 https;
	int			 secure_cookie;
	enum actor		 actor;
	int			 can_admin;	/* may manage goals, funnels, links */
	long long		 share_id;
	struct buf		 base;		/* "/dash/12" or "/share/<token>" */
	struct buf		 sub;		/* the path after base: "", "/pages", ... */
	const struct kvlist	*query;		/* the request's decoded query string */
	struct kvlist		 form;
	struct buf		 tmp;
	/* The site and its report parameters, for site routes. */
	struct site		 site;
	struct qsite		 qs;
	struct qctx		 q;
	struct goal_ref		 goals[GOALS_MAX];
	struct buf		 goal_text;	/* the goals' targets, NUL-separated */
	size_t			 ngoals;
	struct period		 period;
	struct filters		 filters;
	long long		 now;
};

enum route_need {
	NEED_LOGIN	= 1u << 8,	/* a live session */
	NEED_SITE	= 1u << 9,	/* a site route: /dash/<id>/... or /share/<token>/... */
	NEED_ADMIN	= 1u << 10,	/* owner or admin of the site's organisation (never a link) */
	SHARE_OK	= 1u << 11,	/* reachable through a shared link */
	NEED_PERIOD	= 1u << 12,	/* reads period and filters from the query */
	SHARE_ONLY	= 1u << 13,	/* only through a shared link: its password form */
};

/* util.c */
const char *qparam(struct ctx *c, const char *name);
const char *field(struct ctx *c, const char *key, size_t *lenp);
json_object *view_new(struct ctx *c, struct resp *resp, const char *title);
void	view_str(json_object *v, const char *key, const char *val);
void	view_int(json_object *v, const char *key, long long val);
/* The site views' common parts: nav, site switcher, period picker, filter bar. */
int	view_site(struct ctx *c, json_object *v, const char *here);
int	render(struct ctx *c, struct resp *resp, int status, const char *page, json_object *view);
int	message(struct ctx *c, struct resp *resp, int status, const char *title,
	    const char *text, const char *link, const char *link_text);
int	redirect(struct resp *resp, const char *to);
int	internal_error(struct ctx *c, struct resp *resp);
/* The query string of the current report parameters (period and filters), without '?'. */
void	report_query(struct ctx *c, struct buf *out);
/* A link: base + sub + '?' + the report parameters, with extra ("&k=v", already encoded). */
void	report_link(struct ctx *c, struct buf *out, const char *sub, const char *extra);
/*
 * "&key=value" for each of the page's own parameters the request has
 * (sort, dir, prop, funnel, metric, the overview's tabs): what a change of
 * period or filters keeps.
 */
void	sticky_query(struct ctx *c, struct buf *out);
/* A link to the same page with one more filter; -1 (nothing added) when no filter can hold value. */
int	filter_link(struct ctx *c, struct buf *out, const char *sub, enum dim, const char *value);
/* Metrics as a view object: visitors, visits, pageviews, views_per_visit, bounce_rate, visit_duration (formatted and raw). */
json_object *metrics_view(const struct metrics *m, const struct metrics *prev);
/* The label a value shows as: "(none)" for "", "Direct / none" for a source, "Chrome 120". */
void	value_label(enum dim, const char *value, struct buf *out);
/* Audit a change by the session's user to the site's organisation. */
int	audit(struct ctx *c, struct req *r, const char *action, const char *detail);

/* overview.c: a breakdown's rows as a view list; sub is the page rows filter on. */
json_object *breakdown_rows(struct ctx *c, enum dim, const struct brows *rows, const char *sub);

/* Handlers. */
int	h_orgview(struct req *, struct resp *);		/* overview.c */
int	h_overview(struct req *, struct resp *);
int	h_report(struct req *, struct resp *);		/* report.c */
int	h_export(struct req *, struct resp *);
int	h_realtime(struct req *, struct resp *);	/* realtime.c */
int	h_goals(struct req *, struct resp *);		/* goals.c */
int	h_goal_add(struct req *, struct resp *);
int	h_goal_delete(struct req *, struct resp *);
int	h_funnels(struct req *, struct resp *);
int	h_funnel_add(struct req *, struct resp *);
int	h_funnel_delete(struct req *, struct resp *);
int	h_sharing(struct req *, struct resp *);		/* share.c */
int	h_share_add(struct req *, struct resp *);
int	h_share_revoke(struct req *, struct resp *);
int	h_share_unlock(struct req *, struct resp *);
int	h_api(struct req *, struct resp *);		/* api.c */
/*
 * share.c: settle a /share/<token>/... request: finds the live link (by
 * the token's hash), checks its password cookie, fills c->site via
 * site_load.  Returns 0 when the request may go on, else the status of a
 * page it already answered (404 for an unknown or revoked link, or the
 * password form).
 */
int	share_front(struct ctx *c, struct req *r, struct resp *resp, const char *token,
	    size_t len);
/*
 * main.c: the site's rollup state, goals, period and filters from the
 * query string.  0; 1 for bad parameters (*why says why, for the user);
 * -1 on error.
 */
int	report_params(struct ctx *c, const char **why);
/* main.c: load site id into c->site (any organisation); 1 found, 0 not, -1 error. */
int	site_load(struct ctx *c, long long id);
/* main.c: load the site's goals into c->goals; 0 or -1. */
int	goals_load(struct ctx *c);

#endif
