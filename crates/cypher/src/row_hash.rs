//! The hash of a row's variable names ([`crate::eval::Row`]): FNV-1a, 64 bits.
//!
//! A row is a map from variable names to values, made, probed and dropped once per row and
//! clause; with the standard library's keyed SipHash, hashing the names was a tenth of a
//! `CREATE` over many rows. The names come from the query's own text, so a hash without a
//! per-process key risks nothing that the query's author does not control.

use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a's starting state (its 64-bit offset basis).
const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV's 64-bit prime.
const PRIME: u64 = 0x0100_0000_01b3;

/// An FNV-1a hasher: each byte XORed into the state, then the state multiplied by the prime.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> NameHasher {
        NameHasher(OFFSET_BASIS)
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(PRIME);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`NameHasher`]s for a row's map.
pub(crate) type BuildNameHasher = BuildHasherDefault<NameHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The published FNV-1a test vectors: the empty string and "a".
    #[test]
    fn hashes_as_fnv_1a() {
        let hash = |bytes: &[u8]| {
            let mut h = NameHasher::default();
            h.write(bytes);
            h.finish()
        };
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
