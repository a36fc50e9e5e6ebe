/*
 * sites: an organisation's sites: the list with each site's status, adding
 * one, its page with the tracking snippet and a live "waiting / receiving"
 * status, editing, and deleting it with its events and sessions.
 * Every query names the session's organisation; another organisation's
 * site answers 404 exactly like a missing one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "valid.h"
#include "account.h"

#define SITES_MAX	1000	/* per organisation */
#define TZ_NAME_MAX	64	/* sites.timezone */
#define TZ_DIR		"/usr/share/zoneinfo/"
#define ORIGINS_MAX	20
#define ORIGIN_LEN_MAX	300
#define ORIGINS_COL_MAX	2000	/* sites.allowed_origins */
#define DELETE_CHUNK	5000	/* rows per DELETE: short locks, small undo */
#define DELETE_BUDGET	20	/* seconds of deleting per request, then "continue" */
#define STATUS_REFRESH	"10"	/* seconds, while waiting for the first event */

/* A site row of the session's organisation, as SITE_GET returns it. */
struct site_row {
	unsigned long long	 id;
	struct buf		 domain;
	struct buf		 key;
	struct buf		 tz;
	struct buf		 origins;
	int			 enabled;
	struct buf		 last;	/* "" while no event exists */
};

static void
site_row_free(struct site_row *s)
{
	buf_release(&s->domain);
	buf_release(&s->key);
	buf_release(&s->tz);
	buf_release(&s->origins);
	buf_release(&s->last);
}

/* A positive decimal id; 0 when s is not one. */
static unsigned long long
id_parse(const char *s, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	if (s == NULL || n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 0xffffffffULL ? v : 0;
}

/* The id a request names: the form's on a POST, the query's on a GET. */
static unsigned long long
request_id(struct req *r, struct ctx *c)
{
	const char *s;
	size_t n;

	if (r->method == METHOD_POST)
		s = kv_get(&c->form, "id", &n);
	else
		s = kv_get(&r->args, "id", &n);
	return s ? id_parse(s, n) : 0;
}

/*
 * Load site id of the session's organisation into s (which the caller
 * frees): 1 when found, 0 when missing or another organisation's, -1 on
 * a database error.
 */
static int
site_get(struct ctx *c, unsigned long long id, struct site_row *s)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	const char *v;
	int rc;

	*s = (struct site_row){ 0, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, 0, BUF_INIT };
	if (id == 0)
		return 0;
	db_arg_uint(&a, id);
	db_arg_int(&a, c->sess.org_id);
	if ((rc = db_select_idx(c->db, STMT_SITE_GET, &a, &res)) == 0 &&
	    (rc = db_fetch(&res)) == 1) {
		s->id = id;
		buf_adds(&s->domain, (v = db_col(&res, 1, NULL)) ? v : "");
		buf_adds(&s->key, (v = db_col(&res, 2, NULL)) ? v : "");
		buf_adds(&s->tz, (v = db_col(&res, 3, NULL)) ? v : "");
		buf_adds(&s->origins, (v = db_col(&res, 4, NULL)) ? v : "");
		s->enabled = db_col_int(&res, 5, 0) != 0;
		buf_adds(&s->last, (v = db_col(&res, 6, NULL)) ? v : "");
	}
	db_res_free(&res);
	db_args_free(&a);
	return rc;
}

long long
stmt_count(struct ctx *c, enum stmt st, struct db_args *a)
{
	struct db_res res;
	long long n = -1;
	int rc;

	if (db_select_idx(c->db, st, a, &res) == 0 && (rc = db_fetch(&res)) >= 0)
		n = rc == 1 ? db_col_int(&res, 0, 0) : 0;
	db_res_free(&res);
	return n;
}

static int
not_found(struct ctx *c, struct resp *resp)
{
	return message(c, resp, 404, "Not found", "There is no such site.",
	    "/account/sites", "Back to your sites");
}

/* ------------------------------------------------------- validation */

static void
lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

/* The domain lower-cased into out; 1 when it is a host name. */
static int
domain_normalise(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	trim(&s, &n);
	if (n == 0 || n > 253 || !valid_hostname(s, n))
		return 0;
	buf_add(out, s, n);
	lower(out->ptr, out->len);
	return 1;
}

/*
 * A time zone of the system's database: a name of [A-Za-z0-9_+/-]
 * without "..", naming a TZif file under TZ_DIR.  UTC is always known.
 */
