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

use std::sync::Arc;

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, FromZeros, IntoBytes};

use crate::error::{Error, Result};
use crate::layout::{
    FIRST_DATA_PAGE, FREE_LIST_CAPACITY, FreeListPage, PAGE_SIZE, PageBytes, PageHeader, PageId,
    PageType, checksum_matches, page_type_of,
};

/// How far below the top of the stack a waiting chunk may be and still take a commit's freed
/// pages (see [`Allocator::merge_target`]).
const MERGE_DEPTH: usize = 3;

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
        })
    }

    /// Prepares for a new write transaction that may reuse pages freed up to `reuse_limit`.
    pub(crate) fn begin(&mut self, reuse_limit: u64) {
        self.reuse_limit = reuse_limit;
        self.search_below = self.chunks.len();
        self.dirty_from = self.chunks.len();
        self.local_free.clear();
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

    /// A page for the current transaction: one it freed itself, else a reusable free page,
    /// else a new page at the end of the file.
    pub(crate) fn alloc(&mut self) -> PageId {
        if let Some(page) = self.local_free.pop() {
            return page;
        }
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
        let page = PageId(self.page_count);
        self.page_count += 1;
        page
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
