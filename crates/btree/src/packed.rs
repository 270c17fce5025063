//! Packed (front-coded) leaf pages: each key stored as the bytes it does not share with the key
//! before it, a full key every [`RESTART_INTERVAL`] entries.
//!
//! Only [`crate::Tree::bulk_load_packed`] writes them, and no change is ever made to one in
//! place: a write that reaches a packed leaf first rewrites it as plain leaves
//! ([`crate::Tree`]'s unpacking, in `tree.rs`), so that every other write path (splits, merges,
//! in-place inserts) sees only the slotted pages of [`crate::slotted`]. Readers take either
//! kind by the page's type tag ([`crate::node::NodeRef`]).
//!
//! The page: a [`crate::layout::NodeHeader`] of type [`crate::layout::PACKED_LEAF`] (level 0;
//! `count` entries; `cells_start` the offset just past the last entry; `garbage` zero), then
//! one 2-byte offset per group of [`RESTART_INTERVAL`] entries (the offset of the group's
//! first entry), then the entries back to back. An entry is three varints (LEB128, at most two
//! bytes each: the bytes its key shares with the key before it, zero for a group's first; the
//! length of the rest of the key; zero for a value in overflow pages or the value's length plus
//! one), the rest of the key, and the value's bytes or an [`OverflowRef`].

use pager_mmap::{PAGE_SIZE, PageBytes, PageId};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, IntoBytes};

use crate::cell::{ValueRef, encode_leaf_cell_into, leaf_cell_at};
use crate::cells::Cells;
use crate::error::{Result, corrupt};
use crate::layout::{
    NODE_BODY, NODE_HEADER_SIZE, NodeHeader, OVERFLOW_REF_SIZE, OverflowRef, PACKED_LEAF, SLOT_SIZE,
};
use crate::node::cmp_keys;

/// Entries per group: a group's first entry holds its whole key, so a search binary-searches
/// the groups' first keys and then decodes at most this many entries.
pub const RESTART_INTERVAL: usize = 16;

/// The largest value a varint here holds (two bytes of seven bits).
const VARINT_MAX: usize = (1 << 14) - 1;
const _: () = assert!(PAGE_SIZE <= VARINT_MAX);

/// The bytes `value` takes as a varint.
fn varint_len(value: usize) -> usize {
    if value < 0x80 { 1 } else { 2 }
}

fn put_varint(out: &mut Vec<u8>, value: usize) {
    // Values are below `VARINT_MAX`: lengths within a page.
    if value < 0x80 {
        out.push(value as u8);
    } else {
        out.push((value & 0x7F) as u8 | 0x80);
        out.push((value >> 7) as u8 & 0x7F);
    }
}

/// The varint at `at` of `page` and the offset after it.
fn read_varint(id: PageId, page: &[u8], at: usize) -> Result<(usize, usize)> {
    let first = *page
        .get(at)
        .ok_or_else(|| corrupt(id, "a packed entry runs off the page"))?;
    if first < 0x80 {
        return Ok((usize::from(first), at + 1));
    }
    let second = *page
        .get(at + 1)
        .ok_or_else(|| corrupt(id, "a packed entry runs off the page"))?;
    if second >= 0x80 {
        return Err(corrupt(
            id,
            "a packed entry's length has more than two bytes",
        ));
    }
    Ok((usize::from(first & 0x7F) | usize::from(second) << 7, at + 2))
}

/// Builds the contents of one packed page, entry by entry.
#[derive(Default)]
pub(crate) struct Packer {
    /// The entries, encoded back to back.
    entries: Vec<u8>,
    /// Where each group starts in `entries`.
    restarts: Vec<usize>,
    count: usize,
    /// The key of the last entry pushed.
    last_key: Vec<u8>,
}

impl Packer {
    /// The bytes of a page body in use: the offsets of the groups and the entries.
    pub(crate) fn size(&self) -> usize {
        SLOT_SIZE * self.restarts.len() + self.entries.len()
    }

