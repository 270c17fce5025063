//! Page allocation and the persistent free list.
//!
//! The free list is a stack of chunks (one page each, [`FreeListPage`]), top first, linked by
//! `next`. Each chunk carries `freed_by`: the newest transaction that freed one of its pages.
//! A chunk's pages may be reused once no reader of a snapshot older than `freed_by` is alive
//! and `freed_by` is durable (the *reuse limit* of a transaction is the smallest of the oldest
//! reader's snapshot and the last durable transaction).
//!
//! A write transaction works on a copy of the chunk list (entries are shared until changed).
//! Taking a page from chunk `i` changes that chunk, and so the `next` pointer of every chunk
//! above it: at commit the *dirty suffix* `chunks[dirty_from..]` is rewritten to new pages and
//! its old pages are freed by the committing transaction. The rewrite puts the suffix's
//! waiting chunks below its reusable ones, so the next transaction allocates from the top.
//! Pages freed by the transaction are merged into a waiting chunk near the top (its pages wait
//! anyway), or form a new waiting chunk below the reusable ones. In steady state a commit
//! rewrites one or two chunks, whatever the length of the list.
//!
//! Where a transaction's new pages go: in as few stretches of consecutive ids as can be had,
//! so that the commit writes them in few, long writes (see [`crate::stretch`]). The first
//! choice is a stretch of reusable pages in the top chunks at least as long as the previous
//! transaction's allocation; then the file's end, but only while the free list holds less
//! than [`END_SLACK_DIVISOR`]th of the file (and only as far as that share), so that a
//! fragmented free list cannot make the file grow without bound; then, as before stretches,
//! any reusable page from the top of the stack down, then the end.

use std::sync::Arc;

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, FromZeros, IntoBytes};

use crate::error::{Error, Result};
use crate::layout::{
    FIRST_DATA_PAGE, FREE_LIST_CAPACITY, FreeListPage, PAGE_SIZE, PageBytes, PageHeader, PageId,
    PageType, checksum_matches, page_type_of,
};
use crate::stretch::{FreePage, Stretches};

/// How far below the top of the stack a waiting chunk may be and still take a commit's freed
/// pages (see [`Allocator::merge_target`]).
const MERGE_DEPTH: usize = 3;

/// How many chunks from the top of the stack are searched for stretches of consecutive pages:
/// taking a page from a chunk rewrites every chunk above it, and the search sorts their
/// entries once per transaction.
const STRETCH_DEPTH: usize = 2;

/// The longest stretch a transaction asks for before settling for the file's end.
const MAX_WANTED_STRETCH: u64 = 64;

/// The stretch asked for by the first transaction after an open (a small commit's pages).
const FIRST_WANTED_STRETCH: u64 = 16;

/// A transaction may take new pages at the file's end, rather than scattered reusable ones,
/// while the free list holds less than this fraction (one in N) of the file's pages.
const END_SLACK_DIVISOR: u64 = 16;

/// Where the current transaction's next new page comes from.
#[derive(Clone, Debug)]
enum Source {
    /// Not chosen yet (or the last stretch ran out).
    Undecided,
    /// The rest of a stretch of consecutive reusable pages, highest id first.
    Stretch(Vec<FreePage>),
    /// The end of the file, for at most `end_budget` more pages.
    End,
    /// Whatever reusable page comes first, then the end of the file.
    Any,
}

/// One chunk of the free list, in memory.
#[derive(Clone, Debug)]
struct Chunk {
    /// The page holding this chunk on disk; `None` once the chunk is due for rewriting.
    stored_at: Option<PageId>,
    freed_by: u64,
    entries: Arc<Vec<PageId>>,
}

