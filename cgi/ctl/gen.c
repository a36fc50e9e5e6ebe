/*
 * gen: `trackrctl gen-events`, realistic analytics data for benchmarking
 * the dashboard, stored exactly as trackr-collect would have stored it
 * (cgi/collect/writer.c, stitch.c): rows of `events` and the final state
 * of their rows of `sessions`.
 *
 * Everything comes from one seeded PRNG (xoshiro256**), drawn in a fixed
 * order, so the same arguments give the same rows.  The time range is cut
 * into UTC hours, each with a weight (growth, season, weekday, hour of the
 * site's local day, day-to-day noise, the odd viral day); the hour gets
 * its share of the N events as whole visits planned up front, so the
 * total is exactly N (the last visit is cut short).  Visits are then
 * given a person from a pool (some come back on other days, never within
 * 30 minutes of their last visit, so the collector would not have joined
 * them), and their events pass through a heap so they get ids in time
 * order: memory stays bounded by the visits in progress.  Rows go out in
 * multi-row INSERTs of ROWS rows, prepared once, over two connections on
 * threads of their own (the server's time goes into binding values, so
 * two connections use both cores), in transactions of TXN_ROWS rows.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "crypt.h"
#include "db.h"
#include "gen.h"
#include "log.h"
#include "tz.h"
#include "valid.h"

#define HOUR_MS		3600000LL
#define DAY_MS		86400000LL
#define IDLE_MS		(30LL * 60 * 1000)	/* stitch.h: SESSION_IDLE_MS */
#define ROWS		1000			/* rows per INSERT */
#define TXN_ROWS	100000			/* rows per transaction */
#define WRITERS		2			/* connections writing */
#define NBATCH		(2 * WRITERS + 2)
#define DELETE_CHUNK	20000
#define MAX_EVENTS	2000000000LL
#define MAX_MONTHS	120
#define MAX_PERSONS	3000000u
#define MAX_PAGEVIEWS	40
#define MAX_VISIT_MS	(4 * HOUR_MS)		/* no more page views after this */
#define RETURN_SAME_DAY	0.18			/* chance of another visit that day */
#define UTM_MAX		64
#define REF_MAX		512
#define PROPS_MAX	320
#define VER_MAX		16
#define NO_PAGE		UINT32_MAX

/*
 * The collector's columns (cgi/collect/writer.c), in its order; events
 * also get their id, so that ids follow time though two connections write.
 */
#define EVENT_COLS "id, site_id, ts, name, visitor_id, session_id, hostname, " \
	"pathname, referrer, source, referrer_domain, utm_source, utm_medium, " \
	"utm_campaign, utm_term, utm_content, country, device, browser, " \
	"browser_version, os, os_version, screen_width, engagement_ms, " \
	"scroll_depth, interactive, props, revenue_amount, revenue_currency, batch_id"
#define EVENT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define SESSION_COLS "id, site_id, visitor_id, started_at, last_seen, entry_page, " \
	"exit_page, pageviews, events, interactions, engagement_ms, max_scroll, " \
	"source, referrer_domain, utm_source, utm_medium, utm_campaign, utm_term, " \
	"utm_content, country, device, browser, browser_version, os, os_version, screen"
#define SESSION_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ the PRNG */

struct rng {
	uint64_t	 s[4];
};

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* splitmix64 fills the state, as the xoshiro authors advise. */
static void
rng_seed(struct rng *r, uint64_t seed)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ull;
		r->s[i] = mix64(seed);
	}
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), n > 0. */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static int
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* ----------------------------------------------------- weighted choice */

struct wtab {
	double		*cum;		/* running sums */
	size_t		 n;
};

static void
wtab_init(struct wtab *t, const double *w, size_t n)
{
	double sum = 0;
	size_t i;

	t->cum = xmalloc((n ? n : 1) * sizeof(*t->cum));
	t->n = n;
	for (i = 0; i < n; i++) {
		sum += w[i];
		t->cum[i] = sum;
	}
}

/* Zipf-like: weight 1 / (rank + 1 + shift). */
static void
wtab_zipf(struct wtab *t, size_t n, double shift)
{
	double *w = xmalloc((n ? n : 1) * sizeof(*w));
	size_t i;

	for (i = 0; i < n; i++)
		w[i] = 1.0 / ((double)i + 1.0 + shift);
	wtab_init(t, w, n);
	free(w);
}

