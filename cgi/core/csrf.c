/*
 * csrf: tokens bound to a session and origin checks.  See csrf.h.
 */
#include <string.h>
#include <strings.h>

#include "csrf.h"

static void
mac(const unsigned char *key, size_t klen, const char *scope,
    const void *bind, size_t blen, unsigned char out[CRYPT_SHA256_LEN])
{
	struct buf m = BUF_INIT;

	/* The scope ends at its NUL, so "pre"+x and "session"+y cannot collide. */
	buf_add(&m, "trackr-csrf:", 12);
	buf_add(&m, scope, strlen(scope) + 1);
	buf_add(&m, bind, blen);
	crypt_hmac_sha256(key, klen, m.ptr, m.len, out);
	buf_release(&m);
}

void
csrf_token(const unsigned char *key, size_t klen, const char *scope,
    const void *bind, size_t blen, char out[CSRF_TOKEN_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[CRYPT_SHA256_LEN];
	size_t i;

	mac(key, klen, scope, bind, blen, d);
	for (i = 0; i < sizeof(d); i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[CSRF_TOKEN_LEN] = '\0';
}

int
csrf_token_ok(const unsigned char *key, size_t klen, const char *scope,
    const void *bind, size_t blen, const char *got, size_t glen)
{
	char want[CSRF_TOKEN_MAX];
	int ok;

	if (got == NULL || glen != CSRF_TOKEN_LEN || blen == 0)
		return 0;
	csrf_token(key, klen, scope, bind, blen, want);
	ok = crypt_memeq(want, got, CSRF_TOKEN_LEN);
	crypt_wipe(want, sizeof(want));
	return ok;
}

int
csrf_origin_ok(const char *origin, const char *sec_fetch_site, const char *self)
{
	/*
	 * Browsers send "Origin: null" with a form POST from a page whose
	 * Referrer-Policy is no-referrer, as ours are.  So null passes with
	 * Sec-Fetch-Site: same-origin only, which no page can set.
	 */
	if (origin != NULL && strcasecmp(origin, self) != 0 &&
	    !(strcmp(origin, "null") == 0 && sec_fetch_site != NULL &&
	    strcmp(sec_fetch_site, "same-origin") == 0))
		return 0;
	if (sec_fetch_site != NULL && strcmp(sec_fetch_site, "same-origin") != 0 &&
	    strcmp(sec_fetch_site, "none") != 0)
		return 0;
	return 1;
}

int
csrf_origin_of(struct buf *out, const char *base_url)
{
	const char *host;
	size_t n, i;

	buf_reset(out);
	if (base_url == NULL)
		return -1;
	if (strncasecmp(base_url, "https://", 8) == 0)
		host = base_url + 8;
	else if (strncasecmp(base_url, "http://", 7) == 0)
		host = base_url + 7;
	else
		return -1;
	n = strcspn(host, "/?#");
	if (n == 0 || n > 260 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") < n)
		return -1;
	buf_add(out, base_url, (size_t)(host - base_url) + n);
	for (i = 0; i < out->len; i++)
		if (out->ptr[i] >= 'A' && out->ptr[i] <= 'Z')
			out->ptr[i] += 'a' - 'A';
	return 0;
}
