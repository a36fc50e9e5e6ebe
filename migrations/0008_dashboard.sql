-- Dashboard: the session attributes reports break down by, the rollups
-- that keep reading a report from scanning raw events, goals, funnels and
-- shared links.  See ARCHITECTURE.md, "Reports and rollups".

-- A visit's attributes are those of its first event; the collector fills
-- these on the session's first row and never changes them afterwards.
ALTER TABLE sessions
	ADD COLUMN utm_term VARCHAR(255) NOT NULL DEFAULT '' AFTER utm_campaign,
	ADD COLUMN utm_content VARCHAR(255) NOT NULL DEFAULT '' AFTER utm_term,
	ADD COLUMN browser_version VARCHAR(16) NOT NULL DEFAULT '' AFTER browser,
	ADD COLUMN os_version VARCHAR(16) NOT NULL DEFAULT '' AFTER os,
	-- mobile (< 576 px), tablet (< 992), laptop (< 1440), desktop, or ''
	ADD COLUMN screen VARCHAR(8) NOT NULL DEFAULT '' AFTER os_version;

-- One row per site, local day (the site's timezone), dimension and value:
-- every metric of the visits that started that day.  dim 0 is the site's
-- total with value ''.  visitors is that day's distinct visitor ids, so a
-- range's visitors is the sum of its days' (ids rotate daily anyway).
-- Rows of one (site, day) are replaced together by `trackrctl rollup`.
CREATE TABLE rollup_days (
	site_id		INT UNSIGNED NOT NULL,
	dim		TINYINT UNSIGNED NOT NULL,
	day		DATE NOT NULL,
	seq		INT UNSIGNED NOT NULL,
	value		VARCHAR(2000) NOT NULL,
	visitors	INT UNSIGNED NOT NULL,
	visits		INT UNSIGNED NOT NULL,
	pageviews	INT UNSIGNED NOT NULL,
	bounces		INT UNSIGNED NOT NULL,
	duration	BIGINT UNSIGNED NOT NULL,	-- seconds, summed over visits
	events		INT UNSIGNED NOT NULL,	-- matching events (custom events, pages)
	PRIMARY KEY (site_id, dim, day, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The same summed per calendar month (day is the month's first day), for
-- long ranges; only whole months that are fully rolled up are kept here.
CREATE TABLE rollup_months LIKE rollup_days;

-- How far each site is rolled up: every local day up to through_day is in
-- rollup_days as of events up to events_id.  Days after it are read raw.
CREATE TABLE rollup_state (
	site_id		INT UNSIGNED NOT NULL PRIMARY KEY,
	through_day	DATE NULL,
	timezone	VARCHAR(64) NOT NULL,	-- the timezone the rows were cut in
	events_id	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

-- Goals: a page path pattern (* matches any run of characters) or a
-- custom event name.
CREATE TABLE goals (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	site_id		INT UNSIGNED NOT NULL,
	kind		ENUM('page', 'event') NOT NULL,
	target		VARCHAR(500) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	UNIQUE KEY goals_target (site_id, kind, target),
	CONSTRAINT goals_site_fk FOREIGN KEY (site_id) REFERENCES sites (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Funnels: 2 to 8 goals in order.
CREATE TABLE funnels (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	site_id		INT UNSIGNED NOT NULL,
	name		VARCHAR(120) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	KEY funnels_site (site_id),
	CONSTRAINT funnels_site_fk FOREIGN KEY (site_id) REFERENCES sites (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE funnel_steps (
	funnel_id	INT UNSIGNED NOT NULL,
	step		TINYINT UNSIGNED NOT NULL,	-- 1..8
	goal_id		INT UNSIGNED NOT NULL,
	PRIMARY KEY (funnel_id, step),
	CONSTRAINT funnel_steps_funnel_fk FOREIGN KEY (funnel_id) REFERENCES funnels (id)
	    ON DELETE CASCADE,
	CONSTRAINT funnel_steps_goal_fk FOREIGN KEY (goal_id) REFERENCES goals (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB;

-- Shared links: a read-only view of one site's reports.  The URL carries
-- a random token; only its SHA-256 is kept.  An optional password is an
-- argon2id hash.  Revoking sets revoked_at.
CREATE TABLE shared_links (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	site_id		INT UNSIGNED NOT NULL,
	name		VARCHAR(120) NOT NULL,
	token_hash	BINARY(32) NOT NULL,
	password_hash	VARCHAR(255) NULL,
	created_by	INT UNSIGNED NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	revoked_at	DATETIME NULL,
	UNIQUE KEY shared_links_token (token_hash),
	KEY shared_links_site (site_id),
	CONSTRAINT shared_links_site_fk FOREIGN KEY (site_id) REFERENCES sites (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
