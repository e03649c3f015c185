//! List versions: what was imported, from which bytes, and how it differs from the last one.

use crate::source::SourceFormat;
use crate::Import;
use chrono::{DateTime, Utc};
use model::watchlist::Entry;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Read;

/// One imported version of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListVersion {
    /// The list's name (`UN`, `OFAC-SDN`, or what the operator chose).
    pub list: String,
    pub format: SourceFormat,
    /// The file's own date or publication id when it has one, else `sha256-<first 16 hex>`.
    pub label: String,
    pub entry_count: usize,
    pub imported_at: DateTime<Utc>,
    /// SHA-256 of the imported file's bytes, hex.
    pub sha256: String,
    /// SHA-256 of the aliases file joined in (OFAC `alt.csv`), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases_sha256: Option<String>,
}

/// The hash and size of bytes read through a [`HashingReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentHash {
    pub sha256: String,
    pub bytes: u64,
}

impl ListVersion {
    pub(crate) fn new(
        list: &str,
        format: SourceFormat,
        import: &Import,
        content: ContentHash,
        aliases_sha256: Option<String>,
    ) -> Self {
        let label = match &import.published {
            Some(published) => published.clone(),
            None => {
                let mut hasher = Sha256::new();
                hasher.update(content.sha256.as_bytes());
                if let Some(aliases) = &aliases_sha256 {
                    hasher.update(aliases.as_bytes());
                }
                let combined = hex::encode(hasher.finalize());
                let hash = if aliases_sha256.is_some() {
                    &combined
                } else {
                    &content.sha256
                };
                format!("sha256-{}", hash.get(..16).unwrap_or(hash))
            }
        };
        ListVersion {
            list: list.to_owned(),
            format,
            label,
            entry_count: import.entries.len(),
            imported_at: Utc::now(),
            sha256: content.sha256,
            aliases_sha256,
        }
    }

    /// The line printed after an import.
    pub fn summary(&self) -> String {
        format!(
            "{} version {} ({}, {} entries, sha256 {}, imported {})",
            self.list,
            self.label,
            self.format,
            self.entry_count,
            self.sha256,
            self.imported_at.format("%Y-%m-%dT%H:%M:%SZ")
        )
    }
}

/// Hashes everything read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn finish(self) -> ContentHash {
        ContentHash {
            sha256: hex::encode(self.hasher.finalize()),
            bytes: self.bytes,
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(out)?;
        let read = out.get(..count).unwrap_or_default();
        self.hasher.update(read);
        self.bytes += count as u64;
        Ok(count)
    }
}

/// An entry field, as named in a [`Diff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryField {
    List,
    Names,
    BirthDates,
    Nationalities,
    Gender,
    Documents,
}

impl EntryField {
    pub fn name(self) -> &'static str {
        match self {
            EntryField::List => "list",
            EntryField::Names => "names",
            EntryField::BirthDates => "birth_dates",
            EntryField::Nationalities => "nationalities",
            EntryField::Gender => "gender",
            EntryField::Documents => "documents",
        }
    }
}

/// An entry present in both versions whose fields differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedEntry {
    pub id: String,
    pub fields: Vec<EntryField>,
}

/// How a new version differs from the previous one, by entry id. Ids are listed in the order
/// of the version they come from (removed: the old one; added and changed: the new one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<ChangedEntry>,
}

/// A compact fingerprint of one entry: a hash per field, enough to tell whether and where
/// two versions of an entry differ without keeping the old entry in memory (a million-entry
/// list is diffed against a fingerprint of about a hundred bytes per entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryDigest([u64; 6]);

impl EntryDigest {
    pub fn of(entry: &Entry) -> Self {
        // DefaultHasher::new() uses fixed keys: equal values hash equally within this process,
        // which is all a diff computed here needs (digests are never stored).
        fn hash(value: &impl Hash) -> u64 {
            let mut hasher = DefaultHasher::new();
            value.hash(&mut hasher);
            hasher.finish()
        }
        EntryDigest([
            hash(&entry.list),
            hash(&entry.names),
            hash(&entry.birth_dates),
            hash(&entry.nationalities),
            hash(&entry.gender),
            hash(&entry.documents),
        ])
    }

