//! [`Pipeline`]: one stored message → flights, traveller versions, screening, alerts, then `parsed`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ingest::reading::{self, ReadError};
use matcher::MatchPolicy;
use privacy::{AdmissionPolicy, Clock, ComparisonSources, Refusal, SystemClock};
use store::{
    AlertOutcome, ErrorClass, FlightStatusReport, ListCountReport, MessageId, NewTravellerVersion,
    Quarantine, StateKind, Store, StoreError, ThresholdSetting, TravellerVersion, VersionOutcome,
    WatchlistVersionId,
};
use time::OffsetDateTime;

use crate::admission::{self, RefusalLog};
use crate::airport::LOCAL_TIME_SLACK;
use crate::error::PipelineError;
use crate::identity::{document_part, name_part};
use crate::lists::{self, Lists};
use crate::mapping::{map_reading, MappedMessage};
use crate::record::TravellerRecord;
use crate::screening::{screen, ScreeningSubject};
use crate::stats::{Counter, PipelineStats, StatsSnapshot};

/// Messages listed per page when walking the `received` or `quarantined` state.
const STATE_PAGE: u32 = 500;
/// Travellers read per page when re-screening.
const RESCREEN_PAGE: u32 = 1_000;
/// Flights that departed up to this long ago may still be in the air (the longest scheduled flights).
const LONGEST_FLIGHT: time::Duration = time::Duration::hours(20);

