/*
 * Tracked data is the attacker's: page paths, sources and referrers, UTM
 * values, browser and system names, custom event names and property keys
 * and values reach the dashboard as whatever a script on any page sent.
 * This suite stores script, attribute, URL and spreadsheet-formula
 * payloads in every such column (through SQL, and once through the real
 * collector) and checks that every place the dashboard shows them keeps
 * them inert: HTML pages (every tag's attributes, every URL attribute,
 * escaped text, a Content-Security-Policy without inline scripts), the
 * SVG charts' titles, the CSV downloads (parsed, every cell, formulas
 * neutralised with a leading '), the JSON downloads and the stats API
 * (parsed with json-c, each payload back exactly, no raw '<'), and the
 * pages of a shared link.
 *
 * Needs TRACKR_URL and TRACKR_CONF (scripts/lib/test.sh run_integration).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "csrf.h"
#include "log.h"
#include "session.h"
#include "util.h"

#define IFACE		"127.0.9.22"	/* rate limits and throttles of its own */
#define TOKEN_LEN	43
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* What a tracked value may carry. */
static const char *const payloads[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"javascript:alert(1)",
	"' onmouseover='x",
	"=HYPERLINK(\"http://evil\",\"x\")",
	"+1",
	"-1+1",
	"@SUM(1)",
	"\tTAB=1+1",
	"\rCR=1+1",
};
#define NPAYLOADS	NITEMS(payloads)
#define P_SCRIPT	0
#define P_IMG		1
#define P_JS		2
#define P_QUOTE		3
#define P_FORMULA	4

/* The escaped forms a page must show for the first two. */
#define ESC_SCRIPT	"&lt;script&gt;alert(1)&lt;/script&gt;"
#define ESC_IMG		"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"

/* The report slugs and the API's keys of every dimension, with the width of its column. */
static const struct dimdef {
	const char	*slug;
	const char	*key;
	size_t		 width;		/* 0: the whole payload */
	int		 pair;		/* browser_version, os_version: "<name> <version>" */
} dimdefs[] = {
	/* country is CHAR(2): MariaDB drops its trailing spaces when read. */
	{ "pages", "page", 0, 0 },
	{ "entry-pages", "entry_page", 0, 0 },
	{ "exit-pages", "exit_page", 0, 0 },
	{ "sources", "source", 0, 0 },
	{ "referrers", "referrer", 0, 0 },
	{ "utm-sources", "utm_source", 0, 0 },
	{ "utm-mediums", "utm_medium", 0, 0 },
	{ "utm-campaigns", "utm_campaign", 0, 0 },
	{ "utm-terms", "utm_term", 0, 0 },
	{ "utm-contents", "utm_content", 0, 0 },
	{ "countries", "country", 2, 0 },
	{ "devices", "device", 16, 0 },
	{ "browsers", "browser", 32, 0 },
	{ "browser-versions", "browser_version", 16, 1 },
	{ "operating-systems", "os", 32, 0 },
	{ "os-versions", "os_version", 16, 1 },
	{ "screens", "screen", 8, 0 },
	{ "events", "event", 0, 0 },
	{ "props", "prop", 0, 0 },
};

enum stmt {
	STMT_ORG_ADD,
	STMT_USER_ADD,
	STMT_MEMBER_ADD,
	STMT_SESSION_ADD,
	STMT_SITE_ADD,
	STMT_VISIT_ADD,
	STMT_EVENT_ADD,
	STMT_GOAL_ADD,
	STMT_GOAL_ID,
	STMT_FUNNEL_ID,
	STMT_KEY_ADD,
	STMT_LINK_BY_HASH,
	STMT_EVENTS_OF,
	STMT_COLLECTED,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_USER_ADD] =
	    "INSERT INTO users (email, password_hash, email_verified_at) "
	    "VALUES (?, '!', UTC_TIMESTAMP())",
	[STMT_MEMBER_ADD] =
	    "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, 'owner')",
	[STMT_SESSION_ADD] =
	    "INSERT INTO user_sessions (token_hash, user_id, org_id, created_at, last_seen_at, "
	    "expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
	    "UTC_TIMESTAMP() + INTERVAL 1 DAY)",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, 'UTC')",
	/* One visit two minutes ago whose every attribute is the payload (cut to its column). */
	[STMT_VISIT_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, source, referrer_domain, utm_source, "
	    "utm_medium, utm_campaign, utm_term, utm_content, country, device, browser, "
	    "browser_version, os, os_version, screen) VALUES (?, ?, ?, "
	    "UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, "
	    "?, ?, 1, 2, 2, ?, ?, ?, ?, ?, ?, ?, LEFT(?, 2), LEFT(?, 16), LEFT(?, 32), "
	    "LEFT(?, 16), LEFT(?, 32), LEFT(?, 16), LEFT(?, 8))",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, hostname, pathname, "
	    "referrer, source, referrer_domain, utm_source, utm_medium, utm_campaign, utm_term, "
	    "utm_content, props) VALUES (?, UTC_TIMESTAMP(3) - INTERVAL ? SECOND, ?, ?, ?, "
	    "'xss.example', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_GOAL_ADD] = "INSERT INTO goals (site_id, kind, target) VALUES (?, ?, ?)",
	[STMT_GOAL_ID] = "SELECT id FROM goals WHERE site_id = ? AND kind = ? AND target = ?",
	[STMT_FUNNEL_ID] = "SELECT MAX(id) FROM funnels WHERE site_id = ?",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope) "
	    "VALUES (?, 'xss', ?, ?, 'read')",
	[STMT_LINK_BY_HASH] = "SELECT id FROM shared_links WHERE token_hash = ? AND site_id = ?",
	[STMT_EVENTS_OF] = "SELECT COUNT(*) FROM events WHERE site_id = ?",
	/* What the collector stored of its event: columns compared one by one. */
	[STMT_COLLECTED] =
	    "SELECT name = ?, utm_source = ?, utm_campaign = ?, "
	    "JSON_UNQUOTE(JSON_EXTRACT(props, '$.\"k\"')) = ?, pathname FROM events "
	    "WHERE site_id = ? AND name = ?",
};

static struct conf	 conf;
static struct db	*db;
static unsigned char	 app_key[CRYPT_SHA256_LEN];
static char		 rnd[9];
static long long	 org, user, site, site_h, funnel;
static long long	 goal_event, goal_page;
static char		 site_key[23], dom[96], dom_h[160];
static char		 session_tok[SESSION_TOKEN_MAX], api_key[80], link_tok[TOKEN_LEN + 1];
static unsigned char	 sess_hash[CRYPT_SHA256_LEN];
static struct buf	 collected;	/* the collector's own payload */
static int		 fixture_ok;

/* ------------------------------------------------------------ rows */

