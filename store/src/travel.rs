//! Travel data derived from raw messages: flights, travellers with every version of their data, alerts and
//! the officers' decisions on them.
//!
//! - A **flight** is identified by carrier, number, local departure date and departure airport;
//!   [`crate::Store::upsert_flight`] returns the same [`FlightId`] for it every time.
//! - A **traveller** is one identity (a key the pipeline computes) on one flight. Each message that names the
//!   traveller with different data adds a **version**; the version in force is the one from the latest
//!   received message. Recording the same traveller from the same message again changes nothing, and an
//!   identical record from a later message adds no version.
//! - An **alert** is one (traveller, list, entry) pair, updated in place. A pair an officer dismissed stays
//!   dismissed while the traveller data it was computed on (its fingerprint) is unchanged.
//! - **Decisions** are append-only (triggers refuse `UPDATE` and `DELETE`) and written in the same
//!   transaction as the alert status they set.
//!
//! Traveller records and explanations are JSON values chosen by the pipeline; the store only requires a
//! traveller record to be a JSON object, whose top-level fields are what "changed fields" name.

use std::fmt;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::StoreError;
use crate::raw::{validate_page_size, MessageId};
use crate::stored_time::to_storage_precision;
use crate::watchlist_version::WatchlistVersionId;
use crate::Backend;

/// Longest carrier, flight number, airport, list name, entry id, identity key or user name accepted, in bytes.
pub const MAX_KEY_LEN: usize = 256;
/// Travellers recorded per transaction by [`crate::Store::record_travellers`].
pub const RECORD_BATCH: usize = 1_000;
/// Longest decision reason accepted, in bytes.
pub const MAX_DECISION_REASON_LEN: usize = 4 * 1024;

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            pub fn new(id: i64) -> $name {
                $name(id)
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

row_id!(
    /// Row id of a flight; stable for its natural key.
    FlightId
);
row_id!(
    /// Row id of a traveller identity on a flight.
    TravellerId
);
row_id!(
    /// Row id of one traveller version: global and increasing, the history index's watermark.
    TravellerVersionId
);
row_id!(
    /// Row id of an alert.
    AlertId
);

/// A flight as a message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlight {
    pub carrier: String,
    pub number: String,
    /// Local departure date, `YYYY-MM-DD`.
    pub departure_date: String,
    pub departure_airport: String,
    pub arrival_airport: Option<String>,
    /// Scheduled local departure as sent (`YYYY-MM-DDTHH:MM`, or the date alone).
    pub departure_local: Option<String>,
    pub departure_utc: Option<OffsetDateTime>,
    pub arrival_local: Option<String>,
    pub arrival_utc: Option<OffsetDateTime>,
    /// The UTC departure when known, else the local time read as UTC (at most 14 h off): what
    /// [`crate::Store::travellers_departing_between`] and flight listings order and filter on.
    pub departure_approx_utc: OffsetDateTime,
}

