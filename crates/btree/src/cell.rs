//! Leaf and branch cells: encoding, and bounds-checked decoding from page or owned bytes.
//!
//! The length a cell will take ([`leaf_cell_len`], [`branch_cell_len`]) is what the encoders
//! allocate and write, and what the decoders read back; there is no other estimate.

use pager_mmap::PageId;
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, IntoBytes};

use crate::error::{Result, corrupt};
use crate::layout::{
    BRANCH_CELL_HEADER, BranchCellHeader, LEAF_CELL_HEADER, LeafCellHeader, OVERFLOW_MARK,
    OVERFLOW_REF_SIZE, OverflowRef,
};

/// A leaf's value as stored: inline bytes, or the start of an overflow chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueRef<'a> {
    /// The value's bytes, in the cell.
    Inline(&'a [u8]),
    /// The value lives in the overflow chain starting at `first`.
    Overflow {
        /// The chain's first page.
        first: PageId,
        /// The value's length.
        len: u32,
    },
}

impl ValueRef<'_> {
    /// The value's length in bytes.
    pub(crate) fn len(&self) -> usize {
        match self {
            ValueRef::Inline(bytes) => bytes.len(),
            ValueRef::Overflow { len, .. } => *len as usize,
        }
    }
}

/// A decoded leaf cell.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeafCell<'a> {
    pub(crate) key: &'a [u8],
    pub(crate) value: ValueRef<'a>,
    /// The cell's length in bytes.
    pub(crate) len: usize,
}

/// A decoded branch cell.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BranchCell<'a> {
    pub(crate) child: PageId,
    pub(crate) key: &'a [u8],
    /// The cell's length in bytes.
    pub(crate) len: usize,
}

/// The length of a leaf cell holding `key` and `value`.
pub(crate) fn leaf_cell_len(key_len: usize, value: &ValueRef<'_>) -> usize {
    let tail = match value {
        ValueRef::Inline(bytes) => bytes.len(),
        ValueRef::Overflow { .. } => OVERFLOW_REF_SIZE,
    };
    LEAF_CELL_HEADER + key_len + tail
}

/// The length of a branch cell with a separator of `key_len` bytes.
pub(crate) fn branch_cell_len(key_len: usize) -> usize {
    BRANCH_CELL_HEADER + key_len
}

/// Encodes a leaf cell. The caller has checked the key and inline value limits, so the
/// lengths fit their 16-bit fields.
pub(crate) fn encode_leaf_cell(key: &[u8], value: &ValueRef<'_>) -> Vec<u8> {
    let mut cell = Vec::with_capacity(leaf_cell_len(key.len(), value));
    encode_leaf_cell_into(&mut cell, key, value);
    cell
}

/// [`encode_leaf_cell`] into `cell`, replacing what it held: a loop that encodes many cells
/// one after another reuses one buffer.
pub(crate) fn encode_leaf_cell_into(cell: &mut Vec<u8>, key: &[u8], value: &ValueRef<'_>) {
    cell.clear();
    let value_len = match value {
        ValueRef::Inline(bytes) => U16::new(u16::try_from(bytes.len()).unwrap_or(OVERFLOW_MARK)),
        ValueRef::Overflow { .. } => U16::new(OVERFLOW_MARK),
    };
    let header = LeafCellHeader {
        key_len: U16::new(u16::try_from(key.len()).unwrap_or(u16::MAX)),
        value_len,
    };
    cell.extend_from_slice(header.as_bytes());
    cell.extend_from_slice(key);
    match value {
        ValueRef::Inline(bytes) => cell.extend_from_slice(bytes),
        ValueRef::Overflow { first, len } => {
            let reference = OverflowRef {
                first_page: U64::new(first.0),
                value_len: U32::new(*len),
            };
            cell.extend_from_slice(reference.as_bytes());
        }
    }
}

/// Encodes a branch cell.
pub(crate) fn encode_branch_cell(child: PageId, key: &[u8]) -> Vec<u8> {
    let mut cell = Vec::with_capacity(branch_cell_len(key.len()));
    let header = BranchCellHeader {
        child: U64::new(child.0),
        key_len: U16::new(u16::try_from(key.len()).unwrap_or(u16::MAX)),
    };
    cell.extend_from_slice(header.as_bytes());
    cell.extend_from_slice(key);
    cell
}

/// Decodes the leaf cell at `offset` of `bytes` (a page or an owned cell); `page` names the
/// page in errors.
pub(crate) fn leaf_cell_at(bytes: &[u8], offset: usize, page: PageId) -> Result<LeafCell<'_>> {
    let rest = bytes
        .get(offset..)
        .ok_or_else(|| corrupt(page, format!("cell offset {offset} is beyond the page")))?;
    let (header, rest) = LeafCellHeader::ref_from_prefix(rest)
        .map_err(|_| corrupt(page, format!("leaf cell at {offset} is cut off")))?;
    let key_len = usize::from(header.key_len.get());
    let key = rest.get(..key_len).ok_or_else(|| {
        corrupt(
            page,
            format!("leaf cell at {offset}: key runs off the page"),
        )
    })?;
    let tail = rest.get(key_len..).unwrap_or_default();
    let value_len = header.value_len.get();
    let (value, tail_len) = if value_len == OVERFLOW_MARK {
        let (reference, _) = OverflowRef::ref_from_prefix(tail).map_err(|_| {
            corrupt(
                page,
                format!("leaf cell at {offset}: overflow reference is cut off"),
            )
        })?;
        (
            ValueRef::Overflow {
                first: PageId(reference.first_page.get()),
                len: reference.value_len.get(),
            },
            OVERFLOW_REF_SIZE,
        )
    } else {
        let len = usize::from(value_len);
        let bytes = tail.get(..len).ok_or_else(|| {
            corrupt(
                page,
                format!("leaf cell at {offset}: value runs off the page"),
            )
        })?;
        (ValueRef::Inline(bytes), len)
    };
    Ok(LeafCell {
        key,
        value,
        len: LEAF_CELL_HEADER + key_len + tail_len,
    })
}

