/*
 * visitor: identity without cookies.  A visitor id is a keyed hash of a
 * random salt that changes every UTC day, the site, the client address
 * and the User-Agent.  Salts live in the database (shared by every
 * collector process) and are deleted once two days old, after which no
 * one, us included, can link an id back to an address.
 */
#ifndef TRACKR_VISITOR_H
#define TRACKR_VISITOR_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define SALT_LEN 32

struct salts;

struct salts	*salts_new(void);
void		 salts_free(struct salts *);
/*
 * Today's salt and yesterday's (when it still exists) for now_ms.  Loads
 * or creates them through a pooled connection on a new day, and prunes
 * old ones hourly.  Returns
 * 0, or -1 when the database could not be asked and no salt is known.
 */
int		 salts_get(struct salts *, struct db_pool *, int64_t now_ms,
		    unsigned char today[SALT_LEN], unsigned char yesterday[SALT_LEN],
		    int *have_yesterday);
/* Delete salts older than yesterday; 0 or -1. */
int		 salts_prune(struct db *, int64_t now_ms);
/* The visitor id for (site, address, User-Agent) under salt; never 0. */
uint64_t	 visitor_id(const unsigned char salt[SALT_LEN], unsigned site_id,
		    const char *addr, const char *ua);
/*
 * A key for rate limiting a client: a hash of its address (IPv6 by /64
 * prefix, as one host often holds a whole /64) under a per-process key.
 */
uint64_t	 client_key(const unsigned char key[SALT_LEN], const char *addr);

#endif
