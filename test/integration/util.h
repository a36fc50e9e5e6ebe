/*
 * util: what the integration suites share.  They talk to the real stack
 * (nginx in front of the FastCGI programs, a private MariaDB) that
 * `scripts/trackr test` starts: HTTP through libcurl, rows through
 * cgi/core/db.h, and CUnit checks that say what went wrong.
 */
#ifndef TRACKR_IT_UTIL_H
#define TRACKR_IT_UTIL_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "conf.h"
#include "crypt.h"
#include "db.h"

/* A current desktop Chrome on Windows: classified as a browser, not a bot. */
#define IT_UA_CHROME "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
	"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

/* One HTTP request.  Every pointer is borrowed for the call only. */
struct it_req {
	const char	*method;	/* NULL: POST when body is set, else GET */
	const char	*path;		/* appended to $TRACKR_URL, e.g. "/api/event" */
	const char	*ctype;		/* Content-Type; NULL sends none */
	const char	*body;		/* may hold NUL bytes: len counts */
	size_t		 len;
	const char	*ua;		/* NULL: IT_UA_CHROME; "": no User-Agent at all */
	const char	*origin;	/* Origin header, or NULL */
	const char	*referer;	/* Referer header, or NULL */
	const char	*extra[4];	/* more "Name: value" lines, NULL-terminated */
	const char	*iface;		/* local address; NULL: it_set_iface()'s */
	long		 timeout_ms;	/* give up (status 0) after this; 0: 60 s */
};

/* The answer; free with it_resp_free(). */
struct it_resp {
	long		 status;	/* 0 when no answer came */
	struct buf	 head;		/* header lines of the final response */
	struct buf	 body;
	char		 local_ip[64];	/* the address the request was sent from */
};

/*
 * Read $TRACKR_URL (required) and start libcurl.  Returns 0, or -1 after
 * printing what is missing.  Call once, before any thread starts.
 */
int		 it_init(void);
void		 it_shutdown(void);
/* The base URL without a trailing slash. */
const char	*it_url(void);
/* The local address every request is sent from unless it names its own. */
void		 it_set_iface(const char *addr);

/*
 * Send rq and wait for the answer; thread-safe.  Returns 0 with *out
 * filled, or -1 (printed) when no HTTP answer came; out must be freed
 * with it_resp_free() either way.
 */
int		 it_http(const struct it_req *rq, struct it_resp *out);
void		 it_resp_free(struct it_resp *);
/*
 * The value of response header name (any case), trimmed, in *val (reset
 * first).  Returns the number of such headers (0 when absent).
 */
int		 it_header(const struct it_resp *, const char *name, struct buf *val);
/*
 * Account pages as a browser sees them: a Set-Cookie line of r by name,
 * the CSRF token of a page's first form, a form field appended, a header
 * compared.
 */
int	it_set_cookie(const struct it_resp *r, const char *name, struct buf *out);
int	it_csrf_of(const struct it_resp *r, char tok[65]);
void	it_form_add(struct buf *b, const char *key, const char *val);
int	it_header_is(const struct it_resp *r, const char *name, const char *want);
/*
 * The value of cookie name that r sets into out (reset first).  Returns 1
 * when r sets it, 2 when r deletes it (Max-Age=0; out is then ""), 0
 * when r does not name it.
 */
int	it_cookie(const struct it_resp *r, const char *name, struct buf *out);
/*
 * 1 when r carries one Content-Security-Policy whose script directive
 * (script-src, or default-src without one) allows no inline script and
 * no eval (no 'unsafe-...' source), else 0.
 */
int	it_csp_ok(const struct it_resp *r);
/*
 * A browser's cookies for the account pages (the session and the
 * pre-session one), with the address and User-Agent it sends from.
 */
struct it_jar {
	struct buf	session;
	struct buf	pre;
	const char	*iface;		/* NULL: it_set_iface()'s */
	const char	*ua;		/* NULL: IT_UA_CHROME */
};

#define IT_JAR_INIT { BUF_INIT, BUF_INIT, NULL, NULL }

/*
 * Requests as that browser sends them: its cookies, and on a POST the
 * same-site Origin and Sec-Fetch-Site unless origin or site say otherwise
 * ("" leaves the header out); forms sent with the token of the page
 * that shows them; sign-up and login through their forms.
 */
void	it_jar_free(struct it_jar *j);
void	it_jar_update(struct it_jar *j, const struct it_resp *r);
void	it_send(struct it_jar *j, const char *method, const char *path, const char *body, const char *origin, const char *site, struct it_resp *out);
void	it_get(struct it_jar *j, const char *path, struct it_resp *out);
void	it_post(struct it_jar *j, const char *path, const char *body, struct it_resp *out);
void	it_submit(struct it_jar *j, const char *page, const char *action, const char *fields, struct it_resp *out);
void	it_signup(struct it_jar *j, const char *email, const char *org, const char *pw, struct it_resp *out);
void	it_login(struct it_jar *j, const char *email, const char *pw, const char *next, struct it_resp *out);
/* A decimal number in s, all of it; -1 when s is not one (a header value, say). */
long		 it_number(const char *s);
/* The body parsed as JSON, or NULL; the caller puts it. */
json_object	*it_json(const struct it_resp *);
/* 1 when the body is a JSON object whose member key is true. */
int		 it_json_true(const struct it_resp *, const char *key);
/* The integer member key of the body, or def when absent or not an integer. */
long long	 it_json_int(const struct it_resp *, const char *key, long long def);

