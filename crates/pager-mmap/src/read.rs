//! Read transactions and the page-access trait shared with write transactions.

use crate::error::{Error, Result};
use crate::layout::{Page, PageBytes, PageId, ROOT_SLOTS, page_type_of};
use crate::pager::{Shared, Snapshot};
use crate::storage::PageWindow;
use crate::sync::Arc;

/// Read access to the pages of one transaction's view.
pub trait PageSource {
    /// The bytes of page `id`, bounds-checked.
    fn page(&self, id: PageId) -> Result<&PageBytes>;

    /// The root recorded in `slot` (0 when unset).
    fn root(&self, slot: usize) -> Result<u64>;

    /// Page `id` decoded as `T`, after checking its type tag.
    #[inline]
    fn page_as<T: Page>(&self, id: PageId) -> Result<&T> {
        typed(id, self.page(id)?)
    }
}

/// Decodes `bytes` (page `id`) as `T`, refusing a page whose tag is not `T::TYPE`.
#[inline]
pub fn typed<T: Page>(id: PageId, bytes: &PageBytes) -> Result<&T> {
    let found = page_type_of(bytes);
    if found != T::TYPE {
        return Err(Error::WrongPageType {
            page: id,
            expected: T::TYPE,
            found,
        });
    }
    T::ref_from_bytes(bytes)
        .map_err(|_| Error::Corrupt(format!("page {id} does not fit its layout")))
}

/// A root slot's value, or an error for a slot that does not exist.
#[inline]
pub(crate) fn root_of(roots: &[u64; ROOT_SLOTS], slot: usize) -> Result<u64> {
    match roots.get(slot) {
        Some(root) => Ok(*root),
        None => Err(Error::NoSuchRootSlot(slot)),
    }
}

/// A snapshot of one commit. `Send`, cheap to begin, never blocked by the writer.
///
/// Pages are read in place from the mapping; the references it hands out live as long as the
/// transaction. While it lives, the pages of its snapshot are not reused, so a long-lived
/// reader makes the file grow.
pub struct ReadTxn {
    pub(crate) shared: Arc<Shared>,
    pub(crate) snapshot: Arc<Snapshot>,
    /// The snapshot's pages, read through on every page access.
    window: PageWindow,
    slot: usize,
}

impl ReadTxn {
    pub(crate) fn begin(shared: Arc<Shared>) -> Result<ReadTxn> {
        let (snapshot, slot) = shared
            .registry
            .begin()
            .map_err(|_| Error::ReadersFull(shared.registry.capacity()))?;
        let window = PageWindow::new(&snapshot.region, snapshot.meta.page_count);
        Ok(ReadTxn {
            shared,
            snapshot,
            window,
            slot,
        })
    }

    /// The id of the transaction whose commit this snapshot shows.
    pub fn txn_id(&self) -> u64 {
        self.snapshot.meta.txn_id
    }

    /// Pages in this snapshot's file format (in use or free).
    pub fn page_count(&self) -> u64 {
        self.snapshot.meta.page_count
    }

    /// The error for a page past this snapshot. Out of line, off the read path.
    #[cold]
    #[inline(never)]
    fn out_of_bounds(&self, id: PageId) -> Error {
        Error::PageOutOfBounds {
            page: id,
            page_count: self.snapshot.meta.page_count,
        }
    }

    /// Free pages recorded in this snapshot.
    pub fn free_page_count(&self) -> u64 {
        self.snapshot.meta.free_page_count
    }
}

impl PageSource for ReadTxn {
    #[inline]
    fn page(&self, id: PageId) -> Result<&PageBytes> {
        match self.window.page(id) {
            Some(page) => Ok(page),
            None => Err(self.out_of_bounds(id)),
        }
    }

    #[inline]
    fn root(&self, slot: usize) -> Result<u64> {
        root_of(&self.snapshot.meta.roots, slot)
    }
}

impl Drop for ReadTxn {
    fn drop(&mut self) {
        self.shared.registry.end(self.slot);
    }
}

impl std::fmt::Debug for ReadTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadTxn")
            .field("txn_id", &self.txn_id())
            .finish()
    }
}
