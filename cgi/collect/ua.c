/*
 * ua: User-Agent classification with tokens instead of regular expressions.
 * A User-Agent is a list of products ("Chrome/120.0.0.0") mixed with
 * bracketed comments ("(Windows NT 10.0; Win64; x64)", "[FBAN/FBIOS;...]");
 * we split it once into bounded arrays, mark the tokens we know, then
 * decide by precedence, since every engine claims to be its ancestors.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ua.h"

#define UA_MAXTOK	24	/* products and marked comment items kept */
#define VER_DIGITS	6	/* longer version components are garbage */

/* Tokens we recognise among products and comment items, by exact name. */
enum mark {
	MK_CHROME,
	MK_CHROMIUM,
	MK_CRIOS,
	MK_HEADLESS,
	MK_FIREFOX,
	MK_FXIOS,
	MK_SAFARI,
	MK_VERSION,
	MK_MOBILE,
	MK_TABLET,
	MK_EDG,
	MK_EDGA,
	MK_EDGIOS,
	MK_EDGE,
	MK_OPR,
	MK_OPT,
	MK_OPIOS,
	MK_OPERA,
	MK_OPERAMINI,
	MK_SAMSUNG,
	MK_YANDEX,
	MK_UC,
	MK_VIVALDI,
	MK_SILK,
	MK_KINDLE,
	MK_GSA,
	MK_DDG,
	MK_INSTAGRAM,
	MK_FBAN,
	MK_FBIAB,
	MK_FBAV,
	MK_MIUI,
	MK_HUAWEI,
	MK_TRIDENT,
	MK_WV,
	MK__MAX
};

/*
 * Marker names by length, so a token is compared with a handful of names
 * of its own length only.  A name filed under the wrong length never
 * matches: the unit tests hold one User-Agent per marker.
 */
struct mk_name {
	const char	*name;
	enum mark	 mk;
};

