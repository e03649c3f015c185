//! Accounts: the people who use the console (`app_user`, with a role) and the airlines that send messages
//! (`carrier`). Two kinds of principal, kept apart so a carrier token can never act as a user and back.
//!
//! Secrets are never stored: an API token is kept as the SHA-256 of the token (tokens are 32 random bytes,
//! so a fast hash is enough and a lookup by hash is an index probe), a password, when a person has one, as
//! the argon2id PHC string the caller computed. A carrier may also be known by the SHA-256 of its TLS client
//! certificate (mutual TLS).

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::content_hash::ContentHash;
use crate::error::StoreError;

/// Longest user name or carrier name accepted, in bytes.
pub const MAX_ACCOUNT_NAME_LEN: usize = 128;
/// Longest carrier code accepted (IATA codes are 2, ICAO 3; a few airlines use longer sender ids).
pub const MAX_CARRIER_CODE_LEN: usize = 35;

/// What a person may do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Alerts, flights, manifests, travellers.
    Officer,
    /// History search, co-travellers.
    Analyst,
    /// Users, carriers, watchlists.
    Admin,
    /// Data-protection officer.
    Dpo,
    /// Staff of one airline: their own transmissions only (the carrier portal).
    Carrier,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::Analyst,
        Role::Admin,
        Role::Dpo,
        Role::Carrier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
            Role::Dpo => "dpo",
            Role::Carrier => "carrier",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Role, StoreError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| StoreError::InvalidInput {
                field: "role",
                problem: "must be one of officer, analyst, admin, dpo, carrier".into(),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(i64);

impl UserId {
    pub fn new(id: i64) -> UserId {
        UserId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CarrierId(i64);

impl CarrierId {
    pub fn new(id: i64) -> CarrierId {
        CarrierId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A person to create. `token_sha256` is [`ContentHash::of`] the API token handed to them once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    /// argon2id PHC string, when the person signs in with a password.
    pub password_hash: Option<String>,
    pub token_sha256: ContentHash,
    pub created_at: OffsetDateTime,
}

/// A stored person (never with the token; the password hash only for verification by the caller).
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
    /// The code of the airline a person of role [`Role::Carrier`] works for.
    pub carrier_code: Option<String>,
}

/// Names are personal data and the hash is a secret's derivative: neither goes to a log by `{:?}`.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// An airline to create. `token_sha256` is [`ContentHash::of`] its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCarrier {
    /// The sender identity of its messages in the raw store, e.g. `LH`.
    pub code: String,
    pub name: String,
    pub token_sha256: ContentHash,
    /// SHA-256 of its TLS client certificate (DER), for mutual TLS.
    pub cert_sha256: Option<ContentHash>,
    pub cert_subject: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub id: CarrierId,
    pub code: String,
    pub name: String,
    pub cert_sha256: Option<ContentHash>,
    pub cert_subject: Option<String>,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
}

fn validate_text(field: &'static str, value: &str, max: usize) -> Result<(), StoreError> {
    let problem = if value.trim().is_empty() {
        "is empty"
    } else if value.len() > max {
        "is too long"
    } else if value.chars().any(char::is_control) {
        "contains control characters"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidInput {
        field,
        problem: problem.into(),
    })
}

impl NewUser {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        validate_text("user name", &self.name, MAX_ACCOUNT_NAME_LEN)?;
        if let Some(hash) = &self.password_hash {
            validate_password_hash(hash)?;
        }
        Ok(())
    }
}

/// Only argon2id hashes are stored (never a clear password by mistake).
pub(crate) fn validate_password_hash(hash: &str) -> Result<(), StoreError> {
    if hash.starts_with("$argon2id$") {
        Ok(())
    } else {
        Err(StoreError::InvalidInput {
            field: "password hash",
            problem: "is not an argon2id PHC string".into(),
        })
    }
}

impl NewCarrier {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        validate_text("carrier code", &self.code, MAX_CARRIER_CODE_LEN)?;
        crate::raw::validate_sender(&self.code)?;
        if !self
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(StoreError::InvalidInput {
                field: "carrier code",
                problem: "must be ASCII letters, digits, '-', '_' or '.'".into(),
            });
        }
        validate_text("carrier name", &self.name, MAX_ACCOUNT_NAME_LEN)?;
        if let Some(subject) = &self.cert_subject {
            validate_text("certificate subject", subject, 1024)?;
        }
        Ok(())
    }
}

