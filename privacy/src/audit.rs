//! The tamper-evident audit log (privacy.md PNR-17, LED-1): every read and write of personal data
//! is one record — who, when, what (identifiers, never the data), why — chained by SHA-256 to the record
//! before it. Changing, removing or reordering any record breaks the chain at that point; rewriting the
//! whole tail is caught by checkpoints, the head hash sealed with a key kept outside the database
//! (HMAC-SHA-256) at intervals.
//!
//! This module is the pure part: hashing, sealing and verification. Storage appends records in the
//! same transaction as the event they record.
//!
//! Records are kept [`AUDIT_RETENTION`] (five years, PNR-17) and then pruned from the front of the chain. A
//! prune leaves a [`PruneMark`] sealed with the same key: the first record kept and its hash. The chain is
//! verified from that record on, so removing old records is told apart from removing records: without a
//! genuine mark, a chain that does not start at record 1 is broken.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// One auditable event. Fields are identifiers and codes: `user:7`, `traveller:123`, a purpose code;
/// never a name, a document number or message content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: OffsetDateTime,
    /// The account, as kind and id (`user:7`, `carrier:LH`, `approver:2`, `system`).
    pub actor: String,
    /// What was done: an [`AuditAction`] code.
    pub action: String,
    /// What it was done to, as a kind and identifiers (`message:17`, `traveller:4,9`, `search`).
    pub object: String,
    /// Why (a [`crate::Purpose`] code); `None` only for system actions.
    pub purpose: Option<String>,
    /// The route template that did it (`GET /api/v1/travellers/{id}`), or the job's name.
    pub route: Option<String>,
    /// How it ended (the HTTP status for requests: `200`, `403` ...).
    pub outcome: Option<String>,
}

/// What was done to personal data (privacy.md PNR-17, LED-1: collection, alteration, consultation,
/// disclosure, combination, erasure; plus the unmasking workflow and exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// Data received from a carrier.
    Collect,
    /// Data read or searched.
    Consult,
    /// Data changed or a decision recorded on it.
    Alter,
    /// Masked data shown unmasked under an approved request.
    Unmask,
    /// An unmasking asked for.
    Request,
    /// An unmasking approved or refused.
    Decide,
    /// Everything on one person handed out (subject access).
    Export,
    /// Data masked or deleted.
    Erase,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        AuditAction::Collect,
        AuditAction::Consult,
        AuditAction::Alter,
        AuditAction::Unmask,
        AuditAction::Request,
        AuditAction::Decide,
        AuditAction::Export,
        AuditAction::Erase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Collect => "collect",
            AuditAction::Consult => "consult",
            AuditAction::Alter => "alter",
            AuditAction::Unmask => "unmask",
            AuditAction::Request => "request",
            AuditAction::Decide => "decide",
            AuditAction::Export => "export",
            AuditAction::Erase => "erase",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == code)
    }
}

/// An event with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainedRecord {
    /// 1 for the first record; no gaps.
    pub seq: u64,
    pub event: AuditEvent,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// The `prev_hash` of the first record.
pub const GENESIS: [u8; 32] = [0; 32];

/// Length-prefixed fields, so that no two different events hash the same bytes.
fn put_field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update(u64::try_from(bytes.len()).unwrap_or(u64::MAX).to_be_bytes());
    hasher.update(bytes);
}

/// Timestamps are hashed at microsecond precision, the precision the store keeps.
fn micros(at: OffsetDateTime) -> i128 {
    at.unix_timestamp_nanos().div_euclid(1_000)
}

/// The hash of record `seq` holding `event` after a record whose hash is `prev_hash`.
pub fn record_hash(seq: u64, prev_hash: &[u8; 32], event: &AuditEvent) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"paxwatch-audit-v2");
    hasher.update(seq.to_be_bytes());
    hasher.update(prev_hash);
    hasher.update(micros(event.at).to_be_bytes());
    put_field(&mut hasher, event.actor.as_bytes());
    put_field(&mut hasher, event.action.as_bytes());
    put_field(&mut hasher, event.object.as_bytes());
    for optional in [&event.purpose, &event.route, &event.outcome] {
        match optional {
            Some(value) => {
                hasher.update([1]);
                put_field(&mut hasher, value.as_bytes());
            }
            None => hasher.update([0]),
        }
    }
    hasher.finalize().into()
}

/// The record that follows `previous` (or starts the chain).
pub fn append(previous: Option<&ChainedRecord>, event: AuditEvent) -> ChainedRecord {
    let (seq, prev_hash) = match previous {
        Some(previous) => (previous.seq + 1, previous.hash),
        None => (1, GENESIS),
    };
    let hash = record_hash(seq, &prev_hash, &event);
    ChainedRecord {
        seq,
        event,
        prev_hash,
        hash,
    }
}

