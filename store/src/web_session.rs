//! Browser sessions of the console (migration 0007): the SHA-256 of the random session id (the cookie holds
//! the id itself, so a copy of the database signs nobody in), the person, the session's CSRF token, and when
//! it was created and last used. Timeouts are the console's policy: it reads both times and decides.

use time::OffsetDateTime;

use crate::accounts::{User, UserId};
use crate::content_hash::ContentHash;
use crate::error::StoreError;

/// A session to create.
#[derive(Clone, PartialEq, Eq)]
pub struct NewWebSession {
    pub id_sha256: ContentHash,
    pub user_id: UserId,
    /// The synchronizer token every state-changing form of this session must carry.
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
}

/// A stored session with its person (as [`crate::Store::user_by_token`] gives them: disabled ones included).
#[derive(Clone)]
pub struct WebSession {
    pub user: User,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// The CSRF token is a secret: never printed by `{:?}`.
impl std::fmt::Debug for WebSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSession")
            .field("user", &self.user)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

pub(crate) mod sqlite {
    use sqlx::SqlitePool;

    use super::*;
    use crate::stored_time::{from_unix_micros, unix_micros};

    pub(crate) async fn create(
        pool: &SqlitePool,
        session: &NewWebSession,
    ) -> Result<(), StoreError> {
        let at = unix_micros(session.created_at)?;
        sqlx::query(
            "INSERT INTO web_session (id_sha256, user_id, csrf_token, created_at_us, last_seen_at_us) \
             VALUES (?1, ?2, ?3, ?4, ?4)",
        )
        .bind(&session.id_sha256.as_bytes()[..])
        .bind(session.user_id.get())
        .bind(&session.csrf_token)
        .bind(at)
        .execute(pool)
        .await
        .map_err(StoreError::database("insert web session"))?;
        Ok(())
    }

    pub(crate) async fn find(
        pool: &SqlitePool,
        id_sha256: &ContentHash,
    ) -> Result<Option<(UserId, String, OffsetDateTime, OffsetDateTime)>, StoreError> {
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT user_id, csrf_token, created_at_us, last_seen_at_us FROM web_session \
             WHERE id_sha256 = ?1",
        )
        .bind(&id_sha256.as_bytes()[..])
        .fetch_optional(pool)
        .await
        .map_err(StoreError::database("find web session"))?;
        row.map(|(user, csrf, created, seen)| {
            Ok((
                UserId::new(user),
                csrf,
                from_unix_micros(created)?,
                from_unix_micros(seen)?,
            ))
        })
        .transpose()
    }

    pub(crate) async fn touch(
        pool: &SqlitePool,
        id_sha256: &ContentHash,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE web_session SET last_seen_at_us = ?1 WHERE id_sha256 = ?2")
            .bind(unix_micros(at)?)
            .bind(&id_sha256.as_bytes()[..])
            .execute(pool)
            .await
            .map_err(StoreError::database("touch web session"))?;
        Ok(())
    }

    pub(crate) async fn delete(
        pool: &SqlitePool,
        id_sha256: &ContentHash,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_session WHERE id_sha256 = ?1")
            .bind(&id_sha256.as_bytes()[..])
            .execute(pool)
            .await
            .map_err(StoreError::database("delete web session"))?;
        Ok(())
    }

    pub(crate) async fn delete_idle(
        pool: &SqlitePool,
        seen_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result =
            sqlx::query("DELETE FROM web_session WHERE last_seen_at_us < ?1 OR created_at_us < ?2")
                .bind(unix_micros(seen_before)?)
                .bind(unix_micros(created_before)?)
                .execute(pool)
                .await
                .map_err(StoreError::database("delete expired web sessions"))?;
        Ok(result.rows_affected())
    }
}

pub(crate) mod postgres {
    use sqlx::PgPool;

    use super::*;
    use crate::stored_time::to_storage_precision;

    pub(crate) async fn create(pool: &PgPool, session: &NewWebSession) -> Result<(), StoreError> {
        let at = to_storage_precision(session.created_at)?;
        sqlx::query(
            "INSERT INTO web_session (id_sha256, user_id, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&session.id_sha256.as_bytes()[..])
        .bind(session.user_id.get())
        .bind(&session.csrf_token)
        .bind(at)
        .execute(pool)
        .await
        .map_err(StoreError::database("insert web session"))?;
        Ok(())
    }

    pub(crate) async fn find(
        pool: &PgPool,
        id_sha256: &ContentHash,
    ) -> Result<Option<(UserId, String, OffsetDateTime, OffsetDateTime)>, StoreError> {
        let row: Option<(i64, String, OffsetDateTime, OffsetDateTime)> = sqlx::query_as(
            "SELECT user_id, csrf_token, created_at, last_seen_at FROM web_session \
             WHERE id_sha256 = $1",
        )
        .bind(&id_sha256.as_bytes()[..])
        .fetch_optional(pool)
        .await
        .map_err(StoreError::database("find web session"))?;
        row.map(|(user, csrf, created, seen)| {
            Ok((
                UserId::new(user),
                csrf,
                to_storage_precision(created)?,
                to_storage_precision(seen)?,
            ))
        })
        .transpose()
    }

    pub(crate) async fn touch(
        pool: &PgPool,
        id_sha256: &ContentHash,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE web_session SET last_seen_at = $1 WHERE id_sha256 = $2")
            .bind(to_storage_precision(at)?)
            .bind(&id_sha256.as_bytes()[..])
            .execute(pool)
            .await
            .map_err(StoreError::database("touch web session"))?;
        Ok(())
    }

    pub(crate) async fn delete(pool: &PgPool, id_sha256: &ContentHash) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_session WHERE id_sha256 = $1")
            .bind(&id_sha256.as_bytes()[..])
            .execute(pool)
            .await
            .map_err(StoreError::database("delete web session"))?;
        Ok(())
    }

    pub(crate) async fn delete_idle(
        pool: &PgPool,
        seen_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result =
            sqlx::query("DELETE FROM web_session WHERE last_seen_at < $1 OR created_at < $2")
                .bind(to_storage_precision(seen_before)?)
                .bind(to_storage_precision(created_before)?)
                .execute(pool)
                .await
                .map_err(StoreError::database("delete expired web sessions"))?;
        Ok(result.rows_affected())
    }
}
