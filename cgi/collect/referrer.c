/*
 * referrer: URL splitting, query parameters, and naming the source of a
 * visit.  Registrable domains come from the Public Suffix List (libpsl),
 * so "blog.example.co.uk" and "www.example.co.uk" are one site while
 * "alice.github.io" and "bob.github.io" are two.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libpsl.h>

#include "buf.h"
#include "log.h"
#include "referrer.h"

/*
 * Written by ref_init() and ref_shutdown() only, before and after the
 * threads run; read-only in between.
 */
static const psl_ctx_t	*psl_ctx;
static psl_ctx_t	*psl_loaded;

/*
 * Sources known by host: a referrer host equal to, or a subdomain of, an
 * entry gets its name.  Scanned in order, so a more specific host must
 * come before its parent ("news.google.com" before any "google.com").
 */
static const struct {
	const char	*host;
	size_t		 len;
	const char	*name;
} hosts[] = {
#define H(h, n)	{ h, sizeof(h) - 1, n }
	H("news.ycombinator.com", "Hacker News"),
	H("news.google.com", "Google News"),
	H("gemini.google.com", "Gemini"),
	H("bard.google.com", "Gemini"),
	H("mail.google.com", "Gmail"),
	H("search.brave.com", "Brave Search"),
	H("chatgpt.com", "ChatGPT"),
	H("chat.openai.com", "ChatGPT"),
	H("perplexity.ai", "Perplexity"),
	H("claude.ai", "Claude"),
	H("copilot.microsoft.com", "Copilot"),
	H("t.co", "Twitter"),
	H("x.com", "Twitter"),
	H("lnkd.in", "LinkedIn"),
	H("fb.com", "Facebook"),
	H("fb.me", "Facebook"),
	H("youtu.be", "YouTube"),
	H("redd.it", "Reddit"),
	H("pin.it", "Pinterest"),
	H("github.com", "GitHub"),
	H("gitlab.com", "GitLab"),
	H("stackoverflow.com", "Stack Overflow"),
	H("bsky.app", "Bluesky"),
	H("threads.net", "Threads"),
	H("t.me", "Telegram"),
	H("web.telegram.org", "Telegram"),
	H("wa.me", "WhatsApp"),
	H("web.whatsapp.com", "WhatsApp"),
	H("discord.com", "Discord"),
	H("vk.com", "VK"),
	H("quora.com", "Quora"),
	H("producthunt.com", "Product Hunt"),
	H("outlook.live.com", "Outlook"),
	H("outlook.office.com", "Outlook"),
	H("outlook.office365.com", "Outlook"),
	H("kagi.com", "Kagi"),
	H("qwant.com", "Qwant"),
	H("startpage.com", "Startpage"),
	H("seznam.cz", "Seznam"),
	H("naver.com", "Naver"),
	H("sogou.com", "Sogou"),
	H("ya.ru", "Yandex"),
#undef H
};

/*
 * Sources that own their name under many country domains: a registrable
 * domain "<brand>.<ICANN suffix>" (google.co.uk, yandex.com.tr) gets the
 * brand's name.  A private suffix does not count: "google.blogspot.com"
 * is somebody's blog.
 */
static const struct {
	const char	*label;
	size_t		 len;
	const char	*name;
} brands[] = {
#define B(l, n)	{ l, sizeof(l) - 1, n }
	B("google", "Google"),
	B("bing", "Bing"),
	B("yahoo", "Yahoo!"),
	B("yandex", "Yandex"),
	B("baidu", "Baidu"),
	B("duckduckgo", "DuckDuckGo"),
	B("ecosia", "Ecosia"),
	B("facebook", "Facebook"),
	B("instagram", "Instagram"),
	B("twitter", "Twitter"),
	B("linkedin", "LinkedIn"),
	B("reddit", "Reddit"),
	B("youtube", "YouTube"),
	B("pinterest", "Pinterest"),
	B("tiktok", "TikTok"),
	B("wikipedia", "Wikipedia"),
#undef B
};

void
ref_init(void)
{
	if (psl_ctx != NULL)
		return;
	if ((psl_ctx = psl_builtin()) != NULL)
		return;
	/* libpsl built without a list: load the system's */
	if ((psl_loaded = psl_latest(NULL)) == NULL)
		log_warn("no public suffix list: sites are told apart "
		    "by host name only");
	psl_ctx = psl_loaded;
}

void
ref_shutdown(void)
{
	psl_free(psl_loaded);
	psl_loaded = NULL;
	psl_ctx = NULL;
}

static const psl_ctx_t *
psl(void)
{
	return psl_ctx != NULL ? psl_ctx : psl_builtin();
}

static unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Does the n bytes at s start with the lower-case literal lit, in any case? */
static int
ci_prefix(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; lit[i] != '\0'; i++)
		if (i == n || lc((unsigned char)s[i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lc(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Letters, digits, '-', '_' and UTF-8 (IDNA left to the PSL) in labels. */
static int
valid_name(const char *h, size_t n)
{
	size_t i, label = 0;
	unsigned char c;

	if (n == 0 || n > REF_HOST_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)h[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/*
 * "[...]" with hex digits, ':' and '.' (an embedded IPv4) inside, no
 * longer than the longest IPv6 text (45 bytes).
 */
static int
valid_ipv6(const char *h, size_t n)
{
	size_t i, colons = 0;

	if (n < 4 || n > 2 + 45 || h[0] != '[' || h[n - 1] != ']')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (h[i] == ':')
			colons++;
		else if (h[i] != '.' && hexval((unsigned char)h[i]) < 0)
			return 0;
	}
	return colons >= 2;
}

int
url_split(const char *url, size_t len, struct url_parts *out)
{
	static const char slash[] = "/";
	const char *p, *end, *auth, *aend, *h, *hend, *q;
	unsigned long port;
	size_t digits;

	memset(out, 0, sizeof(*out));
	if (url == NULL)
		return -1;
	end = url + len;
	while (url < end && (unsigned char)*url <= ' ')
		url++;
	while (end > url && (unsigned char)end[-1] <= ' ')
		end--;
	if (ci_prefix(url, end - url, "http://"))
		p = url + 7;
	else if (ci_prefix(url, end - url, "https://"))
		p = url + 8;
	else
		return -1;

	auth = p;
	while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != '\\')
		p++;
	aend = p;
	/* userinfo ends at the last '@' */
	for (h = q = auth; q < aend; q++)
		if (*q == '@')
			h = q + 1;
	if (h < aend && *h == '[') {
		if ((hend = memchr(h, ']', aend - h)) == NULL)
			return -1;
		hend++;
		if (!valid_ipv6(h, hend - h))
			return -1;
	} else {
		for (hend = h; hend < aend && *hend != ':'; hend++)
			;
	}
	if (hend < aend) {
		if (*hend != ':')
			return -1;
		port = 0;
		for (q = hend + 1, digits = 0; q < aend; q++, digits++) {
			if (*q < '0' || *q > '9' || digits == 5)
				return -1;
			port = port * 10 + (unsigned long)(*q - '0');
		}
		if (port > 65535)
			return -1;
	}
	if (h == aend || *h != '[') {
		if (hend > h && hend[-1] == '.')	/* "example.com." */
			hend--;
		if (!valid_name(h, hend - h))
			return -1;
	}
	out->host = h;
	out->hostlen = hend - h;

	for (q = p; q < end && *q != '?' && *q != '#'; q++)
		;
	out->path = p;
	out->pathlen = q - p;
	if (out->pathlen == 0) {
		out->path = slash;
		out->pathlen = 1;
	}
	p = q;
	if (p < end && *p == '?') {
		for (q = ++p; q < end && *q != '#'; q++)
			;
		out->query = p;
		out->querylen = q - p;
		p = q;
	} else
		out->query = p;
	if (p < end && *p == '#') {
		out->frag = p + 1;
		out->fraglen = end - p - 1;
	} else
		out->frag = end;
	return 0;
}

/* Decode one byte of a query component at s[*i] and step past it. */
static unsigned char
qbyte(const char *s, size_t n, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	int hi, lo;

	if (c == '+') {
		(*i)++;
		return ' ';
	}
	if (c == '%' && *i + 2 < n &&
	    (hi = hexval((unsigned char)s[*i + 1])) >= 0 &&
	    (lo = hexval((unsigned char)s[*i + 2])) >= 0) {
		*i += 3;
		return (unsigned char)(hi << 4 | lo);
	}
	(*i)++;
	return c;
}

static int
key_is(const char *k, size_t n, const char *name)
{
	size_t i = 0, j = 0;

	while (i < n) {
		if (name[j] == '\0' || qbyte(k, n, &i) != (unsigned char)name[j])
			return 0;
		j++;
	}
	return name[j] == '\0';
}

/* Drop a UTF-8 sequence left incomplete at the end of b. */
static void
trim_partial(struct buf *b)
{
	size_t k = b->len, back = 0;

	while (k > 0 && back < 3 && ((unsigned char)b->ptr[k - 1] & 0xc0) == 0x80) {
		k--;
		back++;
	}
	if (k > 0 && ((unsigned char)b->ptr[k - 1] & 0xc0) == 0xc0)
		buf_setlen(b, k - 1);
}

int
url_query_param(const char *query, size_t qlen, const char *name,
    struct buf *dst, size_t maxlen)
{
	const char *p, *end, *seg, *eq, *v;
	size_t vlen, i, cap = maxlen ? maxlen : SIZE_MAX;
	unsigned char c;

	buf_reset(dst);
	if (query == NULL || name == NULL || name[0] == '\0')
		return 0;
	p = query;
	end = query + qlen;
	if (p < end && *p == '?')
		p++;
	for (; p < end; p = seg + 1) {
		if ((seg = memchr(p, '&', end - p)) == NULL)
			seg = end;
		eq = memchr(p, '=', seg - p);
		if (!key_is(p, (eq ? eq : seg) - p, name))
			continue;
		v = eq ? eq + 1 : seg;
		vlen = seg - v;
		buf_grow(dst, vlen < cap ? vlen : cap);
		for (i = 0; i < vlen; ) {
			c = qbyte(v, vlen, &i);
			if (dst->len == cap) {
				if ((c & 0xc0) == 0x80)
					trim_partial(dst);
				break;
			}
			buf_addch(dst, c);
		}
		return 1;
	}
	return 0;
}

/* Copy the n bytes at s, lower-cased, into dst (REF_HOST_MAX + 1). */
static void
lower_copy(char *dst, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (char)lc((unsigned char)s[i]);
	dst[n] = '\0';
}

/* An IP literal: bracketed IPv6, or a numeric last label (no TLD is). */
static int
is_ip(const char *h)
{
	const char *last;

	if (h[0] == '[')
		return 1;
	last = strrchr(h, '.');
	last = last ? last + 1 : h;
	if (*last == '\0')
		return 0;
	for (; *last != '\0'; last++)
		if (*last < '0' || *last > '9')
			return 0;
	return 1;
}

/* The registrable domain of lower-case host h, pointing into h. */
static const char *
registrable(const char *h)
{
	const psl_ctx_t *ctx;
	const char *r;

	if (is_ip(h) || (ctx = psl()) == NULL)
		return h;
	r = psl_registrable_domain(ctx, h);
	/* a public suffix itself, or a single label such as "localhost" */
	return r != NULL ? r : h;
}

/* The page's own host, lower-cased, without port or trailing dot. */
static int
self_copy(char *dst, const char *self)
{
	const char *end;
	size_t n;

	if (self == NULL)
		return -1;
	n = strnlen(self, REF_HOST_MAX + 8);
	if (self[0] == '[') {
		if ((end = memchr(self, ']', n)) == NULL)
			return -1;
		n = end - self + 1;
	} else if ((end = memchr(self, ':', n)) != NULL)
		n = end - self;
	if (n > 0 && self[n - 1] == '.')
		n--;
	if (n == 0 || n > REF_HOST_MAX)
		return -1;
	lower_copy(dst, self, n);
	return 0;
}

/* Is host equal to suffix, or a subdomain of it? */
static int
label_suffix(const char *host, const char *suffix)
{
	size_t hlen = strlen(host), slen = strlen(suffix);

	if (hlen < slen || memcmp(host + hlen - slen, suffix, slen) != 0)
		return 0;
	return hlen == slen || host[hlen - slen - 1] == '.';
}

static const char *
source_name(const char *h, const char *reg)
{
	const psl_ctx_t *ctx;
	const char *dot;
	size_t i, hlen = strlen(h), label;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (hlen >= hosts[i].len &&
		    memcmp(h + hlen - hosts[i].len, hosts[i].host,
		    hosts[i].len) == 0 &&
		    (hlen == hosts[i].len || h[hlen - hosts[i].len - 1] == '.'))
			return hosts[i].name;
	if ((dot = strchr(reg, '.')) == NULL || (ctx = psl()) == NULL)
		return NULL;
	label = dot - reg;
	for (i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
		if (brands[i].len == label &&
		    memcmp(brands[i].label, reg, label) == 0)
			return psl_is_public_suffix2(ctx, dot + 1,
			    PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) ?
			    brands[i].name : NULL;
	return NULL;
}

int
ref_classify(const char *referrer, size_t len, const char *self_host,
    struct ref_info *out)
{
	struct url_parts u;
	char h[REF_HOST_MAX + 1], self[REF_HOST_MAX + 1];
	const char *reg, *name, *d;
	int have_self;

	out->source[0] = '\0';
	out->domain[0] = '\0';
	if (referrer == NULL || len == 0 || url_split(referrer, len, &u) == -1)
		return 0;
	lower_copy(h, u.host, u.hostlen);
	/*
	 * Internal when both registrable domains are equal.  A PSL lookup
	 * costs some 300 ns, so spare it: the same host needs none, and
	 * the page's registrable domain, a suffix of its host, can only
	 * equal reg if the host is reg or ends in "." reg.
	 */
	have_self = self_copy(self, self_host) == 0;
	if (have_self && strcmp(h, self) == 0)
		return 0;
	reg = registrable(h);
	if (have_self && label_suffix(self, reg) &&
	    strcmp(reg, registrable(self)) == 0)
		return 0;

	d = h;
	if (strncmp(h, "www.", 4) == 0 && strchr(h + 4, '.') != NULL)
		d = h + 4;
	/* both fit: h is at most REF_HOST_MAX bytes */
	memcpy(out->domain, d, strlen(d) + 1);
	if ((name = source_name(h, reg)) == NULL)
		name = reg;
	memcpy(out->source, name, strlen(name) + 1);
	return 0;
}
