/*
 * valid: checks on untrusted bytes, without side effects.  Each returns
 * 1 when the input is acceptable and 0 otherwise.
 */
#ifndef TRACKR_VALID_H
#define TRACKR_VALID_H

#include <stddef.h>

/* Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
int	valid_utf8(const char *, size_t);
/* UTF-8 without NUL and without C0/C1 controls other than tab. */
int	valid_text(const char *, size_t);
/* A DNS host name: labels of [a-z0-9-] (any case), 1..253 bytes, no leading/trailing '-'. */
int	valid_hostname(const char *, size_t);
/* Only [A-Za-z0-9_-], 1..max bytes: site keys, batch ids, tokens. */
int	valid_token(const char *, size_t, size_t max);
/*
 * Cut n to at most max bytes without splitting a UTF-8 sequence; the input
 * must be valid UTF-8.  Returns the new length.
 */
size_t	valid_utf8_cut(const char *, size_t n, size_t max);

#endif
