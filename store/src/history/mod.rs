//! The history index: every traveller the service has stored, searchable by analysts (fuzzy name, document,
//! dates, route, carrier, flight, PNR locator, contacts), linked to co-travellers who share a PNR, an
//! e-mail, a phone or a payment reference, with the timeline of a person's trips and the people travelling
//! together with them (`timeline`). A tantivy index in a directory of its own.
//!
//! # Contract
//!
//! - **Rebuildable.** The index holds nothing that cannot be rebuilt from the store: it is a view of the
//!   latest version of each traveller from each feed. `paxwatch reindex` calls [`HistoryIndex::recreate`]
//!   (or [`HistoryWriter::clear`]) and feeds every stored version again.
//! - **One document per traveller and feed.** [`HistoryWriter::upsert`] deletes the traveller's earlier
//!   document from the same feed (by `record_key`, `TRAVELLER_ID/KIND`) and adds the new one, so only the
//!   latest version of each feed is searchable. A traveller sent in API and PNR has two documents: an API
//!   check-in does not hide the booking's locator, contacts and payment, and a view limited to PNR
//!   ([`Feeds::PnrOnly`], privacy.md API-4) still finds the traveller. The caller feeds versions in
//!   increasing `version_id` order (an older version upserted after a newer one would replace it).
//! - **Watermark.** [`HistoryWriter::commit`] stores the highest `version_id` the commit covers in tantivy's
//!   commit payload, atomically with the documents. After a crash [`HistoryIndex::watermark`] says where to
//!   resume: the service indexes only versions above it. Nothing uncommitted survives a crash; it is indexed
//!   again from the store.
//! - **Batches.** The caller decides when to commit (every few thousand travellers or every second, say):
//!   each commit fsyncs and creates a segment, so committing per traveller would be slow.
//! - **Reader reload.** The reader uses [`tantivy::ReloadPolicy::Manual`], and [`HistoryWriter::commit`]
//!   reloads it before returning, so a search issued after `commit` returns sees the committed data. Only
//!   the writer's own process is reloaded: another process opening the same directory sees the commits that
//!   existed when it opened (there is one service process per index).
//! - **Versioned schema.** [`SCHEMA_VERSION`] is written next to the index; an index of another version (or of
//!   none) is refused at open with [`HistoryError::IncompatibleSchema`], and the caller rebuilds it.
//! - **No personal data in logs or errors:** ids and counts only.
//! - Searches are CPU-bound and blocking: async callers run them on `spawn_blocking`.

mod co_travellers;
mod document;
mod error;
mod feeds;
mod normalise;
mod query;
mod schema;
mod timeline;

use std::path::{Path, PathBuf};

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

pub use co_travellers::{CoTraveller, LinkKind, SharedLink};
pub use document::TravellerDoc;
pub use error::HistoryError;
pub use feeds::Feeds;
pub use query::{HistoryHit, HistoryQuery, MAX_LIMIT, MAX_NAME_TOKENS, MAX_WINDOW};
pub use schema::SCHEMA_VERSION;
pub use timeline::{
    Companion, SamePersonBy, Trip, MAX_COMPANION_FLIGHTS, MAX_TRIPS, MIN_SHARED_FLIGHTS,
};

use schema::Fields;

/// The file next to the tantivy files that records [`SCHEMA_VERSION`].
const VERSION_FILE: &str = "paxwatch-history-schema";
/// tantivy's own metadata file: its presence means the directory holds an index.
const TANTIVY_META: &str = "meta.json";

/// Indexing memory a writer gets unless told otherwise (split across tantivy's indexing threads).
pub const DEFAULT_WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// An opened history index: searches, and the source of the one [`HistoryWriter`]. Cheap to clone (shared).
#[derive(Clone)]
pub struct HistoryIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
    feeds: Feeds,
}

