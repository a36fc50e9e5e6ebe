/*
 * dims: the dimension table of the dashboard.  Keys name a dimension in
 * URLs, filters, the API and JSON; slugs name its report page.  Only the
 * expressions here ever become SQL for a dimension (an allow-list).
 */
#include <string.h>

#include "dash.h"

const struct dim_info dims[DIM__MAX] = {
	[DIM_TOTAL] = { "total", NULL, "Total", "Totals", "''", LEVEL_NONE },
	[DIM_PAGE] = { "page", "pages", "Page", "Top pages", "e.pathname",
	    LEVEL_EVENT },
	[DIM_ENTRY] = { "entry_page", "entry-pages", "Entry page",
	    "Entry pages", "s.entry_page", LEVEL_SESSION },
	[DIM_EXIT] = { "exit_page", "exit-pages", "Exit page", "Exit pages",
	    "s.exit_page", LEVEL_SESSION },
	[DIM_SOURCE] = { "source", "sources", "Source", "Top sources",
	    "s.source", LEVEL_SESSION },
	[DIM_REFERRER] = { "referrer", "referrers", "Referrer",
	    "Top referrers", "s.referrer_domain", LEVEL_SESSION },
	[DIM_UTM_SOURCE] = { "utm_source", "utm-sources", "UTM source",
	    "UTM sources", "s.utm_source", LEVEL_SESSION },
	[DIM_UTM_MEDIUM] = { "utm_medium", "utm-mediums", "UTM medium",
	    "UTM mediums", "s.utm_medium", LEVEL_SESSION },
	[DIM_UTM_CAMPAIGN] = { "utm_campaign", "utm-campaigns",
	    "UTM campaign", "UTM campaigns", "s.utm_campaign", LEVEL_SESSION },
	[DIM_UTM_TERM] = { "utm_term", "utm-terms", "UTM term", "UTM terms",
	    "s.utm_term", LEVEL_SESSION },
	[DIM_UTM_CONTENT] = { "utm_content", "utm-contents", "UTM content",
	    "UTM contents", "s.utm_content", LEVEL_SESSION },
	[DIM_COUNTRY] = { "country", "countries", "Country", "Countries",
	    "s.country", LEVEL_SESSION },
	[DIM_DEVICE] = { "device", "devices", "Device", "Devices",
	    "s.device", LEVEL_SESSION },
	[DIM_BROWSER] = { "browser", "browsers", "Browser", "Browsers",
	    "s.browser", LEVEL_SESSION },
	[DIM_BROWSER_VERSION] = { "browser_version", "browser-versions",
	    "Browser version", "Browser versions",
	    "CONCAT(s.browser, ' ', s.browser_version)", LEVEL_SESSION },
	[DIM_OS] = { "os", "operating-systems", "Operating system",
	    "Operating systems", "s.os", LEVEL_SESSION },
	[DIM_OS_VERSION] = { "os_version", "os-versions", "OS version",
	    "OS versions", "CONCAT(s.os, ' ', s.os_version)", LEVEL_SESSION },
	[DIM_SCREEN] = { "screen", "screens", "Screen size", "Screen sizes",
	    "s.screen", LEVEL_SESSION },
	[DIM_EVENT] = { "event", "events", "Event", "Custom events",
	    "e.name", LEVEL_EVENT },
	[DIM_PROP] = { "prop", "props", "Property", "Custom properties",
	    NULL, LEVEL_SPECIAL },
	[DIM_GOAL] = { "goal", "goals", "Goal", "Goals", NULL,
	    LEVEL_SPECIAL },
};

enum dim
dim_by_key(const char *key)
{
	size_t i;

	if (key == NULL)
		return DIM__MAX;
	for (i = 0; i < DIM__MAX; i++)
		if (strcmp(dims[i].key, key) == 0)
			return (enum dim)i;
	return DIM__MAX;
}

enum dim
dim_by_slug(const char *slug, size_t len)
{
	size_t i;

	if (slug == NULL)
		return DIM__MAX;
	for (i = 0; i < DIM__MAX; i++)
		if (dims[i].slug != NULL && strlen(dims[i].slug) == len &&
		    memcmp(dims[i].slug, slug, len) == 0)
			return (enum dim)i;
	return DIM__MAX;
}

uint32_t
dash_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}
