-- Audit records are kept five years (PNR-17) and then pruned from the front of the chain. Each prune is one
-- row here, sealed with the checkpoint key (HMAC over the first record kept and its hash): verification starts
-- at that record, and without a genuine prune a chain that does not start at record 1 is broken. Append-only.
CREATE TABLE audit_prune (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    first_kept   INTEGER NOT NULL CHECK (first_kept >= 1),
    anchor_hash  BLOB    NOT NULL CHECK (length(anchor_hash) = 32),
    seal         BLOB    NOT NULL CHECK (length(seal) = 32),
    -- Records before this time were due; the ones removed were all older.
    cutoff_us    INTEGER NOT NULL,
    pruned_at_us INTEGER NOT NULL
) STRICT;

CREATE TRIGGER audit_prune_no_update BEFORE UPDATE ON audit_prune
BEGIN
    SELECT RAISE(ABORT, 'audit_prune is append-only');
END;

CREATE TRIGGER audit_prune_no_delete BEFORE DELETE ON audit_prune
BEGIN
    SELECT RAISE(ABORT, 'audit_prune is append-only');
END;

-- The one exception to append-only: records (and their checkpoints) before the newest prune's first kept one.
DROP TRIGGER audit_record_no_delete;
CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
WHEN OLD.seq >= (SELECT COALESCE(MAX(first_kept), 1) FROM audit_prune)
BEGIN
    SELECT RAISE(ABORT, 'audit_record is append-only (pruning after retention excepted)');
END;

DROP TRIGGER audit_checkpoint_no_delete;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
WHEN OLD.seq >= (SELECT COALESCE(MAX(first_kept), 1) FROM audit_prune)
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoint is append-only (pruning after retention excepted)');
END;
