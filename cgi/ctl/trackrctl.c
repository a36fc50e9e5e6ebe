/*
 * trackrctl: the command-line tool for operators.
 *
 *   trackrctl [-c config] migrate [dir]
 *   trackrctl [-c config] seed-demo --domain D [--origin O]... [--allow-bots]
 *   trackrctl [-c config] salts-prune
 *   trackrctl [-c config] mail-send [--once]
 *   trackrctl [-c config] mail-test ADDRESS
 *   trackrctl [-c config] staff EMAIL on|off
 *   trackrctl [-c config] rollup [--every SECONDS]
 *   trackrctl [-c config] gen-events --site D --events N --months M --seed S
 *                         [--end YYYY-MM-DD] [--tz ZONE]
 *
 * Migrations are migrations/NNNN_name.sql, applied in order, each recorded
 * with its SHA-256; a file changed after it was applied is refused.
 * mail-send delivers what programs queued in mail_outbox (cgi/core/mail.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "conf.h"
#include "crypt.h"
#include "db.h"
#include "gen.h"
#include "log.h"
#include "mail.h"
#include "rollup.h"
#include "server.h"
#include "tz.h"
#include "valid.h"

#define MIGRATION_MAX_BYTES	(4 * 1024 * 1024)
#define MIGRATION_MAX_FILES	10000

enum stmt {
	STMT_MIG_CREATE,
	STMT_MIG_GET,
	STMT_MIG_ADD,
	STMT_LOCK,
	STMT_UNLOCK,
	STMT_SITE_BY_DOMAIN,
	STMT_SITE_UPDATE,
	STMT_ORG_BY_NAME,
	STMT_ORG_ADD,
	STMT_SITE_ADD,
	STMT_SALT_PRUNE,
	STMT_MAIL_CLAIM,
	STMT_MAIL_CLAIMED,
	STMT_MAIL_SENT,
	STMT_MAIL_RETRY,
	STMT_MAIL_GIVEUP,
	STMT_USER_STAFF,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	[STMT_MIG_CREATE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
	    " name VARCHAR(255) NOT NULL,"
	    " checksum CHAR(64) NOT NULL,"
	    " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	[STMT_MIG_GET] = "SELECT name, checksum FROM schema_migrations WHERE version = ?",
	[STMT_MIG_ADD] = "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
	[STMT_LOCK] = "SELECT GET_LOCK('trackr_migrate', 60)",
	[STMT_UNLOCK] = "SELECT RELEASE_LOCK('trackr_migrate')",
	[STMT_SITE_BY_DOMAIN] = "SELECT id, site_key FROM sites WHERE domain = ?",
	[STMT_SITE_UPDATE] = "UPDATE sites SET allowed_origins = ?, allow_bots = ? WHERE id = ?",
	[STMT_ORG_BY_NAME] = "SELECT id FROM organisations WHERE name = ? ORDER BY id LIMIT 1",
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone, allowed_origins, allow_bots)"
	    " VALUES (?, ?, ?, 'UTC', ?, ?)",
	[STMT_SALT_PRUNE] = "DELETE FROM salts WHERE day < UTC_DATE() - INTERVAL 1 DAY",
	/*
	 * One due row, leased to this sender by its fresh token.  InnoDB
	 * locks the row it updates and re-reads it, so a concurrent sender
	 * sees the lease and takes another row.  Times are the database's.
	 */
	[STMT_MAIL_CLAIM] =
	    "UPDATE mail_outbox SET claim_token = ?,"
	    " claimed_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
	    " WHERE next_attempt_at <= UTC_TIMESTAMP(3) AND sent_at IS NULL"
	    " AND (claimed_until IS NULL OR claimed_until < UTC_TIMESTAMP(3))"
	    " ORDER BY next_attempt_at, id LIMIT 1",
	[STMT_MAIL_CLAIMED] =
	    "SELECT id, to_addr, subject, body_text, body_html, msg_token, attempts"
	    " FROM mail_outbox WHERE claim_token = ?",
	/* The marks check the token: a sender that lost its lease changes nothing. */
	[STMT_MAIL_SENT] =
	    "UPDATE mail_outbox SET sent_at = UTC_TIMESTAMP(3), next_attempt_at = NULL,"
	    " attempts = attempts + 1, last_error = '', claim_token = NULL, claimed_until = NULL"
	    " WHERE id = ? AND claim_token = ?",
	[STMT_MAIL_RETRY] =
	    "UPDATE mail_outbox SET attempts = ?, last_error = ?,"
	    " next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND,"
	    " claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?",
	[STMT_MAIL_GIVEUP] =
	    "UPDATE mail_outbox SET attempts = ?, last_error = ?, next_attempt_at = NULL,"
	    " claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?",
	/* users.email's collation ignores case, as sign-up stores it lowercased */
	[STMT_USER_STAFF] = "UPDATE users SET is_staff = ? WHERE email = ?",
};

