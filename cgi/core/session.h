/*
 * session: customers' login sessions, shared by every program that has
 * logged-in pages.
 *
 * The cookie holds a random 256-bit token (URL-safe base64); the
 * database holds only its SHA-256, so a leaked table or backup signs no
 * one in.  A session ends after SESSION_IDLE_SECONDS without a request
 * (24 hours) or SESSION_MAX_SECONDS after login (14 days) whichever comes
 * first; logging in always makes a new token; logout, a password change
 * or reset end sessions by deleting their rows.
 *
 * SQL: a program that uses sessions starts its statement table with
 * SESSION_STMTS and numbers its own statements from SESS_STMT__MAX, so
 * these statements are prepared once per connection like the program's.
 */
#ifndef TRACKR_SESSION_H
#define TRACKR_SESSION_H

#include <stddef.h>

#include "buf.h"
#include "crypt.h"
#include "db.h"
#include "form.h"

#define SESSION_COOKIE		"__Host-trackr_session"
#define SESSION_TOKEN_BYTES	32
#define SESSION_TOKEN_LEN	43	/* base64url characters of 32 bytes */
#define SESSION_TOKEN_MAX	(SESSION_TOKEN_LEN + 1)
#define SESSION_IDLE_SECONDS	(24 * 3600)
#define SESSION_MAX_SECONDS	(14 * 24 * 3600)
/* last_seen_at is written at most this often, not on every request. */
#define SESSION_TOUCH_SECONDS	60

enum session_stmt {
	SESS_STMT_INSERT,
	SESS_STMT_LOOKUP,
	SESS_STMT_TOUCH,
	SESS_STMT_DELETE_ONE,
	SESS_STMT_DELETE_USER,
	SESS_STMT_DELETE_OTHERS,
	SESS_STMT_PRUNE,
	SESS_STMT__MAX
};

/* Designated initialisers for the first SESS_STMT__MAX entries of a program's table. */
#define SESSION_STMTS \
	[SESS_STMT_INSERT] = \
	    "INSERT INTO user_sessions (token_hash, user_id, org_id, created_at, " \
	    "last_seen_at, expires_at, user_agent, ip) VALUES (?, ?, ?, UTC_TIMESTAMP(), " \
	    "UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND, ?, ?)", \
	[SESS_STMT_LOOKUP] = \
	    "SELECT s.id, s.user_id, s.org_id, " \
	    "TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP()), u.email, " \
	    "u.is_staff, m.role, o.name FROM user_sessions s " \
	    "JOIN users u ON u.id = s.user_id " \
	    "JOIN org_members m ON m.org_id = s.org_id AND m.user_id = s.user_id " \
	    "JOIN organisations o ON o.id = s.org_id " \
	    "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP() " \
	    "AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? SECOND", \
	[SESS_STMT_TOUCH] = \
	    "UPDATE user_sessions SET last_seen_at = UTC_TIMESTAMP() WHERE id = ?", \
	[SESS_STMT_DELETE_ONE] = \
	    "DELETE FROM user_sessions WHERE id = ? AND user_id = ?", \
	[SESS_STMT_DELETE_USER] = \
	    "DELETE FROM user_sessions WHERE user_id = ?", \
	[SESS_STMT_DELETE_OTHERS] = \
	    "DELETE FROM user_sessions WHERE user_id = ? AND id <> ?", \
	[SESS_STMT_PRUNE] = \
	    "DELETE FROM user_sessions WHERE expires_at <= UTC_TIMESTAMP() " \
	    "OR last_seen_at <= UTC_TIMESTAMP() - INTERVAL ? SECOND"

/* A live session as a request sees it.  Strings are owned: session_clear(). */
struct session {
	unsigned long long	 id;
	long long		 user_id;
	long long		 org_id;	/* the organisation every tenant query uses */
	char			*email;
	char			*org_name;
	char			 role[8];	/* "owner", "admin" or "viewer" */
	int			 is_staff;
	unsigned char		 hash[CRYPT_SHA256_LEN];	/* of the cookie's token */
};

/* Free the strings and zero s; safe on a zeroed or cleared struct. */
void	session_clear(struct session *s);

/*
 * A new token into tok (SESSION_TOKEN_MAX bytes) and its SHA-256 into
 * hash.  0, or -1 (logged) when the CSPRNG fails.
 */
int	session_token_new(char tok[SESSION_TOKEN_MAX], unsigned char hash[CRYPT_SHA256_LEN]);
/*
 * The SHA-256 of a token read from a cookie, after checking its shape
 * (exactly SESSION_TOKEN_LEN base64url characters).  0, or -1 when it
 * cannot be one of ours (then no database lookup is needed).
 */
int	session_token_hash(const char *tok, size_t len, unsigned char hash[CRYPT_SHA256_LEN]);
/*
 * The session cookie's value from a Cookie header (NULL allowed) into
 * tok (reset first); 1 when there is one, 0 when not.
 */
int	session_cookie_get(const char *cookie_header, const char *name, struct buf *tok);
/*
 * A whole Set-Cookie value: name=value; Path=/; HttpOnly; SameSite=Lax,
 * plus Secure when secure is set, and Max-Age (0 deletes the cookie; a
 * negative max_age makes a browser-session cookie).  No Domain, ever:
 * the __Host- prefix forbids it.  value must be base64url.
 */
void	session_cookie_header(struct buf *out, const char *name, const char *value,
	    int secure, long max_age);

/*
 * Store a new session for user in org and put its token in tok.  ua and
 * ip are what the user sees in their session list (cut to the column
 * sizes).  0, or -1 (logged).
 */
int	session_create(struct db *, long long user_id, long long org_id,
	    const char *ua, const char *ip, char tok[SESSION_TOKEN_MAX]);
/*
 * Find the live session whose token hashes to hash and fill s (the
 * caller session_clear()s it).  Returns 1 when found, 0 when there is
 * none or it expired, -1 on a database error.  Refreshes last_seen_at
 * when older than SESSION_TOUCH_SECONDS.
 */
int	session_lookup(struct db *, const unsigned char hash[CRYPT_SHA256_LEN],
	    struct session *s);
/* End one of user's sessions (a session of someone else is left alone); 0 or -1. */
int	session_end(struct db *, unsigned long long id, long long user_id);
/* End every session of user; 0 or -1. */
int	session_end_all(struct db *, long long user_id);
/* Delete expired rows; 0 or -1. */
int	session_prune(struct db *);

#endif
