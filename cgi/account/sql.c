/*
 * The SQL of trackr-account: fixed text with ? placeholders, prepared
 * once per connection (cgi/core/db.h).  Indexed by enum stmt (account.h).
 */
#include "account.h"

const char *const stmts[STMT__MAX] = {
	SESSION_STMTS,
	[STMT_ORG_ADD] = "INSERT INTO organisations (name) VALUES (?)",
	[STMT_USER_ADD] = "INSERT INTO users (email, password_hash) VALUES (?, ?)",
	[STMT_MEMBER_ADD] =
	    "INSERT INTO org_members (org_id, user_id, role) VALUES (?, ?, ?)",
	[STMT_USER_BY_EMAIL] =
	    "SELECT id, password_hash, email_verified_at IS NOT NULL FROM users "
	    "WHERE email = ?",
	[STMT_USER_FIRST_ORG] =
	    "SELECT org_id FROM org_members WHERE user_id = ? "
	    "ORDER BY created_at, org_id LIMIT 1",
	[STMT_USER_VERIFY] =
	    "UPDATE users SET email_verified_at = UTC_TIMESTAMP() "
	    "WHERE id = ? AND email_verified_at IS NULL",
	[STMT_USER_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?, password_changed_at = UTC_TIMESTAMP(), "
	    "email_verified_at = COALESCE(email_verified_at, UTC_TIMESTAMP()) WHERE id = ?",
	[STMT_TOKEN_ADD] =
	    "INSERT INTO tokens (kind, token_hash, user_id, email, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	[STMT_TOKEN_VOID] =
	    "DELETE FROM tokens WHERE user_id = ? AND kind = ?",
	[STMT_TOKEN_FIND] =
	    "SELECT id, user_id FROM tokens WHERE token_hash = ? AND kind = ? "
	    "AND used_at IS NULL AND expires_at > UTC_TIMESTAMP()",
	[STMT_TOKEN_USE] =
	    "UPDATE tokens SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at IS NULL "
	    "AND expires_at > UTC_TIMESTAMP()",
	[STMT_THROTTLE_GET] =
	    "SELECT failures FROM login_throttle WHERE key_hash = ? "
	    "AND window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND",
	[STMT_THROTTLE_FAIL] =
	    "INSERT INTO login_throttle (key_hash, failures, window_start) "
	    "VALUES (?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE "
	    "failures = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, failures + 1, 1), "
	    "window_start = IF(window_start > UTC_TIMESTAMP() - INTERVAL ? SECOND, "
	    "window_start, UTC_TIMESTAMP())",
	[STMT_THROTTLE_CLEAR] = "DELETE FROM login_throttle WHERE key_hash = ?",
	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit_log (org_id, user_id, action, detail, ip, user_agent) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_SESSIONS_OF_USER] =
	    "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i UTC'), "
	    "DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i UTC'), user_agent, ip "
	    "FROM user_sessions WHERE user_id = ? AND expires_at > UTC_TIMESTAMP() "
	    "AND last_seen_at > UTC_TIMESTAMP() - INTERVAL ? SECOND "
	    "ORDER BY last_seen_at DESC, id DESC LIMIT 100",
};
