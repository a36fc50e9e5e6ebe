-- Outbound mail: programs insert a row here inside their own transaction
-- (cgi/core/mail.c: mail_enqueue) and `trackrctl mail-send` delivers it.
-- A sender claims a due row by writing its random claim_token and a lease
-- (claimed_until) in one UPDATE, so two senders never take the same row;
-- a row whose lease ran out (a sender died) is due again.
CREATE TABLE mail_outbox (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	to_addr		VARCHAR(254) NOT NULL,
	subject		VARCHAR(400) NOT NULL,
	body_text	MEDIUMTEXT NOT NULL,
	body_html	MEDIUMTEXT NULL,
	-- random; the Message-ID is <msg_token@mail_from's domain>, the same on
	-- every attempt, so a receiver can tell a rare second delivery
	msg_token	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at	DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	-- UTC; NULL once sent or given up (then last_error says why)
	next_attempt_at	DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
	sent_at		DATETIME(3) NULL,
	last_error	VARCHAR(1000) NOT NULL DEFAULT '',
	claim_token	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	claimed_until	DATETIME(3) NULL,
	KEY mail_outbox_due (next_attempt_at),
	KEY mail_outbox_claim (claim_token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