/* Seconds to wait after the nth failed attempt; after the last, give up. */
static const int mail_backoff[] = { 60, 5 * 60, 30 * 60, 2 * 60 * 60 };
#define MAIL_MAX_ATTEMPTS	((long long)(sizeof(mail_backoff) / sizeof(mail_backoff[0])) + 1)
#define MAIL_ROUND_SLEEP	2	/* seconds between rounds without --once */

static volatile sig_atomic_t stopping;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NNNN_name.sql: the version, or -1 for any other file name. */
static long
migration_version(const char *name)
{
	size_t n = strlen(name), i;
	long v = 0;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
		return -1;
	for (i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	for (i = 5; i < n - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_'))
			return -1;
	return v;
}

static int
read_file(const char *path, struct buf *out)
{
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = 0;

	buf_reset(out);
	out->max = MIGRATION_MAX_BYTES;
	if ((f = fopen(path, "r")) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	if (ferror(f) || out->err) {
		log_err("%s: %s", path, out->err ? "file too large" : "read error");
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* 1 when the lock was taken. */
static int
take_lock(struct db *db, size_t stmt)
{
	struct db_res r;
	int rc = -1;

	if (db_select(db, db_stmt(db, stmt), NULL, &r) == 0 && db_fetch(&r) == 1)
		rc = db_col_int(&r, 0, 0) == 1 ? 1 : -1;
	db_res_free(&r);
	return rc;
}

/*
 * The staff flag: only this tool sets it, for the back-office pages.
 * Matched rows, not changed ones (CLIENT_FOUND_ROWS): 0 means no such user.
 */
static int
staff_set(struct db *db, const char *email, int on)
{
	struct db_args a = DB_ARGS_INIT;
	unsigned long long n = 0;
	int rc;

	db_arg_int(&a, on);
	db_arg_strz(&a, email);
	rc = db_exec(db, db_stmt(db, STMT_USER_STAFF), &a, &n, NULL);
	db_args_free(&a);
	if (rc == -1)
		return -1;
	if (n == 0) {
		fprintf(stderr, "trackrctl: no user has the email %s\n", email);
		return -1;
	}
	printf("%s: staff flag %s\n", email, on ? "on" : "off");
	return 0;
}

static int
migrate(struct db *db, const char *dir)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf path = BUF_INIT, text = BUF_INIT, hex = BUF_INIT;
	struct db_res r;
	struct dirent *de;
	unsigned char sum[CRYPT_SHA256_LEN];
	char **names = NULL;
	const char *have;
	size_t n = 0, i, applied = 0;
	long v, prev = -1;
	DIR *d;
	int rc = -1, found, locked = 0;

	if ((d = opendir(dir)) == NULL) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (migration_version(de->d_name) < 0) {
			log_err("%s/%s: not a migration name (NNNN_name.sql, lower case)",
			    dir, de->d_name);
			closedir(d);
			goto out;
		}
		if (n == MIGRATION_MAX_FILES)
			break;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);

	if (db_exec(db, db_stmt(db, STMT_MIG_CREATE), NULL, NULL, NULL) == -1)
		goto out;
	if (take_lock(db, STMT_LOCK) != 1) {
		log_err("another migration holds the lock");
		goto out;
	}
	locked = 1;
	if (mysql_set_server_option(db_handle(db), MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
		log_err("multi-statements: %s", mysql_error(db_handle(db)));
		goto out;
	}
	for (i = 0; i < n; i++) {
		v = migration_version(names[i]);
		if (v == prev) {
			log_err("%s: version %04ld used twice", names[i], v);
			goto out;
		}
		prev = v;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if (read_file(path.ptr, &text) == -1)
			goto out;
		crypt_sha256(text.ptr, text.len, sum);
		buf_reset(&hex);
		buf_add_hex(&hex, sum, sizeof(sum));

		db_args_reset(&a);
		db_arg_int(&a, v);
		if (db_select(db, db_stmt(db, STMT_MIG_GET), &a, &r) == -1) {
			db_res_free(&r);
			goto out;
		}
		found = db_fetch(&r);
		if (found == 1) {
			have = db_col(&r, 1, NULL);
			if (have == NULL || strcmp(have, hex.ptr) != 0) {
				log_err("%s was changed after it was applied "
				    "(applied %.12s, file %.12s): add a new migration instead",
				    names[i], have ? have : "?", hex.ptr);
				db_res_free(&r);
				goto out;
			}
		}
		db_res_free(&r);
		if (found == -1)
			goto out;
		if (found == 1)
			continue;
		printf("applying %s\n", names[i]);
		if (db_exec_sql(db, text.ptr, text.len) == -1) {
			log_err("%s failed; fix it and run migrate again "
			    "(MariaDB cannot roll back DDL: check what was created)",
			    names[i]);
			goto out;
		}
		db_args_reset(&a);
		db_arg_int(&a, v);
		db_arg_strz(&a, names[i]);
		db_arg_strz(&a, hex.ptr);
		if (db_exec(db, db_stmt(db, STMT_MIG_ADD), &a, NULL, NULL) == -1)
			goto out;
		applied++;
	}
	printf("%zu applied, %zu already in place\n", applied, n - applied);
	rc = 0;
out:
	if (locked)
		take_lock(db, STMT_UNLOCK);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	db_args_free(&a);
	buf_release(&path);
	buf_release(&text);
	buf_release(&hex);
	return rc;
}

static int
seed_demo(struct db *db, const char *domain, const char *origins, int allow_bots)
{
	struct db_args a = DB_ARGS_INIT;
	struct db_res r;
	char key[32];
	unsigned long long org = 0, site = 0;
	int rc = -1, row;

	if (!valid_hostname(domain, strlen(domain))) {
		log_err("%s: not a host name", domain);
		return -1;
	}
	if (db_begin(db) == -1)
		return -1;
	db_arg_strz(&a, domain);
	if (db_select(db, db_stmt(db, STMT_SITE_BY_DOMAIN), &a, &r) == -1)
		goto done;
	if ((row = db_fetch(&r)) == 1) {
		site = (unsigned long long)db_col_int(&r, 0, 0);
		snprintf(key, sizeof(key), "%s", db_col(&r, 1, NULL));
	}
	db_res_free(&r);
	if (row == -1)
		goto out;
	if (site) {
		db_args_reset(&a);
		db_arg_strz(&a, origins);
		db_arg_int(&a, allow_bots);
		db_arg_uint(&a, site);
		if (db_exec(db, db_stmt(db, STMT_SITE_UPDATE), &a, NULL, NULL) == -1)
			goto out;
	} else {
		db_args_reset(&a);
		db_arg_strz(&a, "Demo");
		if (db_select(db, db_stmt(db, STMT_ORG_BY_NAME), &a, &r) == -1)
			goto done;
		if ((row = db_fetch(&r)) == 1)
			org = (unsigned long long)db_col_int(&r, 0, 0);
		db_res_free(&r);
		if (row == -1)
			goto out;
		if (org == 0 && db_exec(db, db_stmt(db, STMT_ORG_ADD), &a, NULL, &org) == -1)
			goto out;
		if (crypt_token(key, sizeof(key), 16) == -1)
			goto out;
		db_args_reset(&a);
		db_arg_uint(&a, org);
		db_arg_strz(&a, domain);
		db_arg_strz(&a, key);
		db_arg_strz(&a, origins);
		db_arg_int(&a, allow_bots);
		if (db_exec(db, db_stmt(db, STMT_SITE_ADD), &a, NULL, NULL) == -1)
			goto out;
	}
	if (db_commit(db) == -1)
		goto out;
	printf("site_key=%s\n", key);
	rc = 0;
	goto out;
done:
	db_res_free(&r);
out:
	if (rc == -1)
		db_rollback(db);
	db_args_free(&a);
	return rc;
}

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* last_error: printable ASCII only (a server reply may hold anything), bounded. */
static void
error_text(struct buf *e)
{
	size_t i;

	for (i = 0; i < e->len; i++)
		if (e->ptr[i] < 0x20 || e->ptr[i] > 0x7e)
			e->ptr[i] = '?';
	if (e->len > MAIL_ERROR_MAX)
		buf_setlen(e, MAIL_ERROR_MAX);
	if (e->len == 0)
		buf_adds(e, "unknown error");
}

/*
 * Claim, build, send and mark one due message.  Returns 1 when one was
 * handled (sent or not: *sent says), 0 when none is due, -1 on a database
 * error (the lease then runs out and the message is due again later).
 */
static int
mail_send_one(struct db *db, struct mail_transport *t, int *sent)
{
	struct db_args a = DB_ARGS_INIT;
	struct buf msg = BUF_INIT, err = BUF_INIT;
	struct mail_msg m;
	struct db_res r;
	unsigned long long affected = 0, id = 0;
	long long attempts = 0;
	char token[32];
	int rc = -1, row;

	*sent = 0;
	buf_init(&msg, 32 * 1024 * 1024);
	if (crypt_token(token, sizeof(token), 16) == -1)
		goto out;
	db_arg_strz(&a, token);
	db_arg_int(&a, MAIL_LEASE_SECONDS);
	if (db_exec(db, db_stmt(db, STMT_MAIL_CLAIM), &a, &affected, NULL) == -1)
		goto out;
	if (affected == 0) {
		rc = 0;
		goto out;
	}
	db_args_reset(&a);
	db_arg_strz(&a, token);
	if (db_select(db, db_stmt(db, STMT_MAIL_CLAIMED), &a, &r) == -1) {
		db_res_free(&r);
		goto out;
	}
	if ((row = db_fetch(&r)) == 1) {
		id = (unsigned long long)db_col_int(&r, 0, 0);
		attempts = db_col_int(&r, 6, 0);
		memset(&m, 0, sizeof(m));
		m.from = mail_transport_from(t);
		m.to = db_col(&r, 1, NULL);
		m.subject = db_col(&r, 2, NULL);
		m.text = db_col(&r, 3, NULL);
		m.html = db_col(&r, 4, NULL);
		m.msg_token = db_col(&r, 5, NULL);
		m.msg_domain = mail_transport_domain(t);
		m.date = time(NULL);
		if (mail_build(&msg, &m) == -1)
			buf_addf(&err, "refused: the row does not make a valid message");
		else if (mail_transport_send(t, m.to, msg.ptr, msg.len, &err) == 0)
			*sent = 1;
	}
	db_res_free(&r);
	if (row != 1) {
		if (row == 0)
			log_err("claimed a message and found none");
		goto out;
	}

	db_args_reset(&a);
	if (*sent) {
		db_arg_uint(&a, id);
		db_arg_strz(&a, token);
		if (db_exec(db, db_stmt(db, STMT_MAIL_SENT), &a, &affected, NULL) == -1)
			goto out;
		log_info("message %llu sent", id);
	} else {
		error_text(&err);
		attempts++;
		db_arg_int(&a, attempts);
		db_arg_strz(&a, err.ptr);
		if (attempts >= MAIL_MAX_ATTEMPTS ||
		    strncmp(err.ptr, "refused:", 8) == 0) {
			db_arg_uint(&a, id);
			db_arg_strz(&a, token);
			if (db_exec(db, db_stmt(db, STMT_MAIL_GIVEUP), &a, &affected, NULL) == -1)
				goto out;
			log_err("message %llu: giving up after %lld attempts: %s", id,
			    attempts, err.ptr);
		} else {
			db_arg_int(&a, mail_backoff[attempts - 1]);
			db_arg_uint(&a, id);
			db_arg_strz(&a, token);
			if (db_exec(db, db_stmt(db, STMT_MAIL_RETRY), &a, &affected, NULL) == -1)
				goto out;
			log_warn("message %llu: attempt %lld failed, next in %d s", id,
			    attempts, mail_backoff[attempts - 1]);
		}
	}
	if (affected == 0)
		log_warn("message %llu: the lease ran out while sending; "
		    "another sender may send it again", id);
	rc = 1;
out:
	db_args_free(&a);
	buf_release(&msg);
	buf_release(&err);
	return rc;
}

/*
 * mail-send: every due message, then (without once) again every few
 * seconds until SIGTERM.  A message that fails is not a failure of the
 * run; a database error is (with once; without, the next round retries).
 */
static int
mail_send(struct db *db, const struct conf *conf, int once)
{
	struct mail_transport *t;
	struct sigaction sa;
	int sent, n_sent = 0, n_failed = 0, got = 0, rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the sleep ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A mail command that exits early must show as EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		log_err("curl_global_init failed");
		return -1;
	}
	if ((t = mail_transport_new(conf)) == NULL) {
		curl_global_cleanup();
		return -1;
	}
	if (!once)
		log_info("sending queued mail every %d s until SIGTERM", MAIL_ROUND_SLEEP);
	while (!stopping) {
		while (!stopping && (got = mail_send_one(db, t, &sent)) == 1) {
			if (sent)
				n_sent++;
			else
				n_failed++;
		}
		if (got == -1 && once) {
			rc = -1;
			break;
		}
		if (once)
			break;
		sleep(MAIL_ROUND_SLEEP);
	}
	printf("%d sent, %d failed\n", n_sent, n_failed);
	mail_transport_free(t);
	curl_global_cleanup();
	return rc;
}

/*
 * rollup: one pass, or one pass every `every` seconds until SIGTERM or
 * SIGINT.  A failed pass is logged and tried again at the next tick.
 */
static int
rollup_loop(struct db *db, int every)
{
	struct rollup_stats st;
	struct sigaction sa;
	struct timespec t0, t1;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the sleep ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((rc = rollup_run(db, (long long)time(NULL), &st)) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (every == 0 || st.days > 0)
				log_info("rollup: %ld sites, %ld days, %ld months in %.2f s",
				    st.sites, st.days, st.months, (double)(t1.tv_sec - t0.tv_sec) +
				    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		}
		if (every > 0 && !stopping)
			sleep((unsigned)every);
	} while (every > 0 && !stopping);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: trackrctl [-c config] migrate [dir]\n"
	    "       trackrctl [-c config] seed-demo --domain D [--origin O]... [--allow-bots]\n"
	    "       trackrctl [-c config] salts-prune\n"
	    "       trackrctl [-c config] mail-send [--once]\n"
	    "       trackrctl [-c config] mail-test ADDRESS\n"
	    "       trackrctl [-c config] staff EMAIL on|off\n"
	    "       trackrctl [-c config] rollup [--every SECONDS]\n"
	    "       " GEN_USAGE "\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct conf conf;
	struct db *db = NULL;
	struct buf origins = BUF_INIT;
	unsigned long long gone = 0;
	const char *path = NULL, *cmd, *domain = NULL;
	int ch, i, rc = 1, allow_bots = 0;
	long long every = 0;
	char *end = NULL;

	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		if (ch != 'c')
			usage();
		path = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	if (server_conf(&conf, "trackrctl", path) == -1)
		return 1;
	if ((db = db_open(&conf, stmts, STMT__MAX, 0)) == NULL)
		goto out;

	if (strcmp(cmd, "migrate") == 0) {
		if (argc > 2)
			usage();
		rc = migrate(db, argc == 2 ? argv[1] : TRACKR_MIGRATIONS_DIR) == 0 ? 0 : 1;
	} else if (strcmp(cmd, "seed-demo") == 0) {
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--domain") == 0 && i + 1 < argc)
				domain = argv[++i];
			else if (strcmp(argv[i], "--origin") == 0 && i + 1 < argc) {
				if (origins.len)
					buf_addch(&origins, ' ');
				buf_adds(&origins, argv[++i]);
			} else if (strcmp(argv[i], "--allow-bots") == 0)
				allow_bots = 1;
			else
				usage();
		}
		if (domain == NULL)
			usage();
		rc = seed_demo(db, domain, origins.ptr, allow_bots) == 0 ? 0 : 1;
	} else if (strcmp(cmd, "salts-prune") == 0) {
		if (db_exec(db, db_stmt(db, STMT_SALT_PRUNE), NULL, &gone, NULL) == 0) {
			printf("%llu salts deleted\n", gone);
			rc = 0;
		}
	} else if (strcmp(cmd, "mail-send") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "--once") != 0))
			usage();
		rc = mail_send(db, &conf, argc == 2) == 0 ? 0 : 1;
	} else if (strcmp(cmd, "mail-test") == 0) {
		/* Through mail_enqueue, as the programs queue mail; mail-send sends it. */
		if (argc != 2)
			usage();
		if (mail_enqueue(db, argv[1], "TrackR test message",
		    "This is a test message from trackrctl mail-test.\n"
		    "If you can read it, TrackR can send mail.\n", NULL) == 0) {
			printf("queued a test message to %s\n", argv[1]);
			rc = 0;
		}
	} else if (strcmp(cmd, "rollup") == 0) {
		if (argc == 3 && strcmp(argv[1], "--every") == 0)
			every = strtoll(argv[2], &end, 10);
		if ((argc != 1 && argc != 3) || (argc == 3 && (*end || every < 1 || every > 86400)))
			usage();
		rc = rollup_loop(db, (int)every) == 0 ? 0 : 1;
		tz_cache_free();
	} else if (strcmp(cmd, "gen-events") == 0) {
		/* Benchmark data: cgi/ctl/gen.c. */
		if ((i = gen_events_main(&conf, db, argc, argv)) == GEN_BAD_USAGE)
			usage();
		rc = i == 0 ? 0 : 1;
	} else if (strcmp(cmd, "staff") == 0) {
		if (argc != 3 || (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0))
			usage();
		rc = staff_set(db, argv[1], strcmp(argv[2], "on") == 0) == 0 ? 0 : 1;
	} else
		usage();
out:
	buf_release(&origins);
	db_close(db);
	conf_free(&conf);
	return rc;
}
