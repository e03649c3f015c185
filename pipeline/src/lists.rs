//! The watchlists screening reads: one [`matcher::WatchlistIndex`] per list, built off to the side from the
//! store's latest version and published whole into a [`watchlists::ListRegistry`] — only for lists the
//! registry of comparison sources ([`privacy::ComparisonSources`]) allows automated matching against.

use std::sync::Arc;

use matcher::WatchlistIndex;
use privacy::{ComparisonSources, SourceRefusal};
use store::{Store, WatchlistVersion, WatchlistVersionId};
use watchlists::{ListRegistry, ListVersion, SourceFormat};

use crate::error::PipelineError;

/// One published list version: its index and the stored version it was built from.
pub struct ListIndex {
    pub version_id: WatchlistVersionId,
    pub index: WatchlistIndex,
}

impl std::fmt::Debug for ListIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListIndex")
            .field("version_id", &self.version_id)
            .field("entries", &self.index.entries().len())
            .finish()
    }
}

pub type Lists = ListRegistry<ListIndex>;

fn list_version(version: &WatchlistVersion) -> ListVersion {
    ListVersion {
        list: version.list_name.clone(),
        // The format only labels the version here; screening does not depend on it. Importers store
        // either the command-line name (`csv`) or the serde name (`paxwatch-csv`).
        format: SourceFormat::from_name(&version.source_format)
            .or_else(|| {
                serde_json::from_value(serde_json::Value::String(version.source_format.clone()))
                    .ok()
            })
            .unwrap_or(SourceFormat::PaxwatchCsv),
        label: version.version_label.clone(),
        entry_count: usize::try_from(version.entry_count).unwrap_or(usize::MAX),
        imported_at: chrono::DateTime::from_timestamp(version.imported_at.unix_timestamp(), 0)
            .unwrap_or_default(),
        sha256: hex::encode(version.source_sha256.as_bytes()),
        aliases_sha256: None,
    }
}

/// Builds the index of one stored version (on a blocking thread) and publishes it for its list.
pub async fn publish_version(
    store: &Store,
    lists: &Arc<Lists>,
    version: &WatchlistVersion,
) -> Result<(), PipelineError> {
    let entries = store.watchlist_entries(version.id).await?;
    let version_id = version.id;
    let index = tokio::task::spawn_blocking(move || WatchlistIndex::build(entries))
        .await
        .map_err(|err| PipelineError::Task(err.to_string()))?;
    lists.publish(list_version(version), ListIndex { version_id, index });
    tracing::info!(
        list_version = version_id.get(),
        entries = version.entry_count,
        "watchlist version published for screening"
    );
    Ok(())
}

/// What [`load_latest`] did.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// List versions (re)built and published.
    pub published: usize,
    /// Latest versions of lists screening may not use, with why (stored, never screened against).
    pub refused: Vec<(WatchlistVersion, SourceRefusal)>,
}

/// Publishes the latest stored version of every list `sources` allows that is not already the one
/// screening uses; a list it does not allow is taken out of screening if it was in.
pub async fn load_latest(
    store: &Store,
    lists: &Arc<Lists>,
    sources: &ComparisonSources,
) -> Result<LoadReport, PipelineError> {
    let mut report = LoadReport::default();
    for version in store.latest_watchlist_versions().await? {
        if let Err(refusal) = sources.permits_screening(&version.list_name) {
            if lists.withdraw(&version.list_name).is_some() {
                tracing::warn!(
                    list_version = version.id.get(),
                    %refusal,
                    "list withdrawn from screening"
                );
            }
            report.refused.push((version, refusal));
            continue;
        }
        let current = lists.get(&version.list_name);
        if current.is_some_and(|loaded| loaded.index.version_id == version.id) {
            continue;
        }
        publish_version(store, lists, &version).await?;
        report.published += 1;
    }
    Ok(report)
}
