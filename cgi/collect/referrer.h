/*
 * referrer: split URLs, read query parameters, and name the source of a
 * visit from its referrer ("Google", "Hacker News", "example.co.uk").
 * Pure functions over bounded input, safe to call from many threads once
 * ref_init() has run.
 */
#ifndef TRACKR_REFERRER_H
#define TRACKR_REFERRER_H

#include <stddef.h>

#include "buf.h"

/* Longest host name we accept (RFC 1035), without the NUL. */
#define REF_HOST_MAX	253

struct ref_info {
	/*
	 * Display name of a known source ("Google", "Twitter", ...), else
	 * the referrer's registrable domain ("example.co.uk"), else its
	 * host (IP addresses, "localhost").  Sized for a whole host name,
	 * so it is never truncated.  "" for direct or internal traffic.
	 */
	char	source[REF_HOST_MAX + 1];
	/* The referrer's host, lower-cased, without a leading "www."; "". */
	char	domain[REF_HOST_MAX + 1];
};

/*
 * Pick the Public Suffix List: the one built into libpsl, else the newest
 * one installed.  Call once at start-up, before any thread calls
 * ref_classify(); without it ref_classify() uses libpsl's built-in list.
 * ref_shutdown() frees what ref_init() loaded.
 */
void	ref_init(void);
void	ref_shutdown(void);

/*
 * Classify the len bytes at referrer (need not be NUL-terminated; NULL
 * or empty for none).  self_host is the host name of the page that was
 * visited (NUL-terminated, may carry ":port", may be NULL): a referrer
 * with the same registrable domain (www.example.com, example.com and
 * blog.example.com are one site) is internal.  Direct, internal and
 * unparsable referrers leave both fields "".  The source comes from the
 * referrer alone; callers keep utm_source apart.  Returns 0.
 */
int	ref_classify(const char *referrer, size_t len, const char *self_host,
	    struct ref_info *out);

/*
 * Parts of an absolute http(s) URL, pointing into the URL given to
 * url_split(); nothing is decoded or copied.  The host keeps the case it
 * was sent in (compare it case-insensitively; ref_classify() lower-cases
 * its copy), has no userinfo, port or trailing dot, and keeps the
 * brackets of an IPv6 literal ("[::1]").  path is "/" when empty.
 */
struct url_parts {
	const char	*host;
	size_t		 hostlen;
	const char	*path;
	size_t		 pathlen;
	const char	*query;		/* without the '?'; may be empty */
	size_t		 querylen;
	const char	*frag;		/* without the '#'; may be empty */
	size_t		 fraglen;
};

/*
 * Split the len bytes at url.  Leading and trailing spaces and control
 * characters are ignored, as browsers do; '\' ends the host like '/'.
 * Returns 0, or -1 (and *out zeroed) if url is not an absolute http or
 * https URL, or its host is empty or not a valid host name, IPv4 or
 * bracketed IPv6 address, or its port is not a number up to 65535.
 */
int	url_split(const char *url, size_t len, struct url_parts *out);

/*
 * Find the first parameter called name (NUL-terminated, compared after
 * decoding the key) in the qlen bytes of query (a leading '?' is
 * skipped).  Its value is decoded (%XX and '+'; a malformed escape stays
 * as is) into dst, which is reset first.  At most maxlen bytes are kept
 * (0: no limit of ours); a longer value is cut at a UTF-8 character
 * boundary.  Decoded bytes are kept as they are, NUL included: dst->len
 * is the length, and validating the text is the caller's job.
 * Returns 1 if found (the value may be empty), 0 if not.
 */
int	url_query_param(const char *query, size_t qlen, const char *name,
	    struct buf *dst, size_t maxlen);

#endif
