//! SHA-256 of stored bytes: the identity of a raw message (with its sender) and of a watchlist source file.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::StoreError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(Sha256::digest(bytes).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Reads a hash column; anything but 32 bytes means the row was not written by the store.
    pub(crate) fn from_stored(bytes: &[u8]) -> Result<ContentHash, StoreError> {
        <[u8; 32]>::try_from(bytes)
            .map(ContentHash)
            .map_err(|_| StoreError::CorruptRow {
                what: format!("a SHA-256 column holds {} bytes", bytes.len()),
            })
    }
}

impl From<[u8; 32]> for ContentHash {
    fn from(bytes: [u8; 32]) -> Self {
        ContentHash(bytes)
    }
}

/// Lower-case hex, as `sha256sum` prints it.
impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_matches_the_published_sha256_of_abc() {
        assert_eq!(
            ContentHash::of(b"abc").to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_stored_hash_of_the_wrong_length_is_reported_not_truncated() {
        assert!(matches!(
            ContentHash::from_stored(&[0u8; 31]),
            Err(StoreError::CorruptRow { .. })
        ));
    }
}
