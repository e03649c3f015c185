-- Accounts: people (app_user) and airlines (carrier). Same shape as migrations/sqlite, with native types.

CREATE TABLE app_user (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT        NOT NULL UNIQUE,
    role          TEXT        NOT NULL CHECK (role IN ('officer', 'analyst', 'admin', 'dpo')),
    password_hash TEXT,
    token_sha256  BYTEA       NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    created_at    TIMESTAMPTZ NOT NULL,
    disabled      BOOLEAN     NOT NULL DEFAULT FALSE
);

CREATE TABLE carrier (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          TEXT        NOT NULL UNIQUE,
    name          TEXT        NOT NULL,
    token_sha256  BYTEA       NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    cert_sha256   BYTEA       UNIQUE CHECK (cert_sha256 IS NULL OR octet_length(cert_sha256) = 32),
    cert_subject  TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    disabled      BOOLEAN     NOT NULL DEFAULT FALSE
);