static int
timezone_ok(const char *s, size_t n)
{
	struct buf path = BUF_INIT;
	struct stat st;
	char magic[4];
	int fd, ok = 0;

	if (n == 3 && memcmp(s, "UTC", 3) == 0)
		return 1;
	/* No dot at all, so no ".." step; no leading '/', so no absolute path. */
	if (n == 0 || n > TZ_NAME_MAX || s[0] == '/' || strstr(s, "//") != NULL ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/-") != n)
		return 0;
	buf_adds(&path, TZ_DIR);
	buf_add(&path, s, n);
	if ((fd = open(path.ptr, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) != -1) {
		ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
		close(fd);
	}
	buf_release(&path);
	return ok;
}

/*
 * One origin, lower-cased and without a default port, appended to out:
 * http(s)://host[:port], nothing after.  1 when it is one.
 */
static int
origin_add(struct buf *out, const char *s, size_t n)
{
	const char *host, *port;
	size_t scheme, hlen, plen, i;
	unsigned long p = 0;
	int https;

	if (n > ORIGIN_LEN_MAX)
		return 0;
	if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else
		return 0;
	https = scheme == 8;
	host = s + scheme;
	hlen = 0;
	while (scheme + hlen < n && host[hlen] != ':')
		hlen++;
	if (!valid_hostname(host, hlen))
		return 0;
	port = host + hlen;
	plen = n - scheme - hlen;
	if (plen > 0) {
		if (plen < 2 || plen > 6)
			return 0;
		for (i = 1; i < plen; i++) {
			if (port[i] < '0' || port[i] > '9')
				return 0;
			p = p * 10 + (unsigned long)(port[i] - '0');
		}
		if (p == 0 || p > 65535)
			return 0;
	}
	if (out->len > 0)
		buf_addch(out, ' ');
	buf_adds(out, https ? "https://" : "http://");
	buf_add(out, host, hlen);
	lower(out->ptr + out->len - hlen, hlen);
	/* Browsers leave a default port out of Origin; so does the list. */
	if (p != 0 && p != (https ? 443UL : 80UL))
		buf_addf(out, ":%lu", p);
	return 1;
}

/* 1 when the space-separated list holds the origin o. */
static int
origin_listed(const struct buf *list, size_t before, const char *o, size_t n)
{
	const char *p = list->ptr, *end = list->ptr + before, *e;

	while (p < end) {
		e = memchr(p, ' ', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if ((size_t)(e - p) == n && memcmp(p, o, n) == 0)
			return 1;
		p = e + 1;
	}
	return 0;
}

/*
 * The allowed origins, separated by spaces, commas or line breaks, as one
 * space-separated list into out.  0, or -1 with the reason in err.
 */
static int
origins_parse(struct buf *out, struct buf *err, const char *s, size_t n)
{
	size_t i = 0, start, len, before, count = 0;

	buf_reset(out);
	buf_reset(err);
	while (i < n) {
		while (i < n && strchr(" \t\r\n,", s[i]) != NULL)
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && strchr(" \t\r\n,", s[i]) == NULL)
			i++;
		len = i - start;
		before = out->len;
		if (++count > ORIGINS_MAX) {
			buf_addf(err, "At most %d allowed origins, please.", ORIGINS_MAX);
			return -1;
		}
		if (!origin_add(out, s + start, len)) {
			buf_adds(err, "Not an origin: “");
			buf_add(err, s + start, valid_utf8_cut(s + start, len, 80));
			buf_adds(err, "”. Write each as https://host or https://host:port, "
			    "without a path.");
			return -1;
		}
		/* A repeated origin is dropped. */
		len = out->len - before - (before > 0);
		if (origin_listed(out, before, out->ptr + out->len - len, len)) {
			buf_setlen(out, before);
			count--;
		}
	}
	if (out->len > ORIGINS_COL_MAX) {
		buf_adds(err, "The allowed origins are too long (2000 characters at most).");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- pages */

/* The form of sites/new and site/edit; id 0 for a new site. */
static int
site_form(struct ctx *c, struct resp *resp, int status, unsigned long long id,
    const char *err, const char *domain, const char *tz, const char *origins)
{
	json_object *v = view_new(c, resp, id ? "Edit site" : "Add a site");

	view_str(v, "nav", "sites");
	if (err != NULL)
		view_str(v, "error", err);
	if (id)
		json_object_object_add(v, "id", json_object_new_int64((long long)id));
	view_str(v, "domain", domain);
	view_str(v, "timezone", tz);
	view_str(v, "origins", origins);
	return render(c, resp, status, "account/site_form.html", v);
}

/* The stored list with one origin a line, for the textarea. */
static void
origins_lines(struct buf *out, const char *list)
{
	size_t i;

	buf_reset(out);
	buf_adds(out, list);
	for (i = 0; i < out->len; i++)
		if (out->ptr[i] == ' ')
			out->ptr[i] = '\n';
}

int
h_sites(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	json_object *v, *list, *row;
	const char *s;
	int rc;

	v = view_new(c, resp, "Sites");
	view_str(v, "nav", "sites");
	json_object_object_add(v, "can_admin",
	    json_object_new_boolean(role_at_least(&c->sess, "admin")));
	list = json_object_new_array();
	json_object_object_add(v, "sites", list);
	db_arg_int(&a, c->sess.org_id);
	if (db_select_idx(c->db, STMT_SITES_OF_ORG, &a, &res) == -1) {
		db_res_free(&res);
		db_args_free(&a);
		json_object_put(v);
		return internal_error(c, resp);
	}
	while ((rc = db_fetch(&res)) == 1) {
		row = json_object_new_object();
		json_object_object_add(row, "id", json_object_new_int64(db_col_int(&res, 0, 0)));
		view_str(row, "domain", (s = db_col(&res, 1, NULL)) ? s : "");
		view_str(row, "timezone", (s = db_col(&res, 2, NULL)) ? s : "");
		json_object_object_add(row, "disabled",
		    json_object_new_boolean(db_col_int(&res, 3, 1) == 0));
		view_str(row, "last_event", (s = db_col(&res, 4, NULL)) ? s : "");
		json_object_array_add(list, row);
	}
	db_res_free(&res);
	db_args_free(&a);
	if (rc == -1) {
		json_object_put(v);
		return internal_error(c, resp);
	}
	json_object_object_add(v, "any",
	    json_object_new_boolean(json_object_array_length(list) > 0));
	return render(c, resp, 200, "account/sites.html", v);
}

int
h_site_new(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct buf domain = BUF_INIT, origins = BUF_INIT, err = BUF_INIT, loc = BUF_INIT;
	const char *d, *tz, *o;
	size_t dlen, tzlen, olen;
	unsigned long long id = 0;
	long long count;
	char key[32];
	int rc;

	if (r->method != METHOD_POST)
		return site_form(c, resp, 200, 0, NULL, "", "UTC", "");
	d = field(c, "domain", &dlen);
	tz = field(c, "timezone", &tzlen);
	o = field(c, "origins", &olen);
	trim(&tz, &tzlen);
	if (!domain_normalise(&domain, d, dlen)) {
		rc = site_form(c, resp, 422, 0, "Enter the site's domain, like example.com "
		    "(letters, digits, dots and hyphens; no https:// and no path).", d, tz, o);
		goto out;
	}
	if (!timezone_ok(tz, tzlen)) {
		rc = site_form(c, resp, 422, 0, "Choose a time zone by its name, like UTC or "
		    "Europe/Berlin.", domain.ptr, tz, o);
		goto out;
	}
	if (origins_parse(&origins, &err, o, olen) == -1) {
		rc = site_form(c, resp, 422, 0, err.ptr, domain.ptr, tz, o);
		goto out;
	}
	db_arg_int(&a, c->sess.org_id);
	if ((count = stmt_count(c, STMT_SITE_COUNT, &a)) < 0) {
		rc = internal_error(c, resp);
		goto out;
	}
	if (count >= SITES_MAX) {
		rc = site_form(c, resp, 422, 0, "This organisation has too many sites "
		    "(1000). Delete one first.", domain.ptr, tz, o);
		goto out;
	}
	if (crypt_token(key, sizeof(key), 16) == -1 || db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, c->sess.org_id);
	db_arg_strz(&a, domain.ptr);
	db_arg_strz(&a, key);
	db_arg_str(&a, tz, tzlen);
	db_arg_strz(&a, origins.ptr);
	if (db_exec(c->db, db_stmt(c->db, STMT_SITE_ADD), &a, NULL, &id) == -1) {
		unsigned e = db_errno(c->db);

		db_rollback(c->db);
		if (e == 1062)	/* ER_DUP_ENTRY: the domain (a key collision is 2^-128) */
			rc = site_form(c, resp, 422, 0, "That domain is already registered "
			    "in TrackR.", domain.ptr, tz, o);
		else
			rc = internal_error(c, resp);
		goto out;
	}
	if (audit(c, r, c->sess.org_id, c->sess.user_id, "site.added", domain.ptr) == -1 ||
	    db_commit(c->db) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	buf_addf(&loc, "/account/site?id=%llu", id);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&loc);
	buf_release(&err);
	buf_release(&origins);
	buf_release(&domain);
	return rc;
}

int
h_site(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct site_row s;
	struct buf snippet = BUF_INIT;
	json_object *v, *site, *list;
	const char *p, *e, *base = c->app->base_url;
	size_t blen = strlen(base);
	int rc;

	if ((rc = site_get(c, request_id(r, c), &s)) != 1) {
		site_row_free(&s);
		return rc == 0 ? not_found(c, resp) : internal_error(c, resp);
	}
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	/* The README's snippet; shown as text in a <pre>, so it is escaped there. */
	buf_adds(&snippet, "<script defer src=\"");
	buf_add(&snippet, base, blen);
	buf_addf(&snippet, "/t.js\" data-site=\"%s\"></script>", s.key.ptr);

	v = view_new(c, resp, s.domain.ptr);
	view_str(v, "nav", "sites");
	json_object_object_add(v, "can_admin",
	    json_object_new_boolean(role_at_least(&c->sess, "admin")));
	site = json_object_new_object();
	json_object_object_add(site, "id", json_object_new_int64((long long)s.id));
	view_str(site, "domain", s.domain.ptr);
	view_str(site, "timezone", s.tz.ptr);
	view_str(site, "key", s.key.ptr);
	json_object_object_add(site, "disabled", json_object_new_boolean(!s.enabled));
	list = json_object_new_array();
	for (p = s.origins.ptr; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, " ");
		if (e > p)
			json_object_array_add(list, json_object_new_string_len(p, (int)(e - p)));
	}
	json_object_object_add(site, "origins", list);
	json_object_object_add(v, "site", site);
	view_str(v, "snippet", snippet.ptr);
	if (s.last.len > 0)
		view_str(v, "last_event", s.last.ptr);
	else if (s.enabled)
		view_str(v, "refresh", STATUS_REFRESH);	/* no script: the page reloads itself */
	buf_release(&snippet);
	site_row_free(&s);
	return render(c, resp, 200, "account/site.html", v);
}

int
h_site_edit(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct site_row s;
	struct buf domain = BUF_INIT, origins = BUF_INIT, err = BUF_INIT, loc = BUF_INIT;
	const char *d, *tz, *o;
	size_t dlen, tzlen, olen;
	int rc;

	if ((rc = site_get(c, request_id(r, c), &s)) != 1) {
		rc = rc == 0 ? not_found(c, resp) : internal_error(c, resp);
		goto out;
	}
	if (r->method != METHOD_POST) {
		origins_lines(&origins, s.origins.ptr);
		rc = site_form(c, resp, 200, s.id, NULL, s.domain.ptr, s.tz.ptr, origins.ptr);
		goto out;
	}
	d = field(c, "domain", &dlen);
	tz = field(c, "timezone", &tzlen);
	o = field(c, "origins", &olen);
	trim(&tz, &tzlen);
	if (!domain_normalise(&domain, d, dlen)) {
		rc = site_form(c, resp, 422, s.id, "Enter the site's domain, like example.com "
		    "(letters, digits, dots and hyphens; no https:// and no path).", d, tz, o);
		goto out;
	}
	if (!timezone_ok(tz, tzlen)) {
		rc = site_form(c, resp, 422, s.id, "Choose a time zone by its name, like UTC or "
		    "Europe/Berlin.", domain.ptr, tz, o);
		goto out;
	}
	if (origins_parse(&origins, &err, o, olen) == -1) {
		rc = site_form(c, resp, 422, s.id, err.ptr, domain.ptr, tz, o);
		goto out;
	}
	if (db_begin(c->db) == -1) {
		rc = internal_error(c, resp);
		goto out;
	}
	db_arg_strz(&a, domain.ptr);
	db_arg_str(&a, tz, tzlen);
	db_arg_strz(&a, origins.ptr);
	db_arg_uint(&a, s.id);
	db_arg_int(&a, c->sess.org_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_SITE_UPDATE), &a, NULL, NULL) == -1) {
		unsigned e = db_errno(c->db);

		db_rollback(c->db);
		if (e == 1062)
			rc = site_form(c, resp, 422, s.id, "That domain is already registered "
			    "in TrackR.", domain.ptr, tz, o);
		else
			rc = internal_error(c, resp);
		goto out;
	}
	buf_reset(&err);
	if (strcmp(s.domain.ptr, domain.ptr) != 0)
		buf_addf(&err, "%s → %s", s.domain.ptr, domain.ptr);
	else
		buf_adds(&err, domain.ptr);
	if (audit(c, r, c->sess.org_id, c->sess.user_id, "site.edited", err.ptr) == -1 ||
	    db_commit(c->db) == -1) {
		db_rollback(c->db);
		rc = internal_error(c, resp);
		goto out;
	}
	buf_addf(&loc, "/account/site?id=%llu", s.id);
	rc = redirect(resp, loc.ptr);
out:
	db_args_free(&a);
	buf_release(&loc);
	buf_release(&err);
	buf_release(&origins);
	buf_release(&domain);
	site_row_free(&s);
	return rc;
}

static int
delete_page(struct ctx *c, struct resp *resp, int status, const struct site_row *s,
    const char *err, int unfinished)
{
	json_object *v = view_new(c, resp, "Delete site");

	view_str(v, "nav", "sites");
	json_object_object_add(v, "id", json_object_new_int64((long long)s->id));
	view_str(v, "domain", s->domain.ptr);
	if (err != NULL)
		view_str(v, "error", err);
	json_object_object_add(v, "unfinished", json_object_new_boolean(unfinished));
	return render(c, resp, status, "account/site_delete.html", v);
}

/*
 * Delete rows of stmt (a chunked DELETE naming the site and the
 * organisation) until none is left or the deadline passes: 1 when done,
 * 0 when out of time, -1 on error.  Each chunk commits on its own, so
 * the collector's writer never waits long behind it.
 */
static int
delete_chunks(struct ctx *c, enum stmt st, unsigned long long id, time_t deadline)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n;
	int rc = 1;

	db_arg_uint(&a, id);
	db_arg_int(&a, c->sess.org_id);
	db_arg_int(&a, DELETE_CHUNK);
	do {
		if (time(NULL) >= deadline) {
			rc = 0;
			break;
		}
		n = 0;
		if (db_exec(c->db, db_stmt(c->db, st), &a, &n, NULL) == -1) {
			rc = -1;
			break;
		}
	} while (n >= DELETE_CHUNK);
	db_args_free(&a);
	return rc;
}

