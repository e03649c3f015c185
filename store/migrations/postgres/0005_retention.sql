-- Retention (issue 6): case links and the purge's three narrow exceptions. Same shape as migrations/sqlite.

CREATE TABLE case_link (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    traveller_id BIGINT      NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    alert_id     BIGINT      NOT NULL,
    linked_by    TEXT        NOT NULL CHECK (length(linked_by) > 0),
    reason       TEXT        NOT NULL CHECK (length(reason) > 0),
    linked_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (traveller_id, alert_id)
);

CREATE TRIGGER case_link_is_immutable BEFORE UPDATE ON case_link
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

-- Exception 1: a traveller version may be masked once (record overwritten, masked_at set from NULL).
ALTER TABLE traveller_version ADD COLUMN masked_at TIMESTAMPTZ;

CREATE FUNCTION traveller_version_masking_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.masked_at IS NULL AND NEW.masked_at IS NOT NULL
       AND NEW.id = OLD.id AND NEW.traveller_id = OLD.traveller_id AND NEW.version = OLD.version
       AND NEW.message_id = OLD.message_id AND NEW.message_kind = OLD.message_kind
       AND NEW.received_at = OLD.received_at AND NEW.changed_fields_json = OLD.changed_fields_json THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'traveller_version is immutable (retention masking excepted)';
END
$$;

DROP TRIGGER traveller_version_is_immutable ON traveller_version;
CREATE TRIGGER traveller_version_is_immutable BEFORE UPDATE ON traveller_version
    FOR EACH ROW EXECUTE FUNCTION traveller_version_masking_only();

-- Exception 2: the raw store's bytes go only after their tombstone is written.
CREATE TABLE raw_message_tombstone (
    message_id       BIGINT      PRIMARY KEY,
    sender           TEXT        NOT NULL,
    content_sha256   BYTEA       NOT NULL CHECK (octet_length(content_sha256) = 32),
    received_at      TIMESTAMPTZ NOT NULL,
    bytes_removed_at TIMESTAMPTZ NOT NULL,
    row_deleted_at   TIMESTAMPTZ
);

CREATE FUNCTION raw_message_byte_removal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF octet_length(NEW.content) = 0 AND NEW.id = OLD.id AND NEW.sender = OLD.sender
       AND NEW.content_sha256 = OLD.content_sha256 AND NEW.received_at = OLD.received_at
       AND EXISTS (SELECT 1 FROM raw_message_tombstone WHERE message_id = OLD.id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'raw_message is append-only (retention byte removal excepted)';
END
$$;

DROP TRIGGER raw_message_is_append_only ON raw_message;
CREATE TRIGGER raw_message_is_append_only BEFORE UPDATE ON raw_message
    FOR EACH ROW EXECUTE FUNCTION raw_message_byte_removal_only();

CREATE FUNCTION raw_message_delete_after_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM raw_message_tombstone WHERE message_id = OLD.id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'raw_message rows are deleted only by the retention purge, after their tombstone';
END
$$;

CREATE TRIGGER raw_message_delete_needs_tombstone BEFORE DELETE ON raw_message
    FOR EACH ROW EXECUTE FUNCTION raw_message_delete_after_tombstone();

-- Exception 3: decisions go with an alert the purge erased (recorded first).
CREATE TABLE retention_erased_alert (
    alert_id  BIGINT      PRIMARY KEY,
    erased_at TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION alert_decision_erased_with_alert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'alert_decision is append-only (retention erasure excepted)';
END
$$;

DROP TRIGGER alert_decision_no_delete ON alert_decision;
CREATE TRIGGER alert_decision_no_delete BEFORE DELETE ON alert_decision
    FOR EACH ROW EXECUTE FUNCTION alert_decision_erased_with_alert();
