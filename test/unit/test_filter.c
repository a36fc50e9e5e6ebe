/*
 * test_filter: CUnit suite for cgi/dashboard/dims.c and filter.c: the
 * dimension table, parsing f= filters with every refusal, writing them
 * back into links, describing them, and the SQL and bound arguments of
 * each kind of filter.
 */
#include <string.h>

#include <CUnit/Basic.h>

#include "buf.h"
#include "dash.h"
#include "db.h"
#include "filter.h"
#include "form.h"

/* Parse a literal spec into fs; returns filters_add's result. */
static int
add(struct filters *fs, const char *spec)
{
	const char *why = NULL;
	int rc;

	rc = filters_add(fs, spec, strlen(spec), &why);
	CU_ASSERT((rc == 0) == (why == NULL));
	return rc;
}

/* 1 when spec (len bytes) is refused with exactly want, leaving fs alone. */
static int
refused(const char *spec, size_t len, const char *want)
{
	struct filters fs;
	const char *why = NULL;
	int ok;

	filters_init(&fs);
	ok = filters_add(&fs, spec, len, &why) == -1 && fs.n == 0 &&
	    why != NULL && strcmp(why, want) == 0;
	filters_free(&fs);
	return ok;
}

#define REFUSED(lit, want)	refused((lit), sizeof(lit) - 1, (want))

/* Bound argument i is the string want. */
static int
arg_is(const struct db_args *a, size_t i, const char *want)
{
	size_t n = strlen(want);

	return i < a->n && a->bind[i].buffer_type == MYSQL_TYPE_STRING &&
	    a->bind[i].buffer_length == n &&
	    memcmp(a->bind[i].buffer, want, n) == 0;
}

static void
test_dims(void)
{
	size_t i, j;

	for (i = 0; i < DIM__MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(dims[i].key);
		CU_ASSERT_PTR_NOT_NULL(dims[i].label);
		CU_ASSERT_PTR_NOT_NULL(dims[i].title);
		CU_ASSERT_EQUAL((size_t)dim_by_key(dims[i].key), i);
		if (i == DIM_TOTAL) {
			CU_ASSERT_PTR_NULL(dims[i].slug);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(dims[i].slug);
			CU_ASSERT_EQUAL((size_t)dim_by_slug(dims[i].slug,
			    strlen(dims[i].slug)), i);
		}
		if (dims[i].level == LEVEL_SESSION)
			CU_ASSERT(strstr(dims[i].expr, "s.") != NULL);
		if (dims[i].level == LEVEL_EVENT)
			CU_ASSERT(strncmp(dims[i].expr, "e.", 2) == 0);
		if (dims[i].level == LEVEL_SPECIAL)
			CU_ASSERT_PTR_NULL(dims[i].expr);
		for (j = 0; j < i; j++) {
			CU_ASSERT(strcmp(dims[i].key, dims[j].key) != 0);
			if (dims[i].slug != NULL && dims[j].slug != NULL)
				CU_ASSERT(strcmp(dims[i].slug, dims[j].slug) != 0);
		}
	}
	CU_ASSERT_EQUAL(dims[DIM_TOTAL].level, LEVEL_NONE);
	CU_ASSERT_EQUAL(dim_by_key("utm_campaign"), DIM_UTM_CAMPAIGN);
	CU_ASSERT_EQUAL(dim_by_key("os_version"), DIM_OS_VERSION);
	CU_ASSERT_EQUAL(dim_by_key("Page"), DIM__MAX);
	CU_ASSERT_EQUAL(dim_by_key(""), DIM__MAX);
	CU_ASSERT_EQUAL(dim_by_key(NULL), DIM__MAX);
	CU_ASSERT_EQUAL(dim_by_slug("operating-systems", 17), DIM_OS);
	CU_ASSERT_EQUAL(dim_by_slug("pagesX", 5), DIM_PAGE);
	CU_ASSERT_EQUAL(dim_by_slug("pages", 4), DIM__MAX);
	CU_ASSERT_EQUAL(dim_by_slug("", 0), DIM__MAX);
	CU_ASSERT_EQUAL(dim_by_slug(NULL, 0), DIM__MAX);
	CU_ASSERT_STRING_EQUAL(dims[DIM_BROWSER_VERSION].expr,
	    "CONCAT(s.browser, ' ', s.browser_version)");
	CU_ASSERT_STRING_EQUAL(dims[DIM_OS_VERSION].expr,
	    "CONCAT(s.os, ' ', s.os_version)");
	CU_ASSERT_STRING_EQUAL(dims[DIM_REFERRER].expr, "s.referrer_domain");
	CU_ASSERT_STRING_EQUAL(dims[DIM_EVENT].expr, "e.name");
}