/* {"p": "p"} as JSON text. */
static void
props_of(const char *p, struct buf *out)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, p, json_object_new_string(p));
	buf_reset(out);
	buf_adds(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static int
event_add(unsigned long long vid, unsigned long long sid, int ago, const char *name,
    const char *p, const char *props)
{
	struct db_args a = DB_ARGS_INIT;
	int i, rc;

	db_arg_int(&a, site);
	db_arg_int(&a, ago);
	db_arg_strz(&a, name);
	db_arg_uint(&a, vid);
	db_arg_uint(&a, sid);
	db_arg_strz(&a, p);		/* pathname */
	db_arg_strz(&a, p);		/* referrer */
	for (i = 0; i < 7; i++)		/* source, referrer domain, five UTM values */
		db_arg_strz(&a, p);
	if (props != NULL)
		db_arg_strz(&a, props);
	else
		db_arg_null(&a);
	rc = db_exec(db, db_stmt(db, STMT_EVENT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	return rc;
}

/* A visit whose every attribute is p: a page view of p and a custom event p with {p: p}. */
static int
visit_add(const char *p)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf props = BUF_INIT;
	unsigned long long sid, vid;
	int i, rc;

	if (crypt_random(&sid, sizeof(sid)) == -1 || crypt_random(&vid, sizeof(vid)) == -1)
		return -1;
	sid >>= 2;
	vid >>= 2;
	db_arg_uint(&a, sid);
	db_arg_int(&a, site);
	db_arg_uint(&a, vid);
	for (i = 0; i < 16; i++)	/* entry, exit, source ... screen */
		db_arg_strz(&a, p);
	rc = db_exec(db, db_stmt(db, STMT_VISIT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	props_of(p, &props);
	if (rc == 0)
		rc = event_add(vid, sid, 120, "pageview", p, NULL);
	if (rc == 0)
		rc = event_add(vid, sid, 90, p, p, props.ptr);
	buf_release(&props);
	return rc;
}

static long long
goal_id(const char *kind, const char *target)
{
	struct db_args a = DB_ARGS_INIT;
	long long id;

	db_arg_int(&a, site);
	db_arg_strz(&a, kind);
	db_arg_strz(&a, target);
	id = it_db_int(db, STMT_GOAL_ID, &a, 0);
	db_args_free(&a);
	return id;
}

/* ------------------------------------------------------------ HTTP */

/* One request as the owner's browser (session cookie), or with the API key. */
static void
http(const char *method, const char *path, const char *body, int with_key,
    struct it_resp *out)
{
	struct it_req rq;
	struct buf hdr = BUF_INIT;
	int k = 0;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	if (strcmp(method, "POST") == 0) {
		rq.ctype = "application/x-www-form-urlencoded";
		rq.body = body ? body : "";
		rq.len = strlen(rq.body);
		rq.origin = it_url();
		rq.extra[k++] = "Sec-Fetch-Site: same-origin";
	}
	if (with_key)
		buf_addf(&hdr, "Authorization: Bearer %s", api_key);
	else if (path[1] == 'd')	/* /dash: the owner; /share: a browser without an account */
		buf_addf(&hdr, "Cookie: %s=%s", SESSION_COOKIE, session_tok);
	if (hdr.len > 0)
		rq.extra[k++] = hdr.ptr;
	rq.extra[k] = NULL;
	if (it_http(&rq, out) == -1)
		out->status = 0;
	buf_release(&hdr);
}

static void
get(const char *path, struct it_resp *out)
{
	http("GET", path, NULL, 0, out);
}

/* POST fields (without the token) to a /dash form as the owner. */
static void
post(const char *path, const char *fields, struct it_resp *out)
{
	struct buf body = BUF_INIT;
	char tok[CSRF_TOKEN_MAX];

	csrf_token(app_key, sizeof(app_key), "session", sess_hash, sizeof(sess_hash), tok);
	it_form_add(&body, "csrf", tok);
	buf_addch(&body, '&');
	buf_adds(&body, fields);
	http("POST", path, body.ptr, 0, out);
	buf_release(&body);
}

/* ------------------------------------------------------ HTML checks */

/* 1 when an URL attribute's value (HTML-escaped) would run script or load data. */
static int
url_bad(const char *v, size_t n)
{
	static const char *const schemes[] = { "javascript:", "vbscript:", "data:" };
	size_t i, k;

	/* Browsers drop leading spaces and controls, and tabs and newlines anywhere. */
	while (n > 0 && (unsigned char)*v <= ' ')
		v++, n--;
	for (i = 0; i < NITEMS(schemes); i++) {
		const char *s = schemes[i], *p = v;

		for (k = 0; *s != '\0' && p < v + n; p++) {
			if (*p == '\t' || *p == '\n' || *p == '\r')
				continue;
			if (tolower((unsigned char)*p) != *s)
				break;
			s++, k++;
		}
		if (*s == '\0')
			return 1;
	}
	/* An entity before the first ':' could spell a scheme. */
	for (k = 0; k < n && strchr(":/?", v[k]) == NULL; k++)
		;
	return k < n && v[k] == ':' && memchr(v, '&', k) != NULL;
}

/*
 * Walk every tag of an HTML page the way a browser tokenises it: no
 * script element, no event-handler or style attribute, every attribute
 * value quoted, no URL attribute with a script scheme.  NULL when
 * inert, else why, with *at the offset of the tag.
 */
static const char *
tags_check(const char *s, size_t n, size_t *at)
{
	static const char *const urlattrs[] = { "href", "src", "action", "formaction",
	    "xlink:href", "poster", "data", "srcset" };
	const char *e, *name, *attr, *val;
	size_t i = 0, j, nlen, alen, vlen, k;
	char q;

	while (i < n) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		*at = i;
		if (i + 4 <= n && strncmp(s + i, "<!--", 4) == 0) {
			for (j = i + 4; j + 3 <= n && strncmp(s + j, "-->", 3) != 0; j++)
				;
			if (j + 3 > n)
				return "an unterminated comment";
			i = j + 3;
			continue;
		}
		if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '/' || s[i + 1] == '?')) {
			if ((e = memchr(s + i, '>', n - i)) == NULL)
				return "an unterminated tag";
			i = (size_t)(e - s) + 1;
			continue;
		}
		if (i + 1 >= n || !isalpha((unsigned char)s[i + 1])) {
			i++;	/* a '<' that starts no tag is text to a browser */
			continue;
		}
		name = s + i + 1;
		for (j = i + 1; j < n && (isalnum((unsigned char)s[j]) || s[j] == '-'); j++)
			;
		nlen = (size_t)(s + j - name);
		if ((nlen == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (nlen == 6 && strncasecmp(name, "iframe", 6) == 0) ||
		    (nlen == 6 && strncasecmp(name, "object", 6) == 0) ||
		    (nlen == 5 && strncasecmp(name, "embed", 5) == 0) ||
		    (nlen == 3 && strncasecmp(name, "img", 3) == 0))
			return "a script, frame, object or img element";
		for (;;) {
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			if (j >= n)
				return "an unterminated tag";
			if (s[j] == '>') {
				j++;
				break;
			}
			if (s[j] == '/' && j + 1 < n && s[j + 1] == '>') {
				j += 2;
				break;
			}
			attr = s + j;
			while (j < n && !isspace((unsigned char)s[j]) && s[j] != '=' &&
			    s[j] != '>' && s[j] != '/')
				j++;
			alen = (size_t)(s + j - attr);
			if (alen == 0 || memchr(attr, '"', alen) || memchr(attr, '\'', alen) ||
			    memchr(attr, '<', alen))
				return "a malformed attribute name";
			if (alen >= 2 && strncasecmp(attr, "on", 2) == 0)
				return "an event-handler attribute";
			if (alen == 5 && strncasecmp(attr, "style", 5) == 0)
				return "a style attribute";
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			if (j >= n || s[j] != '=')
				continue;
			j++;
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			if (j >= n || (s[j] != '"' && s[j] != '\''))
				return "an unquoted attribute value";
			q = s[j];
			val = s + j + 1;
			if ((e = memchr(val, q, n - (size_t)(val - s))) == NULL)
				return "an unterminated attribute value";
			vlen = (size_t)(e - val);
			if (memchr(val, '<', vlen) != NULL)
				return "a raw '<' in an attribute value";
			for (k = 0; k < NITEMS(urlattrs); k++)
				if (alen == strlen(urlattrs[k]) &&
				    strncasecmp(attr, urlattrs[k], alen) == 0 && url_bad(val, vlen))
					return "a script URL in a URL attribute";
			j = (size_t)(e - s) + 1;
		}
		i = j;
	}
	return NULL;
}

/*
 * Every HTML check for one page: 200 (or want), HTML with a CSP, inert
 * tags, and no raw form of a payload; 1 when all held.
 */
static int
page_inert(const struct it_resp *r, long want, const char *what)
{
	static const char *const raw[] = { "<script", "</script", "<img", "onerror=alert(1)>",
	    "' onmouseover='" };
	struct buf ct = BUF_INIT;
	const char *why;
	size_t at = 0, i;
	int ok = 1;

	ok &= IT_CHECK(r->status == want, "%s: status %ld, want %ld", what, r->status, want);
	ok &= IT_CHECK(it_header(r, "Content-Type", &ct) == 1 &&
	    strncasecmp(ct.ptr, "text/html", 9) == 0, "%s: Content-Type %s", what, ct.ptr);
	ok &= IT_CHECK(it_csp_ok(r), "%s: no Content-Security-Policy that forbids inline scripts",
	    what);
	for (i = 0; i < NITEMS(raw); i++)
		ok &= IT_CHECK(strstr(r->body.ptr, raw[i]) == NULL,
		    "%s: the raw payload \"%s\" is in the page: ...%.120s", what, raw[i],
		    strstr(r->body.ptr, raw[i]) ? strstr(r->body.ptr, raw[i]) : "");
	why = tags_check(r->body.ptr, r->body.len, &at);
	ok &= IT_CHECK(why == NULL, "%s: %s at byte %zu: %.160s", what, why ? why : "",
	    at, r->body.ptr + at);
	buf_release(&ct);
	return ok;
}

/* page_inert() of GET path, and that it shows each of the escaped forms (NULL-ended). */
static void
check_page(const char *path, const char *const *shows)
{
	struct it_resp r;

	get(path, &r);
	if (page_inert(&r, 200, path))
		for (; shows != NULL && *shows != NULL; shows++)
			IT_CHECK(strstr(r.body.ptr, *shows) != NULL,
			    "%s: the escaped payload %s is not on the page", path, *shows);
	it_resp_free(&r);
}

/* ------------------------------------------------------------ CSV */

/* A parsed CSV file: its cells, NUL-terminated in text, by row and column. */
struct csv {
	struct buf	 text;
	size_t		*off;
	size_t		*row;
	size_t		 n, cap, rows;
};

static void
csv_free(struct csv *c)
{
	buf_release(&c->text);
	free(c->off);
	free(c->row);
	memset(c, 0, sizeof(*c));
}

static void
csv_push(struct csv *c, size_t start)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->off = realloc(c->off, c->cap * sizeof(*c->off));
		c->row = realloc(c->row, c->cap * sizeof(*c->row));
		if (c->off == NULL || c->row == NULL)
			abort();
	}
	buf_addch(&c->text, '\0');
	c->off[c->n] = start;
	c->row[c->n++] = c->rows;
}

