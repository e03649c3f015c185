-- Travel data derived from the raw messages: flights, travellers with every version of their data, alerts and
-- officers' decisions on them. Everything here can be rebuilt from raw_message by re-processing. Times are
-- integer microseconds since the Unix epoch, UTC.

-- One row per scheduled flight; the natural key is what both PAXLST and PNRGOV name.
CREATE TABLE flight (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    carrier             TEXT    NOT NULL,
    number              TEXT    NOT NULL,
    -- Local departure date, YYYY-MM-DD.
    departure_date      TEXT    NOT NULL CHECK (length(departure_date) = 10),
    departure_airport   TEXT    NOT NULL,
    arrival_airport     TEXT,
    -- Scheduled local date-time as the airline sent it (YYYY-MM-DDTHH:MM, or the date alone).
    departure_local     TEXT,
    departure_utc_us    INTEGER,
    arrival_local       TEXT,
    arrival_utc_us      INTEGER,
    -- UTC when known, else the local time read as UTC (at most 14 h off): what time-window queries use.
    departure_approx_us INTEGER NOT NULL,
    UNIQUE (carrier, number, departure_date, departure_airport)
) STRICT;

CREATE INDEX flight_by_departure ON flight (departure_approx_us, id);
CREATE INDEX flight_by_carrier_date ON flight (carrier, departure_date, id);

-- One row per traveller identity on a flight. current_version_id points at the version in force (NULL only
-- inside the transaction that creates the traveller).
CREATE TABLE traveller (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    flight_id          INTEGER NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    identity_key       TEXT    NOT NULL,
    current_version    INTEGER NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    current_version_id INTEGER,
    UNIQUE (flight_id, identity_key)
) STRICT;

CREATE INDEX traveller_by_current_version ON traveller (current_version_id);

-- Every version of a traveller's data. The id is global and increasing: the history index uses it as its
-- watermark. Versions are never changed.
CREATE TABLE traveller_version (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    traveller_id        INTEGER NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    version             INTEGER NOT NULL CHECK (version >= 1),
    message_id          INTEGER NOT NULL REFERENCES raw_message (id) ON DELETE CASCADE,
    message_kind        TEXT    NOT NULL CHECK (message_kind IN ('PAXLST', 'PNRGOV')),
    received_at_us      INTEGER NOT NULL,
    record_json         TEXT    NOT NULL,
    -- JSON array of the record's top-level fields that differ from the version current before this one.
    changed_fields_json TEXT    NOT NULL,
    UNIQUE (traveller_id, version),
    -- Re-processing a message records nothing new.
    UNIQUE (traveller_id, message_id)
) STRICT;

CREATE TRIGGER traveller_version_is_immutable BEFORE UPDATE ON traveller_version
BEGIN
    SELECT RAISE(ABORT, 'traveller_version is immutable');
END;

-- One alert per (traveller, list, entry), updated in place when new data or a new list version re-scores it.
CREATE TABLE alert (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    traveller_id         INTEGER NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    flight_id            INTEGER NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    list_name            TEXT    NOT NULL,
    entry_id             TEXT    NOT NULL,
    watchlist_version_id INTEGER REFERENCES watchlist_version (id),
    score                REAL    NOT NULL,
    explanation_json     TEXT    NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    -- Hash of the traveller data the score was computed on: a dismissal holds while it is unchanged.
    fingerprint          TEXT    NOT NULL,
    traveller_version_id INTEGER NOT NULL REFERENCES traveller_version (id),
    first_raised_at_us   INTEGER NOT NULL,
    updated_at_us        INTEGER NOT NULL,
    -- Why a dismissed alert was opened again, when it was.
    reopen_reason        TEXT,
    UNIQUE (traveller_id, list_name, entry_id)
) STRICT;

CREATE INDEX alert_by_status ON alert (status, id);
CREATE INDEX alert_by_flight ON alert (flight_id, id);

-- Officers' decisions: append-only, the audit trail of every alert.
CREATE TABLE alert_decision (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id       INTEGER NOT NULL REFERENCES alert (id),
    decided_by     TEXT    NOT NULL CHECK (length(decided_by) > 0),
    outcome        TEXT    NOT NULL CHECK (outcome IN ('confirm', 'dismiss')),
    reason         TEXT    NOT NULL CHECK (length(reason) > 0),
    decided_at_us  INTEGER NOT NULL,
    fingerprint    TEXT    NOT NULL
) STRICT;

CREATE INDEX alert_decision_by_alert ON alert_decision (alert_id, id);

CREATE TRIGGER alert_decision_no_update BEFORE UPDATE ON alert_decision
BEGIN
    SELECT RAISE(ABORT, 'alert_decision is append-only');
END;

CREATE TRIGGER alert_decision_no_delete BEFORE DELETE ON alert_decision
BEGIN
    SELECT RAISE(ABORT, 'alert_decision is append-only');
END;
