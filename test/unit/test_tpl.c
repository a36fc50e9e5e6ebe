/*
 * test_tpl: CUnit suite for cgi/core/tpl.c.  Every output context gets
 * hostile values; the loader's refusals are checked by their
 * file:line:column messages; partials, sections, strict mode, limits,
 * directory loading and concurrent rendering each have a case.
 */
#include <sys/stat.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "buf.h"
#include "tpl.h"

static struct buf errb = BUF_INIT;

/* Render src with the view given as JSON text (NULL: no view). */
static char *
render_view(const char *src, json_object *view, unsigned flags)
{
	struct buf out = BUF_INIT;
	int rc;

	buf_reset(&errb);
	rc = tpl_render_string(src, view, &out, flags, &errb);
	if (rc < 0) {
		CU_ASSERT_EQUAL(out.len, 0);
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

static char *
render(const char *src, const char *json, unsigned flags)
{
	json_object *view = NULL;
	char *s;

	if (json != NULL) {
		view = json_tokener_parse(json);
		CU_ASSERT_PTR_NOT_NULL_FATAL(view);
	}
	s = render_view(src, view, flags);
	json_object_put(view);
	return s;
}

static void
check_got(int line, char *got, const char *want)
{
	if (got == NULL || strcmp(got, want) != 0)
		fprintf(stderr, "\n  test_tpl.c:%d: got [%s] want [%s] (%s)\n",
		    line, got ? got : "(fail)", want, errb.ptr);
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got != NULL)
		CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

#define CHECK(src, json, want) \
	check_got(__LINE__, render(src, json, 0), want)
#define CHECK_STRICT(src, json, want) \
	check_got(__LINE__, render(src, json, TPL_STRICT), want)
/* Render one string value x through src. */
#define CHECK_X(src, x, want) \
	check_got(__LINE__, render_str(src, x, strlen(x)), want)

static char *
render_str(const char *src, const char *x, size_t n)
{
	json_object *view = json_object_new_object();
	char *s;

	json_object_object_add(view, "x", json_object_new_string_len(x, (int)n));
	s = render_view(src, view, 0);
	json_object_put(view);
	return s;
}

/* The render (or the parse) must fail with a message holding want. */
static void
check_fail(int line, const char *src, const char *json, unsigned flags,
    const char *want)
{
	char *got = render(src, json, flags);

	if (got != NULL || strstr(errb.ptr, want) == NULL)
		fprintf(stderr, "\n  test_tpl.c:%d: [%s] rendered [%s], "
		    "error [%s], wanted error [%s]\n", line, src,
		    got ? got : "(fail)", errb.ptr, want);
	CU_ASSERT_PTR_NULL(got);
	CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, want));
	free(got);
}

#define FAIL(src, want)		check_fail(__LINE__, src, NULL, 0, want)
#define FAIL_STRICT(src, json, want) \
	check_fail(__LINE__, src, json, TPL_STRICT, want)

/* Load a set from (name, text) pairs; on failure errb has the reason. */
static struct tpl_set *
load(const struct tpl_src *srcs, size_t n)
{
	buf_reset(&errb);
	return tpl_load_mem(srcs, n, &errb);
}

/* ------------------------------------------------------------------ */