static const char *
csv_cell(const struct csv *c, size_t i)
{
	return c->text.ptr + c->off[i];
}

/*
 * RFC 4180, strictly: fields split by ',', records ended by CRLF, a
 * quoted field's quotes doubled; no quote inside an unquoted field and
 * no bare CR or LF outside quotes.  The UTF-8 BOM is skipped.  0, or -1
 * with *why.
 */
static int
csv_parse(const char *s, size_t n, struct csv *c, const char **why)
{
	size_t i = 0, start;

	memset(c, 0, sizeof(*c));
	buf_init(&c->text, 0);
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n) {
		start = c->text.len;
		if (s[i] == '"') {
			for (i++;; i++) {
				if (i >= n) {
					*why = "an unterminated quoted field";
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						buf_addch(&c->text, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				buf_addch(&c->text, s[i]);
			}
		} else
			for (; i < n && s[i] != ',' && s[i] != '\r'; i++) {
				if (s[i] == '"' || s[i] == '\n') {
					*why = "a quote or line feed in an unquoted field";
					return -1;
				}
				buf_addch(&c->text, s[i]);
			}
		csv_push(c, start);
		if (i < n && s[i] == ',') {
			i++;
			if (i == n) {
				*why = "a file ending in ','";
				return -1;
			}
		} else if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
			i += 2;
			c->rows++;
		} else if (i < n) {
			*why = "a field followed by neither ',' nor CRLF";
			return -1;
		} else {
			*why = "a last record without CRLF";
			return -1;
		}
	}
	return 0;
}

