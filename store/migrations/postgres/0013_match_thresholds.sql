-- The match thresholds an administrator set in the console, one row per change (who, when, why): the
-- newest row is in force, over the configured policy's thresholds; the configured weights stay. No personal
-- data. Append-only: the history of what screening raised alerts at is kept.
CREATE TABLE match_thresholds (
    id               BIGINT           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_threshold  DOUBLE PRECISION NOT NULL CHECK (alert_threshold > 0 AND alert_threshold <= 1),
    report_threshold DOUBLE PRECISION NOT NULL CHECK (report_threshold >= 0 AND report_threshold <= alert_threshold),
    max_reported     BIGINT           NOT NULL CHECK (max_reported BETWEEN 1 AND 100),
    set_by           TEXT             NOT NULL CHECK (length(set_by) > 0),
    reason           TEXT             NOT NULL CHECK (length(reason) > 0),
    set_at           TIMESTAMPTZ      NOT NULL
);

CREATE TRIGGER match_thresholds_no_update BEFORE UPDATE ON match_thresholds
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER match_thresholds_no_delete BEFORE DELETE ON match_thresholds
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