    /// The number of entries pushed.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The bytes of the shared prefix `key` would be stored against (none at a group start).
    fn shared_with_last(&self, key: &[u8]) -> usize {
        if self.count.is_multiple_of(RESTART_INTERVAL) {
            return 0;
        }
        let shared = key
            .iter()
            .zip(&self.last_key)
            .take_while(|(a, b)| a == b)
            .count();
        shared.min(key.len())
    }

    /// The bytes the entry `key` with `value` would add to [`Packer::size`].
    pub(crate) fn added_size(&self, key: &[u8], value: &ValueRef<'_>) -> usize {
        let shared = self.shared_with_last(key);
        let suffix = key.len() - shared;
        let restart = if self.count.is_multiple_of(RESTART_INTERVAL) {
            SLOT_SIZE
        } else {
            0
        };
        let value_bytes = match value {
            ValueRef::Inline(bytes) => varint_len(bytes.len() + 1) + bytes.len(),
            ValueRef::Overflow { .. } => 1 + OVERFLOW_REF_SIZE,
        };
        restart + varint_len(shared) + varint_len(suffix) + suffix + value_bytes
    }

    /// Whether the entry `key` with `value` fits the page after those pushed (the first always
    /// does: a page holds any one entry).
    pub(crate) fn fits(&self, key: &[u8], value: &ValueRef<'_>) -> bool {
        self.count == 0 || self.size() + self.added_size(key, value) <= NODE_BODY
    }

    /// Appends the entry `key` with `value`; keys come in ascending order.
    pub(crate) fn push(&mut self, key: &[u8], value: &ValueRef<'_>) {
        let shared = self.shared_with_last(key);
        if self.count.is_multiple_of(RESTART_INTERVAL) {
            self.restarts.push(self.entries.len());
        }
        let suffix = key.get(shared..).unwrap_or_default();
        put_varint(&mut self.entries, shared);
        put_varint(&mut self.entries, suffix.len());
        match value {
            ValueRef::Inline(bytes) => put_varint(&mut self.entries, bytes.len() + 1),
            ValueRef::Overflow { .. } => put_varint(&mut self.entries, 0),
        }
        self.entries.extend_from_slice(suffix);
        match value {
            ValueRef::Inline(bytes) => self.entries.extend_from_slice(bytes),
            ValueRef::Overflow { first, len } => {
                let reference = OverflowRef {
                    first_page: U64::new(first.0),
                    value_len: U32::new(*len),
                };
                self.entries.extend_from_slice(reference.as_bytes());
            }
        }
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.count += 1;
    }

    /// Formats `page` (page `id`) as a packed leaf holding the entries pushed, with a tree
    /// length of zero; every other byte but the checksum is zeroed.
    pub(crate) fn write(&self, id: PageId, page: &mut PageBytes) -> Result<()> {
        if self.size() > NODE_BODY {
            return Err(corrupt(
                id,
                "packed entries do not fit in one page (a packing bug)",
            ));
        }
        page.get_mut(8..).unwrap_or_default().fill(0);
        let start = NODE_HEADER_SIZE + SLOT_SIZE * self.restarts.len();
        for (i, restart) in self.restarts.iter().enumerate() {
            let at = NODE_HEADER_SIZE + SLOT_SIZE * i;
            let offset = u16::try_from(start + restart)
                .map_err(|_| corrupt(id, "a packed offset does not fit 16 bits"))?;
            page.get_mut(at..at + SLOT_SIZE)
                .ok_or_else(|| corrupt(id, "packed offsets beyond the page"))?
                .copy_from_slice(U16::new(offset).as_bytes());
        }
        let end = start + self.entries.len();
        page.get_mut(start..end)
            .ok_or_else(|| corrupt(id, "packed entries beyond the page"))?
            .copy_from_slice(&self.entries);
        let (header, _) = NodeHeader::mut_from_prefix(page.as_mut_slice())
            .map_err(|_| corrupt(id, "a page is smaller than a node header"))?;
        header.page.page_type = PACKED_LEAF.0;
        header.level = 0;
        header.count = U16::new(
            u16::try_from(self.count).map_err(|_| corrupt(id, "too many packed entries"))?,
        );
        header.cells_start =
            U16::new(u16::try_from(end).map_err(|_| corrupt(id, "bad packed entries' end"))?);
        header.garbage = U16::new(0);
        Ok(())
    }
}

