/*
 * goals: a site's goals with their conversions, and its funnels with the
 * visitors who reached each step in order.  Admins add and delete both;
 * everyone else (shared links too) reads.  Every statement names the
 * site, so an id of another site's goal or funnel matches nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "log.h"
#include "valid.h"

#include "dashboard.h"

#define FUNNELS_MAX	50	/* per site */
#define FUNNEL_NAME_MAX	120	/* characters, as funnels.name holds */
#define GOAL_TARGET_MAX	500	/* bytes, as the form key allows */
#define EVENT_NAME_MAX	120	/* bytes: the collector stores no longer name */

/* This file's SQL: fixed text, prepared when used (as query.c does). */
enum gstmt {
	G_GOAL_ADD,
	G_GOAL_USED,
	G_GOAL_DELETE,
	G_FUNNELS,
	G_FUNNEL_STEPS,
	G_FUNNEL_ADD,
	G_STEP_ADD,
	G_FUNNEL_NAME,
	G_FUNNEL_DELETE,
	G__MAX
};

static const char *const gsql[G__MAX] = {
	/* Refused (no row) once the site has GOALS_MAX goals. */
	[G_GOAL_ADD] =
	    "INSERT INTO goals (site_id, kind, target) SELECT ?, ?, ? FROM DUAL "
	    "WHERE (SELECT COUNT(*) FROM goals WHERE site_id = ?) < ?",
	[G_GOAL_USED] =
	    "SELECT f.name FROM funnel_steps s JOIN funnels f ON f.id = s.funnel_id "
	    "WHERE s.goal_id = ? AND f.site_id = ? ORDER BY f.name, f.id LIMIT 1",
	[G_GOAL_DELETE] =
	    "DELETE FROM goals WHERE id = ? AND site_id = ?",
	[G_FUNNELS] =
	    "SELECT f.id, f.name, COUNT(s.step) FROM funnels f "
	    "LEFT JOIN funnel_steps s ON s.funnel_id = f.id WHERE f.site_id = ? "
	    "GROUP BY f.id, f.name ORDER BY f.name, f.id LIMIT 200",
	[G_FUNNEL_STEPS] =
	    "SELECT s.goal_id FROM funnel_steps s JOIN funnels f ON f.id = s.funnel_id "
	    "WHERE f.id = ? AND f.site_id = ? ORDER BY s.step LIMIT 8",
	[G_FUNNEL_ADD] =
	    "INSERT INTO funnels (site_id, name) SELECT ?, ? FROM DUAL "
	    "WHERE (SELECT COUNT(*) FROM funnels WHERE site_id = ?) < ?",
	/* A row only when both the funnel and the goal are the site's. */
	[G_STEP_ADD] =
	    "INSERT INTO funnel_steps (funnel_id, step, goal_id) "
	    "SELECT f.id, ?, g.id FROM funnels f JOIN goals g ON g.site_id = f.site_id "
	    "WHERE f.id = ? AND f.site_id = ? AND g.id = ?",
	[G_FUNNEL_NAME] =
	    "SELECT name FROM funnels WHERE id = ? AND site_id = ?",
	[G_FUNNEL_DELETE] =
	    "DELETE FROM funnels WHERE id = ? AND site_id = ?",
};

/* A SELECT of gsql: its statement and rows; gsel_done() always. */
struct gsel {
	MYSQL_STMT	*st;
	struct db_res	 res;
};

static int
gsel(struct ctx *c, enum gstmt s, struct db_args *a, struct gsel *q)
{
	memset(q, 0, sizeof(*q));
	if ((q->st = db_prepare(c->db, gsql[s])) == NULL)
		return -1;
	return db_select(c->db, q->st, a, &q->res);
}

static void
gsel_done(struct gsel *q)
{
	db_res_free(&q->res);
	if (q->st != NULL)
		mysql_stmt_close(q->st);
	q->st = NULL;
}