static void
test_html_escape(void)
{
	CHECK_X("<p>{{x}}</p>", "<script>alert(1)</script>",
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	CHECK_X("<a title=\"{{x}}\">", "\" onmouseover=\"x",
	    "<a title=\"&quot; onmouseover=&quot;x\">");
	CHECK_X("<a title='{{x}}'>", "' onmouseover='x",
	    "<a title='&#39; onmouseover=&#39;x'>");
	CHECK_X("<a title=\"{{x}}\">", "`x`", "<a title=\"&#96;x&#96;\">");
	CHECK_X("{{x}}", "a & b &amp;", "a &amp; b &amp;amp;");
	CHECK_X("{{ x }}", "spaces in tags", "spaces in tags");
	CHECK_X("{{x}}", "caf\xc3\xa9 \xe2\x80\xa8", "caf\xc3\xa9 \xe2\x80\xa8");
	/* In an HTML comment the escaping still keeps "-->" from closing it. */
	CHECK_X("<!-- {{x}} -->", "--><script>", "<!-- --&gt;&lt;script&gt; -->");
	CHECK("{{! a comment }}x{{!\n multi\n line }}y", NULL, "xy");
	CHECK("plain text, no tags", NULL, "plain text, no tags");
	CHECK("", NULL, "");
}

static void
test_url_escape(void)
{
	CHECK_X("<a href=\"/search?q={{url:x}}\">", "a b&c=d/e?f#g",
	    "<a href=\"/search?q=a%20b%26c%3Dd%2Fe%3Ff%23g\">");
	CHECK_X("<a href=\"/s/{{url:x}}\">", "\"><script>alert(1)</script>",
	    "<a href=\"/s/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">");
	/* At the start of a URL attribute url: cannot make a scheme. */
	CHECK_X("<a href=\"{{url:x}}\">", "javascript:alert(1)",
	    "<a href=\"javascript%3Aalert%281%29\">");
	CHECK_X("{{url:x}}", "caf\xc3\xa9", "caf%C3%A9");
	CHECK("<a href=\"/p?n={{url:n}}\">", "{\"n\": 42}", "<a href=\"/p?n=42\">");
	/* url: is also allowed in a script, where it cannot break out. */
	CHECK_X("<script>f(\"/a/{{url:x}}\")</script>", "\"</script>",
	    "<script>f(\"/a/%22%3C%2Fscript%3E\")</script>");
}

static void
test_href(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* allowed, HTML-escaped */
		{ "https://example.com/a?b=1&c=2",
		  "https://example.com/a?b=1&amp;c=2" },
		{ "http://example.com", "http://example.com" },
		{ "HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/" },
		{ "mailto:someone@example.com", "mailto:someone@example.com" },
		{ "/sites/12/pages", "/sites/12/pages" },
		{ "page.html", "page.html" },
		{ "?from=2024-01-01", "?from=2024-01-01" },
		{ "#top", "#top" },
		{ "./a:b", "./a:b" },
		{ "", "" },
		{ "  https://example.com/  ", "https://example.com/" },
		{ "https://x/\" onmouseover=\"a", "https://x/&quot; onmouseover=&quot;a" },
		{ "/a'b`c<d>", "/a&#39;b&#96;c&lt;d&gt;" },
		/* no colon: a harmless relative path */
		{ "javascript&#58;alert(1)", "javascript&amp;#58;alert(1)" },
		{ "javascript%3Aalert(1)", "javascript%3Aalert(1)" },
		/* '&' ends a scheme, so this is a path with a fragment */
		{ "jav&#x09;ascript:alert(1)", "jav&amp;#x09;ascript:alert(1)" },
		/* refused */
		{ "javascript:alert(1)", "about:invalid" },
		{ " JaVaScRiPt:alert(1)", "about:invalid" },
		{ "JAVASCRIPT:alert(1)", "about:invalid" },
		{ "java\tscript:alert(1)", "about:invalid" },
		{ "java\nscript:alert(1)", "about:invalid" },
		{ "java\rscript:alert(1)", "about:invalid" },
		{ "\x01\x02javascript:alert(1)", "about:invalid" },
		{ "\x7fjavascript:alert(1)", "about:invalid" },
		{ "\t\n javascript:alert(1)", "about:invalid" },
		{ "javascript\x0b:alert(1)", "about:invalid" },
		{ "\xc2\xa0javascript:alert(1)", "about:invalid" },
		{ "data:text/html,<script>alert(1)</script>", "about:invalid" },
		{ "data:text/html;base64,PHNjcmlwdD4=", "about:invalid" },
		{ "vbscript:msgbox(1)", "about:invalid" },
		{ "file:///etc/passwd", "about:invalid" },
		{ "ftp://example.com/", "about:invalid" },
		{ "http :x", "about:invalid" },
		{ "https\x00:x", "about:invalid" },
		/* scheme-relative: another host behind a "relative" look */
		{ "//evil.example/x", "about:invalid" },
		{ "\\\\evil.example", "about:invalid" },
		{ "\\/evil.example", "about:invalid" },
		{ " //evil.example", "about:invalid" },
		{ "/\\evil.example", "about:invalid" },
		/* browsers drop tabs and newlines: these become "//evil" */
		{ "/\t/evil.example", "about:invalid" },
		{ "/\n/evil.example", "about:invalid" },
		{ "\\\r\\evil.example", "about:invalid" },
	};
	struct buf want = BUF_INIT;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&want);
		buf_addf(&want, "<a href=\"%s\">", cases[i].out);
		len = strlen(cases[i].in);
		if (strcmp(cases[i].in, "https") == 0)	/* embedded NUL */
			len = 8;
		check_got(__LINE__ * 1000 + (int)i,
		    render_str("<a href=\"{{href:x}}\">", cases[i].in, len),
		    want.ptr);
	}
	buf_release(&want);
	/* Non-strings: a number is a relative URL, missing is empty. */
	CHECK("<img src=\"{{href:n}}\">", "{\"n\": 7}", "<img src=\"7\">");
	CHECK("<img src=\"{{href:n}}\">", "{}", "<img src=\"\">");
	/* href: is HTML-escaped in text too. */
	CHECK_X("{{href:x}}", "/a?b&c", "/a?b&amp;c");
}

/* js: output, parsed back, must give the original string. */
static void
check_js_roundtrip(const char *s, size_t n)
{
	static const char open[] = "<script type=\"application/json\">";
	char *got = render_str("<script type=\"application/json\">{{js:x}}"
	    "</script>", s, n);
	char *json;
	size_t len;
	json_object *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	len = strlen(got) - strlen(open) - strlen("</script>");
	json = strndup(got + strlen(open), len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	/* Nothing in the value can end the element or open a comment. */
	CU_ASSERT_PTR_NULL(strchr(json, '<'));
	CU_ASSERT_PTR_NULL(strchr(json, '>'));
	CU_ASSERT_PTR_NULL(strstr(json, "\xe2\x80\xa8"));
	CU_ASSERT_PTR_NULL(strstr(json, "\xe2\x80\xa9"));
	o = json_tokener_parse(json);
	free(json);
	free(got);
	if (o == NULL) {
		CU_FAIL("js: output is not JSON");
		return;
	}
	CU_ASSERT_EQUAL((size_t)json_object_get_string_len(o), n);
	CU_ASSERT(memcmp(json_object_get_string(o), s, n) == 0);
	json_object_put(o);
}

static void
test_js(void)
{
	static const char *const hostile[] = {
		"</script><script>alert(1)</script>",
		"</SCRIPT >",
		"<!--<script>",
		"' \" ` & < > \\ /",
		"line\nbreak\rand\ttab\x01\x1f",
		"sep\xe2\x80\xa8" "and\xe2\x80\xa9" "end",
		"caf\xc3\xa9 \xf0\x9f\x98\x80",
		"]]></x>",
	};
	size_t i;

	CHECK_X("<script type=\"application/json\">{{js:x}}</script>",
	    "</script><script>alert(1)</script>",
	    "<script type=\"application/json\">\"\\u003c/script\\u003e"
	    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"</script>");
	CHECK_X("<script>{{js:x}}</script>", "'&\"\\",
	    "<script>\"\\u0027\\u0026\\\"\\\\\"</script>");
	CHECK_X("<script>{{js:x}}</script>", "\xe2\x80\xa8\xe2\x80\xa9",
	    "<script>\"\\u2028\\u2029\"</script>");
	CHECK_X("<script>{{js:x}}</script>", "\x01\n",
	    "<script>\"\\u0001\\n\"</script>");
	/* Invalid UTF-8 (a stray byte, an overlong '<', a surrogate). */
	CHECK_X("<script>{{js:x}}</script>", "a\xff" "b\xc0\xbc" "c\xed\xa0\x80",
	    "<script>\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffd\"</script>");
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		check_js_roundtrip(hostile[i], strlen(hostile[i]));

	/* Whole values: objects, arrays, numbers, and missing as null. */
	CHECK("<script type=\"application/json\">{{js:chart}}</script>",
	    "{\"chart\": {\"labels\": [\"Mon\", \"<b>\"], \"n\": [1, 2.5, -3],"
	    " \"ok\": true, \"none\": null, \"k<\": {}}}",
	    "<script type=\"application/json\">{\"labels\":[\"Mon\","
	    "\"\\u003cb\\u003e\"],\"n\":[1,2.5,-3],\"ok\":true,\"none\":null,"
	    "\"k\\u003c\":{}}</script>");
	CHECK("<script>var a = {{js:missing}}, b = {{js:n}};</script>",
	    "{\"n\": 1e300}", "<script>var a = null, b = 1e+300;</script>");
	CHECK("<script>{{#rows}}{{js:@index}},{{js:@last}};{{/rows}}</script>",
	    "{\"rows\": [1, 2]}", "<script>0,false;1,true;</script>");
}

static void
test_js_depth(void)
{
	json_object *view = json_object_new_object(), *o, *inner;
	char *got;
	int i;

	/* 40 nested arrays: past TPL_MAX_JSON, so the render fails. */
	o = json_object_new_array();
	for (i = 0; i < 40; i++) {
		inner = json_object_new_array();
		json_object_array_add(inner, o);
		o = inner;
	}
	json_object_object_add(view, "deep", o);
	got = render_view("<script>{{js:deep}}</script>", view, 0);
	CU_ASSERT_PTR_NULL(got);
	CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, "nests deeper than"));
	free(got);
	json_object_put(view);
}

