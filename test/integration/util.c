/*
 * util: HTTP, database and assertion helpers for the integration suites.
 * Nothing here knows about one program; the suites hold their own SQL.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>

#include "util.h"

static const char	*base_url;
static const char	*default_iface;

int
it_init(void)
{
	static struct buf url = BUF_INIT;
	const char *u = getenv("TRACKR_URL");

	if (u == NULL || *u == '\0') {
		fprintf(stderr, "TRACKR_URL is not set: run this through "
		    "`scripts/trackr test`, or set it to the stack's base URL\n");
		return -1;
	}
	buf_reset(&url);
	buf_adds(&url, u);
	while (url.len > 0 && url.ptr[url.len - 1] == '/')
		buf_setlen(&url, url.len - 1);
	base_url = url.ptr;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "curl_global_init failed\n");
		return -1;
	}
	return 0;
}

void
it_shutdown(void)
{
	curl_global_cleanup();
}

const char *
it_url(void)
{
	return base_url;
}

void
it_set_iface(const char *addr)
{
	default_iface = addr;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct buf *head = arg;

	/* Keep only the last response's headers (after a 100 Continue, say). */
	if (size * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		buf_reset(head);
	buf_add(head, p, size * n);
	return size * n;
}

int
it_http(const struct it_req *rq, struct it_resp *out)
{
	struct curl_slist *hdrs = NULL;
	struct buf url = BUF_INIT, line = BUF_INIT;
	const char *method = rq->method, *iface, *ip = NULL;
	CURL *h;
	CURLcode cc;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&out->head, 0);
	buf_init(&out->body, 0);
	if ((h = curl_easy_init()) == NULL) {
		fprintf(stderr, "curl_easy_init failed\n");
		return -1;
	}
	if (method == NULL)
		method = rq->body != NULL ? "POST" : "GET";
	buf_adds(&url, base_url);
	buf_adds(&url, rq->path);
	curl_easy_setopt(h, CURLOPT_URL, url.ptr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ? rq->timeout_ms : 60000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &out->head);
	if ((iface = rq->iface ? rq->iface : default_iface) != NULL)
		curl_easy_setopt(h, CURLOPT_INTERFACE, iface);

	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (rq->body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
	}
	/* Exactly the headers asked for: curl adds its own otherwise. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	buf_reset(&line);
	if (rq->ctype != NULL)
		buf_addf(&line, "Content-Type: %s", rq->ctype);
	else
		buf_adds(&line, "Content-Type:");
	hdrs = curl_slist_append(hdrs, line.ptr);
	if (rq->ua == NULL || *rq->ua != '\0')
		curl_easy_setopt(h, CURLOPT_USERAGENT, rq->ua ? rq->ua : IT_UA_CHROME);
	else
		hdrs = curl_slist_append(hdrs, "User-Agent:");
	if (rq->origin != NULL) {
		buf_reset(&line);
		buf_addf(&line, "Origin: %s", rq->origin);
		hdrs = curl_slist_append(hdrs, line.ptr);
	}
	if (rq->referer != NULL)
		curl_easy_setopt(h, CURLOPT_REFERER, rq->referer);
	for (i = 0; i < sizeof(rq->extra) / sizeof(rq->extra[0]) && rq->extra[i]; i++)
		hdrs = curl_slist_append(hdrs, rq->extra[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		fprintf(stderr, "%s %s: %s\n", method, url.ptr, curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(h, CURLINFO_LOCAL_IP, &ip) == CURLE_OK && ip != NULL)
		snprintf(out->local_ip, sizeof(out->local_ip), "%s", ip);
	rc = 0;
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	buf_release(&line);
	buf_release(&url);
	return rc;
}

void
it_resp_free(struct it_resp *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
}

int
it_header(const struct it_resp *r, const char *name, struct buf *val)
{
	const char *p = r->head.ptr, *eol, *v, *end;
	size_t n = strlen(name);
	int found = 0;

	buf_reset(val);
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) <= n || p[n] != ':' || strncasecmp(p, name, n) != 0)
			continue;
		for (v = p + n + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (end = eol; end > v && (end[-1] == '\r' || end[-1] == ' '); end--)
			;
		if (found++ == 0)
			buf_add(val, v, (size_t)(end - v));
	}
	return found;
}

json_object *
it_json(const struct it_resp *r)
{
	if (r->body.len == 0)
		return NULL;
	return json_tokener_parse(r->body.ptr);
}

int
it_json_true(const struct it_resp *r, const char *key)
{
	json_object *o = it_json(r), *v;
	int yes = 0;

	if (o != NULL && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_boolean))
		yes = json_object_get_boolean(v);
	json_object_put(o);
	return yes;
}

long long
it_json_int(const struct it_resp *r, const char *key, long long def)
{
	json_object *o = it_json(r), *v;
	long long n = def;

	if (o != NULL && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		n = json_object_get_int64(v);
	json_object_put(o);
	return n;
}

struct db *
it_db_open(struct conf *c, const char *const *stmts, size_t n)
{
	const char *path = getenv("TRACKR_CONF");
	struct db *db;

	if (path == NULL || *path == '\0') {
		fprintf(stderr, "TRACKR_CONF is not set: it names the test stack's trackr.conf\n");
		return NULL;
	}
	if (conf_load(c, path) == -1) {
		fprintf(stderr, "cannot read %s\n", path);
		return NULL;
	}
	if ((db = db_open(c, stmts, n, 0)) == NULL)
		fprintf(stderr, "cannot connect to the database named in %s\n", path);
	return db;
}

static long long
db_int_once(struct db *db, MYSQL_STMT *st, struct db_args *args, long long def)
{
	struct db_res r;
	long long v = -1;

	if (st == NULL)
		return -1;
	if (db_select(db, st, args, &r) == 0) {
		switch (db_fetch(&r)) {
		case 1:
			v = db_col_int(&r, 0, def);
			break;
		case 0:
			v = def;
			break;
		}
	}
	db_res_free(&r);
	return v;
}

long long
it_db_int(struct db *db, size_t i, struct db_args *args, long long def)
{
	long long v = db_int_once(db, db_stmt(db, i), args, def);

	/* After the server restarted, the first use finds the connection gone. */
	if (v == -1 && !db_alive(db) && db_ensure(db) == 0)
		v = db_int_once(db, db_stmt(db, i), args, def);
	return v;
}

