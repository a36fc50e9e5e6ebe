/*
 * ua: classify a User-Agent header into browser, OS, device class and a
 * bot flag.  Runs on the ingest path for every event: no allocation, one
 * bounded pass to tokenise plus one bounded pass for bot keywords.
 */
#ifndef TRACKR_UA_H
#define TRACKR_UA_H

#include <stddef.h>

/* Bytes of a User-Agent we look at; anything longer is flagged as a bot. */
#define UA_MAX_LEN	1024
/* A User-Agent shorter than this is flagged as a bot. */
#define UA_MIN_LEN	12

enum ua_device {
	UA_DEVICE_UNKNOWN,
	UA_DEVICE_DESKTOP,
	UA_DEVICE_MOBILE,
	UA_DEVICE_TABLET,
	UA_DEVICE__MAX
};

struct ua_info {
	/* Static names, never NULL, "" when unknown. */
	const char	*browser;	/* "Chrome", "Firefox", "Safari", ... */
	const char	*os;		/* "Windows", "macOS", "iOS", ... */
	/* "major" or "major.minor", digits and dots only, "" when unknown. */
	char		 browser_version[16];
	char		 os_version[16];
	enum ua_device	 device;
	/*
	 * 1: a crawler, preview fetcher, AI crawler, monitoring tool,
	 * headless or automated browser, HTTP library, or a User-Agent that
	 * no browser sends (empty, shorter than UA_MIN_LEN, longer than
	 * UA_MAX_LEN, or holding control characters).
	 */
	int		 bot;
};

/* "unknown", "desktop", "mobile" or "tablet"; "unknown" when out of range. */
const char	*ua_device_name(enum ua_device);

/*
 * Fill *out from the len bytes at ua (need not be NUL-terminated; may be
 * NULL).  Never fails and never allocates; out holds only static strings
 * and its own arrays, so it may outlive ua.  Safe to call from any thread.
 */
void		 ua_parse(const char *ua, size_t len, struct ua_info *out);

#endif