static void
test_raw(void)
{
	CHECK("<div>{{{raw:html}}}</div>", "{\"html\": \"<b>bold</b>\"}",
	    "<div><b>bold</b></div>");
	CHECK("{{{ raw:html }}}", "{\"html\": \"<i>\"}", "<i>");
	FAIL("{{raw:html}}", "string.html:1:3: raw output is spelled {{{raw:name}}}");
	FAIL("{{&html}}", "string.html:1:1: unescaped output is spelled");
	FAIL("{{{html}}}", "string.html:1:1: triple braces are only for");
}

static void
test_values(void)
{
	CHECK("{{i}} {{neg}} {{big}} {{huge}}",
	    "{\"i\": 42, \"neg\": -7, \"big\": 9007199254740993,"
	    " \"huge\": 18446744073709551615}",
	    "42 -7 9007199254740993 18446744073709551615");
	CHECK("{{a}} {{b}} {{c}} {{d}} {{e}}",
	    "{\"a\": 3.14, \"b\": 2.0, \"c\": 1e21, \"d\": 0.000001, \"e\": -0.5}",
	    "3.14 2 1e+21 1e-06 -0.5");
	CHECK("{{t}} {{f}} [{{n}}] [{{missing}}]",
	    "{\"t\": true, \"f\": false, \"n\": null}", "true false [] []");
	/* 0.1 + 0.2 shows as 0.3: %.15g drops the noise digits. */
	{
		json_object *v = json_object_new_object();
		char *got;

		json_object_object_add(v, "x", json_object_new_double(0.1 + 0.2));
		json_object_object_add(v, "nan", json_object_new_double(NAN));
		json_object_object_add(v, "inf", json_object_new_double(-INFINITY));
		got = render_view("{{x}} {{nan}} {{inf}} <script>{{js:nan}}"
		    "</script>", v, 0);
		check_got(__LINE__, got, "0.3 NaN -Infinity <script>null</script>");
		json_object_put(v);
	}
	/* Objects and arrays have no text: empty, or an error when strict. */
	CHECK("[{{o}}][{{a}}]", "{\"o\": {\"k\": 1}, \"a\": [1]}", "[][]");
	FAIL_STRICT("{{o}}", "{\"o\": {}}", "string.html:1:1: 'o' is an object, not text");
	FAIL_STRICT("x\n {{a}}", "{\"a\": []}", "string.html:2:2: 'a' is an array, not text");
	/* No view at all. */
	CHECK("[{{x}}][{{.}}]", NULL, "[][]");
}

static void
test_lookup(void)
{
	CHECK("{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep");
	CHECK("{{a.b.c}}", "{\"a\": {\"b\": 1}}", "");
	CHECK("{{site-name}} {{site_id}}", "{\"site-name\": \"x\", \"site_id\": 3}",
	    "x 3");
	/* Outward through enclosing sections. */
	CHECK("{{#user}}{{name}} of {{org}}{{/user}}",
	    "{\"org\": \"Acme\", \"user\": {\"name\": \"Ann\"}}", "Ann of Acme");
	/* Inner names hide outer ones. */
	CHECK("{{#user}}{{name}}{{/user}} {{name}}",
	    "{\"name\": \"outer\", \"user\": {\"name\": \"inner\"}}",
	    "inner outer");
	/* A dotted name's first part is searched outward, the rest is not. */
	CHECK("{{#a}}[{{b.c}}]{{/a}}",
	    "{\"a\": {\"b\": {}}, \"b\": {\"c\": \"root\"}}", "[]");
	CHECK("{{#a}}[{{b.c}}]{{/a}}",
	    "{\"a\": {\"x\": 1}, \"b\": {\"c\": \"root\"}}", "[root]");
	/* A null value hides an outer one, as a found key. */
	CHECK("{{#a}}[{{b}}]{{/a}}", "{\"a\": {\"b\": null}, \"b\": \"outer\"}",
	    "[]");
	CHECK("{{#name}}Hello {{.}}!{{/name}}", "{\"name\": \"Bob\"}",
	    "Hello Bob!");
}

