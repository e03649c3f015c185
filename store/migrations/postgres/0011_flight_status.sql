-- What airlines reported of a flight as a whole: closed (PAXLST BGM 1004 CLOB / CL / CLNB) or cancelled (XF).
-- An append-only log; the newest report is the flight's status. No personal data.
CREATE TABLE flight_status_report (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id   BIGINT      NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    status      TEXT        NOT NULL CHECK (status IN ('closed', 'cancelled')),
    -- The list function code as sent (CLOB, CL, CLNB, XF).
    code        TEXT        NOT NULL,
    message_id  BIGINT      REFERENCES raw_message (id) ON DELETE SET NULL,
    reported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (flight_id, message_id)
);

CREATE INDEX flight_status_by_flight ON flight_status_report (flight_id, id);
