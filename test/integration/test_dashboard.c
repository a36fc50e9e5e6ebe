/*
 * test_dashboard: the dashboard's numbers are exact.  A fixture of
 * hand-built visits in four sites (UTC, Europe/Berlin, America/New_York,
 * Asia/Kolkata) around the daylight-saving changes of 2026, with the
 * expected value of every metric, breakdown, series bucket, filter, goal
 * and funnel worked out by hand in the comments next to it; the pages,
 * the exports and the API must show exactly those.  Every check runs
 * twice: first before any rollup exists (every number read raw), then
 * after `trackrctl rollup` (past days read from rollups), and the two
 * must agree with the same constants.
 *
 * The model (cgi/dashboard/dash.h): a visit counts on the local day and
 * hour, in its site's zone, in which it started; visitors over several
 * days add up each day's distinct ids; a bounce is a visit with fewer
 * than two interactive events; a visit lasts last_seen - started_at.
 *
 * Needs TRACKR_URL and TRACKR_CONF, and TRACKR_CTL (the trackrctl binary;
 * default var/build/cgi/ctl/trackrctl from the repository's root).
 * TRACKR_KEEP=1 keeps the fixture's sites in the database afterwards.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "crypt.h"
#include "log.h"
#include "util.h"

#define PASSWORD	"correct horse battery staple, dashboard"
/*
 * Sign-ups are throttled per client address: this suite sends from one
 * of its own, 127.0.15.1 to .250, new each run, so runs one after the
 * other on the development stack do not add up.
 */
#define IFACE_FMT	"127.0.15.%u"
#define S(x)		((x) ? (x) : "(null)")
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ the sites */

enum site { S_UTC, S_BER, S_NY, S_KOL, S__MAX };

static const char *const site_tz[S__MAX] = {
	[S_UTC] = "UTC",
	[S_BER] = "Europe/Berlin",
	[S_NY] = "America/New_York",
	[S_KOL] = "Asia/Kolkata",
};
static const char *const site_name[S__MAX] = {
	[S_UTC] = "utc", [S_BER] = "berlin", [S_NY] = "newyork", [S_KOL] = "kolkata",
};

/* ----------------------------------------------------------- the visits */

struct fev {
	int		 off;		/* seconds after the visit's start */
	const char	*name;		/* "pageview", "engagement" (not interactive), or custom */
	const char	*path;
	const char	*props;		/* JSON object or NULL */
};

struct fvisit {
	const char	*tag;		/* what the comments call it */
	enum site	 site;
	long long	 visitor;
	const char	*start;		/* UTC, "YYYY-MM-DD HH:MM:SS" */
	const char	*source, *referrer;
	const char	*utm[5];	/* source, medium, campaign, term, content */
	const char	*country, *device, *browser, *bver, *os, *osver, *screen;
	struct fev	 ev[5];		/* up to the first without a name */
};

/*
 * The sessions row of every visit is derived from its events exactly as
 * the collector keeps it: pageviews = its page views, events = all its
 * events, interactions = its interactive events (all but engagement),
 * entry and exit = its first and last page view, last_seen = its last
 * event.  So the columns below are the whole story.
 */
#define GOOGLE		"Google", "google.com"
#define DIRECT		"", ""
#define TWITTER		"Twitter", "t.co"
#define NEWS		"Newsletter", ""
#define NO_UTM		{ "", "", "", "", "" }
#define PV(o, p)	{ o, "pageview", p, NULL }
#define ENG(o, p)	{ o, "engagement", p, NULL }
#define SIGNUP_PRO_EMAIL	"{\"plan\":\"pro\",\"method\":\"email\"}"
#define SIGNUP_FREE_GOOGLE	"{\"plan\":\"free\",\"method\":\"google\"}"
#define SIGNUP_PRO_GOOGLE	"{\"plan\":\"pro\",\"method\":\"google\"}"
#define GUIDE			"{\"file\":\"guide.pdf\"}"

/*
 * Europe/Berlin: CET (+1) until 2026-03-29 01:00Z, when 02:00 becomes
 * 03:00 (a 23-hour day, 2026-03-28 23:00Z to 2026-03-29 22:00Z); CEST (+2)
 * until 2026-10-25 01:00Z, when 03:00 becomes 02:00 again (a 25-hour day,
 * 2026-10-24 22:00Z to 2026-10-25 23:00Z).
 *
 *  visit visitor start (UTC)     local              day    pv ev int bounce dur
 *  B0    108  03-27 22:59      23:59 CET          03-27  2  2  2   -      30
 *  B1    101  03-28 22:50      23:50 CET          03-28  2  3  2   -    1800 (runs past midnight)
 *  B2    102  03-28 10:00      11:00 CET          03-28  1  2  1   yes    40
 *  B3    103  03-28 23:30      00:30 CET          03-29  2  4  3   -     150
 *  B4    101  03-29 00:59      01:59 CET          03-29  2  3  3   -     100 (runs past the change)
 *  B5    104  03-29 01:00      03:00 CEST         03-29  1  2  1   yes     5
 *  B6    104  03-29 12:00      14:00 CEST         03-29  2  3  3   -     310
 *  B7    103  03-29 21:59      23:59 CEST         03-29  2  2  2   -     600 (B3's visitor)
 *  B8    106  03-29 22:15      00:15 CEST         03-30  1  1  1   yes     0
 *  B9    101  03-30 08:00      10:00 CEST         03-30  3  4  3   -      70
 *  B10   107  03-31 09:00      11:00 CEST         03-31  1  2  2   -      20
 *  B11   201  10-24 21:30      23:30 CEST         10-24  2  2  2   -     100
 *  B12   202  10-24 22:10      00:10 CEST         10-25  2  3  3   -      90
 *  B13   203  10-25 00:30      02:30 CEST         10-25  1  2  1   yes    10
 *  B14   204  10-25 01:30      02:30 CET          10-25  2  3  3   -     230
 *  B15   202  10-25 22:45      23:45 CET          10-25  1  1  1   yes     0
 *  B16   205  10-25 23:05      00:05 CET          10-26  1  2  1   yes    30
 *
 * UTC:            U1 301 03-28 23:30 (day 03-28), U2 301 03-29 00:30, U3 302 03-29 01:30.
 * America/New_York: EDT (-4) until 2026-11-01 06:00Z, then EST (-5); 11-01
 *   has 25 hours (04:00Z to 11-02 05:00Z), 01:00-02:00 twice.
 *   N1 401 11-01 03:30Z = 10-31 23:30 EDT; N2 402 04:30Z = 00:30 EDT;
 *   N3 403 05:30Z = 01:30 EDT; N4 404 06:30Z = 01:30 EST; N5 402 11-02
 *   04:30Z = 11-01 23:30 EST; N6 405 11-02 05:30Z = 11-02 00:30 EST.
 * Asia/Kolkata (+5:30): K1 501 03-28 18:29Z = 23:59 03-28; K2 501 18:31Z =
 *   00:01 03-29; K3 501 03-29 05:00Z = 10:30; K4 503 18:29:59Z = 23:59:59;
 *   K5 504 18:30Z = 00:00 03-30.
 *
 * Visitors are counted per local day, never per UTC day, and these pairs
 * tell the two apart: B3 and B7 (one visitor, UTC days 03-28 and 03-29,
 * both local 03-29: 1, not 2); B12 and B15 (UTC 10-24 and 10-25, local
 * 10-25); N2 and N5 (UTC 11-01 and 11-02, local 11-01); K1 and K2 (one
 * UTC day, local 03-28 and 03-29: 2, not 1), K2 and K3 (local 03-29).
 */
static const struct fvisit visits[] = {
	{ "B0", S_BER, 108, "2026-03-27 22:59:00", GOOGLE, NO_UTM,
	    "FR", "desktop", "Firefox", "124", "Windows", "10", "desktop",
	    { PV(0, "/"), PV(30, "/docs") } },
	{ "B1", S_BER, 101, "2026-03-28 22:50:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "120", "Windows", "10", "desktop",
	    { PV(0, "/"), PV(1200, "/pricing"), ENG(1800, "/pricing") } },
	{ "B2", S_BER, 102, "2026-03-28 10:00:00", DIRECT, NO_UTM,
	    "US", "mobile", "Safari", "17", "iOS", "17", "mobile",
	    { PV(0, "/blog/a"), ENG(40, "/blog/a") } },
	{ "B3", S_BER, 103, "2026-03-28 23:30:00", NEWS,
	    { "newsletter", "email", "spring", "", "hero" },
	    "DE", "desktop", "Chrome", "121", "macOS", "14", "laptop",
	    { PV(0, "/"), PV(60, "/pricing"), { 120, "Signup", "/pricing", SIGNUP_PRO_EMAIL },
	    ENG(150, "/pricing") } },
	{ "B4", S_BER, 101, "2026-03-29 00:59:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "120", "Windows", "10", "desktop",
	    { PV(0, "/blog/a"), PV(90, "/blog/b"), { 100, "Download", "/blog/b", GUIDE } } },
	{ "B5", S_BER, 104, "2026-03-29 01:00:00", TWITTER, NO_UTM,
	    "US", "mobile", "Chrome", "120", "Android", "14", "mobile",
	    { PV(0, "/"), ENG(5, "/") } },
	{ "B6", S_BER, 104, "2026-03-29 12:00:00", TWITTER, NO_UTM,
	    "US", "mobile", "Chrome", "120", "Android", "14", "mobile",
	    { PV(0, "/pricing"), PV(300, "/"), { 310, "Signup", "/", SIGNUP_FREE_GOOGLE } } },
	{ "B7", S_BER, 103, "2026-03-29 21:59:00", DIRECT, NO_UTM,
	    "FR", "desktop", "Firefox", "124", "Windows", "10", "laptop",
	    { PV(0, "/docs"), PV(600, "/docs") } },
	{ "B8", S_BER, 106, "2026-03-29 22:15:00", GOOGLE, NO_UTM,
	    "IN", "mobile", "Chrome", "121", "Android", "14", "mobile",
	    { PV(0, "/blog/b") } },
	{ "B9", S_BER, 101, "2026-03-30 08:00:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "120", "Windows", "10", "desktop",
	    { PV(0, "/"), PV(45, "/pricing"), PV(50, "/"), ENG(70, "/") } },
	{ "B10", S_BER, 107, "2026-03-31 09:00:00", NEWS,
	    { "newsletter", "email", "spring", "", "footer" },
	    "DE", "desktop", "Safari", "17", "macOS", "14", "laptop",
	    { PV(0, "/pricing"), { 20, "Signup", "/pricing", SIGNUP_PRO_GOOGLE } } },
	{ "B11", S_BER, 201, "2026-10-24 21:30:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "130", "Windows", "11", "desktop",
	    { PV(0, "/"), PV(100, "/blog/a") } },
	{ "B12", S_BER, 202, "2026-10-24 22:10:00", DIRECT, NO_UTM,
	    "DE", "desktop", "Firefox", "131", "Linux", "", "desktop",
	    { PV(0, "/"), PV(60, "/pricing"), { 90, "Signup", "/pricing", SIGNUP_PRO_EMAIL } } },
	{ "B13", S_BER, 203, "2026-10-25 00:30:00", GOOGLE, NO_UTM,
	    "US", "mobile", "Safari", "18", "iOS", "18", "mobile",
	    { PV(0, "/blog/b"), ENG(10, "/blog/b") } },
	{ "B14", S_BER, 204, "2026-10-25 01:30:00", TWITTER, NO_UTM,
	    "FR", "desktop", "Chrome", "130", "macOS", "15", "laptop",
	    { PV(0, "/docs"), PV(200, "/blog/a"), { 230, "Download", "/blog/a", GUIDE } } },
	{ "B15", S_BER, 202, "2026-10-25 22:45:00", DIRECT, NO_UTM,
	    "DE", "desktop", "Firefox", "131", "Linux", "", "desktop",
	    { PV(0, "/pricing") } },
	{ "B16", S_BER, 205, "2026-10-25 23:05:00", GOOGLE, NO_UTM,
	    "IN", "mobile", "Chrome", "130", "Android", "15", "mobile",
	    { PV(0, "/"), ENG(30, "/") } },

	{ "U1", S_UTC, 301, "2026-03-28 23:30:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "120", "Windows", "10", "desktop",
	    { PV(0, "/"), PV(120, "/a") } },
	{ "U2", S_UTC, 301, "2026-03-29 00:30:00", GOOGLE, NO_UTM,
	    "DE", "desktop", "Chrome", "120", "Windows", "10", "desktop",
	    { PV(0, "/") } },
	{ "U3", S_UTC, 302, "2026-03-29 01:30:00", DIRECT, NO_UTM,
	    "GB", "mobile", "Safari", "17", "iOS", "17", "mobile",
	    { PV(0, "/a"), ENG(60, "/a") } },

	{ "N1", S_NY, 401, "2026-11-01 03:30:00", GOOGLE, NO_UTM,
	    "US", "desktop", "Chrome", "130", "Windows", "11", "desktop",
	    { PV(0, "/"), PV(60, "/x") } },
	{ "N2", S_NY, 402, "2026-11-01 04:30:00", DIRECT, NO_UTM,
	    "US", "mobile", "Safari", "18", "iOS", "18", "mobile",
	    { PV(0, "/") } },
	{ "N3", S_NY, 403, "2026-11-01 05:30:00", GOOGLE, NO_UTM,
	    "CA", "desktop", "Firefox", "131", "Linux", "", "desktop",
	    { PV(0, "/x"), PV(30, "/") } },
	{ "N4", S_NY, 404, "2026-11-01 06:30:00", DIRECT, NO_UTM,
	    "US", "desktop", "Chrome", "130", "macOS", "15", "laptop",
	    { PV(0, "/"), ENG(20, "/") } },
	{ "N5", S_NY, 402, "2026-11-02 04:30:00", DIRECT, NO_UTM,
	    "US", "mobile", "Safari", "18", "iOS", "18", "mobile",
	    { PV(0, "/x") } },
	{ "N6", S_NY, 405, "2026-11-02 05:30:00", GOOGLE, NO_UTM,
	    "US", "desktop", "Chrome", "130", "Windows", "11", "desktop",
	    { PV(0, "/") } },

	{ "K1", S_KOL, 501, "2026-03-28 18:29:00", GOOGLE, NO_UTM,
	    "IN", "mobile", "Chrome", "121", "Android", "14", "mobile",
	    { PV(0, "/"), PV(100, "/k") } },
	{ "K2", S_KOL, 501, "2026-03-28 18:31:00", DIRECT, NO_UTM,
	    "IN", "mobile", "Chrome", "121", "Android", "14", "mobile",
	    { PV(0, "/") } },
	{ "K3", S_KOL, 501, "2026-03-29 05:00:00", GOOGLE, NO_UTM,
	    "IN", "mobile", "Chrome", "121", "Android", "14", "mobile",
	    { PV(0, "/k"), PV(40, "/") } },
	{ "K4", S_KOL, 503, "2026-03-29 18:29:59", DIRECT, NO_UTM,
	    "IN", "desktop", "Firefox", "124", "Windows", "10", "desktop",
	    { PV(0, "/") } },
	{ "K5", S_KOL, 504, "2026-03-29 18:30:00", DIRECT, NO_UTM,
	    "IN", "desktop", "Firefox", "124", "Windows", "10", "desktop",
	    { PV(0, "/") } },
};

