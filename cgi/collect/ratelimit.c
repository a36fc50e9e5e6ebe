/*
 * ratelimit: token buckets, one lock per slot group.
 */
#include <pthread.h>
#include <stdlib.h>

#include "buf.h"
#include "ratelimit.h"

#define RL_LOCKS 64

struct bucket {
	uint64_t	key;
	double		tokens;
	int64_t		last_ms;
};

struct ratelimit {
	unsigned	 nslots;
	struct bucket	*b;
	pthread_mutex_t	 locks[RL_LOCKS];
};

struct ratelimit *
ratelimit_new(unsigned slots)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	int i;

	rl->nslots = slots ? slots : 1;
	rl->b = xcalloc(rl->nslots, sizeof(*rl->b));
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_init(&rl->locks[i], NULL);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	int i;

	if (rl == NULL)
		return;
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_destroy(&rl->locks[i]);
	free(rl->b);
	free(rl);
}

int
ratelimit_take(struct ratelimit *rl, uint64_t key, long long per_minute,
    unsigned cost, int64_t now)
{
	/* Mix the key so that sequential site ids spread over the table. */
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	unsigned i = (unsigned)(h >> 32) % rl->nslots;
	struct bucket *b = &rl->b[i];
	pthread_mutex_t *lock = &rl->locks[i % RL_LOCKS];
	double cap = (double)per_minute, rate = cap / 60000.0, need;
	int wait = 0;

	if (per_minute <= 0)
		return 0;
	pthread_mutex_lock(lock);
	if (b->key != key || b->last_ms == 0) {
		/* A new key (or one that took over the slot) starts full. */
		b->key = key;
		b->tokens = cap;
		b->last_ms = now;
	} else if (now > b->last_ms) {
		b->tokens += (double)(now - b->last_ms) * rate;
		if (b->tokens > cap)
			b->tokens = cap;
		b->last_ms = now;
	}
	if (b->tokens >= cost)
		b->tokens -= cost;
	else {
		need = (double)cost - b->tokens;
		/* Whole seconds until enough tokens, rounded up, at most a minute. */
		wait = need / rate >= 60000.0 ? 60 : ((int)(need / rate) + 999) / 1000;
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(lock);
	return wait;
}
