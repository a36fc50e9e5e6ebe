/*
 * test_referrer: CUnit suite for cgi/collect/referrer.c: source naming
 * (search, social, internal, PSL cases), URL splitting and query
 * parameters, with hostile input bounded by its length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "referrer.h"

struct ref_case {
	const char	*ref;
	const char	*self;
	const char	*source;
	const char	*domain;
};

static int
check_ref(const struct ref_case *c)
{
	struct ref_info ri;

	memset(&ri, 'x', sizeof(ri));	/* no stale bytes may survive */
	CU_ASSERT_EQUAL(ref_classify(c->ref, c->ref ? strlen(c->ref) : 0,
	    c->self, &ri), 0);
	if (strcmp(ri.source, c->source) != 0 ||
	    strcmp(ri.domain, c->domain) != 0) {
		fprintf(stderr, "\n  %s (self %s): want \"%s\" \"%s\", "
		    "got \"%s\" \"%s\"\n", c->ref ? c->ref : "NULL",
		    c->self ? c->self : "NULL", c->source, c->domain,
		    ri.source, ri.domain);
		return 0;
	}
	return 1;
}

static void
run_ref(const struct ref_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		CU_ASSERT(check_ref(&c[i]));
}

/* Copy the literal s to dst with its NUL; its length. */
static size_t
put(char *dst, const char *s)
{
	size_t n = strlen(s);

	memcpy(dst, s, n + 1);
	return n;
}

static void
test_search(void)
{
	static const struct ref_case c[] = {
		{ "https://www.google.com/", "example.com", "Google", "google.com" },
		{ "https://www.google.co.uk/search?q=trackr", "example.com", "Google", "google.co.uk" },
		{ "https://google.de/", "example.com", "Google", "google.de" },
		{ "https://WWW.GOOGLE.COM./", "example.com", "Google", "google.com" },
		{ "https://www.bing.com/search?q=a", "example.com", "Bing", "bing.com" },
		{ "https://duckduckgo.com/", "example.com", "DuckDuckGo", "duckduckgo.com" },
		{ "https://search.yahoo.com/search?p=x", "example.com", "Yahoo!", "search.yahoo.com" },
		{ "https://search.yahoo.co.jp/search?p=x", "example.com", "Yahoo!", "search.yahoo.co.jp" },
		{ "https://yandex.ru/search/?text=x", "example.com", "Yandex", "yandex.ru" },
		{ "https://yandex.com.tr/", "example.com", "Yandex", "yandex.com.tr" },
		{ "https://www.baidu.com/link?url=abc", "example.com", "Baidu", "baidu.com" },
		{ "https://www.ecosia.org/search?q=x", "example.com", "Ecosia", "ecosia.org" },
		{ "https://search.brave.com/search?q=x", "example.com", "Brave Search", "search.brave.com" },
		{ "https://brave.com/", "example.com", "brave.com", "brave.com" },
		{ "https://news.google.com/articles/x", "example.com", "Google News", "news.google.com" },
		/* a brand under a private suffix is somebody's blog */
		{ "https://google.blogspot.com/2020/", "example.com", "google.blogspot.com", "google.blogspot.com" },
		{ "https://chatgpt.com/", "example.com", "ChatGPT", "chatgpt.com" },
		{ "https://chat.openai.com/c/1", "example.com", "ChatGPT", "chat.openai.com" },
		{ "https://openai.com/", "example.com", "openai.com", "openai.com" },
		{ "https://www.perplexity.ai/search/x", "example.com", "Perplexity", "perplexity.ai" },
	};

	run_ref(c, sizeof(c) / sizeof(c[0]));
}

