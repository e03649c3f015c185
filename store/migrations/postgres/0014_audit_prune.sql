-- Audit records are kept five years (PNR-17) and then pruned from the front of the chain. Each prune is one
-- row here, sealed with the checkpoint key (HMAC over the first record kept and its hash): verification starts
-- at that record, and without a genuine prune a chain that does not start at record 1 is broken. Append-only.
CREATE TABLE audit_prune (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_kept  BIGINT      NOT NULL CHECK (first_kept >= 1),
    anchor_hash BYTEA       NOT NULL CHECK (octet_length(anchor_hash) = 32),
    seal        BYTEA       NOT NULL CHECK (octet_length(seal) = 32),
    -- Records before this time were due; the ones removed were all older.
    cutoff      TIMESTAMPTZ NOT NULL,
    pruned_at   TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER audit_prune_no_update BEFORE UPDATE ON audit_prune
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER audit_prune_no_delete BEFORE DELETE ON audit_prune
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

-- The one exception to append-only: records (and their checkpoints) before the newest prune's first kept one.
CREATE FUNCTION audit_delete_only_pruned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq < (SELECT COALESCE(MAX(first_kept), 1) FROM audit_prune) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only (pruning after retention excepted)', TG_TABLE_NAME;
END
$$;

DROP TRIGGER audit_record_no_delete ON audit_record;
CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_delete_only_pruned();
DROP TRIGGER audit_checkpoint_no_delete ON audit_checkpoint;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_delete_only_pruned();
