/*
 * test_ua: CUnit suite for cgi/collect/ua.c, driven by real User-Agent
 * strings with the fields we expect; plus hostile input (empty, tiny,
 * 10 KB of garbage, unbalanced brackets) that must not crash or overrun.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "ua.h"

#define D	UA_DEVICE_DESKTOP
#define MOB	UA_DEVICE_MOBILE
#define TAB	UA_DEVICE_TABLET
#define UNK	UA_DEVICE_UNKNOWN

/* NULL expectations are not checked; -1 for device skips it. */
struct ua_case {
	const char	*ua;
	const char	*browser;
	const char	*bver;
	const char	*os;
	const char	*osver;
	int		 device;
	int		 bot;
};

static const struct ua_case browsers[] = {
	/* Chrome everywhere */
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	  "Chrome", "120.0", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	  "Chrome", "120.0", "macOS", "10.15", D, 0 },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	  "Chrome", "120.0", "Linux", "", D, 0 },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
	  "Chrome", "120.0", "Android", "10", MOB, 0 },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	  "Chrome", "120.0", "Android", "10", TAB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
	  "Chrome", "120.0", "iOS", "17.2", MOB, 0 },
	{ "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	  "Chrome", "120.0", "Chrome OS", "", D, 0 },
	{ "Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
	  "Chrome", "109.0", "Windows", "8.1", D, 0 },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/79.0.3945.79 Chrome/79.0.3945.79 Safari/537.36",
	  "Chromium", "79.0", "Linux", "", D, 0 },
	/* A Cubot phone is not a robot. */
	{ "Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
	  "Chrome", "120.0", "Android", "11", MOB, 0 },

	/* Edge */
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
	  "Edge", "120.0", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.77",
	  "Edge", "120.0", "macOS", "10.15", D, 0 },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.0.0",
	  "Edge", "120.0", "Android", "10", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15",
	  "Edge", "120.2210", "iOS", "17.2", MOB, 0 },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045",
	  "Edge", "18.19045", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
	  "Edge", "15.15063", "Windows Phone", "10.0", MOB, 0 },

	/* Firefox */
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
	  "Firefox", "121.0", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
	  "Firefox", "121.0", "macOS", "10.15", D, 0 },
	{ "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
	  "Firefox", "121.0", "Linux", "", D, 0 },
	{ "Mozilla/5.0 (X11; FreeBSD amd64; rv:121.0) Gecko/20100101 Firefox/121.0",
	  "Firefox", "121.0", "FreeBSD", "", D, 0 },
	{ "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
	  "Firefox", "121.0", "Android", "14", MOB, 0 },
	{ "Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0",
	  "Firefox", "121.0", "Android", "13", TAB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
	  "Firefox", "121.0", "iOS", "17.2", MOB, 0 },
	{ "Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
	  "Firefox", "48.0", "KaiOS", "2.5", MOB, 0 },

	/* Safari; an iPad on iPadOS 13+ sends the macOS string: desktop */
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
	  "Safari", "17.2", "macOS", "10.15", D, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
	  "Safari", "17.2", "iOS", "17.2", MOB, 0 },
	{ "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
	  "Safari", "16.6", "iPadOS", "16.6", TAB, 0 },
	{ "Mozilla/5.0 (iPod touch; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1",
	  "Safari", "15.6", "iOS", "15.7", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	  "Safari (in-app)", "", "iOS", "17.2", MOB, 0 },

	/* Chromium-based, each claiming Chrome and Safari too */
	{ "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
	  "Samsung Internet", "23.0", "Android", "13", MOB, 0 },
	{ "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
	  "Samsung Internet", "23.0", "Android", "13", TAB, 0 },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
	  "Opera", "106.0", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 OPR/79.0.4195.76592",
	  "Opera", "79.0", "Android", "10", MOB, 0 },
	{ "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16",
	  "Opera Mini", "36.2", "Android", "", MOB, 0 },
	{ "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
	  "Opera", "12.18", "Windows", "7", D, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 15_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.0 OPT/3.3.3 Mobile/15E148 Safari/605.1.15",
	  "Opera", "3.3", "iOS", "15.6", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 Mobile/16C101 Safari/9537.53",
	  "Opera", "16.0", "iOS", "12.1", MOB, 0 },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 Safari/537.36",
	  "Yandex Browser", "23.11", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Linux; U; Android 10; en-US; RMX1911 Build/QKQ1.200209.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36",
	  "UC Browser", "13.4", "Android", "10", MOB, 0 },
	{ "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/57.0.2987.108 UBrowser/7.0.185.1002 Safari/537.36",
	  "UC Browser", "7.0", "Windows", "10", D, 0 },
	{ "Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
	  "Huawei Browser", "14.0", "Android", "10", MOB, 0 },
	{ "Mozilla/5.0 (Linux; U; Android 13; en-gb; 2201117TG Build/TKQ1.221114.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile Safari/537.36 XiaoMi/MiuiBrowser/14.4.0-g",
	  "MIUI Browser", "14.4", "Android", "13", MOB, 0 },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Vivaldi/6.5.3206.48",
	  "Vivaldi", "6.5", "Linux", "", D, 0 },
	{ "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile DuckDuckGo/5 Safari/537.36",
	  "DuckDuckGo", "5", "Android", "14", MOB, 0 },
	{ "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like Chrome/120.0.6099.115 Safari/537.36",
	  "Amazon Silk", "120.3", "Android", "9", TAB, 0 },

	{ "Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 Safari/531.2+ Kindle/3.0+",
	  "Safari", "5.0", "Linux", "", TAB, 0 },

	/* Webviews and in-app browsers */
	{ "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36",
	  "Chrome Webview", "120.0", "Android", "13", MOB, 0 },
	{ "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/443.0.0.23.229;]",
	  "Facebook", "443.0", "Android", "13", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.45.111;FBBV/543147000;FBDV/iPhone14,2;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/545029044]",
	  "Facebook", "442.0", "iOS", "17.1", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,5; iOS 17_1_2; en_US; en; scale=3.00; 1170x2532; 538203155)",
	  "Instagram", "309.1", "iOS", "17.1", MOB, 0 },
	{ "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36 Instagram 310.0.0.37.328 Android (33/13; 480dpi; 1080x2176; samsung; SM-G991B; o1s; exynos2100; en_US; 541635890)",
	  "Instagram", "310.0", "Android", "13", MOB, 0 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/296.0.592453285 Mobile/15E148 Safari/604.1",
	  "Google App", "296.0", "iOS", "17.2", MOB, 0 },

	/* Internet Explorer */
	{ "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
	  "Internet Explorer", "11.0", "Windows", "7", D, 0 },
	{ "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
	  "Internet Explorer", "10.0", "Windows", "8", D, 0 },
};

