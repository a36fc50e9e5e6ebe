/*
 * ratelimit: token buckets in a fixed table, keyed by a 64-bit hash
 * (a site id, or a keyed hash of a client's address: never the address).
 * Keys that collide share a bucket, which can only make a limit stricter.
 */
#ifndef TRACKR_RATELIMIT_H
#define TRACKR_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(unsigned slots);
void		  ratelimit_free(struct ratelimit *);
/*
 * Take cost tokens from key's bucket, which holds per_minute tokens and
 * refills at per_minute / 60 a second.  Returns 0 when allowed, or the
 * seconds to wait (for Retry-After) when not; nothing is taken then.
 */
int		  ratelimit_take(struct ratelimit *, uint64_t key, long long per_minute,
		    unsigned cost, int64_t now_ms);

#endif