/* A value as a CSV cell must read: formulas behind a leading '. */
static void
neutral(const char *v, struct buf *out)
{
	buf_reset(out);
	if (strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0')
		buf_addch(out, '\'');
	buf_adds(out, v);
}

/* The value a report of d shows for payload p. */
static void
value_of(const struct dimdef *d, const char *p, struct buf *out)
{
	size_t n = strlen(p);

	buf_reset(out);
	if (d->pair) {
		buf_add(out, p, n < 32 ? n : 32);
		buf_addch(out, ' ');
		buf_add(out, p, n < d->width ? n : d->width);
	} else if (d->width > 0) {
		buf_add(out, p, n < d->width ? n : d->width);
		while (d->width == 2 && out->len > 0 && out->ptr[out->len - 1] == ' ')
			buf_setlen(out, out->len - 1);
	} else
		buf_adds(out, p);
}

/* ------------------------------------------------------------ JSON */

/* 1 when o holds the string s (exactly, n bytes) as a value anywhere inside. */
static int
json_has(json_object *o, const char *s, size_t n)
{
	size_t i;

	switch (json_object_get_type(o)) {
	case json_type_string:
		return (size_t)json_object_get_string_len(o) == n &&
		    memcmp(json_object_get_string(o), s, n) == 0;
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			if (json_has(json_object_array_get_idx(o, i), s, n))
				return 1;
		return 0;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (json_has(v, s, n))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* A JSON answer: 200, parses, no raw '<' or "</script" anywhere; the document or NULL. */
static json_object *
json_answer(const struct it_resp *r, const char *what)
{
	json_object *o = NULL;
	struct buf ct = BUF_INIT;

	if (IT_CHECK(r->status == 200, "%s: status %ld (%.200s)", what, r->status, r->body.ptr) &&
	    IT_CHECK(it_header(r, "Content-Type", &ct) == 1 &&
	    strncmp(ct.ptr, "application/json", 16) == 0, "%s: Content-Type %s", what, ct.ptr) &&
	    IT_CHECK(memchr(r->body.ptr, '<', r->body.len) == NULL &&
	    memchr(r->body.ptr, '>', r->body.len) == NULL, "%s: a raw '<' or '>' in JSON", what))
		o = it_json(r);
	IT_CHECK(r->status != 200 || o != NULL, "%s: not valid JSON", what);
	buf_release(&ct);
	return o;
}

/* ------------------------------------------------------------ tests */

/* The checks find what they look for: a suite that cannot fail proves nothing. */
static void
test_checks_catch(void)
{
	static const char *const bad[] = {
		"<p><script>alert(1)</script></p>",
		"<a href=\"x\"><img src=x onerror=alert(1)></a>",
		"<div onclick=\"x\">a</div>",
		"<a href=\"javascript:alert(1)\">a</a>",
		"<a href=\" JaVa\tScRipt:x\">a</a>",
		"<a href=\"java&#115;cript:x\">a</a>",
		"<form action=\"data:text/html,x\"></form>",
		"<td title=x onmouseover=y>a</td>",
		"<td title='' onmouseover='x'>a</td>",
		"<p style=\"x\">a</p>",
		"<a href=\"/x\" title=\"a\"b\">c</a>",
	};
	static const char *const good[] = {
		"<a href=\"/dash/1?f=page%3Ais%3Ajavascript%3Aalert(1)\">javascript:alert(1)</a>",
		"<td title=\"&#39; onmouseover=&#39;x\">&lt;script&gt;</td>",
		"<a href=\"about:invalid\">x</a> 1 < 2 <!-- <script> -->",
		"<svg><title>Visitors, 7d</title><path d=\"M0 0\"/></svg>",
	};
	static const char *const csv_bad[] = { "a,b\r\n\"c\r\n", "a\"b\r\n", "a,b\n",
	    "a,b" };
	struct csv c;
	struct buf b = BUF_INIT;
	const char *why;
	size_t i, at;

	for (i = 0; i < NITEMS(bad); i++)
		IT_CHECK(tags_check(bad[i], strlen(bad[i]), &at) != NULL,
		    "the tag check lets through %s", bad[i]);
	for (i = 0; i < NITEMS(good); i++) {
		why = tags_check(good[i], strlen(good[i]), &at);
		IT_CHECK(why == NULL, "the tag check refuses %s: %s", good[i], why);
	}
	for (i = 0; i < NITEMS(csv_bad); i++) {
		IT_CHECK(csv_parse(csv_bad[i], strlen(csv_bad[i]), &c, &why) == -1,
		    "the CSV parser takes %s", csv_bad[i]);
		csv_free(&c);
	}
	why = NULL;
	IT_CHECK(csv_parse("\xef\xbb\xbfname,n\r\n\"'=1,\"\"x\"\"\",2\r\n", 26, &c, &why) == 0 &&
	    c.n == 4 && c.rows == 2 && strcmp(csv_cell(&c, 2), "'=1,\"x\"") == 0,
	    "the CSV parser reads a quoted cell: %s", why ? why : (c.n > 2 ? csv_cell(&c, 2) : ""));
	csv_free(&c);
	neutral("-1+1", &b);
	IT_CHECK(strcmp(b.ptr, "'-1+1") == 0, "neutral: %s", b.ptr);
	buf_release(&b);
}

static void
test_fixture(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf b = BUF_INIT, path = BUF_INIT;
	struct it_resp r;
	unsigned char hash[CRYPT_SHA256_LEN], pre[4];
	char email[96], prefix[9], secret[44];
	const char *p;
	size_t i;
	int ok = 1;

	snprintf(dom, sizeof(dom), "xss-%s.example.com", rnd);
	/* Domains are checked when a site is added; the dashboard must not rely on it. */
	snprintf(dom_h, sizeof(dom_h), "<script>alert(1)</script>' onmouseover='x-%s.example",
	    rnd);
	db_arg_strz(&a, "Dash XSS <script>alert(1)</script>");
	org = it_db_insert(db, STMT_ORG_ADD, &a);
	snprintf(email, sizeof(email), "xss-owner-%s@example.com", rnd);
	db_args_reset(&a);
	db_arg_strz(&a, email);
	user = it_db_insert(db, STMT_USER_ADD, &a);
	db_args_reset(&a);
	db_arg_int(&a, org);
	db_arg_int(&a, user);
	if (!IT_CHECK(org > 0 && user > 0 && it_db_insert(db, STMT_MEMBER_ADD, &a) >= 0,
	    "organisation and owner"))
		goto out;
	it_token(session_tok, SESSION_TOKEN_LEN);
	crypt_sha256(session_tok, SESSION_TOKEN_LEN, sess_hash);
	db_args_reset(&a);
	db_arg_blob(&a, sess_hash, sizeof(sess_hash));
	db_arg_int(&a, user);
	db_arg_int(&a, org);
	ok &= IT_CHECK(it_db_insert(db, STMT_SESSION_ADD, &a) >= 0, "the owner's session");
	site = it_site_add(db, STMT_SITE_ADD, org, dom, site_key);
	{
		char k2[23];

		site_h = it_site_add(db, STMT_SITE_ADD, org, dom_h, k2);
	}
	ok &= IT_CHECK(site > 0 && site_h > 0, "the site and the site with a hostile domain");
	for (i = 0; i < NPAYLOADS && ok; i++)
		ok &= IT_CHECK(visit_add(payloads[i]) == 0, "the visit of payload %zu", i);

	/* Goals and a funnel through the admins' forms; two goals the forms would refuse. */
	buf_addf(&path, "/dash/%lld/goals/add", site);
	buf_reset(&b);
	it_form_add(&b, "kind", "event");
	it_form_add(&b, "target", payloads[P_SCRIPT]);
	post(path.ptr, b.ptr, &r);
	ok &= IT_CHECK(r.status == 303, "event goal %s: %ld", payloads[P_SCRIPT], r.status);
	it_resp_free(&r);
	buf_reset(&b);
	it_form_add(&b, "kind", "page");
	buf_addch(&b, '&');
	buf_adds(&b, "target=%2F");
	buf_add_url(&b, payloads[P_IMG], strlen(payloads[P_IMG]));
	post(path.ptr, b.ptr, &r);
	ok &= IT_CHECK(r.status == 303, "page goal /%s: %ld", payloads[P_IMG], r.status);
	it_resp_free(&r);
	goal_event = goal_id("event", payloads[P_SCRIPT]);
	buf_reset(&b);
	buf_addch(&b, '/');
	buf_adds(&b, payloads[P_IMG]);
	goal_page = goal_id("page", b.ptr);
	db_args_reset(&a);
	db_arg_int(&a, site);
	db_arg_strz(&a, "page");
	db_arg_strz(&a, payloads[P_JS]);
	ok &= IT_CHECK(goal_event > 0 && goal_page > 0 && it_db_insert(db, STMT_GOAL_ADD, &a) > 0,
	    "the goals");
	db_args_reset(&a);
	db_arg_int(&a, site);
	db_arg_strz(&a, "event");
	db_arg_strz(&a, payloads[P_FORMULA]);
	ok &= IT_CHECK(it_db_insert(db, STMT_GOAL_ADD, &a) > 0, "the formula goal");

	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/funnels/add", site);
	buf_reset(&b);
	it_form_add(&b, "name", payloads[P_QUOTE]);
	buf_addf(&b, "&step1=%lld&step2=%lld", goal_event, goal_page);
	post(path.ptr, b.ptr, &r);
	ok &= IT_CHECK(r.status == 303, "funnel %s: %ld %.200s", payloads[P_QUOTE], r.status,
	    r.body.ptr);
	it_resp_free(&r);
	db_args_reset(&a);
	db_arg_int(&a, site);
	funnel = it_db_int(db, STMT_FUNNEL_ID, &a, 0);
	ok &= IT_CHECK(funnel > 0, "the funnel's id");

	/* A shared link named with a payload; its token from the page that shows it once. */
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/sharing/add", site);
	buf_reset(&b);
	it_form_add(&b, "name", payloads[P_IMG]);
	post(path.ptr, b.ptr, &r);
	if (r.status == 201 && (p = strstr(r.body.ptr, "<code>/share/")) != NULL &&
	    strspn(p + 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	    TOKEN_LEN) {
		memcpy(link_tok, p + 13, TOKEN_LEN);
		link_tok[TOKEN_LEN] = '\0';
	}
	ok &= IT_CHECK(link_tok[0] != '\0', "a shared link: %ld", r.status);
	if (r.status == 201)
		ok &= page_inert(&r, 201, "the page showing the new link");
	it_resp_free(&r);

	/* An API key of the organisation, made as keys.c makes them. */
	ok &= IT_CHECK(crypt_random(pre, sizeof(pre)) == 0, "random bytes");
	snprintf(prefix, sizeof(prefix), "%02x%02x%02x%02x", pre[0], pre[1], pre[2], pre[3]);
	it_token(secret, 43);
	snprintf(api_key, sizeof(api_key), "tr_%s_%s", prefix, secret);
	crypt_sha256(api_key, strlen(api_key), hash);
	db_args_reset(&a);
	db_arg_int(&a, org);
	db_arg_strz(&a, prefix);
	db_arg_blob(&a, hash, sizeof(hash));
	ok &= IT_CHECK(it_db_insert(db, STMT_KEY_ADD, &a) > 0, "an API key");
	fixture_ok = ok;
	printf("\n  fixture %s: organisation %lld, site %lld (%s), hostile-domain site %lld\n",
	    rnd, org, site, dom, site_h);
out:
	db_args_free(&a);
	buf_release(&b);
	buf_release(&path);
}

/* One event through the real collector: stored as sent, then shown escaped. */
static void
test_collector(void)
{
	struct it_req rq;
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	struct buf url = BUF_INIT, body = BUF_INIT, origin = BUF_INIT, path = BUF_INIT,
	    esc = BUF_INIT;
	json_object *o, *props;
	const char *shows[2];
	long long before;
	int row = 0;

	if (!IT_CHECK(fixture_ok, "no fixture"))
		return;
	buf_addf(&collected, "<script>alert(\"collect-%s\")</script>", rnd);
	buf_addf(&url, "https://%s/collected?utm_source=", dom);
	buf_add_url(&url, collected.ptr, collected.len);
	buf_adds(&url, "&utm_campaign=");
	buf_add_url(&url, payloads[P_FORMULA], strlen(payloads[P_FORMULA]));
	o = json_object_new_object();
	props = json_object_new_object();
	json_object_object_add(props, "k", json_object_new_string(payloads[P_IMG]));
	json_object_object_add(o, "s", json_object_new_string(site_key));
	json_object_object_add(o, "n", json_object_new_string(collected.ptr));
	json_object_object_add(o, "u", json_object_new_string(url.ptr));
	json_object_object_add(o, "r", json_object_new_string("https://evil.example/x"));
	json_object_object_add(o, "p", props);
	buf_adds(&body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	buf_addf(&origin, "https://%s", dom);

	db_arg_int(&a, site);
	before = it_db_int(db, STMT_EVENTS_OF, &a, 0);
	memset(&rq, 0, sizeof(rq));
	rq.path = "/api/event";
	rq.ctype = "application/json";
	rq.body = body.ptr;
	rq.len = body.len;
	rq.origin = origin.ptr;
	(void)it_http(&rq, &r);
	IT_CHECK(r.status == 202 && it_json_int(&r, "accepted", -1) == 1,
	    "the collector: %ld %s, want 202 accepted 1", r.status, r.body.ptr);
	it_resp_free(&r);
	IT_CHECK(it_db_int(db, STMT_EVENTS_OF, &a, 0) == before + 1, "one event stored");

	/* Stored as sent: the name, both UTM values, the property. */
	db_args_reset(&a);
	db_arg_strz(&a, collected.ptr);
	db_arg_strz(&a, collected.ptr);
	db_arg_strz(&a, payloads[P_FORMULA]);
	db_arg_strz(&a, payloads[P_IMG]);
	db_arg_int(&a, site);
	db_arg_strz(&a, collected.ptr);
	if (db_select(db, db_stmt(db, STMT_COLLECTED), &a, &res) == 0 && db_fetch(&res) == 1) {
		row = 1;
		IT_CHECK(db_col_int(&res, 0, 0) == 1 && db_col_int(&res, 1, 0) == 1 &&
		    db_col_int(&res, 2, 0) == 1 && db_col_int(&res, 3, 0) == 1,
		    "stored name %lld, utm_source %lld, utm_campaign %lld, property %lld "
		    "(1: as sent)", db_col_int(&res, 0, 0), db_col_int(&res, 1, 0),
		    db_col_int(&res, 2, 0), db_col_int(&res, 3, 0));
	}
	db_res_free(&res);
	IT_CHECK(row, "the collected event is not in the database");

	/* Shown escaped where the dashboard shows it. */
	buf_add_html(&esc, collected.ptr, collected.len);
	shows[0] = esc.ptr;
	shows[1] = NULL;
	buf_addf(&path, "/dash/%lld/utm-sources", site);
	check_page(path.ptr, shows);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/events", site);
	check_page(path.ptr, shows);
	db_args_free(&a);
	buf_release(&url);
	buf_release(&body);
	buf_release(&origin);
	buf_release(&path);
	buf_release(&esc);
}

static void
test_overview(void)
{
	static const char *const shows[] = { ESC_SCRIPT, ESC_IMG, NULL };
	struct buf path = BUF_INIT;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld", site);
	check_page(path.ptr, shows);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld?period=day&metric=bounce_rate", site);
	check_page(path.ptr, shows);
	buf_release(&path);
}

/* Filters carrying payloads: the filter bar, its remove links, the range form's hidden fields. */
static void
test_filter_bar(void)
{
	static const char *const shows[] = { ESC_SCRIPT, NULL };
	struct buf path = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i <= P_FORMULA; i++) {
		buf_reset(&path);
		buf_addf(&path, "/dash/%lld?period=7d&f=", site);
		buf_adds(&path, "source%3Ais%3A");
		buf_add_url(&path, payloads[i], strlen(payloads[i]));
		buf_adds(&path, "&f=page%3Acontains%3A");
		buf_add_url(&path, payloads[P_SCRIPT], strlen(payloads[P_SCRIPT]));
		buf_adds(&path, "&f=event%3Ais_not%3A");
		buf_add_url(&path, payloads[P_QUOTE], strlen(payloads[P_QUOTE]));
		check_page(path.ptr, shows);
	}
	buf_release(&path);
}

/* Every breakdown page, the props page for a hostile key too. */
static void
test_breakdowns(void)
{
	static const char *const shows[] = { "&lt;s", NULL };
	struct buf path = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(dimdefs); i++) {
		buf_reset(&path);
		buf_addf(&path, "/dash/%lld/%s", site, dimdefs[i].slug);
		check_page(path.ptr, shows);
		buf_adds(&path, "?sort=name&dir=asc&period=day");
		check_page(path.ptr, shows);
	}
	for (i = 0; i < NPAYLOADS; i++) {
		struct it_resp r;

		buf_reset(&path);
		buf_addf(&path, "/dash/%lld/props?prop=", site);
		buf_add_url(&path, payloads[i], strlen(payloads[i]));
		/* A CR is no text: the address is refused, and that page is inert too. */
		get(path.ptr, &r);
		page_inert(&r, strchr(payloads[i], '\r') ? 400 : 200, path.ptr);
		it_resp_free(&r);
	}
	buf_release(&path);
}

/* The SVG charts: every <title> is text, and nothing of a payload comes in raw. */
static void
test_chart_titles(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT;
	const char *p, *e, *svg;
	size_t titles = 0, svgs = 0;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld?period=7d", site);
	get(path.ptr, &r);
	if (page_inert(&r, 200, path.ptr)) {
		for (svg = r.body.ptr; (svg = strstr(svg, "<svg")) != NULL; svg += 4) {
			svgs++;
			if ((e = strstr(svg, "</svg>")) == NULL) {
				IT_CHECK(0, "an unterminated svg");
				break;
			}
			for (p = svg; (p = strstr(p, "<title")) != NULL && p < e; p += 6) {
				const char *t = strchr(p, '>'), *end = strstr(p, "</title>");

				titles++;
				IT_CHECK(t != NULL && end != NULL && t < end &&
				    memchr(t + 1, '<', (size_t)(end - t - 1)) == NULL,
				    "a chart <title> holds markup: %.120s", p);
			}
		}
		IT_CHECK(svgs > 0 && titles > 1, "the overview's chart: %zu svg, %zu titles",
		    svgs, titles);
	}
	it_resp_free(&r);
	buf_release(&path);
}

/* The organisation's sites, with the hostile domain, and that site's own pages and files. */
static void
test_sites_page(void)
{
	static const char *const shows[] = { "&lt;script&gt;alert(1)&lt;/script&gt;&#39; "
	    "onmouseover=&#39;x-", "Dash XSS &lt;script&gt;", NULL };
	static const char *const shows_h[] = { "&lt;script&gt;alert(1)&lt;/script&gt;&#39; "
	    "onmouseover=&#39;x-", NULL };
	struct it_resp r;
	struct buf path = BUF_INIT, v = BUF_INIT;
	json_object *o, *s;

	if (!fixture_ok)
		return;
	check_page("/dash", shows);
	buf_addf(&path, "/dash/%lld", site_h);
	check_page(path.ptr, shows_h);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/pages", site_h);
	check_page(path.ptr, shows_h);

	/* Its download: the name cannot break the header, the JSON names the site exactly. */
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/pages.json", site_h);
	get(path.ptr, &r);
	if ((o = json_answer(&r, path.ptr)) != NULL) {
		s = json_object_object_get(o, "site");
		IT_CHECK(json_object_is_type(s, json_type_string) &&
		    strcmp(json_object_get_string(s), dom_h) == 0, "the JSON's site: %s",
		    s ? json_object_to_json_string(s) : "(none)");
		json_object_put(o);
	}
	IT_CHECK(it_header(&r, "Content-Disposition", &v) == 1 &&
	    strncmp(v.ptr, "attachment; filename=\"", 22) == 0 &&
	    strcspn(v.ptr + 22, "\"<>'\\;/") == v.len - 23 && v.ptr[v.len - 1] == '"',
	    "the download's name: %s", v.ptr);
	it_resp_free(&r);

	/* The API's words name the site exactly, as a JSON string. */
	buf_reset(&path);
	buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld", site_h);
	http("GET", path.ptr, NULL, 1, &r);
	if ((o = json_answer(&r, path.ptr)) != NULL) {
		s = json_object_object_get(o, "meaning");
		IT_CHECK(json_object_is_type(s, json_type_string) &&
		    strstr(json_object_get_string(s), dom_h) != NULL,
		    "the API's meaning names the site: %s", s ? json_object_get_string(s) : "(none)");
		json_object_put(o);
	}
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&v);
}

static void
test_goals_page(void)
{
	static const char *const shows[] = { "Event: " ESC_SCRIPT, "Visit /" ESC_IMG,
	    "Visit javascript:alert(1)", "Event: =HYPERLINK(&quot;http://evil&quot;", NULL };
	static const char *const shows_bar[] = { "Visit /" ESC_IMG, NULL };
	struct buf path = BUF_INIT;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld/goals", site);
	check_page(path.ptr, shows);
	/* Filtered by the goal: its label in the filter bar. */
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld?f=goal%%3Ais%%3A%lld", site, goal_page);
	check_page(path.ptr, shows_bar);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/goals?f=goal%%3Ais%%3A%lld", site, goal_event);
	check_page(path.ptr, shows);
	buf_release(&path);
}

static void
test_funnels_page(void)
{
	static const char *const shows[] = { "&#39; onmouseover=&#39;x", NULL };
	static const char *const shows_one[] = { "&#39; onmouseover=&#39;x",
	    "Event: " ESC_SCRIPT, "Visit /" ESC_IMG, NULL };
	struct buf path = BUF_INIT;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld/funnels", site);
	check_page(path.ptr, shows);
	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/funnels?funnel=%lld", site, funnel);
	check_page(path.ptr, shows_one);
	buf_release(&path);
}

static void
test_realtime_page(void)
{
	static const char *const shows[] = { ESC_SCRIPT, ESC_IMG, NULL };
	struct buf path = BUF_INIT;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld/realtime", site);
	check_page(path.ptr, shows);
	buf_release(&path);
}

/* The admins' list of links, with a link named by a payload. */
static void
test_sharing_page(void)
{
	static const char *const shows[] = { ESC_IMG, NULL };
	struct buf path = BUF_INIT;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld/sharing", site);
	check_page(path.ptr, shows);
	buf_release(&path);
}

/* Every CSV download: strict RFC 4180, no cell a spreadsheet would run, each payload back. */
static void
test_csv_exports(void)
{
	struct it_resp r;
	struct csv c;
	struct buf path = BUF_INIT, val = BUF_INIT, want = BUF_INIT, ct = BUF_INIT;
	const char *why, *cell;
	size_t i, k, p, cols;
	int found;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(dimdefs); i++) {
		const struct dimdef *d = &dimdefs[i];

		buf_reset(&path);
		buf_addf(&path, "/dash/%lld/%s.csv", site, d->slug);
		get(path.ptr, &r);
		IT_CHECK(r.status == 200 && it_header(&r, "Content-Type", &ct) == 1 &&
		    strncmp(ct.ptr, "text/csv", 8) == 0, "%s: %ld %s", path.ptr, r.status, ct.ptr);
		why = NULL;
		if (!IT_CHECK(csv_parse(r.body.ptr, r.body.len, &c, &why) == 0,
		    "%s: not CSV: %s", path.ptr, why ? why : "")) {
			csv_free(&c);
			it_resp_free(&r);
			continue;
		}
		for (cols = 0; cols < c.n && c.row[cols] == 0; cols++)
			;
		IT_CHECK(cols >= 7 && c.rows > NPAYLOADS && c.n == cols * c.rows,
		    "%s: %zu rows of %zu cells (%zu cells)", path.ptr, c.rows, cols, c.n);
		for (k = 0; k < c.n; k++) {
			cell = csv_cell(&c, k);
			IT_CHECK(cell[0] == '\0' || strchr("=+-@\t\r", cell[0]) == NULL,
			    "%s row %zu: a cell a spreadsheet would run: %s", path.ptr, c.row[k],
			    cell);
		}
		/* Each payload comes back, neutralised, in the name column (and the property's). */
		for (p = 0; p < NPAYLOADS; p++) {
			value_of(d, payloads[p], &val);
			neutral(val.ptr, &want);
			found = 0;
			for (k = 0; k < c.n && !found; k++)
				found = strcmp(csv_cell(&c, k), want.ptr) == 0 &&
				    (k % cols == 0 || (k % cols == 1 && strcmp(d->slug, "props") == 0));
			IT_CHECK(found, "%s: no cell reads %s", path.ptr, want.ptr);
		}
		csv_free(&c);
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&val);
	buf_release(&want);
	buf_release(&ct);
}

/* Every JSON download: valid, nothing raw, each payload back exactly. */
static void
test_json_exports(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, val = BUF_INIT;
	json_object *o;
	size_t i, p;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(dimdefs); i++) {
		buf_reset(&path);
		buf_addf(&path, "/dash/%lld/%s.json", site, dimdefs[i].slug);
		get(path.ptr, &r);
		if ((o = json_answer(&r, path.ptr)) != NULL) {
			for (p = 0; p < NPAYLOADS; p++) {
				value_of(&dimdefs[i], payloads[p], &val);
				IT_CHECK(json_has(o, val.ptr, val.len), "%s: payload %zu is not "
				    "in it as it was stored", path.ptr, p);
			}
			json_object_put(o);
		}
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&val);
}