static void
test_social(void)
{
	static const struct ref_case c[] = {
		{ "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com", "example.com", "Facebook", "l.facebook.com" },
		{ "https://m.facebook.com/", "example.com", "Facebook", "m.facebook.com" },
		{ "https://l.instagram.com/?u=x", "example.com", "Instagram", "l.instagram.com" },
		{ "https://t.co/abc123", "example.com", "Twitter", "t.co" },
		{ "https://x.com/someone/status/1", "example.com", "Twitter", "x.com" },
		{ "https://twitter.com/", "example.com", "Twitter", "twitter.com" },
		{ "https://www.linkedin.com/feed/", "example.com", "LinkedIn", "linkedin.com" },
		{ "https://lnkd.in/abc", "example.com", "LinkedIn", "lnkd.in" },
		{ "https://old.reddit.com/r/c/", "example.com", "Reddit", "old.reddit.com" },
		{ "https://www.youtube.com/watch?v=1", "example.com", "YouTube", "youtube.com" },
		{ "https://youtu.be/xyz", "example.com", "YouTube", "youtu.be" },
		{ "https://www.pinterest.co.uk/pin/1/", "example.com", "Pinterest", "pinterest.co.uk" },
		{ "https://www.tiktok.com/", "example.com", "TikTok", "tiktok.com" },
		{ "https://news.ycombinator.com/item?id=1", "example.com", "Hacker News", "news.ycombinator.com" },
		{ "https://ycombinator.com/", "example.com", "ycombinator.com", "ycombinator.com" },
		{ "https://github.com/user/repo", "example.com", "GitHub", "github.com" },
		{ "https://en.m.wikipedia.org/wiki/X", "example.com", "Wikipedia", "en.m.wikipedia.org" },
		/* suffix match on a label boundary only */
		{ "https://notgithub.com/", "example.com", "notgithub.com", "notgithub.com" },
		{ "https://fakex.com/", "example.com", "fakex.com", "fakex.com" },
	};

	run_ref(c, sizeof(c) / sizeof(c[0]));
}

static void
test_domains(void)
{
	static const struct ref_case c[] = {
		/* registrable domain under a two-label suffix */
		{ "https://blog.example.co.uk/post", "example.com", "example.co.uk", "blog.example.co.uk" },
		{ "https://alice.github.io/", "bob.github.io", "alice.github.io", "alice.github.io" },
		/* userinfo and port are not part of the host */
		{ "https://user:pass@Sub.Example.org:8443/p?q=1#f", "a.com", "example.org", "sub.example.org" },
		{ "http://192.168.1.10/x", "example.com", "192.168.1.10", "192.168.1.10" },
		{ "http://[::1]:8080/", "example.com", "[::1]", "[::1]" },
		{ "http://[2001:DB8::1]/", "example.com", "[2001:db8::1]", "[2001:db8::1]" },
		{ "http://localhost:3000/", "example.com", "localhost", "localhost" },
		{ "https://www.com/", "example.com", "www.com", "www.com" },
		{ "https://www.example.com/", NULL, "example.com", "example.com" },
		{ "https://www.example.com/", "", "example.com", "example.com" },
	};

	run_ref(c, sizeof(c) / sizeof(c[0]));
}

static void
test_internal(void)
{
	static const struct ref_case c[] = {
		{ "https://www.example.com/page", "example.com", "", "" },
		{ "https://example.com/", "www.example.com", "", "" },
		{ "https://blog.example.com/", "example.com", "", "" },
		{ "https://EXAMPLE.COM/", "Example.com:8443", "", "" },
		{ "https://example.com/", "example.com.", "", "" },
		{ "https://www.example.co.uk/", "shop.example.co.uk", "", "" },
		{ "http://[::1]:8080/", "[::1]:8080", "", "" },
		{ "http://localhost:3000/", "localhost", "", "" },
		{ "http://127.0.0.1:8000/", "127.0.0.1", "", "" },
		/* other IPs of a /16 are not the same site */
		{ "http://127.0.1.1/", "127.0.0.1", "127.0.1.1", "127.0.1.1" },
		/* a public suffix above the page is not the page's site */
		{ "https://github.io/", "alice.github.io", "github.io", "github.io" },
		{ "https://s3.amazonaws.com/", "bucket.s3.amazonaws.com", "s3.amazonaws.com", "s3.amazonaws.com" },
		{ "https://bucket.s3.amazonaws.com/x", "bucket.s3.amazonaws.com", "", "" },
		{ "https://a.bucket.s3.amazonaws.com/x", "bucket.s3.amazonaws.com", "", "" },
	};

	run_ref(c, sizeof(c) / sizeof(c[0]));
}