static const struct mk_name mk_len2[] = {
	{ "wv", MK_WV },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len3[] = {
	{ "Edg", MK_EDG },
	{ "OPR", MK_OPR },
	{ "OPT", MK_OPT },
	{ "GSA", MK_GSA },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len4[] = {
	{ "EdgA", MK_EDGA },
	{ "Edge", MK_EDGE },
	{ "Silk", MK_SILK },
	{ "FBAN", MK_FBAN },
	{ "FBAV", MK_FBAV },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len5[] = {
	{ "CriOS", MK_CRIOS },
	{ "FxiOS", MK_FXIOS },
	{ "OPiOS", MK_OPIOS },
	{ "Opera", MK_OPERA },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len6[] = {
	{ "Chrome", MK_CHROME },
	{ "Safari", MK_SAFARI },
	{ "Mobile", MK_MOBILE },
	{ "EdgiOS", MK_EDGIOS },
	{ "Kindle", MK_KINDLE },
	{ "FB_IAB", MK_FBIAB },
	{ "Tablet", MK_TABLET },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len7[] = {
	{ "Version", MK_VERSION },
	{ "Firefox", MK_FIREFOX },
	{ "Vivaldi", MK_VIVALDI },
	{ "Trident", MK_TRIDENT },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len8[] = {
	{ "UBrowser", MK_UC },
	{ "Chromium", MK_CHROMIUM },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len9[] = {
	{ "YaBrowser", MK_YANDEX },
	{ "UCBrowser", MK_UC },
	{ "Instagram", MK_INSTAGRAM },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len10[] = {
	{ "Opera Mini", MK_OPERAMINI },
	{ "DuckDuckGo", MK_DDG },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len11[] = {
	{ "MiuiBrowser", MK_MIUI },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len13[] = {
	{ "HuaweiBrowser", MK_HUAWEI },
	{ NULL, MK__MAX }
};

static const struct mk_name mk_len14[] = {
	{ "SamsungBrowser", MK_SAMSUNG },
	{ "HeadlessChrome", MK_HEADLESS },
	{ NULL, MK__MAX }
};

static const struct mk_name *const marks[15] = {
	NULL, NULL, mk_len2, mk_len3, mk_len4, mk_len5,
	mk_len6, mk_len7, mk_len8, mk_len9, mk_len10,
	mk_len11, NULL, mk_len13, mk_len14,
};

/*
 * Browser precedence: the first marker present names the browser.  Edge,
 * Opera, Samsung, Yandex... all carry "Chrome" and "Safari" too, and
 * Chrome carries "Safari", so the specific ones come first; in-app
 * browsers come before the engine they embed.
 */
static const struct {
	enum mark	 mk;
	const char	*name;
} brules[] = {
	{ MK_HEADLESS,	"Headless Chrome" },
	{ MK_FBAN,	"Facebook" },
	{ MK_FBIAB,	"Facebook" },
	{ MK_INSTAGRAM,	"Instagram" },
	{ MK_EDG,	"Edge" },
	{ MK_EDGA,	"Edge" },
	{ MK_EDGIOS,	"Edge" },
	{ MK_EDGE,	"Edge" },
	{ MK_OPR,	"Opera" },
	{ MK_OPT,	"Opera" },
	{ MK_OPIOS,	"Opera" },
	{ MK_OPERAMINI,	"Opera Mini" },
	{ MK_OPERA,	"Opera" },
	{ MK_SAMSUNG,	"Samsung Internet" },
	{ MK_YANDEX,	"Yandex Browser" },
	{ MK_UC,	"UC Browser" },
	{ MK_VIVALDI,	"Vivaldi" },
	{ MK_MIUI,	"MIUI Browser" },
	{ MK_HUAWEI,	"Huawei Browser" },
	{ MK_SILK,	"Amazon Silk" },
	{ MK_DDG,	"DuckDuckGo" },
	{ MK_GSA,	"Google App" },
	{ MK_CRIOS,	"Chrome" },
	{ MK_FXIOS,	"Firefox" },
	{ MK_FIREFOX,	"Firefox" },
	{ MK_CHROMIUM,	"Chromium" },
	{ MK_CHROME,	"Chrome" },
};

/* Operating systems; when a User-Agent names several, the first wins. */
enum os {
	OS_WINPHONE,	/* also claims Android */
	OS_ANDROID,	/* also claims Linux */
	OS_IOS,
	OS_WINDOWS,
	OS_MACOS,
	OS_CHROMEOS,
	OS_KAIOS,
	OS_TIZEN,
	OS_LINUX,
	OS_FREEBSD,
	OS_OPENBSD,
	OS_NETBSD,
	OS__MAX
};

static const char *const os_names[OS__MAX] = {
	"Windows Phone", "Android", "iOS", "Windows", "macOS", "Chrome OS",
	"KaiOS", "Tizen", "Linux", "FreeBSD", "OpenBSD", "NetBSD",
};

static const char *const device_names[UA_DEVICE__MAX] = {
	"unknown", "desktop", "mobile", "tablet",
};

struct tok {
	const char	*name;
	size_t		 nlen;
	const char	*ver;	/* after the '/', or the next token ("Instagram 309.0") */
	size_t		 vlen;
};

struct scan {
	struct tok	 prod[UA_MAXTOK];
	size_t		 nprod;
	const struct tok *mk[MK__MAX];		/* first token with each marker */
	const char	*osver[OS__MAX];	/* version text after the OS name */
	size_t		 osvlen[OS__MAX];
	unsigned int	 os;			/* bit per enum os seen */
	const char	*msie, *rv;		/* "MSIE 10.0", "rv:11.0" */
	size_t		 msielen, rvlen;
	int		 ipad, iphone, kindle;
};

/*
 * Case-insensitive substrings that only non-browsers send.  Grouped by
 * first letter so one pass over the User-Agent does few comparisons.
 * Keep them specific: "slack-" (Slack-ImgProxy) but not "slack", which
 * the Slack desktop app sends.
 */
static const char *const kw_a[] = { "anthropic", "apis-google", "archiver",
	"axios", NULL };
static const char *const kw_b[] = { "bot", "bun/", NULL };
static const char *const kw_c[] = { "crawl", "curl", "cypress",
	"chatgpt-user", "claude-", "cohere-", "cardyb", "censys", NULL };
static const char *const kw_d[] = { "datadog", "dart:io", "deno/", NULL };
static const char *const kw_e[] = { "embedly", "expanse", NULL };
static const char *const kw_f[] = { "fetch", "feed", "facebookexternal",
	"facebookcatalog", NULL };
static const char *const kw_g[] = { "google-", "googleother", "gtmetrix",
	"guzzle", NULL };
static const char *const kw_h[] = { "http", "headless", NULL };
static const char *const kw_i[] = { "iframely", "indexer", "insomnia", NULL };
static const char *const kw_j[] = { "java/", "jakarta", NULL };
static const char *const kw_l[] = { "libwww", "lighthouse", "lwp-", NULL };
static const char *const kw_m[] = { "mediapartners", "meta-external",
	"monitor", "masscan", NULL };
static const char *const kw_n[] = { "nmap", "nikto", "nuclei", "newrelic",
	NULL };
static const char *const kw_p[] = { "python", "phantomjs", "puppeteer",
	"playwright", "pagespeed", "perl", "php/", "pingdom", "postman",
	"perplexity-", "preview", "prerender", "ptst/", NULL };
static const char *const kw_q[] = { "qwantify", NULL };
static const char *const kw_r[] = { "ruby", NULL };
static const char *const kw_s[] = { "spider", "slurp", "scrap", "selenium",
	"slack-", "statuscake", "site24x7", "scanner", "sqlmap", NULL };
static const char *const kw_u[] = { "uptime", "undici", NULL };
static const char *const kw_v[] = { "vkshare", "validator", NULL };
static const char *const kw_w[] = { "wget", "webdriver", "whatsapp", NULL };
static const char *const kw_y[] = { "yeti/", NULL };
static const char *const kw_z[] = { "zgrab", NULL };

static const char *const *const botkw[26] = {
	kw_a, kw_b, kw_c, kw_d, kw_e, kw_f, kw_g, kw_h, kw_i, kw_j, NULL,
	kw_l, kw_m, kw_n, NULL, kw_p, kw_q, kw_r, kw_s, NULL, kw_u, kw_v,
	kw_w, NULL, kw_y, kw_z,
};

/* ASCII lower case by table: the bot scan looks at every byte. */
#define LC(c)		((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c))
#define LC4(c)		LC(c), LC(c + 1), LC(c + 2), LC(c + 3)
#define LC16(c)		LC4(c), LC4(c + 4), LC4(c + 8), LC4(c + 12)
#define LC64(c)		LC16(c), LC16(c + 16), LC16(c + 32), LC16(c + 48)
static const unsigned char lower[256] = {
	LC64(0), LC64(64), LC64(128), LC64(192)
};
#undef LC64
#undef LC16
#undef LC4
#undef LC

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Does the n bytes at s start with the lower-case keyword kw, in any case? */
static int
ci_prefix(const char *s, size_t n, const char *kw)
{
	size_t i;

	for (i = 0; kw[i] != '\0'; i++)
		if (i == n || lower[(unsigned char)s[i]] != (unsigned char)kw[i])
			return 0;
	return 1;
}

/* Does the n bytes at s start with prefix, exactly? */
static int
has_prefix(const char *s, size_t n, const char *prefix, size_t plen)
{
	return n >= plen && memcmp(s, prefix, plen) == 0;
}
#define HAS_PREFIX(s, n, lit)	has_prefix(s, n, lit, sizeof(lit) - 1)

static int
bot_scan(const char *s, size_t n)
{
	const char *const *kw;
	size_t i;
	unsigned char c, next;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 1;
		c = lower[c];
		if (c < 'a' || c > 'z' || (kw = botkw[c - 'a']) == NULL)
			continue;
		/* keywords have 3 bytes or more: test the second one first */
		next = i + 1 < n ? lower[(unsigned char)s[i + 1]] : 0;
		for (; *kw != NULL; kw++) {
			if ((unsigned char)(*kw)[1] != next ||
			    !ci_prefix(s + i + 2, n - i - 2, *kw + 2))
				continue;
			/* Cubot is a phone maker, not a robot. */
			if (c == 'b' && i >= 2 &&
			    lower[(unsigned char)s[i - 2]] == 'c' &&
			    lower[(unsigned char)s[i - 1]] == 'u')
				continue;
			return 1;
		}
	}
	return 0;
}

/*
 * Copy "major[.minor]" from the version text at p into dst (16 bytes):
 * digits only, '_' read as '.' (Apple writes 10_15_7).  A component of
 * more than VER_DIGITS digits is garbage: no version, or no minor.
 */
static void
ver_copy(char *dst, const char *p, size_t n)
{
	size_t i, j, o;

	dst[0] = '\0';
	if (p == NULL)
		return;
	for (i = 0; i < n && i < VER_DIGITS && isdig(p[i]); i++)
		dst[i] = p[i];
	if (i == 0 || (i < n && isdig(p[i]))) {
		dst[0] = '\0';
		return;
	}
	o = i;
	if (i + 1 < n && (p[i] == '.' || p[i] == '_') && isdig(p[i + 1])) {
		for (j = i + 1; j < n && j - i - 1 < VER_DIGITS &&
		    isdig(p[j]); j++)
			;
		if (j == n || !isdig(p[j])) {
			dst[o++] = '.';
			memcpy(dst + o, p + i + 1, j - i - 1);
			o += j - i - 1;
		}
	}
	dst[o] = '\0';
}

/* Record t under its marker, if it has one; 1 if t is now that marker's. */
static int
mark(struct scan *sc, const struct tok *t)
{
	const struct mk_name *m;

	if (t->nlen >= sizeof(marks) / sizeof(marks[0]) ||
	    (m = marks[t->nlen]) == NULL)
		return 0;
	for (; m->name != NULL; m++)
		if (m->name[0] == t->name[0] &&
		    memcmp(m->name, t->name, t->nlen) == 0) {
			if (sc->mk[m->mk] != NULL)
				return 0;
			sc->mk[m->mk] = t;
			return 1;
		}
	return 0;
}

static void
split_tok(struct tok *t, const char *s, size_t n)
{
	const char *slash;

	t->name = s;
	t->nlen = n;
	t->ver = NULL;
	t->vlen = 0;
	if ((slash = memchr(s, '/', n)) != NULL) {
		t->nlen = slash - s;
		t->ver = slash + 1;
		t->vlen = n - t->nlen - 1;
	}
}

static void
os_seen(struct scan *sc, enum os os, const char *ver, size_t vlen)
{
	/* "Macintosh; Intel Mac OS X 10_15_7": keep the one with a version. */
	if ((sc->os & (1u << os)) && (sc->osver[os] != NULL || ver == NULL))
		return;
	sc->os |= 1u << os;
	sc->osver[os] = ver;
	sc->osvlen[os] = vlen;
}

/* Skip spaces; for the "Windows Phone OS 7.5" and "Android 14" forms. */
static void
after(const char **p, size_t *n, size_t skip)
{
	*p += skip;
	*n -= skip;
	while (*n > 0 && **p == ' ') {
		(*p)++;
		(*n)--;
	}
}

/* A comment item names the platform: "Windows NT 10.0", "Android 14"... */
static void
os_item(struct scan *sc, const char *p, size_t n)
{
	switch (p[0]) {
	case 'A':
		if (HAS_PREFIX(p, n, "Android")) {
			after(&p, &n, 7);
			os_seen(sc, OS_ANDROID, p, n);
		}
		break;
	case 'C':
		if (HAS_PREFIX(p, n, "CPU iPhone OS ")) {
			after(&p, &n, 14);
			os_seen(sc, OS_IOS, p, n);
		} else if (HAS_PREFIX(p, n, "CPU OS ")) {
			after(&p, &n, 7);
			os_seen(sc, OS_IOS, p, n);
		} else if (HAS_PREFIX(p, n, "CrOS "))
			os_seen(sc, OS_CHROMEOS, NULL, 0);
		break;
	case 'F':
		if (HAS_PREFIX(p, n, "FreeBSD"))
			os_seen(sc, OS_FREEBSD, NULL, 0);
		break;
	case 'I':
		if (HAS_PREFIX(p, n, "Intel Mac OS X ")) {
			after(&p, &n, 15);
			os_seen(sc, OS_MACOS, p, n);
		}
		break;
	case 'K':
		/* Kindle Fire models: KFTT, KFAPWI, ... */
		if (n >= 4 && p[1] == 'F' && p[2] >= 'A' && p[2] <= 'Z')
			sc->kindle = 1;
		else if (HAS_PREFIX(p, n, "KAIOS") || HAS_PREFIX(p, n, "KaiOS"))
			os_seen(sc, OS_KAIOS, NULL, 0);
		break;
	case 'L':
		if (HAS_PREFIX(p, n, "Linux"))
			os_seen(sc, OS_LINUX, NULL, 0);
		break;
	case 'M':
		if (HAS_PREFIX(p, n, "MSIE ")) {
			sc->msie = p + 5;
			sc->msielen = n - 5;
		} else if (HAS_PREFIX(p, n, "Macintosh") ||
		    HAS_PREFIX(p, n, "Mac OS X"))
			os_seen(sc, OS_MACOS, NULL, 0);
		break;
	case 'N':
		if (HAS_PREFIX(p, n, "NetBSD"))
			os_seen(sc, OS_NETBSD, NULL, 0);
		break;
	case 'O':
		if (HAS_PREFIX(p, n, "OpenBSD"))
			os_seen(sc, OS_OPENBSD, NULL, 0);
		break;
	case 'P':
		if (HAS_PREFIX(p, n, "PPC Mac OS X ")) {
			after(&p, &n, 13);
			os_seen(sc, OS_MACOS, p, n);
		}
		break;
	case 'T':
		if (HAS_PREFIX(p, n, "Tizen"))
			os_seen(sc, OS_TIZEN, NULL, 0);
		break;
	case 'U':
		if (HAS_PREFIX(p, n, "Ubuntu"))
			os_seen(sc, OS_LINUX, NULL, 0);
		break;
	case 'W':
		if (HAS_PREFIX(p, n, "Windows Phone")) {
			after(&p, &n, 13);
			if (HAS_PREFIX(p, n, "OS "))
				after(&p, &n, 3);
			os_seen(sc, OS_WINPHONE, p, n);
		} else if (HAS_PREFIX(p, n, "Windows NT ")) {
			after(&p, &n, 11);
			os_seen(sc, OS_WINDOWS, p, n);
		} else if (HAS_PREFIX(p, n, "Windows"))
			os_seen(sc, OS_WINDOWS, NULL, 0);
		break;
	case 'i':
		if (n == 4 && memcmp(p, "iPad", 4) == 0)
			sc->ipad = 1;
		else if ((n == 6 && memcmp(p, "iPhone", 6) == 0) ||
		    HAS_PREFIX(p, n, "iPod"))
			sc->iphone = 1;
		else if (HAS_PREFIX(p, n, "iOS ")) {	/* Instagram */
			after(&p, &n, 4);
			os_seen(sc, OS_IOS, p, n);
		}
		break;
	case 'r':
		if (HAS_PREFIX(p, n, "rv:")) {
			sc->rv = p + 3;
			sc->rvlen = n - 3;
		}
		break;
	}
}

static void
add_item(struct scan *sc, const char *s, size_t n)
{
	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return;
	os_item(sc, s, n);
	/* Markers in comments ("Mobile", "wv", "FBAV/...") take a slot. */
	if (sc->nprod == UA_MAXTOK)
		return;
	split_tok(&sc->prod[sc->nprod], s, n);
	if (sc->prod[sc->nprod].nlen > 0 && mark(sc, &sc->prod[sc->nprod]))
		sc->nprod++;
}

static void
add_prod(struct scan *sc, const char *s, size_t n)
{
	struct tok *prev;

	/* "Instagram 309.0.0.40.113": a bare version after a bare name. */
	if (sc->nprod > 0 && isdig(s[0]) && memchr(s, '/', n) == NULL) {
		prev = &sc->prod[sc->nprod - 1];
		if (prev->ver == NULL) {
			prev->ver = s;
			prev->vlen = n;
			return;
		}
	}
	if (sc->nprod == UA_MAXTOK)
		return;
	/* "XiaoMi/MiuiBrowser/14.4.0": the browser is the second name */
	if (HAS_PREFIX(s, n, "XiaoMi/")) {
		s += 7;
		n -= 7;
	}
	split_tok(&sc->prod[sc->nprod], s, n);
	if (sc->prod[sc->nprod].nlen == 0)
		return;
	if (HAS_PREFIX(s, n, "KAIOS/"))		/* KaiOS names itself outside */
		os_seen(sc, OS_KAIOS, s + 6, n - 6);
	mark(sc, &sc->prod[sc->nprod]);
	sc->nprod++;
}

static void
tokenise(struct scan *sc, const char *s, size_t n)
{
	size_t i = 0, start, depth;
	char open, close;

	while (i < n) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == '(' || s[i] == '[') {
			open = s[i];
			close = open == '(' ? ')' : ']';
			depth = 1;
			start = ++i;
			for (; i < n; i++) {
				if (s[i] == open)
					depth++;
				else if (s[i] == close && --depth == 0)
					break;
				else if (s[i] == ';' && depth == 1) {
					add_item(sc, s + start, i - start);
					start = i + 1;
				}
			}
			add_item(sc, s + start, i - start);
			i++;	/* the closing bracket, if any */
			continue;
		}
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '(' && s[i] != '[')
			i++;
		add_prod(sc, s + start, i - start);
	}
}

static const char *
tok_ver(const struct scan *sc, enum mark mk)
{
	return sc->mk[mk] ? sc->mk[mk]->ver : NULL;
}

static size_t
tok_vlen(const struct scan *sc, enum mark mk)
{
	return sc->mk[mk] ? sc->mk[mk]->vlen : 0;
}

static void
pick_os(struct scan *sc, struct ua_info *out, enum os *osp)
{
	enum os os;
	char v[16];

	for (os = 0; os < OS__MAX; os++)
		if (sc->os & (1u << os))
			break;
	if (os == OS__MAX && (sc->ipad || sc->iphone))
		os = OS_IOS;
	*osp = os;
	if (os == OS__MAX)
		return;
	out->os = os_names[os];
	if (os == OS_IOS && sc->ipad)
		out->os = "iPadOS";
	ver_copy(out->os_version, sc->osver[os], sc->osvlen[os]);
	if (os != OS_WINDOWS)
		return;
	/*
	 * Windows names its kernel, not its release.  Windows 11 still
	 * says "NT 10.0"; only client hints tell the two apart.  Vista
	 * (6.0) and XP (5.x) have no numeric name: left empty.
	 */
	memcpy(v, out->os_version, sizeof(v));
	if (strcmp(v, "10.0") == 0)
		snprintf(out->os_version, sizeof(out->os_version), "%s", "10");
	else if (strcmp(v, "6.3") == 0)
		snprintf(out->os_version, sizeof(out->os_version), "%s", "8.1");
	else if (strcmp(v, "6.2") == 0)
		snprintf(out->os_version, sizeof(out->os_version), "%s", "8");
	else if (strcmp(v, "6.1") == 0)
		snprintf(out->os_version, sizeof(out->os_version), "%s", "7");
	else
		out->os_version[0] = '\0';
}

static void
pick_browser(struct scan *sc, struct ua_info *out, enum os os)
{
	size_t i;
	enum mark mk;

	for (i = 0; i < sizeof(brules) / sizeof(brules[0]); i++) {
		mk = brules[i].mk;
		if (sc->mk[mk] == NULL)
			continue;
		out->browser = brules[i].name;
		if (mk == MK_FBAN || mk == MK_FBIAB)
			mk = MK_FBAV;
		else if (mk == MK_OPERA && sc->mk[MK_VERSION])
			mk = MK_VERSION;	/* "Opera/9.80 ... Version/12.16" */
		else if (mk == MK_CHROME && (sc->mk[MK_WV] ||
		    (os == OS_ANDROID && sc->mk[MK_VERSION])))
			out->browser = "Chrome Webview";
		ver_copy(out->browser_version, tok_ver(sc, mk),
		    tok_vlen(sc, mk));
		return;
	}
	if (sc->msie != NULL || sc->mk[MK_TRIDENT] != NULL) {
		out->browser = "Internet Explorer";
		if (sc->msie != NULL)
			ver_copy(out->browser_version, sc->msie, sc->msielen);
		else
			ver_copy(out->browser_version, sc->rv, sc->rvlen);
	} else if (sc->mk[MK_SAFARI] != NULL) {
		/* Before Chrome, Android shipped a WebKit browser of its own. */
		out->browser = os == OS_ANDROID ? "Android Browser" : "Safari";
		ver_copy(out->browser_version, tok_ver(sc, MK_VERSION),
		    tok_vlen(sc, MK_VERSION));
	} else if (os == OS_IOS) {
		/* WKWebView in an app: Safari's engine without its name. */
		out->browser = "Safari (in-app)";
	}
}

static enum ua_device
pick_device(const struct scan *sc, enum os os)
{
	int mobile = sc->mk[MK_MOBILE] != NULL || sc->mk[MK_OPERAMINI] != NULL;

	/*
	 * Since iPadOS 13, Safari on an iPad sends the macOS User-Agent by
	 * default ("Macintosh; Intel Mac OS X 10_15_7"): such an iPad is
	 * counted as a macOS desktop, since nothing in the header differs.
	 */
	if (sc->ipad)
		return UA_DEVICE_TABLET;
	if (sc->iphone)
		return UA_DEVICE_MOBILE;
	if (sc->mk[MK_TABLET] || sc->mk[MK_KINDLE] || sc->mk[MK_SILK] ||
	    sc->kindle)
		return UA_DEVICE_TABLET;
	switch (os) {
	case OS_ANDROID:
		/* Android tablets leave "Mobile" out. */
		return mobile ? UA_DEVICE_MOBILE : UA_DEVICE_TABLET;
	case OS_WINPHONE:
	case OS_KAIOS:
		return UA_DEVICE_MOBILE;
	case OS_IOS:
		return UA_DEVICE_MOBILE;
	default:
		break;
	}
	if (mobile)
		return UA_DEVICE_MOBILE;
	switch (os) {
	case OS_WINDOWS:
	case OS_MACOS:
	case OS_CHROMEOS:
	case OS_LINUX:
	case OS_FREEBSD:
	case OS_OPENBSD:
	case OS_NETBSD:
		return UA_DEVICE_DESKTOP;
	default:
		return UA_DEVICE_UNKNOWN;
	}
}

const char *
ua_device_name(enum ua_device d)
{
	if ((unsigned int)d >= UA_DEVICE__MAX)
		return device_names[UA_DEVICE_UNKNOWN];
	return device_names[d];
}

void
ua_parse(const char *ua, size_t len, struct ua_info *out)
{
	struct scan sc;
	enum os os;

	out->browser = "";
	out->os = "";
	out->browser_version[0] = '\0';
	out->os_version[0] = '\0';
	out->device = UA_DEVICE_UNKNOWN;
	out->bot = 0;
	if (ua == NULL || len < UA_MIN_LEN) {
		out->bot = 1;
		return;
	}
	if (len > UA_MAX_LEN) {
		out->bot = 1;
		len = UA_MAX_LEN;
	}
	if (bot_scan(ua, len))
		out->bot = 1;

	sc.nprod = 0;
	memset(sc.mk, 0, sizeof(sc.mk));
	memset(sc.osver, 0, sizeof(sc.osver));
	sc.os = 0;
	sc.msie = sc.rv = NULL;
	sc.msielen = sc.rvlen = 0;
	sc.ipad = sc.iphone = sc.kindle = 0;
	tokenise(&sc, ua, len);

	pick_os(&sc, out, &os);
	pick_browser(&sc, out, os);
	out->device = pick_device(&sc, os);
}