impl std::fmt::Debug for HistoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl HistoryIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when there is none.
    ///
    /// An index written with another schema version is refused with [`HistoryError::IncompatibleSchema`]:
    /// rebuild it with [`HistoryIndex::recreate`] and a full reindex.
    pub fn open(dir: impl AsRef<Path>) -> Result<HistoryIndex, HistoryError> {
        let path = dir.as_ref().to_path_buf();
        let directory_error = |source| HistoryError::Directory {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&path).map_err(directory_error)?;
        let (schema, fields) = Fields::schema();
        let index = if path.join(TANTIVY_META).exists() {
            let found = match std::fs::read_to_string(path.join(VERSION_FILE)) {
                Ok(text) => text.trim().to_owned(),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => "none".to_owned(),
                Err(error) => return Err(directory_error(error)),
            };
            let incompatible = |found: String| HistoryError::IncompatibleSchema {
                path: path.clone(),
                found,
                expected: SCHEMA_VERSION,
            };
            if found != SCHEMA_VERSION.to_string() {
                return Err(incompatible(found));
            }
            let index = Index::open_in_dir(&path).map_err(HistoryError::index("open index"))?;
            if index.schema() != schema {
                return Err(incompatible(format!("{found} (with a different schema)")));
            }
            index
        } else {
            // The version file first: a crash before the index exists leaves a directory that the next open
            // simply creates the index in.
            std::fs::write(path.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n"))
                .map_err(directory_error)?;
            Index::create_in_dir(&path, schema).map_err(HistoryError::index("create index"))?
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(HistoryError::index("open reader"))?;
        tracing::debug!(schema_version = SCHEMA_VERSION, "history index opened");
        Ok(HistoryIndex {
            index,
            reader,
            fields,
            path,
            feeds: Feeds::All,
        })
    }

    /// Removes the index in `dir` (whatever its schema version) and opens a new, empty one: the first step of
    /// a rebuild. Refuses a directory that holds anything but an index.
    pub fn recreate(dir: impl AsRef<Path>) -> Result<HistoryIndex, HistoryError> {
        let path = dir.as_ref();
        let directory_error = |source| HistoryError::Directory {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read_dir(path) {
            Ok(mut entries) => {
                let is_index = path.join(TANTIVY_META).exists() || path.join(VERSION_FILE).exists();
                let is_empty = entries.next().is_none();
                if !is_index && !is_empty {
                    return Err(HistoryError::NotAnIndex {
                        path: path.to_path_buf(),
                    });
                }
                std::fs::remove_dir_all(path).map_err(directory_error)?;
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(directory_error(error)),
        }
        HistoryIndex::open(path)
    }

    /// The writer. There is one per index: a second one (in this or another process) fails until the first
    /// is dropped. `memory_budget` is the indexing buffer in bytes, split across tantivy's indexing threads
    /// (at least 15 MB per thread; [`DEFAULT_WRITER_MEMORY`] is a good start).
    pub fn writer(&self, memory_budget: usize) -> Result<HistoryWriter, HistoryError> {
        let writer = self
            .index
            .writer(memory_budget)
            .map_err(HistoryError::index("open writer"))?;
        Ok(HistoryWriter {
            writer,
            index: self.clone(),
        })
    }

    /// The highest `version_id` covered by the last commit; `None` for an index never committed or just
    /// cleared.
    pub fn watermark(&self) -> Result<Option<i64>, HistoryError> {
        let metas = self
            .index
            .load_metas()
            .map_err(HistoryError::index("read commit metadata"))?;
        match metas.payload {
            None => Ok(None),
            Some(payload) => serde_json::from_str::<CommitPayload>(&payload)
                .map(|payload| payload.watermark)
                .map_err(|_| HistoryError::Corrupt {
                    what: "commit payload is not a watermark",
                }),
        }
    }

    /// Documents searchable now: one per traveller and feed.
    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The indexed document of one traveller: of a traveller sent in both feeds, the newer one this view
    /// covers.
    pub fn get(&self, traveller_id: i64) -> Result<Option<TravellerDoc>, HistoryError> {
        let searcher = self.reader.searcher();
        let query = self.within_feeds(Box::new(TermQuery::new(
            Term::from_field_i64(self.fields.traveller_id, traveller_id),
            IndexRecordOption::Basic,
        )));
        let hits = searcher
            .search(
                &query,
                &TopDocs::with_limit(1).order_by_fast_field::<i64>("version_id", Order::Desc),
            )
            .map_err(HistoryError::index("look up traveller"))?;
        match hits.first() {
            None => Ok(None),
            Some((_, address)) => {
                let doc: TantivyDocument = searcher
                    .doc(*address)
                    .map_err(HistoryError::index("read stored traveller"))?;
                TravellerDoc::from_document(&doc, &self.fields).map(Some)
            }
        }
    }

    /// The directory of the index.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

// The service shares the index across request handlers and moves the writer to the pipeline's thread.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    const fn movable<T: Send>() {}
    shared::<HistoryIndex>();
    movable::<HistoryWriter>();
};

/// What a commit records besides the documents.
#[derive(serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    watermark: Option<i64>,
}

/// The single writer of a [`HistoryIndex`]. Upserts are buffered (and may be flushed to segments in the
/// background) but become searchable, and survive a crash, only at [`HistoryWriter::commit`].
pub struct HistoryWriter {
    writer: IndexWriter<TantivyDocument>,
    index: HistoryIndex,
}

impl HistoryWriter {
    /// Makes `traveller` the one document of its `traveller_id` and feed (`message_kind`), replacing any
    /// earlier version from that feed, committed or not, at the next commit. A traveller sent in both feeds
    /// has two documents.
    pub fn upsert(&mut self, traveller: &TravellerDoc) -> Result<(), HistoryError> {
        let fields = &self.index.fields;
        let doc = traveller.to_document(fields)?;
        self.writer.delete_term(Term::from_field_text(
            fields.record_key,
            &traveller.record_key(),
        ));
        self.writer
            .add_document(doc)
            .map_err(HistoryError::index("add traveller"))?;
        Ok(())
    }

    /// Removes the documents of `traveller_id` (of both feeds, if any) at the next commit: the retention
    /// purge deleted the traveller, or rewrites what is left of it.
    pub fn delete(&mut self, traveller_id: i64) {
        let fields = &self.index.fields;
        self.writer
            .delete_term(Term::from_field_i64(fields.traveller_id, traveller_id));
    }

    /// Commits, keeping the watermark of the last commit: for changes that are not new versions (the
    /// retention purge's deletions and masked rewrites).
    pub fn commit_keeping_watermark(&mut self) -> Result<(), HistoryError> {
        let watermark = self.index.watermark()?;
        self.commit_with(watermark)
    }

    /// Commits everything upserted since the last commit, with `watermark` (the highest `version_id` now
    /// indexed) in the same atomic commit, then reloads the reader: a search after this returns sees it.
    pub fn commit(&mut self, watermark: i64) -> Result<(), HistoryError> {
        self.commit_with(Some(watermark))
    }

    /// Removes every traveller and commits an empty index without a watermark (for a full reindex).
    pub fn clear(&mut self) -> Result<(), HistoryError> {
        self.writer
            .delete_all_documents()
            .map_err(HistoryError::index("clear"))?;
        self.commit_with(None)
    }

    /// The watermark of the last commit (see [`HistoryIndex::watermark`]).
    pub fn watermark(&self) -> Result<Option<i64>, HistoryError> {
        self.index.watermark()
    }

    /// Waits for background merges to finish and releases the writer lock (for a clean shutdown).
    pub fn finish(self) -> Result<(), HistoryError> {
        self.writer
            .wait_merging_threads()
            .map_err(HistoryError::index("finish merges"))
    }

    fn commit_with(&mut self, watermark: Option<i64>) -> Result<(), HistoryError> {
        let payload = serde_json::to_string(&CommitPayload { watermark }).map_err(|_| {
            HistoryError::Corrupt {
                what: "watermark could not be encoded",
            }
        })?;
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(HistoryError::index("prepare commit"))?;
        prepared.set_payload(&payload);
        let opstamp = prepared.commit().map_err(HistoryError::index("commit"))?;
        self.index
            .reader
            .reload()
            .map_err(HistoryError::index("reload reader"))?;
        tracing::debug!(opstamp, ?watermark, "history index committed");
        Ok(())
    }
}
