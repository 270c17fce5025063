//! A hasher for maps keyed by dense ids (page ids, node ids): ids are small consecutive
//! numbers, so one multiplication (Fibonacci hashing) spreads them over the table's high bits,
//! several times faster than SipHash. Keys come from the process, not from an adversary, so
//! there is nothing to defend against.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Fibonacci hashing of `u64` ids (other keys are mixed byte by byte).
#[derive(Default, Clone, Copy, Debug)]
pub struct DenseIdHasher(u64);

/// 2^64 / the golden ratio.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for DenseIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(FIBONACCI);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = (self.0 ^ id).wrapping_mul(FIBONACCI);
    }
}

/// A `HashMap` keyed by dense ids.
pub type DenseIdMap<K, V> = HashMap<K, V, BuildHasherDefault<DenseIdHasher>>;
/// A `HashSet` of dense ids.
pub type DenseIdSet<K> = HashSet<K, BuildHasherDefault<DenseIdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_ids_fill_every_bucket_and_vary_the_tag_bits() {
        let hashes: Vec<u64> = (5_000..5_000 + 1024u64)
            .map(|id| {
                let mut h = DenseIdHasher::default();
                h.write_u64(id);
                h.finish()
            })
            .collect();
        // hashbrown picks the bucket from the low bits and a tag from the top 7: the low 10
        // bits of 1,024 consecutive ids times an odd number are all different, and the tags
        // take nearly every value.
        let buckets: DenseIdSet<u64> = hashes.iter().map(|h| h & 1023).collect();
        assert_eq!(buckets.len(), 1024);
        let tags: DenseIdSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(tags.len() > 120, "{} tags", tags.len());
    }
}
