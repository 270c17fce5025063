//! [`KeyBuf`]: a key held by value, inline when short, so that a [`crate::Range`] can keep
//! copies of its bounds (the caller's may be temporaries) without allocating for the keys
//! most trees use.

use crate::node::cmp_keys;

/// Keys up to this many bytes are held inline. Index and string-table keys, and the 24-byte
/// keys of the key-value benchmark, are shorter.
const INLINE_KEY: usize = 62;

/// A key held by value: inline up to [`INLINE_KEY`] bytes, on the heap beyond.
#[derive(Clone, Debug)]
pub(crate) enum KeyBuf {
    /// The first `len` bytes of `bytes`.
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    /// A longer key.
    Heap(Vec<u8>),
}

impl KeyBuf {
    /// A copy of `key`.
    pub(crate) fn new(key: &[u8]) -> KeyBuf {
        let mut bytes = [0; INLINE_KEY];
        match (bytes.get_mut(..key.len()), u8::try_from(key.len())) {
            (Some(head), Ok(len)) => {
                head.copy_from_slice(key);
                KeyBuf::Inline { len, bytes }
            }
            _ => KeyBuf::Heap(key.to_vec()),
        }
    }

    /// The smallest key above every key that starts with `prefix`, or `None` when there is
    /// none (the prefix is empty or all `0xFF`): the prefix up to its last byte below `0xFF`,
    /// that byte incremented.
    pub(crate) fn prefix_end(prefix: &[u8]) -> Option<KeyBuf> {
        let last = prefix.iter().rposition(|&b| b < u8::MAX)?;
        let mut end = KeyBuf::new(prefix.get(..=last)?);
        if let Some(byte) = end.as_mut_slice().last_mut() {
            *byte += 1;
        }
        Some(end)
    }

    /// The key's bytes.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            KeyBuf::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            KeyBuf::Heap(key) => key,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        match self {
            KeyBuf::Inline { len, bytes } => bytes.get_mut(..usize::from(*len)).unwrap_or_default(),
            KeyBuf::Heap(key) => key,
        }
    }
}

impl PartialEq for KeyBuf {
    fn eq(&self, other: &KeyBuf) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for KeyBuf {}

impl PartialOrd for KeyBuf {
    fn partial_cmp(&self, other: &KeyBuf) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyBuf {
    fn cmp(&self, other: &KeyBuf) -> std::cmp::Ordering {
        cmp_keys(self.as_slice(), other.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_keys_read_back_and_compare_as_bytes() {
        let short = KeyBuf::new(b"abc");
        assert!(matches!(short, KeyBuf::Inline { .. }));
        let edge = KeyBuf::new(&[7; INLINE_KEY]);
        assert!(matches!(edge, KeyBuf::Inline { .. }));
        let long = KeyBuf::new(&[7; INLINE_KEY + 1]);
        assert!(matches!(long, KeyBuf::Heap(_)));
        assert_eq!(short.as_slice(), b"abc");
        assert_eq!(edge.as_slice(), &[7; INLINE_KEY]);
        assert_eq!(long.as_slice(), &[7; INLINE_KEY + 1]);
        assert!(edge < long && short > edge && KeyBuf::new(&[7; 3]) < edge);
        assert_eq!(KeyBuf::new(b"").as_slice(), b"");
    }

    #[test]
    fn prefix_ends_match_the_public_function() {
        for prefix in [
            &b"abc"[..],
            b"ab\xff",
            b"\xff\xff",
            b"",
            &[0xFE; 100],
            &[1; INLINE_KEY + 5],
        ] {
            assert_eq!(
                KeyBuf::prefix_end(prefix).map(|k| k.as_slice().to_vec()),
                crate::prefix_end(prefix)
            );
        }
    }
}
