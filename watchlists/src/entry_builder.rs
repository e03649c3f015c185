//! Collects one person's values while an importer reads them, dropping repeats.

use crate::birth_date;
use model::watchlist::{Entry, Gender, ListedDocument, PartialDate};

/// Builds an [`Entry`]: names are whitespace-normalised (NBSP and runs of spaces become
/// one space) but otherwise kept as listed; exact repeats of any value are dropped.
#[derive(Debug, Default)]
pub(crate) struct EntryBuilder {
    names: Vec<String>,
    birth_dates: Vec<PartialDate>,
    nationalities: Vec<String>,
    gender: Option<Gender>,
    documents: Vec<ListedDocument>,
}

/// Collapses every run of Unicode whitespace (NBSP included) to one space and trims.
pub(crate) fn normalise_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl EntryBuilder {
    /// A `;` inside a name becomes `,`: `;` separates values in the paxwatch CSV, and the
    /// lists use it inside a name only to list spellings (`Fazel Rahim; Fazil Rahim`).
    pub fn name(&mut self, name: &str) {
        let name = normalise_whitespace(&name.replace(';', ","));
        if !name.is_empty() && !self.names.contains(&name) {
            self.names.push(name);
        }
    }

    pub fn birth_dates(&mut self, dates: impl IntoIterator<Item = PartialDate>) {
        birth_date::push_unique(&mut self.birth_dates, dates);
    }

    pub fn nationality(&mut self, alpha3: &str) {
        if !self.nationalities.iter().any(|n| n == alpha3) {
            self.nationalities.push(alpha3.to_owned());
        }
    }

    pub fn gender(&mut self, gender: Gender) {
        self.gender.get_or_insert(gender);
    }

    pub fn document(&mut self, kind: &str, number: &str, country: Option<&str>) {
        let number = normalise_whitespace(number);
        if number.is_empty() {
            return;
        }
        let document = ListedDocument {
            kind: kind.to_owned(),
            number,
            country: country.map(str::to_owned),
        };
        if !self.documents.contains(&document) {
            self.documents.push(document);
        }
    }

    /// The entry, or `None` when no name was found (a person without a name cannot be screened).
    pub fn build(self, id: String, list: &str) -> Option<Entry> {
        if self.names.is_empty() {
            return None;
        }
        Some(Entry {
            id,
            list: list.to_owned(),
            names: self.names,
            birth_dates: self.birth_dates,
            nationalities: self.nationalities,
            gender: self.gender,
            documents: self.documents,
        })
    }
}
