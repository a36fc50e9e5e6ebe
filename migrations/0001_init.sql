-- TrackR base schema: organisations, sites, collected events and sessions.
-- No column anywhere holds a visitor's IP address: visitors are known only
-- by a keyed hash that rotates daily (see salts).

CREATE TABLE organisations (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name		VARCHAR(200) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sites (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	org_id		INT UNSIGNED NOT NULL,
	domain		VARCHAR(253) NOT NULL,
	site_key	CHAR(22) NOT NULL,
	timezone	VARCHAR(64) NOT NULL DEFAULT 'UTC',
	-- space-separated origins allowed to send events, e.g.
	-- "https://example.com https://www.example.com"; empty: the domain's own
	allowed_origins	VARCHAR(2000) NOT NULL DEFAULT '',
	enabled		TINYINT(1) NOT NULL DEFAULT 1,
	allow_bots	TINYINT(1) NOT NULL DEFAULT 0,
	respect_dnt	TINYINT(1) NOT NULL DEFAULT 0,
	-- events per minute for the whole site; 0 uses the server default
	rate_limit	INT UNSIGNED NOT NULL DEFAULT 0,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	UNIQUE KEY sites_key (site_key),
	UNIQUE KEY sites_domain (domain),
	KEY sites_org (org_id),
	CONSTRAINT sites_org_fk FOREIGN KEY (org_id) REFERENCES organisations (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Daily random salts for visitor ids; rows older than 48 hours are deleted,
-- after which yesterday's visitor ids can no longer be recomputed.
CREATE TABLE salts (
	day		DATE NOT NULL PRIMARY KEY,
	salt		BINARY(32) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE sessions (
	id		BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	site_id		INT UNSIGNED NOT NULL,
	visitor_id	BIGINT UNSIGNED NOT NULL,
	started_at	DATETIME(3) NOT NULL,
	last_seen	DATETIME(3) NOT NULL,
	entry_page	VARCHAR(2000) NOT NULL DEFAULT '',
	exit_page	VARCHAR(2000) NOT NULL DEFAULT '',
	pageviews	INT UNSIGNED NOT NULL DEFAULT 0,
	events		INT UNSIGNED NOT NULL DEFAULT 0,
	-- interactive events: a session with fewer than two is a bounce
	interactions	INT UNSIGNED NOT NULL DEFAULT 0,
	engagement_ms	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	max_scroll	TINYINT UNSIGNED NOT NULL DEFAULT 0,
	source		VARCHAR(255) NOT NULL DEFAULT '',
	referrer_domain	VARCHAR(253) NOT NULL DEFAULT '',
	utm_source	VARCHAR(255) NOT NULL DEFAULT '',
	utm_medium	VARCHAR(255) NOT NULL DEFAULT '',
	utm_campaign	VARCHAR(255) NOT NULL DEFAULT '',
	country		CHAR(2) NOT NULL DEFAULT '',
	device		VARCHAR(16) NOT NULL DEFAULT '',
	browser		VARCHAR(32) NOT NULL DEFAULT '',
	os		VARCHAR(32) NOT NULL DEFAULT '',
	-- last_seen is left out so that updating a session touches no index
	KEY sessions_visitor (visitor_id),
	KEY sessions_site_time (site_id, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE events (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	site_id		INT UNSIGNED NOT NULL,
	ts		DATETIME(3) NOT NULL,
	name		VARCHAR(120) NOT NULL,
	visitor_id	BIGINT UNSIGNED NOT NULL,
	session_id	BIGINT UNSIGNED NOT NULL,
	hostname	VARCHAR(253) NOT NULL DEFAULT '',
	pathname	VARCHAR(2000) NOT NULL DEFAULT '',
	referrer	VARCHAR(2000) NOT NULL DEFAULT '',
	source		VARCHAR(255) NOT NULL DEFAULT '',
	referrer_domain	VARCHAR(253) NOT NULL DEFAULT '',
	utm_source	VARCHAR(255) NOT NULL DEFAULT '',
	utm_medium	VARCHAR(255) NOT NULL DEFAULT '',
	utm_campaign	VARCHAR(255) NOT NULL DEFAULT '',
	utm_term	VARCHAR(255) NOT NULL DEFAULT '',
	utm_content	VARCHAR(255) NOT NULL DEFAULT '',
	country		CHAR(2) NOT NULL DEFAULT '',
	device		VARCHAR(16) NOT NULL DEFAULT '',
	browser		VARCHAR(32) NOT NULL DEFAULT '',
	browser_version	VARCHAR(16) NOT NULL DEFAULT '',
	os		VARCHAR(32) NOT NULL DEFAULT '',
	os_version	VARCHAR(16) NOT NULL DEFAULT '',
	screen_width	INT UNSIGNED NULL,
	engagement_ms	INT UNSIGNED NULL,
	scroll_depth	TINYINT UNSIGNED NULL,
	interactive	TINYINT(1) NOT NULL DEFAULT 1,
	props		MEDIUMTEXT NULL CHECK (props IS NULL OR JSON_VALID(props)),
	revenue_amount	DECIMAL(18,4) NULL,
	revenue_currency CHAR(3) NULL,
	-- client batch id; a retried batch is stored once
	batch_id	VARCHAR(64) NULL,
	KEY events_site_time (site_id, ts),
	KEY events_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Client batch ids already stored, for idempotent retries.  txn marks the
-- writer transaction that claimed the id, so one statement finds new ones.
CREATE TABLE ingest_batches (
	site_id		INT UNSIGNED NOT NULL,
	batch_id	VARCHAR(64) NOT NULL,
	txn		BIGINT UNSIGNED NOT NULL,
	received_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (site_id, batch_id),
	KEY ingest_batches_txn (txn),
	KEY ingest_batches_time (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
