/*
 * site: the sites the collector accepts events for, cached in memory so
 * that a request seldom waits for the database.  Unknown sites are cached
 * too (for less time), so a flood of made-up keys costs no queries.
 */
#ifndef TRACKR_SITE_H
#define TRACKR_SITE_H

#include "db.h"

struct site_info {
	unsigned	 id;
	unsigned	 org_id;
	int		 allow_bots;
	int		 respect_dnt;
	unsigned	 rate_limit;		/* events/minute, 0: server default */
	char		 domain[254];
	char		 origins[2001];		/* space-separated; "" for the domain's own */
};

struct site_cache;

struct site_cache	*site_cache_new(int ttl_seconds);
void			 site_cache_free(struct site_cache *);
/*
 * Find the enabled site by key (when key is not NULL) or else by domain.
 * Returns 1 with *out filled, 0 when unknown or disabled, -1 when the
 * database could not be asked.  A connection is taken from pool only on a
 * cache miss.
 */
int			 site_lookup(struct site_cache *, struct db_pool *, const char *key,
			    const char *domain, struct site_info *out);
/*
 * 1 when origin (an Origin header value) may send events for s: one of
 * its allowed origins, or with none set, http(s)://domain or www.domain
 * on any port.
 */
int			 site_origin_ok(const struct site_info *s, const char *origin);

#endif
