//! Order-preserving key encodings: byte strings that compare (lexicographically, as the tree
//! orders keys) the way the values they encode compare.
//!
//! Integers are big-endian, signed ones with the sign bit flipped, so that `-1 < 0 < 1`
//! holds for the bytes too. Composite keys concatenate components; a byte-string component
//! that is not last is escaped (`0x00` becomes `0x00 0xFF`) and terminated by `0x00 0x00`,
//! so that no component can run into the next and `("a", 2) < ("ab", 1)`. Build keys with
//! [`KeyBuilder`], take them apart with [`KeyReader`].

use zerocopy::IntoBytes;
use zerocopy::big_endian::{U32, U64};

use crate::error::{Error, Result};

/// The order-preserving encoding of a `u64`.
pub fn u64_key(value: u64) -> [u8; 8] {
    let mut out = [0; 8];
    out.copy_from_slice(U64::new(value).as_bytes());
    out
}

/// The order-preserving encoding of an `i64`.
pub fn i64_key(value: i64) -> [u8; 8] {
    u64_key(value.cast_unsigned() ^ (1 << 63))
}

/// The order-preserving encoding of a `u32`.
pub fn u32_key(value: u32) -> [u8; 4] {
    let mut out = [0; 4];
    out.copy_from_slice(U32::new(value).as_bytes());
    out
}

/// Decodes [`u64_key`]; `None` unless `bytes` is 8 bytes long.
pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    zerocopy::FromBytes::read_from_bytes(bytes)
        .ok()
        .map(|v: U64| v.get())
}

/// Decodes [`i64_key`]; `None` unless `bytes` is 8 bytes long.
pub fn decode_i64(bytes: &[u8]) -> Option<i64> {
    decode_u64(bytes).map(|v| (v ^ (1 << 63)).cast_signed())
}

/// Decodes [`u32_key`]; `None` unless `bytes` is 4 bytes long.
pub fn decode_u32(bytes: &[u8]) -> Option<u32> {
    zerocopy::FromBytes::read_from_bytes(bytes)
        .ok()
        .map(|v: U32| v.get())
}

/// Builds a composite key, component by component.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyBuilder {
    bytes: Vec<u8>,
}

impl KeyBuilder {
    /// An empty key.
    pub fn new() -> KeyBuilder {
        KeyBuilder::default()
    }

    /// Appends a `u64` component.
    pub fn u64(mut self, value: u64) -> KeyBuilder {
        self.bytes.extend_from_slice(&u64_key(value));
        self
    }

    /// Appends an `i64` component.
    pub fn i64(mut self, value: i64) -> KeyBuilder {
        self.bytes.extend_from_slice(&i64_key(value));
        self
    }

    /// Appends a `u32` component.
    pub fn u32(mut self, value: u32) -> KeyBuilder {
        self.bytes.extend_from_slice(&u32_key(value));
        self
    }

    /// Appends a byte-string component, escaped and terminated so that any component may
    /// follow it.
    pub fn bytes(mut self, value: &[u8]) -> KeyBuilder {
        for &b in value {
            self.bytes.push(b);
            if b == 0 {
                self.bytes.push(0xFF);
            }
        }
        self.bytes.extend_from_slice(&[0, 0]);
        self
    }

    /// Appends a string component (as [`KeyBuilder::bytes`]).
    pub fn str(self, value: &str) -> KeyBuilder {
        self.bytes(value.as_bytes())
    }

    /// Appends raw bytes, unescaped: only for a last component, or a prefix to scan for.
    pub fn raw(mut self, value: &[u8]) -> KeyBuilder {
        self.bytes.extend_from_slice(value);
        self
    }

    /// The key built so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The finished key.
    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// Takes a composite key apart, component by component, in the order it was built.
#[derive(Clone, Debug)]
pub struct KeyReader<'a> {
    rest: &'a [u8],
}

impl<'a> KeyReader<'a> {
    /// A reader at the start of `key`.
    pub fn new(key: &'a [u8]) -> KeyReader<'a> {
        KeyReader { rest: key }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.rest.len() < n {
            return Err(bad_key("the key ends inside a fixed-width component"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Reads a `u64` component.
    pub fn u64(&mut self) -> Result<u64> {
        decode_u64(self.take(8)?).ok_or_else(|| bad_key("u64"))
    }

    /// Reads an `i64` component.
    pub fn i64(&mut self) -> Result<i64> {
        decode_i64(self.take(8)?).ok_or_else(|| bad_key("i64"))
    }

    /// Reads a `u32` component.
    pub fn u32(&mut self) -> Result<u32> {
        decode_u32(self.take(4)?).ok_or_else(|| bad_key("u32"))
    }

    /// Reads a byte-string component written by [`KeyBuilder::bytes`].
    pub fn bytes(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut iter = self.rest.iter().enumerate();
        while let Some((i, &b)) = iter.next() {
            if b != 0 {
                out.push(b);
                continue;
            }
            match iter.next() {
                Some((_, 0xFF)) => out.push(0),
                Some((j, 0)) => {
                    self.rest = self.rest.get(j + 1..).unwrap_or_default();
                    return Ok(out);
                }
                _ => return Err(bad_key(&format!("a bad escape at byte {i}"))),
            }
        }
        Err(bad_key("an unterminated byte-string component"))
    }

    /// Reads a string component.
    pub fn str(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?).map_err(|_| bad_key("a string component is not UTF-8"))
    }

    /// The bytes not read yet (a raw last component).
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

fn bad_key(what: &str) -> Error {
    Error::MalformedKey(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn integer_keys_order_as_integers(a: i64, b: i64, c: u64, d: u64) {
            prop_assert_eq!(a.cmp(&b), i64_key(a).cmp(&i64_key(b)));
            prop_assert_eq!(c.cmp(&d), u64_key(c).cmp(&u64_key(d)));
            prop_assert_eq!(decode_i64(&i64_key(a)), Some(a));
            prop_assert_eq!(decode_u64(&u64_key(c)), Some(c));
        }

        #[test]
        fn composite_keys_order_component_by_component(
            a in proptest::collection::vec(0u8..4, 0..6), x: u32,
            b in proptest::collection::vec(0u8..4, 0..6), y: u32,
        ) {
            let ka = KeyBuilder::new().bytes(&a).u32(x).finish();
            let kb = KeyBuilder::new().bytes(&b).u32(y).finish();
            prop_assert_eq!((&a, x).cmp(&(&b, y)), ka.cmp(&kb));
            let mut reader = KeyReader::new(&ka);
            prop_assert_eq!(reader.bytes().expect("bytes"), a);
            prop_assert_eq!(reader.u32().expect("u32"), x);
            prop_assert!(reader.rest().is_empty());
        }
    }

    #[test]
    fn malformed_keys_are_errors() {
        assert!(KeyReader::new(b"ab").u64().is_err());
        assert!(KeyReader::new(b"ab\0").bytes().is_err());
        assert!(KeyReader::new(b"ab\0\x01").bytes().is_err());
    }
}