/* The stats API: every breakdown, goals, and filters echoed back. */
static void
test_api(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, val = BUF_INIT, spec = BUF_INIT;
	json_object *o, *f;
	size_t i, p;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(dimdefs); i++) {
		buf_reset(&path);
		buf_addf(&path, "/api/v1/stats/breakdown?site_id=%lld&property=%s&limit=1000",
		    site, dimdefs[i].key);
		http("GET", path.ptr, NULL, 1, &r);
		if ((o = json_answer(&r, path.ptr)) != NULL) {
			for (p = 0; p < NPAYLOADS; p++) {
				value_of(&dimdefs[i], payloads[p], &val);
				IT_CHECK(json_has(o, val.ptr, val.len), "%s: payload %zu is not "
				    "in it as it was stored", path.ptr, p);
			}
			json_object_put(o);
		}
		it_resp_free(&r);
	}
	buf_reset(&path);
	buf_addf(&path, "/api/v1/stats/breakdown?site_id=%lld&property=goal", site);
	http("GET", path.ptr, NULL, 1, &r);
	if ((o = json_answer(&r, path.ptr)) != NULL) {
		buf_reset(&val);
		buf_addch(&val, '/');
		buf_adds(&val, payloads[P_IMG]);
		IT_CHECK(json_has(o, payloads[P_SCRIPT], strlen(payloads[P_SCRIPT])) &&
		    json_has(o, val.ptr, val.len) &&
		    json_has(o, payloads[P_JS], strlen(payloads[P_JS])) &&
		    json_has(o, payloads[P_FORMULA], strlen(payloads[P_FORMULA])),
		    "goals: the four targets back as they were stored: %.400s", r.body.ptr);
		json_object_put(o);
	}
	it_resp_free(&r);
	/* A filter carrying each payload comes back as it was sent. */
	for (p = 0; p < NPAYLOADS; p++) {
		buf_reset(&spec);
		buf_adds(&spec, "utm_term:is:");
		buf_adds(&spec, payloads[p]);
		buf_reset(&path);
		buf_addf(&path, "/api/v1/stats/aggregate?site_id=%lld&f=", site);
		buf_add_url(&path, spec.ptr, spec.len);
		http("GET", path.ptr, NULL, 1, &r);
		if (p >= NPAYLOADS - 2) {
			/* A filter holds no control character, tab included: refused, as JSON. */
			o = it_json(&r);
			IT_CHECK(r.status == 400 && o != NULL, "filter with payload %zu: %ld %s", p,
			    r.status, r.body.ptr);
			json_object_put(o);
		} else if ((o = json_answer(&r, path.ptr)) != NULL) {
			f = json_object_object_get(o, "filters");
			IT_CHECK(f != NULL && json_has(f, spec.ptr, spec.len),
			    "filter with payload %zu: %s", p, f ? json_object_to_json_string(f) :
			    "(none)");
			json_object_put(o);
		}
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&val);
	buf_release(&spec);
}

