//! Where imported list versions are kept so that the next import can be diffed against the
//! last one. [`VersionStore`] is the seam: today a directory of JSON-lines files, later the
//! service's database.

use crate::version::VersionDigest;
use crate::ListVersion;
use model::watchlist::Entry;
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {source}")]
    Json {
        path: PathBuf,
        line: u64,
        source: serde_json::Error,
    },
}

/// Keeps list versions and their entries.
pub trait VersionStore {
    /// Versions of `list`, oldest first.
    fn versions(&self, list: &str) -> Result<Vec<ListVersion>, StoreError>;
    /// The entries of one stored version.
    fn entries(&self, version: &ListVersion) -> Result<Vec<Entry>, StoreError>;
    /// Stores a version and its entries; returns the version as stored (its label may be
    /// made unique if another version of the list already has it).
    fn save(&self, version: ListVersion, entries: &[Entry]) -> Result<ListVersion, StoreError>;

    /// The fingerprints of one stored version's entries, for diffing without holding them.
    fn digest(&self, version: &ListVersion) -> Result<VersionDigest, StoreError> {
        Ok(self.entries(version)?.iter().collect())
    }

    /// The newest version of `list` and its fingerprints.
    fn latest_digest(
        &self,
        list: &str,
    ) -> Result<Option<(ListVersion, VersionDigest)>, StoreError> {
        match self.versions(list)?.pop() {
            Some(version) => {
                let digest = self.digest(&version)?;
                Ok(Some((version, digest)))
            }
            None => Ok(None),
        }
    }

    /// The newest version of `list` and its entries.
    fn latest(&self, list: &str) -> Result<Option<(ListVersion, Vec<Entry>)>, StoreError> {
        match self.versions(list)?.pop() {
            Some(version) => {
                let entries = self.entries(&version)?;
                Ok(Some((version, entries)))
            }
            None => Ok(None),
        }
    }
}

/// `DIR/watchlists/<list>/<label>.jsonl` (one entry per line) and
/// `DIR/watchlists/<list>/manifest.json` (the versions, oldest first). Files are written
/// to a temporary name and renamed, so a crash leaves either the old state or the new.
#[derive(Debug, Clone)]
pub struct DirectoryStore {
    root: PathBuf,
}

/// A name safe as one path component: letters, digits, `.`, `_`, `-`; others become `-`.
fn path_component(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    // A leading dot would hide the file or climb out of the directory (`..`).
    match safe.trim_start_matches('.') {
        "" => "_".to_owned(),
        rest => rest.to_owned(),
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

impl DirectoryStore {
    /// A store under `data_dir` (created on first save).
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            root: data_dir.into().join("watchlists"),
        }
    }

    fn list_dir(&self, list: &str) -> PathBuf {
        self.root.join(path_component(list))
    }

    fn manifest_path(&self, list: &str) -> PathBuf {
        self.list_dir(list).join("manifest.json")
    }

    /// The file holding a version's entries.
    pub fn entries_path(&self, version: &ListVersion) -> PathBuf {
        self.list_dir(&version.list)
            .join(format!("{}.jsonl", path_component(&version.label)))
    }

    /// Streams a stored version's entries.
    fn for_each_entry(
        &self,
        version: &ListVersion,
        mut each: impl FnMut(Entry),
    ) -> Result<(), StoreError> {
        let path = self.entries_path(version);
        let file = fs::File::open(&path).map_err(io_error(&path))?;
        for (index, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io_error(&path))?;
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(&line).map_err(|source| StoreError::Json {
                path: path.clone(),
                line: index as u64 + 1,
                source,
            })?;
            each(entry);
        }
        Ok(())
    }

    fn write_atomically(
        path: &Path,
        write: impl FnOnce(&mut BufWriter<fs::File>) -> std::io::Result<()>,
    ) -> Result<(), StoreError> {
        let temporary = path.with_extension("tmp");
        let file = fs::File::create(&temporary).map_err(io_error(&temporary))?;
        let mut writer = BufWriter::new(file);
        write(&mut writer).map_err(io_error(&temporary))?;
        let file = writer
            .into_inner()
            .map_err(|e| io_error(&temporary)(e.into_error()))?;
        file.sync_all().map_err(io_error(&temporary))?;
        fs::rename(&temporary, path).map_err(io_error(path))
    }
}

