-- The officer workflow (issue 5): escalation, assignment and notes on alerts.
--
-- An alert may be `escalated` (to a supervisor; it stays in the open queue, marked) and assigned to an officer;
-- an escalation is a decision like confirm and dismiss (outcome `escalate`, with its reason).

ALTER TABLE alert DROP CONSTRAINT alert_status_check;
ALTER TABLE alert ADD CONSTRAINT alert_status_check
    CHECK (status IN ('open', 'escalated', 'confirmed', 'dismissed'));
-- The officer (user name) working on the alert; NULL when nobody is. History in alert_assignment.
ALTER TABLE alert ADD COLUMN assigned_to TEXT CHECK (assigned_to IS NULL OR length(assigned_to) > 0);
CREATE INDEX alert_by_assignee ON alert (assigned_to, status);

ALTER TABLE alert_decision DROP CONSTRAINT alert_decision_outcome_check;
ALTER TABLE alert_decision ADD CONSTRAINT alert_decision_outcome_check
    CHECK (outcome IN ('confirm', 'dismiss', 'escalate'));

-- Rows of these tables go only with an alert the purge erased (recorded first, as for decisions).
CREATE FUNCTION alert_workflow_erased_with_alert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only (retention erasure excepted)', TG_TABLE_NAME;
END
$$;

-- Who assigned an alert to whom (NULL: released), when: append-only, erased with the alert by the purge.
CREATE TABLE alert_assignment (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id    BIGINT      NOT NULL REFERENCES alert (id),
    assigned_to TEXT        CHECK (assigned_to IS NULL OR length(assigned_to) > 0),
    assigned_by TEXT        NOT NULL CHECK (length(assigned_by) > 0),
    assigned_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX alert_assignment_by_alert ON alert_assignment (alert_id, id);

CREATE TRIGGER alert_assignment_no_update BEFORE UPDATE ON alert_assignment
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER alert_assignment_no_delete BEFORE DELETE ON alert_assignment
    FOR EACH ROW EXECUTE FUNCTION alert_workflow_erased_with_alert();

-- Officers' notes on an alert (free text, so personal-data-adjacent): append-only, erased with the alert by
-- the purge.
CREATE TABLE alert_note (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id   BIGINT      NOT NULL REFERENCES alert (id),
    author     TEXT        NOT NULL CHECK (length(author) > 0),
    body       TEXT        NOT NULL CHECK (length(body) > 0),
    written_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX alert_note_by_alert ON alert_note (alert_id, id);

CREATE TRIGGER alert_note_no_update BEFORE UPDATE ON alert_note
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
CREATE TRIGGER alert_note_no_delete BEFORE DELETE ON alert_note
    FOR EACH ROW EXECUTE FUNCTION alert_workflow_erased_with_alert();