long long
it_db_insert(struct db *db, size_t i, struct db_args *args)
{
	unsigned long long id = 0;

	if (db_exec(db, db_stmt(db, i), args, NULL, &id) == -1)
		return -1;
	return (long long)id;
}

long long
it_site_add(struct db *db, size_t i, long long org, const char *domain, char key[23])
{
	struct db_args a = DB_ARGS_INIT;
	char k[23];
	long long id;

	it_token(k, 22);
	if (key != NULL)
		memcpy(key, k, sizeof(k));
	db_arg_int(&a, org);
	db_arg_strz(&a, domain);
	db_arg_strz(&a, k);
	id = it_db_insert(db, i, &a);
	db_args_free(&a);
	return id;
}

int
it_mail_token(struct db *db, size_t i, const char *addr, char tok[64])
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	const char *body, *p;
	size_t n;
	int ok = 0;

	tok[0] = '\0';
	db_arg_strz(&a, addr);
	if (db_select(db, db_stmt(db, i), &a, &r) == 0 && db_fetch(&r) == 1 &&
	    (body = db_col(&r, 0, NULL)) != NULL && (p = strstr(body, "token=")) != NULL) {
		p += 6;
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
		if (n > 0 && n < 64) {
			memcpy(tok, p, n);
			tok[n] = '\0';
			ok = 1;
		}
	}
	db_res_free(&r);
	db_args_free(&a);
	return ok;
}

/* Sign up as j and follow the verification link with j; 1 when both answered 200. */
static int
signup_verify(struct db *db, size_t i, struct it_jar *j, const char *email, const char *org,
    const char *pw)
{
	struct it_resp r;
	struct buf path = BUF_INIT;
	char tok[64];
	int ok;

	it_signup(j, email, org, pw, &r);
	ok = r.status == 200 && it_mail_token(db, i, email, tok);
	it_resp_free(&r);
	if (ok) {
		buf_addf(&path, "/verify?token=%s", tok);
		it_get(j, path.ptr, &r);
		ok = r.status == 200;
		it_resp_free(&r);
	}
	buf_release(&path);
	return ok;
}

int
it_verified_user(struct db *db, size_t i, const char *iface, const char *email,
    const char *org, const char *pw)
{
	struct it_jar j = IT_JAR_INIT;
	int ok;

	j.iface = iface;
	ok = signup_verify(db, i, &j, email, org, pw);
	it_jar_free(&j);
	return ok;
}

