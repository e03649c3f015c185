-- What a message declared it carries against what it carried: PAXLST CNT (42 passengers, 41 crew; in a
-- split list the whole list's total, repeated in every part) and PNRGOV EQN (PNRs). The carrier portal's
-- data quality reads it. Counts only, no personal data; goes with its message.
CREATE TABLE list_count_report (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flight_id   BIGINT      NOT NULL REFERENCES flight (id) ON DELETE CASCADE,
    message_id  BIGINT      NOT NULL REFERENCES raw_message (id) ON DELETE CASCADE,
    -- Which message of the file (from 0): one file may hold several, such as every part of a split list.
    position    BIGINT      NOT NULL CHECK (position >= 0),
    -- 42, 41 (CNT 6069 as sent) or EQN.
    qualifier   TEXT        NOT NULL,
    declared    BIGINT      NOT NULL CHECK (declared >= 0),
    carried     BIGINT      NOT NULL CHECK (carried >= 0),
    -- A part of a split list: which list (same flight, same series) and its UNH S010; NULL for a whole message.
    series      TEXT,
    part_number BIGINT      CHECK (part_number >= 1),
    last_part   BOOLEAN,
    reported_at TIMESTAMPTZ NOT NULL,
    CHECK ((series IS NULL) = (part_number IS NULL) AND (series IS NULL) = (last_part IS NULL)),
    UNIQUE (flight_id, message_id, position)
);

CREATE INDEX list_count_by_flight ON list_count_report (flight_id, id);