static const struct ua_case bots[] = {
	{ "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	  "Chrome", "120.0", "Android", "6.0", MOB, 1 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 (Applebot/0.1; +http://www.apple.com/go/applebot)",
	  "Safari", "17.0", "iOS", "17.0", MOB, 1 },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36",
	  "Headless Chrome", "120.0", "Linux", "", D, 1 },
	{ "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Chrome-Lighthouse",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "curl/8.4.0", "", "", "", "", UNK, 1 },
	{ "Wget/1.21.4", NULL, NULL, NULL, NULL, -1, 1 },
	{ "python-requests/2.31.0", "", "", "", "", UNK, 1 },
	{ "Go-http-client/1.1", NULL, NULL, NULL, NULL, -1, 1 },
	{ "Go-http-client/2.0", NULL, NULL, NULL, NULL, -1, 1 },
	{ "okhttp/4.12.0", NULL, NULL, NULL, NULL, -1, 1 },
	{ "Java/17.0.2", NULL, NULL, NULL, NULL, -1, 1 },
	{ "libwww-perl/6.72", NULL, NULL, NULL, NULL, -1, 1 },
	{ "axios/1.6.2", NULL, NULL, NULL, NULL, -1, 1 },
	{ "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Apache-HttpClient/4.5.14 (Java/17.0.9)", NULL, NULL, NULL, NULL, -1, 1 },
	{ "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Twitterbot/1.0", NULL, NULL, NULL, NULL, -1, 1 },
	{ "WhatsApp/2.23.20.0 A", NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "TelegramBot (like TwitterBot)", NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ChatGPT-User/1.0; +https://openai.com/bot)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "CCBot/2.0 (https://commoncrawl.org/faq/)", NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
	  NULL, NULL, NULL, NULL, -1, 1 },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Google-InspectionTool/1.0",
	  NULL, NULL, NULL, NULL, -1, 1 },
	/* too short to be a browser */
	{ "Mozilla/5.0", "", "", "", "", UNK, 1 },
	{ "", "", "", "", "", UNK, 1 },
	{ "-", "", "", "", "", UNK, 1 },
};