static void
test_parse(void)
{
	struct filters fs;

	filters_init(&fs);
	CU_ASSERT_EQUAL(add(&fs, "country:is:US"), 0);
	CU_ASSERT_EQUAL(add(&fs, "page:contains:/blog"), 0);
	CU_ASSERT_EQUAL(add(&fs, "prop.plan:is:pro"), 0);
	CU_ASSERT_EQUAL(add(&fs, "goal:is_not:3"), 0);
	CU_ASSERT_EQUAL(add(&fs, "referrer:not_contains:a:b::c:"), 0);
	CU_ASSERT_EQUAL(add(&fs, "utm_source:is:<b>\"x\"&y='z'"), 0);
	CU_ASSERT_EQUAL(add(&fs, "prop.a.b:is_not:\xc3\xa9t\xc3\xa9"), 0);
	CU_ASSERT_EQUAL(add(&fs, "browser_version:is:Chrome 120"), 0);
	CU_ASSERT_EQUAL_FATAL(fs.n, 8);

	CU_ASSERT_EQUAL(fs.f[0].dim, DIM_COUNTRY);
	CU_ASSERT_EQUAL(fs.f[0].op, OP_IS);
	CU_ASSERT_PTR_NULL(fs.f[0].key);
	CU_ASSERT_STRING_EQUAL(fs.f[0].value, "US");
	CU_ASSERT_EQUAL(fs.f[1].dim, DIM_PAGE);
	CU_ASSERT_EQUAL(fs.f[1].op, OP_CONTAINS);
	CU_ASSERT_STRING_EQUAL(fs.f[1].value, "/blog");
	CU_ASSERT_EQUAL(fs.f[2].dim, DIM_PROP);
	CU_ASSERT_STRING_EQUAL(fs.f[2].key, "plan");
	CU_ASSERT_STRING_EQUAL(fs.f[2].value, "pro");
	CU_ASSERT_EQUAL(fs.f[3].dim, DIM_GOAL);
	CU_ASSERT_EQUAL(fs.f[3].op, OP_IS_NOT);
	CU_ASSERT_EQUAL(filter_goal_id(&fs.f[3]), 3);
	CU_ASSERT_EQUAL(filter_goal_id(&fs.f[0]), -1);
	CU_ASSERT_EQUAL(fs.f[4].dim, DIM_REFERRER);
	CU_ASSERT_EQUAL(fs.f[4].op, OP_NOT_CONTAINS);
	CU_ASSERT_STRING_EQUAL(fs.f[4].value, "a:b::c:");	/* first two ':' only */
	CU_ASSERT_STRING_EQUAL(fs.f[5].value, "<b>\"x\"&y='z'");	/* untouched */
	CU_ASSERT_STRING_EQUAL(fs.f[6].key, "a.b");
	CU_ASSERT_STRING_EQUAL(fs.f[6].value, "\xc3\xa9t\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(fs.f[7].value, "Chrome 120");

	/* Only len bytes are read. */
	CU_ASSERT_EQUAL(filters_add(&fs, "os:is:Linux!!", 11, NULL), 0);
	CU_ASSERT_STRING_EQUAL(fs.f[8].value, "Linux");
	filters_free(&fs);
	CU_ASSERT_EQUAL(fs.n, 0);
	filters_free(&fs);		/* twice is harmless */

	CU_ASSERT_STRING_EQUAL(filter_op_key(OP_NOT_CONTAINS), "not_contains");
	CU_ASSERT_PTR_NULL(filter_op_key((enum filter_op)4));
}

static void
test_parse_refused(void)
{
	char v[FILTER_VALUE_MAX + 32], p[FILTER_PROP_MAX + 32];
	struct filters fs;
	const char *why;
	size_t i;

	CU_ASSERT(REFUSED("country", "a filter is key:operator:value"));
	CU_ASSERT(REFUSED("country:is", "a filter is key:operator:value"));
	CU_ASSERT(REFUSED("", "a filter is key:operator:value"));
	CU_ASSERT(REFUSED("country:equals:US", "unknown filter operator"));
	CU_ASSERT(REFUSED("country:IS:US", "unknown filter operator"));
	CU_ASSERT(REFUSED("country::US", "unknown filter operator"));
	CU_ASSERT(REFUSED("country:is_:US", "unknown filter operator"));
	CU_ASSERT(REFUSED("nation:is:US", "unknown filter key"));
	CU_ASSERT(REFUSED("Country:is:US", "unknown filter key"));
	CU_ASSERT(REFUSED(":is:US", "unknown filter key"));
	CU_ASSERT(REFUSED("total:is:x", "this dimension cannot be filtered"));
	CU_ASSERT(REFUSED("prop:is:x", "a property filter needs a name: prop.<name>"));
	CU_ASSERT(REFUSED("prop.:is:x", "a property filter needs a name: prop.<name>"));
	CU_ASSERT(REFUSED("prop.plan:contains:pro",
	    "property filters take only is and is_not"));
	CU_ASSERT(REFUSED("prop.plan:not_contains:pro",
	    "property filters take only is and is_not"));
	CU_ASSERT(REFUSED("prop.pl\x01" "an:is:pro", "property name is not valid text"));
	CU_ASSERT(REFUSED("prop.pl\xffn:is:pro", "property name is not valid text"));
	CU_ASSERT(REFUSED("country:is:", "filter value is empty"));
	CU_ASSERT(REFUSED("country:is:\x01", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:a\tb", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:a\nb", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:a\x7f", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:a\xc2\x85", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:a\0b", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:\xff", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:\xc0\xaf", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:\xc3", "filter value is not valid text"));
	CU_ASSERT(REFUSED("country:is:\xed\xa0\x80", "filter value is not valid text"));
	CU_ASSERT(REFUSED("goal:is:abc", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:0", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:07", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:-7", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:7 ", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:4294967296", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:is:99999999999", "a goal filter needs a goal id"));
	CU_ASSERT(REFUSED("goal:contains:1", "goal filters take only is and is_not"));

	/* FILTER_VALUE_MAX bytes pass, one more does not. */
	memcpy(v, "page:is:", 8);
	memset(v + 8, 'a', FILTER_VALUE_MAX + 1);
	CU_ASSERT(refused(v, 8 + FILTER_VALUE_MAX + 1, "filter value is too long"));
	filters_init(&fs);
	CU_ASSERT_EQUAL(filters_add(&fs, v, 8 + FILTER_VALUE_MAX, &why), 0);
	CU_ASSERT_EQUAL(strlen(fs.f[0].value), FILTER_VALUE_MAX);
	filters_free(&fs);

	/* A property's name: FILTER_PROP_MAX bytes pass, one more does not. */
	memcpy(p, "prop.", 5);
	memset(p + 5, 'k', FILTER_PROP_MAX + 1);
	memcpy(p + 5 + FILTER_PROP_MAX + 1, ":is:x", 5);
	CU_ASSERT(refused(p, 5 + FILTER_PROP_MAX + 1 + 5, "property name is too long"));
	memcpy(p + 5 + FILTER_PROP_MAX, ":is:x", 5);
	CU_ASSERT_EQUAL(filters_add(&fs, p, 5 + FILTER_PROP_MAX + 5, &why), 0);
	CU_ASSERT_EQUAL(strlen(fs.f[0].key), FILTER_PROP_MAX);
	filters_free(&fs);

	/* At most FILTER_MAX; the refused one changes nothing. */
	for (i = 0; i < FILTER_MAX; i++)
		CU_ASSERT_EQUAL(add(&fs, "page:is_not:/x"), 0);
	why = NULL;
	CU_ASSERT_EQUAL(filters_add(&fs, "page:is:/y", 10, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "too many filters");
	CU_ASSERT_EQUAL(fs.n, FILTER_MAX);
	filters_free(&fs);
}

static void
test_from_query(void)
{
	static const char q[] = "period=7d&f=country%3Ais%3AUS&x=f%3Dpage&"
	    "f=page:contains:%2Fblog%26news&F=os:is:x&f=prop.plan%3Ais%3Apro+max";
	static const char nul[] = "f=page:is:/a%00b&f=os:is:x";
	static const char bad[] = "f=os:is:x&f=os:maybe:y";
	struct kvlist kv = KVLIST_INIT;
	struct filters fs;
	const char *why = NULL;

	filters_init(&fs);
	CU_ASSERT_EQUAL_FATAL(form_parse(&kv, q, sizeof(q) - 1, 50), 0);
	CU_ASSERT_EQUAL(filters_from_query(&fs, &kv, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL_FATAL(fs.n, 3);
	CU_ASSERT_EQUAL(fs.f[0].dim, DIM_COUNTRY);
	CU_ASSERT_STRING_EQUAL(fs.f[1].value, "/blog&news");
	CU_ASSERT_STRING_EQUAL(fs.f[2].key, "plan");
	CU_ASSERT_STRING_EQUAL(fs.f[2].value, "pro max");
	filters_free(&fs);
	kvlist_free(&kv);

	/* An encoded NUL is not cut off silently. */
	CU_ASSERT_EQUAL_FATAL(form_parse(&kv, nul, strlen(nul), 50), 0);
	CU_ASSERT_EQUAL(filters_from_query(&fs, &kv, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "filter value is not valid text");
	CU_ASSERT_EQUAL(fs.n, 0);
	filters_free(&fs);
	kvlist_reset(&kv);

	/* The good ones before the bad one stay, for the caller to free. */
	CU_ASSERT_EQUAL_FATAL(form_parse(&kv, bad, strlen(bad), 50), 0);
	CU_ASSERT_EQUAL(filters_from_query(&fs, &kv, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "unknown filter operator");
	CU_ASSERT_EQUAL(fs.n, 1);
	filters_free(&fs);
	kvlist_free(&kv);
}

/* fs written out, parsed back, is the same set. */
static int
round_trips(const struct filters *fs)
{
	struct buf q = BUF_INIT;
	struct kvlist kv = KVLIST_INIT;
	struct filters back;
	const char *why;
	size_t i;
	int ok;

	filters_init(&back);
	filters_to_query(fs, &q);
	ok = form_parse(&kv, q.ptr, q.len, 100) == 0 &&
	    filters_from_query(&back, &kv, &why) == 0 && back.n == fs->n;
	for (i = 0; ok && i < fs->n; i++)
		ok = back.f[i].dim == fs->f[i].dim &&
		    back.f[i].op == fs->f[i].op &&
		    strcmp(back.f[i].value, fs->f[i].value) == 0 &&
		    (fs->f[i].key == NULL ? back.f[i].key == NULL :
		    back.f[i].key != NULL &&
		    strcmp(back.f[i].key, fs->f[i].key) == 0);
	filters_free(&back);
	kvlist_free(&kv);
	buf_release(&q);
	return ok;
}

static void
test_to_query(void)
{
	struct filters fs;
	struct buf q = BUF_INIT;

	filters_init(&fs);
	filters_to_query(&fs, &q);
	CU_ASSERT_EQUAL(q.len, 0);
	CU_ASSERT(round_trips(&fs));

	CU_ASSERT_EQUAL(add(&fs, "country:is:US"), 0);
	CU_ASSERT_EQUAL(add(&fs, "prop.plan:is_not:a b"), 0);
	filters_to_query(&fs, &q);
	CU_ASSERT_STRING_EQUAL(q.ptr,
	    "f=country%3Ais%3AUS&f=prop.plan%3Ais_not%3Aa%20b");
	CU_ASSERT(round_trips(&fs));

	/* Separated from what the buffer already holds. */
	buf_reset(&q);
	buf_adds(&q, "/dash/1/pages?");
	filters_to_query_without(&fs, 1, &q);
	CU_ASSERT_STRING_EQUAL(q.ptr, "/dash/1/pages?f=country%3Ais%3AUS");
	buf_reset(&q);
	buf_adds(&q, "?period=7d");
	filters_to_query_without(&fs, 0, &q);
	CU_ASSERT_STRING_EQUAL(q.ptr, "?period=7d&f=prop.plan%3Ais_not%3Aa%20b");
	buf_reset(&q);
	filters_to_query_without(&fs, 99, &q);
	CU_ASSERT_STRING_EQUAL(q.ptr,
	    "f=country%3Ais%3AUS&f=prop.plan%3Ais_not%3Aa%20b");

	/* Values with markup, quotes, separators and UTF-8 come back as sent. */
	CU_ASSERT_EQUAL(add(&fs, "page:contains:<script>alert(\"x\")</script>"), 0);
	CU_ASSERT_EQUAL(add(&fs, "utm_campaign:is:a&f=b=c+d%20e;'f'#g?h"), 0);
	CU_ASSERT_EQUAL(add(&fs, "referrer:not_contains:x:y:z"), 0);
	CU_ASSERT_EQUAL(add(&fs, "prop.a.b:is:\xe2\x82\xac 5 / \xf0\x9f\x98\x80"), 0);
	CU_ASSERT_EQUAL(add(&fs, "goal:is:42"), 0);
	CU_ASSERT(round_trips(&fs));
	buf_reset(&q);
	filters_to_query(&fs, &q);
	CU_ASSERT(strpbrk(q.ptr, "<>\"' +#?;:") == NULL);
	filters_free(&fs);
	buf_release(&q);
}

static void
test_to_query_with(void)
{
	struct filters fs;
	struct buf q = BUF_INIT;
	char big[FILTER_VALUE_MAX + 2];
	size_t i;

	filters_init(&fs);
	CU_ASSERT_EQUAL(add(&fs, "country:is:US"), 0);
	CU_ASSERT_EQUAL(add(&fs, "page:is_not:/a"), 0);

	/* Another dimension: appended. */
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_BROWSER, OP_IS, NULL,
	    "Firefox", &q), 0);
	CU_ASSERT_STRING_EQUAL(q.ptr, "f=country%3Ais%3AUS&f=page%3Ais_not%3A%2Fa"
	    "&f=browser%3Ais%3AFirefox");
	/* "is" on the same dimension replaces the "is" there. */
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_COUNTRY, OP_IS, NULL,
	    "DE", &q), 0);
	CU_ASSERT_STRING_EQUAL(q.ptr, "f=page%3Ais_not%3A%2Fa&f=country%3Ais%3ADE");
	/* "is not" adds to "is not"; the same filter is not repeated. */
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PAGE, OP_IS_NOT, NULL,
	    "/b", &q), 0);
	CU_ASSERT_STRING_EQUAL(q.ptr, "f=country%3Ais%3AUS&f=page%3Ais_not%3A%2Fa"
	    "&f=page%3Ais_not%3A%2Fb");
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PAGE, OP_IS_NOT, NULL,
	    "/a", &q), 0);
	CU_ASSERT_STRING_EQUAL(q.ptr, "f=country%3Ais%3AUS&f=page%3Ais_not%3A%2Fa");
	/* Properties: the same name is the same dimension, a key on others ignored. */
	CU_ASSERT_EQUAL(add(&fs, "prop.plan:is:pro"), 0);
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PROP, OP_IS, "plan",
	    "free", &q), 0);
	CU_ASSERT_STRING_EQUAL(q.ptr, "f=country%3Ais%3AUS&f=page%3Ais_not%3A%2Fa"
	    "&f=prop.plan%3Ais%3Afree");
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PROP, OP_IS, "tier",
	    "1", &q), 0);
	CU_ASSERT(strstr(q.ptr, "prop.plan%3Ais%3Apro&f=prop.tier%3Ais%3A1") != NULL);
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_OS, OP_IS, "ignored",
	    "Linux", &q), 0);
	CU_ASSERT(strstr(q.ptr, "&f=os%3Ais%3ALinux") != NULL);
	CU_ASSERT(strstr(q.ptr, "ignored") == NULL);

	/* What would not parse back gives no link and leaves out alone. */
	buf_reset(&q);
	buf_adds(&q, "keep");
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_SOURCE, OP_IS, NULL,
	    "", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_SOURCE, OP_IS, NULL,
	    NULL, &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_TOTAL, OP_IS, NULL,
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM__MAX, OP_IS, NULL,
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PROP, OP_IS, NULL,
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PROP, OP_IS, "a:b",
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PROP, OP_CONTAINS, "a",
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_GOAL, OP_IS, NULL,
	    "x", &q), -1);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PAGE, OP_IS, NULL,
	    "/a\nb", &q), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PAGE, OP_IS, NULL,
	    big, &q), -1);
	big[FILTER_VALUE_MAX] = '\0';
	CU_ASSERT_STRING_EQUAL(q.ptr, "keep");

	/* Full: one more is refused, a replacing one is not. */
	for (i = fs.n; i < FILTER_MAX; i++)
		CU_ASSERT_EQUAL(add(&fs, "source:is_not:x"), 0);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_PAGE, OP_IS, NULL,
	    big, &q), -1);
	CU_ASSERT_STRING_EQUAL(q.ptr, "keep");
	buf_reset(&q);
	CU_ASSERT_EQUAL(filters_to_query_with(&fs, DIM_COUNTRY, OP_IS, NULL,
	    "FR", &q), 0);
	CU_ASSERT(strstr(q.ptr, "US") == NULL);
	CU_ASSERT(strstr(q.ptr, "&f=country%3Ais%3AFR") != NULL);
	filters_free(&fs);
	buf_release(&q);
}

