//! The write transaction: copy-on-write page access, allocation, and the commit protocol.
//!
//! Commit, durable: write every dirty page (to pages no live snapshot can reach) -> sync ->
//! write the meta page into the slot that does not hold the last durable commit -> sync ->
//! publish. A crash before the meta write leaves the old meta the newest valid one; a torn
//! meta write fails its checksum and the other slot wins. `docs/durability.md` has the
//! whole argument.

use std::sync::MutexGuard;
// Not the `sync` shim: a process-wide counter, outside the protocol loom explores.
use std::sync::atomic::{AtomicU64, Ordering};

use crate::dense_hash::DenseIdSet;
use crate::dirty::DirtyPages;
use crate::error::{Error, Result};
use crate::freelist::Allocator;
use crate::layout::{
    FIRST_DATA_PAGE, META_PAGES, PAGE_SIZE, PAGE_SIZE_U64, Page, PageBytes, PageId, PageType,
    ROOT_SLOTS, seal_page,
};
use crate::meta::MetaState;
use crate::pager::{Durability, Shared, Snapshot, WriterState, growth_target, snapshot_page};
use crate::read::{PageSource, root_of, typed};
use crate::storage::Cut;
use crate::sync::Arc;

type PageSet = DenseIdSet<PageId>;

/// The one write transaction. Dropping it without [`WriteTxn::commit`] aborts it: nothing it
/// did is visible to anyone, in memory or on disk.
pub struct WriteTxn {
    shared: Arc<Shared>,
    base: Arc<Snapshot>,
    txn_id: u64,
    allocator: Allocator,
    dirty: DirtyPages,
    freed: Vec<PageId>,
    freed_set: PageSet,
    roots: [u64; ROOT_SLOTS],
    durability: Durability,
    /// See [`WriteTxn::placement`].
    placement: u64,
    /// How the commit cuts its writes ([`WriteTxn::prefer_huge_pages`]).
    cut: Cut,
    /// Set once the writer slot has been handed back (commit or drop).
    released: bool,
}