/// A unique-constraint violation becomes [`StoreError::AlreadyExists`]; anything else stays a database error.
pub(crate) fn unique_or_database(
    what: &'static str,
    operation: &'static str,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| match &source {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyExists { what },
        _ => StoreError::Database { operation, source },
    }
}

pub(crate) fn role_from_stored(stored: &str) -> Result<Role, StoreError> {
    Role::from_str(stored).map_err(|_| StoreError::CorruptRow {
        what: "a user has an unknown role".into(),
    })
}

pub(crate) fn optional_hash(stored: Option<Vec<u8>>) -> Result<Option<ContentHash>, StoreError> {
    stored.as_deref().map(ContentHash::from_stored).transpose()
}

pub(crate) mod sqlite {
    use sqlx::SqlitePool;

    use super::*;
    use crate::stored_time::{from_unix_micros, unix_micros};

    type UserRow = (
        i64,
        String,
        String,
        Option<String>,
        i64,
        i64,
        Option<String>,
    );
    type CarrierRow = (
        i64,
        String,
        String,
        Option<Vec<u8>>,
        Option<String>,
        i64,
        i64,
    );
    const USER_COLUMNS: &str =
        "SELECT u.id, u.name, u.role, u.password_hash, u.created_at_us, u.disabled, c.code \
         FROM app_user u LEFT JOIN carrier c ON c.id = u.carrier_id";
    const CARRIER_COLUMNS: &str =
        "SELECT id, code, name, cert_sha256, cert_subject, created_at_us, disabled FROM carrier";

    fn user_from_row(row: UserRow) -> Result<User, StoreError> {
        let (id, name, role, password_hash, created, disabled, carrier_code) = row;
        Ok(User {
            id: UserId(id),
            name,
            role: role_from_stored(&role)?,
            password_hash,
            created_at: from_unix_micros(created)?,
            disabled: disabled != 0,
            carrier_code,
        })
    }

    fn carrier_from_row(row: CarrierRow) -> Result<Carrier, StoreError> {
        let (id, code, name, cert, subject, created, disabled) = row;
        Ok(Carrier {
            id: CarrierId(id),
            code,
            name,
            cert_sha256: optional_hash(cert)?,
            cert_subject: subject,
            created_at: from_unix_micros(created)?,
            disabled: disabled != 0,
        })
    }

