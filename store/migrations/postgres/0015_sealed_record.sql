-- Reversible masking (PNR-11, LED-4): the clear record of a version the purge masked, sealed with a key that
-- never enters the database (privacy::RecordSealer). Only an approved unmask opens it. Written in the masking
-- transaction, never changed, gone with its version at the hard deadline.
CREATE TABLE sealed_record (
    version_id BIGINT      PRIMARY KEY REFERENCES traveller_version (id) ON DELETE CASCADE,
    sealed     BYTEA       NOT NULL,
    sealed_at  TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER sealed_record_no_update BEFORE UPDATE ON sealed_record
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