impl WriteTxn {
    pub(crate) fn begin(shared: Arc<Shared>, wait: bool) -> Result<WriteTxn> {
        if shared.read_only() {
            return Err(Error::ReadOnly);
        }
        let mut writer = shared.lock_writer();
        while writer.active {
            if !wait {
                return Err(Error::WriteBusy);
            }
            writer = shared
                .writer_free
                .wait(writer)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if writer.poisoned {
            return Err(Error::Poisoned);
        }
        let base = shared.registry.current();
        let mut allocator = match &writer.allocator {
            Some(a) => a.clone(),
            None => {
                let loaded = Allocator::load(
                    base.meta.page_count,
                    base.meta.free_list_head,
                    base.meta.free_page_count,
                    |id| snapshot_page(&base, id).ok(),
                )?;
                writer.allocator = Some(loaded.clone());
                loaded
            }
        };
        let oldest_reader = shared.registry.oldest_reader().unwrap_or(u64::MAX);
        allocator.begin(oldest_reader.min(writer.durable_txn).min(base.meta.txn_id));
        writer.active = true;
        drop(writer);
        Ok(WriteTxn {
            txn_id: base.meta.txn_id + 1,
            roots: base.meta.roots,
            durability: shared.options.durability,
            shared,
            base,
            allocator,
            dirty: DirtyPages::default(),
            freed: Vec::new(),
            freed_set: PageSet::default(),
            placement: new_placement(),
            cut: Cut::Short,
            released: false,
        })
    }

    /// The id this transaction will commit as.
    pub fn txn_id(&self) -> u64 {
        self.txn_id
    }

    /// Chooses how this transaction's commit reaches the disk.
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    /// Sets the root recorded in `slot`.
    pub fn set_root(&mut self, slot: usize, root: u64) -> Result<()> {
        let Some(entry) = self.roots.get_mut(slot) else {
            return Err(Error::NoSuchRootSlot(slot));
        };
        *entry = root;
        Ok(())
    }

    /// A number that names where this transaction's pages are: no other transaction of the
    /// process ever has it, and it changes whenever a page the transaction can read moves (a
    /// copy by [`WriteTxn::cow`]) or goes (a [`WriteTxn::free`]). While it is unchanged, every
    /// page id found before (by descending any structure) still names the same live page, so a
    /// caller may remember such ids under it. Allocating keeps it: a new page moves no other.
    pub fn placement(&self) -> u64 {
        self.placement
    }

    /// Asks that the commit write the file in whole 2 MiB blocks where its pages fill them
    /// (and grow the file so), so that the kernel may cache and map each block as one huge
    /// page: for pages that reads will visit all over at random, such as a vector index's,
    /// where a TLB miss per page read weighs. Reading one page of such a block through the map
    /// makes the whole block resident, so transactions of other data leave it unset. Linux 6.x
    /// on ext4 and XFS honours it; elsewhere it changes only how the writes are cut.
    pub fn prefer_huge_pages(&mut self) {
        self.cut = Cut::HugePages;
    }

    /// Lets the kernel take back the memory that reading the file through its mapping made
    /// resident: the mapped pages leave the process's resident set (the page cache keeps them,
    /// and a later read maps a page again, a minor fault). The transaction's own pages are not
    /// mapped and stay. For passes that read more of the file than should stay resident, such
    /// as a fold of the whole adjacency; it costs the faults of whatever is read again.
    pub fn release_mapped_pages(&self) -> Result<()> {
        Ok(self.base.region.release_resident()?)
    }

    /// Whether `id` was allocated (or copied) by this transaction, and so is writable.
    pub fn is_writable(&self, id: PageId) -> bool {
        self.dirty.contains(id)
    }

    /// A new zeroed page carrying the tag `page_type`.
    pub fn alloc(&mut self, page_type: PageType) -> Result<(PageId, &mut PageBytes)> {
        let id = self.allocator.alloc();
        let mut page: Box<PageBytes> = Box::new([0; PAGE_SIZE]);
        page[crate::layout::PAGE_TYPE_OFFSET] = page_type.0;
        Ok((id, self.own(id, page)?))
    }

    /// A new page of layout `T`, zeroed but for its type tag.
    pub fn alloc_as<T: Page>(&mut self) -> Result<(PageId, &mut T)> {
        let (id, bytes) = self.alloc(T::TYPE)?;
        let page =
            T::mut_from_bytes(bytes).map_err(|_| Error::Corrupt("page layout size".into()))?;
        Ok((id, page))
    }

    /// The writable copy of page `id`: `id` itself if this transaction already owns it,
    /// otherwise a new page holding a copy, with `id` freed. The caller must point whatever
    /// referred to `id` at the returned page.
    pub fn cow(&mut self, id: PageId) -> Result<PageId> {
        if self.dirty.contains(id) {
            return Ok(id);
        }
        let copy: Box<PageBytes> = Box::new(*snapshot_page(&self.base, id)?);
        // `free` gives the transaction a new placement: `id` moves.
        self.free(id)?;
        let new = self.allocator.alloc();
        self.own(new, copy)?;
        Ok(new)
    }

    /// The bytes of a page this transaction owns (allocated or copied).
    pub fn page_mut(&mut self, id: PageId) -> Result<&mut PageBytes> {
        match self.dirty.get_mut(id) {
            Some(page) => Ok(page),
            None => Err(Error::PageMisuse {
                page: id,
                what: "written without being copied first (call cow)",
            }),
        }
    }

    /// A page this transaction owns, as layout `T` (its tag is checked).
    pub fn page_mut_as<T: Page>(&mut self, id: PageId) -> Result<&mut T> {
        let bytes = self.page_mut(id)?;
        let found = crate::layout::page_type_of(bytes);
        if found != T::TYPE {
            return Err(Error::WrongPageType {
                page: id,
                expected: T::TYPE,
                found,
            });
        }
        T::mut_from_bytes(bytes)
            .map_err(|_| Error::Corrupt(format!("page {id} does not fit its layout")))
    }

    /// Frees page `id`. A page this transaction allocated is reusable at once; a committed
    /// page becomes reusable once no older reader can see it.
    pub fn free(&mut self, id: PageId) -> Result<()> {
        self.placement = new_placement();
        if self.dirty.remove(id).is_some() {
            self.allocator.free_local(id);
            return Ok(());
        }
        if !(FIRST_DATA_PAGE..self.base.meta.page_count).contains(&id.0) {
            return Err(Error::PageMisuse {
                page: id,
                what: "freed but not a data page of this snapshot",
            });
        }
        if !self.freed_set.insert(id) {
            return Err(Error::PageMisuse {
                page: id,
                what: "freed twice",
            });
        }
        self.freed.push(id);
        Ok(())
    }

    /// Owns `page` as page `id`, a page the allocator just handed out; returns it, writable.
    fn own(&mut self, id: PageId, page: Box<PageBytes>) -> Result<&mut PageBytes> {
        self.dirty.insert(id, page).ok_or(Error::PageMisuse {
            page: id,
            what: "allocated beyond the address space",
        })
    }

    /// Makes the transaction visible to new readers and, in durable mode, durable.
    pub fn commit(mut self) -> Result<()> {
        let shared = Arc::clone(&self.shared);
        let mut writer = shared.lock_writer();
        let result = self.commit_locked(&shared, &mut writer);
        writer.active = false;
        self.released = true;
        drop(writer);
        shared.writer_free.notify_one();
        result
    }

    fn commit_locked(
        &mut self,
        shared: &Shared,
        writer: &mut MutexGuard<'_, WriterState>,
    ) -> Result<()> {
        if writer.poisoned {
            return Err(Error::Poisoned);
        }
        let freed = std::mem::take(&mut self.freed);
        for (id, page) in self.allocator.commit(self.txn_id, freed).pages {
            self.own(id, page)?;
        }
        let needed = self.allocator.page_count().saturating_mul(PAGE_SIZE_U64);
        if needed > writer.file_len {
            let len = growth_target(writer.file_len, needed);
            shared.storage.grow(len, self.cut)?;
            writer.region = Arc::new(shared.storage.map(len)?);
            writer.file_len = len;
        }
        let written = write_pages(shared, &mut self.dirty, self.cut)?;
        writer.bytes_written = writer.bytes_written.saturating_add(written);
        let meta = MetaState {
            txn_id: self.txn_id,
            page_count: self.allocator.page_count(),
            free_list_head: self.allocator.head(),
            free_page_count: self.allocator.free_page_count(),
            roots: self.roots,
        };
        if self.durability == Durability::Durable {
            sync_or_poison(shared, writer)?;
            write_meta(shared, writer, &meta)?;
        }
        writer.allocator = Some(self.allocator.clone());
        shared.registry.publish(Arc::new(Snapshot {
            meta,
            region: Arc::clone(&writer.region),
        }));
        Ok(())
    }
}

/// A placement (see [`WriteTxn::placement`]) never handed out before in this process.
fn new_placement() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Seals and writes `dirty`, coalescing runs of consecutive pages into one write each, each
/// ending where `cut` ends it at the latest; returns the bytes written.
fn write_pages(shared: &Shared, dirty: &mut DirtyPages, cut: Cut) -> Result<u64> {
    let mut written = 0u64;
    let mut run: Vec<u8> = Vec::new();
    let mut run_start = PageId(0);
    let mut pages = dirty.iter_mut().peekable();
    while let Some((id, page)) = pages.next() {
        seal_page(id, page);
        if run.is_empty() {
            run_start = id;
        }
        run.extend_from_slice(&page[..]);
        let next_continues = pages.peek().is_some_and(|(next, _)| {
            next.0 == id.0 + 1 && next.offset() < cut.end(run_start.offset())
        });
        if !next_continues {
            shared.storage.write_at(run_start.offset(), &run)?;
            written = written.saturating_add(run.len() as u64);
            run.clear();
        }
    }
    Ok(written)
}

/// Syncs, poisoning the writer on failure: after a failed `fdatasync` the kernel may have
/// dropped unwritten pages (of this or an earlier non-durable commit) while marking them clean,
/// so no later sync can be trusted to make them durable. Reads go on; reopen to write again.
fn sync_or_poison(shared: &Shared, writer: &mut WriterState) -> Result<()> {
    writer.syncs = writer.syncs.saturating_add(1);
    shared.storage.sync_data().map_err(|e| {
        writer.poisoned = true;
        Error::Io(e)
    })
}

/// Writes `meta` into the slot that does not hold the last durable commit, and syncs. Any
/// failure here leaves the disk's meta state unknown, so it poisons the writer.
fn write_meta(shared: &Shared, writer: &mut WriterState, meta: &MetaState) -> Result<()> {
    let slot = 1 - writer.durable_slot;
    let at = META_PAGES[slot];
    let page = meta.encode(at);
    if let Err(e) = shared.storage.write_at(at.offset(), &page[..]) {
        writer.poisoned = true;
        return Err(e.into());
    }
    writer.bytes_written = writer.bytes_written.saturating_add(page.len() as u64);
    sync_or_poison(shared, writer)?;
    writer.durable_slot = slot;
    writer.durable_txn = meta.txn_id;
    Ok(())
}

/// Makes the latest commit durable if it is not yet: sync, meta page, sync.
pub(crate) fn flush(shared: &Shared) -> Result<()> {
    let mut writer = shared.lock_writer();
    let current = shared.registry.current();
    if writer.poisoned || current.meta.txn_id == writer.durable_txn {
        return Ok(());
    }
    sync_or_poison(shared, &mut writer)?;
    write_meta(shared, &mut writer, &current.meta)
}

/// Shortens the file to the pages of the latest (durable) commit. Only at a clean close: no
/// reader or writer is left, and the space past the last page is free in every state on disk.
pub(crate) fn trim(shared: &Shared) -> Result<()> {
    let writer = shared.lock_writer();
    let current = shared.registry.current();
    if writer.poisoned || current.meta.txn_id != writer.durable_txn {
        return Ok(());
    }
    shared
        .storage
        .truncate(current.meta.page_count.saturating_mul(PAGE_SIZE_U64))?;
    Ok(())
}

impl PageSource for WriteTxn {
    fn page(&self, id: PageId) -> Result<&PageBytes> {
        match self.dirty.get(id) {
            Some(page) => Ok(page),
            None => snapshot_page(&self.base, id),
        }
    }

