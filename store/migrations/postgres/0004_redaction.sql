-- That a message was redacted before storage (sensitive SSRs and free text blanked in its bytes), and what:
-- segment tags and SSR codes only, never the removed text. Written once, never changed.
CREATE TABLE raw_redaction (
    message_id    BIGINT      PRIMARY KEY REFERENCES raw_message (id) ON DELETE CASCADE,
    segments_json TEXT        NOT NULL,
    redacted_at   TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER raw_redaction_is_immutable BEFORE UPDATE ON raw_redaction
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