impl NewFlight {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        for (field, value) in [
            ("flight carrier", &self.carrier),
            ("flight number", &self.number),
            ("departure airport", &self.departure_airport),
        ] {
            validate_key(field, value)?;
        }
        validate_date("departure date", &self.departure_date)?;
        for (field, value) in [
            ("arrival airport", &self.arrival_airport),
            ("departure local time", &self.departure_local),
            ("arrival local time", &self.arrival_local),
        ] {
            if let Some(value) = value {
                validate_key(field, value)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub id: FlightId,
    pub carrier: String,
    pub number: String,
    pub departure_date: String,
    pub departure_airport: String,
    pub arrival_airport: Option<String>,
    pub departure_local: Option<String>,
    pub departure_utc: Option<OffsetDateTime>,
    pub arrival_local: Option<String>,
    pub arrival_utc: Option<OffsetDateTime>,
    pub departure_approx_utc: OffsetDateTime,
}

/// Which message type a traveller version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Paxlst,
    Pnrgov,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Paxlst => "PAXLST",
            MessageKind::Pnrgov => "PNRGOV",
        }
    }

    pub(crate) fn from_stored(stored: &str) -> Result<MessageKind, StoreError> {
        match stored {
            "PAXLST" => Ok(MessageKind::Paxlst),
            "PNRGOV" => Ok(MessageKind::Pnrgov),
            other => Err(StoreError::CorruptRow {
                what: format!("unknown message kind {other:?}"),
            }),
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One traveller as one message states it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTravellerVersion {
    pub flight_id: FlightId,
    /// The pipeline's identity of the traveller on the flight (unique per flight).
    pub identity_key: String,
    /// The normalised traveller record: a JSON object.
    pub record: Value,
    pub message_id: MessageId,
    pub message_kind: MessageKind,
    pub received_at: OffsetDateTime,
}

impl NewTravellerVersion {
    pub(crate) fn validate(&self) -> Result<&Map<String, Value>, StoreError> {
        validate_key("identity key", &self.identity_key)?;
        self.record.as_object().ok_or(StoreError::InvalidInput {
            field: "traveller record",
            problem: "is not a JSON object".into(),
        })
    }
}

/// What recording a traveller version did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionOutcome {
    /// The traveller was not on the flight before; this is version 1.
    New,
    /// A new version that is now current; these top-level fields differ from the previous one.
    Changed { fields: Vec<String> },
    /// The record is identical to the current version: nothing written.
    Unchanged,
    /// This message was already recorded for this traveller: nothing written.
    AlreadyRecorded,
    /// Stored, but a message received later is already current, so this version is not.
    Outdated,
}

/// The answer to [`crate::Store::record_traveller`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedTraveller {
    pub traveller_id: TravellerId,
    /// The version this message's data is in (for `Unchanged`, the identical current one).
    pub version_id: TravellerVersionId,
    pub version: u32,
    pub outcome: VersionOutcome,
}

impl RecordedTraveller {
    /// Whether the recorded data is the current version (so screening it is worthwhile).
    pub fn is_current(&self) -> bool {
        !matches!(self.outcome, VersionOutcome::Outdated)
    }
}

/// One stored version of a traveller.
#[derive(Debug, Clone, PartialEq)]
pub struct TravellerVersion {
    pub id: TravellerVersionId,
    pub traveller_id: TravellerId,
    pub flight_id: FlightId,
    pub identity_key: String,
    pub version: u32,
    pub message_id: MessageId,
    pub message_kind: MessageKind,
    pub received_at: OffsetDateTime,
    pub record: Value,
    pub changed_fields: Vec<String>,
}

/// A traveller with all its versions, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct TravellerHistory {
    pub traveller_id: TravellerId,
    pub flight: Flight,
    pub identity_key: String,
    pub current_version_id: Option<TravellerVersionId>,
    pub versions: Vec<TravellerVersion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    Open,
    /// Referred to a supervisor by an officer; still open (in the queue, marked).
    Escalated,
    Confirmed,
    Dismissed,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Escalated => "escalated",
            AlertStatus::Confirmed => "confirmed",
            AlertStatus::Dismissed => "dismissed",
        }
    }

    pub fn from_name(name: &str) -> Option<AlertStatus> {
        match name {
            "open" => Some(AlertStatus::Open),
            "escalated" => Some(AlertStatus::Escalated),
            "confirmed" => Some(AlertStatus::Confirmed),
            "dismissed" => Some(AlertStatus::Dismissed),
            _ => None,
        }
    }

    pub(crate) fn from_stored(stored: &str) -> Result<AlertStatus, StoreError> {
        AlertStatus::from_name(stored).ok_or_else(|| StoreError::CorruptRow {
            what: format!("unknown alert status {stored:?}"),
        })
    }
}