/*
 * Goals of the Berlin site and a funnel over three of them:
 * "/" -> "/pricing" -> Signup.
 */
enum goal { G_BLOG, G_SIGNUP, G_HOME, G_PRICING, G__MAX };

static const struct {
	const char	*kind, *target;
} goal_def[G__MAX] = {
	[G_BLOG] = { "page", "/blog/*" },
	[G_SIGNUP] = { "event", "Signup" },
	[G_HOME] = { "page", "/" },
	[G_PRICING] = { "page", "/pricing" },
};
#define FUNNEL_NAME	"Home to signup"

/* ------------------------------------------------------- expectations */

/*
 * Totals of a period of a site, with the tiles' texts.  from NULL means
 * period=all (from the first visit to today: today is read raw even
 * after the rollup).  Filters are f= specs; "@signup" stands for the
 * Signup goal's id.  Tiles: views per visit "%.2f", the bounce rate in
 * whole percent from 10% up, the mean visit rounded to a second.
 */
struct totals {
	enum site	 site;
	const char	*from, *to;
	const char	*f[2];
	long long	 visitors, visits, pageviews, bounces, duration;
	const char	*vpv, *bounce, *dur;
};

static const struct totals totals[] = {
	/*
	 * Berlin 03-28..03-30, B1..B9 (B0 is 03-27 local though its UTC
	 * day is too, B10 is 03-31).  Visitors by day: 03-28 {101, 102} 2,
	 * 03-29 {103, 101, 104} 3 (103 in B3 and B7, 104 in B5 and B6),
	 * 03-30 {106, 101} 2: 7; 101 counts on all three days.  Page views 2+1+2+2+1+2+2+1+3 = 16;
	 * bounces B2, B5, B8 = 3 of 9, 33%; duration 1800+40+150+100+5+310
	 * +600+0+70 = 3075, 3075/9 = 341.7 -> 342 s = 5m 42s; 16/9 = 1.78.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { NULL }, 7, 9, 16, 3, 3075, "1.78", "33%", "5m 42s" },
	/*
	 * 03-29 alone (23 hours): B3..B7, visitors {103, 101, 104} 3,
	 * page views 2+2+1+2+2 = 9, bounce B5 1/5 = 20%, 150+100+5+310+600 =
	 * 1165, /5 = 233 s = 3m 53s, 9/5 = 1.80.
	 */
	{ S_BER, "2026-03-29", "2026-03-29", { NULL }, 3, 5, 9, 1, 1165, "1.80", "20%", "3m 53s" },
	/* 03-27: B0 only, which starts a minute before the range above. */
	{ S_BER, "2026-03-27", "2026-03-27", { NULL }, 1, 1, 2, 0, 30, "2.00", "0%", "30s" },
	/*
	 * 10-25 (25 hours): B12..B15, visitors {202, 203, 204} 3 (202 twice),
	 * page views 2+1+2+1 = 6, bounces B13, B15 2/4 = 50%, 90+10+230+0 =
	 * 330, /4 = 82.5 -> 83 s = 1m 23s, 6/4 = 1.50.
	 */
	{ S_BER, "2026-10-25", "2026-10-25", { NULL }, 3, 4, 6, 2, 330, "1.50", "50%", "1m 23s" },
	/*
	 * 10-24..10-26: + B11 (10-24) and B16 (10-26): visitors 1+3+1 = 5,
	 * visits 6, page views 2+6+1 = 9, bounces 3/6 = 50%, 100+330+30 =
	 * 460, /6 = 76.7 -> 77 s = 1m 17s.
	 */
	{ S_BER, "2026-10-24", "2026-10-26", { NULL }, 5, 6, 9, 3, 460, "1.50", "50%", "1m 17s" },
	/*
	 * Everything, 03-01..10-31 (monthly; whole months from
	 * rollup_months once rolled up) and all time: visitors by day 1+2+3+
	 * 2+1 (March) + 1+3+1 (October) = 14, visits 17, page views 2+16+1+9
	 * = 28, bounces 3+3 = 6/17 = 35.3% -> 35%, 30+3075+20+460 = 3585,
	 * /17 = 210.9 -> 211 s = 3m 31s, 28/17 = 1.65.
	 */
	{ S_BER, "2026-03-01", "2026-10-31", { NULL }, 14, 17, 28, 6, 3585, "1.65", "35%", "3m 31s" },
	{ S_BER, NULL, NULL, { NULL }, 14, 17, 28, 6, 3585, "1.65", "35%", "3m 31s" },

	/* Filters over 03-28..03-30 (B1..B9), always read raw. */
	/*
	 * A visit's column: country is DE: B1, B3, B4, B9; visitors (28, 101)
	 * (29, 103) (29, 101) (30, 101) 4; page views 2+2+2+3 = 9; no bounce;
	 * 1800+150+100+70 = 2120, /4 = 530 s = 8m 50s; 9/4 = 2.25.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "country:is:DE" }, 4, 4, 9, 0, 2120,
	    "2.25", "0%", "8m 50s" },
	/*
	 * Its negation: B2, B5, B6, B7, B8; visitors (28, 102) (29, 104) (29,
	 * 103) (30, 106) 4 (B3, the other visit of 103, is from DE); page views 1+1+2+2+1 = 7; bounces B2, B5, B8 3/5
	 * = 60%; 40+5+310+600+0 = 955, /5 = 191 s = 3m 11s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "country:is_not:DE" }, 4, 5, 7, 3, 955,
	    "1.40", "60%", "3m 11s" },
	/*
	 * A page: visits with a view of /pricing: B1, B3, B6, B9; visitors
	 * (28, 101) (29, 103) (29, 104) (30, 101) 4; page views count that
	 * page's only, one each: 4; 1800+150+310+70 = 2330, /4 = 582.5 -> 583
	 * s = 9m 43s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "page:is:/pricing" }, 4, 4, 4, 0, 2330,
	    "1.00", "0%", "9m 43s" },
	/*
	 * Contains, case-insensitively: a view of a page with "blog": B2
	 * (/blog/a), B4 (/blog/a, /blog/b), B8 (/blog/b); visitors 3; the
	 * matching views 1+2+1 = 4; bounces B2, B8 2/3 = 67%; 40+100+0 = 140,
	 * /3 = 46.7 -> 47 s; 4/3 = 1.33.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "page:contains:BLOG" }, 3, 3, 4, 2, 140,
	    "1.33", "67%", "47s" },
	/*
	 * Its negation: the six others, B1, B3, B5, B6, B7, B9; visitors
	 * (28, 101) (29, 103) twice (29, 104) twice (30, 101) 4; all their
	 * page views 2+2+1+2+2+3 = 12; bounce B5 1/6 = 16.7% -> 17%;
	 * 1800+150+5+310+600+70 = 2935, /6 = 489.2 -> 489 s = 8m 09s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "page:not_contains:blog" }, 4, 6, 12, 1, 2935,
	    "2.00", "17%", "8m 09s" },
	/*
	 * No view of "/": B2, B4, B7, B8; visitors (28, 102) (29, 101) (29,
	 * 103) (30, 106) 4 (B3 of 103 saw "/"); all their page views 1+2+2+1 = 6; bounces B2, B8
	 * 2/4 = 50%; 40+100+600+0 = 740, /4 = 185 s = 3m 05s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "page:is_not:/" }, 4, 4, 6, 2, 740,
	    "1.50", "50%", "3m 05s" },
	/*
	 * Source contains "twit": B5, B6, both visitor 104 on 03-29: 1
	 * visitor, 2 visits, page views 1+2 = 3, bounce B5 1/2 = 50%, 5+310 =
	 * 315, /2 = 157.5 -> 158 s = 2m 38s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "source:contains:twit" }, 1, 2, 3, 1, 315,
	    "1.50", "50%", "2m 38s" },
	/*
	 * Both: DE and a view of /pricing: B1, B3, B9; visitors (28, 101)
	 * (29, 103) (30, 101) 3; the /pricing views 1+1+1 = 3; 1800+150+70 =
	 * 2020, /3 = 673.3 -> 673 s = 11m 13s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "country:is:DE", "page:is:/pricing" }, 3, 3, 3, 0,
	    2020, "1.00", "0%", "11m 13s" },
	/*
	 * The Signup goal: B3, B6; visitors (29, 103) (29, 104) 2; page views
	 * 2+2 = 4; 150+310 = 460, /2 = 230 s = 3m 50s.
	 */
	{ S_BER, "2026-03-28", "2026-03-30", { "goal:is:@signup" }, 2, 2, 4, 0, 460,
	    "2.00", "0%", "3m 50s" },
	/* A property: plan is pro: B3 only (B10 is 03-31): 1, 1, 2 views, 150 s. */
	{ S_BER, "2026-03-28", "2026-03-30", { "prop.plan:is:pro" }, 1, 1, 2, 0, 150,
	    "2.00", "0%", "2m 30s" },

	/*
	 * UTC, 03-28..03-29: U1 on 03-28 {301}, U2 and U3 on 03-29 {301, 302}:
	 * visitors 3, visits 3, page views 2+1+1 = 4, bounces U2, U3 2/3 =
	 * 67%, 120+0+60 = 180, /3 = 60 s = 1m 00s.
	 */
	{ S_UTC, "2026-03-28", "2026-03-29", { NULL }, 3, 3, 4, 2, 180, "1.33", "67%", "1m 00s" },
	/* 03-28 alone: U1, which a Berlin site would have put on 03-29. */
	{ S_UTC, "2026-03-28", "2026-03-28", { NULL }, 1, 1, 2, 0, 120, "2.00", "0%", "2m 00s" },
	{ S_UTC, NULL, NULL, { NULL }, 3, 3, 4, 2, 180, "1.33", "67%", "1m 00s" },
	/*
	 * New York, 11-01 (25 hours): N2, N3, N4, N5; visitors {402, 403, 404}
	 * 3 (402 twice); page views 1+2+1+1 = 5; bounces N2, N4, N5 3/4 =
	 * 75%; 0+30+20+0 = 50, /4 = 12.5 -> 13 s; 5/4 = 1.25.
	 */
	{ S_NY, "2026-11-01", "2026-11-01", { NULL }, 3, 4, 5, 3, 50, "1.25", "75%", "13s" },
	/*
	 * 10-31..11-02: + N1 (10-31, 2 views, 60 s) and N6 (11-02, a bounce):
	 * visitors 1+3+1 = 5, visits 6, page views 8, bounces 4/6 = 67%, 110,
	 * /6 = 18.3 -> 18 s.
	 */
	{ S_NY, "2026-10-31", "2026-11-02", { NULL }, 5, 6, 8, 4, 110, "1.33", "67%", "18s" },
	{ S_NY, NULL, NULL, { NULL }, 5, 6, 8, 4, 110, "1.33", "67%", "18s" },
	/*
	 * Kolkata, 03-29: K2, K3, K4 (K1 a minute before, K5 a second after);
	 * visitors {501, 503} 2 (K2 and K3 are both 501); page views 1+2+1 =
	 * 4; bounces K2, K4 2/3 = 67%; 40, /3 = 13.3 -> 13 s.
	 */
	{ S_KOL, "2026-03-29", "2026-03-29", { NULL }, 2, 3, 4, 2, 40, "1.33", "67%", "13s" },
	/*
	 * 03-28..03-30: + K1 (03-28, 501 again but another local day, 2
	 * views, 100 s) and K5 (03-30, a bounce): visitors 1+2+1 = 4, visits
	 * 5, page views 7, bounces 3/5 = 60%, 140, /5 = 28 s.
	 */
	{ S_KOL, "2026-03-28", "2026-03-30", { NULL }, 4, 5, 7, 3, 140, "1.40", "60%", "28s" },
	{ S_KOL, NULL, NULL, { NULL }, 4, 5, 7, 3, 140, "1.40", "60%", "28s" },
};

/*
 * A series: the chart's buckets of a period.  n buckets; those listed
 * hold these numbers (visitors are per bucket), every other one 0.
 */
struct bucket {
	size_t		 i;
	const char	*label;
	long long	 visitors, visits, pageviews;
};

struct series {
	enum site	 site;
	const char	*from, *to;
	size_t		 n;
	/*
	 * One day by hour: the local hour the day skips and the one it has
	 * twice (-1: none), so every bucket's label is known: "00:00",
	 * "01:00", ..., the second one "HH:00 (2)".  -2 for a series by day
	 * or month (only the buckets listed are named).
	 */
	int		 gap, again;
	struct bucket	 b[6];
};