/// The free list as of one commit, plus the allocation state of a write transaction.
#[derive(Clone, Debug)]
pub(crate) struct Allocator {
    /// Pages `0..page_count` exist in the file's format (in use or free).
    page_count: u64,
    /// Bottom first; the last chunk is the top of the stack.
    chunks: Vec<Chunk>,
    /// `chunks[dirty_from..]` must be rewritten at commit.
    dirty_from: usize,
    /// Pages freed by transactions up to this one may be reused.
    reuse_limit: u64,
    /// Chunks at and above this index hold no reusable entry (a search hint).
    search_below: usize,
    /// Pages allocated and freed again within the current transaction.
    local_free: Vec<PageId>,
    /// Where the next new page comes from.
    source: Source,
    /// The reusable pages of the top chunks, as stretches; built on the first allocation.
    stretches: Option<Stretches>,
    /// How many pages the transaction may still take from the end of the file while reusable
    /// pages exist.
    end_budget: u64,
    /// New pages the current transaction took (those it freed and took again not counted).
    allocated: u64,
    /// New pages the previous transaction took: how long a stretch to look for.
    wanted: u64,
}

/// What a commit writes for the free list.
pub(crate) struct FreeListCommit {
    /// The new chunk pages, to be written.
    pub(crate) pages: Vec<(PageId, Box<PageBytes>)>,
}

impl Allocator {
    /// The allocator of an empty free list.
    #[cfg(test)]
    pub(crate) fn empty(page_count: u64) -> Allocator {
        Allocator {
            page_count,
            chunks: Vec::new(),
            dirty_from: 0,
            reuse_limit: 0,
            search_below: 0,
            local_free: Vec::new(),
            source: Source::Undecided,
            stretches: None,
            end_budget: 0,
            allocated: 0,
            wanted: FIRST_WANTED_STRETCH,
        }
    }

