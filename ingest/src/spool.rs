//! The spool-directory transport: carriers that cannot call the HTTP endpoint drop files into
//! `inbox/<CARRIER>/`; each file is claimed, handed to the caller (which stores it durably), then moved
//! to `done/<CARRIER>/` or, with a `.reason` file beside it, to `failed/<CARRIER>/`. The CONTRL answer,
//! when there is one, is written to `outbox/<CARRIER>/<file>.contrl`.
//!
//! # Nothing lost across restarts
//!
//! A claimed file is first renamed into `processing/<CARRIER>/` (a rename within one file system is
//! atomic), so it is always in exactly one directory. [`SpoolDir::open`] moves everything still in
//! `processing/` back to `inbox/`: a file whose processing was cut off is simply processed again, and the
//! store's duplicate rule (same sender, same bytes) makes that safe. Files that are still being written
//! must carry a name starting with `.` or ending in `.part` or `.tmp` until they are renamed into place;
//! such names are never claimed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Sub-directories of a spool root.
const INBOX: &str = "inbox";
const PROCESSING: &str = "processing";
const DONE: &str = "done";
const FAILED: &str = "failed";
const OUTBOX: &str = "outbox";

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("spool directory {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SpoolError + '_ {
    move |source| SpoolError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A spool root with its five sub-directories.
#[derive(Debug, Clone)]
pub struct SpoolDir {
    root: PathBuf,
}

/// A file taken out of the inbox, with its bytes; finish it with [`SpoolDir::complete`] or
/// [`SpoolDir::fail`].
#[derive(Debug)]
pub struct ClaimedFile {
    /// The inbox sub-directory it came from: the sender as the transport knows it.
    pub carrier: String,
    /// The file name as dropped.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A name a writer is still filling in, or not a message at all.
fn is_in_progress(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp")
}

/// A directory name usable as a carrier: letters and digits only, so it can never climb out of the
/// spool (`..`) or name something else.
fn is_carrier_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 35 && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl SpoolDir {
    /// Opens (creating what is missing) the spool at `root` and puts back into the inbox every file
    /// whose processing was interrupted. Returns how many files were put back.
    pub fn open(root: impl Into<PathBuf>) -> Result<(SpoolDir, usize), SpoolError> {
        let spool = SpoolDir { root: root.into() };
        for sub in [INBOX, PROCESSING, DONE, FAILED, OUTBOX] {
            let path = spool.root.join(sub);
            fs::create_dir_all(&path).map_err(io_error(&path))?;
        }
        let mut recovered = 0;
        for (carrier, name) in spool.list(PROCESSING)? {
            let from = spool.root.join(PROCESSING).join(&carrier).join(&name);
            let to_dir = spool.root.join(INBOX).join(&carrier);
            fs::create_dir_all(&to_dir).map_err(io_error(&to_dir))?;
            fs::rename(&from, to_dir.join(&name)).map_err(io_error(&from))?;
            recovered += 1;
        }
        Ok((spool, recovered))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `(carrier, file name)` of every complete file under `sub`, sorted so that files are taken in
    /// a stable order (by carrier, then name — senders number their files).
    fn list(&self, sub: &str) -> Result<Vec<(String, String)>, SpoolError> {
        let base = self.root.join(sub);
        let mut found = Vec::new();
        for carrier_dir in fs::read_dir(&base).map_err(io_error(&base))? {
            let carrier_dir = carrier_dir.map_err(io_error(&base))?;
            let Ok(carrier) = carrier_dir.file_name().into_string() else {
                continue;
            };
            if !is_carrier_name(&carrier) || !carrier_dir.path().is_dir() {
                continue;
            }
            let dir = carrier_dir.path();
            for file in fs::read_dir(&dir).map_err(io_error(&dir))? {
                let file = file.map_err(io_error(&dir))?;
                let Ok(name) = file.file_name().into_string() else {
                    continue;
                };
                if is_in_progress(&name) || !file.path().is_file() {
                    continue;
                }
                found.push((carrier.clone(), name));
            }
        }
        found.sort();
        Ok(found)
    }

    /// Claims the next complete file in the inbox, or `None` when it is empty.
    pub fn claim_next(&self) -> Result<Option<ClaimedFile>, SpoolError> {
        for (carrier, name) in self.list(INBOX)? {
            let from = self.root.join(INBOX).join(&carrier).join(&name);
            let dir = self.root.join(PROCESSING).join(&carrier);
            fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            let to = dir.join(&name);
            match fs::rename(&from, &to) {
                Ok(()) => {}
                // Another claimer took it first.
                Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
                Err(err) => return Err(io_error(&from)(err)),
            }
            let bytes = fs::read(&to).map_err(io_error(&to))?;
            return Ok(Some(ClaimedFile {
                carrier,
                name,
                bytes,
            }));
        }
        Ok(None)
    }

    fn finish(
        &self,
        file: &ClaimedFile,
        sub: &str,
        reason: Option<&str>,
        ack: Option<&[u8]>,
    ) -> Result<(), SpoolError> {
        if let Some(ack) = ack {
            let dir = self.root.join(OUTBOX).join(&file.carrier);
            fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            // Written aside and renamed, so the carrier never picks up half an acknowledgement.
            let partial = dir.join(format!(".{}.contrl.part", file.name));
            fs::write(&partial, ack).map_err(io_error(&partial))?;
            let done = dir.join(format!("{}.contrl", file.name));
            fs::rename(&partial, &done).map_err(io_error(&done))?;
        }
        let dir = self.root.join(sub).join(&file.carrier);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        if let Some(reason) = reason {
            let path = dir.join(format!("{}.reason", file.name));
            fs::write(&path, reason).map_err(io_error(&path))?;
        }
        let from = self
            .root
            .join(PROCESSING)
            .join(&file.carrier)
            .join(&file.name);
        fs::rename(&from, dir.join(&file.name)).map_err(io_error(&from))
    }

    /// The file could not be handled now (the store is down): puts it back into the inbox, to be claimed
    /// again.
    pub fn release(&self, file: &ClaimedFile) -> Result<(), SpoolError> {
        let from = self
            .root
            .join(PROCESSING)
            .join(&file.carrier)
            .join(&file.name);
        let to = self.root.join(INBOX).join(&file.carrier).join(&file.name);
        fs::rename(&from, &to).map_err(io_error(&from))
    }

    /// The file was stored: moves it to `done/` and writes its acknowledgement, if any.
    pub fn complete(&self, file: &ClaimedFile, ack: Option<&[u8]>) -> Result<(), SpoolError> {
        self.finish(file, DONE, None, ack)
    }

    /// The file was refused: moves it to `failed/` with `reason` beside it (the reason must not carry
    /// personal data), and writes its acknowledgement, if any.
    pub fn fail(
        &self,
        file: &ClaimedFile,
        reason: &str,
        ack: Option<&[u8]>,
    ) -> Result<(), SpoolError> {
        self.finish(file, FAILED, Some(reason), ack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drop_file(root: &Path, carrier: &str, name: &str, bytes: &[u8]) {
        let dir = root.join(INBOX).join(carrier);
        fs::create_dir_all(&dir).expect("inbox dir");
        fs::write(dir.join(name), bytes).expect("dropped");
    }

    #[test]
    fn files_are_claimed_in_order_and_moved_to_done_with_their_ack() {
        let temp = tempfile::tempdir().expect("temp dir");
        let (spool, recovered) = SpoolDir::open(temp.path()).expect("opens");
        assert_eq!(recovered, 0);
        drop_file(temp.path(), "LH", "0002.edi", b"second");
        drop_file(temp.path(), "LH", "0001.edi", b"first");
        let first = spool.claim_next().expect("claims").expect("a file");
        assert_eq!(
            (first.carrier.as_str(), first.name.as_str()),
            ("LH", "0001.edi")
        );
        assert_eq!(first.bytes, b"first");
        spool.complete(&first, Some(b"UNB+ack")).expect("completes");
        assert!(temp.path().join("done/LH/0001.edi").is_file());
        assert_eq!(
            fs::read(temp.path().join("outbox/LH/0001.edi.contrl")).expect("ack"),
            b"UNB+ack"
        );
        let second = spool.claim_next().expect("claims").expect("a file");
        assert_eq!(second.name, "0002.edi");
    }

    #[test]
    fn refused_files_go_to_failed_with_a_reason() {
        let temp = tempfile::tempdir().expect("temp dir");
        let (spool, _) = SpoolDir::open(temp.path()).expect("opens");
        drop_file(temp.path(), "AF", "bad.edi", b"not edifact");
        let file = spool.claim_next().expect("claims").expect("a file");
        spool.fail(&file, "not_edifact", None).expect("fails");
        assert!(temp.path().join("failed/AF/bad.edi").is_file());
        assert_eq!(
            fs::read_to_string(temp.path().join("failed/AF/bad.edi.reason")).expect("reason"),
            "not_edifact"
        );
        assert!(spool.claim_next().expect("claims").is_none());
    }

    #[test]
    fn files_being_written_and_odd_directories_are_left_alone() {
        let temp = tempfile::tempdir().expect("temp dir");
        let (spool, _) = SpoolDir::open(temp.path()).expect("opens");
        drop_file(temp.path(), "BA", ".upload", b"x");
        drop_file(temp.path(), "BA", "big.edi.part", b"x");
        drop_file(temp.path(), "BA", "big.edi.tmp", b"x");
        fs::write(temp.path().join(INBOX).join("stray-file"), b"x").expect("stray");
        fs::create_dir_all(temp.path().join(INBOX).join("a-b")).expect("odd dir");
        fs::write(temp.path().join(INBOX).join("a-b").join("m.edi"), b"x").expect("odd");
        assert!(spool.claim_next().expect("claims").is_none());
    }

    #[test]
    fn interrupted_processing_is_put_back_into_the_inbox_on_open() {
        let temp = tempfile::tempdir().expect("temp dir");
        {
            let (spool, _) = SpoolDir::open(temp.path()).expect("opens");
            drop_file(temp.path(), "TK", "m1.edi", b"one");
            let claimed = spool.claim_next().expect("claims").expect("a file");
            // The process dies here: neither complete nor fail.
            drop(claimed);
        }
        let (spool, recovered) = SpoolDir::open(temp.path()).expect("reopens");
        assert_eq!(recovered, 1);
        let again = spool.claim_next().expect("claims").expect("the same file");
        assert_eq!(
            (again.name.as_str(), again.bytes.as_slice()),
            ("m1.edi", &b"one"[..])
        );
    }
}