impl fmt::Display for AlertStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scored (traveller, list entry) pair at or above the alert threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub traveller_id: TravellerId,
    /// The traveller version the score was computed on.
    pub traveller_version_id: TravellerVersionId,
    pub list_name: String,
    pub entry_id: String,
    pub watchlist_version_id: Option<WatchlistVersionId>,
    pub score: f64,
    pub explanation: Value,
    /// Hash of the traveller data screening used; a dismissal holds while it is unchanged.
    pub fingerprint: String,
    /// Recorded on the alert when a dismissed pair re-opens because the fingerprint changed.
    pub reopen_reason: String,
    pub at: OffsetDateTime,
}

impl NewAlert {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        validate_key("list name", &self.list_name)?;
        validate_key("watchlist entry id", &self.entry_id)?;
        validate_key("alert fingerprint", &self.fingerprint)?;
        validate_text(
            "re-open reason",
            &self.reopen_reason,
            MAX_DECISION_REASON_LEN,
        )?;
        if !self.score.is_finite() {
            return Err(StoreError::InvalidInput {
                field: "alert score",
                problem: "is not a finite number".into(),
            });
        }
        Ok(())
    }
}

/// What [`crate::Store::upsert_alert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertOutcome {
    /// A new alert, open.
    Raised,
    /// An existing alert got a new score, explanation or fingerprint.
    Updated,
    /// A dismissed alert whose traveller data changed: open again, with the reason recorded.
    Reopened,
    /// Same data, same score: nothing changed (beyond the version it was computed on).
    Unchanged,
    /// Dismissed by an officer, and the traveller data is the same: stays dismissed.
    Suppressed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertedAlert {
    pub id: AlertId,
    pub outcome: AlertOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: AlertId,
    pub traveller_id: TravellerId,
    pub flight_id: FlightId,
    pub list_name: String,
    pub entry_id: String,
    pub watchlist_version_id: Option<WatchlistVersionId>,
    pub score: f64,
    pub explanation: Value,
    pub status: AlertStatus,
    pub fingerprint: String,
    pub traveller_version_id: TravellerVersionId,
    pub first_raised_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub reopen_reason: Option<String>,
    /// The officer (user name) working on the alert, if any.
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionOutcome {
    Confirm,
    Dismiss,
    /// Refer to a supervisor: the alert stays open, marked `escalated`.
    Escalate,
}

impl DecisionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Confirm => "confirm",
            DecisionOutcome::Dismiss => "dismiss",
            DecisionOutcome::Escalate => "escalate",
        }
    }

    pub(crate) fn from_stored(stored: &str) -> Result<DecisionOutcome, StoreError> {
        match stored {
            "confirm" => Ok(DecisionOutcome::Confirm),
            "dismiss" => Ok(DecisionOutcome::Dismiss),
            "escalate" => Ok(DecisionOutcome::Escalate),
            other => Err(StoreError::CorruptRow {
                what: format!("unknown decision outcome {other:?}"),
            }),
        }
    }

    pub(crate) fn status(self) -> AlertStatus {
        match self {
            DecisionOutcome::Confirm => AlertStatus::Confirmed,
            DecisionOutcome::Dismiss => AlertStatus::Dismissed,
            DecisionOutcome::Escalate => AlertStatus::Escalated,
        }
    }
}

/// An officer's decision on an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub decided_by: String,
    pub outcome: DecisionOutcome,
    /// Required: why.
    pub reason: String,
    pub at: OffsetDateTime,
}

impl NewDecision {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        validate_key("decided by", &self.decided_by)?;
        validate_text("decision reason", &self.reason, MAX_DECISION_REASON_LEN)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub alert_id: AlertId,
    pub decided_by: String,
    pub outcome: DecisionOutcome,
    pub reason: String,
    pub decided_at: OffsetDateTime,
    /// The alert's fingerprint when the decision was taken.
    pub fingerprint: String,
}