static const struct series series[] = {
	/*
	 * Berlin 03-29 by hour: 00:00 (23:00Z), 01:00 (00:00Z), then 03:00
	 * (01:00Z) to 23:00 (21:00Z): 23 buckets; bucket k >= 2 is local hour
	 * k + 1.  B3 00:30 -> 0; B4 01:59 -> 1; B5 03:00 -> 2; B6 14:00 -> 13;
	 * B7 23:59 -> 22.
	 */
	{ S_BER, "2026-03-29", "2026-03-29", 23, 2, -1, {
	    { 0, "00:00", 1, 1, 2 }, { 1, "01:00", 1, 1, 2 }, { 2, "03:00", 1, 1, 1 },
	    { 13, "14:00", 1, 1, 2 }, { 22, "23:00", 1, 1, 2 } } },
	/*
	 * Berlin 10-25: 00:00 (22:00Z), 01:00, 02:00 (00:00Z CEST), "02:00
	 * (2)" (01:00Z CET), 03:00 .. 23:00 (22:00Z): 25 buckets.  B12 00:10
	 * -> 0; B13 02:30 CEST -> 2; B14 02:30 CET -> 3; B15 23:45 -> 24.
	 */
	{ S_BER, "2026-10-25", "2026-10-25", 25, -1, 2, {
	    { 0, "00:00", 1, 1, 2 }, { 2, "02:00", 1, 1, 1 }, { 3, "02:00 (2)", 1, 1, 2 },
	    { 24, "23:00", 1, 1, 1 } } },
	/* Berlin 03-28..03-30 by day (the totals' first line, split). */
	{ S_BER, "2026-03-28", "2026-03-30", 3, -2, -2, {
	    { 0, "2026-03-28", 2, 2, 3 }, { 1, "2026-03-29", 3, 5, 9 },
	    { 2, "2026-03-30", 2, 2, 4 } } },
	/*
	 * Berlin 03-01..10-31 by month: March 1+2+3+2+1 = 9 visitors, 11
	 * visits, 2+16+1 = 19 views; October 5, 6, 9.
	 */
	{ S_BER, "2026-03-01", "2026-10-31", 8, -2, -2, {
	    { 0, "2026-03", 9, 11, 19 }, { 7, "2026-10", 5, 6, 9 } } },
	/* UTC 03-29: U2 00:30 -> 0, U3 01:30 -> 1 of 24. */
	{ S_UTC, "2026-03-29", "2026-03-29", 24, -1, -1, {
	    { 0, "00:00", 1, 1, 1 }, { 1, "01:00", 1, 1, 1 } } },
	/*
	 * New York 11-01: 00:00 (04:00Z), 01:00 (05:00Z EDT), "01:00 (2)"
	 * (06:00Z EST), 02:00 .. 23:00 (11-02 04:00Z): 25.  N2 -> 0, N3 -> 1,
	 * N4 -> 2, N5 23:30 EST -> 24.
	 */
	{ S_NY, "2026-11-01", "2026-11-01", 25, -1, 1, {
	    { 0, "00:00", 1, 1, 1 }, { 1, "01:00", 1, 1, 2 }, { 2, "01:00 (2)", 1, 1, 1 },
	    { 24, "23:00", 1, 1, 1 } } },
	/* Kolkata 03-29 (18:30Z to 18:30Z): K2 00:01 -> 0, K3 10:30 -> 10, K4 23:59:59 -> 23. */
	{ S_KOL, "2026-03-29", "2026-03-29", 24, -1, -1, {
	    { 0, "00:00", 1, 1, 1 }, { 10, "10:00", 1, 1, 2 }, { 23, "23:00", 1, 1, 1 } } },
	/* New York 10-31..11-02 by day: N1; N2..N5; N6. */
	{ S_NY, "2026-10-31", "2026-11-02", 3, -2, -2, {
	    { 0, "2026-10-31", 1, 1, 2 }, { 1, "2026-11-01", 3, 4, 5 },
	    { 2, "2026-11-02", 1, 1, 1 } } },
};

/*
 * A breakdown's rows in the order the report gives them (visitors
 * descending, then the value's bytes ascending).  pageviews and duration
 * -1 where the report does not compute them (custom events and
 * properties; pages have no duration).  duration is the sum over the
 * row's visits; the export shows its mean.  For pages, events and
 * properties, events counts the matching events; for the visit columns
 * it is all the visits' events.
 */
struct row {
	const char	*name;		/* properties: "key\x1fvalue" */
	long long	 visitors, visits, pageviews, bounces, duration, events;
};

#define BD_ROWS	8

struct breakdown {
	enum site	 site;
	const char	*from, *to;
	const char	*f;		/* one filter spec or NULL */
	const char	*slug;
	const char	*prop;		/* props: the report page's property */
	struct row	 r[BD_ROWS];
};

#define P1	"2026-03-28", "2026-03-30"
#define ALL	"2026-03-01", "2026-10-31"

static const struct breakdown breakdowns[] = {
	/*
	 * Page views in B1..B9: B1 / /pricing; B2 /blog/a; B3 / /pricing;
	 * B4 /blog/a /blog/b; B5 /; B6 /pricing /; B7 /docs /docs; B8
	 * /blog/b; B9 / /pricing /.
	 * "/": B1 (28, 101), B3 (29, 103), B5 B6 (29, 104), B9 (30, 101) x2:
	 *   visitors 4, visits 5, views 6, bounce B5.
	 * "/pricing": B1, B3, B6, B9: 4 visitors (29, 104 once), 4, 4.
	 * "/blog/a": B2 (28, 102), B4 (29, 101): 2, 2, 2, bounce B2.
	 * "/blog/b": B4 (29, 101), B8 (30, 106): 2, 2, 2, bounce B8.
	 * "/docs": B7 twice: 1, 1, 2.
	 */
	{ S_BER, P1, NULL, "pages", NULL, {
	    { "/", 4, 5, 6, 1, -1, 6 }, { "/pricing", 4, 4, 4, 0, -1, 4 },
	    { "/blog/a", 2, 2, 2, 1, -1, 2 }, { "/blog/b", 2, 2, 2, 1, -1, 2 },
	    { "/docs", 1, 1, 2, 0, -1, 2 } } },
	/*
	 * Entry pages of B1..B9: / (B1, B3, B5, B9: 4 visitors, views
	 * 2+2+1+3 = 8, bounce B5, 1800+150+5+70 = 2025 s, events 3+4+2+4 =
	 * 13); /blog/a (B2, B4: 2, 3 views, bounce B2, 140 s, 2+3 = 5 events);
	 * /blog/b (B8: 1 view, bounce, 0 s, 1); /docs (B7: 2, 600 s, 2);
	 * /pricing (B6: 2, 310 s, 3).
	 */
	{ S_BER, P1, NULL, "entry-pages", NULL, {
	    { "/", 4, 4, 8, 1, 2025, 13 }, { "/blog/a", 2, 2, 3, 1, 140, 5 },
	    { "/blog/b", 1, 1, 1, 1, 0, 1 }, { "/docs", 1, 1, 2, 0, 600, 2 },
	    { "/pricing", 1, 1, 2, 0, 310, 3 } } },
	/*
	 * Sources: Google B1 (28, 101) B4 (29, 101) B8 (30, 106) B9 (30, 101):
	 * 4, 4, views 2+2+1+3 = 8, bounce B8, 1800+100+0+70 = 1970, events
	 * 3+3+1+4 = 11; none: B2 B7: 2, 2, 3, bounce B2, 640, 4; Newsletter
	 * B3: 1, 1, 2, 0, 150, 4; Twitter B5 B6 (both 29, 104): 1, 2, 3,
	 * bounce B5, 315, 5.
	 */
	{ S_BER, P1, NULL, "sources", NULL, {
	    { "Google", 4, 4, 8, 1, 1970, 11 }, { "", 2, 2, 3, 1, 640, 4 },
	    { "Newsletter", 1, 1, 2, 0, 150, 4 }, { "Twitter", 1, 2, 3, 1, 315, 5 } } },
	/*
	 * Countries: DE B1 B3 B4 B9: 4, 4, 9, no bounce, 2120, 14 events; US
	 * B2 (28, 102) B5 B6 (29, 104): 2, 3, 4, bounces B2 B5, 355, 7; FR B7:
	 * 1, 1, 2, 0, 600, 2; IN B8: 1, 1, 1, 1, 0, 1.
	 */
	{ S_BER, P1, NULL, "countries", NULL, {
	    { "DE", 4, 4, 9, 0, 2120, 14 }, { "US", 2, 3, 4, 2, 355, 7 },
	    { "FR", 1, 1, 2, 0, 600, 2 }, { "IN", 1, 1, 1, 1, 0, 1 } } },
	/*
	 * Browsers: Chrome B1 B3 B4 B5 B6 B8 B9: visitors (28, 101) (29, 103)
	 * (29, 101) (29, 104) (30, 106) (30, 101) 6, visits 7, views
	 * 2+2+2+1+2+1+3 = 13, bounces B5 B8, 1800+150+100+5+310+0+70 = 2435,
	 * events 3+4+3+2+3+1+4 = 20; Firefox B7; Safari B2.
	 */
	{ S_BER, P1, NULL, "browsers", NULL, {
	    { "Chrome", 6, 7, 13, 2, 2435, 20 }, { "Firefox", 1, 1, 2, 0, 600, 2 },
	    { "Safari", 1, 1, 1, 1, 40, 2 } } },
	/*
	 * Browser versions: Chrome 120 B1 B4 B5 B6 B9: visitors (28, 101)
	 * (29, 101) (29, 104) (30, 101) 4, 5 visits, 2+2+1+2+3 = 10 views,
	 * bounce B5, 1800+100+5+310+70 = 2285, 3+3+2+3+4 = 15 events; Chrome
	 * 121 B3 B8: 2, 2, 3, bounce B8, 150, 5; Firefox 124 B7; Safari 17 B2.
	 */
	{ S_BER, P1, NULL, "browser-versions", NULL, {
	    { "Chrome 120", 4, 5, 10, 1, 2285, 15 }, { "Chrome 121", 2, 2, 3, 1, 150, 5 },
	    { "Firefox 124", 1, 1, 2, 0, 600, 2 }, { "Safari 17", 1, 1, 1, 1, 40, 2 } } },
	/* Custom events: Signup in B3 (29, 103) and B6 (29, 104); Download in B4. */
	{ S_BER, P1, NULL, "events", NULL, {
	    { "Signup", 2, 2, -1, 0, -1, 2 }, { "Download", 1, 1, -1, 0, -1, 1 } } },
	/*
	 * Filtered by country DE (B1, B3, B4, B9): Google B1 B4 B9: visitors
	 * (28, 101) (29, 101) (30, 101) 3, views 2+2+3 = 7, 1800+100+70 =
	 * 1970 s, 3+3+4 = 10 events; Newsletter B3: 1, 2, 150 s, 4.
	 */
	{ S_BER, P1, "country:is:DE", "sources", NULL, {
	    { "Google", 3, 3, 7, 0, 1970, 10 }, { "Newsletter", 1, 1, 2, 0, 150, 4 } } },
	/* Pages filtered by a page: only that page's views count. */
	{ S_BER, P1, "page:is:/pricing", "pages", NULL, {
	    { "/pricing", 4, 4, 4, 0, -1, 4 } } },

	/*
	 * All of Berlin, 03-01..10-31, adding B0 (/ /docs), B10 (/pricing),
	 * B11 (/ /blog/a), B12 (/ /pricing), B13 (/blog/b), B14 (/docs
	 * /blog/a), B15 (/pricing), B16 (/):
	 * "/": + (27, 108) (24, 201) (25, 202) (26, 205): 8 visitors, 9
	 *   visits, 10 views; bounces B5, B16.
	 * "/pricing": + B10 (31, 107), B12 and B15 (both 25, 202): 6, 7, 7;
	 *   bounce B15.
	 * "/blog/a": + B11, B14: 4, 4, 4; bounce B2.
	 * "/blog/b": + B13: 3, 3, 3; bounces B8, B13.
	 * "/docs": + B0, B14: 3, 3, 2+1+1 = 4.
	 */
	{ S_BER, ALL, NULL, "pages", NULL, {
	    { "/", 8, 9, 10, 2, -1, 10 }, { "/pricing", 6, 7, 7, 1, -1, 7 },
	    { "/blog/a", 4, 4, 4, 1, -1, 4 }, { "/blog/b", 3, 3, 3, 2, -1, 3 },
	    { "/docs", 3, 3, 4, 0, -1, 4 } } },
	/* Signup in B3, B6, B10, B12; Download in B4, B14. */
	{ S_BER, ALL, NULL, "events", NULL, {
	    { "Signup", 4, 4, -1, 0, -1, 4 }, { "Download", 2, 2, -1, 0, -1, 2 } } },
	/*
	 * Properties: plan pro B3 (29, 103) B10 (31, 107) B12 (25, 202): 3;
	 * file guide.pdf B4 B14, method email B3 B12, method google B6 B10:
	 * 2 each; plan free B6: 1.  None of these visits bounced.
	 */
	{ S_BER, ALL, NULL, "props", NULL, {
	    { "plan\x1fpro", 3, 3, -1, 0, -1, 3 }, { "file\x1fguide.pdf", 2, 2, -1, 0, -1, 2 },
	    { "method\x1f" "email", 2, 2, -1, 0, -1, 2 },
	    { "method\x1fgoogle", 2, 2, -1, 0, -1, 2 },
	    { "plan\x1f" "free", 1, 1, -1, 0, -1, 1 } } },
	/* The props page of one property. */
	{ S_BER, ALL, NULL, "props", "method", {
	    { "method\x1f" "email", 2, 2, -1, 0, -1, 2 },
	    { "method\x1fgoogle", 2, 2, -1, 0, -1, 2 } } },
	/*
	 * New York's pages over 10-31..11-02: "/" N1 (10-31, 401), N2 (402),
	 * N3 (403), N4 (404), N6 (11-02, 405): 5, 5, 5 views, bounces N2 N4
	 * N6; "/x" N1 (10-31, 401), N3 (403), N5 (11-01, 402): 3, 3, 3,
	 * bounce N5.
	 */
	{ S_NY, "2026-10-31", "2026-11-02", NULL, "pages", NULL, {
	    { "/", 5, 5, 5, 3, -1, 5 }, { "/x", 3, 3, 3, 1, -1, 3 } } },
};

