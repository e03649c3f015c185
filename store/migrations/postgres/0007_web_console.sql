-- The browser console (issue 5): people of a carrier (role `carrier`, tied to their airline) and sign-in
-- sessions. Same shape as migrations/sqlite.

ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check
    CHECK (role IN ('officer', 'analyst', 'admin', 'dpo', 'carrier'));
-- The airline a person of role `carrier` works for; they see only its transmissions.
ALTER TABLE app_user ADD COLUMN carrier_id BIGINT REFERENCES carrier (id);

-- A browser session: only the SHA-256 of the random session id is stored (the cookie holds the id), with the
-- synchronizer CSRF token of the session.
CREATE TABLE web_session (
    id_sha256    BYTEA       PRIMARY KEY CHECK (octet_length(id_sha256) = 32),
    user_id      BIGINT      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX web_session_by_user ON web_session (user_id);