/// A checked view of a packed leaf page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PackedLeaf<'a> {
    pub(crate) id: PageId,
    page: &'a PageBytes,
    count: usize,
    /// Where the entries start (after the groups' offsets).
    entries_start: usize,
    /// Where they end.
    entries_end: usize,
}

/// One entry decoded: its value and where the next entry starts. The key is in the buffer the
/// decoder was given.
pub(crate) struct Decoded<'a> {
    pub(crate) value: ValueRef<'a>,
    pub(crate) next: usize,
}

impl<'a> PackedLeaf<'a> {
    /// Views `page` (page `id`, whose header claims `count` entries ending at `entries_end`).
    pub(crate) fn new(
        id: PageId,
        page: &'a PageBytes,
        count: usize,
        entries_end: usize,
    ) -> Result<Self> {
        let groups = count.div_ceil(RESTART_INTERVAL);
        let entries_start = NODE_HEADER_SIZE + SLOT_SIZE * groups;
        if entries_start > entries_end || entries_end > PAGE_SIZE {
            return Err(corrupt(
                id,
                format!("{count} packed entries do not fit below {entries_end}"),
            ));
        }
        Ok(PackedLeaf {
            id,
            page,
            count,
            entries_start,
            entries_end,
        })
    }

    /// The bytes of the body in use.
    pub(crate) fn used(&self) -> usize {
        self.entries_end - NODE_HEADER_SIZE
    }

    /// Where group `group`'s first entry starts.
    fn restart(&self, group: usize) -> Result<usize> {
        let at = NODE_HEADER_SIZE + SLOT_SIZE * group;
        let offset = self
            .page
            .get(at..at + SLOT_SIZE)
            .and_then(|b| U16::read_from_bytes(b).ok())
            .ok_or_else(|| corrupt(self.id, "packed offsets run off the page"))?;
        let offset = usize::from(offset.get());
        if offset < self.entries_start || offset >= self.entries_end {
            return Err(corrupt(
                self.id,
                format!("group {group} starts at {offset}, outside the entries"),
            ));
        }
        Ok(offset)
    }

    /// The index of the group start nearest the middle of the entries' bytes (never the
    /// first), or `None` when there is one group. Divided there, each side packs to exactly
    /// the bytes it takes here: its groups start with the same entries.
    pub(crate) fn middle_group(&self) -> Result<Option<usize>> {
        let groups = self.count.div_ceil(RESTART_INTERVAL);
        let middle = (self.entries_start + self.entries_end) / 2;
        let mut best: Option<(usize, usize)> = None;
        for group in 1..groups {
            let distance = self.restart(group)?.abs_diff(middle);
            if best.is_none_or(|(_, d)| distance < d) {
                best = Some((group * RESTART_INTERVAL, distance));
            }
        }
        Ok(best.map(|(index, _)| index))
    }

