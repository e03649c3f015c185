//! Screening stored travellers against every published list: the CPU part, run on a blocking thread.

use std::collections::HashMap;
use std::sync::Arc;

use matcher::MatchPolicy;
use store::{NewAlert, TravellerId, TravellerVersionId};
use time::OffsetDateTime;
use watchlists::LoadedVersion;

use crate::lists::ListIndex;
use crate::record::TravellerRecord;

/// One traveller version to screen.
#[derive(Debug, Clone)]
pub struct ScreeningSubject {
    pub traveller_id: TravellerId,
    pub version_id: TravellerVersionId,
    pub record: TravellerRecord,
    /// Fields that changed versus the previous version, when known (for the re-open reason).
    pub changed_fields: Vec<String>,
}

/// The alerts the policy raises for `subjects` on every list of the snapshot: lists in name order,
/// travellers in input order, candidates best first. Deterministic for the same input.
pub fn screen(
    lists: &HashMap<String, Arc<LoadedVersion<ListIndex>>>,
    policy: &MatchPolicy,
    subjects: &[ScreeningSubject],
    at: OffsetDateTime,
) -> Vec<NewAlert> {
    let mut names: Vec<&String> = lists.keys().collect();
    names.sort();
    let queries: Vec<matcher::TravellerQuery> = subjects.iter().map(|s| s.record.query()).collect();
    let fingerprints: Vec<String> = subjects
        .iter()
        .map(|s| s.record.screening_fingerprint())
        .collect();
    let mut alerts = Vec::new();
    for name in names {
        let Some(loaded) = lists.get(name) else {
            continue;
        };
        let index = &loaded.index.index;
        let results = index.screen_many(&queries, policy);
        let mut scratch = index.pooled_scratch();
        for ((subject, query), (candidates, fingerprint)) in subjects
            .iter()
            .zip(&queries)
            .zip(results.iter().zip(&fingerprints))
        {
            for candidate in candidates.iter().filter(|c| policy.alerts(c.score)) {
                let Some(entry) = index.entries().get(candidate.entry) else {
                    continue;
                };
                let explanation = index
                    .explain(query, candidate.entry, policy, &mut scratch)
                    .and_then(|explanation| serde_json::to_value(explanation).ok())
                    .unwrap_or(serde_json::Value::Null);
                let reopen_reason = if subject.changed_fields.is_empty() {
                    "the traveller data screened changed after the dismissal".to_string()
                } else {
                    format!(
                        "the traveller data screened changed after the dismissal (changed: {})",
                        subject.changed_fields.join(", ")
                    )
                };
                alerts.push(NewAlert {
                    traveller_id: subject.traveller_id,
                    traveller_version_id: subject.version_id,
                    list_name: name.clone(),
                    entry_id: entry.id.clone(),
                    watchlist_version_id: Some(loaded.index.version_id),
                    score: f64::from(candidate.score),
                    explanation,
                    fingerprint: fingerprint.clone(),
                    reopen_reason,
                    at,
                });
            }
        }
    }
    alerts
}
