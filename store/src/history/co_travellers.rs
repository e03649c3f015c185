//! Co-travellers: the travellers who share a PNR locator, an e-mail, a phone or a payment reference with a
//! given one, each with what they share.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use super::document::TravellerDoc;
use super::error::HistoryError;
use super::query::MAX_LIMIT;
use super::HistoryIndex;

/// What links two travellers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    PnrLocator,
    Email,
    Phone,
    PaymentRef,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::PnrLocator => "pnr_locator",
            LinkKind::Email => "email",
            LinkKind::Phone => "phone",
            LinkKind::PaymentRef => "payment_ref",
        }
    }

    fn values(self, traveller: &TravellerDoc) -> &[String] {
        match self {
            LinkKind::PnrLocator => &traveller.pnr_locators,
            LinkKind::Email => &traveller.emails,
            LinkKind::Phone => &traveller.phones,
            LinkKind::PaymentRef => &traveller.payment_refs,
        }
    }
}

const LINK_KINDS: [LinkKind; 4] = [
    LinkKind::PnrLocator,
    LinkKind::Email,
    LinkKind::Phone,
    LinkKind::PaymentRef,
];

/// One value two travellers share (normalised, as indexed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedLink {
    pub kind: LinkKind,
    pub value: String,
}

/// A traveller linked to the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct CoTraveller {
    pub traveller: TravellerDoc,
    /// Every value they share, in [`LinkKind`] order; never empty.
    pub shared: Vec<SharedLink>,
}

impl HistoryIndex {
    /// The travellers other than `traveller_id` sharing a PNR locator, e-mail, phone or payment reference
    /// with it, those sharing the most first (at most `limit`, itself at most [`MAX_LIMIT`]).
    pub fn co_travellers(
        &self,
        traveller_id: i64,
        limit: usize,
    ) -> Result<Vec<CoTraveller>, HistoryError> {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(HistoryError::InvalidQuery {
                field: "limit",
                problem: "must be between 1 and 500",
            });
        }
        let traveller = self
            .get(traveller_id)?
            .ok_or(HistoryError::TravellerNotFound(traveller_id))?;
        let links: Vec<SharedLink> = LINK_KINDS
            .iter()
            .flat_map(|&kind| {
                kind.values(&traveller).iter().map(move |value| SharedLink {
                    kind,
                    value: value.clone(),
                })
            })
            .collect();
        if links.is_empty() {
            return Ok(Vec::new());
        }
        // Each shared value scores 1, so the score counts the links.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = links
            .iter()
            .map(|link| {
                let term = Term::from_field_text(self.link_field(link.kind), &link.value);
                let query = TermQuery::new(term, IndexRecordOption::Basic);
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(query), 1.0)) as Box<dyn Query>,
                )
            })
            .collect();
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_i64(self.fields.traveller_id, traveller_id),
                IndexRecordOption::Basic,
            )),
        ));
        let searcher = self.reader.searcher();
        // A traveller sent in both feeds may be found twice: read twice the limit, keep each once.
        let hits = searcher
            .search(
                &self.within_feeds(Box::new(BooleanQuery::new(clauses))),
                &TopDocs::with_limit(limit * 2).order_by_score(),
            )
            .map_err(HistoryError::index("search co-travellers"))?;
        let mut seen = std::collections::HashSet::new();
        let found: Vec<CoTraveller> = hits
            .into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher
                    .doc(address)
                    .map_err(HistoryError::index("read stored traveller"))?;
                let other = TravellerDoc::from_document(&doc, &self.fields)?;
                let shared = links
                    .iter()
                    .filter(|link| link.kind.values(&other).contains(&link.value))
                    .cloned()
                    .collect();
                Ok(CoTraveller {
                    traveller: other,
                    shared,
                })
            })
            .collect::<Result<_, HistoryError>>()?;
        Ok(found
            .into_iter()
            .filter(|co| seen.insert(co.traveller.traveller_id))
            .take(limit)
            .collect())
    }

    fn link_field(&self, kind: LinkKind) -> Field {
        match kind {
            LinkKind::PnrLocator => self.fields.pnr_locators,
            LinkKind::Email => self.fields.emails,
            LinkKind::Phone => self.fields.phones,
            LinkKind::PaymentRef => self.fields.payment_refs,
        }
    }
}