    fn root(&self, slot: usize) -> Result<u64> {
        root_of(&self.roots, slot)
    }

    fn page_as<T: Page>(&self, id: PageId) -> Result<&T> {
        typed(id, self.page(id)?)
    }
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        if !self.released {
            self.shared.lock_writer().active = false;
            self.shared.writer_free.notify_one();
        }
    }
}

impl std::fmt::Debug for WriteTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTxn")
            .field("txn_id", &self.txn_id)
            .field("dirty_pages", &self.dirty.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::{MemStorage, Options, PageType, Pager};

    #[test]
    fn placement_changes_when_a_page_moves_or_goes_and_never_repeats() -> crate::Result<()> {
        let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())?;
        let mut txn = pager.begin_write()?;
        let first = txn.placement();
        let (a, _) = txn.alloc(PageType(200))?;
        let (b, _) = txn.alloc(PageType(200))?;
        assert_eq!(txn.placement(), first, "allocating moves no page");
        assert_eq!(txn.cow(a)?, a);
        assert_eq!(txn.placement(), first, "a page owned already is not copied");
        txn.free(b)?;
        let after_free = txn.placement();
        assert_ne!(after_free, first);
        txn.set_root(0, a.0)?;
        txn.commit()?;

        let mut txn = pager.begin_write()?;
        let next = txn.placement();
        assert!(
            next != first && next != after_free,
            "a new transaction, a new placement"
        );
        let copy = txn.cow(a)?;
        assert_ne!(copy, a);
        assert_ne!(txn.placement(), next, "a copy moves the page");
        Ok(())
    }
}