    /// Loads the free list whose top chunk is `head`, reading pages with `read`.
    /// Validates every chunk: type, checksum, counts, entries in range, no cycle.
    pub(crate) fn load<'a>(
        page_count: u64,
        head: u64,
        expected_free: u64,
        read: impl Fn(PageId) -> Option<&'a PageBytes>,
    ) -> Result<Allocator> {
        let mut chunks = Vec::new();
        let mut next = head;
        let mut total = 0u64;
        while next != 0 {
            if chunks.len() as u64 >= page_count {
                return Err(Error::Corrupt("the free list has a cycle".into()));
            }
            let (chunk, below) = read_chunk(PageId(next), page_count, &read)?;
            total += chunk.entries.len() as u64;
            chunks.push(chunk);
            next = below;
        }
        if total != expected_free {
            return Err(Error::Corrupt(format!(
                "the free list holds {total} pages, the meta page says {expected_free}"
            )));
        }
        chunks.reverse();
        let len = chunks.len();
        Ok(Allocator {
            page_count,
            chunks,
            dirty_from: len,
            reuse_limit: 0,
            search_below: len,
            local_free: Vec::new(),
            source: Source::Undecided,
            stretches: None,
            end_budget: 0,
            allocated: 0,
            wanted: FIRST_WANTED_STRETCH,
        })
    }

    /// Prepares for a new write transaction that may reuse pages freed up to `reuse_limit`.
    pub(crate) fn begin(&mut self, reuse_limit: u64) {
        self.reuse_limit = reuse_limit;
        self.search_below = self.chunks.len();
        self.dirty_from = self.chunks.len();
        self.local_free.clear();
        self.source = Source::Undecided;
        self.stretches = None;
        self.end_budget =
            (self.page_count / END_SLACK_DIVISOR).saturating_sub(self.free_page_count());
        if self.allocated > 0 {
            self.wanted = self.allocated.min(MAX_WANTED_STRETCH);
        }
        self.allocated = 0;
    }

    /// Pages in the file's format, used or free.
    pub(crate) fn page_count(&self) -> u64 {
        self.page_count
    }

    /// Free pages recorded in the list (after a commit: the meta page's count).
    pub(crate) fn free_page_count(&self) -> u64 {
        self.chunks.iter().map(|c| c.entries.len() as u64).sum()
    }

    /// The top chunk's page, or 0 for an empty list. Valid after a commit.
    pub(crate) fn head(&self) -> u64 {
        self.chunks
            .last()
            .and_then(|c| c.stored_at)
            .map_or(0, |p| p.0)
    }

    /// A page for the current transaction: one it freed itself, else the next page of the
    /// source chosen as the module documentation says.
    pub(crate) fn alloc(&mut self) -> PageId {
        if let Some(page) = self.local_free.pop() {
            return page;
        }
        self.allocated += 1;
        loop {
            match &mut self.source {
                Source::Undecided => self.source = self.choose_source(),
                Source::Stretch(pages) => match pages.pop() {
                    Some((page, chunk)) => {
                        if self.take_entry(chunk, page) {
                            return page;
                        }
                    }
                    None => self.source = Source::Undecided,
                },
                Source::End if self.end_budget > 0 => {
                    self.end_budget -= 1;
                    return self.new_page_at_end();
                }
                Source::End => self.source = Source::Undecided,
                Source::Any => return self.any_page(),
            }
        }
    }

    /// The source of the next pages: a stretch as long as the previous transaction needed,
    /// else the end of the file within its budget, else any page (shorter stretches would
    /// scatter the commit all the same, and one in a lower chunk rewrites more chunks).
    fn choose_source(&mut self) -> Source {
        let stretches = self.stretches.get_or_insert_with(|| {
            let top = self.chunks.len().saturating_sub(STRETCH_DEPTH);
            let pages = (top..self.chunks.len())
                .filter_map(|i| Some((i, self.chunks.get(i)?)))
                .filter(|(_, c)| c.freed_by <= self.reuse_limit)
                .flat_map(|(i, c)| c.entries.iter().map(move |&p| (p, i)))
                .collect();
            Stretches::new(pages)
        });
        if stretches.best_len() as u64 >= self.wanted {
            stretches.take_best().map_or(Source::Any, Source::Stretch)
        } else if self.end_budget > 0 {
            Source::End
        } else {
            Source::Any
        }
    }

    /// Removes `page` from chunk `chunk`'s entries, where it was listed when the stretches
    /// were built; whether it was still there (only this transaction changes the chunks, and
    /// it takes from the stretches before it takes any page otherwise).
    fn take_entry(&mut self, chunk: usize, page: PageId) -> bool {
        let Some(c) = self.chunks.get_mut(chunk) else {
            return false;
        };
        let Some(at) = c.entries.iter().position(|&p| p == page) else {
            return false;
        };
        Arc::make_mut(&mut c.entries).swap_remove(at);
        self.dirty_from = self.dirty_from.min(chunk);
        true
    }

    /// A new page past the last one.
    fn new_page_at_end(&mut self) -> PageId {
        let page = PageId(self.page_count);
        self.page_count += 1;
        page
    }

    /// The first reusable page, from the top of the stack down, else a new page at the end.
    fn any_page(&mut self) -> PageId {
        while self.search_below > 0 {
            let index = self.search_below - 1;
            if let Some(chunk) = self.chunks.get_mut(index)
                && chunk.freed_by <= self.reuse_limit
                && let Some(page) = Arc::make_mut(&mut chunk.entries).pop()
            {
                self.dirty_from = self.dirty_from.min(index);
                return page;
            }
            self.search_below = index;
        }
        self.new_page_at_end()
    }

    /// Returns a page allocated by the current transaction, never committed.
    pub(crate) fn free_local(&mut self, page: PageId) {
        self.local_free.push(page);
    }

    /// Records the free list for commit `txn`, which freed the committed pages `freed`.
    /// Allocates the pages for the rewritten chunks itself, which may in turn dirty more
    /// chunks or leave a surplus, hence the loop. It ends: every round either finishes, takes
    /// a page (from a finite reusable set or the end of the file, after which nothing more is
    /// dirtied), or hands a surplus page back into this transaction's freed set.
    pub(crate) fn commit(&mut self, txn: u64, mut freed: Vec<PageId>) -> FreeListCommit {
        if !freed.is_empty() || !self.local_free.is_empty() {
            self.open_top_chunk_to_merging(txn);
        }
        let mut chain_pages: Vec<PageId> = Vec::new();
        loop {
            freed.append(&mut self.local_free);
            if !freed.is_empty()
                && let Some(target) = self.merge_target()
            {
                self.dirty_from = self.dirty_from.min(target);
            }
            for chunk in self.chunks.get_mut(self.dirty_from..).unwrap_or_default() {
                if let Some(page) = chunk.stored_at.take() {
                    freed.push(page);
                }
            }
            let needed = self.rewritten_chunk_count(freed.len());
            if chain_pages.len() < needed {
                chain_pages.push(self.alloc());
            } else if chain_pages.len() > needed {
                freed.extend(chain_pages.drain(needed..));
            } else {
                break;
            }
        }
        let layout = self.rewritten_layout(txn, &freed);
        self.chunks.truncate(self.dirty_from);
        let mut below = self
            .chunks
            .last()
            .and_then(|c| c.stored_at)
            .map_or(0, |p| p.0);
        let mut pages = Vec::with_capacity(layout.len());
        for ((freed_by, entries), at) in layout.into_iter().zip(chain_pages) {
            pages.push((at, encode_chunk(below, freed_by, &entries)));
            self.chunks.push(Chunk {
                stored_at: Some(at),
                freed_by,
                entries: Arc::new(entries),
            });
            below = at.0;
        }
        self.dirty_from = self.chunks.len();
        self.search_below = self.chunks.len();
        FreeListCommit { pages }
    }

    /// Lets the top chunk take this commit's freed pages although its own are reusable, when
    /// the transaction took none of them (its pages came from the end of the file): they then
    /// wait for this commit too, which costs nothing while commits take the end, and the list
    /// does not gain a chunk of a few pages per commit.
    fn open_top_chunk_to_merging(&mut self, txn: u64) {
        if self.dirty_from < self.chunks.len() {
            return;
        }
        if let Some(top) = self.chunks.last_mut()
            && top.freed_by <= self.reuse_limit
            && top.entries.len() < FREE_LIST_CAPACITY
        {
            top.freed_by = txn;
        }
    }

    /// The waiting chunk (not yet reusable, with room) that takes this commit's freed pages:
    /// the topmost one, if it lies within [`MERGE_DEPTH`] of the top. Merging rewrites every
    /// chunk above the target, so a deeper one is left alone and the pages form a new chunk.
    fn merge_target(&self) -> Option<usize> {
        let len = self.chunks.len();
        (len.saturating_sub(MERGE_DEPTH)..len).rev().find(|&i| {
            self.chunks.get(i).is_some_and(|c| {
                c.freed_by > self.reuse_limit && c.entries.len() < FREE_LIST_CAPACITY
            })
        })
    }

    /// The non-empty chunks of the dirty suffix in their new order: waiting ones first (to the
    /// bottom), then reusable ones (to the top, where the next allocations look first).
    fn suffix_order(&self) -> (Vec<&Chunk>, Vec<&Chunk>) {
        let suffix = self
            .chunks
            .get(self.dirty_from..)
            .unwrap_or_default()
            .iter()
            .filter(|c| !c.entries.is_empty());
        suffix.partition(|c| c.freed_by > self.reuse_limit)
    }

    /// How many chunks [`Allocator::rewritten_layout`] makes for `freed` pages, from sizes
    /// alone (the commit loop asks this every round).
    fn rewritten_chunk_count(&self, freed: usize) -> usize {
        let (waiting, reusable) = self.suffix_order();
        let room = waiting
            .last()
            .map_or(0, |c| FREE_LIST_CAPACITY.saturating_sub(c.entries.len()));
        waiting.len() + freed.saturating_sub(room).div_ceil(FREE_LIST_CAPACITY) + reusable.len()
    }

    /// The chunks (bottom first) that replace the dirty suffix once `freed` is added: the
    /// waiting chunks, the last of them topped up with freed pages (and relabelled `txn`), new
    /// chunks for the freed pages left over, then the reusable chunks.
    fn rewritten_layout(&self, txn: u64, freed: &[PageId]) -> Vec<(u64, Vec<PageId>)> {
        let (waiting, reusable) = self.suffix_order();
        let mut out: Vec<(u64, Vec<PageId>)> = waiting
            .iter()
            .map(|c| (c.freed_by, c.entries.to_vec()))
            .collect();
        let mut rest = freed;
        if let Some((freed_by, top)) = out.last_mut()
            && !rest.is_empty()
        {
            let room = FREE_LIST_CAPACITY.saturating_sub(top.len()).min(rest.len());
            let (merged, left) = rest.split_at(room);
            top.extend_from_slice(merged);
            *freed_by = txn;
            rest = left;
        }
        out.extend(
            rest.chunks(FREE_LIST_CAPACITY)
                .map(|part| (txn, part.to_vec())),
        );
        out.extend(reusable.iter().map(|c| (c.freed_by, c.entries.to_vec())));
        out
    }

    /// Every page the free list accounts for: chunk pages and their entries.
    pub(crate) fn chunk_pages_and_entries(&self) -> (Vec<PageId>, Vec<PageId>) {
        let chunk_pages = self.chunks.iter().filter_map(|c| c.stored_at).collect();
        let entries = self
            .chunks
            .iter()
            .flat_map(|c| c.entries.iter().copied())
            .collect();
        (chunk_pages, entries)
    }
}

