-- Reports read visits by site and start time: cluster sessions that way,
-- so a period is one sequential range of the table instead of a secondary
-- index range plus a random primary-key lookup per visit.  New visits are
-- appended at the end of their site's range.  The collector finds and
-- updates a visit by its id through the unique key (its INSERT ... ON
-- DUPLICATE KEY UPDATE matches on sessions_id).
ALTER TABLE sessions
	DROP PRIMARY KEY,
	ADD PRIMARY KEY (site_id, started_at, id),
	ADD UNIQUE KEY sessions_id (id),
	DROP KEY sessions_site_time;