/// The key of the leaf or branch cell at `offset` of `bytes`, without decoding the rest of
/// the cell: what a search compares on every probe. The key is bounds-checked; the value is
/// not looked at (it is checked when the entry is read).
pub(crate) fn key_at(bytes: &[u8], offset: usize, is_leaf: bool, page: PageId) -> Result<&[u8]> {
    let rest = bytes
        .get(offset..)
        .ok_or_else(|| corrupt(page, format!("cell offset {offset} is beyond the page")))?;
    let cut_off = || corrupt(page, format!("cell at {offset} is cut off"));
    let (key_len, rest) = if is_leaf {
        let (header, rest) = LeafCellHeader::ref_from_prefix(rest).map_err(|_| cut_off())?;
        (header.key_len.get(), rest)
    } else {
        let (header, rest) = BranchCellHeader::ref_from_prefix(rest).map_err(|_| cut_off())?;
        (header.key_len.get(), rest)
    };
    rest.get(..usize::from(key_len))
        .ok_or_else(|| corrupt(page, format!("cell at {offset}: key runs off the page")))
}

/// Decodes the branch cell at `offset` of `bytes`.
pub(crate) fn branch_cell_at(bytes: &[u8], offset: usize, page: PageId) -> Result<BranchCell<'_>> {
    let rest = bytes
        .get(offset..)
        .ok_or_else(|| corrupt(page, format!("cell offset {offset} is beyond the page")))?;
    let (header, rest) = BranchCellHeader::ref_from_prefix(rest)
        .map_err(|_| corrupt(page, format!("branch cell at {offset} is cut off")))?;
    let key_len = usize::from(header.key_len.get());
    let key = rest.get(..key_len).ok_or_else(|| {
        corrupt(
            page,
            format!("branch cell at {offset}: key runs off the page"),
        )
    })?;
    Ok(BranchCell {
        child: PageId(header.child.get()),
        key,
        len: BRANCH_CELL_HEADER + key_len,
    })
}

/// The shortest key `s` with `left < s <= right`, for `left < right`: a prefix of `right`.
/// Short separators keep branches wide.
pub(crate) fn shortest_separator<'r>(left: &[u8], right: &'r [u8]) -> &'r [u8] {
    let common = left.iter().zip(right).take_while(|(a, b)| a == b).count();
    right.get(..common + 1).unwrap_or(right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_decode_to_what_was_encoded_with_the_computed_length() {
        let key = b"hello";
        for value in [
            ValueRef::Inline(b""),
            ValueRef::Inline(b"world"),
            ValueRef::Overflow {
                first: PageId(77),
                len: 123_456,
            },
        ] {
            let cell = encode_leaf_cell(key, &value);
            assert_eq!(cell.len(), leaf_cell_len(key.len(), &value));
            let decoded = leaf_cell_at(&cell, 0, PageId(1)).expect("decode");
            assert_eq!(decoded.key, key);
            assert_eq!(decoded.value, value);
            assert_eq!(decoded.len, cell.len());
        }
        let cell = encode_branch_cell(PageId(9), b"sep");
        assert_eq!(cell.len(), branch_cell_len(3));
        let decoded = branch_cell_at(&cell, 0, PageId(1)).expect("decode");
        assert_eq!(
            (decoded.child, decoded.key, decoded.len),
            (PageId(9), &b"sep"[..], 13)
        );
    }

    #[test]
    fn key_only_decoding_reads_the_key_the_full_decoding_reads() {
        let leaf = encode_leaf_cell(b"key", &ValueRef::Inline(b"value"));
        assert_eq!(key_at(&leaf, 0, true, PageId(1)).expect("key"), b"key");
        let branch = encode_branch_cell(PageId(3), b"sep");
        assert_eq!(key_at(&branch, 0, false, PageId(1)).expect("key"), b"sep");
        for cut in 0..LEAF_CELL_HEADER + 3 {
            assert!(key_at(&leaf[..cut], 0, true, PageId(1)).is_err());
        }
        for cut in 0..BRANCH_CELL_HEADER + 3 {
            assert!(key_at(&branch[..cut], 0, false, PageId(1)).is_err());
        }
    }

    #[test]
    fn truncated_cells_are_errors() {
        let cell = encode_leaf_cell(b"key", &ValueRef::Inline(b"value"));
        for cut in 0..cell.len() {
            assert!(leaf_cell_at(&cell[..cut], 0, PageId(1)).is_err());
        }
        let cell = encode_branch_cell(PageId(3), b"key");
        for cut in 0..cell.len() {
            assert!(branch_cell_at(&cell[..cut], 0, PageId(1)).is_err());
        }
    }

    #[test]
    fn separators_are_short_and_between() {
        assert_eq!(shortest_separator(b"apple", b"banana"), b"b");
        assert_eq!(shortest_separator(b"app", b"apple"), b"appl");
        assert_eq!(shortest_separator(b"", b"a"), b"a");
        assert_eq!(shortest_separator(b"ab\xff", b"ac"), b"ac");
        for (l, r) in [(&b"abc"[..], &b"abd"[..]), (b"a", b"a\0"), (b"x\x01", b"y")] {
            let s = shortest_separator(l, r);
            assert!(l < s && s <= r);
        }
    }
}
