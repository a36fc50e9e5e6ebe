/*
 * visitor: daily salts and the hashes made with them.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "collect.h"
#include "crypt.h"
#include "log.h"
#include "visitor.h"

#define DAY_MS (86400LL * 1000)

struct salts {
	pthread_mutex_t	 lock;
	int64_t		 day;		/* days since the epoch of salt[0]; -1 none */
	unsigned char	 today[SALT_LEN];
	unsigned char	 yesterday[SALT_LEN];
	int		 have_yesterday;
	int64_t		 next_prune_ms;
};

struct salts *
salts_new(void)
{
	struct salts *s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	s->day = -1;
	return s;
}

void
salts_free(struct salts *s)
{
	if (s == NULL)
		return;
	crypt_wipe(s->today, SALT_LEN);
	crypt_wipe(s->yesterday, SALT_LEN);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void
day_text(int64_t day, char out[16])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Read the salt of day; 1 found, 0 not, -1 error. */
static int
load(struct db *db, int64_t day, unsigned char out[SALT_LEN])
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	const char *v;
	char d[16];
	size_t n;
	int rc = -1;

	day_text(day, d);
	db_arg_strz(&a, d);
	if (db_select_idx(db, STMT_SALT_GET, &a, &r) == 0) {
		rc = db_fetch(&r);
		if (rc == 1) {
			v = db_col(&r, 0, &n);
			if (v == NULL || n != SALT_LEN)
				rc = -1;
			else
				memcpy(out, v, SALT_LEN);
		}
	}
	db_res_free(&r);
	db_args_free(&a);
	return rc;
}

/* Make today's salt if no process did yet, then read the one that won. */
static int
create(struct db *db, int64_t day, unsigned char out[SALT_LEN])
{
	struct db_args a = DB_ARGS_INIT;
	unsigned char fresh[SALT_LEN];
	char d[16];
	int rc;

	if (crypt_random(fresh, sizeof(fresh)) == -1)
		return -1;
	day_text(day, d);
	db_arg_strz(&a, d);
	db_arg_blob(&a, fresh, sizeof(fresh));
	rc = db_exec(db, db_stmt(db, STMT_SALT_ADD), &a, NULL, NULL);
	db_args_free(&a);
	crypt_wipe(fresh, sizeof(fresh));
	if (rc == -1)
		return -1;
	return load(db, day, out) == 1 ? 0 : -1;
}

int
salts_prune(struct db *db, int64_t now)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long gone = 0;
	char d[16];
	int rc;

	day_text(now / DAY_MS - 1, d);
	db_arg_strz(&a, d);
	rc = db_exec(db, db_stmt(db, STMT_SALT_PRUNE), &a, &gone, NULL);
	db_args_free(&a);
	if (rc == 0 && gone > 0)
		log_info("deleted %llu expired salts", gone);
	return rc;
}

int
salts_get(struct salts *s, struct db_pool *pool, int64_t now, unsigned char today[SALT_LEN],
    unsigned char yesterday[SALT_LEN], int *have_yesterday)
{
	int64_t day = now / DAY_MS;
	unsigned char t[SALT_LEN], y[SALT_LEN];
	struct db *db = NULL;
	int rc = 0, hy;

	pthread_mutex_lock(&s->lock);
	if (s->day != day || now >= s->next_prune_ms)
		db = db_pool_get(pool);
	if (s->day != day) {
		if (db_ensure(db) == -1 || create(db, day, t) == -1) {
			rc = -1;
			goto out;
		}
		if ((hy = load(db, day - 1, y)) == -1) {
			rc = -1;
			goto out;
		}
		memcpy(s->today, t, SALT_LEN);
		memcpy(s->yesterday, y, SALT_LEN);
		s->have_yesterday = hy;
		s->day = day;
		crypt_wipe(t, sizeof(t));
		crypt_wipe(y, sizeof(y));
	}
	/* Hourly, so salts go even when no day change is seen. */
	if (now >= s->next_prune_ms && db_ensure(db) == 0 && salts_prune(db, now) == 0)
		s->next_prune_ms = now + 3600 * 1000;
	memcpy(today, s->today, SALT_LEN);
	memcpy(yesterday, s->yesterday, SALT_LEN);
	*have_yesterday = s->have_yesterday;
out:
	if (db != NULL)
		db_pool_put(pool, db);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

uint64_t
visitor_id(const unsigned char salt[SALT_LEN], unsigned site_id,
    const char *addr, const char *ua)
{
	struct buf msg = BUF_INIT;
	unsigned char mac[CRYPT_SHA256_LEN];
	uint64_t id = 0;
	int i;

	/* NUL separators keep ("ab","c") and ("a","bc") apart. */
	buf_addf(&msg, "%u", site_id);
	buf_addch(&msg, '\0');
	buf_adds(&msg, addr ? addr : "");
	buf_addch(&msg, '\0');
	buf_adds(&msg, ua ? ua : "");
	crypt_hmac_sha256(salt, SALT_LEN, msg.ptr, msg.len, mac);
	buf_release(&msg);
	for (i = 0; i < 8; i++)
		id = id << 8 | mac[i];
	id &= 0x7fffffffffffffffull;	/* fits signed readers of the column too */
	return id ? id : 1;
}

uint64_t
client_key(const unsigned char key[SALT_LEN], const char *addr)
{
	unsigned char in6[16], mac[CRYPT_SHA256_LEN];
	uint64_t k = 0;
	int i;

	if (addr != NULL && inet_pton(AF_INET6, addr, in6) == 1 &&
	    !(in6[0] == 0 && in6[10] == 0xff && in6[11] == 0xff)) {
		/* An IPv6 client counts by its /64. */
		memset(in6 + 8, 0, 8);
		crypt_hmac_sha256(key, SALT_LEN, in6, sizeof(in6), mac);
	} else
		crypt_hmac_sha256(key, SALT_LEN, addr ? addr : "",
		    addr ? strlen(addr) : 0, mac);
	for (i = 0; i < 8; i++)
		k = k << 8 | mac[i];
	return k;
}