static void
test_sections(void)
{
	static const char *const falsy[] = {
		"false", "null", "[]", "\"\"", "0", "0.0",
	};
	static const char *const truthy[] = {
		"true", "1", "-1", "0.5", "\"x\"", "\"0\"", "{}", "[0]",
	};
	struct buf json = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++) {
		buf_reset(&json);
		buf_addf(&json, "{\"x\": %s}", falsy[i]);
		CHECK("[{{#x}}yes{{/x}}{{^x}}no{{/x}}]", json.ptr, "[no]");
	}
	for (i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
		buf_reset(&json);
		buf_addf(&json, "{\"x\": %s}", truthy[i]);
		CHECK("[{{#x}}yes{{/x}}{{^x}}no{{/x}}]", json.ptr, "[yes]");
	}
	buf_release(&json);
	CHECK("[{{#x}}yes{{/x}}{{^x}}no{{/x}}]", "{}", "[no]");

	/* Nested sections, each an object context. */
	CHECK("{{#a}}{{#b}}{{#c}}{{v}}{{w}}{{u}}{{/c}}{{/b}}{{/a}}",
	    "{\"u\": 1, \"a\": {\"w\": 2, \"b\": {\"c\": {\"v\": 3}}}}",
	    "321");
	CHECK("{{#a}}{{^b}}no b in {{n}}{{/b}}{{/a}}",
	    "{\"a\": {\"n\": \"a\"}}", "no b in a");
	/* Standalone section lines leave no blank lines behind. */
	CHECK("<ul>\n  {{#rows}}\n  <li>{{.}}</li>\n  {{/rows}}\n</ul>\n",
	    "{\"rows\": [1, 2]}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
	CHECK("a\r\n{{#t}}\r\nb\r\n{{/t}}\r\nc", "{\"t\": true}", "a\r\nb\r\nc");
	CHECK("a {{#t}}b{{/t}} c\n", "{\"t\": true}", "a b c\n");
	CHECK("  {{! standalone comment }}\nx", NULL, "x");
	CHECK("{{#t}}\n{{/t}}", "{\"t\": true}", "");
}

static void
test_arrays(void)
{
	CHECK("{{#rows}}{{@index}}:{{name}}{{#@first}}(first){{/@first}}"
	    "{{^@last}}, {{/@last}}{{/rows}}",
	    "{\"rows\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]}",
	    "0:a(first), 1:b, 2:c");
	CHECK("{{#rows}}{{@first}}/{{@last}} {{/rows}}",
	    "{\"rows\": [1, 2]}", "true/false false/true ");
	CHECK("{{#one}}{{@first}}{{@last}}{{@index}}{{/one}}",
	    "{\"one\": [\"x\"]}", "truetrue0");
	CHECK("{{#xs}}[{{.}}]{{/xs}}", "{\"xs\": [\"a\", 2, true, null, \"<\"]}",
	    "[a][2][true][][&lt;]");
	/* Nested lists: @index is the innermost list's. */
	CHECK("{{#rows}}{{#cells}}{{@index}}{{/cells}};{{/rows}}",
	    "{\"rows\": [{\"cells\": [7, 8]}, {\"cells\": [9]}]}", "01;0;");
	/* An object section inside a list keeps the list's @index. */
	CHECK("{{#rows}}{{#meta}}{{@index}}{{/meta}}{{/rows}}",
	    "{\"rows\": [{\"meta\": {}}, {\"meta\": {}}]}", "01");
	/* Lists of lists, and outer names from inside. */
	CHECK("{{#m}}{{#.}}{{.}}{{sep}}{{/.}}|{{/m}}",
	    "{\"sep\": \",\", \"m\": [[1, 2], [3]]}", "1,2,|3,|");
	CHECK("[{{#rows}}x{{/rows}}]", "{\"rows\": []}", "[]");
}

static void
test_partials(void)
{
	const struct tpl_src srcs[] = {
		{ "layout/header.html",
		  "<html><head><title>{{title}}</title></head><body>\n" },
		{ "layout/footer.html", "</body></html>\n" },
		{ "row.html", "<tr><td>{{name}}</td><td>{{title}}</td></tr>\n" },
		{ "page.html",
		  "{{>layout/header.html}}\n"
		  "<table>\n{{#rows}}\n{{> row.html }}\n{{/rows}}\n</table>\n"
		  "{{>layout/footer.html}}\n" },
	};
	struct tpl_set *set;
	json_object *view;
	struct buf out = BUF_INIT;

	set = load(srcs, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	CU_ASSERT_EQUAL(tpl_count(set), 4);
	CU_ASSERT(tpl_has(set, "layout/header.html"));
	CU_ASSERT(!tpl_has(set, "nope.html"));
	view = json_tokener_parse("{\"title\": \"T<\", \"rows\": "
	    "[{\"name\": \"a\"}, {\"name\": \"b\", \"title\": \"own\"}]}");
	CU_ASSERT_EQUAL(tpl_render(set, "page.html", view, &out, TPL_STRICT), 0);
	CU_ASSERT_STRING_EQUAL(out.ptr,
	    "<html><head><title>T&lt;</title></head><body>\n"
	    "<table>\n"
	    "<tr><td>a</td><td>T&lt;</td></tr>\n"
	    "<tr><td>b</td><td>own</td></tr>\n"
	    "</table>\n"
	    "</body></html>\n");
	/* An unknown template name fails without touching out. */
	fprintf(stderr, "\n  (a \"no template\" error line is expected here)\n");
	buf_reset(&out);
	buf_adds(&out, "kept");
	CU_ASSERT_EQUAL(tpl_render(set, "nope.html", view, &out, 0), -1);
	CU_ASSERT_STRING_EQUAL(out.ptr, "kept");
	buf_release(&out);
	json_object_put(view);
	tpl_free(set);
	tpl_free(NULL);
}

static void
check_load_fail(int line, const struct tpl_src *srcs, size_t n,
    const char *want)
{
	struct tpl_set *set = load(srcs, n);

	if (set != NULL || strstr(errb.ptr, want) == NULL)
		fprintf(stderr, "\n  test_tpl.c:%d: load %s, error [%s], "
		    "wanted [%s]\n", line, set ? "passed" : "failed",
		    errb.ptr, want);
	CU_ASSERT_PTR_NULL(set);
	CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, want));
	tpl_free(set);
}

