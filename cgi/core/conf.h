/*
 * conf: the configuration file shared by every TrackR program.
 * "key = value" lines, '#' comments, read once at start-up and then
 * treated as read-only (so threads may read it without locks).
 * Unknown keys are kept: each program reads the keys it needs.
 */
#ifndef TRACKR_CONF_H
#define TRACKR_CONF_H

#include <stddef.h>

struct conf_kv {
	char	*key;
	char	*val;
};

struct conf {
	struct conf_kv	*kv;
	size_t		 n;
	char		*path;
};

/*
 * Read path (when NULL: $TRACKR_CONF, then the built-in default) into c.
 * Returns 0, or -1 with the reason logged; c is then empty but valid.
 * The caller frees with conf_free().
 */
int		 conf_load(struct conf *c, const char *path);
/* Parse text (for tests); same contract as conf_load(). */
int		 conf_parse(struct conf *c, const char *text, const char *name);
void		 conf_free(struct conf *);
/* The value for key, or def when the key is absent or empty. */
const char	*conf_str(const struct conf *, const char *key, const char *def);
/*
 * The integer for key, or def when absent.  A value that is not an
 * integer within [min, max] is logged and -1 is returned through *err
 * (set *err to 0 beforehand; it is only ever set to -1).
 */
long long	 conf_int(const struct conf *, const char *key, long long def,
		    long long min, long long max, int *err);

#endif
