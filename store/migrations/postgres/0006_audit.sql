-- The audit log, approvers and unmask requests. Same shape as migrations/sqlite, with native types.
CREATE TABLE audit_record (
    seq       BIGINT      PRIMARY KEY CHECK (seq >= 1),
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT        NOT NULL,
    action    TEXT        NOT NULL,
    object    TEXT        NOT NULL,
    purpose   TEXT,
    route     TEXT,
    outcome   TEXT,
    prev_hash BYTEA       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash      BYTEA       NOT NULL UNIQUE CHECK (octet_length(hash) = 32)
);

CREATE INDEX audit_record_by_actor ON audit_record (actor, seq);
CREATE INDEX audit_record_by_time ON audit_record (at, seq);

CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TABLE audit_checkpoint (
    seq  BIGINT      PRIMARY KEY REFERENCES audit_record (seq),
    hash BYTEA       NOT NULL CHECK (octet_length(hash) = 32),
    seal BYTEA       NOT NULL CHECK (octet_length(seal) = 32),
    at   TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TABLE approver (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    authority    TEXT        NOT NULL,
    token_sha256 BYTEA       NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    created_at   TIMESTAMPTZ NOT NULL,
    disabled     BOOLEAN     NOT NULL DEFAULT FALSE
);

CREATE TABLE unmask_request (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    traveller_id   BIGINT      NOT NULL,
    requested_by   BIGINT      NOT NULL REFERENCES app_user (id),
    purpose        TEXT        NOT NULL,
    legal_category TEXT        NOT NULL,
    justification  TEXT        NOT NULL,
    requested_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX unmask_request_by_traveller ON unmask_request (traveller_id);

CREATE TRIGGER unmask_request_no_update BEFORE UPDATE ON unmask_request
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER unmask_request_no_delete BEFORE DELETE ON unmask_request
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TABLE unmask_decision (
    request_id  BIGINT      PRIMARY KEY REFERENCES unmask_request (id),
    approver_id BIGINT      NOT NULL REFERENCES approver (id),
    outcome     TEXT        NOT NULL CHECK (outcome IN ('approved', 'refused')),
    reason      TEXT        NOT NULL,
    decided_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ
);

CREATE TRIGGER unmask_decision_no_update BEFORE UPDATE ON unmask_decision
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER unmask_decision_no_delete BEFORE DELETE ON unmask_decision
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