    pub(crate) async fn create_user(
        pool: &SqlitePool,
        user: &NewUser,
    ) -> Result<UserId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO app_user (name, role, password_hash, token_sha256, created_at_us) \
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(&user.token_sha256.as_bytes()[..])
        .bind(unix_micros(user.created_at)?)
        .fetch_one(pool)
        .await
        .map_err(unique_or_database(
            "a user with this name or token",
            "insert user",
        ))?;
        Ok(UserId(id))
    }

    pub(crate) async fn user_by_token(
        pool: &SqlitePool,
        token_sha256: &ContentHash,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.token_sha256 = ?1"))
                .bind(&token_sha256.as_bytes()[..])
                .fetch_optional(pool)
                .await
                .map_err(StoreError::database("find user by token"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn user_by_id(
        pool: &SqlitePool,
        id: UserId,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.id = ?1"))
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::database("find user by id"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn user_by_name(
        pool: &SqlitePool,
        name: &str,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.name = ?1"))
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::database("find user by name"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn users(pool: &SqlitePool) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} ORDER BY u.id"))
            .fetch_all(pool)
            .await
            .map_err(StoreError::database("list users"))?;
        rows.into_iter().map(user_from_row).collect()
    }

    pub(crate) async fn set_user_carrier(
        pool: &SqlitePool,
        id: UserId,
        carrier: CarrierId,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET carrier_id = ?1 WHERE id = ?2")
            .bind(carrier.0)
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("set user carrier"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn set_user_disabled(
        pool: &SqlitePool,
        id: UserId,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET disabled = ?1 WHERE id = ?2")
            .bind(i64::from(disabled))
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("disable user"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn replace_user_token(
        pool: &SqlitePool,
        id: UserId,
        token_sha256: &ContentHash,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET token_sha256 = ?1 WHERE id = ?2")
            .bind(&token_sha256.as_bytes()[..])
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(unique_or_database("this token", "replace user token"))?;
        Ok(result.rows_affected() == 1)
    }

    /// Sets (or clears) a person's password hash and ends their browser sessions, in one transaction.
    pub(crate) async fn replace_user_password(
        pool: &SqlitePool,
        id: UserId,
        password_hash: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::database("replace password"))?;
        let result = sqlx::query("UPDATE app_user SET password_hash = ?1 WHERE id = ?2")
            .bind(password_hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("replace password"))?;
        sqlx::query("DELETE FROM web_session WHERE user_id = ?1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("end sessions"))?;
        tx.commit()
            .await
            .map_err(StoreError::database("replace password"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn replace_carrier_token(
        pool: &SqlitePool,
        id: CarrierId,
        token_sha256: &ContentHash,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE carrier SET token_sha256 = ?1 WHERE id = ?2")
            .bind(&token_sha256.as_bytes()[..])
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(unique_or_database("this token", "replace carrier token"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn create_carrier(
        pool: &SqlitePool,
        carrier: &NewCarrier,
    ) -> Result<CarrierId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO carrier (code, name, token_sha256, cert_sha256, cert_subject, created_at_us) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )
        .bind(&carrier.code)
        .bind(&carrier.name)
        .bind(&carrier.token_sha256.as_bytes()[..])
        .bind(carrier.cert_sha256.as_ref().map(|h| h.as_bytes().to_vec()))
        .bind(&carrier.cert_subject)
        .bind(unix_micros(carrier.created_at)?)
        .fetch_one(pool)
        .await
        .map_err(unique_or_database(
            "a carrier with this code, token or certificate",
            "insert carrier",
        ))?;
        Ok(CarrierId(id))
    }

    pub(crate) async fn carrier_by(
        pool: &SqlitePool,
        column: &'static str,
        hash: &ContentHash,
    ) -> Result<Option<Carrier>, StoreError> {
        let row: Option<CarrierRow> =
            sqlx::query_as(&format!("{CARRIER_COLUMNS} WHERE {column} = ?1"))
                .bind(&hash.as_bytes()[..])
                .fetch_optional(pool)
                .await
                .map_err(StoreError::database("find carrier"))?;
        row.map(carrier_from_row).transpose()
    }

    pub(crate) async fn carriers(pool: &SqlitePool) -> Result<Vec<Carrier>, StoreError> {
        let rows: Vec<CarrierRow> = sqlx::query_as(&format!("{CARRIER_COLUMNS} ORDER BY id"))
            .fetch_all(pool)
            .await
            .map_err(StoreError::database("list carriers"))?;
        rows.into_iter().map(carrier_from_row).collect()
    }

    pub(crate) async fn set_carrier_disabled(
        pool: &SqlitePool,
        id: CarrierId,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE carrier SET disabled = ?1 WHERE id = ?2")
            .bind(i64::from(disabled))
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("disable carrier"))?;
        Ok(result.rows_affected() == 1)
    }
}

pub(crate) mod postgres {
    use sqlx::PgPool;
    use time::OffsetDateTime;

    use super::*;
    use crate::stored_time::to_storage_precision;

    type UserRow = (
        i64,
        String,
        String,
        Option<String>,
        OffsetDateTime,
        bool,
        Option<String>,
    );
    type CarrierRow = (
        i64,
        String,
        String,
        Option<Vec<u8>>,
        Option<String>,
        OffsetDateTime,
        bool,
    );
    const USER_COLUMNS: &str =
        "SELECT u.id, u.name, u.role, u.password_hash, u.created_at, u.disabled, c.code \
         FROM app_user u LEFT JOIN carrier c ON c.id = u.carrier_id";
    const CARRIER_COLUMNS: &str =
        "SELECT id, code, name, cert_sha256, cert_subject, created_at, disabled FROM carrier";

    fn user_from_row(row: UserRow) -> Result<User, StoreError> {
        let (id, name, role, password_hash, created, disabled, carrier_code) = row;
        Ok(User {
            id: UserId(id),
            name,
            role: role_from_stored(&role)?,
            password_hash,
            created_at: to_storage_precision(created)?,
            disabled,
            carrier_code,
        })
    }

    fn carrier_from_row(row: CarrierRow) -> Result<Carrier, StoreError> {
        let (id, code, name, cert, subject, created, disabled) = row;
        Ok(Carrier {
            id: CarrierId(id),
            code,
            name,
            cert_sha256: optional_hash(cert)?,
            cert_subject: subject,
            created_at: to_storage_precision(created)?,
            disabled,
        })
    }

    pub(crate) async fn create_user(pool: &PgPool, user: &NewUser) -> Result<UserId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO app_user (name, role, password_hash, token_sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(&user.token_sha256.as_bytes()[..])
        .bind(to_storage_precision(user.created_at)?)
        .fetch_one(pool)
        .await
        .map_err(unique_or_database(
            "a user with this name or token",
            "insert user",
        ))?;
        Ok(UserId(id))
    }

    pub(crate) async fn user_by_token(
        pool: &PgPool,
        token_sha256: &ContentHash,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.token_sha256 = $1"))
                .bind(&token_sha256.as_bytes()[..])
                .fetch_optional(pool)
                .await
                .map_err(StoreError::database("find user by token"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn user_by_id(pool: &PgPool, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.id = $1"))
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::database("find user by id"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn user_by_name(
        pool: &PgPool,
        name: &str,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE u.name = $1"))
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::database("find user by name"))?;
        row.map(user_from_row).transpose()
    }

    pub(crate) async fn users(pool: &PgPool) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} ORDER BY u.id"))
            .fetch_all(pool)
            .await
            .map_err(StoreError::database("list users"))?;
        rows.into_iter().map(user_from_row).collect()
    }

    pub(crate) async fn set_user_carrier(
        pool: &PgPool,
        id: UserId,
        carrier: CarrierId,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET carrier_id = $1 WHERE id = $2")
            .bind(carrier.0)
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("set user carrier"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn set_user_disabled(
        pool: &PgPool,
        id: UserId,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("disable user"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn replace_user_token(
        pool: &PgPool,
        id: UserId,
        token_sha256: &ContentHash,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE app_user SET token_sha256 = $1 WHERE id = $2")
            .bind(&token_sha256.as_bytes()[..])
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(unique_or_database("this token", "replace user token"))?;
        Ok(result.rows_affected() == 1)
    }

    /// Sets (or clears) a person's password hash and ends their browser sessions, in one transaction.
    pub(crate) async fn replace_user_password(
        pool: &PgPool,
        id: UserId,
        password_hash: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::database("replace password"))?;
        let result = sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("replace password"))?;
        sqlx::query("DELETE FROM web_session WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("end sessions"))?;
        tx.commit()
            .await
            .map_err(StoreError::database("replace password"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn replace_carrier_token(
        pool: &PgPool,
        id: CarrierId,
        token_sha256: &ContentHash,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE carrier SET token_sha256 = $1 WHERE id = $2")
            .bind(&token_sha256.as_bytes()[..])
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(unique_or_database("this token", "replace carrier token"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn create_carrier(
        pool: &PgPool,
        carrier: &NewCarrier,
    ) -> Result<CarrierId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO carrier (code, name, token_sha256, cert_sha256, cert_subject, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&carrier.code)
        .bind(&carrier.name)
        .bind(&carrier.token_sha256.as_bytes()[..])
        .bind(carrier.cert_sha256.as_ref().map(|h| h.as_bytes().to_vec()))
        .bind(&carrier.cert_subject)
        .bind(to_storage_precision(carrier.created_at)?)
        .fetch_one(pool)
        .await
        .map_err(unique_or_database(
            "a carrier with this code, token or certificate",
            "insert carrier",
        ))?;
        Ok(CarrierId(id))
    }

    pub(crate) async fn carrier_by(
        pool: &PgPool,
        column: &'static str,
        hash: &ContentHash,
    ) -> Result<Option<Carrier>, StoreError> {
        let row: Option<CarrierRow> =
            sqlx::query_as(&format!("{CARRIER_COLUMNS} WHERE {column} = $1"))
                .bind(&hash.as_bytes()[..])
                .fetch_optional(pool)
                .await
                .map_err(StoreError::database("find carrier"))?;
        row.map(carrier_from_row).transpose()
    }

    pub(crate) async fn carriers(pool: &PgPool) -> Result<Vec<Carrier>, StoreError> {
        let rows: Vec<CarrierRow> = sqlx::query_as(&format!("{CARRIER_COLUMNS} ORDER BY id"))
            .fetch_all(pool)
            .await
            .map_err(StoreError::database("list carriers"))?;
        rows.into_iter().map(carrier_from_row).collect()
    }

    pub(crate) async fn set_carrier_disabled(
        pool: &PgPool,
        id: CarrierId,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE carrier SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id.0)
            .execute(pool)
            .await
            .map_err(StoreError::database("disable carrier"))?;
        Ok(result.rows_affected() == 1)
    }
}
