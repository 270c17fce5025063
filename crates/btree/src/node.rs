//! Reading node pages in place: [`NodeRef`], a checked view of a leaf or branch page.
//!
//! Opening a view checks the type tag, the level and the header's counts against the page
//! size; every slot and cell read after that is bounds-checked again, so a corrupt page gives
//! an error, never a panic or a read outside the page.

use std::cmp::Ordering;

use pager_mmap::{PAGE_SIZE, PageBytes, PageId, PageSource, page_type_of};
use zerocopy::FromBytes;
use zerocopy::little_endian::U16;

use crate::cell::{BranchCell, LeafCell, ValueRef, branch_cell_at, key_at, leaf_cell_at};
use crate::error::{Result, corrupt};
use crate::layout::{
    BRANCH, LEAF, MAX_HEIGHT, NODE_HEADER_SIZE, NodeHeader, PACKED_LEAF, SLOT_SIZE,
};
use crate::packed::PackedLeaf;

/// Reads the header of a node page (which always fits: the page is larger than the header).
pub(crate) fn header_of(page: &PageBytes) -> Result<&NodeHeader> {
    NodeHeader::ref_from_prefix(page.as_slice())
        .map(|(header, _)| header)
        .map_err(|_| corrupt(PageId(0), "a page is smaller than a node header"))
}

/// A checked view of a node page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeRef<'a> {
    pub(crate) id: PageId,
    pub(crate) page: &'a PageBytes,
    pub(crate) level: u8,
    pub(crate) count: usize,
    pub(crate) is_leaf: bool,
    /// The view of a packed leaf ([`crate::packed`]); `None` for slotted pages.
    pub(crate) packed: Option<PackedLeaf<'a>>,
}

impl<'a> NodeRef<'a> {
    /// Opens page `id` of `src` as a node at `level` (any level when `None`).
    pub(crate) fn read<S: PageSource>(src: &'a S, id: PageId, level: Option<u8>) -> Result<Self> {
        let page = src.page(id)?;
        NodeRef::new(id, page, level)
    }

    /// Views `page` (page `id`) as a node at `level` (any level when `None`).
    pub(crate) fn new(id: PageId, page: &'a PageBytes, level: Option<u8>) -> Result<Self> {
        let tag = page_type_of(page);
        let header = header_of(page)?;
        let is_leaf = match tag {
            LEAF | PACKED_LEAF => true,
            BRANCH => false,
            other => {
                return Err(corrupt(
                    id,
                    format!("expected a leaf or branch page, found type tag {}", other.0),
                ));
            }
        };
        let found = header.level;
        if is_leaf != (found == 0) || found >= MAX_HEIGHT {
            return Err(corrupt(
                id,
                format!("impossible level {found} for its type"),
            ));
        }
        if let Some(expected) = level
            && expected != found
        {
            return Err(corrupt(id, format!("level {found}, expected {expected}")));
        }
        let count = usize::from(header.count.get());
        let cells_start = usize::from(header.cells_start.get());
        if tag == PACKED_LEAF {
            return Ok(NodeRef {
                id,
                page,
                level: found,
                count,
                is_leaf,
                packed: Some(PackedLeaf::new(id, page, count, cells_start)?),
            });
        }
        if NODE_HEADER_SIZE + SLOT_SIZE * count > cells_start || cells_start > PAGE_SIZE {
            return Err(corrupt(
                id,
                format!("{count} slots do not fit below cell start {cells_start}"),
            ));
        }
        Ok(NodeRef {
            id,
            page,
            level: found,
            count,
            is_leaf,
            packed: None,
        })
    }