/// The head of the chain at some record, sealed with a key the database never holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: [u8; 32],
    pub seal: [u8; 32],
}

fn seal(key: &[u8], seq: u64, hash: &[u8; 32]) -> Option<[u8; 32]> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(b"paxwatch-audit-checkpoint-v1");
    mac.update(&seq.to_be_bytes());
    mac.update(hash);
    Some(mac.finalize().into_bytes().into())
}

impl Checkpoint {
    /// Seals the head `record` with `key`.
    pub fn seal(key: &[u8], record: &ChainedRecord) -> Option<Checkpoint> {
        Some(Checkpoint {
            seq: record.seq,
            hash: record.hash,
            seal: seal(key, record.seq, &record.hash)?,
        })
    }

    fn is_genuine(&self, key: &[u8]) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
            return false;
        };
        mac.update(b"paxwatch-audit-checkpoint-v1");
        mac.update(&self.seq.to_be_bytes());
        mac.update(&self.hash);
        mac.verify_slice(&self.seal).is_ok()
    }
}

/// How long audit records are kept before they are pruned (PNR-17: five years).
pub const AUDIT_RETENTION: crate::Period = crate::Period::months(60);

/// The seal of a prune: the records before `first_kept` were removed after their retention, and the record
/// `first_kept` had `anchor_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneMark {
    pub first_kept: u64,
    pub anchor_hash: [u8; 32],
    pub seal: [u8; 32],
}

fn prune_seal(key: &[u8], first_kept: u64, anchor_hash: &[u8; 32]) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(b"paxwatch-audit-prune-v1");
    mac.update(&first_kept.to_be_bytes());
    mac.update(anchor_hash);
    Some(mac)
}

impl PruneMark {
    /// Seals a prune that keeps `anchor` and everything after it.
    pub fn seal(key: &[u8], anchor: &ChainedRecord) -> Option<PruneMark> {
        Some(PruneMark {
            first_kept: anchor.seq,
            anchor_hash: anchor.hash,
            seal: prune_seal(key, anchor.seq, &anchor.hash)?
                .finalize()
                .into_bytes()
                .into(),
        })
    }

    fn is_genuine(&self, key: &[u8]) -> bool {
        prune_seal(key, self.first_kept, &self.anchor_hash)
            .is_some_and(|mac| mac.verify_slice(&self.seal).is_ok())
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit record {seq}: its contents do not match its hash (the record was changed)")]
    ContentChanged { seq: u64 },
    #[error("audit record {seq}: it does not follow the record before it (records removed or reordered)")]
    BrokenLink { seq: u64 },
    #[error("audit record {found}: expected record {expected} (records missing)")]
    Gap { expected: u64, found: u64 },
    #[error("checkpoint at record {seq}: its seal is not genuine")]
    ForgedCheckpoint { seq: u64 },
    #[error(
        "checkpoint at record {seq}: the chain there has another hash (the log was rewritten)"
    )]
    CheckpointMismatch { seq: u64 },
    #[error("checkpoint at record {seq}: the log ends before it (records removed from the end)")]
    Truncated { seq: u64 },
    #[error("prune mark at record {seq}: its seal is not genuine")]
    ForgedPrune { seq: u64 },
    #[error("audit record {seq}: it is not the record the prune kept (the log was rewritten)")]
    AnchorMismatch { seq: u64 },
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub records: u64,
    pub head: [u8; 32],
    pub checkpoints: usize,
}

/// Verifies a chain record by record, so a store can stream millions of records through it.
pub struct Verifier {
    checkpoints: Vec<Checkpoint>,
    expected_seq: u64,
    prev_hash: [u8; 32],
    checked: usize,
    /// After a prune: the hash the first record must have (its own link points at a removed record).
    anchor: Option<[u8; 32]>,
    /// The first record's `seq` (1, or the one a prune kept).
    first: u64,
}

impl Verifier {
    /// Checks every checkpoint's seal first: a forged one is reported before any record is read.
    pub fn new(checkpoints: &[Checkpoint], key: &[u8]) -> Result<Verifier, ChainBreak> {
        Verifier::after_prune(checkpoints, key, None)
    }

