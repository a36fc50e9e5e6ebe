/*
 * fuzz_event: libFuzzer harness for the collector's parser.  The input is
 * a JSON body for event_parse_body(); split at its first '\n', the rest is
 * also a pixel query string (form_parse + event_parse_query) with the
 * part before the '\n' as the Referer header.  Beyond memory errors, it
 * checks the parser's promises on every result: a refusal leaves an empty
 * list and a reason, an acceptance only bounded, valid, re-parseable data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "event.h"
#include "form.h"
#include "json.h"
#include "referrer.h"
#include "valid.h"

#define QUERY_MAX_PAIRS	32	/* as trackr-collect's pixel handler */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_event: %s:%d: broken promise: %s\n", \
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Bounded text as the parser promises it: valid, no controls, in range. */
static void
check_text(const char *s, size_t min, size_t max)
{
	size_t n;

	CHECK(s != NULL);
	n = strlen(s);
	CHECK(n >= min && n <= max);
	CHECK(valid_text(s, n));
}

/* Stored props: one flat JSON object of at most 30 string values. */
static void
check_props(const char *props)
{
	json_object *o;
	const char *why;
	size_t count = 0, vn;

	o = json_parse_limited(props, strlen(props), 2, &why);
	CHECK(o != NULL);
	CHECK(json_object_is_type(o, json_type_object));
	json_object_object_foreach(o, key, val) {
		CHECK(strlen(key) >= 1 && strlen(key) <= EVENT_MAX_PROP_KEY);
		CHECK(json_text(val, &vn) != NULL);
		CHECK(vn <= EVENT_MAX_PROP_VALUE);
		count++;
	}
	CHECK(count >= 1 && count <= EVENT_MAX_PROPS);
	json_object_put(o);
}

static void
check_event(const struct event *e)
{
	struct url_parts u;
	size_t i;

	check_text(e->name, 1, EVENT_MAX_NAME);
	check_text(e->url, 1, EVENT_MAX_URL);
	CHECK(url_split(e->url, strlen(e->url), &u) == 0);
	if (e->referrer != NULL)
		check_text(e->referrer, 0, EVENT_MAX_URL);
	if (e->props != NULL)
		check_props(e->props);
	if (e->revenue_amount != NULL) {
		CHECK(strlen(e->revenue_amount) > 0 && strlen(e->revenue_amount) < 40);
		CHECK(strspn(e->revenue_amount, "-0123456789.") ==
		    strlen(e->revenue_amount));
		for (i = 0; i < 3; i++)
			CHECK(e->revenue_currency[i] >= 'A' && e->revenue_currency[i] <= 'Z');
		CHECK(e->revenue_currency[3] == '\0');
	}
	CHECK(e->screen_width >= -1 && e->screen_width <= EVENT_MAX_WIDTH);
	CHECK(e->engagement_ms >= -1 && e->engagement_ms <= EVENT_MAX_ENGAGEMENT);
	CHECK(e->scroll_depth >= -1 && e->scroll_depth <= 100);
	CHECK(e->hash_mode == 0 || e->hash_mode == 1);
	CHECK(e->interactive == 0 || e->interactive == 1);
}

static void
check_result(int rc, const struct event_list *l, const char *why, size_t maxn)
{
	size_t i;

	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		CHECK(why != NULL && *why != '\0');
		CHECK(l->n == 0 && l->ev == NULL && l->target.site_key == NULL &&
		    l->target.domain == NULL && l->target.batch_id == NULL);
		return;
	}
	CHECK(l->n >= 1 && l->n <= maxn && l->ev != NULL);
	CHECK(l->target.site_key != NULL || l->target.domain != NULL);
	if (l->target.site_key != NULL)
		check_text(l->target.site_key, 1, EVENT_MAX_SITE_KEY);
	if (l->target.domain != NULL)
		check_text(l->target.domain, 1, EVENT_MAX_DOMAIN);
	if (l->target.batch_id != NULL)
		CHECK(valid_token(l->target.batch_id, strlen(l->target.batch_id),
		    EVENT_MAX_BATCH_ID) && strlen(l->target.batch_id) >= 8);
	for (i = 0; i < l->n; i++)
		check_event(&l->ev[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *why;
	struct kvlist args = KVLIST_INIT;
	struct event_list l;
	char *referer;
	int rc;

	why = NULL;
	rc = event_parse_body(s, size, &l, &why);
	check_result(rc, &l, why, EVENT_MAX_BATCH);
	event_list_free(&l);

	if ((nl = memchr(s, '\n', size)) == NULL)
		return 0;
	/* A header value is a C string: it ends at the first NUL. */
	referer = xstrndup(s, (size_t)(nl - s));
	if (form_parse(&args, nl + 1, size - (size_t)(nl + 1 - s),
	    QUERY_MAX_PAIRS) == 0) {
		why = NULL;
		rc = event_parse_query(&args, referer, &l, &why);
		check_result(rc, &l, why, 1);
		event_list_free(&l);
	}
	kvlist_free(&args);
	free(referer);
	return 0;
}