/// What processing one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessOutcome {
    Parsed(ParsedCounts),
    Quarantined {
        error_class: String,
    },
    /// Nothing in the message may be kept (`privacy::Refusal`): it was erased, raw bytes included.
    Refused {
        reason: &'static str,
    },
    /// The message was not `received` (already parsed, or quarantined and not re-queued): nothing done.
    Skipped(StateKind),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParsedCounts {
    pub travellers: usize,
    /// New or changed traveller versions.
    pub versions: usize,
    /// Travellers the store refused; the others were kept.
    pub rejected: usize,
    /// Entries naming nobody (a close-out's `NAD+ZZZ`): not stored as travellers.
    pub unidentified: usize,
    /// Messages of a file (one per interchange) refused on admission while others were kept.
    pub refused: usize,
    pub screened: usize,
    pub alerts: AlertCounts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertCounts {
    pub raised: usize,
    pub updated: usize,
    pub reopened: usize,
    pub unchanged: usize,
    pub suppressed: usize,
}

impl AlertCounts {
    fn count(&mut self, outcome: AlertOutcome) {
        match outcome {
            AlertOutcome::Raised => self.raised += 1,
            AlertOutcome::Updated => self.updated += 1,
            AlertOutcome::Reopened => self.reopened += 1,
            AlertOutcome::Unchanged => self.unchanged += 1,
            AlertOutcome::Suppressed => self.suppressed += 1,
        }
    }
}

/// Totals of a batch (pending messages, re-processed quarantine).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub parsed: usize,
    pub quarantined: usize,
    pub refused: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RescreenReport {
    pub screened: usize,
    /// Stored records that no longer decode (written by an incompatible version); skipped.
    pub unreadable: usize,
    pub alerts: AlertCounts,
}

/// The pipeline. Cheap to share behind an `Arc`; every method may run concurrently with the others.
pub struct Pipeline {
    store: Store,
    lists: Arc<Lists>,
    /// The configured policy with the thresholds an administrator set last (swapped whole, so a screening
    /// run uses one policy throughout).
    policy: std::sync::RwLock<Arc<MatchPolicy>>,
    /// The stored threshold setting applied to `policy`, if any.
    thresholds_applied: std::sync::Mutex<Option<i64>>,
    admission: AdmissionPolicy,
    refusal_log: Option<Arc<dyn RefusalLog>>,
    stats: Arc<PipelineStats>,
    /// The service's clock: processing times, alert times and the re-screening window run on it, so a
    /// server moved in time (`clock_offset_days`) re-screens the flights that are upcoming for it.
    clock: Arc<dyn Clock>,
    /// The lists screening may use (LDH-8); empty until [`Pipeline::with_comparison_sources`]: nothing is
    /// screened against an unregistered list.
    sources: Arc<ComparisonSources>,
    /// List versions already reported as refused (the list watcher asks every few seconds).
    refusals_reported: std::sync::Mutex<HashSet<WatchlistVersionId>>,
}

/// Why a message cannot be stored: quarantined with this class and reason (never message content).
struct Unreadable {
    class: &'static str,
    reason: String,
}

impl Pipeline {
    /// A pipeline screening with `policy` against no list yet: register the lists it may screen against
    /// ([`Pipeline::with_comparison_sources`]), then call [`Pipeline::load_lists`]. Admission is
    /// `AdmissionPolicy::default()` (intra-EU flights refused, API refused 96 h after departure) until
    /// [`Pipeline::with_admission`] sets the configured one.
    pub fn new(store: Store, policy: MatchPolicy) -> Pipeline {
        Pipeline {
            store,
            lists: Arc::new(Lists::new()),
            policy: std::sync::RwLock::new(Arc::new(policy)),
            thresholds_applied: std::sync::Mutex::new(None),
            admission: AdmissionPolicy::default(),
            refusal_log: None,
            stats: Arc::new(PipelineStats::default()),
            clock: Arc::new(SystemClock),
            sources: Arc::new(ComparisonSources::default()),
            refusals_reported: std::sync::Mutex::new(HashSet::new()),
        }
    }

    /// Screens against the lists `sources` registers as sought or under alert, and no other.
    pub fn with_comparison_sources(mut self, sources: ComparisonSources) -> Pipeline {
        self.sources = Arc::new(sources);
        self
    }

    /// Runs on `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Pipeline {
        self.clock = clock;
        self
    }

    /// Admission by `admission` instead of the default.
    pub fn with_admission(mut self, admission: AdmissionPolicy) -> Pipeline {
        self.admission = admission;
        self
    }

    /// Records every refusal in `log` before the message is erased.
    pub fn with_refusal_log(mut self, log: Arc<dyn RefusalLog>) -> Pipeline {
        self.refusal_log = Some(log);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The lists screening reads (to withdraw one, or to see what is published).
    pub fn lists(&self) -> &Arc<Lists> {
        &self.lists
    }

    /// The policy screening uses now.
    pub fn policy(&self) -> Arc<MatchPolicy> {
        Arc::clone(
            &self
                .policy
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Applies the newest threshold setting an administrator stored over the policy (its weights stay) and
    /// returns it when it was not applied yet; `None` when there is none or it is applied already. The caller
    /// re-screens upcoming flights after a change.
    pub async fn apply_stored_thresholds(&self) -> Result<Option<ThresholdSetting>, PipelineError> {
        let Some(setting) = self.store.current_match_thresholds().await? else {
            return Ok(None);
        };
        let mut applied = self
            .thresholds_applied
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *applied == Some(setting.id) {
            return Ok(None);
        }
        let mut policy = MatchPolicy::clone(&self.policy());
        // f32 is the matcher's score type; the stored f64 is what the administrator typed.
        policy.alert_threshold = setting.thresholds.alert as f32;
        policy.report_threshold = setting.thresholds.report as f32;
        policy.max_reported = setting.thresholds.max_reported as usize;
        *self
            .policy
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(policy);
        *applied = Some(setting.id);
        tracing::info!(
            setting = setting.id,
            alert_threshold = setting.thresholds.alert,
            report_threshold = setting.thresholds.report,
            max_reported = setting.thresholds.max_reported,
            "match thresholds applied"
        );
        Ok(Some(setting))
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// The counters themselves, for a server that reads them while the pipeline runs.
    pub fn shared_stats(&self) -> Arc<PipelineStats> {
        Arc::clone(&self.stats)
    }

    /// Publishes the latest stored version of every registered list (those not published yet); returns
    /// how many. A version of a list that may not be screened against is reported once and left out.
    pub async fn load_lists(&self) -> Result<usize, PipelineError> {
        let report = lists::load_latest(&self.store, &self.lists, &self.sources).await?;
        let mut reported = self
            .refusals_reported
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (version, refusal) in &report.refused {
            if reported.insert(version.id) {
                tracing::warn!(
                    list_version = version.id.get(),
                    %refusal,
                    "watchlist version stored but not screened against"
                );
            }
        }
        Ok(report.published)
    }

    /// Publishes one stored list version (after an import) for screening, if its list is a registered
    /// comparison source sought or under alert.
    pub async fn publish_list_version(&self, id: WatchlistVersionId) -> Result<(), PipelineError> {
        let version = self
            .store
            .watchlist_version(id)
            .await?
            .ok_or(StoreError::WatchlistVersionNotFound(id))?;
        if let Err(refusal) = self.sources.permits_screening(&version.list_name) {
            return Err(PipelineError::NotAComparisonSource {
                version: id,
                refusal,
            });
        }
        lists::publish_version(&self.store, &self.lists, &version).await
    }

    /// Processes one stored message: read it, store its flights and travellers, screen the travellers whose
    /// data changed, upsert their alerts, then mark it parsed — or quarantine it when it cannot be read.
    /// Idempotent: a message that is not `received` is skipped, and running again after a crash part-way
    /// records nothing twice.
    pub async fn process(&self, id: MessageId) -> Result<ProcessOutcome, PipelineError> {
        let raw = self
            .store
            .raw_message(id)
            .await?
            .ok_or(PipelineError::MessageNotFound(id))?;
        let state = self
            .store
            .processing_state(id)
            .await?
            .ok_or(PipelineError::MessageNotFound(id))?;
        if state.state.kind() != StateKind::Received {
            return Ok(ProcessOutcome::Skipped(state.state.kind()));
        }
        // Two-digit years resolve against the day the message arrived, so re-processing reads it the same.
        let received_on = chrono::DateTime::from_timestamp(raw.received_at.unix_timestamp(), 0)
            .map(|at| at.date_naive())
            .unwrap_or_else(reading::today_utc);
        let bytes = raw.bytes;
        let mapped = tokio::task::spawn_blocking(move || read_and_map(&bytes, received_on))
            .await
            .map_err(|err| PipelineError::Task(err.to_string()))?;
        let mut messages = match mapped {
            Ok(messages) => messages,
            Err(unreadable) => return self.quarantine(id, unreadable).await,
        };

        let mut counts = ParsedCounts::default();
        // Admission before anything is stored: refused messages of the file are dropped here.
        let mut refusals = Vec::new();
        messages.retain(|message| {
            match admission::admit(&self.admission, message, raw.received_at) {
                Ok(()) => true,
                Err(refusal) => {
                    refusals.push(refusal);
                    false
                }
            }
        });
        if let Some(&refusal) = refusals.first() {
            if !messages.iter().any(|m| m.flight.is_some()) {
                return self.refuse(id, refusal).await;
            }
            counts.refused = refusals.len();
        }
        let mut subjects = Vec::new();
        for (position, message) in (0u32..).zip(&messages) {
            let Some(flight) = message.flight.as_ref().and_then(|f| f.to_new_flight()) else {
                continue; // read_and_map quarantined messages with travellers but no flight
            };
            let flight_id = self.store.upsert_flight(&flight).await?;
            counts.unidentified += message.unidentified;
            if let Some(reported) = &message.flight_status {
                self.store
                    .record_flight_status(&FlightStatusReport {
                        flight_id,
                        status: reported.status,
                        code: reported.code.clone(),
                        message_id: Some(id),
                        reported_at: raw.received_at,
                    })
                    .await?;
            }
            if let Some(count) = &message.declared_count {
                let report = ListCountReport {
                    flight_id,
                    message_id: id,
                    position,
                    sender: raw.sender.clone(),
                    qualifier: count.qualifier.clone(),
                    declared: count.declared,
                    carried: count.carried,
                    part: count.part.clone(),
                    reported_at: raw.received_at,
                };
                match self.store.record_list_count(&report).await {
                    // A count the store cannot hold (an empty or oversized qualifier or list reference) is a
                    // data-quality note lost, not a reason to hold back the travellers.
                    Err(StoreError::InvalidInput { field, .. }) => {
                        tracing::warn!(message_id = id.get(), field, "declared count not kept");
                    }
                    other => other?,
                }
            }
            let keys = self.relink_corrections(flight_id, message).await?;
            let mut news = Vec::with_capacity(message.travellers.len());
            let mut records = Vec::with_capacity(message.travellers.len());
            for (traveller, identity_key) in message.travellers.iter().zip(keys) {
                counts.travellers += 1;
                let Ok(record_json) = serde_json::to_value(&traveller.record) else {
                    counts.rejected += 1;
                    continue;
                };
                news.push(NewTravellerVersion {
                    flight_id,
                    identity_key,
                    record: record_json,
                    message_id: id,
                    message_kind: message.kind,
                    received_at: raw.received_at,
                });
                records.push(&traveller.record);
            }
            // One transaction for the message's travellers: one commit instead of one per traveller.
            let answers = self.store.record_travellers(&news).await?;
            for (answer, record) in answers.into_iter().zip(records) {
                let recorded = match answer {
                    Ok(recorded) => recorded,
                    // One traveller the store refuses does not cost the others; a database failure does
                    // stop the message (the `?` above), which stays `received` and is retried.
                    Err(StoreError::InvalidInput { field, .. }) => {
                        tracing::warn!(
                            message_id = id.get(),
                            field,
                            "traveller refused by the store"
                        );
                        counts.rejected += 1;
                        continue;
                    }
                    Err(err) => return Err(err.into()),
                };
                let changed_fields = match &recorded.outcome {
                    VersionOutcome::New => {
                        counts.versions += 1;
                        Vec::new()
                    }
                    VersionOutcome::Changed { fields } => {
                        counts.versions += 1;
                        fields.clone()
                    }
                    // Recorded before a crash: its alerts may not have been written, so screen again.
                    VersionOutcome::AlreadyRecorded => Vec::new(),
                    VersionOutcome::Unchanged | VersionOutcome::Outdated => continue,
                };
                subjects.push(ScreeningSubject {
                    traveller_id: recorded.traveller_id,
                    version_id: recorded.version_id,
                    record: record.clone(),
                    changed_fields,
                });
            }
        }
        counts.screened = subjects.len();
        counts.alerts = self.screen_and_alert(subjects).await?;
        self.store.record_parsed(id, self.clock.now()).await?;
        self.stats.add(Counter::MessagesProcessed, 1);
        self.stats
            .add(Counter::TravellersRecorded, counts.versions as u64);
        self.stats
            .add(Counter::TravellersRejected, counts.rejected as u64);
        tracing::info!(
            message_id = id.get(),
            travellers = counts.travellers,
            versions = counts.versions,
            screened = counts.screened,
            alerts_raised = counts.alerts.raised,
            "message processed"
        );
        Ok(ProcessOutcome::Parsed(counts))
    }

    /// The identity key each traveller of `message` is stored under. A traveller whose key is new on the
    /// flight, but whose name and document number match a traveller already there, is that traveller with
    /// corrected data (a birth date fixed by the airline): keeping its identity makes the correction a new
    /// version, and its alerts are updated rather than raised twice.
    async fn relink_corrections(
        &self,
        flight_id: store::FlightId,
        message: &MappedMessage,
    ) -> Result<Vec<String>, PipelineError> {
        let manifest = self.store.flight_manifest(flight_id).await?;
        let existing: HashSet<&str> = manifest.iter().map(|v| v.identity_key.as_str()).collect();
        let mut by_name_and_document: HashMap<(String, String), &str> = HashMap::new();
        for version in &manifest {
            let Ok(record) = serde_json::from_value::<TravellerRecord>(version.record.clone())
            else {
                continue;
            };
            if let Some(document) = document_part(&record) {
                by_name_and_document
                    .entry((name_part(&record), document))
                    .or_insert(version.identity_key.as_str());
            }
        }
        let in_message: HashSet<&str> = message
            .travellers
            .iter()
            .map(|t| t.identity_key.as_str())
            .collect();
        let mut claimed: HashSet<&str> = HashSet::new();
        Ok(message
            .travellers
            .iter()
            .map(|traveller| {
                if existing.contains(traveller.identity_key.as_str()) {
                    return traveller.identity_key.clone();
                }
                let earlier = document_part(&traveller.record).and_then(|document| {
                    by_name_and_document
                        .get(&(name_part(&traveller.record), document))
                        .copied()
                });
                match earlier {
                    Some(key) if !in_message.contains(key) && claimed.insert(key) => {
                        key.to_string()
                    }
                    _ => traveller.identity_key.clone(),
                }
            })
            .collect())
    }

    async fn quarantine(
        &self,
        id: MessageId,
        unreadable: Unreadable,
    ) -> Result<ProcessOutcome, PipelineError> {
        let quarantine = Quarantine {
            reason: unreadable.reason,
            error_class: ErrorClass::new(unreadable.class)?,
        };
        self.store
            .record_quarantined(id, quarantine, self.clock.now())
            .await?;
        self.stats.add(Counter::MessagesQuarantined, 1);
        tracing::warn!(
            message_id = id.get(),
            error_class = unreadable.class,
            "message quarantined"
        );
        Ok(ProcessOutcome::Quarantined {
            error_class: unreadable.class.to_string(),
        })
    }

    /// Erases a message nothing of which may be kept: the refusal is logged, then the raw message goes
    /// (its tombstone keeps sender, hash and times; its processing state goes with the row).
    async fn refuse(
        &self,
        id: MessageId,
        refusal: Refusal,
    ) -> Result<ProcessOutcome, PipelineError> {
        if let Some(log) = &self.refusal_log {
            // Logged first: a crash before the erasure refuses (and logs) again at the next start.
            if let Err(error) = log.message_refused(id, refusal).await {
                tracing::error!(message_id = id.get(), error, "refusal could not be logged");
            }
        }
        self.store.remove_raw_message(id, self.clock.now()).await?;
        self.stats.add(Counter::MessagesRefused, 1);
        tracing::warn!(
            message_id = id.get(),
            reason = refusal.code(),
            "message refused on admission and erased"
        );
        Ok(ProcessOutcome::Refused {
            reason: refusal.code(),
        })
    }

    /// Screens on a blocking thread against one snapshot of every list, then upserts the alerts.
    async fn screen_and_alert(
        &self,
        subjects: Vec<ScreeningSubject>,
    ) -> Result<AlertCounts, PipelineError> {
        let mut counts = AlertCounts::default();
        if subjects.is_empty() {
            return Ok(counts);
        }
        let screened = subjects.len() as u64;
        let lists = self.lists.snapshot();
        let policy = self.policy();
        let now = self.clock.now();
        let alerts = tokio::task::spawn_blocking(move || screen(&lists, &policy, &subjects, now))
            .await
            .map_err(|err| PipelineError::Task(err.to_string()))?;
        for alert in &alerts {
            counts.count(self.store.upsert_alert(alert).await?.outcome);
        }
        self.stats.add(Counter::TravellersScreened, screened);
        self.stats.add(Counter::AlertsRaised, counts.raised as u64);
        self.stats
            .add(Counter::AlertsReopened, counts.reopened as u64);
        self.stats
            .add(Counter::AlertsUpdated, counts.updated as u64);
        Ok(counts)
    }

    /// Every message still `received`, in id order: the work a crash or restart left.
    pub async fn process_pending(&self) -> Result<BatchReport, PipelineError> {
        let mut report = BatchReport::default();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_in_state(StateKind::Received, after, STATE_PAGE)
                .await?;
            let Some(last) = page.last() else {
                return Ok(report);
            };
            after = Some(last.message_id);
            for record in &page {
                report.add(&self.process(record.message_id).await?);
            }
        }
    }

    /// Puts every quarantined message back to `received` and processes it (`paxwatch reprocess`, after a
    /// fix of the reader). Those that still cannot be read go back to quarantine.
    pub async fn reprocess_quarantined(&self) -> Result<BatchReport, PipelineError> {
        let mut report = BatchReport::default();
        // Snapshot the ids first: a message that fails again is quarantined anew and must not loop.
        let mut ids = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.list_quarantined(after, STATE_PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.message_id);
            ids.extend(page.iter().map(|record| record.message_id));
        }
        for id in ids {
            match self.store.requeue_quarantined(id, self.clock.now()).await {
                Ok(()) => {}
                // Re-queued by someone else meanwhile: processing it below is still right.
                Err(StoreError::InvalidTransition { .. }) => {}
                Err(err) => return Err(err.into()),
            }
            report.add(&self.process(id).await?);
        }
        Ok(report)
    }

    /// Re-screens the current version of every traveller on flights departing within `window` from now or
    /// possibly still in the air (after a new list version is published).
    pub async fn rescreen_upcoming(
        &self,
        window: std::time::Duration,
    ) -> Result<RescreenReport, PipelineError> {
        let now = self.clock.now();
        let window = time::Duration::try_from(window).unwrap_or(time::Duration::days(365));
        self.rescreen_departing_between(
            now - LONGEST_FLIGHT - LOCAL_TIME_SLACK,
            now + window + LOCAL_TIME_SLACK,
        )
        .await
    }

    /// Re-screens the current version of every traveller on flights whose stored (approximate UTC)
    /// departure is in `[from, until)`.
    pub async fn rescreen_departing_between(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<RescreenReport, PipelineError> {
        let mut report = RescreenReport::default();
        let mut after = None;
        loop {
            let page = self
                .store
                .travellers_departing_between(from, until, after, RESCREEN_PAGE)
                .await?;
            let Some(last) = page.last() else {
                return Ok(report);
            };
            after = Some(last.traveller_id);
            let subjects: Vec<ScreeningSubject> = page
                .iter()
                .filter_map(|version| {
                    let subject = subject_of(version);
                    if subject.is_none() {
                        report.unreadable += 1;
                    }
                    subject
                })
                .collect();
            report.screened += subjects.len();
            let counts = self.screen_and_alert(subjects).await?;
            report.alerts.raised += counts.raised;
            report.alerts.updated += counts.updated;
            report.alerts.reopened += counts.reopened;
            report.alerts.unchanged += counts.unchanged;
            report.alerts.suppressed += counts.suppressed;
        }
    }
}

impl BatchReport {
    fn add(&mut self, outcome: &ProcessOutcome) {
        match outcome {
            ProcessOutcome::Parsed(_) => self.parsed += 1,
            ProcessOutcome::Quarantined { .. } => self.quarantined += 1,
            ProcessOutcome::Refused { .. } => self.refused += 1,
            ProcessOutcome::Skipped(_) => self.skipped += 1,
        }
    }
}

fn subject_of(version: &TravellerVersion) -> Option<ScreeningSubject> {
    let record: TravellerRecord = serde_json::from_value(version.record.clone()).ok()?;
    Some(ScreeningSubject {
        traveller_id: version.traveller_id,
        version_id: version.id,
        record,
        changed_fields: Vec::new(),
    })
}

/// Reads the bytes and maps them; a message that cannot be read, or whose travellers cannot be put on a
/// flight, is unreadable.
fn read_and_map(bytes: &[u8], today: chrono::NaiveDate) -> Result<Vec<MappedMessage>, Unreadable> {
    let reading = reading::read(bytes, today).map_err(|err| Unreadable {
        class: err.class(),
        reason: match &err {
            // The type name is from the header, never personal data; the rest are fixed texts.
            ReadError::NotEdifact | ReadError::Truncated { .. } => err.to_string(),
            ReadError::UnsupportedMessage { message_type, .. } => format!(
                "message type {} is not supported",
                message_type
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .take(16)
                    .collect::<String>()
            ),
        },
    })?;
    let messages = map_reading(&reading);
    if let Some(message) = messages.iter().find(|m| {
        !m.travellers.is_empty() && m.flight.as_ref().and_then(|f| f.to_new_flight()).is_none()
    }) {
        return Err(Unreadable {
            class: "no_flight",
            reason: format!(
                "a {} message lists travellers but no flight with carrier, number, departure date and airport",
                message.kind
            ),
        });
    }
    Ok(messages)
}