static void
test_to_spec(void)
{
	static const char *const specs[] = {
		"country:is:US", "prop.a.b:is_not:x:y", "goal:is:12",
		"page:not_contains:<a href=\"x\">&amp;", "os_version:contains:14",
	};
	struct filters fs, back;
	struct buf b = BUF_INIT;
	size_t i;

	filters_init(&fs);
	filters_init(&back);
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(add(&fs, specs[i]), 0);
		buf_reset(&b);
		filters_to_spec(&fs.f[i], &b);
		CU_ASSERT_STRING_EQUAL(b.ptr, specs[i]);
		CU_ASSERT_EQUAL(filters_add(&back, b.ptr, b.len, NULL), 0);
	}
	CU_ASSERT_EQUAL(back.n, fs.n);

	/* No filters at all: nothing, or the one new filter. */
	buf_reset(&b);
	filters_to_query(NULL, &b);
	filters_to_query_without(NULL, 0, &b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(filters_to_query_with(NULL, DIM_SCREEN, OP_IS, NULL,
	    "mobile", &b), 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "f=screen%3Ais%3Amobile");
	filters_free(&fs);
	filters_free(&back);
	buf_release(&b);
}

/* The description of one filter spec, compared with want. */
static int
describes(const char *spec, const struct goal_ref *g, size_t ng,
    const char *want)
{
	struct filters fs;
	struct buf b = BUF_INIT;
	int ok;

	filters_init(&fs);
	ok = add(&fs, spec) == 0;
	if (ok) {
		if (g != NULL)
			filter_describe_goals(&fs.f[0], g, ng, &b);
		else
			filter_describe(&fs.f[0], &b);
		ok = strcmp(b.ptr, want) == 0;
	}
	filters_free(&fs);
	buf_release(&b);
	return ok;
}