static void
test_garbage(void)
{
	static const struct ref_case c[] = {
		{ NULL, "example.com", "", "" },
		{ "", "example.com", "", "" },
		{ "not a url", "example.com", "", "" },
		{ "javascript:alert(1)", "example.com", "", "" },
		{ "android-app://com.google.android.gm/", "example.com", "", "" },
		{ "ftp://example.org/", "example.com", "", "" },
		{ "http://", "example.com", "", "" },
		{ "https:///path", "example.com", "", "" },
		{ "http://exa mple.org/", "example.com", "", "" },
		{ "http://a..b/", "example.com", "", "" },
		{ "http://.a.b/", "example.com", "", "" },
		{ "http://[::1/", "example.com", "", "" },
		{ "http://[]/", "example.com", "", "" },
		{ "http://[::1]x/", "example.com", "", "" },
		{ "http://example.org:99999/", "example.com", "", "" },
		{ "http://example.org:8o/", "example.com", "", "" },
		{ "http://example.org:000080/", "example.com", "", "" },
		{ "http://%65xample.org/", "example.com", "", "" },
		{ "http://<script>/", "example.com", "", "" },
		{ "http://user@/", "example.com", "", "" },
	};
	struct ref_info ri;
	char *p;
	size_t n, i;

	run_ref(c, sizeof(c) / sizeof(c[0]));

	/* a 100 KB path; exact-size buffer so ASan sees any overread */
	n = 100 * 1024;
	p = malloc(n);
	CU_ASSERT_FATAL(p != NULL);
	memset(p, 'a', n);
	memcpy(p, "https://www.google.com/", 23);
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.source, "Google");
	CU_ASSERT_STRING_EQUAL(ri.domain, "google.com");

	/* a 100 KB host is no host */
	memset(p, 'a', n);
	memcpy(p, "https://", 8);
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.source, "");
	CU_ASSERT_STRING_EQUAL(ri.domain, "");

	/* a 253-byte host is the longest: labels of 63 */
	n = 0;
	n += put(p + n, "http://");
	for (i = 0; i < 3; i++) {
		memset(p + n, 'a' + i, 63);
		n += 63;
		p[n++] = '.';
	}
	memset(p + n, 'd', 57);
	n += 57;
	n += put(p + n, ".com/");
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_EQUAL(strlen(ri.domain), 253);
	CU_ASSERT_EQUAL(strlen(ri.source), 61);
	/* two more bytes ("x.") are too long */
	memmove(p + 9, p + 7, n - 7);
	memcpy(p + 7, "x.", 2);
	n += 2;
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.domain, "");
	/* a 64-byte label is too long */
	n = put(p, "http://");
	memset(p + n, '0', 64);
	n += 64;
	n += put(p + n, ".com/");
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.domain, "");

	/* an IPv6 literal longer than any address (found by fuzzing) */
	n = put(p, "http://[");
	memset(p + n, ':', 300);
	n += 300;
	n += put(p + n, "]/");
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.domain, "");
	n = put(p, "http://[0000:0000:0000:0000:0000:ffff:255.255.255.255]/");
	ref_classify(p, n, "example.com", &ri);
	CU_ASSERT_STRING_EQUAL(ri.domain, "[0000:0000:0000:0000:0000:ffff:255.255.255.255]");

	/* a very long self host is ignored, not overrun */
	memset(p, 'a', 4096);
	p[4096] = '\0';
	ref_classify("https://example.org/", 20, p, &ri);
	CU_ASSERT_STRING_EQUAL(ri.source, "example.org");

	/* random bytes after the scheme never crash */
	memcpy(p, "https://", 8);
	for (i = 0; i < 5000; i++) {
		size_t j, len = 8 + i % 300;
		unsigned int seed = (unsigned int)i * 2654435761u;

		for (j = 8; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			p[j] = "ab.:@[]/?#%1-"[(seed >> 16) % 13];
		}
		ref_classify(p, len, "example.com", &ri);
		CU_ASSERT(strlen(ri.source) <= REF_HOST_MAX);
	}
	free(p);
}

