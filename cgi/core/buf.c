/*
 * buf: growable, NUL-terminated byte buffer with a sticky length error.
 * See buf.h for the invariants and the allocation-failure policy (abort).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

char buf_empty[1];

static void
oom(size_t n)
{
	fprintf(stderr, "trackr: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = b->cap = 0;
	b->max = max;
	b->err = 0;
}

void
buf_release(struct buf *b)
{
	size_t max = b->max;

	if (b->cap)
		free(b->ptr);
	buf_init(b, max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *p;

	if (lenp)
		*lenp = b->len;
	p = b->cap ? b->ptr : xstrdup("");
	buf_init(b, b->max);
	return p;
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t want;

	if (n > ((size_t)-1) / 2 - b->len)
		oom(n);
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	if (want < b->cap * 3 / 2)
		want = b->cap * 3 / 2;
	if (want < 64)
		want = 64;
	if (b->cap == 0) {
		b->ptr = xmalloc(want);
		b->ptr[0] = '\0';
	} else
		b->ptr = xrealloc(b->ptr, want);
	b->cap = want;
}

void
buf_setlen(struct buf *b, size_t len)
{
	if (b->cap == 0 && len == 0)
		return;
	if (len >= b->cap)
		buf_grow(b, len - b->len);
	b->len = len;
	b->ptr[len] = '\0';
}

/* Check the limit; on overflow set the sticky error and refuse. */
static int
room(struct buf *b, size_t n)
{
	if (b->err)
		return 0;
	if (b->max && (n > b->max || b->len > b->max - n)) {
		b->err = 1;
		return 0;
	}
	buf_grow(b, n);
	return 1;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || !room(b, n))
		return;
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->err)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !room(b, (size_t)n))
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_add_html(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '`': rep = "&#96;"; break;
		default: continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

void
buf_add_url(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			buf_addch(b, c);
		else {
			buf_addch(b, '%');
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
		}
	}
}

void
buf_add_json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	unsigned char c;

	buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '"': buf_adds(b, "\\\""); continue;
		case '\\': buf_adds(b, "\\\\"); continue;
		case '\n': buf_adds(b, "\\n"); continue;
		case '\r': buf_adds(b, "\\r"); continue;
		case '\t': buf_adds(b, "\\t"); continue;
		default: break;
		}
		/* U+2028 and U+2029 end a line inside a string in older JavaScript. */
		if (c == 0xe2 && n - i >= 3 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			buf_adds(b, (unsigned char)s[i + 2] == 0xa8 ?
			    "\\u2028" : "\\u2029");
			i += 2;
			continue;
		}
		/* <, >, & and ' escaped so the string is inert inside <script>. */
		if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'') {
			buf_adds(b, "\\u00");
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
		} else
			buf_addch(b, c);
	}
	buf_addch(b, '"');
}

void
buf_add_hex(struct buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf_addch(b, hex[p[i] >> 4]);
		buf_addch(b, hex[p[i] & 15]);
	}
}