static void
test_describe(void)
{
	static const struct goal_ref g[] = {
		{ 3, 0, "/blog/*" },
		{ 4, 1, "Signup" },
	};

	CU_ASSERT(describes("country:is:US", NULL, 0, "Country is US"));
	CU_ASSERT(describes("page:contains:/blog", NULL, 0, "Page contains /blog"));
	CU_ASSERT(describes("entry_page:is_not:/", NULL, 0, "Entry page is not /"));
	CU_ASSERT(describes("utm_medium:not_contains:cpc", NULL, 0,
	    "UTM medium does not contain cpc"));
	CU_ASSERT(describes("prop.plan:is:pro", NULL, 0, "Property plan is pro"));
	CU_ASSERT(describes("source:is:<b>&\"", NULL, 0, "Source is <b>&\""));
	CU_ASSERT(describes("goal:is:3", g, 2, "Goal is Visit /blog/*"));
	CU_ASSERT(describes("goal:is_not:4", g, 2, "Goal is not Signup"));
	CU_ASSERT(describes("goal:is:5", g, 2, "Goal is #5"));
	CU_ASSERT(describes("goal:is:3", NULL, 0, "Goal is #3"));
}

/* Page goals match as LIKE with '*' for '%' does on the binary collation. */
static void
test_goal_match(void)
{
	CU_ASSERT_TRUE(goal_match("/blog/*", "/blog/a", 7));
	CU_ASSERT_TRUE(goal_match("/blog/*", "/blog/", 6));
	CU_ASSERT_FALSE(goal_match("/blog/*", "/blog", 5));
	CU_ASSERT_FALSE(goal_match("/blog/*", "/Blog/a", 7));	/* case counts */
	CU_ASSERT_TRUE(goal_match("*/a*b", "/x/y/a-b", 8));
	CU_ASSERT_TRUE(goal_match("/p", "/p", 2));
	CU_ASSERT_FALSE(goal_match("/p", "/pp", 3));
	CU_ASSERT_TRUE(goal_match("/50%_off", "/50%_off", 8));	/* % and _ are literal */
	CU_ASSERT_FALSE(goal_match("/50%_off", "/50xyoff", 8));
	CU_ASSERT_TRUE(goal_match("*", "", 0));
	/* Only the n bytes given: the rest of the buffer does not count. */
	CU_ASSERT_TRUE(goal_match("/a", "/abc", 2));
}