static int
part_is(const char *p, size_t n, const char *want)
{
	return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

static void
test_url_split(void)
{
	struct url_parts u;
	const char *s;
	char *p;

	s = "https://user:pw@Example.COM:8080/a/b?x=1&y=2#frag";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.host, u.hostlen, "Example.COM"));
	CU_ASSERT(part_is(u.path, u.pathlen, "/a/b"));
	CU_ASSERT(part_is(u.query, u.querylen, "x=1&y=2"));
	CU_ASSERT(part_is(u.frag, u.fraglen, "frag"));

	s = "http://example.com";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.host, u.hostlen, "example.com"));
	CU_ASSERT(part_is(u.path, u.pathlen, "/"));
	CU_ASSERT(part_is(u.query, u.querylen, ""));
	CU_ASSERT(part_is(u.frag, u.fraglen, ""));

	s = "http://example.com?x#y?z";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.path, u.pathlen, "/"));
	CU_ASSERT(part_is(u.query, u.querylen, "x"));
	CU_ASSERT(part_is(u.frag, u.fraglen, "y?z"));

	s = "  HTTPS://example.com:/p#  \n";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.host, u.hostlen, "example.com"));
	CU_ASSERT(part_is(u.path, u.pathlen, "/p"));
	CU_ASSERT(part_is(u.frag, u.fraglen, ""));

	s = "http://[2001:db8::1]:443/x";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.host, u.hostlen, "[2001:db8::1]"));
	CU_ASSERT(part_is(u.path, u.pathlen, "/x"));

	/* '\' ends the host as browsers read it: the host is evil.org */
	s = "http://evil.org\\@good.org/";
	CU_ASSERT_EQUAL_FATAL(url_split(s, strlen(s), &u), 0);
	CU_ASSERT(part_is(u.host, u.hostlen, "evil.org"));

	CU_ASSERT_EQUAL(url_split(NULL, 10, &u), -1);
	CU_ASSERT_EQUAL(url_split("", 0, &u), -1);
	CU_ASSERT_EQUAL(url_split("//example.com/", 14, &u), -1);
	CU_ASSERT_EQUAL(url_split("mailto:a@b.c", 12, &u), -1);
	CU_ASSERT_EQUAL(url_split("http:/example.com", 17, &u), -1);
	CU_ASSERT_EQUAL(url_split("http://:80/", 11, &u), -1);
	CU_ASSERT_EQUAL(url_split("http://.", 8, &u), -1);
	CU_ASSERT(u.host == NULL && u.hostlen == 0);

	/* the length is the bound: "http://a.b" cut to "http://" */
	p = malloc(7);
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, "http://", 7);
	CU_ASSERT_EQUAL(url_split(p, 7, &u), -1);
	CU_ASSERT_EQUAL(url_split(p, 6, &u), -1);
	free(p);
}

