//! Strings read from pages: UTF-8 validation with a fast path for the short ASCII strings that
//! names and labels nearly always are.

use std::str::Utf8Error;

/// `bytes` as a `&str`, or the error `std::str::from_utf8` gives when they are not UTF-8.
///
/// The same answer as `std::str::from_utf8`, reached sooner for ASCII. Up to 16 bytes the ASCII
/// check is two overlapping word loads, where the full validation walks the bytes one by one in a
/// loop whose length depends on the string; on a random node read that loop was a fifth of the
/// instructions between two page reads (`docs/benchmarks.md`). Bytes outside ASCII, and longer
/// strings that are not ASCII, get the full validation.
#[inline]
pub fn str_from_utf8(bytes: &[u8]) -> Result<&str, Utf8Error> {
    if is_ascii(bytes) {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is valid UTF-8,
        // which is all that `from_utf8_unchecked` requires.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes)
    }
}

/// Whether every byte of `bytes` is ASCII. Up to 16 bytes: the OR of a word from each end (the
/// two overlap or cover the slice between them), tested against every byte's high bit.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let len = bytes.len();
    let ends = match len {
        0 => return true,
        1..4 => {
            // The first, middle and last bytes cover 1, 2 or 3 bytes.
            let word = |i: usize| bytes.get(i).copied().map_or(0, u64::from);
            word(0) | word(len / 2) | word(len - 1)
        }
        4..8 => word_at::<4>(bytes, 0) | word_at::<4>(bytes, len - 4),
        8..=16 => word_at::<8>(bytes, 0) | word_at::<8>(bytes, len - 8),
        _ => return bytes.is_ascii(),
    };
    ends & HIGH_BITS == 0
}

/// The `N` bytes at `at` as a little-endian integer (0 past the end, which the callers rule out).
#[inline(always)]
fn word_at<const N: usize>(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    if let (Some(to), Some(from)) = (word.get_mut(..N), bytes.get(at..at + N)) {
        to.copy_from_slice(from);
    }
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_validation_at_every_length_and_position() {
        for len in 0..40 {
            let ascii = vec![b'a'; len];
            assert_eq!(str_from_utf8(&ascii), std::str::from_utf8(&ascii));
            for at in 0..len {
                // A lone continuation byte at each position: refused, with the same error.
                let mut bad = ascii.clone();
                bad[at] = 0x80;
                assert!(str_from_utf8(&bad).is_err(), "len {len}, 0x80 at {at}");
                assert_eq!(str_from_utf8(&bad), std::str::from_utf8(&bad));
                // A valid two-byte character at each position: accepted by the full check.
                if at + 1 < len {
                    let mut good = ascii.clone();
                    good[at..at + 2].copy_from_slice("é".as_bytes());
                    assert!(str_from_utf8(&good).is_ok(), "len {len}, é at {at}");
                    assert_eq!(str_from_utf8(&good), std::str::from_utf8(&good));
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_standard_validation_on_any_bytes(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0x20u8..0x7f, proptest::num::u8::ANY],
                0..40,
            )
        ) {
            proptest::prop_assert_eq!(str_from_utf8(&bytes), std::str::from_utf8(&bytes));
        }
    }
}
