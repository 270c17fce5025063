//! Fixed-size slots addressed by a dense id: slot `id` of a table lives in page `id / n` of a
//! radix vector of pages (the pager's `RadixVec`), at byte `16 + (id % n) * len`, with `n =
//! 4080 / len` slots per page. Reading a slot is one radix descent and a slice of the page
//! bytes in place: no search, no copy.
//!
//! A table may instead keep each slot in two parts apart ([`SlotTable::split`]): a head of
//! `head` bytes and a tail (the rest). Its pages hold `n = 4032 / len` slots, the tails first,
//! from byte 64 on (a cache line's start, so that a tail whose length is a multiple of 64
//! starts at one and spans the fewest lines), then the heads: tail `i` at `64 + i * (len -
//! head)`, head `i` after the `n` tails. A field lies in one part.
//!
//! A slot longer than a page body (a vector above 1,020 dimensions) takes `k = ceil(len / 4080)`
//! pages of its own, leaves `id * k .. id * k + k`, each filled from its body's start; reading
//! it copies the pieces into one buffer.

use std::borrow::Cow;
use std::ops::Range;

use pager_mmap::{
    PAGE_SIZE, PageBytes, PageHeader, PageId, PageSource, PageType, RadixVec, WriteTxn,
};

use crate::error::{Result, corrupt};

/// Bytes of a page after its header: the room for slots.
pub(crate) const SLOT_AREA: usize = PAGE_SIZE - size_of::<PageHeader>();
const BODY: usize = size_of::<PageHeader>();
/// Where the tails of a split table's page start: the first cache line after the header's.
const TAILS_AT: usize = 64;
/// Bytes of a split table's page for its slots.
const SPLIT_AREA: usize = PAGE_SIZE - TAILS_AT;
/// Byte offset of the type tag in a page.
const TAG_AT: usize = 8;

/// Where a table's slot lies: in one page among others, or over pages of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Geometry {
    /// `n` slots share each page (ids are `u32`: a 32-bit division, several times cheaper
    /// than a 64-bit one on the hot path).
    Shared(u32),
    /// `n` slots share each page, their heads of `head` bytes apart from their tails (see the
    /// module's comment).
    Split { n: u32, head: usize },
    /// Each slot spans `k` pages.
    Spanning(u64),
}

/// Leaf page ids of one table, by leaf number, so that a leaf read again skips its radix
/// descent. They are kept under a key, the write transaction's placement and the table's root
/// ([`LeafCache::prepare`]): while neither changes, no page of the transaction was copied or
/// freed, so every leaf found still lies where it was found (a leaf created since was missing
/// before, so it was never remembered; a radix vector that grew taller has a new root). Without
/// a key (a snapshot search) they last one walk. They grow as leaves are found, never past the
/// count given at [`LeafCache::prepare`].
#[derive(Debug, Default)]
pub(crate) struct LeafCache {
    pages: Vec<u64>,
    stamps: Vec<u32>,
    epoch: u32,
    limit: usize,
    key: Option<(u64, u64)>,
}

impl LeafCache {
    /// Readies the cache for a walk within `scope`: it keeps what it holds if the scope's key
    /// is its key, and empties otherwise.
    pub(crate) fn prepare(&mut self, scope: LeafScope) {
        if scope.key.is_none() || scope.key != self.key {
            if self.epoch == u32::MAX {
                self.stamps.fill(0);
                self.epoch = 0;
            }
            self.epoch += 1;
            self.key = scope.key;
        }
        self.limit = usize::try_from(scope.leaves).unwrap_or(usize::MAX);
    }

    #[inline]
    fn get(&self, leaf: u64) -> Option<PageId> {
        let i = usize::try_from(leaf).ok()?;
        if self.stamps.get(i) == Some(&self.epoch) {
            self.pages.get(i).map(|&p| PageId(p))
        } else {
            None
        }
    }