static void
test_partial_refusals(void)
{
	const struct tpl_src self[] = {
		{ "a.html", "x\n  {{>a.html}}" },
	};
	const struct tpl_src pair[] = {
		{ "a.html", "{{#x}}{{>b.html}}{{/x}}" },
		{ "b.html", "{{>a.html}}" },
	};
	const struct tpl_src unknown[] = {
		{ "a.html", "\n\n   {{>missing.html}}" },
	};
	const struct tpl_src mixed[] = {
		{ "a.html", "{{>mail.txt}}" },
		{ "mail.txt", "Hello" },
	};
	const struct tpl_src badname[] = {
		{ "a.html", "{{>../etc/passwd}}" },
	};
	const struct tpl_src dup[] = {
		{ "a.html", "1" }, { "a.html", "2" },
	};
	const struct tpl_src rowpage[] = {
		{ "row.html", "<td>{{@index}} {{.}}</td>" },
		{ "list.html", "{{#rows}}{{>row.html}}{{/rows}}" },
	};
	struct tpl_src chain[TPL_MAX_PARTIAL + 2];
	char names[TPL_MAX_PARTIAL + 2][16], texts[TPL_MAX_PARTIAL + 2][32];
	struct tpl_set *set;
	int i, n;

	check_load_fail(__LINE__, self, 1, "a.html:2:3: partial 'a.html' includes itself");
	check_load_fail(__LINE__, pair, 2, "partial 'a.html' includes itself");
	check_load_fail(__LINE__, unknown, 1, "a.html:3:4: no template 'missing.html'");
	check_load_fail(__LINE__, mixed, 2, "an HTML template can only include HTML templates");
	check_load_fail(__LINE__, badname, 1, "a.html:1:4: bad partial name '../etc/passwd'");
	check_load_fail(__LINE__, dup, 2, "a.html: duplicate template name");
	FAIL("{{>string.html}}", "partial 'string.html' includes itself");
	check_load_fail(__LINE__, rowpage, 1, "row.html:1:7: '@index' outside any section");

	/* @index at the top of a partial is fine when a list includes it. */
	set = load(rowpage, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	{
		struct buf out = BUF_INIT;
		json_object *v = json_tokener_parse("{\"rows\": [\"a\", \"b\"]}");

		CU_ASSERT_EQUAL(tpl_render(set, "list.html", v, &out, TPL_STRICT), 0);
		CU_ASSERT_STRING_EQUAL(out.ptr, "<td>0 a</td><td>1 b</td>");
		buf_release(&out);
		json_object_put(v);
	}
	tpl_free(set);

	/* A chain of TPL_MAX_PARTIAL includes loads; one more does not. */
	for (n = TPL_MAX_PARTIAL + 1; n <= TPL_MAX_PARTIAL + 2; n++) {
		for (i = 0; i < n; i++) {
			snprintf(names[i], sizeof(names[i]), "p%02d.html", i);
			if (i + 1 < n)
				snprintf(texts[i], sizeof(texts[i]),
				    "{{>p%02d.html}}", i + 1);
			else
				snprintf(texts[i], sizeof(texts[i]), "end");
			chain[i].name = names[i];
			chain[i].text = texts[i];
		}
		set = load(chain, (size_t)n);
		if (n == TPL_MAX_PARTIAL + 1) {
			struct buf out = BUF_INIT;

			CU_ASSERT_PTR_NOT_NULL_FATAL(set);
			CU_ASSERT_EQUAL(tpl_render(set, "p00.html", NULL, &out, 0), 0);
			CU_ASSERT_STRING_EQUAL(out.ptr, "end");
			buf_release(&out);
		} else {
			CU_ASSERT_PTR_NULL(set);
			CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, "partials nest deeper than 16"));
		}
		tpl_free(set);
	}
}

static void
test_parse_errors(void)
{
	FAIL("<p>\n  {{#rows}}\n  <li>", "string.html:2:3: unclosed section 'rows'");
	FAIL("{{#a}}{{#b}}x{{/a}}{{/b}}",
	    "string.html:1:14: {{/a}} does not match {{#b}} opened at 1:7");
	FAIL("x{{/a}}", "string.html:1:2: {{/a}} closes nothing");
	FAIL("<p>{{foo:x}}</p>", "string.html:1:6: unknown modifier 'foo'");
	FAIL("{{attr:x}}", "unknown modifier 'attr'");
	FAIL("{{#url:x}}{{/url:x}}", "string.html:1:4: a modifier on a section");
	FAIL("{{x", "string.html:1:4: expected '}}'");
	FAIL("{{x y}}", "string.html:1:5: expected '}}'");
	FAIL("{{}}", "string.html:1:3: empty name");
	FAIL("{{a..b}}", "string.html:1:5: unexpected '.' in a name");
	FAIL("{{a$}}", "string.html:1:4: expected '}}'");
	FAIL("{{! never closed", "string.html:1:1: unclosed comment");
	FAIL("{{=<% %>=}}", "changing delimiters is not supported");
	FAIL("x\n{{@index}}", "string.html:2:3: '@index' outside any section");
	FAIL("{{#a}}{{/a}}{{@first}}", "string.html:1:15: '@first' outside any section");
	FAIL("{{#a}}{{@count}}{{/a}}", "unknown name '@count'");
	FAIL("{{>}}", "bad partial name ''");
}

