/*
 * valid: byte-level validators used at the edge of every program.
 */
#include "valid.h"

int
valid_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	unsigned c, cp, need, min;

	while (s < e) {
		c = *s++;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			return 0;
		if ((size_t)(e - s) < need)
			return 0;
		while (need--) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (*s++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

int
valid_text(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return 0;
		/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return 0;
	}
	return valid_utf8(p, n);
}

int
valid_hostname(const char *s, size_t n)
{
	size_t i, label = 0;
	char c;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[n - 1] != '-';
}

int
valid_token(const char *s, size_t n, size_t max)
{
	size_t i;
	char c;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

size_t
valid_utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	/* Step back over continuation bytes to the start of a character. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