fn read_chunk<'a>(
    at: PageId,
    page_count: u64,
    read: &impl Fn(PageId) -> Option<&'a PageBytes>,
) -> Result<(Chunk, u64)> {
    if !(FIRST_DATA_PAGE..page_count).contains(&at.0) {
        return Err(Error::Corrupt(format!(
            "free-list chunk {at} is outside the file"
        )));
    }
    let Some(bytes) = read(at) else {
        return Err(Error::PageOutOfBounds {
            page: at,
            page_count,
        });
    };
    if page_type_of(bytes) != PageType::FREE_LIST {
        return Err(Error::WrongPageType {
            page: at,
            expected: PageType::FREE_LIST,
            found: page_type_of(bytes),
        });
    }
    if !checksum_matches(at, bytes) {
        return Err(Error::Corrupt(format!(
            "free-list chunk {at} fails its checksum"
        )));
    }
    let page = FreeListPage::ref_from_bytes(bytes)
        .map_err(|_| Error::Corrupt("free-list page size".into()))?;
    let count = usize::try_from(page.count.get()).unwrap_or(usize::MAX);
    let entries = page
        .entries
        .get(..count)
        .ok_or_else(|| Error::Corrupt(format!("free-list chunk {at} claims {count} entries")))?;
    let mut ids = Vec::with_capacity(count);
    for e in entries {
        let id = e.get();
        if !(FIRST_DATA_PAGE..page_count).contains(&id) {
            return Err(Error::Corrupt(format!(
                "free-list chunk {at} lists page {id}, outside the file"
            )));
        }
        ids.push(PageId(id));
    }
    let chunk = Chunk {
        stored_at: Some(at),
        freed_by: page.freed_by.get(),
        entries: Arc::new(ids),
    };
    Ok((chunk, page.next.get()))
}