/*
 * Run statement s of gsql inside the transaction begun on connection
 * generation gen; 0 or -1 (logged; db_errno() says why).  A reconnect
 * while preparing would run it outside the transaction: refused.
 */
static int
gexec(struct ctx *c, unsigned long gen, enum gstmt s, struct db_args *a,
    unsigned long long *affected, unsigned long long *id)
{
	MYSQL_STMT *st;
	int rc;

	if ((st = db_prepare(c->db, gsql[s])) == NULL)
		return -1;
	if (db_generation(c->db) != gen) {
		log_err("the connection was renewed inside a transaction");
		mysql_stmt_close(st);
		return -1;
	}
	rc = db_exec(c->db, st, a, affected, id);
	mysql_stmt_close(st);
	return rc;
}

/* ------------------------------------------------------------ helpers */

/* An id as goals.id and funnels.id (INT UNSIGNED) write it, or -1. */
static long long
id_parse(const char *s)
{
	long long v = 0;
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 10 || s[0] < '1' || s[0] > '9')
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 4294967295LL ? v : -1;
}

/* Drop ASCII spaces at both ends of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && s[0] == ' ') {
		s++;
		(*n)--;
	}
	while (*n > 0 && s[*n - 1] == ' ')
		(*n)--;
	return s;
}

/* UTF-8 text without any control character, tab included. */
static int
plain_text(const char *s, size_t n)
{
	return valid_text(s, n) && memchr(s, '\t', n) == NULL;
}

/* Code points of valid UTF-8. */
static size_t
chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

static const struct goal_ref *
goal_by_id(const struct ctx *c, long long id)
{
	size_t i;

	for (i = 0; i < c->ngoals; i++)
		if (c->goals[i].id == id)
			return &c->goals[i];
	return NULL;
}

/* What a goal is, in words: "Visit /pricing", "Event: Signup". */
static void
goal_label(const struct goal_ref *g, struct buf *out)
{
	buf_adds(out, g->is_event ? "Event: " : "Visit ");
	buf_adds(out, g->target);
}

/* 1 when every goal filter names one of the site's goals (else no query can run). */
static int
goal_filters_ok(const struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->filters.n; i++)
		if (c->filters.f[i].dim == DIM_GOAL &&
		    goal_by_id(c, filter_goal_id(&c->filters.f[i])) == NULL)
			return 0;
	return 1;
}

static int
bad_goal_filter(struct ctx *c, struct resp *resp, const char *sub)
{
	buf_reset(&c->tmp);
	buf_adds(&c->tmp, c->base.ptr);
	buf_adds(&c->tmp, sub);
	return message(c, resp, 400, "Bad request", "A filter of this address names a goal "
	    "that does not exist (any more).", c->tmp.ptr, "Show without filters");
}

static void
view_pct(json_object *o, const char *key, long long part, long long whole)
{
	struct buf b = BUF_INIT;

	fmt_percent(&b, whole > 0 ? 100.0 * (double)part / (double)whole : 0.0);
	view_str(o, key, b.ptr);
	buf_release(&b);
}

static void
view_count(json_object *o, const char *key, long long n)
{
	struct buf b = BUF_INIT;

	fmt_count(&b, n);
	view_str(o, key, b.ptr);
	buf_release(&b);
}

static void
view_bool(json_object *o, const char *key, int on)
{
	json_object_object_add(o, key, json_object_new_boolean(on != 0));
}

/* base + sub + "?" + the report parameters (+ extra) into the view's key. */
static void
view_link(struct ctx *c, json_object *v, const char *key, const char *sub, const char *extra)
{
	buf_reset(&c->tmp);
	report_link(c, &c->tmp, sub, extra);
	view_str(v, key, c->tmp.ptr);
}

/*
 * A POST's page needs what a GET's has: the goals, period and filters
 * (from the form's action, which carries the page's query).  0 to go on,
 * else the status of the page answered.
 */
