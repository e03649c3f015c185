//! The tantivy schema of the history index and its version.
//!
//! Change [`SCHEMA_VERSION`] whenever the schema, a normalisation in [`super::normalise`] or the meaning of a
//! stored value changes: an index written by an older build is then refused at open and rebuilt from the store.

use tantivy::schema::{Field, Schema, FAST, INDEXED, STORED, STRING};

/// The version written into the index directory (see [`super::HistoryIndex::open`]).
pub const SCHEMA_VERSION: u32 = 2;

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub traveller_id: Field,
    /// `TRAVELLER_ID/KIND`: the key of a document, one per traveller and feed (schema 2).
    pub record_key: Field,
    pub version_id: Field,
    pub flight_id: Field,
    pub message_kind: Field,
    pub surname: Field,
    pub given_names: Field,
    /// Folded tokens of the surname (for the name-order boost).
    pub surname_tokens: Field,
    /// Folded tokens of the given names (for the name-order boost).
    pub given_tokens: Field,
    /// Folded tokens of both: what fuzzy name matching runs on, so either order matches.
    pub name_tokens: Field,
    /// Julian day number.
    pub birth_date: Field,
    pub gender: Field,
    pub nationality: Field,
    pub document_numbers: Field,
    pub carrier: Field,
    pub flight_number: Field,
    pub origin: Field,
    pub destination: Field,
    /// Julian day number.
    pub departure_date: Field,
    pub pnr_locators: Field,
    pub emails: Field,
    pub phones: Field,
    pub payment_refs: Field,
    /// Microseconds since the Unix epoch, UTC.
    pub received_at: Field,
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        // Raw (untokenised) terms everywhere: values are normalised before they reach tantivy, so the index
        // needs no analyser of its own and query terms are built with the same functions.
        let fields = Fields {
            traveller_id: builder.add_i64_field("traveller_id", INDEXED | STORED | FAST),
            record_key: builder.add_text_field("record_key", STRING),
            version_id: builder.add_i64_field("version_id", INDEXED | STORED | FAST),
            flight_id: builder.add_i64_field("flight_id", INDEXED | STORED),
            message_kind: builder.add_text_field("message_kind", STRING | STORED),
            surname: builder.add_text_field("surname", STORED),
            given_names: builder.add_text_field("given_names", STORED),
            surname_tokens: builder.add_text_field("surname_tokens", STRING),
            given_tokens: builder.add_text_field("given_tokens", STRING),
            name_tokens: builder.add_text_field("name_tokens", STRING),
            birth_date: builder.add_i64_field("birth_date", INDEXED | STORED | FAST),
            gender: builder.add_text_field("gender", STRING | STORED),
            nationality: builder.add_text_field("nationality", STRING | STORED),
            document_numbers: builder.add_text_field("document_numbers", STRING | STORED),
            carrier: builder.add_text_field("carrier", STRING | STORED),
            flight_number: builder.add_text_field("flight_number", STRING | STORED),
            origin: builder.add_text_field("origin", STRING | STORED),
            destination: builder.add_text_field("destination", STRING | STORED),
            departure_date: builder.add_i64_field("departure_date", INDEXED | STORED | FAST),
            pnr_locators: builder.add_text_field("pnr_locators", STRING | STORED),
            emails: builder.add_text_field("emails", STRING | STORED),
            phones: builder.add_text_field("phones", STRING | STORED),
            payment_refs: builder.add_text_field("payment_refs", STRING | STORED),
            received_at: builder.add_i64_field("received_at", STORED | FAST),
        };
        (builder.build(), fields)
    }
}