static int
check(const struct ua_case *c, const struct ua_info *ui)
{
	int ok = 1;

#define FIELD(name, exp, got) do {					\
	if ((exp) != NULL && strcmp((exp), (got)) != 0) {		\
		fprintf(stderr, "\n  %s: want \"%s\", got \"%s\"\n"	\
		    "  in %s\n", name, (exp), (got), c->ua);		\
		ok = 0;							\
	}								\
} while (0)
	FIELD("browser", c->browser, ui->browser);
	FIELD("browser_version", c->bver, ui->browser_version);
	FIELD("os", c->os, ui->os);
	FIELD("os_version", c->osver, ui->os_version);
#undef FIELD
	if (c->device != -1 && c->device != (int)ui->device) {
		fprintf(stderr, "\n  device: want %s, got %s\n  in %s\n",
		    ua_device_name(c->device), ua_device_name(ui->device),
		    c->ua);
		ok = 0;
	}
	if (c->bot != ui->bot) {
		fprintf(stderr, "\n  bot: want %d, got %d\n  in %s\n",
		    c->bot, ui->bot, c->ua);
		ok = 0;
	}
	return ok;
}

static void
run_cases(const struct ua_case *cases, size_t n)
{
	struct ua_info ui;
	size_t i;

	for (i = 0; i < n; i++) {
		ua_parse(cases[i].ua, strlen(cases[i].ua), &ui);
		CU_ASSERT(check(&cases[i], &ui));
	}
}

static void
test_browsers(void)
{
	run_cases(browsers, sizeof(browsers) / sizeof(browsers[0]));
}

static void
test_bots(void)
{
	run_cases(bots, sizeof(bots) / sizeof(bots[0]));
}

static void
test_null(void)
{
	struct ua_info ui;

	ua_parse(NULL, 0, &ui);
	CU_ASSERT_EQUAL(ui.bot, 1);
	CU_ASSERT_STRING_EQUAL(ui.browser, "");
	CU_ASSERT_STRING_EQUAL(ui.os, "");
	CU_ASSERT_EQUAL(ui.device, UA_DEVICE_UNKNOWN);
	/* NULL with a length must not be read */
	ua_parse(NULL, 100, &ui);
	CU_ASSERT_EQUAL(ui.bot, 1);
}

/* The length is authoritative: no NUL terminator, embedded NULs. */
static void
test_length_bound(void)
{
	static const char full[] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
	static const char nul[] = "Mozilla/5.0 (X11; Linux x86_64)\0 Firefox/1";
	struct ua_info ui;
	char *p;
	size_t n = sizeof(full) - 1;

	p = malloc(n);	/* exactly n bytes: ASan catches a read past */
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, full, n);
	ua_parse(p, n, &ui);
	CU_ASSERT_STRING_EQUAL(ui.browser, "Firefox");
	CU_ASSERT_STRING_EQUAL(ui.browser_version, "121.0");
	/* cut inside the version: "Firefox/12" */
	ua_parse(p, n - 3, &ui);
	CU_ASSERT_STRING_EQUAL(ui.browser, "Firefox");
	CU_ASSERT_STRING_EQUAL(ui.browser_version, "12");
	free(p);

	/* a control byte is never sent by a browser */
	ua_parse(nul, sizeof(nul) - 1, &ui);
	CU_ASSERT_EQUAL(ui.bot, 1);
}

static void
test_versions(void)
{
	struct ua_info ui;
	const char *s;

	/* absurd version numbers are dropped, not truncated */
	s = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/12345678901234567890.0 Safari/537.36";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.browser, "Chrome");
	CU_ASSERT_STRING_EQUAL(ui.browser_version, "");
	s = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.12345678901234567890 Safari/537.36";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.browser_version, "120");
	s = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/ Safari/537.36";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.browser, "Chrome");
	CU_ASSERT_STRING_EQUAL(ui.browser_version, "");
	s = "Mozilla/5.0 (Windows NT 6.0; Win64; x64) Chrome/49.0 Safari/537.36";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.os, "Windows");
	CU_ASSERT_STRING_EQUAL(ui.os_version, "");	/* Vista */
	s = "Mozilla/5.0 (Linux; Android x.y; K) Chrome/120.0.0.0 Mobile Safari/537.36";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.os, "Android");
	CU_ASSERT_STRING_EQUAL(ui.os_version, "");
	/* an iPhone that does not say which iOS (found by fuzzing) */
	s = "Mozilla/5.0 (iPhone; CP UiPhone OS 15_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/605.1.15";
	ua_parse(s, strlen(s), &ui);
	CU_ASSERT_STRING_EQUAL(ui.os, "iOS");
	CU_ASSERT_STRING_EQUAL(ui.os_version, "");
	CU_ASSERT_EQUAL(ui.device, UA_DEVICE_MOBILE);
}