static int
post_params(struct ctx *c, struct resp *resp, int *rc)
{
	const char *why;
	int st;

	if ((st = report_params(c, &why)) == -1) {
		*rc = internal_error(c, resp);
		return -1;
	}
	if (st == 1) {
		*rc = message(c, resp, 400, "Bad request", why ? why : "The report parameters "
		    "are not valid.", c->base.ptr, "Back to the overview");
		return -1;
	}
	return 0;
}

/* A transaction's end: commit unless the connection changed under it; 0 or -1. */
static int
commit(struct ctx *c, unsigned long gen)
{
	if (db_generation(c->db) != gen || db_commit(c->db) == -1) {
		db_rollback(c->db);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- goals */

/* The goals page; error (with status) and the form's values after a refused POST. */
static int
goals_page(struct ctx *c, struct resp *resp, int status, const char *error,
    const char *kind, const char *target)
{
	struct metrics total, m;
	struct buf b = BUF_INIT;
	json_object *v, *list, *o;
	char id[24];
	size_t i;
	int err = 0;

	if (!goal_filters_ok(c))
		return bad_goal_filter(c, resp, "/goals");
	if (q_aggregate(&c->q, &c->period, &c->filters, &total) == -1)
		return internal_error(c, resp);
	v = view_new(c, resp, "Goals");
	if (view_site(c, v, "/goals") == -1)
		err = 1;
	list = json_object_new_array();
	for (i = 0; i < c->ngoals && !err; i++) {
		const struct goal_ref *g = &c->goals[i];

		if (q_goal(&c->q, &c->period, &c->filters, g, &m) == -1) {
			err = 1;
			break;
		}
		o = json_object_new_object();
		view_int(o, "id", g->id);
		buf_reset(&b);
		goal_label(g, &b);
		view_str(o, "label", b.ptr);
		view_str(o, "kind", g->is_event ? "Event" : "Page");
		snprintf(id, sizeof(id), "%lld", g->id);
		buf_reset(&b);
		if (filter_link(c, &b, "", DIM_GOAL, id) == 0)
			view_str(o, "href", b.ptr);
		else
			json_object_object_add(o, "href", NULL);
		view_count(o, "visitors", m.visitors);
		view_count(o, "events", m.events);
		view_pct(o, "rate", m.visitors, total.visitors);
		json_object_array_add(list, o);
	}
	json_object_object_add(v, "goals", list);
	view_bool(v, "none", c->ngoals == 0);
	view_count(v, "total_visitors", total.visitors);
	view_bool(v, "multi_day", c->period.from_day != c->period.to_day);
	if (error != NULL)
		view_str(v, "error", error);
	if (c->can_admin) {
		view_link(c, v, "add_action", "/goals/add", NULL);
		view_link(c, v, "delete_action", "/goals/delete", NULL);
		view_bool(v, "kind_event", kind != NULL && strcmp(kind, "event") == 0);
		view_str(v, "form_target", target ? target : "");
		view_bool(v, "full", c->ngoals >= GOALS_MAX);
		view_int(v, "goals_max", GOALS_MAX);
	}
	buf_release(&b);
	if (err) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, status, "dashboard/goals.html", v);
}

int
h_goals(struct req *r, struct resp *resp)
{
	return goals_page(r->thread, resp, 200, NULL, NULL, NULL);
}

/* Why target[0..n) cannot be a goal of kind, or NULL when it can. */
static const char *
target_problem(int is_event, const char *t, size_t n)
{
	if (n == 0)
		return is_event ? "Enter the event's name." : "Enter the page's path, like /thank-you.";
	if (!plain_text(t, n))
		return "The goal may not hold control characters.";
	if (n > GOAL_TARGET_MAX)
		return "The goal is too long (at most 500 bytes).";
	if (is_event) {
		if (n > EVENT_NAME_MAX)
			return "An event name has at most 120 bytes.";
		if ((n == 8 && memcmp(t, "pageview", 8) == 0) ||
		    (n == 10 && memcmp(t, "engagement", 10) == 0))
			return "Page views and engagement are not custom events: "
			    "make a page goal instead.";
		return NULL;
	}
	if (t[0] != '/')
		return "A page path starts with /, like /thank-you or /blog/*.";
	if (memchr(t, '?', n) != NULL)
		return "Page paths are stored without the query string: leave out the "
		    "? and what follows.";
	return NULL;
}

int
h_goal_add(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf target = BUF_INIT, detail = BUF_INIT, loc = BUF_INIT;
	unsigned long long affected = 0;
	unsigned long gen;
	const char *kind, *t, *why;
	size_t n, i;
	int rc, is_event;

	if (post_params(c, resp, &rc) == -1)
		return rc;
	kind = field(c, "kind", NULL);
	t = field(c, "target", &n);
	t = trim(t, &n);
	buf_add(&target, t, n);
	if (strcmp(kind, "page") != 0 && strcmp(kind, "event") != 0) {
		rc = goals_page(c, resp, 400, "Choose whether the goal is a page or an event.",
		    "page", target.ptr);
		goto out;
	}
	is_event = strcmp(kind, "event") == 0;
	if ((why = target_problem(is_event, target.ptr, target.len)) != NULL) {
		rc = goals_page(c, resp, 400, why, kind, plain_text(target.ptr, target.len) ?
		    target.ptr : "");
		goto out;
	}
	for (i = 0; i < c->ngoals; i++)
		if (c->goals[i].is_event == is_event && strcmp(c->goals[i].target, target.ptr) == 0)
			break;
	if (i < c->ngoals) {
		rc = goals_page(c, resp, 400, "This site has that goal already.", kind,
		    target.ptr);
		goto out;
	}
	if (c->ngoals >= GOALS_MAX) {
		rc = goals_page(c, resp, 400, "This site has the most goals it can have (100). "
		    "Delete one first.", kind, target.ptr);
		goto out;
	}

	gen = db_generation(c->db);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_arg_int(&a, c->site.id);
	db_arg_strz(&a, kind);
	db_arg_str(&a, target.ptr, target.len);
	db_arg_int(&a, c->site.id);
	db_arg_int(&a, GOALS_MAX);
	if (gexec(c, gen, G_GOAL_ADD, &a, &affected, NULL) == -1) {
		unsigned e = db_errno(c->db);

		db_rollback(c->db);
		rc = e == 1062 ?	/* ER_DUP_ENTRY: added meanwhile */
		    goals_page(c, resp, 400, "This site has that goal already.", kind,
		    target.ptr) : internal_error(c, resp);
		goto out;
	}
	if (affected != 1) {
		db_rollback(c->db);
		rc = goals_page(c, resp, 400, "This site has the most goals it can have (100). "
		    "Delete one first.", kind, target.ptr);
		goto out;
	}
	buf_addf(&detail, "%s: %s goal %s", c->site.domain, kind, target.ptr);
	if (audit(c, r, "goal.add", detail.ptr) == -1 || commit(c, gen) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	report_link(c, &loc, "/goals", NULL);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&target);
	buf_release(&detail);
	buf_release(&loc);
	return rc;
}

int
h_goal_delete(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf detail = BUF_INIT, loc = BUF_INIT, msg = BUF_INIT;
	struct gsel q;
	const struct goal_ref *g;
	unsigned long long affected = 0;
	unsigned long gen;
	long long id;
	int rc, used;

	if (post_params(c, resp, &rc) == -1)
		return rc;
	id = id_parse(field(c, "id", NULL));
	if ((g = goal_by_id(c, id)) == NULL) {
		/* Another site's goal answers like a missing one. */
		rc = goals_page(c, resp, 404, "There is no such goal (it may have been "
		    "deleted already).", NULL, NULL);
		goto out;
	}
	/* A funnel's step: deleting it would silently change that funnel. */
	db_arg_int(&a, id);
	db_arg_int(&a, c->site.id);
	if ((rc = gsel(c, G_GOAL_USED, &a, &q)) == 0 && (rc = db_fetch(&q.res)) == 1) {
		buf_addf(&msg, "This goal is a step of the funnel \"%s\": delete that funnel "
		    "first.", db_col(&q.res, 0, NULL) ? db_col(&q.res, 0, NULL) : "");
	}
	used = rc == 1;
	gsel_done(&q);
	if (rc == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (used) {
		rc = goals_page(c, resp, 409, msg.ptr, NULL, NULL);
		goto out;
	}
	gen = db_generation(c->db);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, id);
	db_arg_int(&a, c->site.id);
	if (gexec(c, gen, G_GOAL_DELETE, &a, &affected, NULL) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	if (affected != 1) {
		db_rollback(c->db);
		rc = goals_page(c, resp, 404, "There is no such goal (it may have been "
		    "deleted already).", NULL, NULL);
		goto out;
	}
	buf_addf(&detail, "%s: %s goal %s", c->site.domain, g->is_event ? "event" : "page",
	    g->target);
	if (audit(c, r, "goal.delete", detail.ptr) == -1 || commit(c, gen) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	report_link(c, &loc, "/goals", NULL);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&detail);
	buf_release(&loc);
	buf_release(&msg);
	return rc;
}

/* ------------------------------------------------------------ funnels */

/* The new-funnel form's values, to show again after a refused POST. */
struct funnel_form {
	const char	*name;
	long long	 step[FUNNEL_STEPS_MAX];	/* goal ids; 0 for none */
};

/* The funnel with id show: its steps and numbers as a view; 0, 1 when not found, -1. */
static int
funnel_view(struct ctx *c, long long show, const char *name, json_object *v)
{
	struct db_args a = DB_ARGS_INIT;
	struct gsel q;
	struct goal_ref steps[FUNNEL_STEPS_MAX];
	long long vis[FUNNEL_STEPS_MAX];
	const struct goal_ref *g;
	struct metrics total;
	struct buf b = BUF_INIT;
	json_object *f, *list, *o;
	size_t n = 0, i;
	long long pct;
	int rc;

	db_arg_int(&a, show);
	db_arg_int(&a, c->site.id);
	if ((rc = gsel(c, G_FUNNEL_STEPS, &a, &q)) == 0) {
		while ((rc = db_fetch(&q.res)) == 1)
			/* A deleted goal's step is gone with it (ON DELETE CASCADE). */
			if (n < FUNNEL_STEPS_MAX &&
			    (g = goal_by_id(c, db_col_int(&q.res, 0, -1))) != NULL)
				steps[n++] = *g;
		rc = rc == -1 ? -1 : 0;
	}
	gsel_done(&q);
	db_args_free(&a);
	if (rc == -1)
		return -1;

	f = json_object_new_object();
	view_str(f, "name", name);
	view_int(f, "id", show);
	json_object_object_add(v, "funnel", f);
	if (n < FUNNEL_STEPS_MIN) {
		view_bool(f, "broken", 1);
		return 0;
	}
	if (q_funnel(&c->q, &c->period, &c->filters, steps, n, vis) == -1 ||
	    q_aggregate(&c->q, &c->period, &c->filters, &total) == -1)
		return -1;
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		view_int(o, "n", (long long)i + 1);
		buf_reset(&b);
		goal_label(&steps[i], &b);
		view_str(o, "label", b.ptr);
		view_count(o, "visitors", vis[i]);
		view_pct(o, "from_first", vis[i], vis[0]);
		view_bool(o, "first", i == 0);
		if (i > 0) {
			view_count(o, "drop", vis[i - 1] - vis[i]);
			view_pct(o, "drop_pct", vis[i - 1] - vis[i], vis[i - 1]);
		}
		/* The bar, in steps of 5%: a class, as the CSP forbids style="". */
		pct = vis[0] > 0 ? (vis[i] * 20 + vis[0] / 2) / vis[0] * 5 : 0;
		buf_reset(&b);
		buf_addf(&b, "w%lld", pct < 0 ? 0 : pct > 100 ? 100 : pct);
		view_str(o, "bar", b.ptr);
		json_object_array_add(list, o);
	}
	json_object_object_add(f, "steps", list);
	view_count(f, "entered", vis[0]);
	view_count(f, "completed", vis[n - 1]);
	view_pct(f, "overall", vis[n - 1], vis[0]);
	view_count(f, "total_visitors", total.visitors);
	view_pct(f, "entry_rate", vis[0], total.visitors);
	buf_release(&b);
	return 0;
}

/* Append "&funnel=<id>" to the href of every object of array key (links the bar made). */
static void
keep_funnel(json_object *v, const char *key, const char *href, long long id)
{
	json_object *list = json_object_object_get(v, key), *o;
	struct buf b = BUF_INIT;
	size_t i, n;

	if (list == NULL || !json_object_is_type(list, json_type_array))
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		buf_reset(&b);
		buf_adds(&b, json_object_get_string(json_object_object_get(o, href)));
		buf_addf(&b, "&funnel=%lld", id);
		view_str(o, href, b.ptr);
	}
	buf_release(&b);
}