    /// The header.
    pub(crate) fn header(&self) -> Result<&'a NodeHeader> {
        header_of(self.page)
    }

    /// The number of entries recorded in the header (meaningful in a root only).
    pub(crate) fn tree_len(&self) -> Result<u64> {
        Ok(self.header()?.tree_len.get())
    }

    /// Bytes of the body in use: slots plus live cells.
    pub(crate) fn used(&self) -> Result<usize> {
        if let Some(packed) = &self.packed {
            return Ok(packed.used());
        }
        let header = self.header()?;
        let cells = PAGE_SIZE
            .checked_sub(usize::from(header.cells_start.get()))
            .and_then(|c| c.checked_sub(usize::from(header.garbage.get())))
            .ok_or_else(|| corrupt(self.id, "more garbage than cell bytes"))?;
        Ok(SLOT_SIZE * self.count + cells)
    }

    /// The offset of cell `index`.
    pub(crate) fn slot(&self, index: usize) -> Result<usize> {
        if self.packed.is_some() {
            return Err(corrupt(self.id, "a packed leaf read by slot"));
        }
        if index >= self.count {
            return Err(corrupt(
                self.id,
                format!("slot {index} of {} requested", self.count),
            ));
        }
        let at = NODE_HEADER_SIZE + SLOT_SIZE * index;
        let raw = self
            .page
            .get(at..at + SLOT_SIZE)
            .and_then(|b| U16::read_from_bytes(b).ok())
            .ok_or_else(|| corrupt(self.id, "slot array runs off the page"))?;
        let offset = usize::from(raw.get());
        if offset < NODE_HEADER_SIZE + SLOT_SIZE * self.count {
            return Err(corrupt(
                self.id,
                format!("cell {index} at {offset} overlaps the slots"),
            ));
        }
        Ok(offset)
    }

    /// Leaf cell `index`.
    pub(crate) fn leaf_cell(&self, index: usize) -> Result<LeafCell<'a>> {
        if !self.is_leaf {
            return Err(corrupt(self.id, "a leaf cell requested from a branch"));
        }
        leaf_cell_at(self.page, self.slot(index)?, self.id)
    }

    /// Branch cell `index`.
    pub(crate) fn branch_cell(&self, index: usize) -> Result<BranchCell<'a>> {
        if self.is_leaf {
            return Err(corrupt(self.id, "a branch cell requested from a leaf"));
        }
        branch_cell_at(self.page, self.slot(index)?, self.id)
    }

    /// The raw bytes of cell `index`.
    pub(crate) fn cell_bytes(&self, index: usize) -> Result<&'a [u8]> {
        let offset = self.slot(index)?;
        let len = if self.is_leaf {
            leaf_cell_at(self.page, offset, self.id)?.len
        } else {
            branch_cell_at(self.page, offset, self.id)?.len
        };
        self.page
            .get(offset..offset + len)
            .ok_or_else(|| corrupt(self.id, "cell runs off the page"))
    }

    /// The key of entry `index` (a branch's cell 0 has an empty key), read without decoding
    /// the rest of the cell.
    pub(crate) fn key(&self, index: usize) -> Result<&'a [u8]> {
        key_at(self.page, self.slot(index)?, self.is_leaf, self.id)
    }

    /// In a leaf, slotted or packed: the value stored for `key`, if it is there.
    pub(crate) fn lookup(&self, key: &[u8]) -> Result<Option<ValueRef<'a>>> {
        match &self.packed {
            Some(packed) => match packed.search(key, &mut Vec::new())? {
                (Ok(_), Some(decoded)) => Ok(Some(decoded.value)),
                _ => Ok(None),
            },
            None => match self.search_leaf(key)? {
                Ok(index) => Ok(Some(self.leaf_cell(index)?.value)),
                Err(_) => Ok(None),
            },
        }
    }

    /// Entry `index` of a slotted leaf (a packed leaf's keys are not in its page whole: see
    /// [`PackedLeaf::entry`]).
    pub(crate) fn entry(&self, index: usize) -> Result<(&'a [u8], ValueRef<'a>)> {
        let cell = self.leaf_cell(index)?;
        Ok((cell.key, cell.value))
    }

    /// Child `index` of a branch.
    pub(crate) fn child(&self, index: usize) -> Result<PageId> {
        Ok(self.branch_cell(index)?.child)
    }

    /// In a leaf: `Ok(i)` if entry `i` has `key`, else `Err(i)` where it would be inserted.
    pub(crate) fn search_leaf(&self, key: &[u8]) -> Result<Result<usize, usize>> {
        if let Some(packed) = &self.packed {
            return Ok(packed.search(key, &mut Vec::with_capacity(64))?.0);
        }
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let mid = low + (high - low) / 2;
            match cmp_keys(self.key(mid)?, key) {
                Ordering::Less => low = mid + 1,
                Ordering::Greater => high = mid,
                Ordering::Equal => return Ok(Ok(mid)),
            }
        }
        Ok(Err(low))
    }

    /// In a leaf: the number of entries whose key is below `key` (`or_equal`: at most `key`).
    pub(crate) fn partition(&self, key: &[u8], or_equal: bool) -> Result<usize> {
        // Keys in a leaf are unique: once `key` is found the answer is known, which saves the
        // remaining probes (each a likely cache miss in a page not read lately).
        Ok(match self.search_leaf(key)? {
            Ok(index) if or_equal => index + 1,
            Ok(index) | Err(index) => index,
        })
    }

    /// In a branch: the index of the child whose range holds `key`: the last cell whose
    /// separator is at most `key` (cell 0 when none is).
    pub(crate) fn search_branch(&self, key: &[u8]) -> Result<usize> {
        if self.count == 0 {
            return Err(corrupt(self.id, "a branch without children"));
        }
        let (mut low, mut high) = (1, self.count);
        while low < high {
            let mid = low + (high - low) / 2;
            if cmp_keys(self.key(mid)?, key) != Ordering::Greater {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        Ok(low - 1)
    }
}

/// Byte-lexicographic order of two keys, eight bytes at a time (as big-endian words), never
/// reading outside either slice. glibc's AVX-512 `memcmp` reads short keys with masked 32-byte
/// loads, which cost about 130 ns instead of 2 when they reach into an unmapped page, as a key
/// near the end of the last page of the mapping can; searches compare keys on every probe.
pub(crate) fn cmp_keys(a: &[u8], b: &[u8]) -> Ordering {
    let words = a.len().min(b.len()) / 8;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        // `chunks_exact(8)` yields slices of exactly 8 bytes.
        let x =
            zerocopy::byteorder::big_endian::U64::from_bytes(x.try_into().unwrap_or([0; 8])).get();
        let y =
            zerocopy::byteorder::big_endian::U64::from_bytes(y.try_into().unwrap_or([0; 8])).get();
        if x != y {
            return x.cmp(&y);
        }
    }
    let (rest_a, rest_b) = (
        a.get(words * 8..).unwrap_or_default(),
        b.get(words * 8..).unwrap_or_default(),
    );
    for (x, y) in rest_a.iter().zip(rest_b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod cmp_tests {
    use super::cmp_keys;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn word_wise_comparison_is_byte_lexicographic(
            a in proptest::collection::vec(0u8..4, 0..40),
            b in proptest::collection::vec(0u8..4, 0..40),
            shared in proptest::collection::vec(any::<u8>(), 0..20),
        ) {
            let (mut x, mut y) = (shared.clone(), shared);
            x.extend(a);
            y.extend(b);
            prop_assert_eq!(cmp_keys(&x, &y), x.cmp(&y));
            prop_assert_eq!(cmp_keys(&y, &x), y.cmp(&x));
            prop_assert_eq!(cmp_keys(&x, &x), std::cmp::Ordering::Equal);
        }
    }
}