    /// Decodes the entry at `at`, whose key follows `key` (the key before it, or empty at a
    /// group's start): `key` becomes the entry's key.
    pub(crate) fn decode(&self, at: usize, key: &mut Vec<u8>) -> Result<Decoded<'a>> {
        let page: &'a [u8] = self.page.get(..self.entries_end).unwrap_or_default();
        let (shared, at) = read_varint(self.id, page, at)?;
        let (suffix_len, at) = read_varint(self.id, page, at)?;
        let (value_tag, at) = read_varint(self.id, page, at)?;
        if shared > key.len() {
            return Err(corrupt(
                self.id,
                format!(
                    "a packed key shares {shared} bytes with a key of {}",
                    key.len()
                ),
            ));
        }
        let suffix = page
            .get(at..at + suffix_len)
            .ok_or_else(|| corrupt(self.id, "a packed key runs off the entries"))?;
        key.truncate(shared);
        key.extend_from_slice(suffix);
        let at = at + suffix_len;
        let (value, next) = match value_tag.checked_sub(1) {
            Some(len) => {
                let bytes = page
                    .get(at..at + len)
                    .ok_or_else(|| corrupt(self.id, "a packed value runs off the entries"))?;
                (ValueRef::Inline(bytes), at + len)
            }
            None => {
                let reference = page
                    .get(at..)
                    .and_then(|rest| OverflowRef::ref_from_prefix(rest).ok())
                    .map(|(reference, _)| reference)
                    .ok_or_else(|| corrupt(self.id, "a packed overflow reference is cut off"))?;
                let value = ValueRef::Overflow {
                    first: PageId(reference.first_page.get()),
                    len: reference.value_len.get(),
                };
                (value, at + OVERFLOW_REF_SIZE)
            }
        };
        Ok(Decoded { value, next })
    }

    /// The key of group `group`'s first entry, which holds it whole, read in place.
    fn restart_key(&self, group: usize) -> Result<&'a [u8]> {
        let page: &'a [u8] = self.page.get(..self.entries_end).unwrap_or_default();
        let at = self.restart(group)?;
        let (shared, at) = read_varint(self.id, page, at)?;
        let (suffix_len, at) = read_varint(self.id, page, at)?;
        let (_, at) = read_varint(self.id, page, at)?;
        if shared != 0 {
            return Err(corrupt(
                self.id,
                format!("group {group} starts with a key that shares {shared} bytes"),
            ));
        }
        page.get(at..at + suffix_len)
            .ok_or_else(|| corrupt(self.id, "a packed key runs off the entries"))
    }

    /// Decodes the first entry of group `group` into `key`; the entry must hold its whole key.
    fn decode_restart(&self, group: usize, key: &mut Vec<u8>) -> Result<Decoded<'a>> {
        key.clear();
        let at = self.restart(group)?;
        let (shared, _) = read_varint(self.id, self.page.as_slice(), at)?;
        if shared != 0 {
            return Err(corrupt(
                self.id,
                format!("group {group} starts with a key that shares {shared} bytes"),
            ));
        }
        self.decode(at, key)
    }

    /// Decodes entry `index` into `key`.
    pub(crate) fn entry(&self, index: usize, key: &mut Vec<u8>) -> Result<Decoded<'a>> {
        if index >= self.count {
            return Err(corrupt(
                self.id,
                format!("entry {index} of {} requested", self.count),
            ));
        }
        let group = index / RESTART_INTERVAL;
        let mut decoded = self.decode_restart(group, key)?;
        for _ in group * RESTART_INTERVAL..index {
            decoded = self.decode(decoded.next, key)?;
        }
        Ok(decoded)
    }

    /// `Ok(i)` if entry `i` has `key`, else `Err(i)` where it would go; with entry `i`
    /// decoded (its key in `buf`) when the search read it, which it does unless `i` is the
    /// start of a group.
    pub(crate) fn search(
        &self,
        key: &[u8],
        buf: &mut Vec<u8>,
    ) -> Result<(Result<usize, usize>, Option<Decoded<'a>>)> {
        let groups = self.count.div_ceil(RESTART_INTERVAL);
        // The first group whose first key is above `key`.
        let (mut low, mut high) = (0, groups);
        while low < high {
            let mid = low + (high - low) / 2;
            if cmp_keys(self.restart_key(mid)?, key).is_gt() {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        let Some(group) = low.checked_sub(1) else {
            return Ok((Err(0), None));
        };
        let first = group * RESTART_INTERVAL;
        let end = (first + RESTART_INTERVAL).min(self.count);
        let mut decoded = self.decode_restart(group, buf)?;
        for index in first..end {
            if index > first {
                decoded = self.decode(decoded.next, buf)?;
            }
            match cmp_keys(buf, key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok((Ok(index), Some(decoded))),
                std::cmp::Ordering::Greater => return Ok((Err(index), Some(decoded))),
            }
        }
        Ok((Err(end), None))
    }

    /// Every entry in order, each passed to `visit` with its key and value; checks that the
    /// groups start where their offsets say and that the entries fill the area exactly.
    pub(crate) fn for_each(
        &self,
        mut visit: impl FnMut(&[u8], ValueRef<'a>) -> Result<()>,
    ) -> Result<()> {
        let mut key = Vec::new();
        let mut at = self.entries_start;
        for index in 0..self.count {
            if index.is_multiple_of(RESTART_INTERVAL) {
                if self.restart(index / RESTART_INTERVAL)? != at {
                    return Err(corrupt(
                        self.id,
                        format!("group {} does not start where its offset says", index / 16),
                    ));
                }
                key.clear();
            }
            let decoded = self.decode(at, &mut key)?;
            visit(&key, decoded.value)?;
            at = decoded.next;
        }
        if at != self.entries_end {
            return Err(corrupt(
                self.id,
                format!(
                    "packed entries end at {at}, the header says {}",
                    self.entries_end
                ),
            ));
        }
        Ok(())
    }

    /// The entries as plain leaf cells.
    pub(crate) fn cells(&self) -> Result<Cells> {
        let mut cells = Cells::default();
        let mut cell = Vec::new();
        self.for_each(|key, value| {
            encode_leaf_cell_into(&mut cell, key, &value);
            cells.push(&cell);
            Ok(())
        })?;
        Ok(cells)
    }
}

/// A position in a packed leaf with its entry decoded: a cursor keeps one, so that stepping
/// to the next entry decodes one entry, not a group.
#[derive(Debug, Default)]
pub(crate) struct Position<'a> {
    /// The leaf and the entry's index, when one is decoded.
    at: Option<(PageId, usize)>,
    /// Where the entry after it starts.
    next: usize,
    /// Its key and value.
    pub(crate) key: Vec<u8>,
    pub(crate) value: Option<ValueRef<'a>>,
}

impl<'a> Position<'a> {
    /// The number of entries of `leaf` below `key` (`or_equal`: at most `key`), leaving the
    /// entry the search stopped at decoded, so that reading from there costs no second search.
    pub(crate) fn partition(
        &mut self,
        leaf: &PackedLeaf<'a>,
        key: &[u8],
        or_equal: bool,
    ) -> Result<usize> {
        self.at = None;
        let (found, decoded) = leaf.search(key, &mut self.key)?;
        let (Ok(stopped) | Err(stopped)) = found;
        if let Some(decoded) = decoded {
            self.at = Some((leaf.id, stopped));
            self.next = decoded.next;
            self.value = Some(decoded.value);
        }
        Ok(match found {
            Ok(index) if or_equal => index + 1,
            Ok(index) | Err(index) => index,
        })
    }

    /// Decodes entry `index` of `leaf` (one entry's work when it follows the one held).
    pub(crate) fn seek(&mut self, leaf: &PackedLeaf<'a>, index: usize) -> Result<()> {
        let decoded = match self.at {
            Some((id, held)) if id == leaf.id && held == index => return Ok(()),
            // An entry that starts a group shares nothing, so decoding it after the one
            // before it is right too.
            Some((id, held)) if id == leaf.id && held + 1 == index && index < leaf.count => {
                leaf.decode(self.next, &mut self.key)?
            }
            _ => leaf.entry(index, &mut self.key)?,
        };
        self.at = Some((leaf.id, index));
        self.next = decoded.next;
        self.value = Some(decoded.value);
        Ok(())
    }
}

/// Packs `cells` (plain leaf cells in key order) into pages of at most one body each: as many
/// as fit in each, in order. Returns the packers, one per page.
pub(crate) fn pack_cells(id: PageId, cells: &Cells) -> Result<Vec<Packer>> {
    let mut pages = Vec::new();
    let mut packer = Packer::default();
    for cell in cells.iter() {
        let cell = leaf_cell_at(cell, 0, id)?;
        if !packer.fits(cell.key, &cell.value) {
            pages.push(std::mem::take(&mut packer));
        }
        packer.push(cell.key, &cell.value);
    }
    pages.push(packer);
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::encode_leaf_cell;

    fn page_of(entries: &[(Vec<u8>, Vec<u8>)]) -> Box<PageBytes> {
        let mut packer = Packer::default();
        for (key, value) in entries {
            let before = packer.size();
            let value = ValueRef::Inline(value);
            let added = packer.added_size(key, &value);
            packer.push(key, &value);
            assert_eq!(
                packer.size(),
                before + added,
                "added_size is what push adds"
            );
        }
        let mut page: Box<PageBytes> = Box::new([0; PAGE_SIZE]);
        packer.write(PageId(3), &mut page).expect("fits");
        page
    }

    fn view(page: &PageBytes) -> PackedLeaf<'_> {
        let (header, _) = NodeHeader::ref_from_prefix(page.as_slice()).expect("header");
        PackedLeaf::new(
            PageId(3),
            page,
            usize::from(header.count.get()),
            usize::from(header.cells_start.get()),
        )
        .expect("view")
    }

    fn sorted_entries(n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        (0..n)
            .map(|i| {
                let key = format!("taxon {:05} of the {}", i * 7, i % 3).into_bytes();
                (key, vec![i as u8; i % 5])
            })
            .collect()
    }

    #[test]
    fn every_entry_decodes_to_what_was_packed_and_searches_find_it() {
        for n in [1, 15, 16, 17, 33, 100] {
            let entries = sorted_entries(n);
            let page = page_of(&entries);
            let leaf = view(&page);
            let mut key = Vec::new();
            for (index, (k, v)) in entries.iter().enumerate() {
                let decoded = leaf.entry(index, &mut key).expect("entry");
                assert_eq!(&key, k);
                assert_eq!(decoded.value, ValueRef::Inline(v));
                assert_eq!(leaf.search(k, &mut key).expect("search").0, Ok(index));
                assert_eq!(&key, k, "the entry found is decoded");
                let mut below = k.clone();
                below.pop();
                assert_eq!(leaf.search(&below, &mut key).expect("search").0, Err(index));
            }
            assert_eq!(leaf.search(b"zzz", &mut key).expect("search").0, Err(n));
            let cells = leaf.cells().expect("cells");
            let plain: Vec<Vec<u8>> = entries
                .iter()
                .map(|(k, v)| encode_leaf_cell(k, &ValueRef::Inline(v)))
                .collect();
            assert_eq!(cells.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), plain);
        }
    }

    #[test]
    fn shared_prefixes_are_stored_once_per_group() {
        let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..100)
            .map(|i| {
                (
                    format!("Bacillus subtilis strain {i:05}").into_bytes(),
                    Vec::new(),
                )
            })
            .collect();
        let plain: usize = entries
            .iter()
            .map(|(k, v)| SLOT_SIZE + encode_leaf_cell(k, &ValueRef::Inline(v)).len())
            .sum();
        let mut packer = Packer::default();
        for (k, v) in &entries {
            packer.push(k, &ValueRef::Inline(v));
        }
        assert!(
            packer.size() * 2 < plain,
            "{} against {plain}",
            packer.size()
        );
    }

    #[test]
    fn a_damaged_entry_is_corruption_not_a_panic() {
        let entries = sorted_entries(40);
        let page = page_of(&entries);
        for at in NODE_HEADER_SIZE..NODE_HEADER_SIZE + 200 {
            for byte in [0x00, 0x7F, 0x80, 0xFF] {
                let mut damaged = page.clone();
                damaged[at] = byte;
                let leaf = view(&damaged);
                let mut key = Vec::new();
                let _ = leaf.for_each(|_, _| Ok(()));
                let _ = leaf.search(b"taxon 00100", &mut key);
                for index in 0..40 {
                    let _ = leaf.entry(index, &mut key);
                }
            }
        }
    }
}