    /// Remembers leaf `leaf` (one the radix vector holds) at `page`.
    #[inline]
    fn put(&mut self, leaf: u64, page: PageId) {
        let Ok(i) = usize::try_from(leaf) else { return };
        if i >= self.stamps.len() && i < self.limit {
            let len = (i + 1)
                .max(self.stamps.len().saturating_mul(2))
                .min(self.limit);
            self.stamps.resize(len, 0);
            self.pages.resize(len, 0);
        }
        if let (Some(stamp), Some(slot)) = (self.stamps.get_mut(i), self.pages.get_mut(i)) {
            *stamp = self.epoch;
            *slot = page.0;
        }
    }
}

/// What a walk may remember of a table's leaves: how many the table has (0: remember none),
/// and the key under which they stay valid past the walk (see [`LeafCache`]), if any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LeafScope {
    key: Option<(u64, u64)>,
    leaves: u64,
}

/// Refuses page `id` unless its type tag is `tag`.
#[inline]
fn check_tag(id: PageId, bytes: &PageBytes, tag: PageType) -> Result<()> {
    if bytes.get(TAG_AT).copied() == Some(tag.0) {
        return Ok(());
    }
    Err(corrupt(format!(
        "page {} of a slot table has type {:?}, not {}",
        id.0,
        bytes.get(TAG_AT),
        tag.0
    )))
}

/// A slot found but not read yet: in a page, whose type tag is checked when the slot is read
/// ([`Located::bytes`]), so that a walk can ask for the lines of many slots
/// ([`Located::prefetch`]) before it waits for the first; or, for a slot spanning pages,
/// already copied out.
pub(crate) enum Located<'a> {
    /// Slot bytes `at .. at + len` of `page`, which must carry `tag` (`None`: checked by
    /// another read of the page, see [`Located::typed_elsewhere`]).
    InPage {
        id: PageId,
        page: &'a PageBytes,
        at: usize,
        len: usize,
        tag: Option<PageType>,
    },
    /// A slot spanning pages, copied out (and checked) when it was found.
    Copied(Vec<u8>),
}

impl Located<'_> {
    /// Asks the CPU for the slot's lines and its page's type tag.
    #[inline]
    pub(crate) fn prefetch(&self) {
        self.prefetch_first(usize::MAX);
    }

    /// Asks the CPU for the first `n` bytes of the slot (all of it if shorter) and its page's
    /// type tag.
    #[inline]
    pub(crate) fn prefetch_first(&self, n: usize) {
        if let Located::InPage {
            page, at, len, tag, ..
        } = *self
        {
            if tag.is_some() {
                pager_mmap::prefetch(page.get(TAG_AT..=TAG_AT).unwrap_or(&[]));
            }
            pager_mmap::prefetch(page.get(at..at + len.min(n)).unwrap_or(&[]));
        }
    }

    /// The same slot, read without checking its page's type tag: for a caller that checks it
    /// by another read of the same page before it trusts what it read here (see the walk in
    /// `search`), so that reading the slot loads only the slot's own cache lines.
    #[inline]
    pub(crate) fn typed_elsewhere(self) -> Self {
        match self {
            Located::InPage {
                id, page, at, len, ..
            } => Located::InPage {
                id,
                page,
                at,
                len,
                tag: None,
            },
            copied => copied,
        }
    }

    /// The slot's bytes, after checking its page's type tag.
    #[inline]
    pub(crate) fn bytes(&self) -> Result<&[u8]> {
        match *self {
            Located::InPage {
                id,
                page,
                at,
                len,
                tag,
            } => {
                if let Some(tag) = tag {
                    check_tag(id, page, tag)?;
                }
                page.get(at..at + len)
                    .ok_or_else(|| corrupt("a slot runs past its page"))
            }
            Located::Copied(ref bytes) => Ok(bytes),
        }
    }
}

impl Geometry {
    /// Whole slots of `len` (>= 1) bytes: as many as fit a page, or over pages of their own.
    fn whole(len: usize) -> Geometry {
        if len <= SLOT_AREA {
            Geometry::Shared((SLOT_AREA / len) as u32)
        } else {
            Geometry::spanning(len)
        }
    }

