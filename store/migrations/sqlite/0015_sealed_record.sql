-- Reversible masking (PNR-11, LED-4): the clear record of a version the purge masked, sealed with a key that
-- never enters the database (privacy::RecordSealer). Only an approved unmask opens it. Written in the masking
-- transaction, never changed, gone with its version at the hard deadline.
CREATE TABLE sealed_record (
    version_id   INTEGER PRIMARY KEY REFERENCES traveller_version (id) ON DELETE CASCADE,
    sealed       BLOB    NOT NULL,
    sealed_at_us INTEGER NOT NULL
) STRICT;

CREATE TRIGGER sealed_record_no_update BEFORE UPDATE ON sealed_record
BEGIN
    SELECT RAISE(ABORT, 'sealed_record is immutable');
END;
