//! [`U40`]: a 5-byte little-endian integer for the ids in dense on-disk entries (adjacency
//! entries, record slots), where a `u64` would spend three bytes that are always zero.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// An unsigned 40-bit integer stored as 5 little-endian bytes, with no alignment. Node ids, edge
/// ids and page ids in the graph's dense entries are `U40`s: 2^40 (about 1.1 * 10^12) nodes or
/// edges, or pages of a 4 PiB file, are past what one file can hold in practice, and the writers
/// refuse an id beyond [`U40::MAX`] with an error rather than truncate it.
#[repr(transparent)]
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Default, PartialEq, Eq,
)]
pub struct U40([u8; 5]);
const _: () = assert!(size_of::<U40>() == 5);

impl U40 {
    /// The largest value a `U40` holds: 2^40 - 1.
    pub const MAX: u64 = (1 << 40) - 1;
    /// Zero.
    pub const ZERO: U40 = U40([0; 5]);

    /// `value` as a `U40`, or `None` when it is above [`U40::MAX`].
    pub fn new(value: u64) -> Option<U40> {
        if value > U40::MAX {
            return None;
        }
        let [a, b, c, d, e, ..] = value.to_le_bytes();
        Some(U40([a, b, c, d, e]))
    }

    /// The value.
    #[inline]
    pub fn get(self) -> u64 {
        let [a, b, c, d, e] = self.0;
        u64::from_le_bytes([a, b, c, d, e, 0, 0, 0])
    }
}

impl std::fmt::Debug for U40 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "U40({})", self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::U40;

    #[test]
    fn round_trips_every_width_and_refuses_wider() {
        for value in [0, 1, 255, 256, 0x0012_3456_789a, U40::MAX] {
            assert_eq!(U40::new(value).map(U40::get), Some(value));
        }
        assert_eq!(U40::new(U40::MAX + 1), None);
        assert_eq!(U40::new(u64::MAX), None);
        assert_eq!(U40::ZERO.get(), 0);
    }

    #[test]
    fn stores_little_endian_bytes() {
        let value = U40::new(0x0001_0203_0405).unwrap_or_default();
        assert_eq!(zerocopy::IntoBytes::as_bytes(&value), &[5, 4, 3, 2, 1]);
    }
}