    /// Slots of `len` (>= 1) bytes split after `head`: as many as fit a page split, or whole
    /// over pages of their own.
    fn split(head: usize, len: usize) -> Geometry {
        if len <= SPLIT_AREA && head < len {
            Geometry::Split {
                n: (SPLIT_AREA / len) as u32,
                head,
            }
        } else {
            Geometry::spanning(len)
        }
    }

    /// Slots of `len` bytes over pages of their own.
    fn spanning(len: usize) -> Geometry {
        Geometry::Spanning(len.div_ceil(SLOT_AREA) as u64)
    }
}

/// A table of fixed-size slots by dense id, on a radix vector of pages of one type tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SlotTable {
    /// The pages.
    pub(crate) pages: RadixVec,
    len: usize,
    tag: PageType,
    geometry: Geometry,
}

impl SlotTable {
    /// The table of `len`-byte slots (`len` >= 1) on `pages`, whose leaves have type `tag`.
    pub(crate) fn new(pages: RadixVec, len: usize, tag: PageType) -> SlotTable {
        let len = len.max(1);
        let geometry = Geometry::whole(len);
        SlotTable {
            pages,
            len,
            tag,
            geometry,
        }
    }

    /// The table of `len`-byte slots on `pages` (leaves of type `tag`), each kept as a head of
    /// `head` bytes and a tail apart where slots share pages (see the module's comment); a
    /// slot longer than [`SPLIT_AREA`] spans pages of its own, as in [`SlotTable::new`].
    pub(crate) fn split(pages: RadixVec, head: usize, len: usize, tag: PageType) -> SlotTable {
        let len = len.max(1);
        let geometry = Geometry::split(head, len);
        SlotTable {
            pages,
            len,
            tag,
            geometry,
        }
    }

    /// Where byte `offset` of slot `id` lies: the leaf page, the byte's offset in it, and the
    /// bytes of the slot from there to the end of that page's piece.
    #[inline]
    fn place(&self, id: u32, offset: usize) -> (u64, usize, usize) {
        match self.geometry {
            Geometry::Shared(n) => (
                u64::from(id / n),
                BODY + (id % n) as usize * self.len + offset,
                self.len.saturating_sub(offset),
            ),
            Geometry::Split { n, head } => {
                let (leaf, i) = (u64::from(id / n), (id % n) as usize);
                let tail = self.len - head;
                if offset < head {
                    let at = TAILS_AT + n as usize * tail + i * head + offset;
                    (leaf, at, head - offset)
                } else {
                    let at = TAILS_AT + i * tail + offset - head;
                    (leaf, at, self.len.saturating_sub(offset))
                }
            }
            Geometry::Spanning(k) => (
                u64::from(id).saturating_mul(k) + (offset / SLOT_AREA) as u64,
                BODY + offset % SLOT_AREA,
                (SLOT_AREA - offset % SLOT_AREA).min(self.len.saturating_sub(offset)),
            ),
        }
    }