static size_t
wtab_pick(const struct wtab *t, struct rng *r)
{
	double u = rng_unit(r) * t->cum[t->n - 1];
	size_t lo = 0, hi = t->n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
wtab_free(struct wtab *t)
{
	free(t->cum);
	t->cum = NULL;
	t->n = 0;
}

/* -------------------------------------------------------------- tables */

/* ~60 countries, skewed as for a German SaaS with an English site. */
static const struct country {
	const char	*code;
	double		 w;
	const char	*google;	/* the local Google, or NULL */
} countries[] = {
	{ "DE", 20, "google.de" }, { "US", 17, NULL }, { "GB", 6.5, "google.co.uk" },
	{ "FR", 4.5, "google.fr" }, { "NL", 3.6, "google.nl" }, { "IN", 3.5, "google.co.in" },
	{ "AT", 2.8, "google.at" }, { "CH", 2.7, "google.ch" }, { "CA", 2.4, "google.ca" },
	{ "ES", 2.2, "google.es" }, { "IT", 2.1, "google.it" }, { "PL", 1.9, "google.pl" },
	{ "SE", 1.6, "google.se" }, { "BR", 1.5, "google.com.br" }, { "AU", 1.4, "google.com.au" },
	{ "BE", 1.3, "google.be" }, { "DK", 1.0, "google.dk" }, { "NO", 0.9, "google.no" },
	{ "FI", 0.8, "google.fi" }, { "CZ", 0.8, "google.cz" }, { "IE", 0.7, "google.ie" },
	{ "PT", 0.7, "google.pt" }, { "JP", 0.7, "google.co.jp" }, { "RU", 0.6, NULL },
	{ "UA", 0.6, "google.com.ua" }, { "TR", 0.6, "google.com.tr" }, { "MX", 0.5, "google.com.mx" },
	{ "RO", 0.5, "google.ro" }, { "HU", 0.5, "google.hu" }, { "GR", 0.4, "google.gr" },
	{ "IL", 0.4, "google.co.il" }, { "SG", 0.4, "google.com.sg" }, { "KR", 0.4, NULL },
	{ "ZA", 0.35, "google.co.za" }, { "AR", 0.35, "google.com.ar" }, { "NZ", 0.3, "google.co.nz" },
	{ "CN", 0.3, NULL }, { "ID", 0.3, "google.co.id" }, { "VN", 0.3, "google.com.vn" },
	{ "PH", 0.3, "google.com.ph" }, { "TW", 0.25, "google.com.tw" }, { "HK", 0.25, "google.com.hk" },
	{ "CO", 0.25, "google.com.co" }, { "CL", 0.25, "google.cl" }, { "BG", 0.25, "google.bg" },
	{ "HR", 0.2, "google.hr" }, { "SK", 0.2, "google.sk" }, { "PK", 0.2, "google.com.pk" },
	{ "TH", 0.2, "google.co.th" }, { "MY", 0.2, "google.com.my" }, { "AE", 0.2, "google.ae" },
	{ "SI", 0.15, "google.si" }, { "LT", 0.15, "google.lt" }, { "BD", 0.15, NULL },
	{ "EG", 0.15, "google.com.eg" }, { "NG", 0.15, "google.com.ng" }, { "LV", 0.12, "google.lv" },
	{ "EE", 0.12, "google.ee" }, { "RS", 0.12, "google.rs" }, { "KE", 0.1, NULL },
	{ "MA", 0.1, NULL }, { "SA", 0.1, NULL }, { "PE", 0.1, "google.com.pe" },
	{ "LU", 0.1, "google.lu" }, { "IS", 0.05, "google.is" },
	{ "", 0.4, NULL },		/* no GeoIP answer */
};

enum oskind { OK_WINDOWS, OK_MACOS, OK_LINUX, OK_CHROMEOS, OK_ANDROID, OK_IOS };

/* window.innerWidth, as the tracker sends it: windows are not all maximised. */
static const int w_desktop_win[] = { 1920, 1536, 1366, 1280, 1440, 1600, 1680, 2560, 3440,
	1263, 1519, 1903 };
static const double ww_desktop_win[] = { 22, 16, 13, 8, 5, 4, 3, 9, 2, 5, 5, 8 };
static const int w_mac[] = { 1440, 1512, 1470, 1728, 1920, 2560, 1280, 1680, 1352, 1200 };
static const double ww_mac[] = { 16, 17, 9, 12, 12, 10, 8, 5, 6, 5 };
static const int w_linux[] = { 1920, 2560, 1366, 1600, 3440, 1280, 1440 };
static const double ww_linux[] = { 45, 20, 8, 7, 5, 10, 5 };
static const int w_cros[] = { 1366, 1280, 1536, 1920 };
static const double ww_cros[] = { 40, 20, 20, 20 };
static const int w_android[] = { 412, 360, 393, 384, 411, 432, 480, 534 };
static const double ww_android[] = { 30, 20, 18, 10, 8, 6, 4, 4 };
static const int w_ios[] = { 390, 393, 375, 414, 430, 428, 320, 402 };
static const double ww_ios[] = { 28, 20, 14, 12, 12, 8, 2, 4 };
static const int w_ipad[] = { 768, 810, 820, 834, 1024, 1080, 1180, 1366 };
static const double ww_ipad[] = { 10, 20, 22, 15, 13, 8, 8, 4 };
static const int w_atab[] = { 800, 962, 1280, 1024 };
static const double ww_atab[] = { 40, 15, 25, 20 };

static const struct platform {
	const char	*device;	/* as ua_device_name() */
	const char	*os;		/* as ua.c names it */
	enum oskind	 ok;
	double		 w;
	const int	*widths;
	const double	*widthw;
	size_t		 nwidths;
} platforms[] = {
	{ "desktop", "Windows", OK_WINDOWS, 33, w_desktop_win, ww_desktop_win, NELEM(w_desktop_win) },
	{ "desktop", "macOS", OK_MACOS, 18, w_mac, ww_mac, NELEM(w_mac) },
	{ "desktop", "Linux", OK_LINUX, 6, w_linux, ww_linux, NELEM(w_linux) },
	{ "desktop", "Chrome OS", OK_CHROMEOS, 1.5, w_cros, ww_cros, NELEM(w_cros) },
	{ "mobile", "Android", OK_ANDROID, 21, w_android, ww_android, NELEM(w_android) },
	{ "mobile", "iOS", OK_IOS, 17, w_ios, ww_ios, NELEM(w_ios) },
	{ "tablet", "iPadOS", OK_IOS, 2.5, w_ipad, ww_ipad, NELEM(w_ipad) },
	{ "tablet", "Android", OK_ANDROID, 1.0, w_atab, ww_atab, NELEM(w_atab) },
};

enum vkind { VK_CHROME, VK_OPERA, VK_FIREFOX, VK_SAFARI, VK_SAMSUNG, VK_GSA };

/* Browsers by platform (index into platforms[]), with their shares there. */
static const struct browser {
	unsigned	 plat;
	const char	*name;
	enum vkind	 vk;
	double		 w;
} browsers[] = {
	{ 0, "Chrome", VK_CHROME, 64 }, { 0, "Edge", VK_CHROME, 22 },
	{ 0, "Firefox", VK_FIREFOX, 11 }, { 0, "Opera", VK_OPERA, 3 },
	{ 1, "Chrome", VK_CHROME, 52 }, { 1, "Safari", VK_SAFARI, 36 },
	{ 1, "Firefox", VK_FIREFOX, 9 }, { 1, "Edge", VK_CHROME, 3 },
	{ 2, "Chrome", VK_CHROME, 48 }, { 2, "Firefox", VK_FIREFOX, 44 },
	{ 2, "Chromium", VK_CHROME, 8 },
	{ 3, "Chrome", VK_CHROME, 100 },
	{ 4, "Chrome", VK_CHROME, 74 }, { 4, "Samsung Internet", VK_SAMSUNG, 16 },
	{ 4, "Firefox", VK_FIREFOX, 4 }, { 4, "Opera", VK_OPERA, 3 }, { 4, "Edge", VK_CHROME, 1 },
	{ 4, "Google App", VK_GSA, 2 },
	{ 5, "Safari", VK_SAFARI, 80 }, { 5, "Chrome", VK_CHROME, 14 },
	{ 5, "Firefox", VK_FIREFOX, 3 }, { 5, "Google App", VK_GSA, 2 }, { 5, "Edge", VK_CHROME, 1 },
	{ 6, "Safari", VK_SAFARI, 84 }, { 6, "Chrome", VK_CHROME, 14 }, { 6, "Firefox", VK_FIREFOX, 2 },
	{ 7, "Chrome", VK_CHROME, 80 }, { 7, "Samsung Internet", VK_SAMSUNG, 20 },
};

/* Safari's (and iOS's) releases, so versions move with the visit's date. */
static const struct release {
	int		 y, m, d, major, minor;
} safari_releases[] = {
	{ 2022, 9, 12, 16, 0 }, { 2022, 10, 24, 16, 1 }, { 2022, 12, 13, 16, 2 },
	{ 2023, 1, 23, 16, 3 }, { 2023, 3, 27, 16, 4 }, { 2023, 5, 18, 16, 5 },
	{ 2023, 7, 24, 16, 6 }, { 2023, 9, 18, 17, 0 }, { 2023, 10, 25, 17, 1 },
	{ 2023, 12, 11, 17, 2 }, { 2024, 1, 22, 17, 3 }, { 2024, 3, 5, 17, 4 },
	{ 2024, 5, 13, 17, 5 }, { 2024, 7, 29, 17, 6 }, { 2024, 9, 16, 18, 0 },
	{ 2024, 10, 28, 18, 1 }, { 2024, 12, 11, 18, 2 }, { 2025, 1, 27, 18, 3 },
	{ 2025, 3, 31, 18, 4 }, { 2025, 5, 12, 18, 5 }, { 2025, 7, 29, 18, 6 },
	{ 2025, 9, 15, 26, 0 }, { 2025, 11, 3, 26, 1 }, { 2025, 12, 15, 26, 2 },
};

/* Android releases: version, first day it can be seen. */
static const struct release android_releases[] = {
	{ 2019, 9, 3, 10, 0 }, { 2020, 9, 8, 11, 0 }, { 2021, 10, 4, 12, 0 },
	{ 2022, 8, 15, 13, 0 }, { 2023, 10, 4, 14, 0 }, { 2024, 10, 15, 15, 0 },
	{ 2025, 6, 10, 16, 0 },
};
/* Shares of "latest", "latest - 1", ... among Android users. */
static const double android_lag_w[] = { 14, 30, 22, 14, 9, 6, 5 };

/* Where visits come from. */
enum skind { SK_DIRECT, SK_GOOGLE, SK_FIXED, SK_TAIL };
enum land { LAND_ANY, LAND_CONTENT, LAND_BLOG, LAND_HOME };

enum src {
	S_DIRECT, S_GOOGLE, S_BING, S_DDG, S_ECOSIA, S_YAHOO, S_TWITTER, S_FB_L,
	S_FB_M, S_FB_WWW, S_REDDIT, S_REDDIT_OLD, S_HN, S_LINKEDIN, S_LNKD,
	S_GITHUB, S_SO, S_YOUTUBE, S_CHATGPT, S_PERPLEXITY, S_PH, S_GMAIL,
	S_OUTLOOK, S_TAIL, S__MAX
};

/* source and domain as ref_classify() makes them from url. */
static const struct source {
	enum skind	 kind;
	const char	*name;
	const char	*url;
	const char	*domain;
	enum land	 land;
	double		 w;
} sources[S__MAX] = {
	[S_DIRECT] = { SK_DIRECT, "", "", "", LAND_ANY, 27 },
	[S_GOOGLE] = { SK_GOOGLE, "Google", NULL, NULL, LAND_CONTENT, 34 },
	[S_BING] = { SK_FIXED, "Bing", "https://www.bing.com/", "bing.com", LAND_CONTENT, 4 },
	[S_DDG] = { SK_FIXED, "DuckDuckGo", "https://duckduckgo.com/", "duckduckgo.com",
	    LAND_CONTENT, 2.5 },
	[S_ECOSIA] = { SK_FIXED, "Ecosia", "https://www.ecosia.org/", "ecosia.org",
	    LAND_CONTENT, 0.6 },
	[S_YAHOO] = { SK_FIXED, "Yahoo!", "https://search.yahoo.com/", "search.yahoo.com",
	    LAND_CONTENT, 0.4 },
	[S_TWITTER] = { SK_FIXED, "Twitter", "https://t.co/", "t.co", LAND_BLOG, 2.5 },
	[S_FB_L] = { SK_FIXED, "Facebook", "https://l.facebook.com/", "l.facebook.com",
	    LAND_BLOG, 0.8 },
	[S_FB_M] = { SK_FIXED, "Facebook", "https://m.facebook.com/", "m.facebook.com",
	    LAND_BLOG, 0.5 },
	[S_FB_WWW] = { SK_FIXED, "Facebook", "https://www.facebook.com/", "facebook.com",
	    LAND_BLOG, 0.5 },
	[S_REDDIT] = { SK_FIXED, "Reddit", "https://www.reddit.com/", "reddit.com", LAND_BLOG, 1.7 },
	[S_REDDIT_OLD] = { SK_FIXED, "Reddit", "https://old.reddit.com/", "old.reddit.com",
	    LAND_BLOG, 0.3 },
	[S_HN] = { SK_FIXED, "Hacker News", "https://news.ycombinator.com/",
	    "news.ycombinator.com", LAND_BLOG, 1.8 },
	[S_LINKEDIN] = { SK_FIXED, "LinkedIn", "https://www.linkedin.com/", "linkedin.com",
	    LAND_BLOG, 1.2 },
	[S_LNKD] = { SK_FIXED, "LinkedIn", "https://lnkd.in/", "lnkd.in", LAND_BLOG, 0.3 },
	[S_GITHUB] = { SK_FIXED, "GitHub", "https://github.com/", "github.com", LAND_ANY, 1.5 },
	[S_SO] = { SK_FIXED, "Stack Overflow", "https://stackoverflow.com/", "stackoverflow.com",
	    LAND_CONTENT, 0.6 },
	[S_YOUTUBE] = { SK_FIXED, "YouTube", "https://www.youtube.com/", "youtube.com",
	    LAND_ANY, 0.4 },
	[S_CHATGPT] = { SK_FIXED, "ChatGPT", "https://chatgpt.com/", "chatgpt.com",
	    LAND_CONTENT, 0.8 },
	[S_PERPLEXITY] = { SK_FIXED, "Perplexity", "https://www.perplexity.ai/", "perplexity.ai",
	    LAND_CONTENT, 0.3 },
	[S_PH] = { SK_FIXED, "Product Hunt", "https://www.producthunt.com/", "producthunt.com",
	    LAND_HOME, 0.3 },
	[S_GMAIL] = { SK_FIXED, "Gmail", "https://mail.google.com/", "mail.google.com",
	    LAND_BLOG, 0.4 },
	[S_OUTLOOK] = { SK_FIXED, "Outlook", "https://outlook.live.com/", "outlook.live.com",
	    LAND_BLOG, 0.2 },
	[S_TAIL] = { SK_TAIL, NULL, NULL, NULL, LAND_ANY, 9 },
};

/* Tagged visits (about 10%): UTM parameters on the landing page's URL. */
#define CAMPAIGN_SHARE	0.10

static const char *const c_news[] = { "weekly", NULL };	/* weekly-YYYY-WW */
static const char *const c_cpc[] = { "brand", "competitors", "analytics-generic",
	"retargeting", NULL };
static const char *const t_cpc[] = { "privacy analytics", "google analytics alternative",
	"web analytics", "cookie free analytics", "self hosted analytics", "gdpr analytics",
	NULL };
static const char *const k_ab[] = { "ad-a", "ad-b", "ad-c", NULL };
static const char *const c_social[] = { "launch-v2", "black-friday", "feature-funnels",
	"case-study", NULL };
static const char *const c_li[] = { "b2b-webinar", "launch-v2", "hiring", NULL };
static const char *const c_partner[] = { "affiliate", NULL };
static const char *const c_ph[] = { "launch-v2", NULL };
static const char *const c_reddit[] = { "dev-audience", "self-hosters", NULL };
static const char *const k_banner[] = { "banner", "sidebar", "footer", NULL };

static const struct campaign {
	const char	*usrc, *umed;
	const char *const *names, *const *terms, *const *contents;
	enum src	 refs[3];
	double		 refw[3];
	enum land	 land;
	double		 w;
} campaigns[] = {
	{ "newsletter", "email", c_news, NULL, k_banner,
	    { S_DIRECT, S_GMAIL, S_OUTLOOK }, { 50, 35, 15 }, LAND_BLOG, 35 },
	{ "google", "cpc", c_cpc, t_cpc, k_ab,
	    { S_GOOGLE, S_GOOGLE, S_GOOGLE }, { 1, 1, 1 }, LAND_HOME, 30 },
	{ "twitter", "social", c_social, NULL, NULL,
	    { S_TWITTER, S_TWITTER, S_TWITTER }, { 1, 1, 1 }, LAND_BLOG, 10 },
	{ "linkedin", "social", c_li, NULL, NULL,
	    { S_LINKEDIN, S_LNKD, S_LINKEDIN }, { 70, 30, 0 }, LAND_HOME, 8 },
	{ NULL, "referral", c_partner, NULL, k_banner,	/* partner-<tail domain> */
	    { S_TAIL, S_TAIL, S_TAIL }, { 1, 1, 1 }, LAND_HOME, 7 },
	{ "producthunt", "referral", c_ph, NULL, NULL,
	    { S_PH, S_PH, S_PH }, { 1, 1, 1 }, LAND_HOME, 4 },
	{ "reddit", "cpc", c_reddit, NULL, k_ab,
	    { S_REDDIT, S_REDDIT, S_REDDIT }, { 1, 1, 1 }, LAND_BLOG, 6 },
};

/* Custom events, on about 5% of page views; props are JSON objects of strings. */
enum props { PR_OUTBOUND, PR_FILE, PR_PLAN, PR_PURCHASE, PR_POSITION, PR_TOPIC };

static const struct custom {
	const char	*name;
	enum props	 props;
	double		 w;
} customs[] = {
	{ "Outbound Link: Click", PR_OUTBOUND, 40 },
	{ "File Download", PR_FILE, 18 },
	{ "Signup", PR_PLAN, 20 },
	{ "Purchase", PR_PURCHASE, 7 },
	{ "Newsletter Subscribe", PR_POSITION, 10 },
	{ "Contact Form", PR_TOPIC, 5 },
};
#define CUSTOM_SHARE	0.05
#define C_SIGNUP	2

static const char *const outbound[] = {
	"https://github.com/trackr/trackr", "https://github.com/trackr/trackr/releases",
	"https://github.com/trackr/trackr/issues", "https://twitter.com/trackr",
	"https://www.linkedin.com/company/trackr", "https://mastodon.social/@trackr",
	"https://discord.gg/trackr", "https://www.youtube.com/@trackr",
	"https://developer.mozilla.org/en-US/docs/Web/API/Navigator/sendBeacon",
	"https://mariadb.com/kb/en/innodb-system-variables/", "https://nginx.org/en/docs/",
	"https://gdpr.eu/cookies/", "https://www.cnil.fr/en/home",
	"https://web.dev/articles/vitals", "https://news.ycombinator.com/item?id=38745512",
	"https://www.producthunt.com/products/trackr", "https://status.trackr.example",
	"https://wordpress.org/plugins/trackr/", "https://www.npmjs.com/package/trackr-js",
	"https://hub.docker.com/r/trackr/trackr",
};
static const char *const files[] = {
	"trackr-whitepaper.pdf", "dpa-template.pdf", "gdpr-checklist.pdf",
	"trackr-1.4.0.tar.gz", "trackr-1.5.2.tar.gz", "pricing-2025.pdf",
	"security-overview.pdf", "brand-assets.zip", "case-study-acme.pdf",
	"benchmark-results.csv", "migration-guide.pdf", "sample-export.csv",
};
static const char *const plans[] = { "free", "free", "free", "pro", "pro", "team" };
static const char *const positions[] = { "footer", "sidebar", "popup", "inline" };
static const char *const topics[] = { "sales", "support", "press", "partnership" };

/* Word lists for ~5,000 page paths and ~4,000 referring sites. */
static const char *const top_pages[] = {
	"/", "/pricing", "/blog", "/docs", "/features", "/signup", "/login", "/about",
	"/changelog", "/integrations", "/contact", "/customers", "/security", "/privacy",
	"/careers",
};
static const char *const blog_prefix[] = {
	"how-to-measure", "why", "a-guide-to", "the-case-for", "lessons-from",
	"understanding", "introducing", "getting-started-with", "what-is",
	"benchmarking", "migrating-to", "scaling", "debugging", "optimizing",
	"building", "rethinking", "the-future-of", "notes-on", "a-year-of", "inside",
	"myths-about", "a-checklist-for", "mistakes-in", "comparing", "the-cost-of",
};
static const char *const blog_topic[] = {
	"privacy-friendly-analytics", "cookie-banners", "gdpr", "server-side-tracking",
	"web-vitals", "bounce-rate", "utm-parameters", "funnels", "conversion-goals",
	"self-hosting", "mariadb", "fastcgi", "nginx", "c-programming",
	"session-stitching", "daily-salts", "rollups", "dashboards", "open-source",
	"pricing-pages", "landing-pages", "seo", "content-marketing", "referrer-spam",
	"bot-detection", "single-page-apps", "ecommerce-tracking", "revenue-attribution",
	"retention", "cohorts", "ab-testing", "product-analytics", "event-tracking",
	"consent", "data-retention", "ip-anonymisation", "performance-budgets",
	"core-web-vitals", "log-analysis", "time-zones", "newsletters", "onboarding",
	"churn", "pageviews", "unique-visitors", "entry-pages", "exit-pages",
	"custom-events", "outbound-links", "file-downloads", "404-pages", "dark-patterns",
	"ad-blockers", "first-party-data", "edge-functions", "wordpress", "static-sites",
	"nextjs", "hugo", "shopify", "headless-cms", "growth-loops", "marketing-attribution",
	"search-console", "keyword-research", "link-building", "social-media", "email-campaigns",
	"customer-journeys", "kpis", "north-star-metrics", "okrs", "data-warehouses",
	"sql-for-marketers", "csv-exports", "api-design", "rate-limiting", "group-commit",
	"innodb", "prepared-statements", "memory-safety", "fuzzing", "threat-models",
	"password-hashing", "two-factor-auth", "audit-logs", "multi-tenancy", "b2b-saas",
};
static const char *const doc_section[] = {
	"getting-started", "installation", "tracker", "events", "goals", "funnels", "api",
	"self-hosting", "configuration", "integrations", "privacy", "troubleshooting", "faq",
	"reports", "filters", "exports", "teams", "billing", "security", "sites",
	"custom-props", "revenue", "spa", "proxy", "wordpress", "nextjs", "hugo", "shopify",
	"react", "vue", "svelte", "django", "rails", "laravel", "ghost", "webflow", "gatsby",
	"astro",
};
static const char *const doc_page[] = {
	"overview", "quick-start", "install", "configure", "upgrade", "reference",
	"examples", "limits", "errors", "migration", "options", "environment", "docker",
	"kubernetes", "systemd", "nginx", "apache", "caddy", "backup", "restore",
	"permissions", "roles", "invitations", "sso", "two-factor", "api-keys", "webhooks",
	"rate-limits", "pagination", "timezones", "currencies", "outbound-links",
	"file-downloads", "hash-routing", "manual-pageviews", "excluding-pages",
	"bot-filtering", "dnt", "cookies", "data-export", "data-deletion", "retention",
	"csv", "json", "sql", "dashboards", "shared-links", "embedding", "email-reports",
	"slack", "alerts", "goals", "funnels", "segments", "comparisons", "annotations",
	"realtime", "proxying", "cname", "first-party", "subdomains", "cross-domain",
	"localhost", "testing", "faq",
};
static const char *const integration_names[] = {
	"wordpress", "shopify", "webflow", "ghost", "wix", "squarespace", "hugo", "jekyll",
	"gatsby", "nextjs", "nuxt", "astro", "sveltekit", "remix", "docusaurus", "mkdocs",
	"vitepress", "gitbook", "notion", "framer", "bubble", "carrd", "hubspot",
	"mailchimp", "stripe", "paddle", "lemonsqueezy", "zapier", "make", "n8n", "slack",
	"discord", "google-tag-manager", "cloudflare", "vercel", "netlify", "fly-io",
	"render", "heroku", "digitalocean", "hetzner", "aws", "gcp", "azure", "nginx",
	"apache", "caddy", "traefik", "haproxy", "varnish", "drupal", "joomla", "magento",
	"woocommerce", "prestashop", "bigcommerce", "typo3", "craft-cms", "strapi",
	"contentful",
};
static const char *const customer_names[] = {
	"acme", "globex", "initech", "umbrella", "hooli", "stark-industries", "wayne-tech",
	"wonka", "tyrell", "cyberdyne", "soylent", "vandelay", "pied-piper", "aviato",
	"massive-dynamic", "oscorp", "gringotts", "monarch", "dunder-mifflin", "prestige",
	"nakatomi", "virtucon", "octan", "gekko", "blue-sun", "buy-n-large", "ingen",
	"weyland", "sirius", "zorg", "rekall", "spacely", "cogswell", "bluth",
	"sterling-cooper", "los-pollos", "krusty-krab", "bubba-gump", "duff", "planet-express",
};
static const char *const competitors[] = {
	"google-analytics", "plausible", "matomo", "fathom", "umami", "simple-analytics",
	"pirsch", "goatcounter", "posthog", "mixpanel", "amplitude", "heap", "adobe-analytics",
	"cloudflare-analytics", "piwik-pro",
};
static const char *const jobs[] = {
	"senior-c-engineer", "site-reliability-engineer", "product-designer",
	"frontend-engineer", "support-engineer", "developer-advocate", "technical-writer",
	"account-executive", "marketing-lead", "data-engineer", "security-engineer",
	"engineering-manager",
};
static const char *const authors[] = {
	"anna", "ben", "chloe", "david", "elif", "felix", "grace", "hugo", "ines", "jonas",
	"kemal", "lena", "marta", "nils", "olga", "paul", "qiu", "rosa", "sven", "tariq",
};
static const char *const tail_w1[] = {
	"code", "dev", "data", "web", "tech", "cloud", "open", "byte", "stack", "pixel",
	"lean", "indie", "maker", "growth", "startup", "saas", "product", "design", "ux",
	"seo", "content", "rust", "go", "python", "ruby", "java", "linux", "unix", "infra",
	"ops", "sec", "privacy", "crypto", "quant", "green", "blue", "red", "silver",
	"golden", "quiet", "rapid", "tiny", "micro", "mega", "hyper", "super", "smart",
	"daily", "weekly", "north", "south", "alpine", "baltic", "nordic", "urban", "rural",
	"swift", "kotlin", "elixir", "haskell",
};
static const char *const tail_w2[] = {
	"blog", "news", "weekly", "hub", "lab", "labs", "notes", "digest", "review",
	"journal", "times", "post", "report", "insider", "tools", "garden", "forge",
	"works", "camp", "school", "academy", "guide", "tips", "tricks", "radar", "wire",
	"feed", "list", "board", "forum", "club", "space", "base", "point", "corner",
	"cafe", "den", "nest", "yard", "port", "bay", "station", "center", "depot", "shop",
	"market", "craft", "studio", "press", "media", "cast", "talk", "chat", "letter",
	"stack", "bytes", "bits", "log", "ledger", "compass",
};
static const char *const tail_tld[] = {
	"com", "io", "dev", "net", "org", "de", "co.uk", "fr", "nl", "app",
};
static const char *const tail_paths[] = {
	"/", "/blog/", "/links", "/resources", "/tools/analytics", "/newsletter/",
	"/posts/privacy", "/awesome-list", "/2024/", "/2025/",
};

/* Traffic shape, in the site's local time. */
static const double hour_w[24] = {
	0.30, 0.20, 0.14, 0.11, 0.11, 0.15, 0.28, 0.50, 0.78, 0.95, 1.00, 1.00,
	0.93, 0.97, 1.00, 0.98, 0.92, 0.82, 0.72, 0.70, 0.72, 0.68, 0.55, 0.42,
};
static const double wday_w[7] = { 0.62, 1.00, 1.04, 1.03, 1.00, 0.90, 0.58 };	/* Sun.. */
#define SPIKE_CHANCE	(1.0 / 30)	/* days on Hacker News, Reddit, Twitter */
static const enum src spike_srcs[] = { S_HN, S_REDDIT, S_TWITTER };

/* ---------------------------------------------------------- the model */

enum kind { K_PAGEVIEW, K_ENGAGEMENT, K_CUSTOM };

/* One planned event of a visit. */
struct pev {
	int64_t		 ts;
	uint32_t	 page;
	uint32_t	 prev;		/* the previous page view's page, or NO_PAGE */
	uint32_t	 eng_ms;
	uint16_t	 pick;		/* variant of the props */
	uint8_t		 kind;
	uint8_t		 custom;
	uint8_t		 scroll;
};

/* One planned visit: its events are pev[first .. first + n). */
struct plan {
	int64_t		 start;
	size_t		 first, n;
	size_t		 seq;
	int		 src;		/* enum src */
	int		 camp;		/* index in campaigns[], or -1 */
};

/* What a visit's events share, for as long as some are in the heap. */
struct slot {
	uint64_t	 id, visitor;
	unsigned	 pending;
	const char	*source, *country, *device, *browser, *os;
	char		 refdom[REF_MAX];
	char		 ref[REF_MAX];
	char		 utm[5][UTM_MAX];
	char		 bver[VER_MAX], over[VER_MAX];
	int		 width;
};

struct hev {
	struct pev	 e;
	uint64_t	 seq;
	uint32_t	 slot;
};

/* A row of events as bound: every string is owned by the row. */
struct erow {
	int64_t		 ts;
	uint64_t	 id, visitor, session;
	const char	*name, *path, *source, *country, *device, *browser, *os, *currency;
	char		 refdom[REF_MAX];
	char		 ref[REF_MAX];
	char		 utm[5][UTM_MAX];
	char		 props[PROPS_MAX];
	char		 revenue[24];
	char		 bver[VER_MAX], over[VER_MAX];
	int		 width, eng, scroll, interactive, has_props, has_revenue;
};

struct srow {
	uint64_t	 id, visitor;
	int64_t		 started, last;
	const char	*entry, *exit, *source, *country, *device, *browser, *os, *screen;
	unsigned	 pageviews, events, interactions, max_scroll;
	unsigned long long engagement;
	char		 refdom[REF_MAX];
	char		 utm[5][UTM_MAX];
	char		 bver[VER_MAX], over[VER_MAX];
};

/* ROWS rows of one table, filled by the generator, written by a writer. */
enum bkind { B_EVENTS, B_SESSIONS };

struct batch {
	enum bkind	 kind;
	size_t		 n;
	struct erow	*e;		/* ROWS each */
	struct srow	*s;
	struct batch	*next;
};

/*
 * Full batches go to the writers, written ones come back.  Only the last
 * writer takes sessions: rows of the same seed just deleted and not yet
 * purged make InnoDB lock them on insert, and two connections doing that
 * could deadlock.  Events get fresh ids, so both writers may take them.
 */
struct pipe {
	pthread_mutex_t	 lock;
	pthread_cond_t	 full_cv, free_cv;
	struct batch	*full[2], *full_tail[2];	/* by enum bkind */
	struct batch	*free;
	struct batch	*all;			/* NBATCH, for freeing */
	int		 closed, failed;
	long long	 events, sessions;	/* written */
};

/* A thread with its own connection, so the server works on both cores. */
struct writer {
	struct gen	*g;
	struct db	*db;
	int		 sessions;		/* takes session batches too */
	pthread_t	 th;
	int		 running;
	MYSQL_STMT	*ev, *se;		/* ROWS rows */
	struct db_args	 args;
	long long	 txn_rows;
	unsigned long	 conn;			/* db_generation() at BEGIN */
};

/* A person due back at due, if it is still UTC day day. */
struct ret {
	int64_t		 due;
	uint32_t	 person;
	int32_t		 day;
};

struct gen {
	struct db	*db;
	struct tz	*tz;			/* the site's zone */
	struct rng	 r;
	uint64_t	 seed;
	uint64_t	 site_salt;		/* from the domain: ids differ between sites */
	const char	*domain;
	unsigned	 site_id;
	long long	 n_target;
	int64_t		 t0, t1;		/* [t0, t1), UTC ms */
	long		 day_chrome120, day_firefox121, day_samsung23, day_gsa300;
	long		 safari_day[NELEM(safari_releases)];
	long		 android_day[NELEM(android_releases)];

	/* pages: pages[0..npages), rank order; content and blog: indices */
	char		**pages;
	size_t		 npages;
	uint32_t	*content, *blog;
	size_t		 ncontent, nblog;
	uint32_t	 page_signup, page_home, page_pricing, page_features;
	struct wtab	 w_pages, w_content, w_blog;
	char		**tail;
	size_t		 ntail;
	struct wtab	 w_tail;

	struct wtab	 w_country, w_platform, w_source, w_campaign, w_custom;
	struct wtab	 w_android_lag;
	struct wtab	 w_plat_browser[NELEM(platforms)];
	uint32_t	*plat_browser[NELEM(platforms)];
	struct wtab	 w_width[NELEM(platforms)];

	/* hours and local days */
	size_t		 nhours, ndays;
	double		*hour_cum;
	uint32_t	*hour_day;
	double		*day_spike;		/* 1 on ordinary days */
	uint8_t		*day_spike_src;
	uint32_t	*day_spike_page;

	/* people, and those who come back later the same day */
	uint32_t	 npersons;
	int64_t		*busy_until;
	int32_t		*last_day;
	struct ret	*rets;
	size_t		 nrets, retcap;

	/* planning of one hour */
	struct pev	*pev;
	size_t		 npev, pevcap;
	struct plan	*plans;
	size_t		 nplans, plancap;

	/* visits in progress and their events */
	struct slot	*slots;
	size_t		 nslots;
	uint32_t	*free_slots;
	size_t		 nfree;
	struct hev	*heap;
	size_t		 nheap, heapcap;
	uint64_t	 hseq;

	/* the batches being filled, and the writers */
	struct batch	*eb, *sb;
	struct pipe	 pipe;
	struct writer	 writers[WRITERS];
	size_t		 nwriters;

	/* totals and progress */
	uint64_t	 next_id;		/* of the next event */
	int64_t		 last_ts;
	long long	 planned, sessions, visitors, pageviews, customs_n;
	double		 t_start, t_report;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
floor_div(long a, long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static void
zero_slot(struct slot *s)
{
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------- tables */

static void
strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static char *
fmt_dup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt_dup(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

static void
shuffle_u32(struct rng *r, uint32_t *a, size_t n)
{
	size_t i, j;
	uint32_t t;

	for (i = n; i > 1; i--) {
		j = (size_t)rng_below(r, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/*
 * The site's pages: the top pages in a fixed order, then blog posts,
 * docs and the rest in a seeded random order, each rank weighted 1/rank.
 */
static void
build_pages(struct gen *g)
{
	char **tmp = NULL;
	uint8_t *kind = NULL, *tkind = NULL;	/* 1 blog post, 2 docs page */
	uint32_t *perm;
	size_t ntmp = 0, i, j;
	double *w;

	for (i = 0; i < NELEM(blog_prefix); i++)
		for (j = 0; j < NELEM(blog_topic); j++) {
			strv_push(&tmp, &ntmp, fmt_dup("/blog/%s-%s", blog_prefix[i], blog_topic[j]));
			tkind = xrealloc(tkind, ntmp);
			tkind[ntmp - 1] = 1;
		}
	for (i = 0; i < NELEM(doc_section); i++)
		for (j = 0; j < NELEM(doc_page); j++) {
			strv_push(&tmp, &ntmp, fmt_dup("/docs/%s/%s", doc_section[i], doc_page[j]));
			tkind = xrealloc(tkind, ntmp);
			tkind[ntmp - 1] = 2;
		}
#define PLAIN(...) do { strv_push(&tmp, &ntmp, fmt_dup(__VA_ARGS__)); \
	tkind = xrealloc(tkind, ntmp); tkind[ntmp - 1] = 0; } while (0)
	for (i = 0; i < NELEM(integration_names); i++)
		PLAIN("/integrations/%s", integration_names[i]);
	for (i = 0; i < NELEM(customer_names); i++)
		PLAIN("/customers/%s", customer_names[i]);
	for (i = 0; i < NELEM(competitors); i++)
		PLAIN("/compare/%s-vs-trackr", competitors[i]);
	for (i = 0; i < 48; i++)
		PLAIN("/changelog/%04zu-%02zu", 2022 + i / 12, i % 12 + 1);
	for (i = 0; i < NELEM(jobs); i++)
		PLAIN("/careers/%s", jobs[i]);
	for (i = 0; i < 80 && i < NELEM(blog_topic); i++)
		PLAIN("/blog/tag/%s", blog_topic[i]);
	for (i = 2; i < 42; i++)
		PLAIN("/blog/page/%zu", i);
	for (i = 0; i < NELEM(authors); i++)
		PLAIN("/blog/author/%s", authors[i]);
#undef PLAIN

	perm = xmalloc(ntmp * sizeof(*perm));
	for (i = 0; i < ntmp; i++)
		perm[i] = (uint32_t)i;
	shuffle_u32(&g->r, perm, ntmp);

	g->npages = 0;
	for (i = 0; i < NELEM(top_pages); i++) {
		strv_push(&g->pages, &g->npages, xstrdup(top_pages[i]));
		kind = xrealloc(kind, g->npages);
		kind[g->npages - 1] = 0;
	}
	for (i = 0; i < ntmp; i++) {
		strv_push(&g->pages, &g->npages, tmp[perm[i]]);
		kind = xrealloc(kind, g->npages);
		kind[g->npages - 1] = tkind[perm[i]];
	}
	g->page_home = 0;
	g->page_pricing = 1;
	g->page_signup = 5;
	g->page_features = 4;

	g->content = xmalloc(g->npages * sizeof(*g->content));
	g->blog = xmalloc(g->npages * sizeof(*g->blog));
	for (i = 0; i < g->npages; i++) {
		if (kind[i] != 0)
			g->content[g->ncontent++] = (uint32_t)i;
		if (kind[i] == 1)
			g->blog[g->nblog++] = (uint32_t)i;
	}
	/* "/" draws more than a plain 1/rank: most visits start there. */
	w = xmalloc(g->npages * sizeof(*w));
	for (i = 0; i < g->npages; i++)
		w[i] = 1.0 / ((double)i + 1.0);
	w[0] *= 2.0;
	wtab_init(&g->w_pages, w, g->npages);
	free(w);
	wtab_zipf(&g->w_content, g->ncontent, 1.0);
	wtab_zipf(&g->w_blog, g->nblog, 1.0);
	free(perm);
	free(tmp);
	free(kind);
	free(tkind);
}

/* ~4,000 referring sites of the long tail, ranked by a Zipf law. */
static void
build_tail(struct gen *g)
{
	size_t n1 = NELEM(tail_w1), n2 = NELEM(tail_w2), n3 = NELEM(tail_tld);
	size_t total = n1 * n2 * n3, want = 4000, i, k;
	uint32_t *perm = xmalloc(total * sizeof(*perm));

	for (i = 0; i < total; i++)
		perm[i] = (uint32_t)i;
	shuffle_u32(&g->r, perm, total);
	for (i = 0; i < want && i < total; i++) {
		k = perm[i];
		strv_push(&g->tail, &g->ntail, fmt_dup("%s%s.%s", tail_w1[k / (n2 * n3)],
		    tail_w2[k / n3 % n2], tail_tld[k % n3]));
	}
	wtab_zipf(&g->w_tail, g->ntail, 3.0);
	free(perm);
}

static void
build_tables(struct gen *g)
{
	double w[128];
	size_t i, p, n;

	for (i = 0; i < NELEM(countries); i++)
		w[i] = countries[i].w;
	wtab_init(&g->w_country, w, NELEM(countries));
	for (i = 0; i < NELEM(platforms); i++)
		w[i] = platforms[i].w;
	wtab_init(&g->w_platform, w, NELEM(platforms));
	for (i = 0; i < S__MAX; i++)
		w[i] = sources[i].w;
	wtab_init(&g->w_source, w, S__MAX);
	for (i = 0; i < NELEM(campaigns); i++)
		w[i] = campaigns[i].w;
	wtab_init(&g->w_campaign, w, NELEM(campaigns));
	for (i = 0; i < NELEM(customs); i++)
		w[i] = customs[i].w;
	wtab_init(&g->w_custom, w, NELEM(customs));
	wtab_init(&g->w_android_lag, android_lag_w, NELEM(android_lag_w));
	for (p = 0; p < NELEM(platforms); p++) {
		g->plat_browser[p] = xmalloc(NELEM(browsers) * sizeof(uint32_t));
		for (i = n = 0; i < NELEM(browsers); i++)
			if (browsers[i].plat == p) {
				g->plat_browser[p][n] = (uint32_t)i;
				w[n++] = browsers[i].w;
			}
		wtab_init(&g->w_plat_browser[p], w, n);
		wtab_init(&g->w_width[p], platforms[p].widthw, platforms[p].nwidths);
	}
	g->day_chrome120 = days_from_civil(2023, 12, 5);
	g->day_firefox121 = days_from_civil(2023, 12, 19);
	g->day_samsung23 = days_from_civil(2023, 11, 1);
	g->day_gsa300 = days_from_civil(2024, 1, 1);
	for (i = 0; i < NELEM(safari_releases); i++)
		g->safari_day[i] = days_from_civil(safari_releases[i].y, safari_releases[i].m,
		    safari_releases[i].d);
	for (i = 0; i < NELEM(android_releases); i++)
		g->android_day[i] = days_from_civil(android_releases[i].y, android_releases[i].m,
		    android_releases[i].d);
	build_pages(g);
	build_tail(g);
}

/* ------------------------------------------------------ time weights */

/*
 * Per UTC hour of the range: growth (half at the start), season (summer
 * and the holidays are quieter), weekday, the hour in the site's local
 * time (as the dashboard's tz.c has it), a day's noise and the odd viral
 * day.
 */
static void
build_hours(struct gen *g)
{
	long long utc, local;
	size_t h, d;
	long day0 = 0, day;
	int y, mon, mday, hour, wday;
	double w, sum = 0, season, noise;

	g->nhours = (size_t)((g->t1 - g->t0) / HOUR_MS);
	g->hour_cum = xmalloc(g->nhours * sizeof(*g->hour_cum));
	g->hour_day = xmalloc(g->nhours * sizeof(*g->hour_day));
	/* Local days: the first hour's day is 0; a day more for DST and offsets. */
	g->ndays = g->nhours / 24 + 3;
	g->day_spike = xmalloc(g->ndays * sizeof(*g->day_spike));
	g->day_spike_src = xmalloc(g->ndays);
	g->day_spike_page = xmalloc(g->ndays * sizeof(*g->day_spike_page));
	for (d = 0; d < g->ndays; d++) {
		g->day_spike[d] = 0.85 + 0.3 * rng_unit(&g->r);	/* noise, for now */
		g->day_spike_src[d] = 0;
		g->day_spike_page[d] = NO_PAGE;
	}
	for (d = 0; d < g->ndays; d++) {
		if (!rng_chance(&g->r, SPIKE_CHANCE))
			continue;
		/* x2 to x5 that day, a third of it the next. */
		g->day_spike_src[d] = (uint8_t)spike_srcs[rng_below(&g->r, NELEM(spike_srcs))];
		g->day_spike_page[d] = g->blog[rng_below(&g->r, g->nblog)];
		g->day_spike[d] *= 2.0 + 3.0 * rng_unit(&g->r);
	}
	for (h = 0; h < g->nhours; h++) {
		utc = (g->t0 + (int64_t)h * HOUR_MS + HOUR_MS / 2) / 1000;
		local = utc + tz_offset(g->tz, utc);
		day = floor_div((long)local, 86400);
		hour = (int)((local - (long long)day * 86400) / 3600);
		wday = weekday(day);
		civil_from_days(day, &y, &mon, &mday);
		if (h == 0)
			day0 = day;
		d = (size_t)(day - day0);
		if (d >= g->ndays)
			d = g->ndays - 1;
		g->hour_day[h] = (uint32_t)d;
		season = 1.0;
		if ((mon == 12 && mday >= 22) || (mon == 1 && mday == 1))
			season = 0.65;
		else if (mon == 7 || mon == 8)
			season = 0.88;
		noise = g->day_spike[d];
		if (g->day_spike_page[d] == NO_PAGE && d > 0 && g->day_spike_page[d - 1] != NO_PAGE)
			noise *= 1.0 + (g->day_spike[d - 1] - 1.0) / 3.0;
		w = (0.5 + 0.5 * (double)h / (double)g->nhours) * season *
		    wday_w[wday] * hour_w[hour] * noise;
		sum += w;
		g->hour_cum[h] = sum;
	}
}

/* ------------------------------------------------------------- people */

struct person {
	unsigned	 country, plat, browser, lag, oslag, width;
	int		 local_google;
};

/* A person's fixed traits, from their number alone. */
static void
person_get(const struct gen *g, uint32_t p, struct person *out)
{
	struct rng r;
	double u;

	rng_seed(&r, g->seed ^ mix64(0x70657273ull + ((uint64_t)p << 8)));
	out->country = (unsigned)wtab_pick(&g->w_country, &r);
	out->plat = (unsigned)wtab_pick(&g->w_platform, &r);
	out->browser = g->plat_browser[out->plat][wtab_pick(&g->w_plat_browser[out->plat], &r)];
	out->width = (unsigned)platforms[out->plat].widths[wtab_pick(&g->w_width[out->plat], &r)];
	/* How far behind the newest version: most browsers update themselves. */
	u = rng_unit(&r);
	out->lag = u < 0.60 ? 0 : u < 0.85 ? 1 : u < 0.94 ? 2 : 3 + (unsigned)rng_below(&r, 6);
	out->oslag = (unsigned)wtab_pick(&g->w_android_lag, &r);
	out->local_google = rng_chance(&r, 0.7);
}

/* A visitor id as the collector's daily hash would give: per person and UTC day. */
static uint64_t
visitor_id(const struct gen *g, uint32_t p, long utc_day)
{
	uint64_t v = mix64(g->seed ^ g->site_salt ^ mix64(((uint64_t)p << 20) ^
	    (uint64_t)utc_day ^ 0x5649534954ull)) & 0x7fffffffffffffffull;

	return v ? v : 1;
}

/* The release of a table current on day, lag releases back. */
static size_t
release_at(const long *days, size_t n, long day, unsigned lag)
{
	size_t i = 0;

	while (i + 1 < n && days[i + 1] <= day)
		i++;
	return i >= lag ? i - lag : 0;
}

/* "major.minor" as ua.c keeps it; minor < 0 for "major" alone. */
static void
ver_put(char *dst, long major, long minor)
{
	if (major < 0 || major > 65535)
		major = 0;
	if (minor > 65535)
		minor = 0;
	if (minor < 0)
		snprintf(dst, VER_MAX, "%hu", (unsigned short)major);
	else
		snprintf(dst, VER_MAX, "%hu.%hu", (unsigned short)major, (unsigned short)minor);
}

static void
versions(const struct gen *g, const struct person *pp, long day, char *bver, char *over)
{
	const struct browser *b = &browsers[pp->browser];
	const struct platform *pl = &platforms[pp->plat];
	/* Chrome 120 came out 2023-12-05 and 142 on 2025-10-28; Firefox alike. */
	long chrome = 120 + floor_div((day - g->day_chrome120) * 22, 693) - (long)pp->lag, v;
	size_t i;

	if (chrome < 100)
		chrome = 100;
	switch (b->vk) {
	case VK_CHROME:
		ver_put(bver, chrome, 0);
		break;
	case VK_OPERA:
		ver_put(bver, chrome - 14, 0);
		break;
	case VK_FIREFOX:
		v = 121 + floor_div((day - g->day_firefox121) * 24, 693) - (long)pp->lag;
		ver_put(bver, v < 100 ? 100 : v, 0);
		break;
	case VK_SAFARI:
		i = release_at(g->safari_day, NELEM(safari_releases), day, pp->lag);
		ver_put(bver, safari_releases[i].major, safari_releases[i].minor);
		break;
	case VK_SAMSUNG:
		v = 23 + floor_div(day - g->day_samsung23, 120) - (long)(pp->lag / 2);
		ver_put(bver, v < 20 ? 20 : v, 0);
		break;
	case VK_GSA:
		v = 300 + floor_div(day - g->day_gsa300, 14) - (long)pp->lag;
		ver_put(bver, v < 250 ? 250 : v, 0);
		break;
	}
	switch (pl->ok) {
	case OK_WINDOWS:
		ver_put(over, 10, -1);		/* Windows 11 says "NT 10.0" too */
		break;
	case OK_MACOS:
		ver_put(over, 10, 15);		/* frozen in every browser's UA */
		break;
	case OK_LINUX:
		over[0] = '\0';
		break;
	case OK_CHROMEOS:
		ver_put(over, 15633 + (chrome - 120) * 60, 0);
		break;
	case OK_ANDROID:
		i = release_at(g->android_day, NELEM(android_releases), day, pp->oslag);
		ver_put(over, android_releases[i].major, -1);
		break;
	case OK_IOS:
		i = release_at(g->safari_day, NELEM(safari_releases), day, pp->lag);
		ver_put(over, safari_releases[i].major, safari_releases[i].minor);
		break;
	}
}

/* As stitch_screen_class() in cgi/collect/stitch.c. */
static const char *
screen_class(int width)
{
	if (width < 0)
		return "";
	if (width < 576)
		return "mobile";
	if (width < 992)
		return "tablet";
	if (width < 1440)
		return "laptop";
	return "desktop";
}

/* --------------------------------------------------------- planning */

static struct pev *
pev_add(struct gen *g)
{
	struct pev *e;

	if (g->npev == g->pevcap) {
		g->pevcap = g->pevcap ? g->pevcap * 2 : 4096;
		g->pev = xrealloc(g->pev, g->pevcap * sizeof(*g->pev));
	}
	e = &g->pev[g->npev++];
	memset(e, 0, sizeof(*e));
	return e;
}

static uint32_t
pick_page(struct gen *g, enum land land)
{
	switch (land) {
	case LAND_CONTENT:
		if (rng_chance(&g->r, 0.6))
			return g->content[wtab_pick(&g->w_content, &g->r)];
		break;
	case LAND_BLOG:
		if (rng_chance(&g->r, 0.7))
			return g->blog[wtab_pick(&g->w_blog, &g->r)];
		break;
	case LAND_HOME:
		switch (rng_below(&g->r, 5)) {
		case 0: case 1: return g->page_home;
		case 2: return g->page_pricing;
		case 3: return g->page_features;
		default: break;
		}
		break;
	case LAND_ANY:
		break;
	}
	return (uint32_t)wtab_pick(&g->w_pages, &g->r);
}

static int
pev_cmp(const void *a, const void *b)
{
	const struct pev *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* Time on a page before the next one: mostly short, never 30 minutes. */
static int64_t
dwell_ms(struct gen *g)
{
	double u = rng_unit(&g->r), v = rng_unit(&g->r);

	if (u < 0.70)
		return 3000 + (int64_t)(v * v * 120000);
	if (u < 0.95)
		return 60000 + (int64_t)(v * 540000);
	return 600000 + (int64_t)(v * 1140000);
}

/*
 * Plan one visit starting at start: page views (1 + geometric: ~45% see
 * one page), an engagement event when most pages are left, and a custom
 * event on some.  At most room events; none at or after the range's end.
 */
static void
plan_visit(struct gen *g, struct plan *p, int64_t start, uint32_t day, long long room)
{
	struct pev *e;
	enum land land;
	uint32_t page, prev = NO_PAGE;
	int64_t ts = start, dwell, next;
	size_t npv = 0, i;
	int more = 1, c;
	double spike = g->day_spike_page[day] != NO_PAGE ? g->day_spike[day] : 1.0;

	p->start = start;
	p->first = g->npev;
	p->camp = -1;
	if (spike > 1.0 && rng_chance(&g->r, 1.0 - 1.0 / spike)) {
		p->src = g->day_spike_src[day];
		page = g->day_spike_page[day];
	} else {
		if (rng_chance(&g->r, CAMPAIGN_SHARE)) {
			const struct campaign *cp;
			double u;

			p->camp = (int)wtab_pick(&g->w_campaign, &g->r);
			cp = &campaigns[p->camp];
			u = rng_unit(&g->r) * (cp->refw[0] + cp->refw[1] + cp->refw[2]);
			p->src = cp->refs[u < cp->refw[0] ? 0 : u < cp->refw[0] + cp->refw[1] ? 1 : 2];
			land = cp->land;
		} else {
			p->src = (int)wtab_pick(&g->w_source, &g->r);
			land = sources[p->src].land;
		}
		page = pick_page(g, land);
	}

	while (more) {
		/* the page view */
		e = pev_add(g);
		e->ts = ts;
		e->kind = K_PAGEVIEW;
		e->page = page;
		e->prev = prev;
		npv++;
		dwell = dwell_ms(g);
		more = npv < MAX_PAGEVIEWS && ts - start < MAX_VISIT_MS &&
		    rng_chance(&g->r, npv == 1 ? 0.55 : 0.62);
		next = ts + dwell;
		/* a custom event while on the page */
		c = -1;
		if (page == g->page_signup && rng_chance(&g->r, 0.30))
			c = C_SIGNUP;
		else if (rng_chance(&g->r, CUSTOM_SHARE))
			c = (int)wtab_pick(&g->w_custom, &g->r);
		if (c >= 0) {
			e = pev_add(g);
			e->ts = ts + 500 + (int64_t)(rng_unit(&g->r) * (double)dwell * 0.8);
			e->kind = K_CUSTOM;
			e->custom = (uint8_t)c;
			e->page = page;
			e->prev = prev;
			e->pick = (uint16_t)rng_below(&g->r, 65536);
		}
		/* engagement when the page is left (next page or tab closed) */
		if (rng_chance(&g->r, 0.85)) {
			double v = rng_unit(&g->r);

			e = pev_add(g);
			e->ts = more ? next - 20 - (int64_t)rng_below(&g->r, 400) : next;
			if (e->ts < ts + 1)
				e->ts = ts + 1;
			e->kind = K_ENGAGEMENT;
			e->page = page;
			e->prev = prev;
			e->eng_ms = (uint32_t)((double)dwell * (0.6 + 0.4 * rng_unit(&g->r)));
			e->scroll = (uint8_t)(20 + (int)(80.0 * (1.0 - v * v)));
		}
		prev = page;
		ts = next;
		if (more) {
			page = (uint32_t)wtab_pick(&g->w_pages, &g->r);
			if (page == prev)
				page = (uint32_t)wtab_pick(&g->w_pages, &g->r);
		}
	}
	/* Keep the events inside the range and, in time order, the room left. */
	qsort(g->pev + p->first, g->npev - p->first, sizeof(*g->pev), pev_cmp);
	p->n = 0;
	for (i = p->first; i < g->npev; i++) {
		if (g->pev[i].ts >= g->t1 || (long long)p->n >= room)
			continue;
		g->pev[p->first + p->n++] = g->pev[i];
	}
	g->npev = p->first + p->n;
}

static int
plan_cmp(const void *a, const void *b)
{
	const struct plan *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* --------------------------------------------------------------- heap */

static int
hev_less(const struct hev *a, const struct hev *b)
{
	if (a->e.ts != b->e.ts)
		return a->e.ts < b->e.ts;
	return a->seq < b->seq;
}

static void
heap_push(struct gen *g, const struct pev *e, uint32_t slot)
{
	struct hev *h, t;
	size_t i, parent;

	if (g->nheap == g->heapcap) {
		g->heapcap = g->heapcap ? g->heapcap * 2 : 4096;
		g->heap = xrealloc(g->heap, g->heapcap * sizeof(*g->heap));
	}
	h = g->heap;
	i = g->nheap++;
	h[i].e = *e;
	h[i].seq = g->hseq++;
	h[i].slot = slot;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!hev_less(&h[i], &h[parent]))
			break;
		t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

static void
heap_pop(struct gen *g, struct hev *out)
{
	struct hev *h = g->heap, t;
	size_t i = 0, l, m, n;

	*out = h[0];
	n = --g->nheap;
	h[0] = h[n];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && hev_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && hev_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			break;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* --------------------------------------------------------- database */

/* INSERT for n rows: fixed text repeated n times, as the collector's writer does. */
static MYSQL_STMT *
prepare_insert(struct db *db, const char *head, const char *row, size_t n)
{
	struct buf b = BUF_INIT;
	MYSQL_STMT *st;
	size_t i;

	buf_adds(&b, head);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, ',');
		buf_adds(&b, row);
	}
	st = db_prepare(db, b.ptr);
	buf_release(&b);
	return st;
}

#define EVENTS_HEAD	"INSERT INTO events (" EVENT_COLS ") VALUES "
#define SESSIONS_HEAD	"INSERT INTO sessions (" SESSION_COLS ") VALUES "

static void
bind_erow(struct db_args *a, const struct gen *g, const struct erow *e)
{
	size_t i;

	db_arg_uint(a, e->id);
	db_arg_uint(a, g->site_id);
	db_arg_time_ms(a, e->ts);
	db_arg_strz(a, e->name);
	db_arg_uint(a, e->visitor);
	db_arg_uint(a, e->session);
	db_arg_strz(a, g->domain);
	db_arg_strz(a, e->path);
	db_arg_strz(a, e->ref);
	db_arg_strz(a, e->source);
	db_arg_strz(a, e->refdom);
	for (i = 0; i < 5; i++)
		db_arg_strz(a, e->utm[i]);
	db_arg_strz(a, e->country);
	db_arg_strz(a, e->device);
	db_arg_strz(a, e->browser);
	db_arg_strz(a, e->bver);
	db_arg_strz(a, e->os);
	db_arg_strz(a, e->over);
	db_arg_int(a, e->width);
	if (e->eng >= 0)
		db_arg_int(a, e->eng);
	else
		db_arg_null(a);
	if (e->scroll >= 0)
		db_arg_int(a, e->scroll);
	else
		db_arg_null(a);
	db_arg_int(a, e->interactive);
	db_arg_strz(a, e->has_props ? e->props : NULL);
	db_arg_strz(a, e->has_revenue ? e->revenue : NULL);
	db_arg_strz(a, e->has_revenue ? e->currency : NULL);
	db_arg_null(a);
}

static void
bind_srow(struct db_args *a, const struct gen *g, const struct srow *s)
{
	size_t i;

	db_arg_uint(a, s->id);
	db_arg_uint(a, g->site_id);
	db_arg_uint(a, s->visitor);
	db_arg_time_ms(a, s->started);
	db_arg_time_ms(a, s->last);
	db_arg_strz(a, s->entry);
	db_arg_strz(a, s->exit);
	db_arg_uint(a, s->pageviews);
	db_arg_uint(a, s->events);
	db_arg_uint(a, s->interactions);
	db_arg_uint(a, s->engagement);
	db_arg_uint(a, s->max_scroll);
	db_arg_strz(a, s->source);
	db_arg_strz(a, s->refdom);
	for (i = 0; i < 5; i++)
		db_arg_strz(a, s->utm[i]);
	db_arg_strz(a, s->country);
	db_arg_strz(a, s->device);
	db_arg_strz(a, s->browser);
	db_arg_strz(a, s->bver);
	db_arg_strz(a, s->os);
	db_arg_strz(a, s->over);
	db_arg_strz(a, s->screen);
}

static void
progress(struct gen *g, int last)
{
	double t = now_s(), el = t - g->t_start;
	time_t day;
	struct tm tm;
	char when[16] = "";

	long long ev, se;

	if (!last && t - g->t_report < 2.0)
		return;
	g->t_report = t;
	pthread_mutex_lock(&g->pipe.lock);
	ev = g->pipe.events;
	se = g->pipe.sessions;
	pthread_mutex_unlock(&g->pipe.lock);
	day = (time_t)(g->last_ts / 1000);
	if (gmtime_r(&day, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d", &tm);
	fprintf(stderr, "gen-events: %lld/%lld events (%.1f%%), %lld sessions written, "
	    "generated up to %s, %.0f events/s\n", ev, g->n_target,
	    100.0 * (double)ev / (double)g->n_target, se, when,
	    el > 0 ? (double)ev / el : 0.0);
}

/* COMMIT, unless the connection was silently replaced since BEGIN. */
static int
writer_commit(struct writer *w)
{
	if (db_generation(w->db) != w->conn) {
		log_err("the connection was lost inside a transaction");
		return -1;
	}
	return db_commit(w->db);
}

static int
writer_begin(struct writer *w)
{
	if (db_begin(w->db) == -1)
		return -1;
	w->conn = db_generation(w->db);
	w->txn_rows = 0;
	return 0;
}

/* One batch: one INSERT; a COMMIT every TXN_ROWS rows. */
static int
writer_write(struct writer *w, const struct batch *b)
{
	MYSQL_STMT *st = b->kind == B_EVENTS ? w->ev : w->se;
	size_t i;
	int rc;

	if (b->n != ROWS && (st = b->kind == B_EVENTS ?
	    prepare_insert(w->db, EVENTS_HEAD, EVENT_ROW, b->n) :
	    prepare_insert(w->db, SESSIONS_HEAD, SESSION_ROW, b->n)) == NULL)
		return -1;
	db_args_reset(&w->args);
	for (i = 0; i < b->n; i++)
		if (b->kind == B_EVENTS)
			bind_erow(&w->args, w->g, &b->e[i]);
		else
			bind_srow(&w->args, w->g, &b->s[i]);
	rc = db_exec(w->db, st, &w->args, NULL, NULL);
	if (st != w->ev && st != w->se)
		mysql_stmt_close(st);
	if (rc == -1)
		return -1;
	w->txn_rows += (long long)b->n;
	if (w->txn_rows >= TXN_ROWS && (writer_commit(w) == -1 || writer_begin(w) == -1))
		return -1;
	return 0;
}

/* The queue w takes its next batch from (sessions first), or -1; under the lock. */
static int
writer_queue(const struct writer *w)
{
	const struct pipe *p = &w->g->pipe;

	if (w->sessions && p->full[B_SESSIONS] != NULL)
		return B_SESSIONS;
	return p->full[B_EVENTS] != NULL ? B_EVENTS : -1;
}

/*
 * A writer: batches until the pipe is closed and empty, then COMMIT.
 * After a failure anywhere it only hands batches back, so the generator
 * never waits forever; the open transaction is rolled back.
 */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct pipe *p = &w->g->pipe;
	struct batch *b;
	int ok, k;

	pthread_mutex_lock(&p->lock);
	ok = !p->failed;
	pthread_mutex_unlock(&p->lock);
	ok = ok && writer_begin(w) == 0;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (!ok)
			p->failed = 1;
		while ((k = writer_queue(w)) < 0 && !p->closed)
			pthread_cond_wait(&p->full_cv, &p->lock);
		if (k < 0) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		b = p->full[k];
		if ((p->full[k] = b->next) == NULL)
			p->full_tail[k] = NULL;
		ok = ok && !p->failed;
		pthread_mutex_unlock(&p->lock);

		if (ok && writer_write(w, b) == -1)
			ok = 0;

		pthread_mutex_lock(&p->lock);
		if (ok && b->kind == B_EVENTS)
			p->events += (long long)b->n;
		else if (ok)
			p->sessions += (long long)b->n;
		b->n = 0;
		b->next = p->free;
		p->free = b;
		pthread_cond_signal(&p->free_cv);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	ok = ok && !p->failed;
	pthread_mutex_unlock(&p->lock);
	if (ok && writer_commit(w) == -1)
		ok = 0;
	if (!ok) {
		db_rollback(w->db);
		pthread_mutex_lock(&p->lock);
		p->failed = 1;
		pthread_cond_broadcast(&p->free_cv);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* An empty batch to fill; NULL once a writer has failed. */
static struct batch *
batch_get(struct gen *g, enum bkind kind)
{
	struct pipe *p = &g->pipe;
	struct batch *b = NULL;

	pthread_mutex_lock(&p->lock);
	while (p->free == NULL && !p->failed)
		pthread_cond_wait(&p->free_cv, &p->lock);
	if (!p->failed) {
		b = p->free;
		p->free = b->next;
		b->kind = kind;
		b->n = 0;
		b->next = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	return b;
}

/* Hand a batch to the writers; -1 once a writer has failed. */
static int
batch_put(struct gen *g, struct batch *b)
{
	struct pipe *p = &g->pipe;
	int rc;

	pthread_mutex_lock(&p->lock);
	b->next = NULL;
	if (p->full_tail[b->kind] != NULL)
		p->full_tail[b->kind]->next = b;
	else
		p->full[b->kind] = b;
	p->full_tail[b->kind] = b;
	/* Not every writer can take every batch: wake them all. */
	pthread_cond_broadcast(&p->full_cv);
	rc = p->failed ? -1 : 0;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* The batch of kind being filled has one more row; pass it on when full. */
static int
batch_row_added(struct gen *g, enum bkind kind)
{
	struct batch **bp = kind == B_EVENTS ? &g->eb : &g->sb;

	if ((*bp)->n < ROWS)
		return 0;
	if (batch_put(g, *bp) == -1) {
		*bp = NULL;
		return -1;
	}
	if ((*bp = batch_get(g, kind)) == NULL)
		return -1;
	if (kind == B_EVENTS)
		progress(g, 0);
	return 0;
}

/* Open the writers' connections and start them. */
static int
writers_start(struct gen *g, const struct conf *conf)
{
	static const char *const on_connect[] = {
		"SET SESSION unique_checks = 0, foreign_key_checks = 0",
	};
	struct pipe *p = &g->pipe;
	struct writer *w;
	size_t i;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->full_cv, NULL);
	pthread_cond_init(&p->free_cv, NULL);
	p->all = xcalloc(NBATCH, sizeof(*p->all));
	for (i = 0; i < NBATCH; i++) {
		p->all[i].e = xmalloc(ROWS * sizeof(*p->all[i].e));
		p->all[i].s = xmalloc(ROWS * sizeof(*p->all[i].s));
		p->all[i].next = p->free;
		p->free = &p->all[i];
	}
	for (i = 0; i < WRITERS; i++) {
		w = &g->writers[i];
		w->g = g;
		w->sessions = i == WRITERS - 1;
		if ((w->db = db_open(conf, NULL, 0, 1)) == NULL)
			return -1;
		g->nwriters++;
		db_on_connect(w->db, on_connect, NELEM(on_connect));
		if (db_ensure(w->db) == -1 ||
		    (w->ev = prepare_insert(w->db, EVENTS_HEAD, EVENT_ROW, ROWS)) == NULL ||
		    (w->se = prepare_insert(w->db, SESSIONS_HEAD, SESSION_ROW, ROWS)) == NULL)
			return -1;
	}
	for (i = 0; i < WRITERS; i++) {
		w = &g->writers[i];
		if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
			log_err("pthread_create failed");
			return -1;
		}
		w->running = 1;
	}
	if ((g->eb = batch_get(g, B_EVENTS)) == NULL ||
	    (g->sb = batch_get(g, B_SESSIONS)) == NULL)
		return -1;
	return 0;
}

/*
 * Pass on what is left (unless failed), let the writers finish and commit,
 * wait for them.  0 when everything was committed.
 */
static int
writers_finish(struct gen *g, int failed)
{
	struct pipe *p = &g->pipe;
	size_t i;
	int rc;

	if (!failed && g->eb != NULL && g->eb->n > 0 && batch_put(g, g->eb) == -1)
		failed = 1;
	g->eb = NULL;
	if (!failed && g->sb != NULL && g->sb->n > 0 && batch_put(g, g->sb) == -1)
		failed = 1;
	g->sb = NULL;
	pthread_mutex_lock(&p->lock);
	if (failed)
		p->failed = 1;
	p->closed = 1;
	pthread_cond_broadcast(&p->full_cv);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < WRITERS; i++)
		if (g->writers[i].running) {
			pthread_join(g->writers[i].th, NULL);
			g->writers[i].running = 0;
		}
	pthread_mutex_lock(&p->lock);
	rc = p->failed ? -1 : 0;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static void
writers_free(struct gen *g)
{
	struct writer *w;
	size_t i;

	for (i = 0; i < g->nwriters; i++) {
		w = &g->writers[i];
		if (w->ev != NULL)
			mysql_stmt_close(w->ev);
		if (w->se != NULL)
			mysql_stmt_close(w->se);
		db_args_free(&w->args);
		db_close(w->db);
	}
	if (g->pipe.all != NULL) {
		for (i = 0; i < NBATCH; i++) {
			free(g->pipe.all[i].e);
			free(g->pipe.all[i].s);
		}
		free(g->pipe.all);
		pthread_mutex_destroy(&g->pipe.lock);
		pthread_cond_destroy(&g->pipe.full_cv);
		pthread_cond_destroy(&g->pipe.free_cv);
	}
}

static void
json_pair(struct buf *b, const char *k, const char *v)
{
	if (b->len > 1)
		buf_addch(b, ',');
	buf_add_json_str(b, k, strlen(k));
	buf_addch(b, ':');
	buf_add_json_str(b, v, strlen(v));
}

/* The props (and revenue) of a custom event, from its pick. */
static void
custom_props(struct gen *g, const struct pev *e, struct erow *row)
{
	const struct custom *c = &customs[e->custom];
	struct buf b = BUF_INIT;
	char url[REF_MAX];
	unsigned pick = e->pick;
	const char *plan, *interval;
	int yearly, n;

	buf_addch(&b, '{');
	switch (c->props) {
	case PR_OUTBOUND:
		json_pair(&b, "url", outbound[pick % NELEM(outbound)]);
		break;
	case PR_FILE:
		n = snprintf(url, sizeof(url), "https://%s/downloads/%s", g->domain,
		    files[pick % NELEM(files)]);
		json_pair(&b, "url", n > 0 && (size_t)n < sizeof(url) ? url : "");
		break;
	case PR_PLAN:
		json_pair(&b, "plan", plans[pick % NELEM(plans)]);
		break;
	case PR_PURCHASE:
		plan = pick % 3 == 0 ? "team" : "pro";
		yearly = (pick >> 2) % 3 == 0;
		interval = yearly ? "yearly" : "monthly";
		json_pair(&b, "plan", plan);
		json_pair(&b, "interval", interval);
		snprintf(row->revenue, sizeof(row->revenue), "%s",
		    plan[0] == 't' ? (yearly ? "490.00" : "49.00") : (yearly ? "190.00" : "19.00"));
		row->currency = (pick >> 4) % 5 < 3 ? "EUR" : "USD";
		row->has_revenue = 1;
		break;
	case PR_POSITION:
		json_pair(&b, "position", positions[pick % NELEM(positions)]);
		break;
	case PR_TOPIC:
		json_pair(&b, "topic", topics[pick % NELEM(topics)]);
		break;
	}
	buf_addch(&b, '}');
	if (b.len < sizeof(row->props)) {
		memcpy(row->props, b.ptr, b.len + 1);
		row->has_props = 1;
	}
	buf_release(&b);
}

/* Turn the next event of the heap into a row, as the collector would store it. */
static int
emit(struct gen *g)
{
	struct hev h;
	struct slot *s;
	struct erow *row;
	size_t i;
	int landing, n;

	heap_pop(g, &h);
	g->last_ts = h.e.ts;
	s = &g->slots[h.slot];
	row = &g->eb->e[g->eb->n++];
	row->ts = h.e.ts;
	row->id = g->next_id++;
	row->visitor = s->visitor;
	row->session = s->id;
	row->path = g->pages[h.e.page];
	row->country = s->country;
	row->device = s->device;
	row->browser = s->browser;
	row->os = s->os;
	memcpy(row->bver, s->bver, sizeof(row->bver));
	memcpy(row->over, s->over, sizeof(row->over));
	row->width = s->width;
	row->eng = row->scroll = -1;
	row->interactive = 1;
	row->has_props = row->has_revenue = 0;
	row->currency = NULL;
	/*
	 * Every event carries its own page's document.referrer and URL: the
	 * landing page's events the outside referrer and the UTM tags, the
	 * later pages the previous page (internal: no source).
	 */
	landing = h.e.prev == NO_PAGE;
	if (landing) {
		memcpy(row->ref, s->ref, sizeof(row->ref));
		row->source = s->source;
		memcpy(row->refdom, s->refdom, sizeof(row->refdom));
		for (i = 0; i < 5; i++)
			memcpy(row->utm[i], s->utm[i], UTM_MAX);
	} else {
		n = snprintf(row->ref, sizeof(row->ref), "https://%s%s", g->domain,
		    g->pages[h.e.prev]);
		if (n < 0 || (size_t)n >= sizeof(row->ref))
			row->ref[0] = '\0';
		row->source = "";
		row->refdom[0] = '\0';
		for (i = 0; i < 5; i++)
			row->utm[i][0] = '\0';
	}
	switch (h.e.kind) {
	case K_PAGEVIEW:
		row->name = "pageview";
		break;
	case K_ENGAGEMENT:
		row->name = "engagement";
		row->interactive = 0;
		row->eng = (int)h.e.eng_ms;
		row->scroll = h.e.scroll;
		break;
	default:
		row->name = customs[h.e.custom].name;
		custom_props(g, &h.e, row);
		break;
	}
	if (--s->pending == 0)
		g->free_slots[g->nfree++] = h.slot;
	return batch_row_added(g, B_EVENTS);
}

static uint32_t
slot_get(struct gen *g)
{
	if (g->nfree == 0) {
		g->slots = xrealloc(g->slots, (g->nslots + 1) * sizeof(*g->slots));
		g->free_slots = xrealloc(g->free_slots, (g->nslots + 1) * sizeof(*g->free_slots));
		g->free_slots[g->nfree++] = (uint32_t)g->nslots++;
	}
	return g->free_slots[--g->nfree];
}

static void
ret_push(struct gen *g, int64_t due, uint32_t person, int32_t day)
{
	struct ret *h, t;
	size_t i, parent;

	if (g->nrets == g->retcap) {
		g->retcap = g->retcap ? g->retcap * 2 : 1024;
		g->rets = xrealloc(g->rets, g->retcap * sizeof(*g->rets));
	}
	h = g->rets;
	i = g->nrets++;
	h[i].due = due;
	h[i].person = person;
	h[i].day = day;
	while (i > 0 && h[i].due < h[(parent = (i - 1) / 2)].due) {
		t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

static struct ret
ret_pop(struct gen *g)
{
	struct ret *h = g->rets, out = h[0], t;
	size_t i = 0, l, m, n = --g->nrets;

	h[0] = h[n];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && h[l].due < h[m].due)
			m = l;
		if (l + 1 < n && h[l + 1].due < h[m].due)
			m = l + 1;
		if (m == i)
			break;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
	return out;
}

/*
 * Who makes the visit starting at start: someone due back today, else
 * someone from the pool who is not in a visit that would still be live
 * then (the collector would have continued that one).
 */
static uint32_t
pick_person(struct gen *g, int64_t start)
{
	uint32_t p = 0;
	int32_t day = (int32_t)floor_div((long)(start / 1000), 86400);
	struct ret r;
	double u;
	int i;

	while (g->nrets > 0 && g->rets[0].due <= start) {
		r = ret_pop(g);
		if (r.day == day && start - g->busy_until[r.person] > IDLE_MS + 1000)
			return r.person;
	}
	for (i = 0; i < 64; i++) {
		u = rng_unit(&g->r);
		/* Regulars: part of the picks favour low numbers. */
		if (rng_chance(&g->r, 0.4))
			u *= u;
		p = (uint32_t)(u * g->npersons);
		if (p >= g->npersons)
			p = g->npersons - 1;
		if (start - g->busy_until[p] > IDLE_MS + 1000)
			return p;
	}
	while (start - g->busy_until[p] <= IDLE_MS + 1000)
		p = (p + 1) % g->npersons;
	return p;
}

/* Referrer, source and UTM of a visit, into its slot. */
static void
visit_source(struct gen *g, const struct plan *p, const struct person *pp, struct slot *s,
    int64_t start)
{
	const struct source *src = &sources[p->src];
	const struct country *c = &countries[pp->country];
	const struct campaign *cp;
	const char *gdom, *tail = NULL;
	time_t t;
	struct tm tm;
	size_t k;
	int sub = 0;

	s->ref[0] = s->refdom[0] = '\0';
	s->source = "";
	switch (src->kind) {
	case SK_DIRECT:
		break;
	case SK_GOOGLE:
		gdom = c->google != NULL && pp->local_google ? c->google : "google.com";
		snprintf(s->ref, sizeof(s->ref), "https://www.%s/", gdom);
		snprintf(s->refdom, sizeof(s->refdom), "%s", gdom);
		s->source = src->name;
		break;
	case SK_FIXED:
		snprintf(s->ref, sizeof(s->ref), "%s", src->url);
		snprintf(s->refdom, sizeof(s->refdom), "%s", src->domain);
		s->source = src->name;
		break;
	case SK_TAIL:
		tail = g->tail[wtab_pick(&g->w_tail, &g->r)];
		k = (size_t)rng_below(&g->r, 20);
		/* www. is dropped from the domain; a subdomain is kept (source: the site) */
		sub = k < 3;
		snprintf(s->ref, sizeof(s->ref), "https://%s%s%s", k < 3 ? "blog." :
		    k < 10 ? "www." : "", tail, tail_paths[rng_below(&g->r, NELEM(tail_paths))]);
		snprintf(s->refdom, sizeof(s->refdom), "%s%s", sub ? "blog." : "", tail);
		s->source = tail;
		break;
	}
	for (k = 0; k < 5; k++)
		s->utm[k][0] = '\0';
	if (p->camp < 0)
		return;
	cp = &campaigns[p->camp];
	if (cp->usrc != NULL)
		snprintf(s->utm[0], UTM_MAX, "%s", cp->usrc);
	else
		snprintf(s->utm[0], UTM_MAX, "partner-%.40s", tail ? tail : "site");
	snprintf(s->utm[1], UTM_MAX, "%s", cp->umed);
	if (cp->names == c_news) {
		t = (time_t)(start / 1000);
		if (gmtime_r(&t, &tm) != NULL)
			snprintf(s->utm[2], UTM_MAX, "weekly-%04d-%02d", tm.tm_year + 1900,
			    tm.tm_yday / 7 + 1);
	} else {
		for (k = 0; cp->names[k] != NULL; k++)
			;
		snprintf(s->utm[2], UTM_MAX, "%s", cp->names[rng_below(&g->r, k)]);
	}
	if (cp->terms != NULL) {
		for (k = 0; cp->terms[k] != NULL; k++)
			;
		snprintf(s->utm[3], UTM_MAX, "%s", cp->terms[rng_below(&g->r, k)]);
	}
	if (cp->contents != NULL && rng_chance(&g->r, 0.6)) {
		for (k = 0; cp->contents[k] != NULL; k++)
			;
		snprintf(s->utm[4], UTM_MAX, "%s", cp->contents[rng_below(&g->r, k)]);
	}
}

/* Give a planned visit its person and session, write its row, queue its events. */
static int
start_visit(struct gen *g, const struct plan *p)
{
	struct person pp;
	struct slot *s;
	struct srow *row;
	const struct pev *e;
	uint32_t person, si;
	long day = (long)floor_div((long)(p->start / 1000), 86400);
	size_t i;
	int64_t last = p->start;

	person = pick_person(g, p->start);
	person_get(g, person, &pp);
	si = slot_get(g);
	s = &g->slots[si];
	zero_slot(s);
	/* sessions.id is unique across sites: the same seed elsewhere gives other ids. */
	do {
		s->id = (rng_next(&g->r) ^ g->site_salt) & 0x7fffffffffffffffull;
	} while (s->id == 0);
	s->visitor = visitor_id(g, person, day);
	if (g->last_day[person] != (int32_t)day) {
		g->last_day[person] = (int32_t)day;
		g->visitors++;
	}
	s->country = countries[pp.country].code;
	s->device = platforms[pp.plat].device;
	s->os = platforms[pp.plat].os;
	s->browser = browsers[pp.browser].name;
	s->width = (int)pp.width;
	versions(g, &pp, day, s->bver, s->over);
	visit_source(g, p, &pp, s, p->start);
	s->pending = (unsigned)p->n;

	row = &g->sb->s[g->sb->n++];
	memset(row, 0, sizeof(*row));
	row->id = s->id;
	row->visitor = s->visitor;
	row->started = p->start;
	row->entry = g->pages[g->pev[p->first].page];
	row->exit = row->entry;
	for (i = 0; i < p->n; i++) {
		e = &g->pev[p->first + i];
		if (e->ts > last)
			last = e->ts;
		row->events++;
		switch (e->kind) {
		case K_PAGEVIEW:
			row->pageviews++;
			row->interactions++;
			row->exit = g->pages[e->page];
			break;
		case K_ENGAGEMENT:
			row->engagement += e->eng_ms;
			if (e->scroll > row->max_scroll)
				row->max_scroll = e->scroll;
			break;
		default:
			row->interactions++;
			g->customs_n++;
			break;
		}
		heap_push(g, e, si);
	}
	row->last = last;
	row->source = s->source;
	memcpy(row->refdom, s->refdom, sizeof(row->refdom));
	memcpy(row->utm, s->utm, sizeof(row->utm));
	row->country = s->country;
	row->device = s->device;
	row->browser = s->browser;
	memcpy(row->bver, s->bver, sizeof(row->bver));
	row->os = s->os;
	memcpy(row->over, s->over, sizeof(row->over));
	row->screen = screen_class(s->width);
	g->busy_until[person] = last;
	/* Some come back later the same day: the same visitor id, another visit. */
	if (rng_chance(&g->r, RETURN_SAME_DAY))
		ret_push(g, last + IDLE_MS + 5 * 60000 + (int64_t)rng_below(&g->r, 6 * HOUR_MS),
		    person, (int32_t)day);
	g->sessions++;
	g->pageviews += row->pageviews;
	return batch_row_added(g, B_SESSIONS);
}

/* Plan the visits of every hour, then run them in time order. */
static int
generate(struct gen *g)
{
	long long target;
	size_t h, i;
	int64_t hstart;
	struct plan *p;

	for (h = 0; h < g->nhours; h++) {
		target = h + 1 == g->nhours ? g->n_target :
		    (long long)((double)g->n_target * g->hour_cum[h] / g->hour_cum[g->nhours - 1]);
		hstart = g->t0 + (int64_t)h * HOUR_MS;
		g->npev = g->nplans = 0;
		while (g->planned < target) {
			if (g->nplans == g->plancap) {
				g->plancap = g->plancap ? g->plancap * 2 : 1024;
				g->plans = xrealloc(g->plans, g->plancap * sizeof(*g->plans));
			}
			p = &g->plans[g->nplans];
			p->seq = g->nplans++;
			plan_visit(g, p, hstart + (int64_t)rng_below(&g->r, HOUR_MS),
			    g->hour_day[h], g->n_target - g->planned);
			g->planned += (long long)p->n;
		}
		if (g->nplans > 1)
			qsort(g->plans, g->nplans, sizeof(*g->plans), plan_cmp);
		for (i = 0; i < g->nplans; i++) {
			p = &g->plans[i];
			while (g->nheap > 0 && g->heap[0].e.ts <= p->start)
				if (emit(g) == -1)
					return -1;
			if (start_visit(g, p) == -1)
				return -1;
		}
	}
	while (g->nheap > 0)
		if (emit(g) == -1)
			return -1;
	return 0;
}

/* ------------------------------------------------------ site and data */

static const char *const sql_org_get =
    "SELECT id FROM organisations WHERE name = ? ORDER BY id LIMIT 1";
static const char *const sql_org_add = "INSERT INTO organisations (name) VALUES (?)";
static const char *const sql_site_get = "SELECT id FROM sites WHERE domain = ?";
static const char *const sql_site_add =
    "INSERT INTO sites (org_id, domain, site_key, timezone, allowed_origins)"
    " VALUES (?, ?, ?, ?, ?)";
static const char *const sql_site_tz = "UPDATE sites SET timezone = ? WHERE id = ?";
/* Each a short transaction of its own, as the account program deletes a site. */
static const struct {
	const char	*table, *sql;
} deletes[] = {
	{ "events", "DELETE FROM events WHERE site_id = ? LIMIT 20000" },
	{ "sessions", "DELETE FROM sessions WHERE site_id = ? LIMIT 20000" },
	{ "ingest_batches", "DELETE FROM ingest_batches WHERE site_id = ? LIMIT 20000" },
	{ "rollup_days", "DELETE FROM rollup_days WHERE site_id = ? LIMIT 20000" },
	{ "rollup_months", "DELETE FROM rollup_months WHERE site_id = ? LIMIT 20000" },
	{ "rollup_state", "DELETE FROM rollup_state WHERE site_id = ? LIMIT 20000" },
};

/* The first column of the first row of a one-argument SELECT: 1 found, 0 none, -1. */
static int
select_id(struct db *db, const char *sql, const char *arg, unsigned long long *id)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	MYSQL_STMT *st;
	int row;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	db_arg_strz(&a, arg);
	if (db_select(db, st, &a, &r) == -1) {
		db_res_free(&r);
		db_args_free(&a);
		mysql_stmt_close(st);
		return -1;
	}
	if ((row = db_fetch(&r)) == 1)
		*id = (unsigned long long)db_col_int(&r, 0, 0);
	db_res_free(&r);
	db_args_free(&a);
	mysql_stmt_close(st);
	return row;
}

static int
exec_once(struct db *db, const char *sql, struct db_args *a, unsigned long long *affected,
    unsigned long long *insert_id)
{
	MYSQL_STMT *st;
	int rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	rc = db_exec(db, st, a, affected, insert_id);
	mysql_stmt_close(st);
	return rc;
}

/* The organisation "Benchmark" and the site, made or found; sets g->site_id. */
static int
ensure_site(struct gen *g, const char *tz)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf origin = BUF_INIT;
	unsigned long long org = 0, site = 0;
	char key[32];
	int rc = -1, found;

	if (db_begin(g->db) == -1)
		return -1;
	if ((found = select_id(g->db, sql_site_get, g->domain, &site)) == -1)
		goto out;
	if (found) {
		db_arg_strz(&a, tz);
		db_arg_uint(&a, site);
		if (exec_once(g->db, sql_site_tz, &a, NULL, NULL) == -1)
			goto out;
	} else {
		if ((found = select_id(g->db, sql_org_get, "Benchmark", &org)) == -1)
			goto out;
		if (!found) {
			db_arg_strz(&a, "Benchmark");
			if (exec_once(g->db, sql_org_add, &a, NULL, &org) == -1)
				goto out;
		}
		if (crypt_token(key, sizeof(key), 16) == -1)
			goto out;
		buf_addf(&origin, "https://%s", g->domain);
		db_args_reset(&a);
		db_arg_uint(&a, org);
		db_arg_strz(&a, g->domain);
		db_arg_strz(&a, key);
		db_arg_strz(&a, tz);
		db_arg_strz(&a, origin.ptr);
		if (exec_once(g->db, sql_site_add, &a, NULL, &site) == -1)
			goto out;
	}
	if (db_commit(g->db) == -1)
		goto out;
	g->site_id = (unsigned)site;
	rc = 0;
out:
	if (rc == -1)
		db_rollback(g->db);
	db_args_free(&a);
	buf_release(&origin);
	return rc;
}

/*
 * Event ids from the table's AUTO_INCREMENT on, which is then moved past
 * them, so a collector writing meanwhile takes ids after the range.  Ids
 * never used before: no deleted row still waiting for purge holds one, so
 * inserting them takes no lock that two writers could deadlock on.
 */
static int
reserve_ids(struct gen *g)
{
	struct db_res r;
	MYSQL_STMT *st;
	char sql[96];
	int row, n;

	if ((st = db_prepare(g->db, "SELECT GREATEST(COALESCE(t.AUTO_INCREMENT, 1),"
	    " (SELECT COALESCE(MAX(id), 0) + 1 FROM events))"
	    " FROM information_schema.TABLES t"
	    " WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = 'events'")) == NULL)
		return -1;
	if (db_select(g->db, st, NULL, &r) == -1) {
		db_res_free(&r);
		mysql_stmt_close(st);
		return -1;
	}
	if ((row = db_fetch(&r)) == 1)
		g->next_id = (uint64_t)db_col_int(&r, 0, 0);
	db_res_free(&r);
	mysql_stmt_close(st);
	if (row != 1 || g->next_id == 0)
		return -1;
	/* DDL takes no placeholders; the number is ours, not input. */
	n = snprintf(sql, sizeof(sql), "ALTER TABLE events AUTO_INCREMENT = %llu",
	    (unsigned long long)g->next_id + (unsigned long long)g->n_target);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return -1;
	return db_exec_sql(g->db, sql, (size_t)n);
}

/* The site's old events, sessions and rollups, in chunks (autocommit). */
static int
delete_old(struct gen *g)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n, total;
	MYSQL_STMT *st;
	size_t i;
	int rc = 0;

	for (i = 0; i < NELEM(deletes) && rc == 0; i++) {
		if ((st = db_prepare(g->db, deletes[i].sql)) == NULL)
			return -1;
		total = 0;
		do {
			db_args_reset(&a);
			db_arg_uint(&a, g->site_id);
			n = 0;
			if (db_exec(g->db, st, &a, &n, NULL) == -1) {
				rc = -1;
				break;
			}
			total += n;
		} while (n >= DELETE_CHUNK);
		if (total > 0)
			fprintf(stderr, "gen-events: deleted %llu old rows of %s\n", total,
			    deletes[i].table);
		mysql_stmt_close(st);
	}
	db_args_free(&a);
	return rc;
}

/* ------------------------------------------------------ command line */

static int
parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/* YYYY-MM-DD as days since 1970-01-01; -1 when malformed. */
static int
parse_day(const char *s, long *day)
{
	long y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2)
		return -1;
	y = (s[0] - '0') * 1000L + (s[1] - '0') * 100L + (s[2] - '0') * 10L + (s[3] - '0');
	m = (s[5] - '0') * 10L + (s[6] - '0');
	d = (s[8] - '0') * 10L + (s[9] - '0');
	if (y < 1971 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month((int)y, (int)m))
		return -1;
	*day = days_from_civil((int)y, (int)m, (int)d);
	return 0;
}

/* The range: months whole months back from the end of day end, to the same day. */
static void
set_range(struct gen *g, long end, long months)
{
	long after = end + 1;
	int y, m, d;

	civil_from_days(after, &y, &m, &d);
	m -= (int)months;
	while (m < 1) {
		m += 12;
		y--;
	}
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	g->t0 = (int64_t)days_from_civil(y, m, d) * DAY_MS;
	g->t1 = (int64_t)after * DAY_MS;
}

static void
gen_free(struct gen *g)
{
	size_t i;

	for (i = 0; i < g->npages; i++)
		free(g->pages[i]);
	free(g->pages);
	for (i = 0; i < g->ntail; i++)
		free(g->tail[i]);
	free(g->tail);
	free(g->content);
	free(g->blog);
	wtab_free(&g->w_pages);
	wtab_free(&g->w_content);
	wtab_free(&g->w_blog);
	wtab_free(&g->w_tail);
	wtab_free(&g->w_country);
	wtab_free(&g->w_platform);
	wtab_free(&g->w_source);
	wtab_free(&g->w_campaign);
	wtab_free(&g->w_custom);
	wtab_free(&g->w_android_lag);
	for (i = 0; i < NELEM(platforms); i++) {
		wtab_free(&g->w_plat_browser[i]);
		wtab_free(&g->w_width[i]);
		free(g->plat_browser[i]);
	}
	free(g->hour_cum);
	free(g->hour_day);
	free(g->day_spike);
	free(g->day_spike_src);
	free(g->day_spike_page);
	free(g->busy_until);
	free(g->last_day);
	free(g->rets);
	free(g->pev);
	free(g->plans);
	free(g->slots);
	free(g->free_slots);
	free(g->heap);
	writers_free(g);
}

static int
run(struct gen *g, const struct conf *conf, const char *tz, long months)
{
	double el;
	long long est;
	uint32_t i;
	const char *p;
	int failed;

	if (ensure_site(g, tz) == -1)
		return -1;
	printf("site_id=%u\n", g->site_id);
	fflush(stdout);
	if (delete_old(g) == -1 || reserve_ids(g) == -1)
		return -1;

	rng_seed(&g->r, g->seed);
	for (p = g->domain; *p != '\0'; p++)
		g->site_salt = mix64(g->site_salt ^ (unsigned char)*p);
	build_tables(g);
	build_hours(g);
	/* People: about one for every two visits, within bounds. */
	est = g->n_target / 9 + 100;
	g->npersons = est > (long long)MAX_PERSONS ? MAX_PERSONS : (uint32_t)est;
	g->busy_until = xmalloc(g->npersons * sizeof(*g->busy_until));
	g->last_day = xmalloc(g->npersons * sizeof(*g->last_day));
	for (i = 0; i < g->npersons; i++) {
		g->busy_until[i] = INT64_MIN / 2;
		g->last_day[i] = INT32_MIN;
	}
	fprintf(stderr, "gen-events: site %u (%s, %s): %lld events over %ld months, "
	    "%u people, %d writers\n", g->site_id, g->domain, tz, g->n_target, months,
	    g->npersons, WRITERS);
	g->t_start = g->t_report = now_s();
	failed = writers_start(g, conf) == -1 || generate(g) == -1;
	if (writers_finish(g, failed) == -1) {
		log_err("generation failed: the site's data is incomplete, run gen-events again");
		return -1;
	}
	progress(g, 1);
	el = now_s() - g->t_start;
	printf("events=%lld sessions=%lld visitors=%lld pageviews=%lld custom_events=%lld\n",
	    g->pipe.events, g->pipe.sessions, g->visitors, g->pageviews, g->customs_n);
	printf("elapsed=%.1fs events_per_s=%.0f rows_per_s=%.0f\n", el,
	    el > 0 ? (double)g->pipe.events / el : 0.0,
	    el > 0 ? (double)(g->pipe.events + g->pipe.sessions) / el : 0.0);
	if (g->pipe.events != g->n_target || g->pipe.sessions != g->sessions) {
		log_err("wrote %lld events and %lld sessions, not %lld and %lld",
		    g->pipe.events, g->pipe.sessions, g->n_target, g->sessions);
		return -1;
	}
	return 0;
}

int
gen_events_main(const struct conf *conf, struct db *db, int argc, char *argv[])
{
	struct gen *g;
	const char *site = NULL, *tz = "Europe/Berlin", *end = NULL, *seed = NULL;
	long long events = -1, months = -1;
	long end_day;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return GEN_BAD_USAGE;
		if (strcmp(argv[i], "--site") == 0)
			site = argv[++i];
		else if (strcmp(argv[i], "--events") == 0) {
			if (parse_ll(argv[++i], 1, MAX_EVENTS, &events) == -1) {
				log_err("--events: a number from 1 to %lld", MAX_EVENTS);
				return -1;
			}
		} else if (strcmp(argv[i], "--months") == 0) {
			if (parse_ll(argv[++i], 1, MAX_MONTHS, &months) == -1) {
				log_err("--months: a number from 1 to %d", MAX_MONTHS);
				return -1;
			}
		} else if (strcmp(argv[i], "--seed") == 0)
			seed = argv[++i];
		else if (strcmp(argv[i], "--end") == 0)
			end = argv[++i];
		else if (strcmp(argv[i], "--tz") == 0)
			tz = argv[++i];
		else
			return GEN_BAD_USAGE;
	}
	if (site == NULL || events < 0 || months < 0 || seed == NULL)
		return GEN_BAD_USAGE;
	g = xcalloc(1, sizeof(*g));
	g->db = db;
	g->n_target = events;
	g->domain = site;
	rc = -1;
	if (!valid_hostname(site, strlen(site)) ||
	    strspn(site, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(site)) {
		log_err("--site %s: not a host name in lower case", site);
		goto out;
	}
	if (parse_seed(seed, &g->seed) == -1) {
		log_err("--seed: a number from 0 to 18446744073709551615");
		goto out;
	}
	if (!tz_valid_name(tz) || (g->tz = tz_load(TZ_DIR_DEFAULT, tz)) == NULL) {
		log_err("--tz %s: not a time zone of %s", tz, TZ_DIR_DEFAULT);
		goto out;
	}
	if (end != NULL) {
		if (parse_day(end, &end_day) == -1) {
			log_err("--end %s: not a date YYYY-MM-DD", end);
			goto out;
		}
	} else
		end_day = (long)(time(NULL) / 86400);
	set_range(g, end_day, (long)months);

	rc = run(g, conf, tz, (long)months);
out:
	tz_free(g->tz);
	gen_free(g);
	free(g);
	return rc;
}
