-- Two-factor authentication (cgi/account/mfa.c).  users.totp_secret (from
-- 0002) holds the TOTP secret sealed with AES-256-GCM under a key derived
-- from secret_key, bound to the user's id; it is pending until
-- totp_enabled_at is set.  totp_last_step is the last accepted step, so a
-- code is never accepted twice.

-- Recovery codes: single use, stored as HMAC-SHA-256 under secret_key of
-- the user's id and the normalised code, so a copy of this table alone
-- cannot be searched for the codes.
CREATE TABLE mfa_recovery_codes (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id		INT UNSIGNED NOT NULL,
	code_hash	BINARY(32) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	used_at		DATETIME NULL,
	UNIQUE KEY mfa_recovery_codes_hash (user_id, code_hash),
	CONSTRAINT mfa_recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB;

-- A login waiting for its second factor: the password was right, no
-- session exists yet.  The cookie __Host-trackr_mfa holds a random token;
-- only its SHA-256 is here.  Short-lived, deleted when used, after five
-- wrong codes, and when the user starts another login.
CREATE TABLE mfa_pending (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	BINARY(32) NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	org_id		INT UNSIGNED NOT NULL,
	next		VARCHAR(512) NOT NULL DEFAULT '',
	failures	INT UNSIGNED NOT NULL DEFAULT 0,
	created_at	DATETIME NOT NULL,
	expires_at	DATETIME NOT NULL,
	UNIQUE KEY mfa_pending_token (token_hash),
	KEY mfa_pending_user (user_id),
	KEY mfa_pending_expiry (expires_at),
	CONSTRAINT mfa_pending_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE,
	CONSTRAINT mfa_pending_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
