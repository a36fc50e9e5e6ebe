/*
 * csrf: cross-site request forgery defences for every state-changing
 * request.  Two layers, both required:
 *  - a token in the form, HMAC-SHA-256 under the server's secret_key of
 *    a scope and a binding: the session's token hash once logged in, or
 *    the random pre-session cookie (CSRF_PRE_COOKIE) on the anonymous
 *    forms (sign-up, login, reset), so login CSRF is refused too;
 *  - the browser's own word: a cross-site Origin or a Sec-Fetch-Site
 *    other than same-origin is refused even with a valid token.
 * Neither header is used as identity, only as a refusal.
 */
#ifndef TRACKR_CSRF_H
#define TRACKR_CSRF_H

#include <stddef.h>

#include "buf.h"
#include "crypt.h"

#define CSRF_PRE_COOKIE		"__Host-trackr_pre"
#define CSRF_TOKEN_LEN		64	/* hex characters */
#define CSRF_TOKEN_MAX		(CSRF_TOKEN_LEN + 1)
#define CSRF_FIELD		"csrf"	/* the form field's name */

/*
 * The token for scope ("session", "pre") and binding (the session's
 * token hash, or the pre-session cookie's value) into out, as hex.
 */
void	csrf_token(const unsigned char *key, size_t klen, const char *scope,
	    const void *bind, size_t blen, char out[CSRF_TOKEN_MAX]);
/* 1 when got (glen bytes, may be NULL) is the token for scope and bind. */
int	csrf_token_ok(const unsigned char *key, size_t klen, const char *scope,
	    const void *bind, size_t blen, const char *got, size_t glen);
/*
 * 1 unless the request says it comes from another site: origin (NULL
 * when absent) must then equal self (csrf_origin_of(); "null", which
 * browsers send from our no-referrer pages, only with sec_fetch_site
 * "same-origin"), and sec_fetch_site (NULL when absent) must be
 * "same-origin" or "none" (typed by the user).  Old browsers that send
 * neither pass here and are held by the token alone.
 */
int	csrf_origin_ok(const char *origin, const char *sec_fetch_site, const char *self);
/*
 * The origin ("scheme://host[:port]") of the public base URL, lowercased,
 * into out (reset first): what a same-site form's Origin header says.
 * Taken from the configuration, never from the request's Host header.
 * -1 when base_url is not an http(s) URL with a plausible host.
 */
int	csrf_origin_of(struct buf *out, const char *base_url);

#endif
