-- Accounts: people (app_user) and airlines (carrier). Tokens are kept only as SHA-256 digests; people's
-- passwords, when set, as argon2id PHC strings. Times are integer microseconds since the Unix epoch, UTC.

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('officer', 'analyst', 'admin', 'dpo')),
    password_hash TEXT,
    token_sha256  BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at_us INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

CREATE TABLE carrier (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    token_sha256  BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    -- Mutual TLS: SHA-256 of the client certificate (DER) mapped to this carrier, and its subject for display.
    cert_sha256   BLOB    UNIQUE CHECK (cert_sha256 IS NULL OR length(cert_sha256) = 32),
    cert_subject  TEXT,
    created_at_us INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;
