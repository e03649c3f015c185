-- The officer workflow (issue 5): escalation, assignment and notes on alerts.
--
-- An alert may be `escalated` (to a supervisor; it stays in the open queue, marked) and assigned to an officer;
-- an escalation is a decision like confirm and dismiss (outcome `escalate`, with its reason). SQLite cannot change
-- a CHECK constraint in place, so `alert` and `alert_decision` are saved, dropped and created again with the same
-- ids (the pattern of 0007: foreign key checks deferred to the commit, AUTOINCREMENT counters kept). DROP TABLE
-- does not run the append-only triggers; they are created again below with the retention exception of 0005.

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE alert_saved AS SELECT * FROM alert;
CREATE TEMP TABLE alert_decision_saved AS SELECT * FROM alert_decision;
CREATE TEMP TABLE workflow_counters AS
    SELECT name, seq FROM sqlite_sequence WHERE name IN ('alert', 'alert_decision');

DROP TABLE alert_decision;
DROP TABLE alert;

CREATE TABLE alert (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    traveller_id         INTEGER NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    flight_id            INTEGER NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    list_name            TEXT    NOT NULL,
    entry_id             TEXT    NOT NULL,
    watchlist_version_id INTEGER REFERENCES watchlist_version (id),
    score                REAL    NOT NULL,
    explanation_json     TEXT    NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('open', 'escalated', 'confirmed', 'dismissed')),
    -- Hash of the traveller data the score was computed on: a dismissal holds while it is unchanged.
    fingerprint          TEXT    NOT NULL,
    traveller_version_id INTEGER NOT NULL REFERENCES traveller_version (id),
    first_raised_at_us   INTEGER NOT NULL,
    updated_at_us        INTEGER NOT NULL,
    -- Why a dismissed alert was opened again, when it was.
    reopen_reason        TEXT,
    -- The officer (user name) working on the alert; NULL when nobody is. History in alert_assignment.
    assigned_to          TEXT    CHECK (assigned_to IS NULL OR length(assigned_to) > 0),
    UNIQUE (traveller_id, list_name, entry_id)
) STRICT;

INSERT INTO alert (id, traveller_id, flight_id, list_name, entry_id, watchlist_version_id, score,
                   explanation_json, status, fingerprint, traveller_version_id, first_raised_at_us,
                   updated_at_us, reopen_reason)
    SELECT id, traveller_id, flight_id, list_name, entry_id, watchlist_version_id, score, explanation_json,
           status, fingerprint, traveller_version_id, first_raised_at_us, updated_at_us, reopen_reason
    FROM alert_saved;

CREATE INDEX alert_by_status ON alert (status, id);
CREATE INDEX alert_by_flight ON alert (flight_id, id);
CREATE INDEX alert_by_assignee ON alert (assigned_to, status);

CREATE TABLE alert_decision (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id       INTEGER NOT NULL REFERENCES alert (id),
    decided_by     TEXT    NOT NULL CHECK (length(decided_by) > 0),
    outcome        TEXT    NOT NULL CHECK (outcome IN ('confirm', 'dismiss', 'escalate')),
    reason         TEXT    NOT NULL CHECK (length(reason) > 0),
    decided_at_us  INTEGER NOT NULL,
    fingerprint    TEXT    NOT NULL
) STRICT;

INSERT INTO alert_decision (id, alert_id, decided_by, outcome, reason, decided_at_us, fingerprint)
    SELECT id, alert_id, decided_by, outcome, reason, decided_at_us, fingerprint FROM alert_decision_saved;

CREATE INDEX alert_decision_by_alert ON alert_decision (alert_id, id);

CREATE TRIGGER alert_decision_no_update BEFORE UPDATE ON alert_decision
BEGIN
    SELECT RAISE(ABORT, 'alert_decision is append-only');
END;

CREATE TRIGGER alert_decision_no_delete BEFORE DELETE ON alert_decision
WHEN NOT EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id)
BEGIN
    SELECT RAISE(ABORT, 'alert_decision is append-only (retention erasure excepted)');
END;

DELETE FROM sqlite_sequence WHERE name IN ('alert', 'alert_decision');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'alert', max(coalesce((SELECT max(seq) FROM workflow_counters WHERE name = 'alert'), 0),
                        coalesce((SELECT max(id) FROM alert), 0));
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'alert_decision',
           max(coalesce((SELECT max(seq) FROM workflow_counters WHERE name = 'alert_decision'), 0),
               coalesce((SELECT max(id) FROM alert_decision), 0));

DROP TABLE alert_saved;
DROP TABLE alert_decision_saved;
DROP TABLE workflow_counters;

-- Who assigned an alert to whom (NULL: released), when: append-only, erased with the alert by the purge.
CREATE TABLE alert_assignment (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id       INTEGER NOT NULL REFERENCES alert (id),
    assigned_to    TEXT    CHECK (assigned_to IS NULL OR length(assigned_to) > 0),
    assigned_by    TEXT    NOT NULL CHECK (length(assigned_by) > 0),
    assigned_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX alert_assignment_by_alert ON alert_assignment (alert_id, id);

CREATE TRIGGER alert_assignment_no_update BEFORE UPDATE ON alert_assignment
BEGIN
    SELECT RAISE(ABORT, 'alert_assignment is append-only');
END;

CREATE TRIGGER alert_assignment_no_delete BEFORE DELETE ON alert_assignment
WHEN NOT EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id)
BEGIN
    SELECT RAISE(ABORT, 'alert_assignment is append-only (retention erasure excepted)');
END;

-- Officers' notes on an alert (free text, so personal-data-adjacent): append-only, erased with the alert by
-- the purge.
CREATE TABLE alert_note (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id      INTEGER NOT NULL REFERENCES alert (id),
    author        TEXT    NOT NULL CHECK (length(author) > 0),
    body          TEXT    NOT NULL CHECK (length(body) > 0),
    written_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX alert_note_by_alert ON alert_note (alert_id, id);

CREATE TRIGGER alert_note_no_update BEFORE UPDATE ON alert_note
BEGIN
    SELECT RAISE(ABORT, 'alert_note is append-only');
END;

CREATE TRIGGER alert_note_no_delete BEFORE DELETE ON alert_note
WHEN NOT EXISTS (SELECT 1 FROM retention_erased_alert WHERE alert_id = OLD.alert_id)
BEGIN
    SELECT RAISE(ABORT, 'alert_note is append-only (retention erasure excepted)');
END;