/*
 * Goals of Berlin (visitors, visits, events):
 * 03-28..03-30: G_BLOG B2 B4 B8, views 1+2+1 = 4: 3, 3, 4;
 *   Signup B3 B6: 2, 2, 2; "/" as on the pages: 4, 5, 6; /pricing 4, 4, 4.
 * All: G_BLOG + B11 B13 B14: 6, 6, 7; Signup + B10 B12: 4, 4, 4;
 *   "/" 8, 9, 10; /pricing 6, 7, 7.
 * Conversion rates, of the period's unique visitors: of 7, 3/7 = 42.9%
 *   -> 43%, 2/7 = 28.6% -> 29%, 4/7 = 57.1% -> 57%, 57%; of 14, 6/14 =
 *   42.9% -> 43%, 4/14 = 28.6% -> 29%, 8/14 = 57.1% -> 57%, 6/14 -> 43%.
 */
struct goal_exp {
	const char	*from, *to;
	long long	 g[G__MAX][3];
	const char	*cr[G__MAX];
	/*
	 * The funnel "/" -> "/pricing" -> Signup, visitors (distinct per day)
	 * whose visit went through each step in order.  03-28..03-30: step 1
	 * (28, 101) B1, (29, 103) B3, (29, 104) B5 B6, (30, 101) B9: 4; step
	 * 2 B1 B3 B9 (B6 saw /pricing before /): 3; step 3 B3: 1.  All: step
	 * 1 + (27, 108) B0, (24, 201) B11, (25, 202) B12, (26, 205) B16: 8;
	 * step 2 + B12: 4; step 3 + B12: 2.
	 */
	long long	 funnel[3];
};

static const struct goal_exp goal_exps[] = {
	{ P1, { [G_BLOG] = { 3, 3, 4 }, [G_SIGNUP] = { 2, 2, 2 }, [G_HOME] = { 4, 5, 6 },
	    [G_PRICING] = { 4, 4, 4 } },
	    { [G_BLOG] = "43%", [G_SIGNUP] = "29%", [G_HOME] = "57%", [G_PRICING] = "57%" },
	    { 4, 3, 1 } },
	{ ALL, { [G_BLOG] = { 6, 6, 7 }, [G_SIGNUP] = { 4, 4, 4 }, [G_HOME] = { 8, 9, 10 },
	    [G_PRICING] = { 6, 7, 7 } },
	    { [G_BLOG] = "43%", [G_SIGNUP] = "29%", [G_HOME] = "57%", [G_PRICING] = "43%" },
	    { 8, 4, 2 } },
};

/*
 * What a day's rollup row (dim 0, the site's total) must hold after the
 * rollup: visitors, visits, pageviews, bounces, duration, events (all
 * the visits' events).  From the table above.
 */
static const struct {
	enum site	 site;
	const char	*day;
	long long	 m[6];
} day_rows[] = {
	{ S_BER, "2026-03-27", { 1, 1, 2, 0, 30, 2 } },
	{ S_BER, "2026-03-28", { 2, 2, 3, 1, 1840, 5 } },	/* B1 B2 */
	{ S_BER, "2026-03-29", { 3, 5, 9, 1, 1165, 14 } },	/* B3..B7: 4+3+2+3+2 */
	{ S_BER, "2026-03-30", { 2, 2, 4, 1, 70, 5 } },	/* B8 B9 */
	{ S_BER, "2026-03-31", { 1, 1, 1, 0, 20, 2 } },
	{ S_BER, "2026-10-24", { 1, 1, 2, 0, 100, 2 } },
	{ S_BER, "2026-10-25", { 3, 4, 6, 2, 330, 9 } },	/* 3+2+3+1 */
	{ S_BER, "2026-10-26", { 1, 1, 1, 1, 30, 2 } },
	{ S_UTC, "2026-03-28", { 1, 1, 2, 0, 120, 2 } },
	{ S_UTC, "2026-03-29", { 2, 2, 2, 2, 60, 3 } },
	{ S_NY, "2026-10-31", { 1, 1, 2, 0, 60, 2 } },
	{ S_NY, "2026-11-01", { 3, 4, 5, 3, 50, 6 } },	/* 1+2+2+1 */
	{ S_NY, "2026-11-02", { 1, 1, 1, 1, 0, 1 } },
	{ S_KOL, "2026-03-28", { 1, 1, 2, 0, 100, 2 } },
	{ S_KOL, "2026-03-29", { 2, 3, 4, 2, 40, 4 } },
	{ S_KOL, "2026-03-30", { 1, 1, 1, 1, 0, 1 } },
};

/* ---------------------------------------------------------- the state */

enum stmt {
	STMT_VERIFY,
	STMT_ORG_OF,
	STMT_SITE_ADD,
	STMT_SESSION_ADD,
	STMT_EVENT_ADD,
	STMT_GOAL_ADD,
	STMT_FUNNEL_ADD,
	STMT_STEP_ADD,
	STMT_SESSIONS_OF,
	STMT_EVENTS_OF,
	STMT_STATE,
	STMT_DAY_ROW,
	STMT_MONTH_ROW,
	STMT_DEL_EVENTS,
	STMT_DEL_SESSIONS,
	STMT_DEL_DAYS,
	STMT_DEL_MONTHS,
	STMT_DEL_STATE,
	STMT_DEL_SITE,
	STMT_KEY_ADD,
	STMT_DEL_KEY,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_VERIFY] = "UPDATE users SET email_verified_at = UTC_TIMESTAMP() WHERE email = ?",
	[STMT_ORG_OF] =
	    "SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE u.email = ? AND m.role = 'owner' ORDER BY m.org_id LIMIT 1",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (?, ?, ?, ?)",
	[STMT_SESSION_ADD] =
	    "INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, "
	    "exit_page, pageviews, events, interactions, engagement_ms, max_scroll, source, "
	    "referrer_domain, utm_source, utm_medium, utm_campaign, utm_term, utm_content, "
	    "country, device, browser, browser_version, os, os_version, screen) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_EVENT_ADD] =
	    "INSERT INTO events (site_id, ts, name, visitor_id, session_id, hostname, pathname, "
	    "source, referrer_domain, utm_source, utm_medium, utm_campaign, utm_term, "
	    "utm_content, country, device, browser, browser_version, os, os_version, "
	    "interactive, props) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_GOAL_ADD] = "INSERT INTO goals (site_id, kind, target) VALUES (?, ?, ?)",
	[STMT_FUNNEL_ADD] = "INSERT INTO funnels (site_id, name) VALUES (?, ?)",
	[STMT_STEP_ADD] = "INSERT INTO funnel_steps (funnel_id, step, goal_id) VALUES (?, ?, ?)",
	[STMT_SESSIONS_OF] = "SELECT COUNT(*) FROM sessions WHERE site_id = ?",
	[STMT_EVENTS_OF] = "SELECT COUNT(*) FROM events WHERE site_id = ?",
	[STMT_STATE] =
	    "SELECT DATEDIFF(through_day, '1970-01-01') FROM rollup_state "
	    "WHERE site_id = ? AND timezone = ?",
	[STMT_DAY_ROW] =
	    "SELECT visitors, visits, pageviews, bounces, duration, events FROM rollup_days "
	    "WHERE site_id = ? AND dim = 0 AND day = ?",
	[STMT_MONTH_ROW] =
	    "SELECT visitors, visits, pageviews, bounces, duration, events FROM rollup_months "
	    "WHERE site_id = ? AND dim = 0 AND day = ?",
	[STMT_DEL_EVENTS] = "DELETE FROM events WHERE site_id = ?",
	[STMT_DEL_SESSIONS] = "DELETE FROM sessions WHERE site_id = ?",
	[STMT_DEL_DAYS] = "DELETE FROM rollup_days WHERE site_id = ?",
	[STMT_DEL_MONTHS] = "DELETE FROM rollup_months WHERE site_id = ?",
	[STMT_DEL_STATE] = "DELETE FROM rollup_state WHERE site_id = ?",
	[STMT_DEL_SITE] = "DELETE FROM sites WHERE id = ? AND org_id = ?",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope) "
	    "VALUES (?, 'dashboard fixture', ?, ?, 'read')",
	[STMT_DEL_KEY] = "DELETE FROM api_keys WHERE id = ? AND org_id = ?",
};

static struct conf	 conf;
static struct db	*db;
static struct it_jar	 jar = IT_JAR_INIT;
static char		 email[96], rnd[12], iface[24];
static long long	 org_id, site_id[S__MAX], goal_id[G__MAX], funnel_id, key_id;
static char		 api_key[64];	/* tr_<8>_<43>, as keys.c makes them */
static int		 fixture_ok;
static const char	*phase = "raw";	/* which path the numbers come from */

/* ------------------------------------------------------------ helpers */

