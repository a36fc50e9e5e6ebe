/*
 * test_export: CUnit suite for cgi/dashboard/export.c: CSV cells and
 * formula neutralisation (read back with an RFC 4180 reader), the JSON
 * writer's commas, nesting, escaping and misuse (checked with json-c),
 * and download names that cannot break a header.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "export.h"
#include "json.h"

/* The buffer holds exactly the literal lit. */
#define HOLDS(b, lit)	((b)->len == sizeof(lit) - 1 && \
	memcmp((b)->ptr, (lit), sizeof(lit) - 1) == 0)

/* One text cell alone in its row, as written. */
static int
cell_is(const char *s, size_t n, const char *want, size_t wn)
{
	struct buf b = BUF_INIT;
	int ok;

	export_csv_cell(&b, s, n, 1);
	ok = b.len == wn && memcmp(b.ptr, want, wn) == 0;
	buf_release(&b);
	return ok;
}

#define CELL(in, want)	cell_is((in), sizeof(in) - 1, (want), sizeof(want) - 1)

/*
 * An RFC 4180 reader for the tests: the cell at index col of the first
 * row of s, unquoted, into cell.  -1 if the row is malformed or short.
 */
static int
csv_field(const char *s, size_t n, int col, struct buf *cell)
{
	size_t i = 0;
	int c = 0, quoted;

	buf_reset(cell);
	for (;;) {
		quoted = i < n && s[i] == '"';
		if (quoted) {
			for (i++;; i++) {
				if (i >= n)
					return -1;	/* unterminated quote */
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						if (c == col)
							buf_addch(cell, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				if (c == col)
					buf_addch(cell, s[i]);
			}
		} else
			for (; i < n && s[i] != ',' && s[i] != '\r' &&
			    s[i] != '\n'; i++) {
				if (s[i] == '"')
					return -1;	/* a bare quote */
				if (c == col)
					buf_addch(cell, s[i]);
			}
		if (c == col)
			return 0;
		if (i >= n || s[i] != ',')
			return -1;
		i++;
		c++;
	}
}

/* Cells, each starting with one of the characters a spreadsheet runs. */
static void
test_csv_neutralise(void)
{
	CU_ASSERT(CELL("=1", "'=1"));
	CU_ASSERT(CELL("+1", "'+1"));
	CU_ASSERT(CELL("-1", "'-1"));
	CU_ASSERT(CELL("@1", "'@1"));
	CU_ASSERT(CELL("\t1", "\"'\t1\""));
	CU_ASSERT(CELL("\r1", "\"'\r1\""));
	CU_ASSERT(CELL("=HYPERLINK(\"http://x\",\"y\")",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""));
	CU_ASSERT(CELL("-2+3", "'-2+3"));
	CU_ASSERT(CELL("@SUM(A1)", "'@SUM(A1)"));
	CU_ASSERT(CELL("\t=1", "\"'\t=1\""));
	CU_ASSERT(CELL("\r=1", "\"'\r=1\""));
	CU_ASSERT(CELL("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"));
	/* Only the first character counts. */
	CU_ASSERT(CELL("a=1", "a=1"));
	CU_ASSERT(CELL("1-2", "1-2"));
	CU_ASSERT(CELL("/pricing", "/pricing"));
	CU_ASSERT(CELL("'=1", "'=1"));		/* already inert */
	/* A separator of other locales is quoted, so no cell starts after it. */
	CU_ASSERT(CELL("a;=1+1", "\"a;=1+1\""));
	CU_ASSERT(CELL("a\t=1+1", "\"a\t=1+1\""));
	CU_ASSERT(CELL("a,=1+1", "\"a,=1+1\""));
}

static void
test_csv_quote(void)
{
	struct buf b = BUF_INIT;

	CU_ASSERT(CELL("plain", "plain"));
	CU_ASSERT(CELL("", ""));
	CU_ASSERT(CELL("a,b", "\"a,b\""));
	CU_ASSERT(CELL("a\"b", "\"a\"\"b\""));
	CU_ASSERT(CELL("\"", "\"\"\"\""));
	CU_ASSERT(CELL("a\nb", "\"a\nb\""));
	CU_ASSERT(CELL("a\r\nb", "\"a\r\nb\""));
	CU_ASSERT(CELL("a b", "a b"));
	CU_ASSERT(CELL("'", "'"));
	/* NULL is an empty cell; n counts, not the NUL. */
	CU_ASSERT(cell_is(NULL, 5, "", 0));
	CU_ASSERT(cell_is("abcdef", 3, "abc", 3));
	/* Cells after the first get their comma; rows end in CRLF. */
	export_csv_str(&b, "page", 1);
	export_csv_str(&b, "visitors", 0);
	export_csv_str(&b, NULL, 0);
	export_csv_end_row(&b);
	export_csv_str(&b, "/a,b", 1);
	export_csv_int(&b, 12, 0);
	export_csv_str(&b, "", 0);
	export_csv_end_row(&b);
	CU_ASSERT(HOLDS(&b, "page,visitors,\r\n\"/a,b\",12,\r\n"));
	buf_release(&b);
}

/* NUL and C0 controls other than TAB, CR, LF become U+FFFD; UTF-8 stays. */
static void
test_csv_controls(void)
{
	CU_ASSERT(CELL("a\0b", "a\xef\xbf\xbd" "b"));
	CU_ASSERT(CELL("\x01\x1f\x1b[2J", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd[2J"));
	CU_ASSERT(CELL("\0=1", "\xef\xbf\xbd=1"));	/* starts with U+FFFD now */
	CU_ASSERT(CELL("a\x7f", "a\x7f"));		/* DEL is not C0 */
	CU_ASSERT(CELL("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac"));
	/* U+FF1D (fullwidth =) is text to spreadsheets; left alone. */
	CU_ASSERT(CELL("\xef\xbc\x9d" "1+1", "\xef\xbc\x9d" "1+1"));
	/* U+2028 is no CSV separator: not quoted. */
	CU_ASSERT(CELL("a\xe2\x80\xa8" "b", "a\xe2\x80\xa8" "b"));
}

/* Whatever a cell holds, a reader gets it back (plus the "'" when neutralised). */
static void
test_csv_roundtrip(void)
{
	static const char *const vals[] = {
		"", "plain", "a,b", "\"", "\"\"", "a\"b\"", ",", ",,", "\r\n",
		"\n", "a\r\nb,\"c\"", "=1+1", "-", "+", "@", "\t", "\r",
		"=HYPERLINK(\"http://x\",\"y\")", "\t=1", "\r=1", ";=1",
		"x\"\r\n=1,\"=2", "caf\xc3\xa9", "'", "' ", " =1",
	};
	struct buf row = BUF_INIT, cell = BUF_INIT, want = BUF_INIT;
	size_t i;
	char c;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		buf_reset(&row);
		export_csv_str(&row, "before", 1);
		export_csv_str(&row, vals[i], 0);
		export_csv_int(&row, -7, 0);
		export_csv_end_row(&row);
		buf_reset(&want);
		c = vals[i][0];
		if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
		    c == '\r')
			buf_addch(&want, '\'');
		buf_adds(&want, vals[i]);
		CU_ASSERT_EQUAL(csv_field(row.ptr, row.len, 0, &cell), 0);
		CU_ASSERT_STRING_EQUAL(cell.ptr, "before");
		CU_ASSERT_EQUAL(csv_field(row.ptr, row.len, 1, &cell), 0);
		CU_ASSERT_STRING_EQUAL(cell.ptr, want.ptr);
		CU_ASSERT_EQUAL(csv_field(row.ptr, row.len, 2, &cell), 0);
		CU_ASSERT_STRING_EQUAL(cell.ptr, "-7");
		/* The row ends with its CRLF and has no other bare line end. */
		CU_ASSERT(row.len >= 2 &&
		    memcmp(row.ptr + row.len - 2, "\r\n", 2) == 0);
	}
	buf_release(&row);
	buf_release(&cell);
	buf_release(&want);
}

static void
test_csv_numbers(void)
{
	struct buf b = BUF_INIT;

	export_csv_int(&b, 0, 1);
	export_csv_int(&b, -3, 0);			/* a number, not a formula */
	export_csv_int(&b, LLONG_MAX, 0);
	export_csv_int(&b, LLONG_MIN, 0);
	CU_ASSERT(HOLDS(&b, "0,-3,9223372036854775807,-9223372036854775808"));
	buf_reset(&b);
	export_csv_double(&b, 0.125, 3, 1);
	export_csv_double(&b, -2.5, 1, 0);
	export_csv_double(&b, 0.5, 2, 0);
	export_csv_double(&b, 3.0, -1, 0);		/* decimals clamped to 0 */
	export_csv_double(&b, 1.0, 9, 0);		/* ... and to 6 */
	export_csv_double(&b, -1e-9, 2, 0);		/* no "-0.00" */
	export_csv_double(&b, -0.0, 0, 0);
	export_csv_double(&b, NAN, 2, 0);		/* empty cells */
	export_csv_double(&b, INFINITY, 2, 0);
	export_csv_double(&b, -INFINITY, 2, 0);
	export_csv_double(&b, -12.0, 1, 0);
	CU_ASSERT(HOLDS(&b, "0.125,-2.5,0.50,3,1.000000,0.00,0,,,,-12.0"));
	buf_reset(&b);
	export_csv_bom(&b);
	export_csv_str(&b, "a", 1);
	CU_ASSERT(HOLDS(&b, "\xef\xbb\xbf" "a"));
	buf_release(&b);
}

/* out parses as JSON (json-c, through the core's strict parser). */
static int
json_valid(const struct buf *out)
{
	struct buf w = BUF_INIT;
	json_object *o;
	const char *why;
	int ok;

	/* json_parse_limited refuses a bare null document; wrap it. */
	buf_adds(&w, "[");
	buf_add(&w, out->ptr, out->len);
	buf_adds(&w, "]");
	o = json_parse_limited(w.ptr, w.len, 16, &why);
	ok = o != NULL;
	json_object_put(o);
	buf_release(&w);
	return ok;
}

static void
test_json_shape(void)
{
	struct buf b = BUF_INIT;
	struct json_writer w;

	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	CU_ASSERT(HOLDS(&b, "[]"));
	CU_ASSERT_EQUAL(w.err, 0);
	buf_reset(&b);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	CU_ASSERT(HOLDS(&b, "{}"));
	buf_reset(&b);

	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_key(&w, "page");
	jw_str(&w, "/a", 2);
	jw_key(&w, "visitors");
	jw_int(&w, 3);
	jw_key(&w, "flags");
	jw_arr_begin(&w);
	jw_bool(&w, 1);
	jw_bool(&w, 0);
	jw_null(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "sub");
	jw_obj_begin(&w);
	jw_key(&w, "x");
	jw_str(&w, NULL, 0);
	jw_obj_end(&w);
	jw_key(&w, "rate");
	jw_double(&w, 0.5);
	jw_obj_end(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_int(&w, -1);
	jw_arr_end(&w);
	CU_ASSERT_EQUAL(w.err, 0);
	CU_ASSERT_EQUAL(w.depth, 0);
	CU_ASSERT_STRING_EQUAL(b.ptr,
	    "[{\"page\":\"/a\",\"visitors\":3,\"flags\":[true,false,null,[],{}],"
	    "\"sub\":{\"x\":null},\"rate\":0.5},{},-1]");
	CU_ASSERT(json_valid(&b));
	buf_release(&b);
}

/* Nesting to the limit works; one more is refused. */
static void
test_json_depth(void)
{
	struct buf b = BUF_INIT;
	struct json_writer w;
	int i;

	jw_init(&w, &b);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw_arr_begin(&w);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw_arr_end(&w);
	CU_ASSERT_EQUAL(w.err, 0);
	CU_ASSERT(HOLDS(&b, "[[[[[[[[]]]]]]]]"));
	buf_reset(&b);
	jw_init(&w, &b);
	for (i = 0; i <= JW_MAX_DEPTH; i++)
		jw_arr_begin(&w);
	CU_ASSERT_EQUAL(w.err, 1);
	CU_ASSERT_EQUAL(b.len, JW_MAX_DEPTH);
	buf_release(&b);
}

/* Each misuse sets err, and nothing is written after it. */
static void
test_json_misuse(void)
{
	struct buf b = BUF_INIT;
	struct json_writer w;
	size_t len;

	/* A value in an object without its key. */
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_int(&w, 1);
	CU_ASSERT_EQUAL(w.err, 1);
	len = b.len;
	jw_key(&w, "a");
	jw_int(&w, 1);
	jw_obj_end(&w);
	CU_ASSERT_EQUAL(b.len, len);
	buf_reset(&b);
	/* A key in an array, or at the top. */
	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_key(&w, "a");
	CU_ASSERT_EQUAL(w.err, 1);
	jw_init(&w, &b);
	jw_key(&w, "a");
	CU_ASSERT_EQUAL(w.err, 1);
	/* Two keys in a row; a key with no value before the end. */
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_key(&w, "b");
	CU_ASSERT_EQUAL(w.err, 1);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_obj_end(&w);
	CU_ASSERT_EQUAL(w.err, 1);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, NULL);
	CU_ASSERT_EQUAL(w.err, 1);
	/* Ends that do not match, or with nothing open. */
	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_obj_end(&w);
	CU_ASSERT_EQUAL(w.err, 1);
	jw_init(&w, &b);
	jw_arr_end(&w);
	CU_ASSERT_EQUAL(w.err, 1);
	/* A second top-level value. */
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	CU_ASSERT_EQUAL(w.err, 0);
	jw_int(&w, 1);
	jw_arr_begin(&w);
	CU_ASSERT_EQUAL(w.err, 1);
	CU_ASSERT(HOLDS(&b, "[]"));
	jw_init(&w, &b);
	jw_int(&w, 1);
	jw_int(&w, 2);
	CU_ASSERT_EQUAL(w.err, 1);
	buf_release(&b);
}

static void
test_json_escape(void)
{
	struct buf b = BUF_INIT;
	struct json_writer w;
	json_object *o;
	const char *why, *s;
	size_t n;
	static const char evil[] = "</script><script>alert(1)</script>"
	    "\"q\" \\b\\ \x01\x1f\n\r\t \xe2\x80\xa8\xe2\x80\xa9 & ' caf\xc3\xa9";

	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_key(&w, "k\"</script>");
	jw_str(&w, evil, sizeof(evil) - 1);
	jw_obj_end(&w);
	CU_ASSERT_EQUAL(w.err, 0);
	CU_ASSERT_STRING_EQUAL(b.ptr,
	    "{\"k\\\"\\u003c/script\\u003e\":"
	    "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
	    "\\\"q\\\" \\\\b\\\\ \\u0001\\u001f\\n\\r\\t \\u2028\\u2029 \\u0026 \\u0027 "
	    "caf\xc3\xa9\"}");
	/* Inert in a page: no raw <, >, &, ' or line separator. */
	CU_ASSERT_PTR_NULL(strpbrk(b.ptr, "<>&'\n\r"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "\xe2\x80\xa8"));
	CU_ASSERT_PTR_NULL(strstr(b.ptr, "\xe2\x80\xa9"));
	/* And it reads back as the same string. */
	o = json_parse_limited(b.ptr, b.len, 4, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	s = json_object_get_string(json_object_object_get(o, "k\"</script>"));
	CU_ASSERT_PTR_NOT_NULL(s);
	if (s != NULL) {
		n = strlen(s);
		CU_ASSERT_EQUAL(n, sizeof(evil) - 1);
		CU_ASSERT(memcmp(s, evil, sizeof(evil) - 1) == 0);
	}
	json_object_put(o);
	buf_release(&b);
}

/* A number reads back as the same double, in the shortest such form. */
static int
double_is(double v, const char *want)
{
	struct buf b = BUF_INIT;
	struct json_writer w;
	int ok;

	jw_init(&w, &b);
	jw_double(&w, v);
	ok = strcmp(b.ptr, want) == 0 && w.err == 0;
	buf_release(&b);
	return ok;
}

static void
test_json_numbers(void)
{
	struct buf b = BUF_INIT;
	struct json_writer w;
	static const double vals[] = {
		0.1, 1.0 / 3, 2.0 / 3, 1e300, -1e-300, 5e-324, 1.7976931348623157e308,
		123456789.123456789, 0.30000000000000004, -0.0,
	};
	size_t i;

	CU_ASSERT(double_is(0.5, "0.5"));
	CU_ASSERT(double_is(0.1, "0.1"));
	CU_ASSERT(double_is(3.0, "3"));
	CU_ASSERT(double_is(-2.25, "-2.25"));
	CU_ASSERT(double_is(1e21, "1e+21"));
	CU_ASSERT(double_is(0.30000000000000004, "0.30000000000000004"));
	CU_ASSERT(double_is(NAN, "null"));
	CU_ASSERT(double_is(INFINITY, "null"));
	CU_ASSERT(double_is(-INFINITY, "null"));
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		buf_reset(&b);
		jw_init(&w, &b);
		jw_double(&w, vals[i]);
		CU_ASSERT(strtod(b.ptr, NULL) == vals[i]);
		CU_ASSERT(json_valid(&b));
	}
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_int(&w, LLONG_MIN);
	jw_int(&w, LLONG_MAX);
	jw_int(&w, 0);
	jw_double(&w, NAN);
	jw_arr_end(&w);
	CU_ASSERT_STRING_EQUAL(b.ptr,
	    "[-9223372036854775808,9223372036854775807,0,null]");
	buf_release(&b);
}

/* The buffer may be emptied between any two calls: the writer keeps no bytes. */
static void
test_json_stream(void)
{
	struct buf whole = BUF_INIT, chunk = BUF_INIT, got = BUF_INIT;
	struct json_writer a, c;
	int i;

	jw_init(&a, &whole);
	jw_init(&c, &chunk);
	jw_arr_begin(&a);
	jw_arr_begin(&c);
	for (i = 0; i < 50; i++) {
		jw_obj_begin(&a);
		jw_obj_begin(&c);
		buf_add(&got, chunk.ptr, chunk.len);	/* a flush */
		buf_reset(&chunk);
		jw_key(&a, "i");
		jw_key(&c, "i");
		jw_int(&a, i);
		jw_int(&c, i);
		jw_key(&a, "s");
		jw_key(&c, "s");
		buf_add(&got, chunk.ptr, chunk.len);
		buf_reset(&chunk);
		jw_str(&a, "x,y", 3);
		jw_str(&c, "x,y", 3);
		jw_obj_end(&a);
		jw_obj_end(&c);
		if (i % 7 == 0) {
			buf_add(&got, chunk.ptr, chunk.len);
			buf_reset(&chunk);
		}
	}
	jw_arr_end(&a);
	jw_arr_end(&c);
	buf_add(&got, chunk.ptr, chunk.len);
	CU_ASSERT_EQUAL(a.err, 0);
	CU_ASSERT_EQUAL(c.err, 0);
	CU_ASSERT_EQUAL(got.len, whole.len);
	CU_ASSERT_STRING_EQUAL(got.ptr, whole.ptr);
	CU_ASSERT(json_valid(&got));
	buf_release(&whole);
	buf_release(&chunk);
	buf_release(&got);
}

static int
filename_is(const char *domain, const char *report, const char *from,
    const char *to, const char *ext, const char *want)
{
	struct buf b = BUF_INIT;
	int ok;

	export_filename(&b, domain, report, from, to, ext);
	ok = strcmp(b.ptr, want) == 0;
	buf_release(&b);
	return ok;
}

static void
test_filename(void)
{
	struct buf b = BUF_INIT;
	char long_part[200];
	size_t i;

	CU_ASSERT(filename_is("example.com", "pages", "2024-01-01",
	    "2024-01-31", "csv",
	    "trackr-example.com-pages-2024-01-01-2024-01-31.csv"));
	CU_ASSERT(filename_is("shop.example", "utm_source", "2024-02-01",
	    "2024-02-29", ".json",
	    "trackr-shop.example-utm_source-2024-02-01-2024-02-29.json"));
	/* Header injection: CR, LF, quotes, ';', spaces and slashes go. */
	CU_ASSERT(filename_is("ex\r\nSet-Cookie: a=b", "p\"ag/es\\;x",
	    "2024-01-01\"; filename*=UTF-8''evil.exe", "../../etc/passwd",
	    "c\"s/v\r\n",
	    "trackr-exSet-Cookieab-pagesx-2024-01-01filenameUTF-8evil.exe-"
	    "....etcpasswd.csv"));
	/* Non-ASCII bytes go; an empty part becomes "x"; NULL parts are left out. */
	CU_ASSERT(filename_is("b\xc3\xbc" "cher.example", "", NULL, NULL, "csv",
	    "trackr-bcher.example-x.csv"));
	CU_ASSERT(filename_is("\r\n", "pages", "a", "b", NULL,
	    "trackr-x-pages-a-b"));
	CU_ASSERT(filename_is(NULL, NULL, NULL, NULL, "...", "trackr.x"));
	/* Each part is cut at 64 bytes. */
	for (i = 0; i < sizeof(long_part) - 1; i++)
		long_part[i] = 'a';
	long_part[sizeof(long_part) - 1] = '\0';
	export_filename(&b, long_part, "r", NULL, NULL, "csv");
	CU_ASSERT_EQUAL(b.len, strlen("trackr-") + 64 + strlen("-r.csv"));
	/* Whatever the input, only the allowed bytes come out. */
	buf_reset(&b);
	for (i = 0; i < sizeof(long_part) - 1; i++)
		long_part[i] = (char)(i + 1);
	export_filename(&b, long_part, long_part + 64, long_part + 128, "x",
	    long_part);
	CU_ASSERT_EQUAL(strspn(b.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-"), b.len);
	buf_release(&b);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("export", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "csv formula neutralisation", test_csv_neutralise) == NULL ||
	    CU_add_test(s, "csv quoting", test_csv_quote) == NULL ||
	    CU_add_test(s, "csv control characters and UTF-8", test_csv_controls) == NULL ||
	    CU_add_test(s, "csv read back", test_csv_roundtrip) == NULL ||
	    CU_add_test(s, "csv numbers and BOM", test_csv_numbers) == NULL ||
	    CU_add_test(s, "json nesting and commas", test_json_shape) == NULL ||
	    CU_add_test(s, "json depth limit", test_json_depth) == NULL ||
	    CU_add_test(s, "json misuse", test_json_misuse) == NULL ||
	    CU_add_test(s, "json escaping", test_json_escape) == NULL ||
	    CU_add_test(s, "json numbers", test_json_numbers) == NULL ||
	    CU_add_test(s, "json flushed as it goes", test_json_stream) == NULL ||
	    CU_add_test(s, "download names", test_filename) == NULL) {
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
