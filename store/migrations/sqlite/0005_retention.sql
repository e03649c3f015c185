-- Retention (issue 6): case links that extend retention, and the three narrow exceptions the retention purge
-- needs from the append-only rules of migrations 0001 and 0003. Nothing else may change or delete these rows.

-- An officer's confirmation of an alert links its traveller to a confirmed case: the only thing that keeps a
-- traveller past the unlinked deletion deadline (C-817/19). Who, why (the decision's reason) and when.
-- Goes with its traveller (deleted at the hard deadline); never changed.
CREATE TABLE case_link (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    traveller_id INTEGER NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    alert_id     INTEGER NOT NULL,
    linked_by    TEXT    NOT NULL CHECK (length(linked_by) > 0),
    reason       TEXT    NOT NULL CHECK (length(reason) > 0),
    linked_at_us INTEGER NOT NULL,
    UNIQUE (traveller_id, alert_id)
) STRICT;

CREATE TRIGGER case_link_is_immutable BEFORE UPDATE ON case_link
BEGIN
    SELECT RAISE(ABORT, 'case_link is immutable');
END;

-- Exception 1: a traveller version may be masked once by the purge (record overwritten, masked_at set from
-- NULL); every other column stays as it was and a masked version never changes again.
ALTER TABLE traveller_version ADD COLUMN masked_at_us INTEGER;

DROP TRIGGER traveller_version_is_immutable;
CREATE TRIGGER traveller_version_is_immutable BEFORE UPDATE ON traveller_version
WHEN NOT (OLD.masked_at_us IS NULL AND NEW.masked_at_us IS NOT NULL
          AND NEW.id = OLD.id AND NEW.traveller_id = OLD.traveller_id AND NEW.version = OLD.version
          AND NEW.message_id = OLD.message_id AND NEW.message_kind = OLD.message_kind
          AND NEW.received_at_us = OLD.received_at_us
          AND NEW.changed_fields_json = OLD.changed_fields_json)
BEGIN
    SELECT RAISE(ABORT, 'traveller_version is immutable (retention masking excepted)');
END;

-- Exception 2: the raw store. The purge deletes a message's bytes (the row, or only its content when a linked
-- traveller still needs the row) after writing its tombstone: id, sender, hash and receipt stay provable.
CREATE TABLE raw_message_tombstone (
    message_id          INTEGER PRIMARY KEY,
    sender              TEXT    NOT NULL,
    content_sha256      BLOB    NOT NULL CHECK (length(content_sha256) = 32),
    received_at_us      INTEGER NOT NULL,
    bytes_removed_at_us INTEGER NOT NULL,
    -- When the row itself went (NULL while a linked, masked traveller version still refers to it).
    row_deleted_at_us   INTEGER
) STRICT;

DROP TRIGGER raw_message_is_append_only;
CREATE TRIGGER raw_message_is_append_only BEFORE UPDATE ON raw_message
WHEN NOT (length(NEW.content) = 0 AND NEW.id = OLD.id AND NEW.sender = OLD.sender
          AND NEW.content_sha256 = OLD.content_sha256 AND NEW.received_at_us = OLD.received_at_us
          AND EXISTS (SELECT 1 FROM raw_message_tombstone WHERE message_id = OLD.id))
BEGIN
    SELECT RAISE(ABORT, 'raw_message is append-only (retention byte removal excepted)');
END;

CREATE TRIGGER raw_message_delete_needs_tombstone BEFORE DELETE ON raw_message
WHEN NOT EXISTS (SELECT 1 FROM raw_message_tombstone WHERE message_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'raw_message rows are deleted only by the retention purge, after their tombstone');
END;

-- Exception 3: decisions go with their alert when the purge erases it (its traveller version is past its
-- deletion deadline). The erasure is recorded first (alert id and time only); decisions of any alert not
-- recorded here stay undeletable.
CREATE TABLE retention_erased_alert (
    alert_id     INTEGER PRIMARY KEY,
    erased_at_us INTEGER NOT NULL
) STRICT;

DROP TRIGGER alert_decision_no_delete;
CREATE TRIGGER alert_decision_no_delete BEFORE DELETE ON alert_decision
WHEN NOT EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id)
BEGIN
    SELECT RAISE(ABORT, 'alert_decision is append-only (retention erasure excepted)');
END;