/*
 * GET asks to type the domain; POST checks it, disables the site (so an
 * interrupted deletion leaves a disabled site to delete again, never
 * orphaned rows), deletes its events, sessions and batch ids in chunks,
 * then the site itself.
 */
int
h_site_delete(struct req *r, struct resp *resp)
{
	struct ctx *c = r->thread;
	struct db_args a = DB_ARGS_INIT;
	struct site_row s;
	struct buf typed = BUF_INIT;
	const char *t;
	size_t tlen;
	unsigned long long n = 0;
	time_t deadline = time(NULL) + DELETE_BUDGET;
	int rc;

	if ((rc = site_get(c, request_id(r, c), &s)) != 1) {
		rc = rc == 0 ? not_found(c, resp) : internal_error(c, resp);
		goto out;
	}
	if (r->method != METHOD_POST) {
		rc = delete_page(c, resp, 200, &s, NULL, 0);
		goto out;
	}
	t = field(c, "confirm_domain", &tlen);
	trim(&t, &tlen);
	buf_add(&typed, t, tlen);
	lower(typed.ptr, typed.len);
	if (strcmp(typed.ptr, s.domain.ptr) != 0) {
		rc = delete_page(c, resp, 422, &s, "Type the site's domain exactly to "
		    "confirm. Nothing was deleted.", 0);
		goto out;
	}
	db_arg_uint(&a, s.id);
	db_arg_int(&a, c->sess.org_id);
	if (db_exec(c->db, db_stmt(c->db, STMT_SITE_DISABLE), &a, NULL, NULL) == -1)
		goto fail;
	if ((rc = delete_chunks(c, STMT_SITE_EVENTS_DELETE, s.id, deadline)) == 1 &&
	    (rc = delete_chunks(c, STMT_SITE_SESSIONS_DELETE, s.id, deadline)) == 1)
		rc = delete_chunks(c, STMT_SITE_BATCHES_DELETE, s.id, deadline);
	if (rc == -1)
		goto fail;
	if (rc == 0) {
		rc = delete_page(c, resp, 200, &s, NULL, 1);
		goto out;
	}
	if (db_begin(c->db) == -1)
		goto fail;
	if (db_exec(c->db, db_stmt(c->db, STMT_SITE_DELETE), &a, &n, NULL) == -1 ||
	    (n == 1 && audit(c, r, c->sess.org_id, c->sess.user_id, "site.deleted",
	    s.domain.ptr) == -1) || db_commit(c->db) == -1) {
		db_rollback(c->db);
		goto fail;
	}
	rc = redirect(resp, "/account/sites");
	goto out;
fail:
	rc = internal_error(c, resp);
out:
	db_args_free(&a);
	buf_release(&typed);
	site_row_free(&s);
	return rc;
}