impl VersionStore for DirectoryStore {
    fn versions(&self, list: &str) -> Result<Vec<ListVersion>, StoreError> {
        let path = self.manifest_path(list);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io_error(&path)(err)),
        };
        serde_json::from_str(&text).map_err(|source| StoreError::Json {
            path,
            line: 1,
            source,
        })
    }

    fn entries(&self, version: &ListVersion) -> Result<Vec<Entry>, StoreError> {
        let mut entries = Vec::with_capacity(version.entry_count);
        self.for_each_entry(version, |entry| entries.push(entry))?;
        Ok(entries)
    }

    fn digest(&self, version: &ListVersion) -> Result<VersionDigest, StoreError> {
        let mut digest = VersionDigest::default();
        self.for_each_entry(version, |entry| digest.push(&entry))?;
        Ok(digest)
    }

    fn save(&self, mut version: ListVersion, entries: &[Entry]) -> Result<ListVersion, StoreError> {
        let dir = self.list_dir(&version.list);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let mut versions = self.versions(&version.list)?;
        // The same label with other content (a list republished under the same date): keep
        // both, telling them apart by hash.
        if versions
            .iter()
            .any(|v| v.label == version.label && v.sha256 != version.sha256)
        {
            version.label = format!(
                "{}+{}",
                version.label,
                version.sha256.get(..8).unwrap_or(&version.sha256)
            );
        }
        let entries_path = self.entries_path(&version);
        Self::write_atomically(&entries_path, |writer| {
            for entry in entries {
                serde_json::to_writer(&mut *writer, entry)?;
                writer.write_all(b"\n")?;
            }
            Ok(())
        })?;
        versions.retain(|v| v.label != version.label);
        versions.push(version.clone());
        let manifest = self.manifest_path(&version.list);
        Self::write_atomically(&manifest, |writer| {
            serde_json::to_writer_pretty(&mut *writer, &versions)?;
            writer.write_all(b"\n")
        })?;
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFormat;

    fn version(label: &str, sha256: &str, entries: &[Entry]) -> ListVersion {
        ListVersion {
            list: "UN".into(),
            format: SourceFormat::Un,
            label: label.into(),
            entry_count: entries.len(),
            imported_at: chrono::Utc::now(),
            sha256: sha256.into(),
            aliases_sha256: None,
        }
    }

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            list: "UN".into(),
            names: vec![format!("Person {id}")],
            birth_dates: vec![],
            nationalities: vec!["AFG".into()],
            gender: None,
            documents: vec![],
        }
    }

    #[test]
    fn saves_and_reads_back_versions_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryStore::new(dir.path());
        assert!(store.latest("UN").unwrap().is_none());
        let first = vec![entry("a"), entry("b")];
        store
            .save(version("2025-04-19T23:00:04.625Z", "aa", &first), &first)
            .unwrap();
        let second = vec![entry("b"), entry("c")];
        store
            .save(version("2025-05-01", "bb", &second), &second)
            .unwrap();
        let versions = store.versions("UN").unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| v.label.as_str())
                .collect::<Vec<_>>(),
            ["2025-04-19T23:00:04.625Z", "2025-05-01"]
        );
        let (latest, entries) = store.latest("UN").unwrap().unwrap();
        assert_eq!(latest.label, "2025-05-01");
        assert_eq!(entries, second);
        assert_eq!(store.entries(&versions[0]).unwrap(), first);
        let (_, digest) = store.latest_digest("UN").unwrap().unwrap();
        assert_eq!(digest.len(), 2);
        let diff = crate::Diff::against_digest(&digest, &first);
        assert_eq!(
            (diff.added, diff.removed),
            (vec!["a".to_owned()], vec!["c".to_owned()])
        );
        assert!(dir
            .path()
            .join("watchlists/UN/2025-04-19T23-00-04.625Z.jsonl")
            .exists());
    }

    #[test]
    fn same_label_other_content_is_kept_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirectoryStore::new(dir.path());
        let entries = vec![entry("a")];
        store
            .save(version("2025-05-01", "11111111aaaa", &entries), &entries)
            .unwrap();
        let stored = store
            .save(version("2025-05-01", "22222222bbbb", &entries), &entries)
            .unwrap();
        assert_eq!(stored.label, "2025-05-01+22222222");
        assert_eq!(store.versions("UN").unwrap().len(), 2);
        // Re-importing identical content replaces its own record instead of adding one.
        store
            .save(version("2025-05-01", "11111111aaaa", &entries), &entries)
            .unwrap();
        assert_eq!(store.versions("UN").unwrap().len(), 2);
    }

    #[test]
    fn list_names_cannot_escape_the_data_directory() {
        assert_eq!(path_component("../etc"), "-etc");
        assert_eq!(path_component(".."), "_");
        assert_eq!(path_component("OFAC-SDN"), "OFAC-SDN");
    }
}
