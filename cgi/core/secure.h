/*
 * secure: what every HTML response and every redirect must respect.
 */
#ifndef TRACKR_SECURE_H
#define TRACKR_SECURE_H

#include <stddef.h>

#include "req.h"
#include "resp.h"

/*
 * The Content-Security-Policy of HTML pages: no script at all (pages
 * work without JavaScript), styles and images from this origin only,
 * forms posting only here, no framing.
 */
#define SECURE_CSP "default-src 'none'; style-src 'self'; img-src 'self'; " \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* 1 when the request came over https (the web server set HTTPS). */
int	secure_https(const struct req *);
/*
 * 1 when host (a Host header, port allowed) is a loopback name, which
 * browsers treat as a secure context: Secure cookies then work over
 * plain http, as on a developer's machine.
 */
int	secure_loopback(const char *host);
/*
 * Headers for an HTML response: the CSP above (replacing the server's
 * default), Referrer-Policy no-referrer (token URLs must not leak),
 * X-Frame-Options DENY, Cache-Control no-store, and HSTS over https.
 * Sets resp->ctype to text/html.
 */
void	secure_html(struct resp *, int https);
/*
 * 1 when s is a path on this site, safe to redirect to: it starts with
 * one '/', has no second '/' or '\' after it, no backslash, control
 * character or space anywhere, and is at most 512 bytes.  Refuses
 * "//evil", "/\evil", "https:evil", "javascript:...", "".
 */
int	secure_local_path(const char *s);

#endif
