//! Feeds the tantivy history index from the store: the newest version of each traveller from each feed
//! (API, PNR), when above the index's watermark, becomes one [`TravellerDoc`] (a later version replaces
//! the earlier one of the same traveller and feed), committed in batches with the last version id as the
//! new watermark.
//!
//! The index holds nothing the store does not: after a crash the indexer resumes at the committed
//! watermark, and `paxwatch reindex` clears it and feeds it again from the start.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use store::history::{HistoryError, HistoryIndex, HistoryWriter, TravellerDoc};
use store::{Flight, FlightId, Store, TravellerId, TravellerVersion, TravellerVersionId};
use time::Date;

use crate::error::PipelineError;
use crate::record::TravellerRecord;

/// Versions read from the store per round; also the commit batch.
const BATCH: u32 = 1_000;
/// Memory the tantivy writer may use for its buffers.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// The index, its one writer, and the flights already looked up.
pub struct Indexer {
    store: Store,
    index: Arc<HistoryIndex>,
    /// Shared with the blocking pool, where tantivy's writes and commits run (they fsync).
    writer: Arc<Mutex<HistoryWriter>>,
    flights: Mutex<HashMap<FlightId, Arc<Flight>>>,
    /// Held by a whole catch-up round and by the retention purge, so a round never indexes a version the
    /// purge erased between its read and its write.
    round: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").finish_non_exhaustive()
    }
}

fn history_error(error: HistoryError) -> PipelineError {
    PipelineError::History(error)
}

/// `YYYY-MM-DD`, as the store keeps departure dates.
fn date_of(text: &str) -> Option<Date> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(chrono_date)
}

fn chrono_date(date: chrono::NaiveDate) -> Option<Date> {
    use chrono::Datelike;
    let month = time::Month::try_from(u8::try_from(date.month()).ok()?).ok()?;
    Date::from_calendar_date(date.year(), month, u8::try_from(date.day()).ok()?).ok()
}

/// The indexed form of one stored traveller version on its flight. `None` for a record that does not
/// read as a [`TravellerRecord`] (written by another version of the pipeline): it is skipped, counted.
pub fn traveller_doc(version: &TravellerVersion, flight: &Flight) -> Option<TravellerDoc> {
    let record: TravellerRecord = serde_json::from_value(version.record.clone()).ok()?;
    Some(TravellerDoc {
        traveller_id: version.traveller_id.get(),
        version_id: version.id.get(),
        flight_id: version.flight_id.get(),
        message_kind: version.message_kind.as_str().to_owned(),
        surname: record.surname,
        given_names: record.given_names,
        birth_date: record.birth_date.and_then(chrono_date),
        gender: record.gender,
        nationality: record.nationality,
        document_numbers: record
            .documents
            .into_iter()
            .filter_map(|d| d.number)
            .collect(),
        carrier: flight.carrier.clone(),
        flight_number: flight.number.clone(),
        origin: Some(flight.departure_airport.clone()),
        destination: flight.arrival_airport.clone(),
        departure_date: date_of(&flight.departure_date),
        pnr_locators: record.pnr_locators,
        emails: record.emails,
        phones: record.phones,
        payment_refs: record
            .payment_cards
            .into_iter()
            .map(|card| format!("{}{}", card.vendor.unwrap_or_default(), card.last4))
            .collect(),
        received_at: version.received_at,
    })
}

impl Indexer {
    /// Opens (or creates) the index in `dir`. An index written with an older schema is rebuilt empty and
    /// refilled by the next [`Indexer::catch_up`].
    pub fn open(store: Store, dir: &Path) -> Result<Indexer, PipelineError> {
        let index = match HistoryIndex::open(dir) {
            Ok(index) => index,
            Err(HistoryError::IncompatibleSchema { .. }) => {
                tracing::warn!("history index has an older schema; rebuilding it");
                HistoryIndex::recreate(dir).map_err(history_error)?
            }
            Err(error) => return Err(history_error(error)),
        };
        let writer = index.writer(WRITER_MEMORY).map_err(history_error)?;
        Ok(Indexer {
            store,
            index: Arc::new(index),
            writer: Arc::new(Mutex::new(writer)),
            flights: Mutex::new(HashMap::new()),
            round: tokio::sync::Mutex::new(()),
        })
    }

    /// The index, for searching (shared with the server).
    pub fn index(&self) -> Arc<HistoryIndex> {
        Arc::clone(&self.index)
    }

