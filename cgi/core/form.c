/*
 * form: query strings, form bodies and cookies.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
form_decode(struct buf *dst, const char *s, size_t n, int plus)
{
	size_t i;
	int hi, lo;

	buf_reset(dst);
	buf_grow(dst, n);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addch(dst, hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus)
			buf_addch(dst, ' ');
		else
			buf_addch(dst, s[i]);
	}
	return 0;
}

static void
push(struct kvlist *l, char *key, char *val, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->v[l->n].vlen = vlen;
	l->n++;
}

int
form_parse(struct kvlist *l, const char *s, size_t n, size_t maxpairs)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	const char *p = s, *e = s + n, *amp, *eq;
	size_t count = 0, vlen;
	int rc = -1;

	while (p < e) {
		if ((amp = memchr(p, '&', e - p)) == NULL)
			amp = e;
		if (amp == p) {
			p++;
			continue;
		}
		if (++count > maxpairs)
			goto out;
		if ((eq = memchr(p, '=', amp - p)) == NULL)
			eq = amp;
		if (form_decode(&k, p, eq - p, 1) == -1 ||
		    form_decode(&v, eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, 1) == -1)
			goto out;
		vlen = v.len;
		push(l, buf_detach(&k, NULL), buf_detach(&v, NULL), vlen);
		p = amp + 1;
	}
	rc = 0;
out:
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int
form_parse_cookies(struct kvlist *l, const char *s, size_t n, size_t maxpairs)
{
	const char *p = s, *e = s + n, *semi, *eq, *ke, *vs, *ve;
	size_t count = 0;

	while (p < e) {
		if ((semi = memchr(p, ';', e - p)) == NULL)
			semi = e;
		while (p < semi && (*p == ' ' || *p == '\t'))
			p++;
		if (p == semi) {
			p = semi + 1;
			continue;
		}
		if ((eq = memchr(p, '=', semi - p)) == NULL) {
			p = semi + 1;
			continue;
		}
		if (++count > maxpairs)
			return -1;
		ke = eq;
		while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		vs = eq + 1;
		while (vs < semi && (*vs == ' ' || *vs == '\t'))
			vs++;
		ve = semi;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		push(l, xstrndup(p, ke - p), xstrndup(vs, ve - vs), ve - vs);
		p = semi + 1;
	}
	return 0;
}

const char *
kv_get(const struct kvlist *l, const char *key, size_t *lenp)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0) {
			if (lenp)
				*lenp = l->v[i].vlen;
			return l->v[i].val;
		}
	return NULL;
}

void
kvlist_reset(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	l->n = 0;
}

void
kvlist_free(struct kvlist *l)
{
	kvlist_reset(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}
