//! The watchlists screening reads: one [`matcher::WatchlistIndex`] per list, built off to the side from the
//! store's latest version and published whole into a [`watchlists::ListRegistry`].

use std::sync::Arc;

use matcher::WatchlistIndex;
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

/// Publishes the latest stored version of every list that is not already the one screening uses;
/// returns how many were (re)built.
pub async fn load_latest(store: &Store, lists: &Arc<Lists>) -> Result<usize, PipelineError> {
    let mut published = 0;
    for version in store.latest_watchlist_versions().await? {
        let current = lists.get(&version.list_name);
        if current.is_some_and(|loaded| loaded.index.version_id == version.id) {
            continue;
        }
        publish_version(store, lists, &version).await?;
        published += 1;
    }
    Ok(published)
}