/* For buffers in arrays (buf_init()'s argument is a maximum length, not a size). */
static const struct buf empty_buf = BUF_INIT;

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long
days_of(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Digits s[0..n) as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD HH:MM:SS" (or just the date) UTC to seconds; -1 when malformed. */
static long long
utc_secs(const char *s)
{
	size_t n = strlen(s);
	int y, mo, d, h = 0, mi = 0, se = 0;

	if ((n != 10 && n != 19) || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (n == 19) {
		if (s[10] != ' ' || s[13] != ':' || s[16] != ':')
			return -1;
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
		se = digits(s + 17, 2);
	}
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || mi < 0 || se < 0)
		return -1;
	return days_of(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

static long long
db_int1(enum stmt s, long long x, long long def)
{
	struct db_args a = DB_ARGS_INIT;
	long long n;

	db_arg_int(&a, x);
	n = it_db_int(db, s, &a, def);
	db_args_free(&a);
	return n;
}

static int
exec_stmt(enum stmt s, struct db_args *a, long long *id)
{
	unsigned long long n = 0;

	if (db_exec(db, db_stmt(db, s), a, NULL, &n) == -1)
		return -1;
	if (id != NULL)
		*id = (long long)n;
	return 0;
}

/* A filter spec with "@signup" standing for the Signup goal's id, into out. */
static void
filter_spec(const char *spec, struct buf *out)
{
	const char *at = strstr(spec, "@signup");

	buf_reset(out);
	if (at == NULL) {
		buf_adds(out, spec);
		return;
	}
	buf_add(out, spec, (size_t)(at - spec));
	buf_addf(out, "%lld", goal_id[G_SIGNUP]);
	buf_adds(out, at + strlen("@signup"));
}

/*
 * "/dash/<site><sub>?period=custom&from=..&to=.." (or period=all when
 * from is NULL), each filter as f=, then extra ("&k=v", encoded).
 */
static void
dash_url(struct buf *out, enum site s, const char *sub, const char *from, const char *to,
    const char *const *f, size_t nf, const char *extra)
{
	struct buf spec = BUF_INIT;
	size_t i;

	buf_reset(out);
	buf_addf(out, "/dash/%lld%s?", site_id[s], sub);
	if (from == NULL)
		buf_adds(out, "period=all");
	else
		buf_addf(out, "period=custom&from=%s&to=%s", from, to);
	for (i = 0; i < nf && f[i] != NULL; i++) {
		filter_spec(f[i], &spec);
		buf_adds(out, "&f=");
		buf_add_url(out, spec.ptr, spec.len);
	}
	if (extra != NULL)
		buf_adds(out, extra);
	buf_release(&spec);
}

/* What a period is called in messages. */
static void
period_name(struct buf *out, enum site s, const char *from, const char *to,
    const char *const *f, size_t nf)
{
	size_t i;

	buf_reset(out);
	buf_addf(out, "[%s] %s ", phase, site_name[s]);
	if (from == NULL)
		buf_adds(out, "all");
	else
		buf_addf(out, "%s..%s", from, to);
	for (i = 0; i < nf && f[i] != NULL; i++)
		buf_addf(out, " f=%s", f[i]);
}

/* GET path as the fixture's owner; 1 when it answered 200 (else checked and 0). */
static int
fetch(const char *path, struct it_resp *r)
{
	it_get(&jar, path, r);
	return IT_CHECK(r->status == 200, "[%s] GET %s: status %ld, %.200s", phase, path,
	    r->status, r->body.ptr ? r->body.ptr : "");
}

/* ------------------------------------------------------------- HTML */

/* Append s[0..n) as text: tags dropped, entities decoded, spaces collapsed and trimmed. */
static void
html_text(const char *s, size_t n, struct buf *out)
{
	static const struct {
		const char	*ent, *ch;
	} ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&#39;", "'" }, { "&#x27;", "'" }, { "&#34;", "\"" }, { "&nbsp;", " " },
	};
	size_t i, k, start = out->len;
	int space = 0, tag = 0;

	for (i = 0; i < n; i++) {
		if (tag) {
			tag = s[i] != '>';
			continue;
		}
		if (s[i] == '<') {
			tag = 1;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			space = out->len > start;
			continue;
		}
		if (space)
			buf_addch(out, ' ');
		space = 0;
		if (s[i] == '&') {
			for (k = 0; k < NITEMS(ents); k++)
				if (n - i >= strlen(ents[k].ent) &&
				    memcmp(s + i, ents[k].ent, strlen(ents[k].ent)) == 0)
					break;
			if (k < NITEMS(ents)) {
				buf_adds(out, ents[k].ch);
				i += strlen(ents[k].ent) - 1;
				continue;
			}
		}
		buf_addch(out, s[i]);
	}
}

/* The text of the first open..close after p (up to end), into out; the end of close or NULL. */
static const char *
html_between(const char *p, const char *end, const char *open, const char *close,
    struct buf *out)
{
	const char *a, *b;

	if (p == NULL || (a = strstr(p, open)) == NULL || (end != NULL && a >= end))
		return NULL;
	a += strlen(open);
	if ((b = strstr(a, close)) == NULL || (end != NULL && b > end))
		return NULL;
	buf_reset(out);
	html_text(a, (size_t)(b - a), out);
	return b + strlen(close);
}

/* Cells of a table's body rows: cells[r * w + c] text, w the widest row. */
struct table {
	struct buf	*cell;
	size_t		 rows, ncell, cap;
	size_t		 width[64];
};

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncell; i++)
		buf_release(&t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

/* The rows of the first <tbody> in [p, end); cell k of row r is the k-th <td>. */
static void
table_read(const char *p, const char *end, struct table *t)
{
	const char *body, *body_end, *tr, *tr_end, *td, *td_end;

	memset(t, 0, sizeof(*t));
	if (p == NULL || (body = strstr(p, "<tbody>")) == NULL || (end && body > end) ||
	    (body_end = strstr(body, "</tbody>")) == NULL)
		return;
	for (tr = body; (tr = strstr(tr, "<tr")) != NULL && tr < body_end &&
	    t->rows < NITEMS(t->width); tr = tr_end) {
		if ((tr_end = strstr(tr, "</tr>")) == NULL)
			break;
		t->width[t->rows] = 0;
		for (td = tr; (td = strstr(td, "<td")) != NULL && td < tr_end; td = td_end) {
			if ((td = strchr(td, '>')) == NULL || (td_end = strstr(td, "</td>")) == NULL)
				break;
			if (t->ncell == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 64;
				t->cell = xrealloc(t->cell, t->cap * sizeof(*t->cell));
			}
			t->cell[t->ncell] = empty_buf;
			html_text(td + 1, (size_t)(td_end - td - 1), &t->cell[t->ncell]);
			t->ncell++;
			t->width[t->rows]++;
		}
		t->rows++;
	}
}

/* Cell c of row r, "" when missing. */
static const char *
table_cell(const struct table *t, size_t r, size_t c)
{
	size_t i, k = 0;

	if (r >= t->rows || c >= t->width[r])
		return "";
	for (i = 0; i < r; i++)
		k += t->width[i];
	return t->cell[k + c].ptr;
}

/*
 * The index of the column headed name in the first <thead> after p (its
 * <th> cells in order), or -1: the pages' layouts may move columns, the
 * headings say what they hold.
 */
static long
table_col(const char *p, const char *name)
{
	struct buf t = BUF_INIT;
	const char *head, *end, *th, *th_end;
	long i = 0, found = -1;

	if (p == NULL || (head = strstr(p, "<thead>")) == NULL ||
	    (end = strstr(head, "</thead>")) == NULL)
		return -1;
	for (th = head; (th = strstr(th, "<th")) != NULL && th < end; th = th_end, i++) {
		if ((th = strchr(th, '>')) == NULL || (th_end = strstr(th, "</th>")) == NULL)
			break;
		buf_reset(&t);
		html_text(th + 1, (size_t)(th_end - th - 1), &t);
		if (strcmp(t.ptr, name) == 0) {
			found = i;
			break;
		}
	}
	buf_release(&t);
	return found;
}

/* A count as the pages print it ("1,234"), or -1. */
static long long
count_of(const char *s)
{
	long long v = 0;
	int any = 0;

	for (; *s; s++) {
		if (*s == ',')
			continue;
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		any = 1;
	}
	return any ? v : -1;
}

/* The value a breakdown row's label shows (util.c value_label; props pages the value only). */
static void
row_label(const char *slug, const char *value, int prop_page, struct buf *out)
{
	const char *sep = strchr(value, '\x1f');

	buf_reset(out);
	if (sep != NULL) {
		if (!prop_page) {
			buf_add(out, value, (size_t)(sep - value));
			buf_adds(out, ": ");
		}
		buf_adds(out, *(sep + 1) ? sep + 1 : "(none)");
		return;
	}
	if (*value == '\0')
		buf_adds(out, strcmp(slug, "sources") == 0 || strcmp(slug, "referrers") == 0 ?
		    "Direct / none" : "(none)");
	else
		buf_adds(out, value);
}

/* ------------------------------------------------------------- CSV */

struct csv {
	struct buf	*f;
	size_t		 n, cap;
	size_t		 cols;		/* of the first row */
	size_t		 rows;
	int		 ragged;	/* a row of another width */
};

static void
csv_free(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		buf_release(&c->f[i]);
	free(c->f);
	memset(c, 0, sizeof(*c));
}

static struct buf *
csv_new_field(struct csv *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->f = xrealloc(c->f, c->cap * sizeof(*c->f));
	}
	c->f[c->n] = empty_buf;
	return &c->f[c->n++];
}

/* RFC 4180 records ending in CRLF, a UTF-8 BOM first; quoted fields with "" inside. */
static void
csv_read(const char *s, size_t n, struct csv *c)
{
	size_t i = 0, row_start = 0;
	struct buf *f;

	memset(c, 0, sizeof(*c));
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n) {
		f = csv_new_field(c);
		if (s[i] == '"') {
			for (i++; i < n; i++) {
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
					buf_addch(f, '"');
					i++;
				} else if (s[i] == '"') {
					i++;
					break;
				} else
					buf_addch(f, s[i]);
			}
		} else
			for (; i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n'; i++)
				buf_addch(f, s[i]);
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		/* The end of a record. */
		if (c->rows == 0)
			c->cols = c->n;
		else if (c->n - row_start != c->cols)
			c->ragged = 1;
		c->rows++;
		row_start = c->n;
		if (i < n && s[i] == '\r')
			i++;
		if (i < n && s[i] == '\n')
			i++;
	}
}

/* Field col of record r ("" when missing); record 0 is the header. */
static const char *
csv_field(const struct csv *c, size_t r, size_t col)
{
	if (r >= c->rows || col >= c->cols || r * c->cols + col >= c->n)
		return "";
	return c->f[r * c->cols + col].ptr;
}

static long
csv_col(const struct csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->cols; i++)
		if (strcmp(csv_field(c, 0, i), name) == 0)
			return (long)i;
	return -1;
}

/* ---------------------------------------------------------- fixture */

/* The sessions row and events of one visit. */
static int
visit_add(const struct fvisit *v, long long id)
{
	struct db_args a = DB_ARGS_INIT;
	const char *entry = NULL, *exit_page = NULL;
	long long start = utc_secs(v->start), last = 0, pv = 0, ev = 0, inter = 0;
	size_t i, k;
	int rc = -1;

	if (start < 0)
		return -1;
	for (i = 0; i < NITEMS(v->ev) && v->ev[i].name != NULL; i++) {
		const struct fev *e = &v->ev[i];
		int interactive = strcmp(e->name, "engagement") != 0;

		ev++;
		inter += interactive;
		if (e->off > last)
			last = e->off;
		if (strcmp(e->name, "pageview") == 0) {
			pv++;
			if (entry == NULL)
				entry = e->path;
			exit_page = e->path;
		}
		db_args_reset(&a);
		db_arg_int(&a, site_id[v->site]);
		db_arg_time_ms(&a, (start + e->off) * 1000);
		db_arg_strz(&a, e->name);
		db_arg_int(&a, v->visitor);
		db_arg_int(&a, id);
		db_arg_strz(&a, "fixture.example");
		db_arg_strz(&a, e->path);
		db_arg_strz(&a, v->source);
		db_arg_strz(&a, v->referrer);
		for (k = 0; k < 5; k++)
			db_arg_strz(&a, v->utm[k]);
		db_arg_strz(&a, v->country);
		db_arg_strz(&a, v->device);
		db_arg_strz(&a, v->browser);
		db_arg_strz(&a, v->bver);
		db_arg_strz(&a, v->os);
		db_arg_strz(&a, v->osver);
		db_arg_int(&a, interactive);
		db_arg_strz(&a, e->props);
		if (exec_stmt(STMT_EVENT_ADD, &a, NULL) == -1)
			goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, id);
	db_arg_int(&a, site_id[v->site]);
	db_arg_int(&a, v->visitor);
	db_arg_time_ms(&a, start * 1000);
	db_arg_time_ms(&a, (start + last) * 1000);
	db_arg_strz(&a, entry ? entry : "");
	db_arg_strz(&a, exit_page ? exit_page : "");
	db_arg_int(&a, pv);
	db_arg_int(&a, ev);
	db_arg_int(&a, inter);
	db_arg_strz(&a, v->source);
	db_arg_strz(&a, v->referrer);
	for (k = 0; k < 5; k++)
		db_arg_strz(&a, v->utm[k]);
	db_arg_strz(&a, v->country);
	db_arg_strz(&a, v->device);
	db_arg_strz(&a, v->browser);
	db_arg_strz(&a, v->bver);
	db_arg_strz(&a, v->os);
	db_arg_strz(&a, v->osver);
	db_arg_strz(&a, v->screen);
	rc = exec_stmt(STMT_SESSION_ADD, &a, NULL);
out:
	db_args_free(&a);
	return rc;
}

/* Sites, goals, the funnel and the visits, in one transaction: a rollup pass sees all or nothing. */
static int
fixture_add(void)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf b = BUF_INIT;
	char key[23];
	unsigned long long base;
	size_t i;
	int s, g, rc = -1;

	/* Session ids are random 63-bit numbers, as the collector's are. */
	if (crypt_random(&base, sizeof(base)) == -1)
		return -1;
	base = (base & 0x3fffffffffff0000ULL) + 0x1000;
	if (db_begin(db) == -1)
		return -1;
	for (s = 0; s < S__MAX; s++) {
		db_args_reset(&a);
		buf_reset(&b);
		buf_addf(&b, "fx-%s-%s.example", site_name[s], rnd);
		it_token(key, 22);
		db_arg_int(&a, org_id);
		db_arg_strz(&a, b.ptr);
		db_arg_strz(&a, key);
		db_arg_strz(&a, site_tz[s]);
		if (exec_stmt(STMT_SITE_ADD, &a, &site_id[s]) == -1)
			goto out;
	}
	for (g = 0; g < G__MAX; g++) {
		db_args_reset(&a);
		db_arg_int(&a, site_id[S_BER]);
		db_arg_strz(&a, goal_def[g].kind);
		db_arg_strz(&a, goal_def[g].target);
		if (exec_stmt(STMT_GOAL_ADD, &a, &goal_id[g]) == -1)
			goto out;
	}
	db_args_reset(&a);
	db_arg_int(&a, site_id[S_BER]);
	db_arg_strz(&a, FUNNEL_NAME);
	if (exec_stmt(STMT_FUNNEL_ADD, &a, &funnel_id) == -1)
		goto out;
	for (g = 0; g < 3; g++) {
		static const enum goal steps[3] = { G_HOME, G_PRICING, G_SIGNUP };

		db_args_reset(&a);
		db_arg_int(&a, funnel_id);
		db_arg_int(&a, g + 1);
		db_arg_int(&a, goal_id[steps[g]]);
		if (exec_stmt(STMT_STEP_ADD, &a, NULL) == -1)
			goto out;
	}
	/* An API key of the organisation, stored as its SHA-256 (keys.c). */
	{
		unsigned char hash[CRYPT_SHA256_LEN];
		char secret[44];

		it_token(secret, 43);
		snprintf(api_key, sizeof(api_key), "tr_%s_%s", rnd, secret);
		crypt_sha256(api_key, strlen(api_key), hash);
		db_args_reset(&a);
		db_arg_int(&a, org_id);
		db_arg_strz(&a, rnd);
		db_arg_blob(&a, hash, sizeof(hash));
		if (exec_stmt(STMT_KEY_ADD, &a, &key_id) == -1)
			goto out;
	}
	for (i = 0; i < NITEMS(visits); i++)
		if (visit_add(&visits[i], (long long)(base + i)) == -1) {
			fprintf(stderr, "visit %s could not be stored\n", visits[i].tag);
			goto out;
		}
	rc = db_commit(db);
out:
	if (rc == -1)
		db_rollback(db);
	db_args_free(&a);
	buf_release(&b);
	return rc;
}

static void
test_fixture(void)
{
	struct it_resp r;
	struct db_args a = DB_ARGS_INIT;
	struct buf org = BUF_INIT;
	long long n, want[S__MAX] = { 0 }, wantev[S__MAX] = { 0 };
	size_t i, k;
	int s;

	buf_addf(&org, "Dashboard fixture %s", rnd);
	it_signup(&jar, email, org.ptr, PASSWORD, &r);
	IT_CHECK(r.status == 200, "sign-up of %s: status %ld", email, r.status);
	it_resp_free(&r);
	db_arg_strz(&a, email);
	IT_CHECK(exec_stmt(STMT_VERIFY, &a, NULL) == 0, "verifying %s", email);
	org_id = it_db_int(db, STMT_ORG_OF, &a, -1);
	db_args_free(&a);
	IT_CHECK(org_id > 0, "the organisation of %s", email);
	it_login(&jar, email, PASSWORD, NULL, &r);
	IT_CHECK(r.status == 303 && jar.session.len > 0, "login of %s: status %ld", email,
	    r.status);
	it_resp_free(&r);
	buf_release(&org);
	if (org_id <= 0 || jar.session.len == 0)
		return;
	if (!IT_CHECK(fixture_add() == 0, "the fixture could not be stored"))
		return;
	for (i = 0; i < NITEMS(visits); i++) {
		want[visits[i].site]++;
		for (k = 0; k < NITEMS(visits[i].ev) && visits[i].ev[k].name; k++)
			wantev[visits[i].site]++;
	}
	for (s = 0; s < S__MAX; s++) {
		n = db_int1(STMT_SESSIONS_OF, site_id[s], -1);
		IT_CHECK(n == want[s], "%s: %lld visits stored, want %lld", site_name[s], n, want[s]);
		n = db_int1(STMT_EVENTS_OF, site_id[s], -1);
		IT_CHECK(n == wantev[s], "%s: %lld events stored, want %lld", site_name[s], n,
		    wantev[s]);
	}
	fixture_ok = 1;
}