int
it_signed_in(struct db *db, size_t i, struct it_jar *j, const char *email, const char *org,
    const char *pw)
{
	struct it_resp r;
	int ok = signup_verify(db, i, j, email, org, pw);

	if (ok) {
		it_login(j, email, pw, NULL, &r);
		ok = r.status == 303 && j->session.len > 0;
		it_resp_free(&r);
	}
	return ok;
}

int
it_rollup(void)
{
	const char *ctl = getenv("TRACKR_CTL"), *cf = getenv("TRACKR_CONF");
	char *argv[5];
	pid_t pid;
	int st;

	if (ctl == NULL || *ctl == '\0')
		ctl = "var/build/cgi/ctl/trackrctl";
	argv[0] = (char *)ctl;
	argv[1] = (char *)"-c";
	argv[2] = (char *)cf;
	argv[3] = (char *)"rollup";
	argv[4] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execv(ctl, argv);
		fprintf(stderr, "%s: %s\n", ctl, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Backquote a name read from information_schema. */
static void
add_ident(struct buf *b, const char *s)
{
	buf_addch(b, '`');
	for (; *s; s++) {
		if (*s == '`')
			buf_addch(b, '`');
		buf_addch(b, *s);
	}
	buf_addch(b, '`');
}

static int
scan_once(struct db *db, const char *const *needles, const size_t *nlen,
    size_t nneedles, struct buf *hits)
{
	static const char columns_sql[] =
	    "SELECT c.table_name, c.column_name FROM information_schema.columns c "
	    "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
	    "AND t.table_name = c.table_name "
	    "WHERE c.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' "
	    "AND c.data_type IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', "
	    "'longtext', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', "
	    "'longblob', 'json', 'enum', 'set') ORDER BY c.table_name, c.column_name";
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	struct buf names = BUF_INIT, sql = BUF_INIT;
	MYSQL_STMT *st, *q;
	const char *p, *tab, *col;
	size_t k;
	long long n;
	int rc = -1, row, found = 0;

	buf_reset(hits);
	if ((st = db_prepare(db, columns_sql)) == NULL)
		return -1;
	/* Read all names first: one statement at a time on a connection. */
	if (db_select(db, st, NULL, &r) == -1) {
		db_res_free(&r);
		goto out;
	}
	while ((row = db_fetch(&r)) == 1) {
		buf_adds(&names, db_col(&r, 0, NULL));
		buf_addch(&names, '\0');
		buf_adds(&names, db_col(&r, 1, NULL));
		buf_addch(&names, '\0');
	}
	db_res_free(&r);
	if (row == -1)
		goto out;
	for (p = names.ptr; p < names.ptr + names.len; p = col + strlen(col) + 1) {
		tab = p;
		col = tab + strlen(tab) + 1;
		/*
		 * Table and column names come from information_schema, not from
		 * input, and each is quoted; the needle is a bound argument.
		 */
		buf_reset(&sql);
		buf_adds(&sql, "SELECT COUNT(*) FROM ");
		add_ident(&sql, tab);
		buf_adds(&sql, " WHERE LOCATE(?, CAST(");
		add_ident(&sql, col);
		buf_adds(&sql, " AS BINARY)) > 0");
		if ((q = db_prepare(db, sql.ptr)) == NULL)
			goto out;
		for (k = 0; k < nneedles; k++) {
			db_args_reset(&a);
			db_arg_blob(&a, needles[k], nlen[k]);
			if ((n = db_int_once(db, q, &a, 0)) == -1) {
				mysql_stmt_close(q);
				goto out;
			}
			if (n > 0) {
				buf_addf(hits, "%s.%s (%lld rows, needle %zu)\n", tab, col, n, k);
				found++;
				break;
			}
		}
		mysql_stmt_close(q);
	}
	rc = found;
out:
	mysql_stmt_close(st);
	db_args_free(&a);
	buf_release(&sql);
	buf_release(&names);
	return rc;
}

int
it_db_scan(struct db *db, const char *const *needles, const size_t *nlen,
    size_t nneedles, struct buf *hits)
{
	int rc = scan_once(db, needles, nlen, nneedles, hits);

	/* After the server restarted, the first use finds the connection gone. */
	if (rc == -1 && !db_alive(db) && db_ensure(db) == 0)
		rc = scan_once(db, needles, nlen, nneedles, hits);
	return rc;
}

void
it_token(char *out, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[256];
	size_t i, got = 0;
	ssize_t k;
	int fd;

	while (got < n) {
		size_t want = n - got < sizeof(r) ? n - got : sizeof(r);

		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1 ||
		    (k = read(fd, r, want)) <= 0) {
			fprintf(stderr, "cannot read /dev/urandom\n");
			abort();
		}
		close(fd);
		for (i = 0; i < (size_t)k; i++)
			out[got++] = abc[r[i] & 63];
	}
	out[n] = '\0';
}

int
it_check(int ok, unsigned line, const char *file, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, "", file, "", CU_FALSE);
		return 1;
	}
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	/* CUnit copies the text into its failure record. */
	CU_assertImplementation(CU_FALSE, line, msg.ptr, file, "", CU_FALSE);
	buf_release(&msg);
	return 0;
}