fn encode_chunk(next: u64, freed_by: u64, entries: &[PageId]) -> Box<PageBytes> {
    let mut chunk = FreeListPage::new_zeroed();
    chunk.header = PageHeader::new(PageType::FREE_LIST);
    chunk.next = U64::new(next);
    chunk.freed_by = U64::new(freed_by);
    // `entries.len() <= FREE_LIST_CAPACITY` (507) by construction in `rewritten_layout`.
    chunk.count = U32::new(u32::try_from(entries.len()).unwrap_or(0));
    for (slot, id) in chunk.entries.iter_mut().zip(entries) {
        *slot = U64::new(id.0);
    }
    let mut page = Box::new([0u8; PAGE_SIZE]);
    page.copy_from_slice(chunk.as_bytes());
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    /// Commits `alloc` and stores its chunk pages in `disk`, sealing nothing (load checks
    /// checksums, so tests seal through `crate::layout::seal_page`).
    fn commit(
        alloc: &mut Allocator,
        disk: &mut HashMap<PageId, Box<PageBytes>>,
        txn: u64,
        freed: Vec<PageId>,
    ) {
        for (at, mut page) in alloc.commit(txn, freed).pages {
            crate::layout::seal_page(at, &mut page);
            disk.insert(at, page);
        }
    }

    fn accounted(alloc: &Allocator) -> BTreeSet<PageId> {
        let (chunks, entries) = alloc.chunk_pages_and_entries();
        let mut all = BTreeSet::new();
        for p in chunks.into_iter().chain(entries) {
            assert!(all.insert(p), "page {p} accounted twice");
        }
        all
    }

    #[test]
    fn freed_pages_wait_for_the_reuse_limit() {
        let mut alloc = Allocator::empty(FIRST_DATA_PAGE);
        let mut disk = HashMap::new();
        alloc.begin(0);
        let pages: Vec<PageId> = (0..10).map(|_| alloc.alloc()).collect();
        commit(&mut alloc, &mut disk, 2, vec![]);
        alloc.begin(1);
        commit(&mut alloc, &mut disk, 3, pages[..4].to_vec());
        // Freed by 3; a reader of snapshot 2 still lives: limit 2.
        alloc.begin(2);
        let fresh = alloc.alloc();
        assert!(fresh.0 >= FIRST_DATA_PAGE + 10, "reused {fresh} too early");
        commit(&mut alloc, &mut disk, 4, vec![]);
        alloc.begin(4);
        let reused = alloc.alloc();
        assert!(pages[..4].contains(&reused), "expected reuse, got {reused}");
    }

    #[test]
    fn the_list_survives_a_reload_and_accounts_every_page_once() {
        let mut alloc = Allocator::empty(FIRST_DATA_PAGE);
        let mut disk = HashMap::new();
        alloc.begin(0);
        let pages: Vec<PageId> = (0..2000).map(|_| alloc.alloc()).collect();
        commit(&mut alloc, &mut disk, 2, vec![]);
        alloc.begin(2);
        commit(&mut alloc, &mut disk, 3, pages[..1500].to_vec());
        let reloaded = Allocator::load(
            alloc.page_count(),
            alloc.head(),
            alloc.free_page_count(),
            |id| disk.get(&id).map(|b| &**b),
        )
        .expect("load");
        assert_eq!(accounted(&reloaded), accounted(&alloc));
        assert_eq!(reloaded.free_page_count(), 1500);
    }

    /// An allocator over a file of `pages` pages whose free list holds `free` (reusable by
    /// transaction 3 on), after a first commit.
    fn with_free_pages(pages: u64, free: &[u64]) -> (Allocator, HashMap<PageId, Box<PageBytes>>) {
        let mut alloc = Allocator::empty(FIRST_DATA_PAGE);
        let mut disk = HashMap::new();
        alloc.begin(0);
        while alloc.page_count() < pages {
            alloc.alloc();
        }
        commit(
            &mut alloc,
            &mut disk,
            2,
            free.iter().map(|&p| PageId(p)).collect(),
        );
        (alloc, disk)
    }

    #[test]
    fn a_transaction_takes_a_long_enough_stretch_and_leaves_the_rest_of_it_free() {
        // 90 free pages of 1,000: scattered ones, and a stretch of 70 from page 500 (the
        // first commit took 1,000 pages, so the next asks for the longest, 64).
        let mut free: Vec<u64> = (0..20).map(|i| 100 + 7 * i).collect();
        free.extend(500..570);
        let (mut alloc, mut disk) = with_free_pages(1000, &free);
        alloc.begin(2);
        let taken: Vec<u64> = (0..5).map(|_| alloc.alloc().0).collect();
        assert_eq!(taken, [500, 501, 502, 503, 504]);
        commit(&mut alloc, &mut disk, 3, vec![]);
        // The free list's two new chunks (the old chunk page freed, the rest still reusable)
        // took the stretch's next pages; the other 83 free pages are still listed.
        let (chunk_pages, entries) = alloc.chunk_pages_and_entries();
        assert_eq!(chunk_pages, [PageId(505), PageId(506)]);
        for p in free.iter().filter(|p| !taken.contains(p) && **p > 506) {
            assert!(entries.contains(&PageId(*p)), "page {p} left the free list");
        }
        assert_eq!(
            entries.len(),
            free.len() - 7 + 1,
            "the old chunk page is free"
        );
        accounted(&alloc);
    }

    #[test]
    fn without_a_stretch_a_transaction_takes_the_end_of_a_file_with_slack() {
        let free: Vec<u64> = (0..20).map(|i| 100 + 7 * i).collect();
        let (mut alloc, _) = with_free_pages(1000, &free);
        let end = alloc.page_count();
        alloc.begin(2);
        let taken: Vec<u64> = (0..5).map(|_| alloc.alloc().0).collect();
        assert_eq!(taken, [end, end + 1, end + 2, end + 3, end + 4]);
    }

    #[test]
    fn commits_that_take_the_end_gather_their_freed_pages_in_one_chunk() {
        let (mut alloc, mut disk) = with_free_pages(10_000, &[]);
        for txn in 3..60 {
            alloc.begin(txn - 1);
            let fresh: Vec<u64> = (0..5).map(|_| alloc.alloc().0).collect();
            assert!(fresh.iter().all(|&p| p >= 10_000), "took {fresh:?}");
            // Each commit frees five scattered pages that were in use.
            let old = (0..5).map(|k| PageId(100 + 7 * (5 * txn + k))).collect();
            commit(&mut alloc, &mut disk, txn, old);
        }
        assert!(alloc.free_page_count() >= 57 * 5);
        assert_eq!(alloc.chunks.len(), 1);
        accounted(&alloc);
    }

    #[test]
    fn a_free_list_over_its_share_of_the_file_is_reused_rather_than_the_end() {
        // 100 scattered free pages of 1,000: more than a sixteenth.
        let free: Vec<u64> = (0..100).map(|i| 10 + 9 * i).collect();
        let (mut alloc, _) = with_free_pages(1000, &free);
        let end = alloc.page_count();
        alloc.begin(2);
        for _ in 0..5 {
            let page = alloc.alloc();
            assert!(free.contains(&page.0), "took {page}, not a free page");
        }
        assert_eq!(alloc.page_count(), end);
    }

    #[test]
    fn steady_rewrites_keep_the_file_bounded() {
        let mut alloc = Allocator::empty(FIRST_DATA_PAGE);
        let mut disk = HashMap::new();
        alloc.begin(0);
        let mut live: Vec<PageId> = (0..100).map(|_| alloc.alloc()).collect();
        commit(&mut alloc, &mut disk, 2, vec![]);
        for txn in 3..2000 {
            alloc.begin(txn - 1);
            let old = std::mem::take(&mut live);
            live = (0..100).map(|_| alloc.alloc()).collect();
            commit(&mut alloc, &mut disk, txn, old);
        }
        assert!(
            alloc.page_count() < 400,
            "file grew to {} pages",
            alloc.page_count()
        );
        let used: BTreeSet<PageId> = live.iter().copied().collect();
        let free = accounted(&alloc);
        assert!(used.is_disjoint(&free));
        assert_eq!(
            used.len() + free.len() + FIRST_DATA_PAGE as usize,
            alloc.page_count() as usize
        );
    }

    #[test]
    fn a_commit_rewrites_few_chunks_however_long_the_list_and_however_far_reuse_lags() {
        let mut alloc = Allocator::empty(FIRST_DATA_PAGE);
        let mut disk = HashMap::new();
        alloc.begin(0);
        let pages: Vec<PageId> = (0..20_000).map(|_| alloc.alloc()).collect();
        commit(&mut alloc, &mut disk, 2, vec![]);
        alloc.begin(2);
        commit(&mut alloc, &mut disk, 3, pages);
        assert!(alloc.chunks.len() >= 40);
        // Non-durable commits: reuse stays limited to what transaction 3 freed, while every
        // commit frees the previous copy of its page.
        let mut live = None;
        let mut written = Vec::new();
        for txn in 4..2_000 {
            alloc.begin(3);
            let page = alloc.alloc();
            written.push(alloc.commit(txn, live.into_iter().collect()).pages.len());
            live = Some(page);
        }
        // Most commits rewrite the top reusable chunk and the waiting chunk beneath it; once
        // per 507 allocations a used-up chunk makes one commit reach down past the waiting
        // chunks to the next reusable one. (The layout before waiting chunks were kept below
        // reusable ones wrote 19,181 chunks in these 1,996 commits, more with every commit.)
        let total: usize = written.iter().sum();
        assert!(
            10 * total <= 21 * written.len(),
            "{total} chunk writes in {} commits",
            written.len()
        );
        let waiting = alloc.chunks.iter().filter(|c| c.freed_by > 3).count();
        let max = written.iter().max().copied().unwrap_or(0);
        assert!(
            max <= waiting + 2,
            "one commit rewrote {max} chunks, with {waiting} waiting"
        );
        let (chunks, entries) = alloc.chunk_pages_and_entries();
        assert_eq!(
            chunks.len() + entries.len() + 1 + FIRST_DATA_PAGE as usize,
            alloc.page_count() as usize
        );
    }
}