/* ----------------------------------------------------------- rollups */

/* The site's rolled-up last day (days since 1970), or -1 without rollups in its zone. */
static long long
through_of(enum site s)
{
	struct db_args a = DB_ARGS_INIT;
	long long v;

	db_arg_int(&a, site_id[s]);
	db_arg_strz(&a, site_tz[s]);
	v = it_db_int(db, STMT_STATE, &a, -1);
	db_args_free(&a);
	return v;
}

/* The raw phase must see no rollups of the fixture; the dev stack's rollup loop may race it. */
static void
test_raw_state(void)
{
	int s, raced = 0;

	for (s = 0; s < S__MAX; s++)
		if (through_of(s) >= 0)
			raced = 1;
	if (raced)
		printf("\nnote: a rollup pass (the dev stack's `trackrctl rollup --every`) reached "
		    "the fixture during the raw phase: some raw checks read rollups\n");
}

static void
check_rollup_row(enum stmt st, enum site s, const char *day, const long long *m)
{
	static const char *const names[6] = {
		"visitors", "visits", "pageviews", "bounces", "duration", "events",
	};
	struct db_args a = DB_ARGS_INIT;
	struct db_res res;
	int k, got = 0;

	db_arg_int(&a, site_id[s]);
	db_arg_strz(&a, day);
	if (db_select(db, db_stmt(db, st), &a, &res) == 0 && db_fetch(&res) == 1) {
		got = 1;
		for (k = 0; k < 6; k++)
			IT_CHECK(db_col_int(&res, (unsigned)k, -1) == m[k],
			    "%s %s %s: %s %lld, want %lld", st == STMT_DAY_ROW ? "rollup_days" :
			    "rollup_months", site_name[s], day, names[k],
			    db_col_int(&res, (unsigned)k, -1), m[k]);
	}
	db_res_free(&res);
	db_args_free(&a);
	IT_CHECK(got, "%s: no total row of %s %s", st == STMT_DAY_ROW ? "rollup_days" :
	    "rollup_months", site_name[s], day);
}

static void
test_rollup(void)
{
	/* The monthly rows: March and October of Berlin, sums of their days. */
	static const long long march[6] = { 9, 11, 19, 2 + 1, 30 + 3075 + 20, 2 + 24 + 2 };
	static const long long october[6] = { 5, 6, 9, 3, 460, 2 + 9 + 2 };
	long long last = utc_secs("2026-11-02") / 86400, t;
	size_t i;
	int s, ok;

	phase = "rollup";
	if (!fixture_ok)
		return;
	ok = it_rollup() == 0;
	if (!ok) {
		/* The dev stack's own rollup loop may have held a lock: once more. */
		sleep(2);
		ok = it_rollup() == 0;
	}
	if (!IT_CHECK(ok, "trackrctl rollup failed (TRACKR_CTL=%s)", S(getenv("TRACKR_CTL"))))
		return;
	for (s = 0; s < S__MAX; s++) {
		t = through_of(s);
		IT_CHECK(t >= last, "%s: rolled up through day %lld, want at least %lld (2026-11-02)",
		    site_name[s], t, last);
	}
	for (i = 0; i < NITEMS(day_rows); i++)
		check_rollup_row(STMT_DAY_ROW, day_rows[i].site, day_rows[i].day, day_rows[i].m);
	check_rollup_row(STMT_MONTH_ROW, S_BER, "2026-03-01", march);
	check_rollup_row(STMT_MONTH_ROW, S_BER, "2026-10-01", october);
}

/* ---------------------------------------------------------- overview */

/* The tile's value text under label, into out; 0 when there is none. */
static int
tile_of(const struct it_resp *r, const char *label, struct buf *out)
{
	struct buf l = BUF_INIT;
	const char *p = r->body.ptr, *next;
	int found = 0;

	while ((next = html_between(p, NULL, "<span class=\"tile-label\">", "</span>", &l)) != NULL) {
		p = next;
		if (strcmp(l.ptr, label) != 0)
			continue;
		found = html_between(p, NULL, "<span class=\"tile-value\">", "</span>", out) != NULL;
		break;
	}
	buf_release(&l);
	return found;
}

static void
check_tile(const struct it_resp *r, const char *what, const char *label, const char *want)
{
	struct buf v = BUF_INIT;

	if (IT_CHECK(tile_of(r, label, &v), "%s: no tile %s", what, label))
		IT_CHECK(strcmp(v.ptr, want) == 0, "%s: %s is %s, want %s", what, label, v.ptr,
		    want);
	buf_release(&v);
}

static void
test_overview(void)
{
	struct buf path = BUF_INIT, what = BUF_INIT, n = BUF_INIT;
	struct it_resp r;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(totals); i++) {
		const struct totals *t = &totals[i];

		dash_url(&path, t->site, "", t->from, t->to, t->f, 2, NULL);
		period_name(&what, t->site, t->from, t->to, t->f, 2);
		if (fetch(path.ptr, &r)) {
			buf_reset(&n);
			buf_addf(&n, "%lld", t->visitors);
			check_tile(&r, what.ptr, "Unique visitors", n.ptr);
			buf_reset(&n);
			buf_addf(&n, "%lld", t->visits);
			check_tile(&r, what.ptr, "Visits", n.ptr);
			buf_reset(&n);
			buf_addf(&n, "%lld", t->pageviews);
			check_tile(&r, what.ptr, "Page views", n.ptr);
			check_tile(&r, what.ptr, "Views per visit", t->vpv);
			check_tile(&r, what.ptr, "Bounce rate", t->bounce);
			check_tile(&r, what.ptr, "Visit duration", t->dur);
		}
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&what);
	buf_release(&n);
}

/* The overview's top list titled title: its table's cells. */
static int
top_list(const struct it_resp *r, const char *title, struct table *t)
{
	struct buf h = BUF_INIT;
	const char *p = r->body.ptr, *next, *end;
	int found = 0;

	memset(t, 0, sizeof(*t));
	while ((next = html_between(p, NULL, "<h2>", "</h2>", &h)) != NULL) {
		p = next;
		if (strcmp(h.ptr, title) != 0)
			continue;
		end = strstr(p, "</section>");
		table_read(p, end, t);
		found = 1;
		break;
	}
	buf_release(&h);
	return found;
}

/* The overview's top lists of the unfiltered breakdowns that have one. */
static void
test_top_lists(void)
{
	/* A list that is not its card's first tab is asked for by the card's parameter. */
	static const struct {
		const char	*slug, *title, *tab;
	} tops[] = {
		{ "pages", "Top pages", NULL }, { "sources", "Top sources", NULL },
		{ "countries", "Countries", NULL }, { "browsers", "Browsers", "&td=browsers" },
		{ "events", "Custom events", NULL },
	};
	struct buf path = BUF_INIT, what = BUF_INIT, label = BUF_INIT;
	struct it_resp r;
	struct table t;
	size_t i, k, j;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(breakdowns); i++) {
		const struct breakdown *b = &breakdowns[i];

		for (k = 0; k < NITEMS(tops); k++)
			if (strcmp(tops[k].slug, b->slug) == 0)
				break;
		if (k == NITEMS(tops) || b->f != NULL || b->prop != NULL)
			continue;
		dash_url(&path, b->site, "", b->from, b->to, NULL, 0, tops[k].tab);
		period_name(&what, b->site, b->from, b->to, NULL, 0);
		buf_addf(&what, " overview \"%s\"", tops[k].title);
		if (fetch(path.ptr, &r) &&
		    IT_CHECK(top_list(&r, tops[k].title, &t), "%s: no such list", what.ptr)) {
			for (j = 0; j < BD_ROWS && b->r[j].name != NULL; j++) {
				const struct row *w = &b->r[j];

				row_label(b->slug, w->name, 0, &label);
				IT_CHECK(strcmp(table_cell(&t, j, 0), label.ptr) == 0,
				    "%s row %zu: %s, want %s", what.ptr, j + 1, table_cell(&t, j, 0),
				    label.ptr);
				IT_CHECK(count_of(table_cell(&t, j, 1)) == w->visitors,
				    "%s row %s: visitors %s, want %lld", what.ptr, label.ptr,
				    table_cell(&t, j, 1), w->visitors);
				if (strcmp(b->slug, "events") == 0)
					IT_CHECK(count_of(table_cell(&t, j, 2)) == w->events,
					    "%s row %s: events %s, want %lld", what.ptr, label.ptr,
					    table_cell(&t, j, 2), w->events);
			}
			IT_CHECK(t.rows == j, "%s: %zu rows, want %zu", what.ptr, t.rows, j);
			table_free(&t);
		}
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&what);
	buf_release(&label);
}

/* --------------------------------------------------------- series */

/*
 * The chart's numbers from the table under it (one row per bucket of
 * the period: label, value, previous label, previous value): labels and
 * values.  Returns the number of buckets.
 */
static size_t
chart_points(const struct it_resp *r, struct buf *labels, long long *vals, size_t max)
{
	struct table t;
	size_t i;

	table_read(strstr(r->body.ptr, "class=\"series-table\""), NULL, &t);
	for (i = 0; i < t.rows && i < max; i++) {
		buf_reset(&labels[i]);
		buf_adds(&labels[i], table_cell(&t, i, 0));
		vals[i] = count_of(table_cell(&t, i, 1));
	}
	i = t.rows;
	table_free(&t);
	return i;
}

#define SERIES_MAX	64

/* The labels of a day's hour buckets, from the hour it skips and the one it repeats. */
static void
check_hours(const struct series *s, const struct buf *labels, size_t n, const char *what)
{
	struct buf want = BUF_INIT;
	size_t k = 0;
	int h, twice;

	for (h = 0; h < 24; h++) {
		if (h == s->gap)
			continue;
		for (twice = 0; twice <= (h == s->again); twice++, k++) {
			buf_reset(&want);
			buf_addf(&want, "%02d:00%s", h, twice ? " (2)" : "");
			if (k < n)
				IT_CHECK(strcmp(labels[k].ptr, want.ptr) == 0,
				    "%s: bucket %zu is %s, want %s", what, k, labels[k].ptr, want.ptr);
		}
	}
	IT_CHECK(k == s->n, "%s: the hours give %zu buckets, the table says %zu", what, k, s->n);
	buf_release(&want);
}

static void
test_series(void)
{
	static const char *const metrics[] = { "visitors", "visits", "pageviews" };
	struct buf path = BUF_INIT, what = BUF_INIT, extra = BUF_INIT;
	struct buf labels[SERIES_MAX];
	long long vals[SERIES_MAX], want;
	struct it_resp r;
	size_t i, m, k, j, n;

	if (!fixture_ok)
		return;
	for (k = 0; k < SERIES_MAX; k++)
		labels[k] = empty_buf;
	for (i = 0; i < NITEMS(series); i++) {
		const struct series *s = &series[i];

		for (m = 0; m < NITEMS(metrics); m++) {
			buf_reset(&extra);
			buf_addf(&extra, "&metric=%s", metrics[m]);
			dash_url(&path, s->site, "", s->from, s->to, NULL, 0, extra.ptr);
			period_name(&what, s->site, s->from, s->to, NULL, 0);
			buf_addf(&what, " chart of %s", metrics[m]);
			if (fetch(path.ptr, &r)) {
				n = chart_points(&r, labels, vals, SERIES_MAX);
				IT_CHECK(n == s->n, "%s: %zu buckets, want %zu", what.ptr, n, s->n);
				if (s->gap != -2)
					check_hours(s, labels, n, what.ptr);
				for (k = 0; k < n && k < SERIES_MAX; k++) {
					want = 0;
					for (j = 0; j < NITEMS(s->b) && s->b[j].label != NULL; j++) {
						if (s->b[j].i != k)
							continue;
						IT_CHECK(strcmp(labels[k].ptr, s->b[j].label) == 0,
						    "%s: bucket %zu is %s, want %s", what.ptr, k,
						    labels[k].ptr, s->b[j].label);
						want = m == 0 ? s->b[j].visitors : m == 1 ?
						    s->b[j].visits : s->b[j].pageviews;
					}
					IT_CHECK(vals[k] == want, "%s: bucket %zu (%s) is %lld, want %lld",
					    what.ptr, k, labels[k].ptr, vals[k], want);
				}
			}
			it_resp_free(&r);
		}
	}
	for (k = 0; k < SERIES_MAX; k++)
		buf_release(&labels[k]);
	buf_release(&path);
	buf_release(&what);
	buf_release(&extra);
}

/* -------------------------------------------------------- breakdowns */

/* The export's bounce rate: percent with one decimal. */
static double
want_bounce_rate(const struct row *w)
{
	return w->visits ? round(1000.0 * (double)w->bounces / (double)w->visits) / 10.0 : 0;
}

/* The export's visit duration: the mean in whole seconds, halves up. */
static long long
want_duration(const struct row *w)
{
	return w->visits ? (w->duration + w->visits / 2) / w->visits : 0;
}

static int
is_kind(const char *slug, const char *k)
{
	return strcmp(slug, k) == 0;
}

/* A CSV number cell: v, or empty when want is -1. */
static void
check_csv_int(const struct csv *c, size_t rec, long col, long long want, const char *what,
    const char *name, const char *colname)
{
	const char *f = csv_field(c, rec, (size_t)col);

	if (want < 0)
		IT_CHECK(*f == '\0', "%s %s: %s is \"%s\", want empty", what, name, colname, f);
	else
		IT_CHECK(count_of(f) == want && strchr(f, ',') == NULL,
		    "%s %s: %s is \"%s\", want %lld", what, name, colname, f, want);
}