/* A shared link's pages, as a browser without an account sees them. */
static void
test_shared_pages(void)
{
	static const char *const subs[] = { "", "/sources", "/pages", "/props", "/events",
	    "/browsers", "/goals", "/funnels", "/realtime" };
	static const char *const shows[] = { ESC_SCRIPT, NULL };
	struct it_resp r;
	struct buf path = BUF_INIT;
	json_object *o;
	size_t i;

	if (!fixture_ok || !IT_CHECK(link_tok[0] != '\0', "no shared link"))
		return;
	for (i = 0; i < NITEMS(subs); i++) {
		buf_reset(&path);
		buf_addf(&path, "/share/%s%s", link_tok, subs[i]);
		/* The funnels' list names funnels only. */
		check_page(path.ptr, strcmp(subs[i], "/funnels") != 0 ? shows : NULL);
	}
	buf_reset(&path);
	buf_addf(&path, "/share/%s/funnels?funnel=%lld", link_tok, funnel);
	check_page(path.ptr, shows);
	buf_reset(&path);
	buf_addf(&path, "/share/%s/sources.json", link_tok);
	get(path.ptr, &r);
	if ((o = json_answer(&r, path.ptr)) != NULL) {
		IT_CHECK(json_has(o, payloads[P_SCRIPT], strlen(payloads[P_SCRIPT])),
		    "the link's JSON download: the payload back");
		json_object_put(o);
	}
	it_resp_free(&r);
	buf_release(&path);
}