static void
test_html_context(void)
{
	/* Unquoted attribute values: refused, whatever the tag. */
	FAIL("<a href={{x}}>", "string.html:1:9: a value in an unquoted attribute value");
	FAIL("<p>\n<a class=big{{x}}>", "string.html:2:13: a value in an unquoted attribute value");
	FAIL("<a href= {{x}}>", "unquoted attribute value");
	FAIL("<a href={{{raw:x}}}>", "unquoted attribute value");
	FAIL("<a href={{#x}}y{{/x}}>", "a section in an unquoted attribute value");
	FAIL("<a href={{url:x}}>", "unquoted attribute value");
	/* Values where attribute names go, or as a tag name. */
	FAIL("<div {{x}}>", "string.html:1:6: a value inside a tag must be in a quoted attribute value");
	FAIL("<div class=\"a\" {{x}}>", "must be in a quoted attribute value");
	FAIL("<{{x}}>", "must be in a quoted attribute value");
	FAIL("</{{x}}>", "must be in a quoted attribute value");
	FAIL("<div data-{{x}}=\"1\">", "must be in a quoted attribute value");
	FAIL("<div {{>p.html}}>", "a partial inside a tag");
	/* Script-bearing attributes. */
	FAIL("<a onclick=\"go('{{x}}')\">", "no values in event handler attributes");
	FAIL("<body ONLOAD='{{url:x}}'>", "no values in event handler attributes");
	FAIL("<p style=\"color: {{x}}\">", "no values in a style attribute");
	FAIL("<iframe srcdoc=\"{{x}}\">", "no values in a srcdoc attribute");
	/* URL attributes: the scheme must be fixed by literal text or href:. */
	FAIL("<a href=\"{{x}}\">", "a URL attribute must start with literal text");
	FAIL("<img src='{{x}}'>", "a URL attribute must start with literal text");
	FAIL("<form action=\"{{x}}\">", "a URL attribute must start with literal text");
	FAIL("<a href=\"java{{x}}\">", "a URL attribute must start with literal text");
	FAIL("<a href=\"{{#a}}/{{/a}}{{x}}\">", "a URL attribute must start with literal text");
	FAIL("<a href=\"{{href:a}}{{x}}\">", "a URL attribute must start with literal text");
	CHECK("<a href=\"{{#a}}/{{x}}{{/a}}\">", "{\"a\": true, \"x\": \"p\"}", "<a href=\"/p\">");
	CHECK("<a href=\"/s/{{x}}\" title=\"{{x}}\">", "{\"x\": \"1\"}",
	    "<a href=\"/s/1\" title=\"1\">");
	CHECK("<a href=\"https://example.com/{{x}}\">", "{\"x\": \"p\"}",
	    "<a href=\"https://example.com/p\">");
	CHECK("<a href=\"?page={{x}}\">", "{\"x\": 2}", "<a href=\"?page=2\">");
	CHECK("<a href=\"{{href:a}}?q={{url:q}}\">", "{\"a\": \"/s\", \"q\": \"x y\"}",
	    "<a href=\"/s?q=x%20y\">");
	/* js: only in a script; in a script only js: and url:. */
	FAIL("<p>{{js:x}}</p>", "{{js:...}} belongs in a script element");
	FAIL("<div data-x=\"{{js:x}}\">", "{{js:...}} belongs in a script element, not an attribute");
	FAIL("<script>var a = '{{x}}';</script>", "in a script element use {{js:...}}");
	FAIL("<SCRIPT type=\"module\">\nf({{href:x}})</SCRIPT>", "string.html:2:3: in a script element use");
	FAIL("<style>p { color: {{x}} }</style>", "no values in a style element");
	FAIL("<script>{{>p.html}}</script>", "a partial inside a script element");
	FAIL("<p title=\"{{>p.html}}\">", "a partial inside an attribute value");
	/* The script element ends only at its own end tag. */
	CHECK("<script>if (a < b) x = \"</p>\";</script><p>{{x}}</p>",
	    "{\"x\": \"<\"}", "<script>if (a < b) x = \"</p>\";</script><p>&lt;</p>");
	FAIL("<script>x = \"</scripty>{{x}}\"</script>", "in a script element use");
	/* Sections are fine inside tags and values; raw is the escape hatch. */
	CHECK("<input type=\"checkbox\"{{#on}} checked{{/on}}>", "{\"on\": true}",
	    "<input type=\"checkbox\" checked>");
	CHECK("<option value=\"{{v}}\"{{#sel}} selected{{/sel}}>{{v}}</option>",
	    "{\"v\": \"a&b\", \"sel\": false}",
	    "<option value=\"a&amp;b\">a&amp;b</option>");
	CHECK("<div {{{raw:attrs}}}>", "{\"attrs\": \"id=\\\"x\\\"\"}", "<div id=\"x\">");
	/* Comments, doctype and "<" that opens no tag. */
	CHECK("<!DOCTYPE html><!-- <a href={{x}}> -->{{x}}", "{\"x\": 1}",
	    "<!DOCTYPE html><!-- <a href=1> -->1");
	CHECK("<!--><a title=\"{{x}}\">", "{\"x\": 1}", "<!--><a title=\"1\">");
	FAIL("<!--><a href={{x}}>", "unquoted attribute value");
	CHECK("a < b, {{x}} <= c", "{\"x\": 1}", "a < b, 1 <= c");
	FAIL("<p>{{x}}<{{y}}", "must be in a quoted attribute value");
	/* A template must not end inside a tag, comment or script. */
	FAIL("<a href=\"x", "template ends inside a tag");
	FAIL("<script>", "template ends inside a script or style element");
	FAIL("<!-- x", "template ends inside an HTML comment");
}

