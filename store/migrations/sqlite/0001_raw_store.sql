-- Raw messages, their processing state, watchlist versions. Times are integer microseconds since the Unix
-- epoch, UTC (see src/stored_time.rs).

-- Append-only: rows are inserted and, later, removed by the retention purge; never changed.
-- AUTOINCREMENT so an id is never handed out again after a purge.
CREATE TABLE raw_message (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    sender         TEXT    NOT NULL,
    content_sha256 BLOB    NOT NULL CHECK (length(content_sha256) = 32),
    received_at_us INTEGER NOT NULL,
    -- Last, so listings that stop at the metadata never read the bytes' overflow pages.
    content        BLOB    NOT NULL,
    UNIQUE (sender, content_sha256)
) STRICT;

CREATE INDEX raw_message_by_sender_time ON raw_message (sender, received_at_us, id);

CREATE TRIGGER raw_message_is_append_only BEFORE UPDATE ON raw_message
BEGIN
    SELECT RAISE(ABORT, 'raw_message is append-only');
END;

CREATE TABLE message_state (
    message_id    INTEGER PRIMARY KEY REFERENCES raw_message (id) ON DELETE CASCADE,
    state         TEXT    NOT NULL CHECK (state IN ('received', 'parsed', 'quarantined')),
    reason        TEXT,
    error_class   TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    updated_at_us INTEGER NOT NULL,
    CHECK ((state = 'quarantined') = (reason IS NOT NULL AND error_class IS NOT NULL)),
    CHECK (state = 'quarantined' OR (reason IS NULL AND error_class IS NULL))
) STRICT;

CREATE INDEX message_state_by_state ON message_state (state, message_id);

CREATE TABLE watchlist_version (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    list_name      TEXT    NOT NULL,
    source_format  TEXT    NOT NULL,
    version_label  TEXT    NOT NULL,
    source_sha256  BLOB    NOT NULL CHECK (length(source_sha256) = 32),
    entry_count    INTEGER NOT NULL CHECK (entry_count >= 0),
    imported_at_us INTEGER NOT NULL,
    UNIQUE (list_name, source_sha256)
) STRICT;

CREATE TRIGGER watchlist_version_is_immutable BEFORE UPDATE ON watchlist_version
BEGIN
    SELECT RAISE(ABORT, 'watchlist_version is immutable');
END;

-- One row per entry, model::watchlist::Entry as JSON, in import order.
CREATE TABLE watchlist_entry (
    version_id INTEGER NOT NULL REFERENCES watchlist_version (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    entry_id   TEXT    NOT NULL,
    entry_json TEXT    NOT NULL,
    PRIMARY KEY (version_id, ordinal)
) STRICT, WITHOUT ROWID;

-- Alert display looks an entry up by its list id.
CREATE INDEX watchlist_entry_by_entry_id ON watchlist_entry (version_id, entry_id);

CREATE TRIGGER watchlist_entry_is_immutable BEFORE UPDATE ON watchlist_entry
BEGIN
    SELECT RAISE(ABORT, 'watchlist_entry is immutable');
END;