long
it_number(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' ? v : -1;
}

/* The Set-Cookie line for name= in r, whole, into out; 1 when present. */
int
it_set_cookie(const struct it_resp *r, const char *name, struct buf *out)
{
	const char *p = r->head.ptr, *eol;
	size_t n = strlen(name);

	buf_reset(out);
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (strncasecmp(p, "Set-Cookie: ", 12) != 0 ||
		    strncmp(p + 12, name, n) != 0 || p[12 + n] != '=')
			continue;
		buf_add(out, p + 12, (size_t)(eol - p - 12));
		while (out->len > 0 && (out->ptr[out->len - 1] == '\r'))
			buf_setlen(out, out->len - 1);
		return 1;
	}
	return 0;
}

int
it_cookie(const struct it_resp *r, const char *name, struct buf *out)
{
	struct buf line = BUF_INIT;
	size_t n;
	int st = 0;

	buf_reset(out);
	if (!it_set_cookie(r, name, &line))
		goto out;
	st = 2;
	if (strstr(line.ptr, "Max-Age=0") != NULL)
		goto out;
	st = 1;
	n = strcspn(line.ptr, ";");
	buf_add(out, line.ptr + strlen(name) + 1, n - strlen(name) - 1);
out:
	buf_release(&line);
	return st;
}

int
it_csp_ok(const struct it_resp *r)
{
	struct buf v = BUF_INIT;
	const char *p, *end, *dir = NULL, *def = NULL;
	size_t dlen = 0, deflen = 0, n;
	int ok = 0;

	if (it_header(r, "Content-Security-Policy", &v) != 1)
		goto out;
	for (p = v.ptr; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ";");
		while (*p == ' ')
			p++;
		n = (size_t)(end - p);
		if (n >= 10 && strncmp(p, "script-src", 10) == 0 && (p[10] == ' ' || n == 10))
			dir = p, dlen = n;
		else if (n >= 11 && strncmp(p, "default-src", 11) == 0)
			def = p, deflen = n;
	}
	if (dir == NULL)
		dir = def, dlen = deflen;
	if (dir == NULL)
		goto out;
	ok = 1;
	for (p = dir; p + 8 <= dir + dlen; p++)
		if (strncmp(p, "'unsafe-", 8) == 0)
			ok = 0;
out:
	buf_release(&v);
	return ok;
}

/* The CSRF token of the first form in a page into tok (65 bytes); 1 when found. */
int
it_csrf_of(const struct it_resp *r, char tok[65])
{
	const char *p = strstr(r->body.ptr, "name=\"csrf\" value=\"");

	tok[0] = '\0';
	if (p == NULL)
		return 0;
	p += strlen("name=\"csrf\" value=\"");
	if (strspn(p, "0123456789abcdef") != 64)
		return 0;
	memcpy(tok, p, 64);
	tok[64] = '\0';
	return 1;
}

void
it_form_add(struct buf *b, const char *key, const char *val)
{
	if (b->len > 0)
		buf_addch(b, '&');
	buf_adds(b, key);
	buf_addch(b, '=');
	buf_add_url(b, val, strlen(val));
}

int
it_header_is(const struct it_resp *r, const char *name, const char *want)
{
	struct buf v = BUF_INIT;
	int ok = it_header(r, name, &v) == 1 && strcmp(v.ptr, want) == 0;

	buf_release(&v);
	return ok;
}

void
it_jar_free(struct it_jar *j)
{
	buf_release(&j->session);
	buf_release(&j->pre);
}