/* Refused forms show what was typed again, escaped; redirects keep payloads encoded. */
static void
test_form_echo(void)
{
	struct it_resp r;
	struct buf path = BUF_INIT, f = BUF_INIT, loc = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	buf_addf(&path, "/dash/%lld/goals/add", site);
	it_form_add(&f, "kind", "page");
	it_form_add(&f, "target", payloads[P_SCRIPT]);
	post(path.ptr, f.ptr, &r);
	if (page_inert(&r, 400, "a refused page goal"))
		IT_CHECK(strstr(r.body.ptr, "value=\"" ESC_SCRIPT "\"") != NULL,
		    "the refused goal's target is not shown again");
	it_resp_free(&r);

	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/funnels/add", site);
	buf_reset(&f);
	it_form_add(&f, "name", payloads[P_IMG]);
	buf_addf(&f, "&step1=%lld", goal_event);
	post(path.ptr, f.ptr, &r);
	if (page_inert(&r, 400, "a refused funnel"))
		IT_CHECK(strstr(r.body.ptr, ESC_IMG) != NULL,
		    "the refused funnel's name is not shown again");
	it_resp_free(&r);

	buf_reset(&path);
	buf_addf(&path, "/dash/%lld/sharing/add", site);
	buf_reset(&f);
	it_form_add(&f, "name", payloads[P_QUOTE]);
	it_form_add(&f, "password", "short");
	post(path.ptr, f.ptr, &r);
	if (page_inert(&r, 422, "a refused shared link"))
		IT_CHECK(strstr(r.body.ptr, "&#39; onmouseover=&#39;x") != NULL,
		    "the refused link's name is not shown again");
	it_resp_free(&r);

	/* A form posted from a filtered page goes back to it: the filters in Location, encoded. */
	for (i = 0; i <= P_FORMULA; i++) {
		buf_reset(&path);
		buf_addf(&path, "/dash/%lld/goals/add?period=7d&f=source%%3Ais%%3A", site);
		buf_add_url(&path, payloads[i], strlen(payloads[i]));
		buf_reset(&f);
		it_form_add(&f, "kind", "event");
		buf_addf(&f, "&target=echo-%zu-%s", i, rnd);
		post(path.ptr, f.ptr, &r);
		IT_CHECK(r.status == 303 && it_header(&r, "Location", &loc) == 1 &&
		    loc.ptr[0] == '/' && loc.ptr[1] != '/' &&
		    strcspn(loc.ptr, "<>\"' \t\r\n\\") == loc.len,
		    "a goal added from a filtered page: %ld, Location %s", r.status, loc.ptr);
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&f);
	buf_release(&loc);
}