static void
test_like_escape(void)
{
	struct buf b = BUF_INIT;

	sql_like_escape(&b, "50%_off!*x", 10, 0);
	CU_ASSERT_STRING_EQUAL(b.ptr, "50!%!_off!!*x");
	buf_reset(&b);
	sql_like_escape(&b, "/blog/*/a_b%!*", 14, 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "/blog/%/a!_b!%!!%");
	buf_reset(&b);
	sql_like_escape(&b, "\xc3\xa9", 2, 1);
	CU_ASSERT_STRING_EQUAL(b.ptr, "\xc3\xa9");
	buf_reset(&b);
	sql_like_escape(&b, "", 0, 1);
	CU_ASSERT_EQUAL(b.len, 0);
	buf_release(&b);
}

/* The SQL and arguments of one filter spec. */
struct one {
	struct filters		 fs;
	struct buf		 sql;
	struct db_args		 args;
	int			 rc;
};

static const struct goal_ref goals[] = {
	{ 7, 0, "/blog/*_new" },
	{ 8, 1, "Signup" },
};

static void
one(struct one *o, const char *spec)
{
	filters_init(&o->fs);
	buf_init(&o->sql, 0);
	memset(&o->args, 0, sizeof(o->args));
	o->rc = -1;
	if (add(&o->fs, spec) == 0)
		o->rc = filters_sql(&o->fs, goals, 2, &o->sql, &o->args);
}

