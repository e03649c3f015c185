//! Counters the server exports as metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// Monotonic counters, shared between the pipeline and whoever reads them.
#[derive(Debug, Default)]
pub struct PipelineStats {
    messages_processed: AtomicU64,
    messages_quarantined: AtomicU64,
    messages_refused: AtomicU64,
    messages_failed: AtomicU64,
    travellers_recorded: AtomicU64,
    travellers_rejected: AtomicU64,
    travellers_screened: AtomicU64,
    alerts_raised: AtomicU64,
    alerts_reopened: AtomicU64,
    alerts_updated: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Messages recorded as parsed.
    pub messages_processed: u64,
    pub messages_quarantined: u64,
    /// Messages erased on admission (intra-EU flight out of scope, API received too late).
    pub messages_refused: u64,
    /// Processing attempts that failed on the database or a task (the message stays `received`).
    pub messages_failed: u64,
    /// New traveller versions stored.
    pub travellers_recorded: u64,
    /// Travellers the store refused (invalid data); the rest of their message went on.
    pub travellers_rejected: u64,
    pub travellers_screened: u64,
    pub alerts_raised: u64,
    pub alerts_reopened: u64,
    pub alerts_updated: u64,
}

impl PipelineStats {
    pub fn snapshot(&self) -> StatsSnapshot {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            messages_processed: read(&self.messages_processed),
            messages_quarantined: read(&self.messages_quarantined),
            messages_refused: read(&self.messages_refused),
            messages_failed: read(&self.messages_failed),
            travellers_recorded: read(&self.travellers_recorded),
            travellers_rejected: read(&self.travellers_rejected),
            travellers_screened: read(&self.travellers_screened),
            alerts_raised: read(&self.alerts_raised),
            alerts_reopened: read(&self.alerts_reopened),
            alerts_updated: read(&self.alerts_updated),
        }
    }

    pub(crate) fn add(&self, counter: Counter, n: u64) {
        let counter = match counter {
            Counter::MessagesProcessed => &self.messages_processed,
            Counter::MessagesQuarantined => &self.messages_quarantined,
            Counter::MessagesRefused => &self.messages_refused,
            Counter::MessagesFailed => &self.messages_failed,
            Counter::TravellersRecorded => &self.travellers_recorded,
            Counter::TravellersRejected => &self.travellers_rejected,
            Counter::TravellersScreened => &self.travellers_screened,
            Counter::AlertsRaised => &self.alerts_raised,
            Counter::AlertsReopened => &self.alerts_reopened,
            Counter::AlertsUpdated => &self.alerts_updated,
        };
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    MessagesProcessed,
    MessagesQuarantined,
    MessagesRefused,
    MessagesFailed,
    TravellersRecorded,
    TravellersRejected,
    TravellersScreened,
    AlertsRaised,
    AlertsReopened,
    AlertsUpdated,
}