    /// The page of leaf `leaf`, checked for the table's type tag.
    #[inline]
    fn leaf<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: u64,
        cache: Option<&mut LeafCache>,
    ) -> Result<&'a [u8]> {
        let page = self.leaf_page(src, leaf, cache)?;
        let bytes = src.page(page)?;
        check_tag(page, bytes, self.tag)?;
        Ok(bytes.as_slice())
    }

    /// The page id of leaf `leaf`, found through `cache` (and remembered there) if given.
    #[inline]
    fn leaf_page<S: PageSource>(
        &self,
        src: &S,
        leaf: u64,
        cache: Option<&mut LeafCache>,
    ) -> Result<PageId> {
        let Some(cache) = cache else {
            return self.find(src, leaf);
        };
        if let Some(page) = cache.get(leaf) {
            return Ok(page);
        }
        let page = self.find(src, leaf)?;
        cache.put(leaf, page);
        Ok(page)
    }

    /// The page of leaf `leaf`, by the radix descent.
    #[inline]
    fn find<S: PageSource>(&self, src: &S, leaf: u64) -> Result<PageId> {
        self.pages
            .get(src, leaf)?
            .ok_or_else(|| corrupt(format!("slot page {leaf} of a table is missing")))
    }

    /// Bytes `field` of slot `id` (the whole slot: `0..len`), in place where they lie in one
    /// page, copied out where they span pages; leaves found through `cache` if given.
    #[inline]
    pub(crate) fn read<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        field: Range<usize>,
        mut cache: Option<&mut LeafCache>,
    ) -> Result<Cow<'a, [u8]>> {
        let (leaf, at, room) = self.place(id, field.start);
        if field.len() <= room {
            return Ok(Cow::Borrowed(self.piece(
                src,
                leaf,
                at,
                field.len(),
                cache,
            )?));
        }
        let mut out = Vec::with_capacity(field.len());
        let mut offset = field.start;
        while offset < field.end {
            let (leaf, at, room) = self.place(id, offset);
            let take = room.min(field.end - offset);
            if take == 0 {
                return Err(corrupt("a slot field runs past its slot"));
            }
            out.extend_from_slice(self.piece(src, leaf, at, take, cache.as_deref_mut())?);
            offset += take;
        }
        Ok(Cow::Owned(out))
    }

    /// Bytes `field` of slot `id`, which lie in one page (a whole slot of a table whose slots
    /// share pages, or the head of a spanning one), in place; leaves found through `cache` if
    /// given.
    #[inline]
    pub(crate) fn slot<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        field: Range<usize>,
        cache: Option<&mut LeafCache>,
    ) -> Result<&'a [u8]> {
        let (leaf, at, room) = self.place(id, field.start);
        if field.len() > room {
            return Err(corrupt("a slot field read in place spans pages"));
        }
        self.piece(src, leaf, at, field.len(), cache)
    }

    /// Bytes `field` of slot `id`, found but not read (see [`Located`]); leaves found through
    /// `cache` if given.
    #[inline]
    pub(crate) fn locate<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        field: Range<usize>,
        cache: Option<&mut LeafCache>,
    ) -> Result<Located<'a>> {
        let (leaf, at, room) = self.place(id, field.start);
        if field.len() > room {
            return Ok(Located::Copied(
                self.read(src, id, field, cache)?.into_owned(),
            ));
        }
        self.in_page(src, leaf, at, field.len(), cache)
    }

    /// Asks the CPU for bytes `field` of slot `id` and its page's type tag, where they lie in
    /// one page; a field across pages is left alone (reading it copies it anyway).
    #[inline]
    pub(crate) fn prefetch<S: PageSource>(
        &self,
        src: &S,
        id: u32,
        field: Range<usize>,
        cache: Option<&mut LeafCache>,
    ) -> Result<()> {
        let (leaf, at, room) = self.place(id, field.start);
        if field.len() <= room {
            self.in_page(src, leaf, at, field.len(), cache)?.prefetch();
        }
        Ok(())
    }

    /// Bytes `at .. at + len` of leaf `leaf`, found but not read.
    #[inline]
    fn in_page<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: u64,
        at: usize,
        len: usize,
        cache: Option<&mut LeafCache>,
    ) -> Result<Located<'a>> {
        let page = self.leaf_page(src, leaf, cache)?;
        Ok(Located::InPage {
            id: page,
            page: src.page(page)?,
            at,
            len,
            tag: Some(self.tag),
        })
    }

    #[inline]
    fn piece<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: u64,
        at: usize,
        len: usize,
        cache: Option<&mut LeafCache>,
    ) -> Result<&'a [u8]> {
        self.leaf(src, leaf, cache)?
            .get(at..at + len)
            .ok_or_else(|| corrupt("a slot runs past its page"))
    }

    /// Bytes `field` of slot `id`, which lie in one page, writable in `txn` (the page copied,
    /// or made if missing).
    pub(crate) fn slot_mut<'t>(
        &mut self,
        txn: &'t mut WriteTxn,
        id: u32,
        field: Range<usize>,
    ) -> Result<&'t mut [u8]> {
        let (leaf, at, room) = self.place(id, field.start);
        if field.len() > room {
            return Err(corrupt("a slot field written in place spans pages"));
        }
        let page = self.writable(txn, leaf)?;
        txn.page_mut(page)?
            .get_mut(at..at + field.len())
            .ok_or_else(|| corrupt("a slot runs past its page"))
    }

    /// Writes `bytes` into slot `id` from byte `start` on, across pages where the slot spans
    /// them.
    pub(crate) fn write(
        &mut self,
        txn: &mut WriteTxn,
        id: u32,
        start: usize,
        bytes: &[u8],
    ) -> Result<()> {
        if start + bytes.len() > self.len {
            return Err(corrupt(format!(
                "{} bytes written at {start} of a slot of {}",
                bytes.len(),
                self.len
            )));
        }
        let mut done = 0;
        while done < bytes.len() {
            let (leaf, at, room) = self.place(id, start + done);
            let take = room.min(bytes.len() - done);
            let page = self.writable(txn, leaf)?;
            txn.page_mut(page)?
                .get_mut(at..at + take)
                .ok_or_else(|| corrupt("a slot runs past its page"))?
                .copy_from_slice(bytes.get(done..done + take).unwrap_or_default());
            done += take;
        }
        Ok(())
    }

    /// The byte range of a whole slot.
    pub(crate) fn whole(&self) -> Range<usize> {
        0..self.len
    }

    /// [`SlotTable::slot`] of the whole slot, for tables whose slots share pages.
    #[inline]
    pub(crate) fn whole_slot<'a, S: PageSource>(&self, src: &'a S, id: u32) -> Result<&'a [u8]> {
        self.slot(src, id, self.whole(), None)
    }

    /// [`SlotTable::slot_mut`] of the whole slot, for tables whose slots share pages.
    pub(crate) fn whole_slot_mut<'t>(
        &mut self,
        txn: &'t mut WriteTxn,
        id: u32,
    ) -> Result<&'t mut [u8]> {
        let whole = self.whole();
        self.slot_mut(txn, id, whole)
    }

    fn writable(&mut self, txn: &mut WriteTxn, leaf: u64) -> Result<PageId> {
        let path = self
            .pages
            .leaf_mut(txn, leaf, Some(self.tag))?
            .ok_or_else(|| corrupt("a slot page could not be made"))?;
        Ok(path.leaf)
    }

    /// What a walk over slots `0 .. count` may remember of the table's leaves: all of them
    /// for that walk, and beyond it while a write transaction keeps `placement` (see
    /// [`pager_mmap::WriteTxn::placement`]).
    pub(crate) fn scope(&self, count: u64, placement: Option<u64>) -> LeafScope {
        LeafScope {
            key: placement.map(|p| (p, self.pages.root)),
            leaves: self.leaves_for(count),
        }
    }

    /// Leaves that slots `0 .. count` use: any leaf at or past it is out of range.
    pub(crate) fn leaves_for(&self, count: u64) -> u64 {
        match self.geometry {
            Geometry::Shared(n) | Geometry::Split { n, .. } => count.div_ceil(u64::from(n)),
            Geometry::Spanning(k) => count.saturating_mul(k),
        }
    }

    /// Every page of the table (leaves and radix pages), after checking each leaf's type and
    /// that no leaf lies beyond the `count` slots in use.
    pub(crate) fn pages<S: PageSource>(
        &self,
        src: &S,
        count: u64,
        problems: &mut Vec<String>,
    ) -> Result<Vec<PageId>> {
        let mut pages = Vec::new();
        let mut leaves = Vec::new();
        let limit = self.leaves_for(count);
        self.pages.walk(
            src,
            |index, page| {
                if index >= limit {
                    problems.push(format!(
                        "slot page {index} lies beyond the {count} slots in use"
                    ));
                }
                if src.page(page)?.get(TAG_AT).copied() != Some(self.tag.0) {
                    problems.push(format!(
                        "page {} of a slot table has the wrong type",
                        page.0
                    ));
                }
                leaves.push(page);
                Ok(())
            },
            &mut pages,
        )?;
        pages.extend(leaves);
        Ok(pages)
    }

    /// Frees every page of the table.
    pub(crate) fn free_all(&mut self, txn: &mut WriteTxn) -> Result<()> {
        Ok(self.pages.free_all(txn)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pager_mmap::{MemStorage, Options, Pager};

    const TAG: PageType = PageType(244);

    fn round_trip(len: usize, ids: &[u32]) {
        round_trip_of(SlotTable::new(RadixVec::default(), len, TAG), ids);
    }

    fn round_trip_of(mut table: SlotTable, ids: &[u32]) {
        let len = table.len;
        let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap();
        let mut txn = pager.begin_write().unwrap();
        let fill = |id: u32| -> Vec<u8> { (0..len).map(|i| (id as usize + i) as u8).collect() };
        for &id in ids {
            table.write(&mut txn, id, 0, &fill(id)).unwrap();
        }
        txn.commit().unwrap();
        let read = pager.begin_read().unwrap();
        for &id in ids {
            assert_eq!(
                &*table.read(&read, id, table.whole(), None).unwrap(),
                fill(id).as_slice(),
                "slot {id}"
            );
            let located = table.locate(&read, id, table.whole(), None).unwrap();
            assert_eq!(
                located.bytes().unwrap(),
                fill(id).as_slice(),
                "slot {id}, located"
            );
            let mut cache = LeafCache::default();
            cache.prepare(table.scope(u64::from(id) + 1, None));
            for _ in 0..2 {
                let cached = table
                    .read(&read, id, table.whole(), Some(&mut cache))
                    .unwrap();
                assert_eq!(&*cached, fill(id).as_slice(), "slot {id}, cached");
            }
        }
        let mut problems = Vec::new();
        let pages = table
            .pages(
                &read,
                u64::from(*ids.iter().max().unwrap()) + 1,
                &mut problems,
            )
            .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(read.check(&pages).unwrap().is_clean());
    }

    #[test]
    fn remembered_leaves_outlive_a_walk_only_under_the_same_key() {
        let scope = |key| LeafScope { key, leaves: 10 };
        let mut cache = LeafCache::default();
        cache.prepare(scope(Some((1, 5))));
        cache.put(3, PageId(77));
        cache.prepare(scope(Some((1, 5))));
        assert_eq!(cache.get(3), Some(PageId(77)), "same placement, same root");
        cache.prepare(scope(Some((2, 5))));
        assert_eq!(cache.get(3), None, "another placement");
        cache.put(3, PageId(78));
        cache.prepare(scope(Some((2, 6))));
        assert_eq!(cache.get(3), None, "another root");
        cache.put(3, PageId(79));
        cache.prepare(scope(None));
        assert_eq!(cache.get(3), None, "no key");
        cache.put(3, PageId(80));
        assert_eq!(cache.get(3), Some(PageId(80)), "within the walk");
        cache.prepare(scope(None));
        assert_eq!(cache.get(3), None, "no key: one walk only");
    }

    #[test]
    fn slots_that_share_pages_read_back_what_was_written() {
        round_trip(512, &[0, 1, 6, 7, 8, 5000, 3]);
        round_trip(144, &[0, 27, 28, 29, 100_000]);
    }

    #[test]
    fn split_slots_read_back_what_was_written() {
        for (head, len) in [(144, 144 + 512), (144, 144 + 1536), (144, 156), (16, 4032)] {
            round_trip_of(
                SlotTable::split(RadixVec::default(), head, len, TAG),
                &[0, 1, 5, 6, 7, 13, 300],
            );
        }
        // Too long to share a page split: pages of its own, as a whole slot would.
        let long = SlotTable::split(RadixVec::default(), 144, 4033, TAG);
        assert_eq!(long.geometry, Geometry::Spanning(1));
        round_trip_of(long, &[0, 2]);
    }

    /// Where a split table's head and tail of slot `id` start in their page.
    fn offsets(table: &SlotTable, id: u32, head: usize) -> (usize, usize) {
        (table.place(id, 0).1, table.place(id, head).1)
    }

    #[test]
    fn split_tails_start_cache_lines_and_heads_follow_them() {
        // 384 dimensions at m = 16: two a page, tails at 64 and 1,600, heads at 3,136, 3,280.
        let table = SlotTable::split(RadixVec::default(), 144, 144 + 1536, TAG);
        assert_eq!(table.geometry, Geometry::Split { n: 2, head: 144 });
        assert_eq!(offsets(&table, 0, 144), (3136, 64));
        assert_eq!(offsets(&table, 3, 144), (3280, 1600));
        // 128 dimensions: six a page, as many as whole slots of 656 bytes.
        let table = SlotTable::split(RadixVec::default(), 144, 144 + 512, TAG);
        assert_eq!(table.leaves_for(6), 1);
        for id in 0..12 {
            let (head, tail) = offsets(&table, id, 144);
            assert_eq!(tail % 64, 0, "slot {id}");
            assert_eq!(head, 64 + 6 * 512 + (id as usize % 6) * 144);
            assert!(head + 144 <= PAGE_SIZE);
        }
    }

    #[test]
    fn slots_longer_than_a_page_span_pages_of_their_own() {
        round_trip(4 * 4096, &[0, 1, 9, 2]);
        round_trip(SLOT_AREA + 4, &[0, 3, 1]);
    }

    #[test]
    fn a_slot_whose_page_is_missing_is_damage() {
        let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap();
        let table = SlotTable::new(RadixVec::default(), 64, TAG);
        let read = pager.begin_read().unwrap();
        assert!(table.read(&read, 3, table.whole(), None).is_err());
    }

    #[test]
    fn a_located_slot_on_a_page_of_another_type_is_damage_when_read() {
        let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap();
        let mut table = SlotTable::new(RadixVec::default(), 64, TAG);
        let mut txn = pager.begin_write().unwrap();
        table.write(&mut txn, 2, 0, &[7; 64]).unwrap();
        txn.commit().unwrap();
        let read = pager.begin_read().unwrap();
        let located = table.locate(&read, 2, table.whole(), None).unwrap();
        located.prefetch();
        assert_eq!(located.bytes().unwrap(), &[7; 64]);
        // The same pages taken for a table of another type: found, then refused when read.
        let other = SlotTable::new(table.pages, 64, PageType(TAG.0 + 1));
        let located = other.locate(&read, 2, other.whole(), None).unwrap();
        located.prefetch();
        assert!(located.bytes().is_err());
    }

    /// Fields of slots that share pages and of slots that span pages: written and read at
    /// their offsets, in place when they lie in one page and copied when they cross one.
    #[test]
    fn fields_of_a_slot_read_back_at_their_offsets() {
        for len in [656, 144 + 4 * 1536] {
            let pager =
                Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap();
            let mut table = SlotTable::new(RadixVec::default(), len, TAG);
            let mut txn = pager.begin_write().unwrap();
            let fill =
                |id: u32| -> Vec<u8> { (0..len).map(|i| (id as usize * 7 + i) as u8).collect() };
            for id in [0, 5, 6, 13] {
                let bytes = fill(id);
                table.write(&mut txn, id, 0, &bytes[..144]).unwrap();
                table.write(&mut txn, id, 144, &bytes[144..]).unwrap();
            }
            table.slot_mut(&mut txn, 6, 0..16).unwrap().fill(9);
            txn.commit().unwrap();
            let read = pager.begin_read().unwrap();
            for id in [0, 5, 6, 13] {
                let mut want = fill(id);
                if id == 6 {
                    want[..16].fill(9);
                }
                assert_eq!(table.slot(&read, id, 0..144, None).unwrap(), &want[..144]);
                assert_eq!(
                    &*table.read(&read, id, 144..len, None).unwrap(),
                    &want[144..]
                );
                let located = table.locate(&read, id, 144..len, None).unwrap();
                assert_eq!(located.bytes().unwrap(), &want[144..], "slot {id} of {len}");
            }
            if len > SLOT_AREA {
                assert!(
                    table.slot(&read, 0, 0..len, None).is_err(),
                    "in place across pages"
                );
            }
        }
    }
}