static void
one_free(struct one *o)
{
	filters_free(&o->fs);
	buf_release(&o->sql);
	db_args_free(&o->args);
}

/* The server escapes the bound value for LIKE, as sql_like_escape() does. */
#define ESC "REPLACE(REPLACE(REPLACE(?, '!', '!!'), '%', '!%'), '_', '!_')"
#define CONTAINS "LIKE CONCAT('%', " ESC ", '%') ESCAPE '!'"

#define EXISTS_E "EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id" \
	" AND e.site_id = s.site_id AND "

static void
test_sql_session(void)
{
	struct one o;

	one(&o, "country:is:US");
	CU_ASSERT_EQUAL(o.rc, 0);
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND s.country = ?");
	CU_ASSERT_EQUAL(o.args.n, 1);
	CU_ASSERT(arg_is(&o.args, 0, "US"));
	CU_ASSERT_PTR_EQUAL(o.args.bind[0].buffer, o.fs.f[0].value);
	one_free(&o);

	one(&o, "referrer:is_not:news.example");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND s.referrer_domain <> ?");
	CU_ASSERT(arg_is(&o.args, 0, "news.example"));
	one_free(&o);

	one(&o, "utm_campaign:contains:50%_off!");
	CU_ASSERT_EQUAL(o.rc, 0);
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND s.utm_campaign COLLATE"
	    " utf8mb4_unicode_ci " CONTAINS);
	CU_ASSERT_EQUAL(o.args.n, 1);
	CU_ASSERT(arg_is(&o.args, 0, "50%_off!"));
	CU_ASSERT_PTR_EQUAL(o.args.bind[0].buffer, o.fs.f[0].value);
	one_free(&o);

	one(&o, "browser_version:not_contains:Chrome 1");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND CONCAT(s.browser, ' ',"
	    " s.browser_version) COLLATE utf8mb4_unicode_ci NOT " CONTAINS);
	CU_ASSERT(arg_is(&o.args, 0, "Chrome 1"));
	one_free(&o);

	one(&o, "entry_page:is:/'; DROP TABLE x; --");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND s.entry_page = ?");
	CU_ASSERT(arg_is(&o.args, 0, "/'; DROP TABLE x; --"));
	one_free(&o);
}