/// One alert with what an officer needs to decide on it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertDetail {
    pub alert: Alert,
    pub flight: Flight,
    /// The traveller's current version.
    pub traveller: TravellerVersion,
    /// Oldest first.
    pub decisions: Vec<Decision>,
}

/// Alerts newest first, filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertQuery {
    pub status: Option<AlertStatus>,
    pub flight: Option<FlightId>,
    /// Only alerts with a smaller id (the last id of the previous page).
    pub before: Option<AlertId>,
    /// 1..=[`crate::MAX_PAGE_SIZE`].
    pub limit: u32,
}

/// Flights by id, filtered by carrier and local departure date range (inclusive, `YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightQuery {
    pub carrier: Option<String>,
    pub departure_from: Option<String>,
    pub departure_until: Option<String>,
    /// Only flights with a larger id (the last id of the previous page).
    pub after: Option<FlightId>,
    pub limit: u32,
}

impl FlightQuery {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        for (field, value) in [
            ("departure from", &self.departure_from),
            ("departure until", &self.departure_until),
        ] {
            if let Some(value) = value {
                validate_date(field, value)?;
            }
        }
        Ok(())
    }
}

impl crate::Store {
    /// Stores a flight, or finds it by its natural key (carrier, number, departure date, departure airport)
    /// and fills in what earlier messages left out. Always the same id for the same key.
    pub async fn upsert_flight(&self, flight: &NewFlight) -> Result<FlightId, StoreError> {
        flight.validate()?;
        let flight = NewFlight {
            departure_utc: flight.departure_utc.map(to_storage_precision).transpose()?,
            arrival_utc: flight.arrival_utc.map(to_storage_precision).transpose()?,
            departure_approx_utc: to_storage_precision(flight.departure_approx_utc)?,
            ..flight.clone()
        };
        on_backend!(self, backend => backend.upsert_flight(&flight).await)
    }

    pub async fn flight(&self, id: FlightId) -> Result<Option<Flight>, StoreError> {
        on_backend!(self, backend => backend.flight(id).await)
    }

    /// Flights by id, filtered by carrier and local departure dates.
    pub async fn list_flights(&self, query: &FlightQuery) -> Result<Vec<Flight>, StoreError> {
        validate_page_size(query.limit)?;
        query.validate()?;
        on_backend!(self, backend => backend.list_flights(query).await)
    }

    /// Records one traveller as one message states it: a new version when the data differs from the current
    /// version, nothing when it is identical or this message was recorded already. The version from the
    /// latest received message (ties: the higher message id) is current.
    pub async fn record_traveller(
        &self,
        new: &NewTravellerVersion,
    ) -> Result<RecordedTraveller, StoreError> {
        let mut recorded = self.record_travellers(std::slice::from_ref(new)).await?;
        recorded.pop().unwrap_or(Err(StoreError::InvalidInput {
            field: "traveller",
            problem: "nothing recorded".into(),
        }))
    }

    /// Records the travellers of one message (see [`Self::record_traveller`]) in one transaction per
    /// [`RECORD_BATCH`]: one answer per traveller, in order. A traveller with invalid data gets its
    /// [`StoreError::InvalidInput`] and the others are recorded; a database failure fails the call.
    pub async fn record_travellers(
        &self,
        news: &[NewTravellerVersion],
    ) -> Result<Vec<Result<RecordedTraveller, StoreError>>, StoreError> {
        let mut answers: Vec<Option<Result<RecordedTraveller, StoreError>>> =
            Vec::with_capacity(news.len());
        let mut valid = Vec::with_capacity(news.len());
        for (position, new) in news.iter().enumerate() {
            match new.validate() {
                Ok(record) => {
                    let new = NewTravellerVersion {
                        received_at: to_storage_precision(new.received_at)?,
                        ..new.clone()
                    };
                    valid.push((position, new, record));
                    answers.push(None);
                }
                Err(err) => answers.push(Some(Err(err))),
            }
        }
        for batch in valid.chunks(RECORD_BATCH) {
            let items: Vec<(&NewTravellerVersion, &Map<String, Value>)> = batch
                .iter()
                .map(|(_, new, record)| (new, *record))
                .collect();
            let recorded = on_backend!(self, backend => backend.record_travellers(&items).await)?;
            for ((position, _, _), answer) in batch.iter().zip(recorded) {
                if let Some(slot) = answers.get_mut(*position) {
                    *slot = Some(Ok(answer));
                }
            }
        }
        Ok(answers
            .into_iter()
            .map(|answer| {
                answer.unwrap_or(Err(StoreError::CorruptRow {
                    what: "a traveller got no answer from its batch".into(),
                }))
            })
            .collect())
    }

