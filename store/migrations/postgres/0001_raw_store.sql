-- Raw messages, their processing state, watchlist versions. Same shape as migrations/sqlite, with native types.

-- Append-only: rows are inserted and, later, removed by the retention purge; never changed.
CREATE TABLE raw_message (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender         TEXT        NOT NULL,
    content_sha256 BYTEA       NOT NULL CHECK (octet_length(content_sha256) = 32),
    received_at    TIMESTAMPTZ NOT NULL,
    content        BYTEA       NOT NULL,
    UNIQUE (sender, content_sha256)
);

CREATE INDEX raw_message_by_sender_time ON raw_message (sender, received_at, id);

CREATE FUNCTION reject_update_of_immutable_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only / immutable', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER raw_message_is_append_only BEFORE UPDATE ON raw_message
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TABLE message_state (
    message_id  BIGINT      PRIMARY KEY REFERENCES raw_message (id) ON DELETE CASCADE,
    state       TEXT        NOT NULL CHECK (state IN ('received', 'parsed', 'quarantined')),
    reason      TEXT,
    error_class TEXT,
    attempts    INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK ((state = 'quarantined') = (reason IS NOT NULL AND error_class IS NOT NULL)),
    CHECK (state = 'quarantined' OR (reason IS NULL AND error_class IS NULL))
);

CREATE INDEX message_state_by_state ON message_state (state, message_id);

CREATE TABLE watchlist_version (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    list_name     TEXT        NOT NULL,
    source_format TEXT        NOT NULL,
    version_label TEXT        NOT NULL,
    source_sha256 BYTEA       NOT NULL CHECK (octet_length(source_sha256) = 32),
    entry_count   BIGINT      NOT NULL CHECK (entry_count >= 0),
    imported_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (list_name, source_sha256)
);

CREATE TRIGGER watchlist_version_is_immutable BEFORE UPDATE ON watchlist_version
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

-- One row per entry, model::watchlist::Entry as JSON, in import order.
CREATE TABLE watchlist_entry (
    version_id BIGINT NOT NULL REFERENCES watchlist_version (id) ON DELETE CASCADE,
    ordinal    BIGINT NOT NULL,
    entry_id   TEXT   NOT NULL,
    -- TEXT, not JSONB: JSONB refuses \u0000 and reorders keys; the store must give back what SQLite gives back.
    entry_json TEXT   NOT NULL,
    PRIMARY KEY (version_id, ordinal)
);

CREATE INDEX watchlist_entry_by_entry_id ON watchlist_entry (version_id, entry_id);

CREATE TRIGGER watchlist_entry_is_immutable BEFORE UPDATE ON watchlist_entry
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