static void
test_sql_events(void)
{
	struct one o;

	one(&o, "page:is:/pricing");
	CU_ASSERT_EQUAL(o.rc, 0);
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND " EXISTS_E
	    "e.name = 'pageview' AND e.pathname = ?)");
	CU_ASSERT_EQUAL(o.args.n, 1);
	CU_ASSERT(arg_is(&o.args, 0, "/pricing"));
	one_free(&o);

	/* A visit is not /x when it has no page view of /x. */
	one(&o, "page:is_not:/x");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND NOT " EXISTS_E
	    "e.name = 'pageview' AND e.pathname = ?)");
	CU_ASSERT(arg_is(&o.args, 0, "/x"));
	one_free(&o);

	one(&o, "page:contains:/Blog");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND " EXISTS_E
	    "e.name = 'pageview' AND e.pathname COLLATE utf8mb4_unicode_ci "
	    CONTAINS ")");
	CU_ASSERT(arg_is(&o.args, 0, "/Blog"));
	one_free(&o);

	one(&o, "page:not_contains:_");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND NOT " EXISTS_E
	    "e.name = 'pageview' AND e.pathname COLLATE utf8mb4_unicode_ci "
	    CONTAINS ")");
	CU_ASSERT(arg_is(&o.args, 0, "_"));
	one_free(&o);

	one(&o, "event:is:Signup");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND " EXISTS_E
	    "e.name NOT IN ('pageview', 'engagement') AND e.name = ?)");
	CU_ASSERT(arg_is(&o.args, 0, "Signup"));
	one_free(&o);

	one(&o, "prop.plan:is:pro");
	CU_ASSERT_EQUAL(o.rc, 0);
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND " EXISTS_E
	    "JSON_CONTAINS(e.props, JSON_OBJECT(?, ?)))");
	CU_ASSERT_EQUAL(o.args.n, 2);
	CU_ASSERT(arg_is(&o.args, 0, "plan"));
	CU_ASSERT(arg_is(&o.args, 1, "pro"));
	one_free(&o);

	one(&o, "prop.\"k\":is_not:\"v\"");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND NOT " EXISTS_E
	    "JSON_CONTAINS(e.props, JSON_OBJECT(?, ?)))");
	CU_ASSERT(arg_is(&o.args, 0, "\"k\""));
	CU_ASSERT(arg_is(&o.args, 1, "\"v\""));
	one_free(&o);

	one(&o, "goal:is:7");
	CU_ASSERT_EQUAL(o.rc, 0);
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND " EXISTS_E
	    "e.name = 'pageview' AND e.pathname LIKE REPLACE(" ESC
	    ", '*', '%') ESCAPE '!')");
	CU_ASSERT_EQUAL(o.args.n, 1);
	CU_ASSERT(arg_is(&o.args, 0, "/blog/*_new"));
	CU_ASSERT_PTR_EQUAL(o.args.bind[0].buffer, goals[0].target);
	one_free(&o);

	one(&o, "goal:is_not:8");
	CU_ASSERT_STRING_EQUAL(o.sql.ptr, " AND NOT " EXISTS_E "e.name = ?)");
	CU_ASSERT(arg_is(&o.args, 0, "Signup"));
	CU_ASSERT_PTR_EQUAL(o.args.bind[0].buffer, goals[1].target);
	one_free(&o);

	/* An unknown goal fails and appends nothing. */
	one(&o, "goal:is:9");
	CU_ASSERT_EQUAL(o.rc, -1);
	CU_ASSERT_EQUAL(o.sql.len, 0);
	CU_ASSERT_EQUAL(o.args.n, 0);
	one_free(&o);
}