    pub async fn traveller_version(
        &self,
        id: TravellerVersionId,
    ) -> Result<Option<TravellerVersion>, StoreError> {
        on_backend!(self, backend => backend.traveller_version(id).await)
    }

    /// The version in force for a traveller.
    pub async fn current_traveller_version(
        &self,
        id: TravellerId,
    ) -> Result<Option<TravellerVersion>, StoreError> {
        let Some((_, _, Some(current))) =
            on_backend!(self, backend => backend.traveller_row(id).await)?
        else {
            return Ok(None);
        };
        self.traveller_version(current).await
    }

    /// A traveller with its flight and every version, oldest first.
    pub async fn traveller(&self, id: TravellerId) -> Result<Option<TravellerHistory>, StoreError> {
        let Some((flight_id, identity_key, current_version_id)) =
            on_backend!(self, backend => backend.traveller_row(id).await)?
        else {
            return Ok(None);
        };
        let flight = self
            .flight(flight_id)
            .await?
            .ok_or(StoreError::FlightNotFound(flight_id))?;
        let versions = on_backend!(self, backend => backend.traveller_versions(id).await)?;
        Ok(Some(TravellerHistory {
            traveller_id: id,
            flight,
            identity_key,
            current_version_id,
            versions,
        }))
    }

    /// The current version of every traveller on a flight, in the order they were first recorded.
    pub async fn flight_manifest(
        &self,
        flight: FlightId,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        on_backend!(self, backend => backend.flight_manifest(flight).await)
    }

    /// Current versions of travellers on flights whose (approximate UTC) departure is in `[from, until)`,
    /// by traveller id after `after`: what re-screening after a new list version reads.
    pub async fn travellers_departing_between(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        after: Option<TravellerId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        validate_page_size(limit)?;
        let (from, until) = (to_storage_precision(from)?, to_storage_precision(until)?);
        on_backend!(self, backend => backend.travellers_departing_between(from, until, after, limit).await)
    }

    /// Current traveller versions with an id above `after`, by id: how the history index catches up.
    pub async fn current_traveller_versions_after(
        &self,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        validate_page_size(limit)?;
        on_backend!(self, backend => backend.current_versions_after(after, limit).await)
    }

    /// For each traveller and feed (API, PNR), its newest version (latest received, as "current" is), when
    /// that has an id above `after`, by id: how the history index catches up. A traveller sent in both
    /// feeds has two: law-enforcement views may use only the PNR one (privacy.md API-4), and an API check-in
    /// must not hide the booking's contacts, locators and payment from the history search.
    pub async fn newest_traveller_versions_per_feed_after(
        &self,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        validate_page_size(limit)?;
        on_backend!(self, backend => backend.newest_versions_per_feed_after(after, limit).await)
    }

    /// The newest version (latest received) of each feed (API, PNR) a traveller has, by id.
    pub async fn newest_traveller_versions_per_feed(
        &self,
        id: TravellerId,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let versions = on_backend!(self, backend => backend.traveller_versions(id).await)?;
        let mut newest: Vec<TravellerVersion> = Vec::new();
        for version in versions {
            match newest
                .iter_mut()
                .find(|kept| kept.message_kind == version.message_kind)
            {
                Some(kept)
                    if (kept.received_at, kept.message_id.get())
                        < (version.received_at, version.message_id.get()) =>
                {
                    *kept = version
                }
                Some(_) => {}
                None => newest.push(version),
            }
        }
        newest.sort_by_key(|version| version.id.get());
        Ok(newest)
    }