    /// As [`Verifier::new`], for a chain whose oldest records were pruned under `prune` (the newest mark):
    /// it starts at the record the prune kept. Checkpoints of pruned records are not looked at.
    pub fn after_prune(
        checkpoints: &[Checkpoint],
        key: &[u8],
        prune: Option<&PruneMark>,
    ) -> Result<Verifier, ChainBreak> {
        if let Some(mark) = prune {
            if !mark.is_genuine(key) {
                return Err(ChainBreak::ForgedPrune {
                    seq: mark.first_kept,
                });
            }
        }
        let first = prune.map_or(1, |mark| mark.first_kept);
        let kept: Vec<Checkpoint> = checkpoints
            .iter()
            .filter(|c| c.seq >= first)
            .cloned()
            .collect();
        for checkpoint in &kept {
            if !checkpoint.is_genuine(key) {
                return Err(ChainBreak::ForgedCheckpoint {
                    seq: checkpoint.seq,
                });
            }
        }
        Ok(Verifier {
            checkpoints: kept,
            expected_seq: first,
            prev_hash: GENESIS,
            checked: 0,
            anchor: prune.map(|mark| mark.anchor_hash),
            first,
        })
    }

    /// The next record, in `seq` order.
    pub fn feed(&mut self, record: &ChainedRecord) -> Result<(), ChainBreak> {
        if record.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                expected: self.expected_seq,
                found: record.seq,
            });
        }
        match self.anchor.take() {
            // The first record after a prune: its link cannot be followed, its hash is sealed instead.
            Some(anchor) if record.hash != anchor => {
                return Err(ChainBreak::AnchorMismatch { seq: record.seq });
            }
            Some(_) => {}
            None if record.prev_hash != self.prev_hash => {
                return Err(ChainBreak::BrokenLink { seq: record.seq });
            }
            None => {}
        }
        if record_hash(record.seq, &record.prev_hash, &record.event) != record.hash {
            return Err(ChainBreak::ContentChanged { seq: record.seq });
        }
        for checkpoint in self.checkpoints.iter().filter(|c| c.seq == record.seq) {
            if checkpoint.hash != record.hash {
                return Err(ChainBreak::CheckpointMismatch { seq: record.seq });
            }
            self.checked += 1;
        }
        self.prev_hash = record.hash;
        self.expected_seq += 1;
        Ok(())
    }

    /// After the last record: a checkpoint beyond it means records were removed from the end.
    pub fn finish(self) -> Result<Verified, ChainBreak> {
        if self.anchor.is_some() {
            // A prune keeps its anchor record: without it, the kept records were removed too.
            return Err(ChainBreak::Truncated { seq: self.first });
        }
        if let Some(beyond) = self.checkpoints.iter().find(|c| c.seq >= self.expected_seq) {
            return Err(ChainBreak::Truncated { seq: beyond.seq });
        }
        Ok(Verified {
            records: self.expected_seq - self.first,
            head: self.prev_hash,
            checkpoints: self.checked,
        })
    }
}

/// Verifies records in `seq` order from the one the newest prune kept (from the first without one), and every
/// checkpoint of the kept records against them.
pub fn verify_after_prune<'a>(
    records: impl IntoIterator<Item = &'a ChainedRecord>,
    checkpoints: &[Checkpoint],
    key: &[u8],
    prune: Option<&PruneMark>,
) -> Result<Verified, ChainBreak> {
    let mut verifier = Verifier::after_prune(checkpoints, key, prune)?;
    for record in records {
        verifier.feed(record)?;
    }
    verifier.finish()
}

