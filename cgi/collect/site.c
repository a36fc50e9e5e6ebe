/*
 * site: a fixed-size cache of site rows, keyed by site key or domain.
 * Slots are overwritten on collision: it is a cache, the database is
 * the truth.  Lookups copy the row out, so no caller holds a pointer
 * into the cache.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "collect.h"
#include "log.h"
#include "site.h"

#define SITE_SLOTS	4096
#define SITE_LOCKS	64
#define NEG_TTL		10

struct slot {
	char		 key[256];	/* 'k' or 'd', then the key or domain */
	time_t		 expires;
	int		 found;
	struct site_info info;
};

struct site_cache {
	int		 ttl;
	struct slot	*slots;
	pthread_mutex_t	 locks[SITE_LOCKS];
};

struct site_cache *
site_cache_new(int ttl)
{
	struct site_cache *c = xcalloc(1, sizeof(*c));
	int i;

	c->ttl = ttl;
	c->slots = xcalloc(SITE_SLOTS, sizeof(*c->slots));
	for (i = 0; i < SITE_LOCKS; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

void
site_cache_free(struct site_cache *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < SITE_LOCKS; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
copy_col(char *dst, size_t cap, const char *src, size_t n)
{
	if (src == NULL)
		n = 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* Ask the database; 1 found, 0 not, -1 error. */
static int
fetch(struct db *db, int by_key, const char *what, struct site_info *out)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	const char *s;
	size_t n;
	int rc = -1, enabled = 0;

	db_arg_strz(&a, what);
	if (db_select_idx(db, by_key ? STMT_SITE_BY_KEY : STMT_SITE_BY_DOMAIN, &a, &r) == -1)
		goto out;
	switch (db_fetch(&r)) {
	case 1:
		memset(out, 0, sizeof(*out));
		out->id = (unsigned)db_col_int(&r, 0, 0);
		out->org_id = (unsigned)db_col_int(&r, 1, 0);
		s = db_col(&r, 2, &n);
		copy_col(out->domain, sizeof(out->domain), s, n);
		s = db_col(&r, 3, &n);
		copy_col(out->origins, sizeof(out->origins), s, n);
		enabled = db_col_int(&r, 4, 0) != 0;
		out->allow_bots = db_col_int(&r, 5, 0) != 0;
		out->respect_dnt = db_col_int(&r, 6, 0) != 0;
		out->rate_limit = (unsigned)db_col_int(&r, 7, 0);
		/* A disabled site answers exactly like an unknown one. */
		rc = enabled ? 1 : 0;
		break;
	case 0:
		rc = 0;
		break;
	default:
		break;
	}
	db_res_free(&r);
out:
	db_args_free(&a);
	return rc;
}

int
site_lookup(struct site_cache *c, struct db_pool *pool, const char *key,
    const char *domain, struct site_info *out)
{
	char k[256];
	const char *what = key ? key : domain;
	struct db *db;
	struct slot *s;
	uint32_t h;
	pthread_mutex_t *lock;
	time_t now = time(NULL);
	size_t n, i;
	int rc;

	n = strlen(what);
	if (n == 0 || n > 253)
		return 0;
	k[0] = key ? 'k' : 'd';
	for (i = 0; i < n; i++)	/* domains compare without case */
		k[i + 1] = (!key && what[i] >= 'A' && what[i] <= 'Z') ?
		    what[i] + 32 : what[i];
	k[n + 1] = '\0';
	h = fnv1a(k);
	s = &c->slots[h % SITE_SLOTS];
	lock = &c->locks[h % SITE_LOCKS];

	pthread_mutex_lock(lock);
	if (s->expires > now && strcmp(s->key, k) == 0) {
		rc = s->found;
		if (rc)
			*out = s->info;
		pthread_mutex_unlock(lock);
		return rc;
	}
	pthread_mutex_unlock(lock);

	db = db_pool_get(pool);
	rc = fetch(db, key != NULL, k + 1, out);
	/* www.example.com reports to example.com when only that is registered. */
	if (rc == 0 && !key && strncmp(k + 1, "www.", 4) == 0)
		rc = fetch(db, 0, k + 5, out);
	db_pool_put(pool, db);
	if (rc == -1)
		return -1;

	pthread_mutex_lock(lock);
	memcpy(s->key, k, n + 2);
	s->found = rc;
	s->expires = now + (rc ? c->ttl : NEG_TTL);
	if (rc)
		s->info = *out;
	pthread_mutex_unlock(lock);
	return rc;
}

/* Does origin "scheme://host[:port]" name host over http or https? */
static int
origin_is_host(const char *origin, const char *host, size_t hlen)
{
	const char *p;
	size_t n;

	if (strncmp(origin, "https://", 8) == 0)
		p = origin + 8;
	else if (strncmp(origin, "http://", 7) == 0)
		p = origin + 7;
	else
		return 0;
	n = strcspn(p, ":/");
	if (p[n] == '/')
		return 0;
	return n == hlen && strncasecmp(p, host, hlen) == 0;
}

int
site_origin_ok(const struct site_info *s, const char *origin)
{
	const char *p = s->origins, *end;
	size_t n, olen = strlen(origin);
	char www[258];

	if (*p == '\0') {
		n = strlen(s->domain);
		if (origin_is_host(origin, s->domain, n))
			return 1;
		if (n + 4 < sizeof(www)) {
			memcpy(www, "www.", 4);
			memcpy(www + 4, s->domain, n + 1);
			return origin_is_host(origin, www, n + 4);
		}
		return 0;
	}
	while (*p) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		n = (size_t)(end - p);
		/* Exact match only: origins are compared as the browser sends them. */
		if (n > 0 && n == olen && strncasecmp(p, origin, n) == 0)
			return 1;
		p = end;
	}
	return 0;
}
