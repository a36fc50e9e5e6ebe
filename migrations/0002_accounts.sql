-- Customer accounts: users, memberships, login sessions, one-time tokens,
-- login throttling, the audit log, and the reserved shape of API keys.
-- Secrets are stored only as hashes: passwords as argon2id PHC strings,
-- session, email and API tokens as SHA-256.  Customers' own IP addresses
-- (in their session list and audit log) are expected here; visitors' are
-- never stored anywhere.

ALTER TABLE organisations
	ADD COLUMN require_2fa TINYINT(1) NOT NULL DEFAULT 0;

CREATE TABLE users (
	id			INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	-- lowercased by the program; the collation keeps it unique without case too
	email			VARCHAR(254) NOT NULL COLLATE utf8mb4_unicode_ci,
	password_hash		VARCHAR(255) NOT NULL,
	email_verified_at	DATETIME NULL,
	is_staff		TINYINT(1) NOT NULL DEFAULT 0,
	-- reserved for two-factor authentication (not used yet)
	totp_secret		VARBINARY(64) NULL,
	totp_enabled_at		DATETIME NULL,
	totp_last_step		BIGINT NULL,
	password_changed_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	created_at		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE org_members (
	org_id		INT UNSIGNED NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	role		ENUM('owner', 'admin', 'viewer') NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (org_id, user_id),
	KEY org_members_user (user_id),
	CONSTRAINT org_members_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE,
	CONSTRAINT org_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB;

-- One row per login.  The cookie holds a random token; only its SHA-256 is
-- here, so a copy of this table cannot be used to sign in.
CREATE TABLE user_sessions (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	BINARY(32) NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	-- the organisation the user is working in; every tenant query reads it from here
	org_id		INT UNSIGNED NOT NULL,
	created_at	DATETIME NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	expires_at	DATETIME NOT NULL,
	user_agent	VARCHAR(255) NOT NULL DEFAULT '',
	ip		VARCHAR(45) NOT NULL DEFAULT '',
	UNIQUE KEY user_sessions_token (token_hash),
	KEY user_sessions_user (user_id),
	CONSTRAINT user_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE,
	CONSTRAINT user_sessions_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Single-use tokens sent by email.  A new token of a kind for a user voids
-- the older ones (the program deletes them); used_at marks a spent one.
CREATE TABLE tokens (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	kind		ENUM('verify', 'reset', 'invite', 'email_change') NOT NULL,
	token_hash	BINARY(32) NOT NULL,
	user_id		INT UNSIGNED NULL,
	email		VARCHAR(254) NOT NULL DEFAULT '',
	org_id		INT UNSIGNED NULL,
	role		ENUM('owner', 'admin', 'viewer') NULL,
	created_at	DATETIME NOT NULL,
	expires_at	DATETIME NOT NULL,
	used_at		DATETIME NULL,
	UNIQUE KEY tokens_hash (token_hash),
	KEY tokens_user_kind (user_id, kind),
	CONSTRAINT tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE,
	CONSTRAINT tokens_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Failed attempts per key in a fixed window.  key_hash is an HMAC (under
-- the server's secret_key) of "client:<address>" or "pair:<email>|<address>",
-- so neither addresses nor emails are readable here.
CREATE TABLE login_throttle (
	key_hash	BINARY(32) NOT NULL PRIMARY KEY,
	failures	INT UNSIGNED NOT NULL DEFAULT 0,
	window_start	DATETIME NOT NULL,
	KEY login_throttle_window (window_start)
) ENGINE=InnoDB;

CREATE TABLE audit_log (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	org_id		INT UNSIGNED NULL,
	user_id		INT UNSIGNED NULL,
	action		VARCHAR(64) NOT NULL,
	detail		VARCHAR(1000) NOT NULL DEFAULT '',
	ip		VARCHAR(45) NOT NULL DEFAULT '',
	user_agent	VARCHAR(255) NOT NULL DEFAULT '',
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	KEY audit_log_org_time (org_id, created_at),
	KEY audit_log_user_time (user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Reserved for the API (not used yet): the key is shown once, stored hashed.
CREATE TABLE api_keys (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	org_id		INT UNSIGNED NOT NULL,
	name		VARCHAR(100) NOT NULL,
	prefix		CHAR(8) NOT NULL,
	key_hash	BINARY(32) NOT NULL,
	scope		ENUM('read', 'admin') NOT NULL DEFAULT 'read',
	created_by	INT UNSIGNED NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	last_used_at	DATETIME NULL,
	revoked_at	DATETIME NULL,
	UNIQUE KEY api_keys_hash (key_hash),
	KEY api_keys_org (org_id),
	CONSTRAINT api_keys_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