/// Verifies records in `seq` order from the first, and every checkpoint against them.
pub fn verify<'a>(
    records: impl IntoIterator<Item = &'a ChainedRecord>,
    checkpoints: &[Checkpoint],
    key: &[u8],
) -> Result<Verified, ChainBreak> {
    let mut verifier = Verifier::new(checkpoints, key)?;
    for record in records {
        verifier.feed(record)?;
    }
    verifier.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const KEY: &[u8] = b"checkpoint key kept outside the database";

    fn event(n: u32) -> AuditEvent {
        AuditEvent {
            at: datetime!(2026-12-02 10:00 UTC) + time::Duration::seconds(i64::from(n)),
            actor: format!("officer{}", n % 3),
            action: "consult".into(),
            object: format!("alert:{n}"),
            purpose: Some("pre_arrival_assessment".into()),
            route: Some("GET /api/v1/alerts/{id}".into()),
            outcome: Some("200".into()),
        }
    }

    fn chain(n: u32) -> Vec<ChainedRecord> {
        let mut records: Vec<ChainedRecord> = Vec::new();
        for i in 0..n {
            let next = append(records.last(), event(i));
            records.push(next);
        }
        records
    }

    #[test]
    fn an_untouched_chain_verifies_with_its_checkpoints() {
        let records = chain(50);
        let checkpoints = vec![
            Checkpoint::seal(KEY, &records[19]).expect("seals"),
            Checkpoint::seal(KEY, &records[49]).expect("seals"),
        ];
        let verified = verify(&records, &checkpoints, KEY).expect("verifies");
        assert_eq!(verified.records, 50);
        assert_eq!(verified.checkpoints, 2);
    }

    #[test]
    fn a_changed_field_is_reported_at_its_record() {
        let mut records = chain(10);
        records[6].event.object = "alert:999".into();
        assert_eq!(
            verify(&records, &[], KEY),
            Err(ChainBreak::ContentChanged { seq: 7 })
        );
    }

    #[test]
    fn a_changed_route_or_outcome_is_reported() {
        let mut records = chain(4);
        records[1].event.outcome = Some("403".into());
        assert_eq!(
            verify(&records, &[], KEY),
            Err(ChainBreak::ContentChanged { seq: 2 })
        );
        let mut records = chain(4);
        records[2].event.route = None;
        assert_eq!(
            verify(&records, &[], KEY),
            Err(ChainBreak::ContentChanged { seq: 3 })
        );
    }

    #[test]
    fn action_codes_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::from_code("read"), None);
    }

    #[test]
    fn a_removed_record_is_reported() {
        let mut records = chain(10);
        records.remove(3);
        assert_eq!(
            verify(&records, &[], KEY),
            Err(ChainBreak::Gap {
                expected: 4,
                found: 5
            })
        );
    }

    #[test]
    fn a_rewritten_tail_is_caught_by_the_checkpoint() {
        let records = chain(10);
        let checkpoint = Checkpoint::seal(KEY, &records[7]).expect("seals");
        // Rewrite from record 5 on with a consistent chain: the links hold, the checkpoint does not.
        let mut forged: Vec<ChainedRecord> = records[..4].to_vec();
        for i in 4..10 {
            let mut changed = event(i);
            changed.actor = "intruder".into();
            let next = append(forged.last(), changed);
            forged.push(next);
        }
        assert_eq!(
            verify(&forged, std::slice::from_ref(&checkpoint), KEY),
            Err(ChainBreak::CheckpointMismatch { seq: 8 })
        );
        assert_eq!(
            verify(&records[..6], &[checkpoint], KEY),
            Err(ChainBreak::Truncated { seq: 8 })
        );
    }

    #[test]
    fn a_checkpoint_sealed_with_another_key_is_refused() {
        let records = chain(3);
        let checkpoint = Checkpoint::seal(b"not the key", &records[2]).expect("seals");
        assert_eq!(
            verify(&records, &[checkpoint], KEY),
            Err(ChainBreak::ForgedCheckpoint { seq: 3 })
        );
    }

    #[test]
    fn a_chain_pruned_under_a_sealed_mark_verifies_from_the_record_it_kept() {
        let records = chain(20);
        let checkpoints = vec![
            Checkpoint::seal(KEY, &records[4]).expect("seals"),
            Checkpoint::seal(KEY, &records[14]).expect("seals"),
        ];
        let mark = PruneMark::seal(KEY, &records[9]).expect("seals");
        let kept = &records[9..];
        let verified = verify_after_prune(kept, &checkpoints, KEY, Some(&mark)).expect("verifies");
        assert_eq!(verified.records, 11);
        assert_eq!(
            verified.checkpoints, 1,
            "the pruned records' checkpoint is not looked at"
        );
        // Without the mark the same records are a chain with its start removed.
        assert_eq!(
            verify(kept, &[], KEY),
            Err(ChainBreak::Gap {
                expected: 1,
                found: 10
            })
        );
    }

    #[test]
    fn a_prune_mark_that_is_forged_or_does_not_fit_the_records_is_refused() {
        let records = chain(12);
        let forged = PruneMark::seal(b"not the key", &records[5]).expect("seals");
        assert_eq!(
            verify_after_prune(&records[5..], &[], KEY, Some(&forged)),
            Err(ChainBreak::ForgedPrune { seq: 6 })
        );
        // A genuine mark, but more records removed than it kept.
        let mark = PruneMark::seal(KEY, &records[5]).expect("seals");
        assert_eq!(
            verify_after_prune(&records[7..], &[], KEY, Some(&mark)),
            Err(ChainBreak::Gap {
                expected: 6,
                found: 8
            })
        );
        // The kept record rewritten (its link cannot be checked, its hash can).
        let mut rewritten = records[5..].to_vec();
        rewritten[0].event.actor = "intruder".into();
        rewritten[0].hash = record_hash(
            rewritten[0].seq,
            &rewritten[0].prev_hash,
            &rewritten[0].event,
        );
        assert_eq!(
            verify_after_prune(&rewritten, &[], KEY, Some(&mark)),
            Err(ChainBreak::AnchorMismatch { seq: 6 })
        );
        // Every record removed, the mark's anchor included.
        assert_eq!(
            verify_after_prune(&[], &[], KEY, Some(&mark)),
            Err(ChainBreak::Truncated { seq: 6 })
        );
    }
}