static void
check_export(const struct breakdown *b, const char *what)
{
	struct buf path = BUF_INIT, sub = BUF_INIT, name = BUF_INIT, extra = BUF_INIT;
	const char *const f[1] = { b->f };
	struct it_resp r;
	struct csv c;
	long cprop, cname, cvis, cvs, cpv, cbr, cdu, cev;
	size_t j;
	char *end;
	double br;
	int props = is_kind(b->slug, "props");

	buf_addf(&sub, "/%s.csv", b->slug);
	if (b->prop != NULL) {
		buf_adds(&extra, "&prop=");
		buf_add_url(&extra, b->prop, strlen(b->prop));
	}
	dash_url(&path, b->site, sub.ptr, b->from, b->to, f, 1, extra.len ? extra.ptr : NULL);
	if (!fetch(path.ptr, &r))
		goto out;
	csv_read(r.body.ptr, r.body.len, &c);
	cprop = csv_col(&c, "property");
	cname = csv_col(&c, "name");
	cvis = csv_col(&c, "visitors");
	cvs = csv_col(&c, "visits");
	cpv = csv_col(&c, "pageviews");
	cbr = csv_col(&c, "bounce_rate");
	cdu = csv_col(&c, "visit_duration");
	cev = csv_col(&c, "events");
	if (!IT_CHECK(!c.ragged && cname >= 0 && cvis >= 0 && cvs >= 0 && cpv >= 0 && cbr >= 0 &&
	    cdu >= 0 && cev >= 0 && (!props || cprop >= 0),
	    "%s CSV: unexpected header or rows: %.300s", what, r.body.ptr))
		goto free;
	for (j = 0; j < BD_ROWS && b->r[j].name != NULL; j++) {
		const struct row *w = &b->r[j];
		const char *sep = strchr(w->name, '\x1f');

		buf_reset(&name);
		if (props && sep != NULL) {
			buf_add(&name, w->name, (size_t)(sep - w->name));
			IT_CHECK(strcmp(csv_field(&c, j + 1, (size_t)cprop), name.ptr) == 0,
			    "%s CSV row %zu: property %s, want %s", what, j + 1,
			    csv_field(&c, j + 1, (size_t)cprop), name.ptr);
			buf_reset(&name);
			buf_adds(&name, sep + 1);
		} else
			buf_adds(&name, w->name);
		if (!IT_CHECK(strcmp(csv_field(&c, j + 1, (size_t)cname), name.ptr) == 0,
		    "%s CSV row %zu: name \"%s\", want \"%s\"", what, j + 1,
		    csv_field(&c, j + 1, (size_t)cname), name.ptr))
			continue;
		check_csv_int(&c, j + 1, cvis, w->visitors, what, name.ptr, "visitors");
		check_csv_int(&c, j + 1, cvs, w->visits, what, name.ptr, "visits");
		check_csv_int(&c, j + 1, cpv, w->pageviews, what, name.ptr, "pageviews");
		check_csv_int(&c, j + 1, cdu, w->duration < 0 ? -1 : want_duration(w), what,
		    name.ptr, "visit_duration");
		check_csv_int(&c, j + 1, cev, w->events, what, name.ptr, "events");
		br = strtod(csv_field(&c, j + 1, (size_t)cbr), &end);
		IT_CHECK(*end == '\0' && fabs(br - want_bounce_rate(w)) < 0.001,
		    "%s %s: bounce_rate %s, want %.1f", what, name.ptr,
		    csv_field(&c, j + 1, (size_t)cbr), want_bounce_rate(w));
	}
	IT_CHECK(c.rows == j + 1, "%s CSV: %zu rows, want %zu", what, c.rows ? c.rows - 1 : 0, j);
free:
	csv_free(&c);
out:
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&sub);
	buf_release(&name);
	buf_release(&extra);
}

/*
 * The report page: labels, and the columns by their headings (report.c:
 * pages Visitors, Page views, Visits; visit columns Visitors, Visits,
 * Page views; custom events Conversions, Events; properties Visitors,
 * Events).
 */
static void
check_report(const struct breakdown *b, const char *what)
{
	struct buf path = BUF_INIT, sub = BUF_INIT, label = BUF_INIT, extra = BUF_INIT;
	const char *const f[1] = { b->f };
	const char *heads[3], *tab;
	struct it_resp r;
	struct table t;
	long long want[3];
	long col[3];
	size_t j, k;
	int props = is_kind(b->slug, "props"), events = is_kind(b->slug, "events");

	if (props && b->prop == NULL)
		return;		/* the page shows one property at a time */
	buf_addf(&sub, "/%s", b->slug);
	if (b->prop != NULL) {
		buf_adds(&extra, "&prop=");
		buf_add_url(&extra, b->prop, strlen(b->prop));
	}
	dash_url(&path, b->site, sub.ptr, b->from, b->to, f, 1, extra.len ? extra.ptr : NULL);
	if (!fetch(path.ptr, &r))
		goto out;
	heads[0] = events ? "Conversions" : "Visitors";
	heads[1] = events || props ? "Events" : "Visits";
	heads[2] = events || props ? NULL : "Page views";
	tab = strstr(r.body.ptr, "report-table\"");
	for (k = 0; k < 3; k++)
		col[k] = heads[k] ? table_col(tab, heads[k]) : -1;
	table_read(tab, NULL, &t);
	for (j = 0; j < BD_ROWS && b->r[j].name != NULL; j++) {
		const struct row *w = &b->r[j];

		row_label(b->slug, w->name, props, &label);
		IT_CHECK(strcmp(table_cell(&t, j, 0), label.ptr) == 0,
		    "%s page row %zu: %s, want %s", what, j + 1, table_cell(&t, j, 0), label.ptr);
		want[0] = w->visitors;
		want[1] = events || props ? w->events : w->visits;
		want[2] = w->pageviews;
		for (k = 0; k < 3; k++) {
			if (heads[k] == NULL)
				continue;
			if (!IT_CHECK(col[k] > 0, "%s page: no column %s", what, heads[k]))
				continue;
			IT_CHECK(count_of(table_cell(&t, j, (size_t)col[k])) == want[k],
			    "%s page row %s: %s %s, want %lld", what, label.ptr, heads[k],
			    table_cell(&t, j, (size_t)col[k]), want[k]);
		}
	}
	IT_CHECK(t.rows == j, "%s page: %zu rows, want %zu", what, t.rows, j);
	table_free(&t);
out:
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&sub);
	buf_release(&label);
	buf_release(&extra);
}

static void
test_breakdowns(void)
{
	struct buf what = BUF_INIT;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(breakdowns); i++) {
		const struct breakdown *b = &breakdowns[i];
		const char *const f[1] = { b->f };

		period_name(&what, b->site, b->from, b->to, f, 1);
		buf_addf(&what, " /%s", b->slug);
		if (b->prop != NULL)
			buf_addf(&what, "?prop=%s", b->prop);
		check_report(b, what.ptr);
		check_export(b, what.ptr);
	}
	buf_release(&what);
}

/* ------------------------------------------------------ goals, funnels */

/* What goals.c calls a goal: "Visit /pricing", "Event: Signup". */
static void
goal_label(enum goal g, struct buf *out)
{
	buf_reset(out);
	buf_adds(out, strcmp(goal_def[g].kind, "event") == 0 ? "Event: " : "Visit ");
	buf_adds(out, goal_def[g].target);
}

static void
test_goals(void)
{
	static const char *const heads[3] = { "Unique conversions", "Total conversions",
	    "Conversion rate" };
	static const enum goal steps[3] = { G_HOME, G_PRICING, G_SIGNUP };
	struct buf path = BUF_INIT, what = BUF_INIT, label = BUF_INIT, extra = BUF_INIT;
	struct it_resp r;
	struct table t;
	const char *tab;
	long col[3];
	size_t i, k;
	int g;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(goal_exps); i++) {
		const struct goal_exp *e = &goal_exps[i];

		period_name(&what, S_BER, e->from, e->to, NULL, 0);
		dash_url(&path, S_BER, "/goals", e->from, e->to, NULL, 0, NULL);
		if (fetch(path.ptr, &r)) {
			tab = strstr(r.body.ptr, "goal-table\"");
			for (k = 0; k < 3; k++)
				IT_CHECK((col[k] = table_col(tab, heads[k])) > 0,
				    "%s goals: no column %s", what.ptr, heads[k]);
			table_read(tab, NULL, &t);
			IT_CHECK(t.rows == G__MAX, "%s goals: %zu rows, want %d", what.ptr, t.rows,
			    G__MAX);
			/* In the order they were made (goal ids). */
			for (g = 0; g < G__MAX && col[0] > 0 && col[1] > 0 && col[2] > 0; g++) {
				goal_label((enum goal)g, &label);
				IT_CHECK(strstr(table_cell(&t, (size_t)g, 0), label.ptr) != NULL,
				    "%s goals row %d: %s, want %s", what.ptr, g + 1,
				    table_cell(&t, (size_t)g, 0), label.ptr);
				IT_CHECK(count_of(table_cell(&t, (size_t)g, (size_t)col[0])) ==
				    e->g[g][0], "%s goal %s: %s %s, want %lld", what.ptr, label.ptr,
				    heads[0], table_cell(&t, (size_t)g, (size_t)col[0]), e->g[g][0]);
				IT_CHECK(count_of(table_cell(&t, (size_t)g, (size_t)col[1])) ==
				    e->g[g][2], "%s goal %s: %s %s, want %lld", what.ptr, label.ptr,
				    heads[1], table_cell(&t, (size_t)g, (size_t)col[1]), e->g[g][2]);
				IT_CHECK(strcmp(table_cell(&t, (size_t)g, (size_t)col[2]), e->cr[g]) == 0,
				    "%s goal %s: %s %s, want %s", what.ptr, label.ptr, heads[2],
				    table_cell(&t, (size_t)g, (size_t)col[2]), e->cr[g]);
			}
			table_free(&t);
		}
		it_resp_free(&r);

		buf_reset(&extra);
		buf_addf(&extra, "&funnel=%lld", funnel_id);
		dash_url(&path, S_BER, "/funnels", e->from, e->to, NULL, 0, extra.ptr);
		if (fetch(path.ptr, &r)) {
			tab = strstr(r.body.ptr, "funnel-table\"");
			IT_CHECK((col[0] = table_col(tab, "Visitors")) > 0,
			    "%s funnel: no column Visitors", what.ptr);
			table_read(tab, NULL, &t);
			IT_CHECK(t.rows == 3, "%s funnel: %zu steps, want 3", what.ptr, t.rows);
			for (k = 0; k < 3 && col[0] > 0; k++) {
				goal_label(steps[k], &label);
				IT_CHECK(strstr(table_cell(&t, k, 0), label.ptr) != NULL ||
				    strstr(table_cell(&t, k, 1), label.ptr) != NULL,
				    "%s funnel step %zu: %s, want %s", what.ptr, k + 1,
				    table_cell(&t, k, 0), label.ptr);
				IT_CHECK(count_of(table_cell(&t, k, (size_t)col[0])) == e->funnel[k],
				    "%s funnel step %zu (%s): %s visitors, want %lld", what.ptr, k + 1,
				    label.ptr, table_cell(&t, k, (size_t)col[0]), e->funnel[k]);
			}
			table_free(&t);
		}
		it_resp_free(&r);
	}
	buf_release(&path);
	buf_release(&what);
	buf_release(&label);
	buf_release(&extra);
}

/* ---------------------------------------------------------------- API */

/* GET /api/v1/stats/<ep>?site_id=<site>&<period>[&f=..]<extra> with the fixture's key. */
static json_object *
api_get(const char *ep, enum site s, const char *from, const char *to, const char *const *f,
    size_t nf, const char *extra, const char *what)
{
	struct buf path = BUF_INIT, auth = BUF_INIT, spec = BUF_INIT;
	struct it_req rq;
	struct it_resp r;
	json_object *j = NULL;
	size_t i;

	buf_addf(&path, "/api/v1/stats/%s?site_id=%lld&", ep, site_id[s]);
	if (from == NULL)
		buf_adds(&path, "period=all");
	else
		buf_addf(&path, "period=custom&from=%s&to=%s", from, to);
	for (i = 0; i < nf && f[i] != NULL; i++) {
		filter_spec(f[i], &spec);
		buf_adds(&path, "&f=");
		buf_add_url(&path, spec.ptr, spec.len);
	}
	if (extra != NULL)
		buf_adds(&path, extra);
	buf_addf(&auth, "Authorization: Bearer %s", api_key);
	memset(&rq, 0, sizeof(rq));
	rq.path = path.ptr;
	rq.iface = iface;
	rq.extra[0] = auth.ptr;
	(void)it_http(&rq, &r);
	if (IT_CHECK(r.status == 200, "%s: GET %s: status %ld, %.200s", what, path.ptr, r.status,
	    r.body.ptr ? r.body.ptr : ""))
		IT_CHECK((j = it_json(&r)) != NULL, "%s: GET %s: not JSON", what, path.ptr);
	it_resp_free(&r);
	buf_release(&path);
	buf_release(&auth);
	buf_release(&spec);
	return j;
}

/* Member key of o as an integer (-1 when missing or not a number). */
static long long
jint(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
		return -1;
	return json_object_get_int64(v);
}