/* Every output field must be sane whatever the input. */
static int
sane(const struct ua_info *ui)
{
	const char *v[2] = { ui->browser_version, ui->os_version };
	size_t i, j;

	if (ui->browser == NULL || ui->os == NULL ||
	    (unsigned int)ui->device >= UA_DEVICE__MAX ||
	    (ui->bot != 0 && ui->bot != 1))
		return 0;
	for (i = 0; i < 2; i++) {
		if (memchr(v[i], '\0', 16) == NULL)
			return 0;
		for (j = 0; v[i][j] != '\0'; j++)
			if (!(v[i][j] == '.' ||
			    (v[i][j] >= '0' && v[i][j] <= '9')))
				return 0;
	}
	return 1;
}

static void
test_garbage(void)
{
	struct ua_info ui;
	char *p;
	size_t i, n = 10 * 1024, round;
	unsigned int seed = 12345;
	static const char alphabet[] = "()[]; /._0123456789ABCDEFMozilaChrome"
	    "SafariVersion Android iPhone CPU OS Windows NT Mac X";

	p = malloc(n);
	CU_ASSERT_FATAL(p != NULL);

	/* 10 KB of random bytes */
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = (char)(seed >> 16);
	}
	ua_parse(p, n, &ui);
	CU_ASSERT_EQUAL(ui.bot, 1);
	CU_ASSERT(sane(&ui));

	/* 10 KB of a printable letter: too long for a browser */
	memset(p, 'A', n);
	ua_parse(p, n, &ui);
	CU_ASSERT_EQUAL(ui.bot, 1);
	CU_ASSERT_STRING_EQUAL(ui.browser, "");

	/* unbalanced brackets, both ways */
	memset(p, '(', n);
	ua_parse(p, n, &ui);
	CU_ASSERT(sane(&ui));
	memset(p, ')', n);
	ua_parse(p, n, &ui);
	CU_ASSERT(sane(&ui));
	memset(p, '[', UA_MAX_LEN);
	ua_parse(p, UA_MAX_LEN, &ui);
	CU_ASSERT(sane(&ui));
	CU_ASSERT_EQUAL(ui.bot, 0);	/* odd, but nothing says bot */

	/* many tokens: the bounded arrays fill up without overflowing */
	for (i = 0; i + 10 < UA_MAX_LEN; i += 10)
		memcpy(p + i, "Chrome/1 (", 10);
	ua_parse(p, i, &ui);
	CU_ASSERT(sane(&ui));
	for (i = 0; i + 6 < UA_MAX_LEN; i += 6)
		memcpy(p + i, "1.1.1 ", 6);
	ua_parse(p, i, &ui);
	CU_ASSERT(sane(&ui));

	/* random mixes of UA vocabulary, every length up to the bound */
	for (round = 0; round < 2000; round++) {
		n = round % (UA_MAX_LEN + 2);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			p[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		ua_parse(p, n, &ui);
		CU_ASSERT(sane(&ui));
	}
	free(p);
}

static void
test_device_name(void)
{
	CU_ASSERT_STRING_EQUAL(ua_device_name(UA_DEVICE_UNKNOWN), "unknown");
	CU_ASSERT_STRING_EQUAL(ua_device_name(UA_DEVICE_DESKTOP), "desktop");
	CU_ASSERT_STRING_EQUAL(ua_device_name(UA_DEVICE_MOBILE), "mobile");
	CU_ASSERT_STRING_EQUAL(ua_device_name(UA_DEVICE_TABLET), "tablet");
	CU_ASSERT_STRING_EQUAL(ua_device_name(UA_DEVICE__MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(ua_device_name((enum ua_device)-1), "unknown");
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ua", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "real browsers", test_browsers) == NULL ||
	    CU_add_test(s, "bots and libraries", test_bots) == NULL ||
	    CU_add_test(s, "NULL input", test_null) == NULL ||
	    CU_add_test(s, "length is a bound", test_length_bound) == NULL ||
	    CU_add_test(s, "version extraction", test_versions) == NULL ||
	    CU_add_test(s, "garbage input", test_garbage) == NULL ||
	    CU_add_test(s, "device names", test_device_name) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
