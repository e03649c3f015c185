-- The audit log (privacy.md PNR-17, LED-1, §8.8): one row per read or write of personal data, chained by
-- SHA-256 (hash = H(seq, prev_hash, fields)); identifiers and codes only, never personal data. Sealed
-- checkpoints of the chain's head (HMAC with a key kept outside the database). Both append-only: triggers
-- refuse UPDATE and DELETE. Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE audit_record (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    at_us     INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    object    TEXT    NOT NULL,
    purpose   TEXT,
    route     TEXT,
    outcome   TEXT,
    prev_hash BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash      BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32)
) STRICT;

CREATE INDEX audit_record_by_actor ON audit_record (actor, seq);
CREATE INDEX audit_record_by_time ON audit_record (at_us, seq);

CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
BEGIN
    SELECT RAISE(ABORT, 'audit_record is append-only');
END;

CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
BEGIN
    SELECT RAISE(ABORT, 'audit_record is append-only');
END;

CREATE TABLE audit_checkpoint (
    seq      INTEGER PRIMARY KEY REFERENCES audit_record (seq),
    hash     BLOB    NOT NULL CHECK (length(hash) = 32),
    seal     BLOB    NOT NULL CHECK (length(seal) = 32),
    at_us    INTEGER NOT NULL
) STRICT;

CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;

CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;

-- Approvers: accounts outside the unit (a judge, an independent authority; privacy.md PNR-13, LDH-10). Their
-- own account type, not a role of app_user, so no account of the unit can ever hold it.
CREATE TABLE approver (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    authority     TEXT    NOT NULL,
    token_sha256  BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at_us INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

-- An analyst's request to see one traveller unmasked, and the approver's decision on it. Both append-only.
CREATE TABLE unmask_request (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    traveller_id   INTEGER NOT NULL,
    requested_by   INTEGER NOT NULL REFERENCES app_user (id),
    purpose        TEXT    NOT NULL,
    legal_category TEXT    NOT NULL,
    justification  TEXT    NOT NULL,
    requested_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX unmask_request_by_traveller ON unmask_request (traveller_id);

CREATE TRIGGER unmask_request_no_update BEFORE UPDATE ON unmask_request
BEGIN
    SELECT RAISE(ABORT, 'unmask_request is append-only');
END;

CREATE TRIGGER unmask_request_no_delete BEFORE DELETE ON unmask_request
BEGIN
    SELECT RAISE(ABORT, 'unmask_request is append-only');
END;

CREATE TABLE unmask_decision (
    request_id    INTEGER PRIMARY KEY REFERENCES unmask_request (id),
    approver_id   INTEGER NOT NULL REFERENCES approver (id),
    outcome       TEXT    NOT NULL CHECK (outcome IN ('approved', 'refused')),
    reason        TEXT    NOT NULL,
    decided_at_us INTEGER NOT NULL,
    -- Approved only: the approval is void from this instant.
    expires_at_us INTEGER
) STRICT;

CREATE TRIGGER unmask_decision_no_update BEFORE UPDATE ON unmask_decision
BEGIN
    SELECT RAISE(ABORT, 'unmask_decision is append-only');
END;

CREATE TRIGGER unmask_decision_no_delete BEFORE DELETE ON unmask_decision
BEGIN
    SELECT RAISE(ABORT, 'unmask_decision is append-only');
END;