static int
suite_init(void)
{
	char *p;

	it_token(rnd, 8);
	for (p = rnd; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = 'x';
	buf_init(&collected, 0);
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return it_app_key(&conf, app_key);
}

static int
suite_clean(void)
{
	crypt_wipe(app_key, sizeof(app_key));
	buf_release(&collected);
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "the checks catch what they look for", test_checks_catch },
		{ "hostile visits, goals, a funnel, a link, a key", test_fixture },
		{ "the collector stores a payload, the pages escape it", test_collector },
		{ "the overview", test_overview },
		{ "the filter bar", test_filter_bar },
		{ "every breakdown page", test_breakdowns },
		{ "the chart's titles", test_chart_titles },
		{ "the organisation's sites and a hostile domain", test_sites_page },
		{ "the goals page", test_goals_page },
		{ "the funnels page", test_funnels_page },
		{ "the realtime page", test_realtime_page },
		{ "the shared links page", test_sharing_page },
		{ "CSV downloads", test_csv_exports },
		{ "JSON downloads", test_json_exports },
		{ "the stats API", test_api },
		{ "a shared link's pages", test_shared_pages },
		{ "refused forms and redirects", test_form_echo },
	};

	log_init("test_dash_xss", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (it_init() == -1)
		return 1;
	it_set_iface(IFACE);
	return it_run("dash_xss", suite_init, suite_clean, tests, NITEMS(tests));
}