static void
test_text_templates(void)
{
	const struct tpl_src srcs[] = {
		{ "mail/reset.txt",
		  "Hello {{name}},\n"
		  "{{#sites}}\n"
		  "- {{.}}\n"
		  "{{/sites}}\n"
		  "Reset: https://trackr.example/reset?t={{url:token}}\n"
		  "{{>mail/footer.txt}}" },
		{ "mail/footer.txt", "-- \nTrackR & co\n" },
	};
	const struct tpl_src bad[] = {
		{ "mail/x.txt", "{{js:x}}" },
	};
	const struct tpl_src txt_html[] = {
		{ "mail/x.txt", "{{>a.html}}" }, { "a.html", "x" },
	};
	struct tpl_set *set;
	json_object *view;
	struct buf out = BUF_INIT;

	set = load(srcs, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	view = json_tokener_parse("{\"name\": \"O'Brien <ob@x>\", "
	    "\"sites\": [\"a.example\", \"b&c.example\"], \"token\": \"a+b/c\"}");
	CU_ASSERT_EQUAL(tpl_render(set, "mail/reset.txt", view, &out, TPL_STRICT), 0);
	CU_ASSERT_STRING_EQUAL(out.ptr,
	    "Hello O'Brien <ob@x>,\n"
	    "- a.example\n"
	    "- b&c.example\n"
	    "Reset: https://trackr.example/reset?t=a%2Bb%2Fc\n"
	    "-- \nTrackR & co\n");
	buf_release(&out);
	json_object_put(view);
	tpl_free(set);
	check_load_fail(__LINE__, bad, 1, "mail/x.txt:1:1: {{js:...}} has no place in a text template");
	check_load_fail(__LINE__, txt_html, 2, "a text template can only include text templates");
}

static void
test_strict(void)
{
	const char *view = "{\"site\": {\"name\": \"x\"}, \"rows\": [1]}";

	CHECK("[{{site.nmae}}][{{nope}}]", view, "[][]");
	FAIL_STRICT("<p>\n  {{site.nmae}}</p>", view,
	    "string.html:2:3: no value for 'site.nmae'");
	FAIL_STRICT("{{#sitez}}x{{/sitez}}", view, "string.html:1:1: no value for 'sitez'");
	FAIL_STRICT("{{^sitez}}x{{/sitez}}", view, "no value for 'sitez'");
	FAIL_STRICT("{{#site}}{{@index}}{{/site}}", view, "no value for '@index'");
	FAIL_STRICT("<script>{{js:nope}}</script>", view, "no value for 'nope'");
	CHECK_STRICT("{{site.name}}{{#rows}}{{@index}}{{.}}{{/rows}}{{^nul}}-{{/nul}}",
	    "{\"site\": {\"name\": \"x\"}, \"rows\": [1], \"nul\": null}", "x01-");
}

static void
test_output_limit(void)
{
	json_object *view = json_object_new_object(), *rows = json_object_new_array();
	struct buf out;
	int i;

	for (i = 0; i < 1000; i++)
		json_object_array_add(rows, json_object_new_int(i));
	json_object_object_add(view, "rows", rows);

	buf_init(&out, 100);
	buf_adds(&out, "prefix");
	buf_reset(&errb);
	CU_ASSERT_EQUAL(tpl_render_string("{{#rows}}<li>{{.}}</li>{{/rows}}",
	    view, &out, 0, &errb), -1);
	CU_ASSERT(out.err);
	CU_ASSERT_STRING_EQUAL(out.ptr, "prefix");	/* the partial page is taken back */
	CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, "output past 100 bytes"));
	buf_release(&out);

	buf_init(&out, 1 << 20);
	CU_ASSERT_EQUAL(tpl_render_string("{{#rows}}<li>{{.}}</li>{{/rows}}",
	    view, &out, 0, &errb), 0);
	CU_ASSERT(!out.err);
	CU_ASSERT(out.len > 1000);
	buf_release(&out);
	json_object_put(view);
}

