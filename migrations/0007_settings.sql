-- Account settings: the audit log page reads an organisation's entries
-- newest first, paged by id (?before=<id>), so it wants (org_id, id).
ALTER TABLE audit_log ADD KEY IF NOT EXISTS audit_log_org_id (org_id, id);