/*
 * The funnels page: the list, the funnel show (0: none), the new-funnel
 * form (ff: its values after a refused POST, or NULL).
 */
static int
funnels_page(struct ctx *c, struct resp *resp, int status, const char *error,
    long long show, const struct funnel_form *ff)
{
	struct db_args a = DB_ARGS_INIT;
	struct gsel q;
	struct buf b = BUF_INIT, name = BUF_INIT;
	json_object *v, *list, *o, *opts, *opt;
	char extra[40], field_name[8];
	size_t i, k, nf = 0;
	long long id;
	int rc, err = 0, found = 0;

	if (!goal_filters_ok(c))
		return bad_goal_filter(c, resp, "/funnels");
	v = view_new(c, resp, "Funnels");
	if (view_site(c, v, "/funnels") == -1)
		err = 1;

	list = json_object_new_array();
	db_arg_int(&a, c->site.id);
	if ((rc = gsel(c, G_FUNNELS, &a, &q)) == 0) {
		while ((rc = db_fetch(&q.res)) == 1) {
			id = db_col_int(&q.res, 0, 0);
			o = json_object_new_object();
			view_int(o, "id", id);
			view_str(o, "name", db_col(&q.res, 1, NULL));
			view_int(o, "nsteps", db_col_int(&q.res, 2, 0));
			snprintf(extra, sizeof(extra), "&funnel=%lld", id);
			buf_reset(&b);
			report_link(c, &b, "/funnels", extra);
			view_str(o, "href", b.ptr);
			view_bool(o, "active", id == show);
			if (id == show) {
				found = 1;
				buf_adds(&name, db_col(&q.res, 1, NULL) ? db_col(&q.res, 1, NULL) : "");
			}
			json_object_array_add(list, o);
			nf++;
		}
		rc = rc == -1 ? -1 : 0;
	}
	gsel_done(&q);
	db_args_free(&a);
	if (rc == -1)
		err = 1;
	json_object_object_add(v, "funnels", list);
	view_bool(v, "none", nf == 0);

	if (show != 0 && !found && !err) {
		if (status == 200)
			status = 404;
		if (error == NULL)
			error = "There is no such funnel (it may have been deleted).";
	} else if (found && !err && funnel_view(c, show, name.ptr, v) == -1)
		err = 1;
	if (found) {
		/* The period picker and filter links keep the funnel shown. */
		keep_funnel(v, "periods", "href", show);
		keep_funnel(v, "filters", "remove", show);
	}
	if (error != NULL)
		view_str(v, "error", error);

	if (c->can_admin) {
		view_link(c, v, "add_action", "/funnels/add", NULL);
		view_link(c, v, "delete_action", "/funnels/delete", NULL);
		view_link(c, v, "goals_href", "/goals", NULL);
		view_bool(v, "no_goals", c->ngoals < FUNNEL_STEPS_MIN);
		view_bool(v, "full", nf >= FUNNELS_MAX);
		view_int(v, "funnels_max", FUNNELS_MAX);
		view_str(v, "form_name", ff && ff->name ? ff->name : "");
		list = json_object_new_array();
		for (i = 0; i < FUNNEL_STEPS_MAX; i++) {
			o = json_object_new_object();
			snprintf(field_name, sizeof(field_name), "step%zu", i + 1);
			view_str(o, "field", field_name);
			view_int(o, "n", (long long)i + 1);
			view_bool(o, "required", i < FUNNEL_STEPS_MIN);
			opts = json_object_new_array();
			for (k = 0; k < c->ngoals; k++) {
				opt = json_object_new_object();
				view_int(opt, "id", c->goals[k].id);
				buf_reset(&b);
				goal_label(&c->goals[k], &b);
				view_str(opt, "label", b.ptr);
				view_bool(opt, "selected", ff && ff->step[i] == c->goals[k].id);
				json_object_array_add(opts, opt);
			}
			json_object_object_add(o, "options", opts);
			json_object_array_add(list, o);
		}
		json_object_object_add(v, "step_fields", list);
	}
	buf_release(&b);
	buf_release(&name);
	if (err) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	return render(c, resp, status, "dashboard/funnels.html", v);
}