    /// The fields whose hashes differ.
    pub fn differing(&self, other: &EntryDigest) -> Vec<EntryField> {
        const FIELDS: [EntryField; 6] = [
            EntryField::List,
            EntryField::Names,
            EntryField::BirthDates,
            EntryField::Nationalities,
            EntryField::Gender,
            EntryField::Documents,
        ];
        FIELDS
            .into_iter()
            .zip(self.0.iter().zip(other.0.iter()))
            .filter(|(_, (a, b))| a != b)
            .map(|(field, _)| field)
            .collect()
    }
}

/// The fingerprints of a whole version, in its order, for diffing a newer version against it.
#[derive(Debug, Default)]
pub struct VersionDigest {
    ids: Vec<String>,
    by_id: HashMap<String, EntryDigest>,
}

impl VersionDigest {
    /// Adds one entry (a repeated id keeps its first fingerprint, as imports do).
    pub fn push(&mut self, entry: &Entry) {
        if !self.by_id.contains_key(&entry.id) {
            self.by_id.insert(entry.id.clone(), EntryDigest::of(entry));
            self.ids.push(entry.id.clone());
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl<'a> FromIterator<&'a Entry> for VersionDigest {
    fn from_iter<T: IntoIterator<Item = &'a Entry>>(entries: T) -> Self {
        let mut digest = VersionDigest::default();
        for entry in entries {
            digest.push(entry);
        }
        digest
    }
}

impl Diff {
    pub fn between(old: &[Entry], new: &[Entry]) -> Diff {
        Diff::against_digest(&old.iter().collect(), new)
    }

    /// The diff from the version `old` fingerprints to `new`.
    pub fn against_digest(old: &VersionDigest, new: &[Entry]) -> Diff {
        let mut diff = Diff::default();
        let mut seen: HashSet<&str> = HashSet::with_capacity(new.len());
        for entry in new {
            if !seen.insert(entry.id.as_str()) {
                continue;
            }
            match old.by_id.get(&entry.id) {
                None => diff.added.push(entry.id.clone()),
                Some(previous) => {
                    let fields = previous.differing(&EntryDigest::of(entry));
                    if !fields.is_empty() {
                        diff.changed.push(ChangedEntry {
                            id: entry.id.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        diff.removed = old
            .ids
            .iter()
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect();
        diff
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// How many changed entries touch each field, in field order.
    pub fn changed_fields(&self) -> Vec<(EntryField, usize)> {
        let mut counts: Vec<(EntryField, usize)> = Vec::new();
        for field in self.changed.iter().flat_map(|c| c.fields.iter()) {
            match counts.iter_mut().find(|(f, _)| f == field) {
                Some((_, count)) => *count += 1,
                None => counts.push((*field, 1)),
            }
        }
        counts.sort_by_key(|(field, _)| *field as u8);
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::watchlist::{Gender, PartialDate};

    fn entry(id: &str, name: &str) -> Entry {
        Entry {
            id: id.into(),
            list: "L".into(),
            names: vec![name.into()],
            birth_dates: vec![],
            nationalities: vec![],
            gender: None,
            documents: vec![],
        }
    }

    #[test]
    fn diff_finds_added_removed_and_changed_fields() {
        let old = vec![
            entry("a", "Alpha"),
            entry("b", "Bravo"),
            entry("c", "Charlie"),
        ];
        let mut b = entry("b", "Bravo");
        b.gender = Some(Gender::Male);
        b.birth_dates.push(PartialDate {
            year: 1970,
            month: None,
            day: None,
        });
        let mut c = entry("c", "Charlie");
        c.names.push("Charly".into());
        let new = vec![entry("d", "Delta"), b, c, entry("a", "Alpha")];
        let diff = Diff::between(&old, &new);
        assert_eq!(diff.added, ["d"]);
        assert!(diff.removed.is_empty());
        assert_eq!(
            diff.changed,
            [
                ChangedEntry {
                    id: "b".into(),
                    fields: vec![EntryField::BirthDates, EntryField::Gender]
                },
                ChangedEntry {
                    id: "c".into(),
                    fields: vec![EntryField::Names]
                },
            ]
        );
        assert_eq!(
            diff.changed_fields(),
            [
                (EntryField::Names, 1),
                (EntryField::BirthDates, 1),
                (EntryField::Gender, 1)
            ]
        );
        let back = Diff::between(&new, &old);
        assert_eq!(back.removed, ["d"]);
        assert!(Diff::between(&old, &old).is_empty());
    }

    #[test]
    fn hashing_reader_hashes_all_bytes() {
        let mut reader = HashingReader::new(&b"abc"[..]);
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        let hash = reader.finish();
        assert_eq!(hash.bytes, 3);
        assert_eq!(
            hash.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