    /// Raises, updates or leaves an alert for one (traveller, list, entry) pair, in one transaction. A pair an
    /// officer dismissed stays dismissed ([`AlertOutcome::Suppressed`]) unless the fingerprint changed, in
    /// which case it opens again with `reopen_reason` recorded.
    pub async fn upsert_alert(&self, alert: &NewAlert) -> Result<UpsertedAlert, StoreError> {
        alert.validate()?;
        let alert = NewAlert {
            at: to_storage_precision(alert.at)?,
            ..alert.clone()
        };
        on_backend!(self, backend => backend.upsert_alert(&alert).await)
    }

    /// Records an officer's decision and sets the alert's status, in one transaction; returns the alert as
    /// it is now.
    pub async fn decide_alert(
        &self,
        id: AlertId,
        decision: &NewDecision,
    ) -> Result<Alert, StoreError> {
        decision.validate()?;
        let decision = NewDecision {
            at: to_storage_precision(decision.at)?,
            ..decision.clone()
        };
        if !on_backend!(self, backend => backend.decide_alert(id, &decision).await)? {
            return Err(StoreError::AlertNotFound(id));
        }
        self.alert(id).await?.ok_or(StoreError::AlertNotFound(id))
    }

    pub async fn alert(&self, id: AlertId) -> Result<Option<Alert>, StoreError> {
        on_backend!(self, backend => backend.alert(id).await)
    }

    /// One alert with its flight, the traveller's current version and every decision taken on it.
    pub async fn alert_detail(&self, id: AlertId) -> Result<Option<AlertDetail>, StoreError> {
        let Some(alert) = self.alert(id).await? else {
            return Ok(None);
        };
        let flight = self
            .flight(alert.flight_id)
            .await?
            .ok_or(StoreError::FlightNotFound(alert.flight_id))?;
        let traveller = self
            .current_traveller_version(alert.traveller_id)
            .await?
            .ok_or(StoreError::TravellerNotFound(alert.traveller_id))?;
        let decisions = on_backend!(self, backend => backend.decisions(id).await)?;
        Ok(Some(AlertDetail {
            alert,
            flight,
            traveller,
            decisions,
        }))
    }

    /// Alerts newest first.
    pub async fn list_alerts(&self, query: &AlertQuery) -> Result<Vec<Alert>, StoreError> {
        validate_page_size(query.limit)?;
        on_backend!(self, backend => backend.list_alerts(query).await)
    }

    /// Every alert of one traveller, oldest first.
    pub async fn alerts_of_traveller(&self, id: TravellerId) -> Result<Vec<Alert>, StoreError> {
        on_backend!(self, backend => backend.alerts_of_traveller(id).await)
    }
}

pub(crate) fn validate_key(field: &'static str, value: &str) -> Result<(), StoreError> {
    validate_text(field, value, MAX_KEY_LEN)
}

pub(crate) fn validate_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), StoreError> {
    // PostgreSQL text cannot hold NUL; no identifier or reason needs control characters.
    let unprintable = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if value.is_empty() || value.len() > max || value.chars().any(unprintable) {
        return Err(StoreError::InvalidInput {
            field,
            problem: format!("must be 1..={max} bytes without control characters"),
        });
    }
    Ok(())
}

fn validate_date(field: &'static str, value: &str) -> Result<(), StoreError> {
    let bytes = value.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shape_ok {
        Ok(())
    } else {
        Err(StoreError::InvalidInput {
            field,
            problem: "is not YYYY-MM-DD".into(),
        })
    }
}

