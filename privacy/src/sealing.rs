//! Reversible masking (PNR-11, LED-4): when the purge masks a traveller version physically at six months, the
//! clear record is kept only sealed (ChaCha20-Poly1305) with a key that never enters the database, so an
//! approved unmask request (PNR-12) can still show it and nobody with the database alone can. The key is
//! derived from the audit checkpoint key (kept outside the database, `audit_key`); the sealed copy goes with
//! its version at the hard deadline.
//!
//! Nonces: each version is sealed once (the store's trigger lets a version be masked once, and ids are never
//! reused), so the nonce is the version id; the version id is also the associated data, so a sealed copy
//! moved to another version does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Seals and opens the clear records of masked versions.
#[derive(Clone)]
pub struct RecordSealer {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for RecordSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordSealer")
    }
}

/// A sealed record that does not open: another key, another version, or changed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed record does not open with this key for this version")]
pub struct SealBroken;

fn nonce(version_id: i64) -> Nonce {
    let mut bytes = [0u8; 12];
    bytes[4..].copy_from_slice(&version_id.to_be_bytes());
    Nonce::from(bytes)
}

impl RecordSealer {
    /// The sealer whose key is derived from the audit checkpoint key (HMAC-SHA-256 with a fixed label).
    pub fn from_audit_key(audit_key: &[u8]) -> Option<RecordSealer> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(audit_key).ok()?;
        mac.update(b"paxwatch-record-sealing-v1");
        let key: [u8; 32] = mac.finalize().into_bytes().into();
        Some(RecordSealer {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        })
    }

    /// The sealed form of version `version_id`'s clear record; `None` only beyond ChaCha20's 256 GiB limit
    /// (then nothing is kept sealed, rather than bytes that would never open).
    pub fn seal(&self, version_id: i64, record: &[u8]) -> Option<Vec<u8>> {
        let aad = version_id.to_be_bytes();
        self.cipher
            .encrypt(
                &nonce(version_id),
                Payload {
                    msg: record,
                    aad: &aad,
                },
            )
            .ok()
    }

    /// The clear record of version `version_id` from its sealed form.
    pub fn open(&self, version_id: i64, sealed: &[u8]) -> Result<Vec<u8>, SealBroken> {
        let aad = version_id.to_be_bytes();
        self.cipher
            .decrypt(
                &nonce(version_id),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| SealBroken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_record_opens_only_with_its_key_and_version() {
        let sealer = RecordSealer::from_audit_key(b"audit key kept outside the database").unwrap();
        let record = br#"{"surname":"TRENSCHEL"}"#;
        let sealed = sealer.seal(42, record).expect("a small record seals");
        assert!(
            !sealed.windows(9).any(|w| w == b"TRENSCHEL"),
            "sealed, not clear"
        );
        assert_eq!(sealer.open(42, &sealed).unwrap(), record);
        assert_eq!(sealer.open(43, &sealed), Err(SealBroken), "another version");
        let other = RecordSealer::from_audit_key(b"another key").unwrap();
        assert_eq!(other.open(42, &sealed), Err(SealBroken), "another key");
        let mut changed = sealed.clone();
        changed[0] ^= 1;
        assert_eq!(sealer.open(42, &changed), Err(SealBroken), "changed bytes");
    }
}
