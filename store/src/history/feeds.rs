//! Which feeds' travellers a reader of the index sees. Analysts' law-enforcement searches may not use API
//! data held for border control (privacy.md API-4), so their view of the index leaves PAXLST documents out
//! inside every query: paging, limits and links count only what they may see.

use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::HistoryIndex;

/// The message kind of API documents, as indexed.
const API_KIND: &str = "PAXLST";

/// The feeds a view of the index covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Feeds {
    /// API and PNR.
    #[default]
    All,
    /// PNR only: API documents are never found, looked up or linked.
    PnrOnly,
}

impl HistoryIndex {
    /// The same index seen through `feeds` (cheap: the reader is shared, so commits show in both).
    pub fn seeing(&self, feeds: Feeds) -> HistoryIndex {
        HistoryIndex {
            feeds,
            ..self.clone()
        }
    }

    /// The feeds this view covers.
    pub fn feeds(&self) -> Feeds {
        self.feeds
    }

    /// `query` restricted to this view's feeds.
    pub(crate) fn within_feeds(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        match self.feeds {
            Feeds::All => query,
            Feeds::PnrOnly => Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (
                    Occur::MustNot,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.message_kind, API_KIND),
                        IndexRecordOption::Basic,
                    )),
                ),
            ])),
        }
    }

    /// Every document of this view.
    pub(crate) fn everything(&self) -> Box<dyn Query> {
        self.within_feeds(Box::new(AllQuery))
    }
}