int
h_funnels(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	const char *s = qparam(c, "funnel");
	long long show = 0;

	if (s != NULL && (show = id_parse(s)) == -1)
		return funnels_page(c, resp, 404, "There is no such funnel.", 0, NULL);
	return funnels_page(c, resp, 200, NULL, show, NULL);
}

/* Why the form's steps cannot make a funnel (NULL when they can); n and steps set. */
static const char *
steps_problem(struct ctx *c, struct funnel_form *ff, struct buf *why, size_t *n)
{
	const char *s;
	size_t i, gap = 0;
	char key[8];

	*n = 0;
	for (i = 0; i < FUNNEL_STEPS_MAX; i++) {
		snprintf(key, sizeof(key), "step%zu", i + 1);
		s = field(c, key, NULL);
		ff->step[i] = 0;
		if (*s == '\0') {
			if (gap == 0)
				gap = i + 1;
			continue;
		}
		if ((ff->step[i] = id_parse(s)) == -1 || goal_by_id(c, ff->step[i]) == NULL) {
			ff->step[i] = 0;
			buf_addf(why, "Step %zu is not one of this site's goals.", i + 1);
			return why->ptr;
		}
		if (gap != 0) {
			buf_addf(why, "Step %zu is empty: choose the steps in order and leave "
			    "only the last ones empty.", gap);
			return why->ptr;
		}
		if (i > 0 && ff->step[i] == ff->step[i - 1]) {
			buf_addf(why, "Steps %zu and %zu are the same goal: a step may not "
			    "repeat the one before it.", i, i + 1);
			return why->ptr;
		}
		*n = i + 1;
	}
	if (*n < FUNNEL_STEPS_MIN)
		return "A funnel needs at least two steps.";
	return NULL;
}