/*
 * Open the database named by $TRACKR_CONF (read into *c, which the caller
 * frees with conf_free() after db_close()).  Returns NULL (printed) on
 * failure.  stmts is the suite's fixed SQL, as for db_open().
 */
struct db	*it_db_open(struct conf *c, const char *const *stmts, size_t n);
/*
 * The programs' key, derived from conf's secret_key as their main() does
 * (for computing the CSRF tokens of forms); 0, or -1 (printed) when there
 * is no secret_key.
 */
int		 it_app_key(const struct conf *c, unsigned char key[CRYPT_SHA256_LEN]);
/*
 * Run statement i with args and return the first column of the first row
 * as an integer: def when there is no row or it is NULL, -1 on error.
 */
long long	 it_db_int(struct db *, size_t i, struct db_args *args, long long def);
/*
 * Look in every character and binary column of every table of the
 * current database for any of the needles (nlen[k] bytes each, compared
 * byte for byte).  Writes "table.column" of each hit to hits, one a line.
 * Returns the number of columns with a hit, or -1 on error.
 */
int		 it_db_scan(struct db *, const char *const *needles, const size_t *nlen,
		    size_t nneedles, struct buf *hits);

/*
 * Run statement i with args (left as they are; the caller frees them) and
 * return the AUTO_INCREMENT id it made: 0 when none, -1 on error (logged).
 */
long long	 it_db_insert(struct db *, size_t i, struct db_args *args);
/*
 * Insert a site of org with domain and a fresh random site key (22
 * characters, also written to key when key is not NULL) through
 * statement i, which takes (org_id, domain, site_key) in that order.
 * Returns the site's id, or -1 on error (logged).
 */
long long	 it_site_add(struct db *, size_t i, long long org, const char *domain,
		    char key[23]);
/*
 * The token of the newest mail to addr: the characters of [A-Za-z0-9_-]
 * after its first "token=", into tok (NUL-terminated, "" when none).
 * Statement i takes addr and selects that mail's body_text (newest
 * first).  Returns 1 when a token of 1 to 63 characters was found, else 0.
 */
int		 it_mail_token(struct db *, size_t i, const char *addr, char tok[64]);
/*
 * Sign up email with organisation org and password pw through the forms,
 * from a throwaway browser at iface (NULL: it_set_iface()'s), and follow
 * the link of the verification mail (found with it_mail_token() and
 * statement i).  No CUnit checks.  Returns 1 when the sign-up and the
 * verification both answered 200, else 0.
 */
int		 it_verified_user(struct db *, size_t i, const char *iface, const char *email,
		    const char *org, const char *pw);
/*
 * The same as browser j, then log in with j.  Returns 1 when the sign-up
 * and the verification answered 200 and the login 303 with a session
 * cookie, else 0.  j keeps its cookies; the caller frees it.
 */
int		 it_signed_in(struct db *, size_t i, struct it_jar *j, const char *email,
		    const char *org, const char *pw);
/*
 * Run `$TRACKR_CTL -c $TRACKR_CONF rollup` (TRACKR_CTL unset or empty:
 * var/build/cgi/ctl/trackrctl) and wait for it; stdout and stderr are
 * flushed first.  Returns 0 when it exited 0, else -1.
 */
int		 it_rollup(void);

/* n random characters of [A-Za-z0-9_-] and a NUL into out (n + 1 bytes). */
void		 it_token(char *out, size_t n);

/* One test of a suite: its name in the report and its function. */
struct it_test {
	const char	*name;
	void		(*fn)(void);
};

/*
 * Run the suite called name (init and clean as CUnit's suite set-up and
 * tear-down, either may be NULL) with the n tests in order, reporting
 * verbosely, then clean up CUnit and call it_shutdown().  Call it last
 * from main(), after it_init().  Returns main's exit status: 0 when
 * every test and the suite's set-up and tear-down passed, else 1 (a
 * CUnit error is printed).
 */
int		 it_run(const char *name, int (*init)(void), int (*clean)(void),
		    const struct it_test *tests, size_t n);

/*
 * A CUnit assertion with a message made from fmt: the failure report says
 * what was sent and what came back, not just which line failed.
 */
#define IT_CHECK(cond, ...) \
	it_check((cond) ? 1 : 0, __LINE__, __FILE__, __VA_ARGS__)
int		 it_check(int ok, unsigned line, const char *file, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

#endif