    async fn flight(&self, id: FlightId) -> Result<Option<Arc<Flight>>, PipelineError> {
        if let Some(flight) = self
            .flights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&id)
        {
            return Ok(Some(flight.clone()));
        }
        let Some(flight) = self.store.flight(id).await? else {
            return Ok(None);
        };
        let flight = Arc::new(flight);
        self.flights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id, flight.clone());
        Ok(Some(flight))
    }

    /// Indexes every newest-of-its-feed version above the watermark, committing after each batch. Returns
    /// how many versions were indexed.
    pub async fn catch_up(&self) -> Result<usize, PipelineError> {
        let _round = self.round.lock().await;
        let mut indexed = 0usize;
        loop {
            let watermark = self.index.watermark().map_err(history_error)?;
            let versions = self
                .store
                .newest_traveller_versions_per_feed_after(
                    watermark.map(TravellerVersionId::new),
                    BATCH,
                )
                .await?;
            let Some(last) = versions.last().map(|v| v.id.get()) else {
                return Ok(indexed);
            };
            let mut docs = Vec::with_capacity(versions.len());
            for version in &versions {
                let Some(flight) = self.flight(version.flight_id).await? else {
                    continue;
                };
                match traveller_doc(version, &flight) {
                    Some(doc) => docs.push(doc),
                    None => tracing::warn!(
                        version_id = version.id.get(),
                        "traveller version not indexed: record unreadable"
                    ),
                }
            }
            let batch = docs.len();
            // The watermark is the last version read, indexed or skipped, so a bad record is not retried forever.
            self.write(move |writer| {
                for doc in &docs {
                    writer.upsert(doc)?;
                }
                writer.commit(last)
            })
            .await?;
            indexed += batch;
            if versions.len() < BATCH as usize {
                return Ok(indexed);
            }
        }
    }

    /// Keeps catch-up rounds out while the retention purge erases and rewrites (see [`crate::retention`]).
    pub async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.round.lock().await
    }

    /// After the retention purge: removes the documents of `deleted` travellers and rewrites those of
    /// `rewritten` ones from the newest stored version of each feed they still have (masked, or an older
    /// version now newest; a feed with nothing left loses its document), in one commit that keeps the
    /// watermark. Call it holding [`Indexer::exclusive`]. Returns the travellers removed and rewritten.
    pub async fn apply_retention(
        &self,
        deleted: &[TravellerId],
        rewritten: &[TravellerId],
    ) -> Result<(usize, usize), PipelineError> {
        if deleted.is_empty() && rewritten.is_empty() {
            return Ok((0, 0));
        }
        let mut docs = Vec::with_capacity(rewritten.len());
        let mut gone = deleted.to_vec();
        let mut rewritten_count = 0;
        for traveller in rewritten {
            let versions = self
                .store
                .newest_traveller_versions_per_feed(*traveller)
                .await?;
            let mut kept = Vec::with_capacity(versions.len());
            for version in &versions {
                let Some(flight) = self.flight(version.flight_id).await? else {
                    continue;
                };
                kept.extend(traveller_doc(version, &flight));
            }
            // Every document of the traveller goes, then what is left is written again.
            gone.push(*traveller);
            if kept.is_empty() {
                continue;
            }
            rewritten_count += 1;
            docs.extend(kept);
        }
        let counts = (gone.len() - rewritten_count, rewritten_count);
        self.write(move |writer| {
            for traveller in &gone {
                writer.delete(traveller.get());
            }
            for doc in &docs {
                writer.upsert(doc)?;
            }
            writer.commit_keeping_watermark()
        })
        .await?;
        Ok(counts)
    }

    /// Runs `change` on the writer in the blocking pool: tantivy's commits write and fsync segment files,
    /// which would stall the async workers (and the server's requests) they share threads with.
    async fn write<F>(&self, change: F) -> Result<(), PipelineError>
    where
        F: FnOnce(&mut HistoryWriter) -> Result<(), HistoryError> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || {
            let mut writer = writer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            change(&mut writer)
        })
        .await
        .map_err(|err| PipelineError::Task(err.to_string()))?
        .map_err(history_error)
    }

    /// Empties the index (for `paxwatch reindex`); the next [`Indexer::catch_up`] refills it from the store.
    pub fn clear(&self) -> Result<(), PipelineError> {
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        writer.clear().map_err(history_error)?;
        self.flights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
        Ok(())
    }
}
