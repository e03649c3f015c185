//! [`TravellerDoc`]: what the pipeline indexes for one traveller version, and its mapping to and from a tantivy
//! document.

use tantivy::schema::Value;
use tantivy::TantivyDocument;
use time::{Date, OffsetDateTime, UtcOffset};

use super::error::HistoryError;
use super::normalise;
use super::schema::Fields;

/// One traveller identity on one flight, as of its latest stored version.
///
/// Plain data: the pipeline builds it from the stored traveller version. Identifiers (documents, codes,
/// contacts, payment references) are normalised when indexed, so a document read back from the index holds
/// the normalised form (e.g. document numbers without spaces or dashes, e-mails in lower case, phones as
/// digits); names are kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TravellerDoc {
    /// Stable id of the traveller identity on a flight; the index keeps one document per id.
    pub traveller_id: i64,
    /// Global, increasing id of the stored version this document was built from (the watermark's unit).
    pub version_id: i64,
    pub flight_id: i64,
    /// `PAXLST` or `PNRGOV`.
    pub message_kind: String,
    pub surname: String,
    pub given_names: String,
    pub birth_date: Option<Date>,
    pub gender: Option<String>,
    pub nationality: Option<String>,
    pub document_numbers: Vec<String>,
    pub carrier: String,
    pub flight_number: String,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub departure_date: Option<Date>,
    pub pnr_locators: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub payment_refs: Vec<String>,
    pub received_at: OffsetDateTime,
}

pub(crate) fn julian_day(date: Date) -> i64 {
    i64::from(date.to_julian_day())
}

fn unix_micros(at: OffsetDateTime) -> Result<i64, ()> {
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000)).map_err(|_| ())
}

impl TravellerDoc {
    /// The document's key: one document per traveller and feed.
    pub(crate) fn record_key(&self) -> String {
        format!(
            "{}/{}",
            self.traveller_id,
            normalise::code(&self.message_kind)
        )
    }

    pub(crate) fn to_document(&self, fields: &Fields) -> Result<TantivyDocument, HistoryError> {
        let mut doc = TantivyDocument::new();
        doc.add_i64(fields.traveller_id, self.traveller_id);
        doc.add_text(fields.record_key, self.record_key());
        doc.add_i64(fields.version_id, self.version_id);
        doc.add_i64(fields.flight_id, self.flight_id);
        add_normalised(
            &mut doc,
            fields.message_kind,
            [&self.message_kind],
            normalise::code,
        );
        doc.add_text(fields.surname, &self.surname);
        doc.add_text(fields.given_names, &self.given_names);
        for token in normalise::name_tokens(&self.surname) {
            doc.add_text(fields.surname_tokens, &token);
            doc.add_text(fields.name_tokens, &token);
        }
        for token in normalise::name_tokens(&self.given_names) {
            doc.add_text(fields.given_tokens, &token);
            doc.add_text(fields.name_tokens, &token);
        }
        if let Some(date) = self.birth_date {
            doc.add_i64(fields.birth_date, julian_day(date));
        }
        add_normalised(&mut doc, fields.gender, &self.gender, normalise::code);
        add_normalised(
            &mut doc,
            fields.nationality,
            &self.nationality,
            normalise::code,
        );
        add_normalised(
            &mut doc,
            fields.document_numbers,
            &self.document_numbers,
            normalise::document_number,
        );
        add_normalised(&mut doc, fields.carrier, [&self.carrier], normalise::code);
        add_normalised(
            &mut doc,
            fields.flight_number,
            [&self.flight_number],
            normalise::flight_number,
        );
        add_normalised(&mut doc, fields.origin, &self.origin, normalise::code);
        add_normalised(
            &mut doc,
            fields.destination,
            &self.destination,
            normalise::code,
        );
        if let Some(date) = self.departure_date {
            doc.add_i64(fields.departure_date, julian_day(date));
        }
        add_normalised(
            &mut doc,
            fields.pnr_locators,
            &self.pnr_locators,
            normalise::code,
        );
        add_normalised(&mut doc, fields.emails, &self.emails, normalise::email);
        add_normalised(&mut doc, fields.phones, &self.phones, normalise::phone);
        add_normalised(
            &mut doc,
            fields.payment_refs,
            &self.payment_refs,
            normalise::payment_ref,
        );
        let received_at =
            unix_micros(self.received_at).map_err(|()| HistoryError::InvalidDocument {
                traveller_id: self.traveller_id,
                problem: "received_at is outside the range the index can hold",
            })?;
        doc.add_i64(fields.received_at, received_at);
        Ok(doc)
    }

    pub(crate) fn from_document(
        doc: &TantivyDocument,
        fields: &Fields,
    ) -> Result<TravellerDoc, HistoryError> {
        let int = |field| doc.get_first(field).and_then(|value| value.as_i64());
        let required_int = |field, what| int(field).ok_or(HistoryError::Corrupt { what });
        let text = |field| {
            doc.get_first(field)
                .and_then(|value| value.as_str().map(str::to_owned))
        };
        let texts = |field| {
            doc.get_all(field)
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        };
        let date = |field, what| -> Result<Option<Date>, HistoryError> {
            int(field)
                .map(|day| {
                    i32::try_from(day)
                        .ok()
                        .and_then(|day| Date::from_julian_day(day).ok())
                        .ok_or(HistoryError::Corrupt { what })
                })
                .transpose()
        };
        let received_micros = required_int(fields.received_at, "document without received_at")?;
        let received_at =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(received_micros) * 1_000)
                .map(|at| at.to_offset(UtcOffset::UTC))
                .map_err(|_| HistoryError::Corrupt {
                    what: "received_at out of range",
                })?;
        Ok(TravellerDoc {
            traveller_id: required_int(fields.traveller_id, "document without traveller_id")?,
            version_id: required_int(fields.version_id, "document without version_id")?,
            flight_id: required_int(fields.flight_id, "document without flight_id")?,
            message_kind: text(fields.message_kind).unwrap_or_default(),
            surname: text(fields.surname).unwrap_or_default(),
            given_names: text(fields.given_names).unwrap_or_default(),
            birth_date: date(fields.birth_date, "birth_date out of range")?,
            gender: text(fields.gender),
            nationality: text(fields.nationality),
            document_numbers: texts(fields.document_numbers),
            carrier: text(fields.carrier).unwrap_or_default(),
            flight_number: text(fields.flight_number).unwrap_or_default(),
            origin: text(fields.origin),
            destination: text(fields.destination),
            departure_date: date(fields.departure_date, "departure_date out of range")?,
            pnr_locators: texts(fields.pnr_locators),
            emails: texts(fields.emails),
            phones: texts(fields.phones),
            payment_refs: texts(fields.payment_refs),
            received_at,
        })
    }
}

/// Adds every value that is not empty once normalised.
fn add_normalised<'a>(
    doc: &mut TantivyDocument,
    field: tantivy::schema::Field,
    values: impl IntoIterator<Item = &'a String>,
    normalise: fn(&str) -> String,
) {
    for value in values {
        let value = normalise(value);
        if !value.is_empty() {
            doc.add_text(field, &value);
        }
    }
}
