/*
 * secure: security headers and redirect checks.  See secure.h.
 */
#include <string.h>
#include <strings.h>

#include "secure.h"

int
secure_https(const struct req *r)
{
	const char *v = req_param(r, "HTTPS");

	return v != NULL && *v != '\0' && strcasecmp(v, "off") != 0;
}

int
secure_loopback(const char *host)
{
	size_t n;

	if (host == NULL)
		return 0;
	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' || host[5] == ':');
	n = strcspn(host, ":");
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n == 9 && strncmp(host, "127.0.0.1", 9) == 0);
}

void
secure_html(struct resp *resp, int https)
{
	resp->no_default_csp = 1;
	resp->ctype = "text/html; charset=utf-8";
	resp_header(resp, "Content-Security-Policy", "%s", SECURE_CSP);
	resp_header(resp, "Referrer-Policy", "no-referrer");
	resp_header(resp, "X-Frame-Options", "DENY");
	resp_header(resp, "Cache-Control", "no-store");
	if (https)
		resp_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

int
secure_local_path(const char *s)
{
	size_t i, n;

	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	if ((n = strlen(s)) > 512)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Browsers drop tabs and newlines inside URLs: "/\t/evil" is "//evil". */
		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return 0;
	}
	return 1;
}