/// Top-level fields whose values differ between two records (present in one only counts), sorted.
pub(crate) fn changed_fields(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Vec<String> {
    let mut fields: Vec<String> = before
        .iter()
        .filter(|(key, value)| after.get(*key) != Some(value))
        .map(|(key, _)| key.clone())
        .chain(
            after
                .keys()
                .filter(|key| !before.contains_key(*key))
                .cloned(),
        )
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

pub(crate) fn encode_json(value: &Value, what: &'static str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| StoreError::InvalidInput {
        field: what,
        problem: "cannot be encoded as JSON".into(),
    })
}

pub(crate) fn decode_json(json: &str, what: &str) -> Result<Value, StoreError> {
    serde_json::from_str(json).map_err(|err| StoreError::CorruptRow {
        // Position and category only: serde's message can quote the value, which may be personal data.
        what: format!(
            "a stored {what} does not decode ({:?} error at line {}, column {})",
            err.classify(),
            err.line(),
            err.column()
        ),
    })
}

pub(crate) fn decode_fields(json: &str) -> Result<Vec<String>, StoreError> {
    match decode_json(json, "changed-field list")? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(field) => Ok(field),
                _ => Err(StoreError::CorruptRow {
                    what: "a changed-field list holds a non-string".into(),
                }),
            })
            .collect(),
        _ => Err(StoreError::CorruptRow {
            what: "a changed-field list is not an array".into(),
        }),
    }
}

pub(crate) fn version_number(stored: i64) -> Result<u32, StoreError> {
    u32::try_from(stored).map_err(|_| StoreError::CorruptRow {
        what: format!("traveller version number is {stored}"),
    })
}

/// What an upsert of an existing alert should do, decided the same way on both backends.
pub(crate) fn decide_upsert(
    status: AlertStatus,
    stored_fingerprint: &str,
    stored_score: f64,
    stored_explanation: &str,
    alert: &NewAlert,
    explanation_json: &str,
) -> AlertOutcome {
    let same_data = stored_fingerprint == alert.fingerprint;
    match status {
        AlertStatus::Dismissed if same_data => AlertOutcome::Suppressed,
        AlertStatus::Dismissed => AlertOutcome::Reopened,
        _ if same_data && stored_score == alert.score && stored_explanation == explanation_json => {
            AlertOutcome::Unchanged
        }
        _ => AlertOutcome::Updated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_fields_name_differences_additions_and_removals() {
        let before = json!({"seat": "12A", "surname": "X", "bags": 1});
        let after = json!({"seat": "14C", "surname": "X", "emails": ["a@b"]});
        let fields = changed_fields(before.as_object().unwrap(), after.as_object().unwrap());
        assert_eq!(fields, ["bags", "emails", "seat"]);
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(validate_date("d", "2026-06-15").is_ok());
        assert!(validate_date("d", "2026-6-15").is_err());
        assert!(validate_date("d", "15.06.2026").is_err());
    }

    #[test]
    fn a_dismissed_pair_reopens_only_on_new_data() {
        let alert = NewAlert {
            traveller_id: TravellerId::new(1),
            traveller_version_id: TravellerVersionId::new(1),
            list_name: "UN".into(),
            entry_id: "e1".into(),
            watchlist_version_id: None,
            score: 0.95,
            explanation: json!({}),
            fingerprint: "f1".into(),
            reopen_reason: "data changed".into(),
            at: OffsetDateTime::UNIX_EPOCH,
        };
        let decide =
            |status, fingerprint| decide_upsert(status, fingerprint, 0.95, "{}", &alert, "{}");
        assert_eq!(
            decide(AlertStatus::Dismissed, "f1"),
            AlertOutcome::Suppressed
        );
        assert_eq!(decide(AlertStatus::Dismissed, "f0"), AlertOutcome::Reopened);
        assert_eq!(decide(AlertStatus::Open, "f1"), AlertOutcome::Unchanged);
        assert_eq!(decide(AlertStatus::Confirmed, "f0"), AlertOutcome::Updated);
    }
}
