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
	/* orgs.c: every tenant statement names the session's organisation. */
	[STMT_ORG_MEMBERS] =
	    "SELECT m.user_id, u.email, m.role, DATE_FORMAT(m.created_at, '%Y-%m-%d') "
	    "FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? "
	    "ORDER BY FIELD(m.role, 'owner', 'admin', 'viewer'), u.email LIMIT 1000",
	[STMT_ORG_INVITES] =
	    "SELECT id, email, role, DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i UTC') FROM tokens "
	    "WHERE kind = 'invite' AND org_id = ? AND used_at IS NULL "
	    "AND expires_at > UTC_TIMESTAMP() ORDER BY id LIMIT 200",
	[STMT_ORG_INVITES_PENDING] =
	    "SELECT COUNT(*) FROM tokens WHERE kind = 'invite' AND org_id = ? "
	    "AND used_at IS NULL AND expires_at > UTC_TIMESTAMP()",
	[STMT_ORG_OF_USER] =
	    "SELECT o.id, o.name, m.role FROM org_members m "
	    "JOIN organisations o ON o.id = m.org_id WHERE m.user_id = ? "
	    "ORDER BY o.name, o.id LIMIT 200",
	[STMT_ORG_USER_OTHER] =
	    "SELECT org_id FROM org_members WHERE user_id = ? AND org_id <> ? "
	    "ORDER BY created_at, org_id LIMIT 1",
	[STMT_ORG_MEMBER_LOCK] =
	    "SELECT role FROM org_members WHERE org_id = ? AND user_id = ? FOR UPDATE",
	[STMT_ORG_OWNERS_LOCK] =
	    "SELECT COALESCE(SUM(role = 'owner'), 0) FROM org_members WHERE org_id = ? "
	    "FOR UPDATE",
	[STMT_ORG_MEMBER_EMAIL] =
	    "SELECT u.email FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE m.org_id = ? AND m.user_id = ?",
	[STMT_ORG_MEMBER_BY_EMAIL] =
	    "SELECT COUNT(*) FROM org_members m JOIN users u ON u.id = m.user_id "
	    "WHERE m.org_id = ? AND u.email = ?",
	[STMT_ORG_MEMBER_SET_ROLE] =
	    "UPDATE org_members SET role = ? WHERE org_id = ? AND user_id = ?",
	[STMT_ORG_MEMBER_DELETE] =
	    "DELETE FROM org_members WHERE org_id = ? AND user_id = ?",
	[STMT_ORG_MEMBER_SESSIONS_END] =
	    "DELETE FROM user_sessions WHERE org_id = ? AND user_id = ?",
	[STMT_ORG_USER_SESSIONS_MOVE] =
	    "UPDATE user_sessions SET org_id = ? WHERE user_id = ? AND org_id = ?",
	[STMT_ORG_SESSION_MOVE] =
	    "UPDATE user_sessions SET org_id = ? WHERE id = ? AND user_id = ?",
	[STMT_ORG_INVITE_VOID] =
	    "DELETE FROM tokens WHERE kind = 'invite' AND org_id = ? AND email = ? "
	    "AND used_at IS NULL",
	[STMT_ORG_INVITE_ADD] =
	    "INSERT INTO tokens (kind, token_hash, user_id, email, org_id, role, created_at, "
	    "expires_at) VALUES ('invite', ?, NULL, ?, ?, ?, UTC_TIMESTAMP(), "
	    "UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	[STMT_ORG_INVITE_FIND] =
	    "SELECT t.id, t.email, t.role, t.org_id, o.name FROM tokens t "
	    "JOIN organisations o ON o.id = t.org_id WHERE t.token_hash = ? "
	    "AND t.kind = 'invite' AND t.used_at IS NULL AND t.expires_at > UTC_TIMESTAMP()",
	[STMT_ORG_INVITE_GET] =
	    "SELECT CONCAT(email, ' as ', role) FROM tokens WHERE id = ? AND org_id = ? "
	    "AND kind = 'invite' AND used_at IS NULL",
	[STMT_ORG_INVITE_DELETE] =
	    "DELETE FROM tokens WHERE id = ? AND org_id = ? AND kind = 'invite' "
	    "AND used_at IS NULL",
	/* mfa.c: totp_secret is sealed (AES-256-GCM); codes are HMACs. */
	[STMT_MFA_USER] =
	    "SELECT totp_secret, totp_enabled_at IS NOT NULL, totp_last_step, password_hash "
	    "FROM users WHERE id = ?",
	[STMT_MFA_SET_PENDING] =
	    "UPDATE users SET totp_secret = ?, totp_last_step = NULL "
	    "WHERE id = ? AND totp_enabled_at IS NULL",
	[STMT_MFA_ENABLE] =
	    "UPDATE users SET totp_enabled_at = UTC_TIMESTAMP(), totp_last_step = ? "
	    "WHERE id = ? AND totp_enabled_at IS NULL AND totp_secret = ?",
	[STMT_MFA_DISABLE] =
	    "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL "
	    "WHERE id = ?",
	[STMT_MFA_STEP] =
	    "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_enabled_at IS NOT NULL "
	    "AND (totp_last_step IS NULL OR totp_last_step < ?)",
	[STMT_MFA_CODES_VOID] = "DELETE FROM mfa_recovery_codes WHERE user_id = ?",
	[STMT_MFA_CODE_ADD] =
	    "INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)",
	[STMT_MFA_CODE_USE] =
	    "UPDATE mfa_recovery_codes SET used_at = UTC_TIMESTAMP() "
	    "WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
	[STMT_MFA_CODES_LEFT] =
	    "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL",
	[STMT_MFA_PENDING_VOID] =
	    "DELETE FROM mfa_pending WHERE user_id = ? OR expires_at <= UTC_TIMESTAMP()",
	[STMT_MFA_PENDING_ADD] =
	    "INSERT INTO mfa_pending (token_hash, user_id, org_id, next, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	[STMT_MFA_PENDING_FIND] =
	    "SELECT id, user_id, org_id, next, failures FROM mfa_pending "
	    "WHERE token_hash = ? AND expires_at > UTC_TIMESTAMP()",
	[STMT_MFA_PENDING_FAIL] = "UPDATE mfa_pending SET failures = failures + 1 WHERE id = ?",
	[STMT_MFA_PENDING_DELETE] = "DELETE FROM mfa_pending WHERE id = ?",
	[STMT_MFA_GATE] =
	    "SELECT o.require_2fa, u.totp_enabled_at IS NOT NULL FROM users u "
	    "JOIN organisations o ON o.id = ? WHERE u.id = ?",
	[STMT_MFA_ORG_REQUIRE] = "UPDATE organisations SET require_2fa = ? WHERE id = ?",
	/* sites.c: every query names the session's organisation. */
	[STMT_SITES_OF_ORG] =
	    "SELECT s.id, s.domain, s.timezone, s.enabled, DATE_FORMAT("
	    "(SELECT MAX(e.ts) FROM events e WHERE e.site_id = s.id), '%Y-%m-%d %H:%i:%s UTC') "
	    "FROM sites s WHERE s.org_id = ? ORDER BY s.domain LIMIT 1000",
	[STMT_SITE_COUNT] = "SELECT COUNT(*) FROM sites WHERE org_id = ?",
	/* MAX(ts) on events_site_time (site_id, ts) reads one index entry. */
	[STMT_SITE_GET] =
	    "SELECT s.id, s.domain, s.site_key, s.timezone, s.allowed_origins, s.enabled, "
	    "DATE_FORMAT((SELECT MAX(e.ts) FROM events e WHERE e.site_id = s.id), "
	    "'%Y-%m-%d %H:%i:%s UTC') FROM sites s WHERE s.id = ? AND s.org_id = ?",
	[STMT_SITE_ADD] =
	    "INSERT INTO sites (org_id, domain, site_key, timezone, allowed_origins) "
	    "VALUES (?, ?, ?, ?, ?)",
	[STMT_SITE_UPDATE] =
	    "UPDATE sites SET domain = ?, timezone = ?, allowed_origins = ? "
	    "WHERE id = ? AND org_id = ?",
	[STMT_SITE_DISABLE] = "UPDATE sites SET enabled = 0 WHERE id = ? AND org_id = ?",
	[STMT_SITE_EVENTS_DELETE] =
	    "DELETE FROM events WHERE site_id = "
	    "(SELECT id FROM sites WHERE id = ? AND org_id = ?) LIMIT ?",
	[STMT_SITE_SESSIONS_DELETE] =
	    "DELETE FROM sessions WHERE site_id = "
	    "(SELECT id FROM sites WHERE id = ? AND org_id = ?) LIMIT ?",
	[STMT_SITE_BATCHES_DELETE] =
	    "DELETE FROM ingest_batches WHERE site_id = "
	    "(SELECT id FROM sites WHERE id = ? AND org_id = ?) LIMIT ?",
	[STMT_SITE_DELETE] = "DELETE FROM sites WHERE id = ? AND org_id = ?",
	/* keys.c */
	[STMT_KEYS_OF_ORG] =
	    "SELECT id, name, prefix, scope, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i UTC'), "
	    "DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i UTC'), "
	    "DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i UTC') FROM api_keys WHERE org_id = ? "
	    "ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC LIMIT 500",
	[STMT_KEY_COUNT] =
	    "SELECT COUNT(*) FROM api_keys WHERE org_id = ? AND revoked_at IS NULL",
	[STMT_KEY_ADD] =
	    "INSERT INTO api_keys (org_id, name, prefix, key_hash, scope, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())",
	[STMT_KEY_GET] =
	    "SELECT name, prefix, revoked_at IS NOT NULL FROM api_keys WHERE id = ? AND org_id = ?",
	[STMT_KEY_REVOKE] =
	    "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP() "
	    "WHERE id = ? AND org_id = ? AND revoked_at IS NULL",
	/* settings.c: one audit row per organisation of the user */
	[STMT_SET_AUDIT_USER_ORGS] =
	    "INSERT INTO audit_log (org_id, user_id, action, detail, ip, user_agent) "
	    "SELECT org_id, user_id, ?, ?, ?, ? FROM org_members WHERE user_id = ?",
	[STMT_SET_PENDING_EMAIL] =
	    "SELECT email, DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i UTC') FROM tokens "
	    "WHERE user_id = ? AND kind = 'email_change' AND used_at IS NULL "
	    "AND expires_at > UTC_TIMESTAMP() ORDER BY id DESC LIMIT 1",
	[STMT_SET_TOKEN_EMAIL] = "SELECT email FROM tokens WHERE id = ?",
	[STMT_SET_USER_EMAIL] =
	    "UPDATE users SET email = ?, email_verified_at = UTC_TIMESTAMP() WHERE id = ?",
	/* audit.c: the session's organisation only */
	[STMT_SET_AUDIT_PAGE] =
	    "SELECT a.id, DATE_FORMAT(a.created_at, '%Y-%m-%d %H:%i:%s'), u.email, a.action, "
	    "a.detail, a.ip, a.user_agent FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
	    "WHERE a.org_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?",
	/* settings.c: the export; never a hash or secret, only whether one exists */
	[STMT_SET_EXPORT_USER] =
	    "SELECT id, email, DATE_FORMAT(email_verified_at, '%Y-%m-%dT%H:%i:%sZ'), is_staff, "
	    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "DATE_FORMAT(password_changed_at, '%Y-%m-%dT%H:%i:%sZ'), totp_secret IS NOT NULL, "
	    "DATE_FORMAT(totp_enabled_at, '%Y-%m-%dT%H:%i:%sZ') FROM users WHERE id = ?",
	[STMT_SET_EXPORT_MEMBERS] =
	    "SELECT o.id, o.name, m.role, DATE_FORMAT(m.created_at, '%Y-%m-%dT%H:%i:%sZ') "
	    "FROM org_members m JOIN organisations o ON o.id = m.org_id "
	    "WHERE m.user_id = ? ORDER BY o.id",
	[STMT_SET_EXPORT_SESSIONS] =
	    "SELECT id, org_id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ'), ip, user_agent "
	    "FROM user_sessions WHERE user_id = ? ORDER BY id",
	[STMT_SET_EXPORT_AUDIT] =
	    "SELECT id, org_id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), action, detail, "
	    "ip, user_agent FROM audit_log WHERE user_id = ? ORDER BY id",
	[STMT_SET_EXPORT_TOKENS] =
	    "SELECT kind, DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ') FROM tokens "
	    "WHERE user_id = ? AND used_at IS NULL AND expires_at > UTC_TIMESTAMP() ORDER BY id",
	/* settings.c: account deletion */
	[STMT_SET_USER_ORGS] =
	    "SELECT o.id, o.name, m.role, "
	    "(SELECT COUNT(*) FROM org_members x WHERE x.org_id = o.id AND x.user_id <> ?), "
	    "(SELECT COUNT(*) FROM org_members x WHERE x.org_id = o.id AND x.user_id <> ? "
	    "AND x.role = 'owner') "
	    "FROM org_members m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = ? "
	    "ORDER BY o.name, o.id",
	[STMT_SET_USER_ORGS_LOCK] =
	    "SELECT x.user_id FROM org_members x WHERE x.org_id IN "
	    "(SELECT org_id FROM org_members WHERE user_id = ?) FOR UPDATE",
	[STMT_SET_ORG_DEL_EVENTS] =
	    "DELETE e FROM events e JOIN sites s ON s.id = e.site_id WHERE s.org_id = ?",
	[STMT_SET_ORG_DEL_VISITS] =
	    "DELETE v FROM sessions v JOIN sites s ON s.id = v.site_id WHERE s.org_id = ?",
	[STMT_SET_ORG_DEL_BATCHES] =
	    "DELETE b FROM ingest_batches b JOIN sites s ON s.id = b.site_id WHERE s.org_id = ?",
	[STMT_SET_ORG_DEL_AUDIT] = "DELETE FROM audit_log WHERE org_id = ?",
	[STMT_SET_ORG_DELETE] = "DELETE FROM organisations WHERE id = ?",
	[STMT_SET_AUDIT_UNLINK] = "UPDATE audit_log SET user_id = NULL WHERE user_id = ?",
	[STMT_SET_USER_DELETE] = "DELETE FROM users WHERE id = ?",
	/* the outbox keeps the mails sent to the user's address: exported, deleted with the user */
	[STMT_SET_EXPORT_MAILS] =
	    "SELECT DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), subject, "
	    "DATE_FORMAT(sent_at, '%Y-%m-%dT%H:%i:%sZ') FROM mail_outbox "
	    "WHERE to_addr = ? ORDER BY id",
	[STMT_SET_MAILS_DELETE] = "DELETE FROM mail_outbox WHERE to_addr = ?",
};
