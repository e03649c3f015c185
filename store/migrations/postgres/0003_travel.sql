-- Travel data derived from the raw messages. Same shape as migrations/sqlite, with native types.

CREATE TABLE flight (
    id                BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    carrier           TEXT        NOT NULL,
    number            TEXT        NOT NULL,
    departure_date    TEXT        NOT NULL CHECK (length(departure_date) = 10),
    departure_airport TEXT        NOT NULL,
    arrival_airport   TEXT,
    departure_local   TEXT,
    departure_utc     TIMESTAMPTZ,
    arrival_local     TEXT,
    arrival_utc       TIMESTAMPTZ,
    departure_approx  TIMESTAMPTZ NOT NULL,
    UNIQUE (carrier, number, departure_date, departure_airport)
);

CREATE INDEX flight_by_departure ON flight (departure_approx, id);
CREATE INDEX flight_by_carrier_date ON flight (carrier, departure_date, id);

CREATE TABLE traveller (
    id                 BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id          BIGINT  NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    identity_key       TEXT    NOT NULL,
    current_version    BIGINT  NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    current_version_id BIGINT,
    UNIQUE (flight_id, identity_key)
);

CREATE INDEX traveller_by_current_version ON traveller (current_version_id);

CREATE TABLE traveller_version (
    id                  BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    traveller_id        BIGINT      NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    version             BIGINT      NOT NULL CHECK (version >= 1),
    message_id          BIGINT      NOT NULL REFERENCES raw_message (id) ON DELETE CASCADE,
    message_kind        TEXT        NOT NULL CHECK (message_kind IN ('PAXLST', 'PNRGOV')),
    received_at         TIMESTAMPTZ NOT NULL,
    -- TEXT, not JSONB, for the same reason as watchlist_entry: give back exactly what SQLite gives back.
    record_json         TEXT        NOT NULL,
    changed_fields_json TEXT        NOT NULL,
    UNIQUE (traveller_id, version),
    UNIQUE (traveller_id, message_id)
);

CREATE TRIGGER traveller_version_is_immutable BEFORE UPDATE ON traveller_version
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TABLE alert (
    id                   BIGINT           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    traveller_id         BIGINT           NOT NULL REFERENCES traveller (id) ON DELETE CASCADE,
    flight_id            BIGINT           NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    list_name            TEXT             NOT NULL,
    entry_id             TEXT             NOT NULL,
    watchlist_version_id BIGINT           REFERENCES watchlist_version (id),
    score                DOUBLE PRECISION NOT NULL,
    explanation_json     TEXT             NOT NULL,
    status               TEXT             NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    fingerprint          TEXT             NOT NULL,
    traveller_version_id BIGINT           NOT NULL REFERENCES traveller_version (id),
    first_raised_at      TIMESTAMPTZ      NOT NULL,
    updated_at           TIMESTAMPTZ      NOT NULL,
    reopen_reason        TEXT,
    UNIQUE (traveller_id, list_name, entry_id)
);

CREATE INDEX alert_by_status ON alert (status, id);
CREATE INDEX alert_by_flight ON alert (flight_id, id);

CREATE TABLE alert_decision (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id    BIGINT      NOT NULL REFERENCES alert (id),
    decided_by  TEXT        NOT NULL CHECK (length(decided_by) > 0),
    outcome     TEXT        NOT NULL CHECK (outcome IN ('confirm', 'dismiss')),
    reason      TEXT        NOT NULL CHECK (length(reason) > 0),
    decided_at  TIMESTAMPTZ NOT NULL,
    fingerprint TEXT        NOT NULL
);

CREATE INDEX alert_decision_by_alert ON alert_decision (alert_id, id);

CREATE TRIGGER alert_decision_no_update BEFORE UPDATE ON alert_decision
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();

CREATE TRIGGER alert_decision_no_delete BEFORE DELETE ON alert_decision
    FOR EACH ROW EXECUTE FUNCTION reject_update_of_immutable_row();