int
h_funnel_add(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf name = BUF_INIT, why = BUF_INIT, detail = BUF_INIT, loc = BUF_INIT;
	struct funnel_form ff;
	unsigned long long affected = 0, fid = 0;
	unsigned long gen;
	const char *s, *problem;
	char extra[40];
	size_t n, nsteps, i;
	int rc;

	if (post_params(c, resp, &rc) == -1)
		return rc;
	memset(&ff, 0, sizeof(ff));
	s = field(c, "name", &n);
	s = trim(s, &n);
	buf_add(&name, s, n);
	ff.name = plain_text(name.ptr, name.len) ? name.ptr : "";
	problem = steps_problem(c, &ff, &why, &nsteps);
	if (name.len == 0)
		problem = "Give the funnel a name.";
	else if (!plain_text(name.ptr, name.len))
		problem = "The name may not hold control characters.";
	else if (chars(name.ptr, name.len) > FUNNEL_NAME_MAX)
		problem = "The name is too long (at most 120 characters).";
	if (problem != NULL) {
		rc = funnels_page(c, resp, 400, problem, 0, &ff);
		goto out;
	}

	gen = db_generation(c->db);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_arg_int(&a, c->site.id);
	db_arg_str(&a, name.ptr, name.len);
	db_arg_int(&a, c->site.id);
	db_arg_int(&a, FUNNELS_MAX);
	if (gexec(c, gen, G_FUNNEL_ADD, &a, &affected, &fid) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	if (affected != 1) {
		db_rollback(c->db);
		rc = funnels_page(c, resp, 400, "This site has the most funnels it can have "
		    "(50). Delete one first.", 0, &ff);
		goto out;
	}
	for (i = 0; i < nsteps; i++) {
		db_args_reset(&a);
		db_arg_int(&a, (long long)i + 1);
		db_arg_uint(&a, fid);
		db_arg_int(&a, c->site.id);
		db_arg_int(&a, ff.step[i]);
		if (gexec(c, gen, G_STEP_ADD, &a, &affected, NULL) == -1) {
			db_rollback(c->db);
			rc = internal_error(c, resp);
			goto out;
		}
		if (affected != 1) {
			/* The goal was deleted since the page was read. */
			db_rollback(c->db);
			buf_reset(&why);
			buf_addf(&why, "The goal of step %zu does not exist any more.", i + 1);
			rc = funnels_page(c, resp, 400, why.ptr, 0, &ff);
			goto out;
		}
	}
	buf_addf(&detail, "%s: funnel %s (%zu steps)", c->site.domain, name.ptr, nsteps);
	if (audit(c, r, "funnel.add", detail.ptr) == -1 || commit(c, gen) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	snprintf(extra, sizeof(extra), "&funnel=%llu", fid);
	report_link(c, &loc, "/funnels", extra);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&name);
	buf_release(&why);
	buf_release(&detail);
	buf_release(&loc);
	return rc;
}

int
h_funnel_delete(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf name = BUF_INIT, detail = BUF_INIT, loc = BUF_INIT;
	struct gsel q;
	unsigned long long affected = 0;
	unsigned long gen;
	long long id;
	int rc, st;

	if (post_params(c, resp, &rc) == -1)
		return rc;
	if ((id = id_parse(field(c, "id", NULL))) == -1) {
		rc = funnels_page(c, resp, 404, "There is no such funnel (it may have been "
		    "deleted already).", 0, NULL);
		goto out;
	}
	gen = db_generation(c->db);
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_arg_int(&a, id);
	db_arg_int(&a, c->site.id);
	if ((st = gsel(c, G_FUNNEL_NAME, &a, &q)) == 0 && (st = db_fetch(&q.res)) == 1)
		buf_adds(&name, db_col(&q.res, 0, NULL) ? db_col(&q.res, 0, NULL) : "");
	gsel_done(&q);
	if (st == 1 && gexec(c, gen, G_FUNNEL_DELETE, &a, &affected, NULL) == -1)
		st = -1;
	if (st == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	if (st == 0 || affected != 1) {
		/* Missing, or another site's: the same answer. */
		db_rollback(c->db);
		rc = funnels_page(c, resp, 404, "There is no such funnel (it may have been "
		    "deleted already).", 0, NULL);
		goto out;
	}
	buf_addf(&detail, "%s: funnel %s", c->site.domain, name.ptr);
	if (audit(c, r, "funnel.delete", detail.ptr) == -1 || commit(c, gen) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	report_link(c, &loc, "/funnels", NULL);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&name);
	buf_release(&detail);
	buf_release(&loc);
	return rc;
}