void
it_jar_update(struct it_jar *j, const struct it_resp *r)
{
	struct buf v = BUF_INIT;

	if (it_cookie(r, "__Host-trackr_session", &v) != 0) {
		buf_reset(&j->session);
		buf_add(&j->session, v.ptr, v.len);
	}
	if (it_cookie(r, "__Host-trackr_pre", &v) != 0) {
		buf_reset(&j->pre);
		buf_add(&j->pre, v.ptr, v.len);
	}
	buf_release(&v);
}

/*
 * One request as a browser on this site sends it: its cookies, and for a
 * POST the same-site Origin and Sec-Fetch-Site (unless origin or site
 * says otherwise: "" leaves the header out).
 */
void
it_send(struct it_jar *j, const char *method, const char *path, const char *body,
    const char *origin, const char *site, struct it_resp *out)
{
	struct it_req rq;
	struct buf cookie = BUF_INIT, sfs = BUF_INIT;
	int post = strcmp(method, "POST") == 0, k = 0;

	memset(&rq, 0, sizeof(rq));
	memset(out, 0, sizeof(*out));
	rq.method = method;
	rq.path = path;
	rq.iface = j->iface;
	rq.ua = j->ua;
	if (post) {
		rq.ctype = "application/x-www-form-urlencoded";
		rq.body = body ? body : "";
		rq.len = strlen(rq.body);
		origin = origin ? origin : it_url();
		rq.origin = *origin ? origin : NULL;
		site = site ? site : "same-origin";
		if (*site) {
			buf_addf(&sfs, "Sec-Fetch-Site: %s", site);
			rq.extra[k++] = sfs.ptr;
		}
	}
	if (j->session.len > 0 || j->pre.len > 0) {
		buf_adds(&cookie, "Cookie: ");
		if (j->session.len > 0)
			buf_addf(&cookie, "__Host-trackr_session=%s; ", j->session.ptr);
		if (j->pre.len > 0)
			buf_addf(&cookie, "__Host-trackr_pre=%s", j->pre.ptr);
		rq.extra[k++] = cookie.ptr;
	}
	rq.extra[k] = NULL;
	(void)it_http(&rq, out);
	it_jar_update(j, out);
	buf_release(&cookie);
	buf_release(&sfs);
}

void
it_get(struct it_jar *j, const char *path, struct it_resp *out)
{
	it_send(j, "GET", path, NULL, NULL, NULL, out);
}

void
it_post(struct it_jar *j, const char *path, const char *body, struct it_resp *out)
{
	it_send(j, "POST", path, body, NULL, NULL, out);
}

/* GET page, then POST fields (with the page's token) to action. */
void
it_submit(struct it_jar *j, const char *page, const char *action, const char *fields,
    struct it_resp *out)
{
	struct it_resp form;
	struct buf body = BUF_INIT;
	char tok[65];

	it_get(j, page, &form);
	IT_CHECK(it_csrf_of(&form, tok), "no CSRF token in %s (status %ld)", page, form.status);
	buf_addf(&body, "csrf=%s%s%s", tok, *fields ? "&" : "", fields);
	it_post(j, action, body.ptr, out);
	it_resp_free(&form);
	buf_release(&body);
}

void
it_signup(struct it_jar *j, const char *email, const char *org, const char *pw, struct it_resp *out)
{
	struct buf f = BUF_INIT;

	it_form_add(&f, "email", email);
	it_form_add(&f, "org", org);
	it_form_add(&f, "password", pw);
	it_submit(j, "/signup", "/signup", f.ptr, out);
	buf_release(&f);
}

void
it_login(struct it_jar *j, const char *email, const char *pw, const char *next, struct it_resp *out)
{
	struct buf f = BUF_INIT;

	it_form_add(&f, "email", email);
	it_form_add(&f, "password", pw);
	if (next != NULL)
		it_form_add(&f, "next", next);
	it_submit(j, "/login", "/login", f.ptr, out);
	buf_release(&f);
}

int
it_run(const char *name, int (*init)(void), int (*clean)(void), const struct it_test *tests,
    size_t n)
{
	CU_pSuite suite;
	size_t i;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		goto fail;
	if ((suite = CU_add_suite(name, init, clean)) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)(CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
	    CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	it_shutdown();
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	it_shutdown();
	return 1;
}

int
it_app_key(const struct conf *c, unsigned char key[CRYPT_SHA256_LEN])
{
	const char *secret = conf_str(c, "secret_key", NULL);

	if (secret == NULL) {
		fprintf(stderr, "no secret_key in TRACKR_CONF\n");
		return -1;
	}
	crypt_sha256(secret, strlen(secret), key);
	return 0;
}