static void
test_sql_many(void)
{
	struct filters fs;
	struct buf sql = BUF_INIT;
	struct db_args args = DB_ARGS_INIT;
	struct filter bad;
	static const char head[] = "WHERE s.site_id = ? AND s.country = ? AND "
	    "EXISTS (";

	filters_init(&fs);
	CU_ASSERT_EQUAL(filters_sql(&fs, NULL, 0, &sql, &args), 0);
	CU_ASSERT_EQUAL(filters_sql(NULL, NULL, 0, &sql, &args), 0);
	CU_ASSERT_EQUAL(filters_sql_events(NULL, &sql, &args), 0);
	CU_ASSERT_EQUAL(sql.len, 0);
	CU_ASSERT_EQUAL(args.n, 0);
	CU_ASSERT_EQUAL(add(&fs, "country:is:US"), 0);
	CU_ASSERT_EQUAL(add(&fs, "page:contains:a"), 0);
	CU_ASSERT_EQUAL(add(&fs, "prop.k:is:v"), 0);
	CU_ASSERT_EQUAL(add(&fs, "page:is_not:/b"), 0);
	CU_ASSERT_EQUAL(add(&fs, "goal:is:8"), 0);
	CU_ASSERT_EQUAL(add(&fs, "os:contains:x"), 0);
	buf_adds(&sql, "WHERE s.site_id = ?");
	db_arg_int(&args, 1);
	CU_ASSERT_EQUAL(filters_sql(&fs, goals, 2, &sql, &args), 0);
	CU_ASSERT_EQUAL(args.n, 8);
	CU_ASSERT_EQUAL(args.bind[0].buffer_type, MYSQL_TYPE_LONGLONG);
	CU_ASSERT(arg_is(&args, 1, "US"));
	CU_ASSERT(arg_is(&args, 2, "a"));
	CU_ASSERT(arg_is(&args, 3, "k"));
	CU_ASSERT(arg_is(&args, 4, "v"));
	CU_ASSERT(arg_is(&args, 5, "/b"));
	CU_ASSERT(arg_is(&args, 6, "Signup"));
	CU_ASSERT(arg_is(&args, 7, "x"));
	CU_ASSERT(strncmp(sql.ptr, head, strlen(head)) == 0);
	CU_ASSERT(strstr(sql.ptr, ") AND s.os COLLATE") != NULL);

	/* The page filters alone, over events e. */
	buf_reset(&sql);
	db_args_reset(&args);
	CU_ASSERT_EQUAL(filters_sql_events(&fs, &sql, &args), 0);
	CU_ASSERT_STRING_EQUAL(sql.ptr, " AND e.pathname COLLATE"
	    " utf8mb4_unicode_ci " CONTAINS " AND e.pathname <> ?");
	CU_ASSERT_EQUAL(args.n, 2);
	CU_ASSERT(arg_is(&args, 0, "a"));
	CU_ASSERT(arg_is(&args, 1, "/b"));

	/* A hand-made filter that is not well formed fails whole. */
	buf_reset(&sql);
	db_args_reset(&args);
	bad.dim = DIM_TOTAL;
	bad.op = OP_IS;
	bad.key = NULL;
	bad.value = NULL;
	fs.f[fs.n++] = bad;
	CU_ASSERT_EQUAL(filters_sql(&fs, goals, 2, &sql, &args), -1);
	CU_ASSERT_EQUAL(sql.len, 0);
	CU_ASSERT_EQUAL(args.n, 0);
	bad.dim = DIM_PAGE;
	fs.f[fs.n - 1] = bad;
	CU_ASSERT_EQUAL(filters_sql_events(&fs, &sql, &args), -1);
	CU_ASSERT_EQUAL(sql.len, 0);
	CU_ASSERT_EQUAL(args.n, 0);
	/* filters_sql_events only looks at page filters. */
	bad.dim = DIM_TOTAL;
	fs.f[fs.n - 1] = bad;
	CU_ASSERT_EQUAL(filters_sql_events(&fs, &sql, &args), 0);
	CU_ASSERT_EQUAL(args.n, 2);
	fs.n--;
	filters_free(&fs);
	buf_release(&sql);
	db_args_free(&args);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("filter", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "dimension table", test_dims) == NULL ||
	    CU_add_test(s, "parse", test_parse) == NULL ||
	    CU_add_test(s, "parse refuses", test_parse_refused) == NULL ||
	    CU_add_test(s, "from query", test_from_query) == NULL ||
	    CU_add_test(s, "to query and round trips", test_to_query) == NULL ||
	    CU_add_test(s, "to query with one more", test_to_query_with) == NULL ||
	    CU_add_test(s, "to spec", test_to_spec) == NULL ||
	    CU_add_test(s, "describe", test_describe) == NULL ||
	    CU_add_test(s, "like escape", test_like_escape) == NULL ||
	    CU_add_test(s, "sql of session dims", test_sql_session) == NULL ||
	    CU_add_test(s, "sql of event dims", test_sql_events) == NULL ||
	    CU_add_test(s, "sql of several", test_sql_many) == NULL ||
	    CU_add_test(s, "goal patterns", test_goal_match) == NULL) {
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
