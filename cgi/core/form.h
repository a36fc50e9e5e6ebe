/*
 * form: application/x-www-form-urlencoded and Cookie header parsing,
 * bounded in pairs and bytes.  Values are decoded, NUL-terminated copies.
 */
#ifndef TRACKR_FORM_H
#define TRACKR_FORM_H

#include <stddef.h>

#include "buf.h"

struct kv {
	char	*key;
	char	*val;
	size_t	 vlen;	/* a value may hold an encoded NUL: check vlen */
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};

#define KVLIST_INIT { NULL, 0, 0 }

/*
 * Decode %XX escapes (and '+' as space when plus is set) of s[0..n) into
 * dst, which is reset first.  Returns 0, or -1 on a malformed escape.
 */
int		 form_decode(struct buf *dst, const char *s, size_t n, int plus);
/*
 * Parse "a=1&b=2" into l (appended; reset it first when reusing).
 * Returns 0, or -1 when more than maxpairs pairs arrive or an escape is
 * malformed; l then holds what was parsed before the error.
 */
int		 form_parse(struct kvlist *l, const char *s, size_t n, size_t maxpairs);
/* Parse a Cookie header "a=1; b=2" (no decoding); same contract. */
int		 form_parse_cookies(struct kvlist *l, const char *s, size_t n, size_t maxpairs);
/* The first value for key, or NULL; vlen through lenp when not NULL. */
const char	*kv_get(const struct kvlist *, const char *key, size_t *lenp);
void		 kvlist_reset(struct kvlist *);	/* free the pairs, keep the array */
void		 kvlist_free(struct kvlist *);

#endif
