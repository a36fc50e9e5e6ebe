/*
 * collect: what the collection program's files share: its SQL and the
 * read-only context every handler sees.
 */
#ifndef TRACKR_COLLECT_H
#define TRACKR_COLLECT_H

#include <stdint.h>

#include "conf.h"

enum stmt {
	STMT_SITE_BY_KEY,
	STMT_SITE_BY_DOMAIN,
	STMT_SALT_ADD,
	STMT_SALT_GET,
	STMT_SALT_PRUNE,
	STMT__MAX
};

extern const char *const stmts[STMT__MAX];

struct site_cache;
struct ratelimit;
struct salts;
struct writer;
struct geo;

struct db_pool;

struct collect {
	const struct conf	*conf;
	struct db_pool		*pool;		/* for site lookups, salts, health */
	struct site_cache	*sites;
	struct ratelimit	*rl_site;
	struct ratelimit	*rl_client;
	struct salts		*salts;
	struct writer		*writer;
	struct geo		*geo;
	long long		 rate_site;	/* events per minute per site */
	long long		 rate_client;	/* requests per minute per client */
	int			 bench;		/* serve /__bench/noop */
};

/* Milliseconds since the epoch, UTC. */
int64_t	now_ms(void);

#endif