static double
jdouble(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
		return -1;
	return json_object_get_double(v);
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *
jget(json_object *o, const char *key)
{
	json_object *v;

	return o != NULL && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Round half away from zero to d decimals, as api.c writes rates. */
static double
round_to(double v, int d)
{
	double k = d == 1 ? 10 : 100;

	return round(v * k) / k;
}

static void
check_jnum(json_object *o, const char *key, double want, const char *what, const char *row)
{
	double v = jdouble(o, key);

	IT_CHECK(fabs(v - want) < 0.0001, "%s %s: %s is %g, want %g", what, row, key, v, want);
}

/* The aggregate of every totals line: every metric, exactly. */
static void
test_api_aggregate(void)
{
	struct buf what = BUF_INIT;
	json_object *j, *res;
	size_t i;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(totals); i++) {
		const struct totals *t = &totals[i];

		period_name(&what, t->site, t->from, t->to, t->f, 2);
		buf_adds(&what, " API aggregate");
		if ((j = api_get("aggregate", t->site, t->from, t->to, t->f, 2, NULL,
		    what.ptr)) == NULL)
			continue;
		res = jget(j, "results");
		check_jnum(jget(res, "visitors"), "value", (double)t->visitors, what.ptr, "visitors");
		check_jnum(jget(res, "visits"), "value", (double)t->visits, what.ptr, "visits");
		check_jnum(jget(res, "pageviews"), "value", (double)t->pageviews, what.ptr,
		    "pageviews");
		check_jnum(jget(res, "views_per_visit"), "value",
		    round_to((double)t->pageviews / (double)t->visits, 2), what.ptr,
		    "views_per_visit");
		check_jnum(jget(res, "bounce_rate"), "value",
		    round_to(100.0 * (double)t->bounces / (double)t->visits, 1), what.ptr,
		    "bounce_rate");
		check_jnum(jget(res, "visit_duration"), "value",
		    round((double)t->duration / (double)t->visits), what.ptr, "visit_duration");
		json_object_put(j);
	}
	buf_release(&what);
}

/* The timeseries of every series line: bucket count, labels, numbers. */
static void
test_api_timeseries(void)
{
	struct buf what = BUF_INIT, lab = BUF_INIT;
	json_object *j, *res, *b;
	long long want[3];
	size_t i, k, n, m;
	int hour, twice;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(series); i++) {
		const struct series *s = &series[i];

		period_name(&what, s->site, s->from, s->to, NULL, 0);
		buf_adds(&what, " API timeseries");
		if ((j = api_get("timeseries", s->site, s->from, s->to, NULL, 0, NULL,
		    what.ptr)) == NULL)
			continue;
		res = jget(j, "results");
		n = res && json_object_is_type(res, json_type_array) ?
		    json_object_array_length(res) : 0;
		IT_CHECK(n == s->n, "%s: %zu buckets, want %zu", what.ptr, n, s->n);
		/* Hours, else days ("2026-03-28") or months ("2026-03") by the labels. */
		IT_CHECK(jstr(j, "interval") != NULL && strcmp(jstr(j, "interval"),
		    s->gap != -2 ? "hour" : strlen(s->b[0].label) == 10 ? "day" : "month") == 0,
		    "%s: interval %s", what.ptr, S(jstr(j, "interval")));
		hour = 0;
		twice = 0;
		for (k = 0; k < n; k++) {
			b = json_object_array_get_idx(res, k);
			want[0] = want[1] = want[2] = 0;
			for (m = 0; m < NITEMS(s->b) && s->b[m].label != NULL; m++)
				if (s->b[m].i == k) {
					IT_CHECK(jstr(b, "date") && strcmp(jstr(b, "date"),
					    s->b[m].label) == 0, "%s: bucket %zu is %s, want %s",
					    what.ptr, k, S(jstr(b, "date")), s->b[m].label);
					want[0] = s->b[m].visitors;
					want[1] = s->b[m].visits;
					want[2] = s->b[m].pageviews;
				}
			if (s->gap != -2) {
				/* Every hour's label, as check_hours() walks them. */
				if (hour == s->gap)
					hour++;
				buf_reset(&lab);
				buf_addf(&lab, "%02d:00%s", hour, twice ? " (2)" : "");
				IT_CHECK(jstr(b, "date") && strcmp(jstr(b, "date"), lab.ptr) == 0,
				    "%s: bucket %zu is %s, want %s", what.ptr, k, S(jstr(b, "date")),
				    lab.ptr);
				if (hour == s->again && !twice)
					twice = 1;
				else {
					twice = 0;
					hour++;
				}
			}
			IT_CHECK(jint(b, "visitors") == want[0] && jint(b, "visits") == want[1] &&
			    jint(b, "pageviews") == want[2],
			    "%s: bucket %zu (%s): %lld visitors, %lld visits, %lld views; want "
			    "%lld, %lld, %lld", what.ptr, k, S(jstr(b, "date")), jint(b, "visitors"),
			    jint(b, "visits"), jint(b, "pageviews"), want[0], want[1], want[2]);
		}
		json_object_put(j);
	}
	buf_release(&what);
	buf_release(&lab);
}

/* The API's name of a report's dimension (dims.c keys). */
static const char *
dim_key_of(const char *slug)
{
	static const struct {
		const char	*slug, *key;
	} map[] = {
		{ "pages", "page" }, { "entry-pages", "entry_page" }, { "sources", "source" },
		{ "countries", "country" }, { "browsers", "browser" },
		{ "browser-versions", "browser_version" }, { "events", "event" },
		{ "props", "prop" },
	};
	size_t i;

	for (i = 0; i < NITEMS(map); i++)
		if (strcmp(map[i].slug, slug) == 0)
			return map[i].key;
	return NULL;
}

/* Every breakdown line through the API, and the goals' conversions. */
static void
test_api_breakdown(void)
{
	struct buf what = BUF_INIT, extra = BUF_INIT, name = BUF_INIT, row = BUF_INIT;
	json_object *j, *res, *o;
	const char *key, *sep, *v;
	size_t i, k, n;
	int props, pages, conv, g;

	if (!fixture_ok)
		return;
	for (i = 0; i < NITEMS(breakdowns); i++) {
		const struct breakdown *b = &breakdowns[i];
		const char *const f[1] = { b->f };

		if ((key = dim_key_of(b->slug)) == NULL)
			continue;
		props = strcmp(key, "prop") == 0;
		pages = strcmp(key, "page") == 0;
		conv = props || strcmp(key, "event") == 0;
		period_name(&what, b->site, b->from, b->to, f, 1);
		buf_addf(&what, " API breakdown %s", key);
		buf_reset(&extra);
		buf_addf(&extra, "&property=%s", key);
		if (b->prop != NULL) {
			buf_adds(&extra, "&prop=");
			buf_add_url(&extra, b->prop, strlen(b->prop));
		}
		if ((j = api_get("breakdown", b->site, b->from, b->to, f, 1, extra.ptr,
		    what.ptr)) == NULL)
			continue;
		res = jget(j, "results");
		n = res && json_object_is_type(res, json_type_array) ?
		    json_object_array_length(res) : 0;
		for (k = 0; k < BD_ROWS && b->r[k].name != NULL; k++) {
			const struct row *w = &b->r[k];

			o = k < n ? json_object_array_get_idx(res, k) : NULL;
			buf_reset(&name);
			if (props) {
				sep = strchr(w->name, '\x1f');
				buf_add(&name, w->name, (size_t)(sep - w->name));
				v = jstr(o, "prop");
				if (!IT_CHECK(v && strcmp(v, name.ptr) == 0, "%s row %zu: prop %s, "
				    "want %s", what.ptr, k + 1, S(v), name.ptr))
					continue;
				buf_reset(&name);
				buf_adds(&name, sep + 1);
				v = jstr(o, "value");
			} else {
				buf_adds(&name, w->name);
				v = jstr(o, key);
			}
			if (!IT_CHECK(v && strcmp(v, name.ptr) == 0, "%s row %zu: %s, want %s",
			    what.ptr, k + 1, S(v), name.ptr))
				continue;
			buf_reset(&row);
			buf_addf(&row, "\"%s\"", name.ptr);
			check_jnum(o, "visitors", (double)w->visitors, what.ptr, row.ptr);
			check_jnum(o, "visits", (double)w->visits, what.ptr, row.ptr);
			if (w->pageviews >= 0)
				check_jnum(o, "pageviews", (double)w->pageviews, what.ptr, row.ptr);
			if (!conv)
				check_jnum(o, "bounce_rate",
				    round_to(100.0 * (double)w->bounces / (double)w->visits, 1),
				    what.ptr, row.ptr);
			if (w->duration >= 0)
				check_jnum(o, "visit_duration",
				    round((double)w->duration / (double)w->visits), what.ptr, row.ptr);
			if (!pages)
				check_jnum(o, "events", (double)w->events, what.ptr, row.ptr);
		}
		IT_CHECK(n == k, "%s: %zu rows, want %zu", what.ptr, n, k);
		json_object_put(j);
	}

	/* Goals, sorted by visitors (ties by id): the same numbers as the goals page. */
	for (i = 0; i < NITEMS(goal_exps); i++) {
		const struct goal_exp *e = &goal_exps[i];

		period_name(&what, S_BER, e->from, e->to, NULL, 0);
		buf_adds(&what, " API breakdown goal");
		if ((j = api_get("breakdown", S_BER, e->from, e->to, NULL, 0, "&property=goal",
		    what.ptr)) == NULL)
			continue;
		res = jget(j, "results");
		n = res && json_object_is_type(res, json_type_array) ?
		    json_object_array_length(res) : 0;
		IT_CHECK(n == G__MAX, "%s: %zu goals, want %d", what.ptr, n, G__MAX);
		for (k = 0; k < n; k++) {
			o = json_object_array_get_idx(res, k);
			for (g = 0; g < G__MAX; g++)
				if (goal_id[g] == jint(o, "goal_id"))
					break;
			if (!IT_CHECK(g < G__MAX, "%s row %zu: goal id %lld", what.ptr, k + 1,
			    jint(o, "goal_id")))
				continue;
			buf_reset(&row);
			buf_addf(&row, "goal %s", goal_def[g].target);
			check_jnum(o, "visitors", (double)e->g[g][0], what.ptr, row.ptr);
			check_jnum(o, "visits", (double)e->g[g][1], what.ptr, row.ptr);
			check_jnum(o, "events", (double)e->g[g][2], what.ptr, row.ptr);
			if (k > 0) {
				json_object *p = json_object_array_get_idx(res, k - 1);

				IT_CHECK(jint(p, "visitors") > jint(o, "visitors") ||
				    (jint(p, "visitors") == jint(o, "visitors") &&
				    jint(p, "goal_id") < jint(o, "goal_id")),
				    "%s: row %zu out of order", what.ptr, k + 1);
			}
		}
		json_object_put(j);
	}
	buf_release(&what);
	buf_release(&extra);
	buf_release(&name);
	buf_release(&row);
}

/* ------------------------------------------------------------ cleanup */

static void
test_cleanup(void)
{
	static const enum stmt dels[] = {
		STMT_DEL_EVENTS, STMT_DEL_SESSIONS, STMT_DEL_DAYS, STMT_DEL_MONTHS,
		STMT_DEL_STATE,
	};
	struct db_args a = DB_ARGS_INIT;
	const char *keep = getenv("TRACKR_KEEP");
	size_t k;
	int s;

	if (keep != NULL && strcmp(keep, "1") == 0) {
		printf("\nkept: %s, sites", email);
		for (s = 0; s < S__MAX; s++)
			printf(" %lld (%s)", site_id[s], site_tz[s]);
		printf("\n");
		return;
	}
	for (s = 0; s < S__MAX; s++) {
		if (site_id[s] <= 0)
			continue;
		for (k = 0; k < NITEMS(dels); k++) {
			db_args_reset(&a);
			db_arg_int(&a, site_id[s]);
			IT_CHECK(exec_stmt(dels[k], &a, NULL) == 0, "cleaning up site %lld",
			    site_id[s]);
		}
		db_args_reset(&a);
		db_arg_int(&a, site_id[s]);
		db_arg_int(&a, org_id);
		IT_CHECK(exec_stmt(STMT_DEL_SITE, &a, NULL) == 0, "deleting site %lld", site_id[s]);
	}
	if (key_id > 0) {
		db_args_reset(&a);
		db_arg_int(&a, key_id);
		db_arg_int(&a, org_id);
		IT_CHECK(exec_stmt(STMT_DEL_KEY, &a, NULL) == 0, "deleting api key %lld", key_id);
	}
	db_args_free(&a);
}

/* -------------------------------------------------------------- main */

static int
suite_init(void)
{
	char *p;

	it_token(rnd, 8);
	for (p = rnd; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = 'x';
	snprintf(email, sizeof(email), "dashboard-fixture-%s@example.com", rnd);
	jar.iface = iface;
	if ((db = it_db_open(&conf, stmts, STMT__MAX)) == NULL)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	it_jar_free(&jar);
	db_close(db);
	conf_free(&conf);
	return 0;
}

int
main(void)
{
	static const struct it_test tests[] = {
		{ "fixture: a user, four sites, goals, a funnel and 31 visits", test_fixture },
		{ "raw: no rollups yet", test_raw_state },
		{ "raw: overview tiles", test_overview },
		{ "raw: overview top lists", test_top_lists },
		{ "raw: series by hour, day and month", test_series },
		{ "raw: breakdown pages and CSV exports", test_breakdowns },
		{ "raw: goals and the funnel", test_goals },
		{ "raw: API aggregate", test_api_aggregate },
		{ "raw: API timeseries", test_api_timeseries },
		{ "raw: API breakdowns and goals", test_api_breakdown },
		{ "trackrctl rollup: rows of days and months", test_rollup },
		{ "rollup: overview tiles", test_overview },
		{ "rollup: overview top lists", test_top_lists },
		{ "rollup: series by hour, day and month", test_series },
		{ "rollup: breakdown pages and CSV exports", test_breakdowns },
		{ "rollup: goals and the funnel", test_goals },
		{ "rollup: API aggregate", test_api_aggregate },
		{ "rollup: API timeseries", test_api_timeseries },
		{ "rollup: API breakdowns and goals", test_api_breakdown },
		{ "the fixture is removed", test_cleanup },
	};
	unsigned r;

	log_init("test_dashboard", LOGL_ERR);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (crypt_random(&r, sizeof(r)) == -1)
		return 1;
	snprintf(iface, sizeof(iface), IFACE_FMT, 1 + r % 250);
	if (it_init() == -1)
		return 1;
	it_set_iface(iface);
	return it_run("dashboard", suite_init, suite_clean, tests, NITEMS(tests));
}