static void
test_limits(void)
{
	struct buf src = BUF_INIT;
	char *big;
	int i;

	/* TPL_MAX_NEST sections load; one more does not. */
	for (i = 0; i < TPL_MAX_NEST; i++)
		buf_adds(&src, "{{#a}}");
	for (i = 0; i < TPL_MAX_NEST; i++)
		buf_adds(&src, "{{/a}}");
	check_got(__LINE__, render(src.ptr, "{}", 0), "");
	buf_reset(&src);
	for (i = 0; i <= TPL_MAX_NEST; i++)
		buf_adds(&src, "{{#a}}");
	FAIL(src.ptr, "sections nest deeper than 32");
	buf_release(&src);

	/* A template past TPL_MAX_FILE is refused. */
	big = malloc(TPL_MAX_FILE + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', TPL_MAX_FILE + 1);
	big[TPL_MAX_FILE + 1] = '\0';
	FAIL(big, "string.html: larger than 1048576 bytes");
	big[TPL_MAX_FILE] = '\0';
	check_got(__LINE__, render(big, NULL, 0), big);
	free(big);
	FAIL("{{a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q}}", "name has more than 16 parts");

	/* Sections around a partial add to those inside it. */
	{
		struct buf outer = BUF_INIT, inner = BUF_INIT;
		struct tpl_src srcs[2];
		struct tpl_set *set;

		for (i = 0; i < TPL_MAX_NEST; i++)
			buf_adds(&outer, "{{#a}}");
		buf_adds(&outer, "{{>in.html}}");
		for (i = 0; i < TPL_MAX_NEST; i++)
			buf_adds(&outer, "{{/a}}");
		for (i = 0; i < TPL_MAX_NEST - 1; i++)
			buf_adds(&inner, "{{#b}}");
		for (i = 0; i < TPL_MAX_NEST - 1; i++)
			buf_adds(&inner, "{{/b}}");
		srcs[0].name = "out.html";
		srcs[0].text = outer.ptr;
		srcs[1].name = "in.html";
		srcs[1].text = inner.ptr;
		set = load(srcs, 2);
		CU_ASSERT_PTR_NOT_NULL(set);	/* 32 + 31 contexts */
		tpl_free(set);
		buf_reset(&inner);
		for (i = 0; i < TPL_MAX_NEST; i++)
			buf_adds(&inner, "{{#b}}");
		for (i = 0; i < TPL_MAX_NEST; i++)
			buf_adds(&inner, "{{/b}}");
		srcs[1].text = inner.ptr;
		set = load(srcs, 2);
		CU_ASSERT_PTR_NULL(set);	/* 32 + 32 */
		CU_ASSERT_PTR_NOT_NULL(strstr(errb.ptr, "sections nest deeper than 63 counting partials"));
		tpl_free(set);
		buf_release(&outer);
		buf_release(&inner);
	}
}

/* ------------------------------------------------------------------ */
/* Loading a directory */

static char tmpdir[64];

static void
put_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
rm_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static void
test_load_dir(void)
{
	struct tpl_set *set;
	struct buf out = BUF_INIT, path = BUF_INIT;
	json_object *view;
	FILE *f;
	int i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_tpl.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	buf_addf(&path, "%s/layout", tmpdir);
	CU_ASSERT_EQUAL(mkdir(path.ptr, 0700), 0);
	buf_reset(&path);
	buf_addf(&path, "%s/account", tmpdir);
	CU_ASSERT_EQUAL(mkdir(path.ptr, 0700), 0);
	buf_reset(&path);
	buf_addf(&path, "%s/.git", tmpdir);
	CU_ASSERT_EQUAL(mkdir(path.ptr, 0700), 0);
	put_file("layout/head.html", "<title>{{title}}</title>\n");
	put_file("account/login.html",
	    "{{>layout/head.html}}\n<form action=\"/login\">{{user}}</form>\n");
	put_file("account/welcome.txt", "Welcome, {{user}}\n");
	put_file("README.md", "not a template {{");
	put_file(".hidden.html", "{{#broken");
	put_file(".git/x.html", "{{#broken");

	set = tpl_load_dir(tmpdir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	CU_ASSERT_EQUAL(tpl_count(set), 3);
	CU_ASSERT(tpl_has(set, "account/login.html"));
	CU_ASSERT(tpl_has(set, "account/welcome.txt"));
	view = json_tokener_parse("{\"title\": \"Log in\", \"user\": \"<u>\"}");
	CU_ASSERT_EQUAL(tpl_render(set, "account/login.html", view, &out, 0), 0);
	CU_ASSERT_STRING_EQUAL(out.ptr, "<title>Log in</title>\n"
	    "<form action=\"/login\">&lt;u&gt;</form>\n");
	buf_reset(&out);
	CU_ASSERT_EQUAL(tpl_render(set, "account/welcome.txt", view, &out, 0), 0);
	CU_ASSERT_STRING_EQUAL(out.ptr, "Welcome, <u>\n");
	json_object_put(view);
	tpl_free(set);

	/* One bad file spoils the load (the reason is logged). */
	put_file("account/bad.html", "<p>\n{{#x}}\n");
	fprintf(stderr, "\n  (an \"unclosed section\" error line is expected here)\n");
	CU_ASSERT_PTR_NULL(tpl_load_dir(tmpdir));
	buf_reset(&path);
	buf_addf(&path, "%s/account/bad.html", tmpdir);
	unlink(path.ptr);

	/* So does a file past TPL_MAX_FILE. */
	buf_reset(&path);
	buf_addf(&path, "%s/big.html", tmpdir);
	f = fopen(path.ptr, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (i = 0; i <= TPL_MAX_FILE / 64; i++)
		fputs("0123456789012345678901234567890123456789012345678901234567890123", f);
	fclose(f);
	fprintf(stderr, "  (a \"larger than\" error line is expected here)\n");
	CU_ASSERT_PTR_NULL(tpl_load_dir(tmpdir));
	unlink(path.ptr);

	/* A missing directory is an error too. */
	buf_reset(&path);
	buf_addf(&path, "%s/nope", tmpdir);
	fprintf(stderr, "  (a \"No such file\" error line is expected here)\n");
	CU_ASSERT_PTR_NULL(tpl_load_dir(path.ptr));

	buf_release(&path);
	buf_release(&out);
	rm_tree();
}

/* ------------------------------------------------------------------ */
/* Concurrency: one set, many threads, each with its own view. */

static const char table_tpl[] =
    "<table>{{#rows}}<tr class=\"{{#@first}}first{{/@first}}\">"
    "<td>{{@index}}</td><td>{{name}}</td><td><a href=\"/p/{{url:path}}\">"
    "{{path}}</a></td></tr>{{/rows}}</table>";

struct job {
	const struct tpl_set *set;
	int id, ok;
};

static void *
run_job(void *arg)
{
	struct job *j = arg;
	json_object *view = json_object_new_object(), *rows = json_object_new_array();
	struct buf out = BUF_INIT, want = BUF_INIT;
	int i, round;

	for (i = 0; i < 50; i++) {
		json_object *row = json_object_new_object();
		char name[32];

		snprintf(name, sizeof(name), "t%d<r%d>", j->id, i);
		json_object_object_add(row, "name", json_object_new_string(name));
		json_object_object_add(row, "path", json_object_new_string("a b"));
		json_object_array_add(rows, row);
	}
	json_object_object_add(view, "rows", rows);
	buf_adds(&want, "<table>");
	for (i = 0; i < 50; i++)
		buf_addf(&want, "<tr class=\"%s\"><td>%d</td><td>t%d&lt;r%d&gt;"
		    "</td><td><a href=\"/p/a%%20b\">a b</a></td></tr>",
		    i == 0 ? "first" : "", i, j->id, i);
	buf_adds(&want, "</table>");
	j->ok = 1;
	for (round = 0; round < 200; round++) {
		buf_reset(&out);
		if (tpl_render(j->set, "table.html", view, &out, TPL_STRICT) != 0 ||
		    strcmp(out.ptr, want.ptr) != 0)
			j->ok = 0;
	}
	buf_release(&out);
	buf_release(&want);
	json_object_put(view);
	return NULL;
}

static void
test_threads(void)
{
	const struct tpl_src srcs[] = { { "table.html", table_tpl } };
	struct tpl_set *set = load(srcs, 1);
	pthread_t th[8];
	struct job jobs[8];
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	for (i = 0; i < 8; i++) {
		jobs[i].set = set;
		jobs[i].id = i;
		jobs[i].ok = 0;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT(jobs[i].ok);
	}
	tpl_free(set);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("tpl", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "html escaping", test_html_escape) == NULL ||
	    CU_add_test(s, "url: escaping", test_url_escape) == NULL ||
	    CU_add_test(s, "href: schemes", test_href) == NULL ||
	    CU_add_test(s, "js: in script", test_js) == NULL ||
	    CU_add_test(s, "js: depth bound", test_js_depth) == NULL ||
	    CU_add_test(s, "raw output", test_raw) == NULL ||
	    CU_add_test(s, "scalar values", test_values) == NULL ||
	    CU_add_test(s, "name lookup", test_lookup) == NULL ||
	    CU_add_test(s, "sections", test_sections) == NULL ||
	    CU_add_test(s, "arrays", test_arrays) == NULL ||
	    CU_add_test(s, "partials", test_partials) == NULL ||
	    CU_add_test(s, "partial refusals", test_partial_refusals) == NULL ||
	    CU_add_test(s, "parse errors", test_parse_errors) == NULL ||
	    CU_add_test(s, "html context rules", test_html_context) == NULL ||
	    CU_add_test(s, "text templates", test_text_templates) == NULL ||
	    CU_add_test(s, "strict mode", test_strict) == NULL ||
	    CU_add_test(s, "output limit", test_output_limit) == NULL ||
	    CU_add_test(s, "size and nesting limits", test_limits) == NULL ||
	    CU_add_test(s, "load a directory", test_load_dir) == NULL ||
	    CU_add_test(s, "concurrent rendering", test_threads) == NULL) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_suites_failed() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	buf_release(&errb);
	return failed ? 1 : 0;
}
