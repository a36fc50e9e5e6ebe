/*
 * fuzz_request: libFuzzer harness for every cgi/core function that reads
 * bytes sent by a client: form_decode, form_parse, form_parse_cookies,
 * json_parse_limited, json_text and the valid_* checks.  Each input goes
 * to all of them.  Besides memory errors it checks their contracts, and
 * valid_utf8 against a second, table-driven reading of Unicode's
 * well-formed byte sequences (Unicode 15, table 3-7).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "json.h"
#include "valid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_request: %s:%d: broken promise: %s\n", \
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Table 3-7: the second byte's range per lead byte; later bytes 80..BF. */
static int
utf8_reference(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned char lo, hi, c;

	while (i < n) {
		c = s[i];
		lo = 0x80;
		hi = 0xbf;
		if (c <= 0x7f) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c == 0xe0) {
			len = 3;
			lo = 0xa0;
		} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
			len = 3;
		else if (c == 0xed) {
			len = 3;
			hi = 0x9f;
		} else if (c == 0xf0) {
			len = 4;
			lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3)
			len = 4;
		else if (c == 0xf4) {
			len = 4;
			hi = 0x8f;
		} else
			return 0;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += len;
	}
	return 1;
}

/* Each of the n bytes (not NUL-terminated) is one of set. */
static int
all_in(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

static void
fuzz_valid(const char *s, size_t n)
{
	size_t i, cut, max;
	int utf8 = valid_utf8(s, n);

	CHECK(utf8 == utf8_reference((const unsigned char *)s, n));
	if (valid_text(s, n)) {
		CHECK(utf8);
		CHECK(memchr(s, '\0', n) == NULL && memchr(s, '\n', n) == NULL &&
		    memchr(s, 0x7f, n) == NULL);
	}
	if (valid_hostname(s, n)) {
		CHECK(n >= 1 && n <= 253);
		CHECK(all_in(s, n, ALNUM ".-"));
		CHECK(s[0] != '.' && s[0] != '-' && s[n - 1] != '.' && s[n - 1] != '-');
	}
	if (valid_token(s, n, 64)) {
		CHECK(n >= 1 && n <= 64);
		CHECK(all_in(s, n, ALNUM "_-"));
	}
	if (!utf8)
		return;
	/* Cutting valid UTF-8 anywhere gives valid UTF-8, as long as it can. */
	for (i = 0; i < 8; i++) {
		max = i < 4 ? i : n - (i - 4);
		if (max > n)
			continue;
		cut = valid_utf8_cut(s, n, max);
		CHECK(cut <= max && cut + 3 >= max);
		CHECK(valid_utf8(s, cut));
	}
	CHECK(valid_utf8_cut(s, n, n) == n);
}

static void
fuzz_decode(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	int plus;

	for (plus = 0; plus <= 1; plus++) {
		if (form_decode(&b, s, n, plus) == 0) {
			CHECK(b.len <= n && b.ptr[b.len] == '\0');
			if (memchr(s, '%', n) == NULL && (!plus || memchr(s, '+', n) == NULL))
				CHECK(b.len == n && memcmp(b.ptr, s, n) == 0);
		} else
			CHECK(memchr(s, '%', n) != NULL);
	}
	buf_release(&b);
}

static void
check_pairs(const struct kvlist *l, size_t max)
{
	size_t i;

	CHECK(l->n <= max);
	for (i = 0; i < l->n; i++) {
		CHECK(l->v[i].key != NULL && l->v[i].val != NULL);
		CHECK(l->v[i].val[l->v[i].vlen] == '\0');
	}
	/* The first pair is always the one kv_get() finds for its key. */
	if (l->n > 0)
		CHECK(kv_get(l, l->v[0].key, NULL) == l->v[0].val);
}

static void
fuzz_forms(const char *s, size_t n)
{
	struct kvlist l = KVLIST_INIT;
	static const size_t limits[] = { 3, 32, 1000 };
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		kvlist_reset(&l);
		(void)form_parse(&l, s, n, limits[i]);
		check_pairs(&l, limits[i]);
		kvlist_reset(&l);
		(void)form_parse_cookies(&l, s, n, limits[i]);
		check_pairs(&l, limits[i]);
	}
	kvlist_free(&l);
}

/* Walk a parsed document, reading every string through json_text. */
static void
walk(json_object *o, int depth)
{
	const char *t;
	size_t n, i;

	CHECK(depth < 64);
	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			CHECK(valid_utf8(key, strlen(key)));
			walk(val, depth + 1);
		}
		break;
	}
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			walk(json_object_array_get_idx(o, i), depth + 1);
		break;
	case json_type_string:
		if ((t = json_text(o, &n)) != NULL)
			CHECK(valid_text(t, n) && strlen(t) == n);
		break;
	default:
		break;
	}
}

static void
fuzz_json(const char *s, size_t n)
{
	static const int depths[] = { 1, 2, 5, 32 };
	json_object *o;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		why = NULL;
		o = json_parse_limited(s, n, depths[i], &why);
		if (o == NULL) {
			CHECK(why != NULL && *why != '\0');
			continue;
		}
		CHECK(why == NULL);
		CHECK(n > 0 && memchr(s, '\0', n) == NULL && valid_utf8(s, n));
		walk(o, 0);
		json_object_put(o);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_valid(s, size);
	fuzz_decode(s, size);
	fuzz_forms(s, size);
	fuzz_json(s, size);
	return 0;
}