static void
test_query_param(void)
{
	struct buf b = BUF_INIT, small;
	const char *q;
	char *big;
	size_t n;

#define QP(query, name, max)	url_query_param(query, strlen(query), name, &b, max)
	q = "utm_source=news%20letter&utm_medium=e%2Dmail&utm_campaign=spring+sale";
	CU_ASSERT_EQUAL(QP(q, "utm_source", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "news letter");
	CU_ASSERT_EQUAL(QP(q, "utm_medium", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "e-mail");
	CU_ASSERT_EQUAL(QP(q, "utm_campaign", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "spring sale");

	/* missing: 0 and dst emptied */
	CU_ASSERT_EQUAL(QP(q, "utm_term", 0), 0);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "");
	CU_ASSERT_EQUAL(QP("", "a", 0), 0);
	CU_ASSERT_EQUAL(QP("a=1", "", 0), 0);
	CU_ASSERT_EQUAL(url_query_param(NULL, 5, "a", &b, 0), 0);

	/* first wins; names match whole keys only */
	CU_ASSERT_EQUAL(QP("a=1&a=2", "a", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "1");
	CU_ASSERT_EQUAL(QP("utm_source_x=1&utm_sourc=2&utm_source=3", "utm_source", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "3");
	CU_ASSERT_EQUAL(QP("?ref=hn", "ref", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "hn");
	CU_ASSERT_EQUAL(QP("&&ref=x&", "ref", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "x");
	/* the key is decoded before comparing */
	CU_ASSERT_EQUAL(QP("utm%5Fsource=x", "utm_source", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "x");

	/* no '=' and empty values are found, empty */
	CU_ASSERT_EQUAL(QP("a&b=2", "a", 0), 1);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(QP("b=2&a=", "a", 0), 1);
	CU_ASSERT_EQUAL(b.len, 0);
	/* values may hold '=' */
	CU_ASSERT_EQUAL(QP("a=b=c", "a", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "b=c");

	/* malformed escapes stay as they are; %00 is a byte like any other */
	CU_ASSERT_EQUAL(QP("a=%zz%4", "a", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "%zz%4");
	CU_ASSERT_EQUAL(QP("a=%", "a", 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "%");
	CU_ASSERT_EQUAL(QP("a=x%00y", "a", 0), 1);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT(memcmp(b.ptr, "x\0y", 3) == 0);

	/* truncation at a UTF-8 boundary: h é l l o */
	CU_ASSERT_EQUAL(QP("a=h%C3%A9llo", "a", 2), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "h");
	CU_ASSERT_EQUAL(QP("a=h%C3%A9llo", "a", 3), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "h\xc3\xa9");
	CU_ASSERT_EQUAL(QP("a=h%C3%A9llo", "a", 4), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "h\xc3\xa9l");
	/* € € is 6 bytes */
	CU_ASSERT_EQUAL(QP("a=%E2%82%AC%E2%82%AC", "a", 4), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "\xe2\x82\xac");
	CU_ASSERT_EQUAL(QP("a=%E2%82%AC%E2%82%AC", "a", 5), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "\xe2\x82\xac");
	CU_ASSERT_EQUAL(QP("a=%E2%82%AC%E2%82%AC", "a", 6), 1);
	CU_ASSERT_EQUAL(b.len, 6);
	/* a 4-byte character that does not fit leaves nothing */
	CU_ASSERT_EQUAL(QP("a=%F0%9F%98%80x", "a", 3), 1);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(QP("a=%F0%9F%98%80x", "a", 4), 1);
	CU_ASSERT_EQUAL(b.len, 4);
	/* raw (unescaped) UTF-8 is cut the same way */
	CU_ASSERT_EQUAL(QP("a=\xc3\xa9\xc3\xa9", "a", 3), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "\xc3\xa9");
	/* plain ASCII is cut at maxlen */
	CU_ASSERT_EQUAL(QP("a=abcdef", "a", 3), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "abc");
#undef QP

	/* the length is the bound, not a NUL: "a=12" seen as "a=1" */
	CU_ASSERT_EQUAL(url_query_param("a=12", 3, "a", &b, 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "1");
	CU_ASSERT_EQUAL(url_query_param("a=%41", 4, "a", &b, 0), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "%4");

	/* a buffer's own maximum still holds: sticky error */
	buf_init(&small, 4);
	CU_ASSERT_EQUAL(url_query_param("a=abcdef", 8, "a", &small, 0), 1);
	CU_ASSERT(small.err);
	buf_release(&small);

	/* 1 MB query, the parameter last */
	n = 1024 * 1024;
	big = malloc(n);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, 'x', n);
	memcpy(big + n - 12, "&utm_term=ok", 12);
	CU_ASSERT_EQUAL(url_query_param(big, n, "utm_term", &b, 255), 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "ok");
	/* and a 1 MB value, capped */
	memcpy(big, "v=", 2);
	CU_ASSERT_EQUAL(url_query_param(big, n - 12, "v", &b, 255), 1);
	CU_ASSERT_EQUAL(b.len, 255);
	free(big);
	buf_release(&b);
}

static int
init_suite(void)
{
	ref_init();
	return 0;
}

static int
clean_suite(void)
{
	ref_shutdown();
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("referrer", init_suite, clean_suite);
	if (s == NULL ||
	    CU_add_test(s, "search engines", test_search) == NULL ||
	    CU_add_test(s, "social and others", test_social) == NULL ||
	    CU_add_test(s, "registrable domains", test_domains) == NULL ||
	    CU_add_test(s, "internal referrers", test_internal) == NULL ||
	    CU_add_test(s, "garbage and long input", test_garbage) == NULL ||
	    CU_add_test(s, "url_split", test_url_split) == NULL ||
	    CU_add_test(s, "url_query_param", test_query_param) == NULL) {
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
