//! Approvers and unmask requests (privacy.md PNR-12, PNR-13, LDH-10).
//!
//! An approver is an account outside the unit (a judge, an independent authority): its own table and its
//! own token, never a role of `app_user`, so no account of the unit can hold it. An analyst asks to see one
//! traveller unmasked (purpose, legal category, justification); one approver decides, once. Requests and
//! decisions are append-only (triggers refuse `UPDATE` and `DELETE`); whether an approval is still in force
//! is computed from its `expires_at` against the caller's clock, never stored.

use std::fmt;

use time::OffsetDateTime;

use crate::accounts::{unique_or_database, UserId};
use crate::content_hash::ContentHash;
use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::travel::TravellerId;
use crate::{Backend, Store, StoreError};

/// Longest free text of a request or decision.
pub const MAX_UNMASK_TEXT_LEN: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApproverId(i64);

impl ApproverId {
    pub fn new(id: i64) -> ApproverId {
        ApproverId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnmaskRequestId(i64);

impl UnmaskRequestId {
    pub fn new(id: i64) -> UnmaskRequestId {
        UnmaskRequestId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UnmaskRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An approver to create; `token_sha256` is the digest of the API token handed to them once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApprover {
    pub name: String,
    /// The authority they act for (e.g. "Investigating judge, District Court").
    pub authority: String,
    pub token_sha256: ContentHash,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Approver {
    pub id: ApproverId,
    pub name: String,
    pub authority: String,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
}

/// Names stay out of logs.
impl fmt::Debug for Approver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Approver")
            .field("id", &self.id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// An analyst's request to see one traveller unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnmaskRequest {
    pub traveller_id: TravellerId,
    pub requested_by: UserId,
    /// A purpose code (privacy::Purpose).
    pub purpose: String,
    /// A legal category from the fixed list the console checks.
    pub legal_category: String,
    pub justification: String,
    pub requested_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmaskOutcome {
    Approved,
    Refused,
}

impl UnmaskOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            UnmaskOutcome::Approved => "approved",
            UnmaskOutcome::Refused => "refused",
        }
    }

    fn from_stored(text: &str) -> Result<UnmaskOutcome, StoreError> {
        match text {
            "approved" => Ok(UnmaskOutcome::Approved),
            "refused" => Ok(UnmaskOutcome::Refused),
            _ => Err(StoreError::CorruptRow {
                what: "an unmask decision has an unknown outcome".into(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnmaskDecision {
    pub approver_id: ApproverId,
    pub outcome: UnmaskOutcome,
    pub reason: String,
    pub decided_at: OffsetDateTime,
    /// For approvals: when the approval lapses.
    pub expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmaskDecision {
    pub approver_id: ApproverId,
    pub outcome: UnmaskOutcome,
    pub reason: String,
    pub decided_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmaskRequest {
    pub id: UnmaskRequestId,
    pub traveller_id: TravellerId,
    pub requested_by: UserId,
    pub purpose: String,
    pub legal_category: String,
    pub justification: String,
    pub requested_at: OffsetDateTime,
    pub decision: Option<UnmaskDecision>,
}

impl UnmaskRequest {
    /// Approved and not yet expired at `now`.
    pub fn approved_at(&self, now: OffsetDateTime) -> bool {
        matches!(&self.decision, Some(UnmaskDecision {
            outcome: UnmaskOutcome::Approved,
            expires_at: Some(expires_at),
            ..
        }) if now < *expires_at)
    }
}

fn validate_text(field: &'static str, value: &str, max: usize) -> Result<(), StoreError> {
    let problem = if value.trim().is_empty() {
        "is empty"
    } else if value.len() > max {
        "is too long"
    } else if value.chars().any(|c| c.is_control() && c != '\n') {
        "contains control characters"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidInput {
        field,
        problem: problem.into(),
    })
}

type SqliteRequestRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);
type PgRequestRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    OffsetDateTime,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

const SQLITE_REQUEST_COLUMNS: &str = "SELECT r.id, r.traveller_id, r.requested_by, r.purpose, \
     r.legal_category, r.justification, r.requested_at_us, d.approver_id, d.outcome, d.reason, \
     d.decided_at_us, d.expires_at_us FROM unmask_request r LEFT JOIN unmask_decision d ON d.request_id = r.id";
const PG_REQUEST_COLUMNS: &str = "SELECT r.id, r.traveller_id, r.requested_by, r.purpose, \
     r.legal_category, r.justification, r.requested_at, d.approver_id, d.outcome, d.reason, \
     d.decided_at, d.expires_at FROM unmask_request r LEFT JOIN unmask_decision d ON d.request_id = r.id";

fn request_from(row: PgRequestRow) -> Result<UnmaskRequest, StoreError> {
    let (
        id,
        traveller,
        by,
        purpose,
        category,
        justification,
        at,
        approver,
        outcome,
        reason,
        decided,
        expires,
    ) = row;
    let decision = match (approver, outcome, reason, decided) {
        (Some(approver), Some(outcome), Some(reason), Some(decided_at)) => Some(UnmaskDecision {
            approver_id: ApproverId(approver),
            outcome: UnmaskOutcome::from_stored(&outcome)?,
            reason,
            decided_at,
            expires_at: expires,
        }),
        _ => None,
    };
    Ok(UnmaskRequest {
        id: UnmaskRequestId(id),
        traveller_id: TravellerId::new(traveller),
        requested_by: UserId::new(by),
        purpose,
        legal_category: category,
        justification,
        requested_at: at,
        decision,
    })
}

fn request_from_sqlite(row: SqliteRequestRow) -> Result<UnmaskRequest, StoreError> {
    let (
        id,
        traveller,
        by,
        purpose,
        category,
        justification,
        at,
        approver,
        outcome,
        reason,
        decided,
        expires,
    ) = row;
    request_from((
        id,
        traveller,
        by,
        purpose,
        category,
        justification,
        from_unix_micros(at)?,
        approver,
        outcome,
        reason,
        decided.map(from_unix_micros).transpose()?,
        expires.map(from_unix_micros).transpose()?,
    ))
}

impl Store {
    /// Creates an approver; a name or token already taken is [`StoreError::AlreadyExists`].
    pub async fn create_approver(&self, approver: &NewApprover) -> Result<ApproverId, StoreError> {
        validate_text("approver name", &approver.name, 128)?;
        validate_text("approver authority", &approver.authority, 256)?;
        let at = to_storage_precision(approver.created_at)?;
        let id: i64 = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_scalar(
                "INSERT INTO approver (name, authority, token_sha256, created_at_us) VALUES (?1, ?2, ?3, ?4) \
                 RETURNING id",
            )
            .bind(&approver.name)
            .bind(&approver.authority)
            .bind(&approver.token_sha256.as_bytes()[..])
            .bind(unix_micros(at)?)
            .fetch_one(backend.pool())
            .await,
            Backend::Postgres(backend) => sqlx::query_scalar(
                "INSERT INTO approver (name, authority, token_sha256, created_at) VALUES ($1, $2, $3, $4) \
                 RETURNING id",
            )
            .bind(&approver.name)
            .bind(&approver.authority)
            .bind(&approver.token_sha256.as_bytes()[..])
            .bind(at)
            .fetch_one(backend.pool())
            .await,
        }
        .map_err(unique_or_database(
            "an approver with this name or token",
            "insert approver",
        ))?;
        Ok(ApproverId(id))
    }

    /// The approver holding the token whose SHA-256 is `token_sha256` (disabled ones included).
    pub async fn approver_by_token(
        &self,
        token_sha256: &ContentHash,
    ) -> Result<Option<Approver>, StoreError> {
        let digest = &token_sha256.as_bytes()[..];
        match &self.backend {
            Backend::Sqlite(backend) => {
                let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, authority, created_at_us, disabled FROM approver WHERE token_sha256 = ?1",
                )
                .bind(digest)
                .fetch_optional(backend.pool())
                .await
                .map_err(StoreError::database("find approver by token"))?;
                row.map(|(id, name, authority, created, disabled)| {
                    Ok(Approver {
                        id: ApproverId(id),
                        name,
                        authority,
                        created_at: from_unix_micros(created)?,
                        disabled: disabled != 0,
                    })
                })
                .transpose()
            }
            Backend::Postgres(backend) => {
                let row: Option<(i64, String, String, OffsetDateTime, bool)> = sqlx::query_as(
                    "SELECT id, name, authority, created_at, disabled FROM approver WHERE token_sha256 = $1",
                )
                .bind(digest)
                .fetch_optional(backend.pool())
                .await
                .map_err(StoreError::database("find approver by token"))?;
                Ok(
                    row.map(|(id, name, authority, created_at, disabled)| Approver {
                        id: ApproverId(id),
                        name,
                        authority,
                        created_at,
                        disabled,
                    }),
                )
            }
        }
    }

    /// Every approver, by id (disabled ones included; never a token).
    pub async fn approvers(&self) -> Result<Vec<Approver>, StoreError> {
        match &self.backend {
            Backend::Sqlite(backend) => {
                let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, authority, created_at_us, disabled FROM approver ORDER BY id",
                )
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("list approvers"))?;
                rows.into_iter()
                    .map(|(id, name, authority, created, disabled)| {
                        Ok(Approver {
                            id: ApproverId(id),
                            name,
                            authority,
                            created_at: from_unix_micros(created)?,
                            disabled: disabled != 0,
                        })
                    })
                    .collect()
            }
            Backend::Postgres(backend) => {
                let rows: Vec<(i64, String, String, OffsetDateTime, bool)> = sqlx::query_as(
                    "SELECT id, name, authority, created_at, disabled FROM approver ORDER BY id",
                )
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("list approvers"))?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, authority, created_at, disabled)| Approver {
                        id: ApproverId(id),
                        name,
                        authority,
                        created_at,
                        disabled,
                    })
                    .collect())
            }
        }
    }

    /// Records an analyst's unmask request.
    pub async fn create_unmask_request(
        &self,
        request: &NewUnmaskRequest,
    ) -> Result<UnmaskRequestId, StoreError> {
        validate_text("purpose", &request.purpose, 64)?;
        validate_text("legal category", &request.legal_category, 64)?;
        validate_text("justification", &request.justification, MAX_UNMASK_TEXT_LEN)?;
        let at = to_storage_precision(request.requested_at)?;
        let id: i64 = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_scalar(
                "INSERT INTO unmask_request (traveller_id, requested_by, purpose, legal_category, justification, \
                 requested_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            )
            .bind(request.traveller_id.get())
            .bind(request.requested_by.get())
            .bind(&request.purpose)
            .bind(&request.legal_category)
            .bind(&request.justification)
            .bind(unix_micros(at)?)
            .fetch_one(backend.pool())
            .await,
            Backend::Postgres(backend) => sqlx::query_scalar(
                "INSERT INTO unmask_request (traveller_id, requested_by, purpose, legal_category, justification, \
                 requested_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(request.traveller_id.get())
            .bind(request.requested_by.get())
            .bind(&request.purpose)
            .bind(&request.legal_category)
            .bind(&request.justification)
            .bind(at)
            .fetch_one(backend.pool())
            .await,
        }
        .map_err(StoreError::database("insert unmask request"))?;
        Ok(UnmaskRequestId(id))
    }

    /// Records the one decision on a request. A second decision is [`StoreError::AlreadyExists`]; an
    /// unknown request [`StoreError::AccountNotFound`]-like `UnmaskRequestNotFound`.
    pub async fn decide_unmask_request(
        &self,
        id: UnmaskRequestId,
        decision: &NewUnmaskDecision,
    ) -> Result<(), StoreError> {
        validate_text("reason", &decision.reason, MAX_UNMASK_TEXT_LEN)?;
        if self.unmask_request(id).await?.is_none() {
            return Err(StoreError::UnmaskRequestNotFound(id));
        }
        let decided = to_storage_precision(decision.decided_at)?;
        let expires = decision.expires_at.map(to_storage_precision).transpose()?;
        match &self.backend {
            Backend::Sqlite(backend) => sqlx::query(
                "INSERT INTO unmask_decision (request_id, approver_id, outcome, reason, decided_at_us, expires_at_us) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(id.get())
            .bind(decision.approver_id.get())
            .bind(decision.outcome.as_str())
            .bind(&decision.reason)
            .bind(unix_micros(decided)?)
            .bind(expires.map(unix_micros).transpose()?)
            .execute(backend.pool())
            .await
            .map(|r| r.rows_affected()),
            Backend::Postgres(backend) => sqlx::query(
                "INSERT INTO unmask_decision (request_id, approver_id, outcome, reason, decided_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.get())
            .bind(decision.approver_id.get())
            .bind(decision.outcome.as_str())
            .bind(&decision.reason)
            .bind(decided)
            .bind(expires)
            .execute(backend.pool())
            .await
            .map(|r| r.rows_affected()),
        }
        .map_err(unique_or_database(
            "a decision on this request",
            "insert unmask decision",
        ))?;
        Ok(())
    }

    pub async fn unmask_request(
        &self,
        id: UnmaskRequestId,
    ) -> Result<Option<UnmaskRequest>, StoreError> {
        match &self.backend {
            Backend::Sqlite(backend) => {
                let row: Option<SqliteRequestRow> =
                    sqlx::query_as(&format!("{SQLITE_REQUEST_COLUMNS} WHERE r.id = ?1"))
                        .bind(id.get())
                        .fetch_optional(backend.pool())
                        .await
                        .map_err(StoreError::database("read unmask request"))?;
                row.map(request_from_sqlite).transpose()
            }
            Backend::Postgres(backend) => {
                let row: Option<PgRequestRow> =
                    sqlx::query_as(&format!("{PG_REQUEST_COLUMNS} WHERE r.id = $1"))
                        .bind(id.get())
                        .fetch_optional(backend.pool())
                        .await
                        .map_err(StoreError::database("read unmask request"))?;
                row.map(request_from).transpose()
            }
        }
    }

    /// Requests (of one traveller, or all), newest first, before `before`.
    pub async fn unmask_requests(
        &self,
        traveller: Option<TravellerId>,
        before: Option<UnmaskRequestId>,
        limit: u32,
    ) -> Result<Vec<UnmaskRequest>, StoreError> {
        crate::raw::validate_page_size(limit)?;
        let traveller = traveller.map(TravellerId::get);
        let before = before.map_or(i64::MAX, UnmaskRequestId::get);
        match &self.backend {
            Backend::Sqlite(backend) => {
                let rows: Vec<SqliteRequestRow> = sqlx::query_as(&format!(
                    "{SQLITE_REQUEST_COLUMNS} WHERE r.id < ?1 AND (?2 IS NULL OR r.traveller_id = ?2) \
                     ORDER BY r.id DESC LIMIT ?3"
                ))
                .bind(before)
                .bind(traveller)
                .bind(i64::from(limit))
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("list unmask requests"))?;
                rows.into_iter().map(request_from_sqlite).collect()
            }
            Backend::Postgres(backend) => {
                let rows: Vec<PgRequestRow> = sqlx::query_as(&format!(
                    "{PG_REQUEST_COLUMNS} WHERE r.id < $1 AND ($2::bigint IS NULL OR r.traveller_id = $2) \
                     ORDER BY r.id DESC LIMIT $3"
                ))
                .bind(before)
                .bind(traveller)
                .bind(i64::from(limit))
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("list unmask requests"))?;
                rows.into_iter().map(request_from).collect()
            }
        }
    }
}
