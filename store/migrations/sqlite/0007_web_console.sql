-- The browser console (issue 5): people of a carrier (role `carrier`, tied to their airline) and sign-in
-- sessions.
--
-- SQLite cannot change a CHECK constraint in place, and sqlx runs this file in one transaction, where foreign
-- keys cannot be switched off. So app_user is saved, dropped and created again with the same ids, with foreign
-- key checks deferred to the commit: rows of other tables referring to a user (e.g. unmask requests) are
-- orphaned for a moment by the drop and find their user again when the rows are put back, before the commit
-- checks them. The AUTOINCREMENT counter is kept, so ids of removed users are never reused.

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE app_user_saved AS SELECT * FROM app_user;
CREATE TEMP TABLE app_user_counter AS SELECT seq FROM sqlite_sequence WHERE name = 'app_user';

DROP TABLE app_user;

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('officer', 'analyst', 'admin', 'dpo', 'carrier')),
    password_hash TEXT,
    token_sha256  BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at_us INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- The airline a person of role `carrier` works for; they see only its transmissions.
    carrier_id    INTEGER REFERENCES carrier (id)
) STRICT;

INSERT INTO app_user (id, name, role, password_hash, token_sha256, created_at_us, disabled)
    SELECT id, name, role, password_hash, token_sha256, created_at_us, disabled FROM app_user_saved;

DELETE FROM sqlite_sequence WHERE name = 'app_user';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'app_user', max(coalesce((SELECT max(seq) FROM app_user_counter), 0),
                           coalesce((SELECT max(id) FROM app_user), 0));

DROP TABLE app_user_saved;
DROP TABLE app_user_counter;

-- A browser session: only the SHA-256 of the random session id is stored (the cookie holds the id), with the
-- synchronizer CSRF token of the session. Idle and absolute timeouts are decided from the two times.
CREATE TABLE web_session (
    id_sha256       BLOB    PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_id         INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token      TEXT    NOT NULL,
    created_at_us   INTEGER NOT NULL,
    last_seen_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX web_session_by_user ON web_session (user_id);
