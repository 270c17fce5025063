//! The committed state a meta page records, in memory, and its encoding.

use zerocopy::little_endian::U64;
use zerocopy::{FromBytes, FromZeros, IntoBytes};

use crate::error::{Error, Result};
use crate::layout::{
    FIRST_DATA_PAGE, MetaPage, PAGE_SIZE_U64, PageBytes, PageHeader, PageId, PageType, ROOT_SLOTS,
    checksum_matches, page_type_of, seal_page,
};

/// One committed state: what a meta page holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MetaState {
    pub(crate) txn_id: u64,
    pub(crate) page_count: u64,
    pub(crate) free_list_head: u64,
    pub(crate) free_page_count: u64,
    pub(crate) roots: [u64; ROOT_SLOTS],
}

impl MetaState {
    /// The state of a new, empty database.
    pub(crate) fn empty() -> MetaState {
        MetaState {
            txn_id: 1,
            page_count: FIRST_DATA_PAGE,
            free_list_head: 0,
            free_page_count: 0,
            roots: [0; ROOT_SLOTS],
        }
    }

    /// The sealed meta page for this state, to be stored at `at`.
    pub(crate) fn encode(&self, at: PageId) -> Box<PageBytes> {
        let mut meta = MetaPage::new_zeroed();
        meta.header = PageHeader::new(PageType::META);
        meta.txn_id = U64::new(self.txn_id);
        meta.page_count = U64::new(self.page_count);
        meta.free_list_head = U64::new(self.free_list_head);
        meta.free_page_count = U64::new(self.free_page_count);
        for (slot, root) in meta.roots.iter_mut().zip(self.roots) {
            *slot = U64::new(root);
        }
        let mut page = Box::new([0u8; crate::layout::PAGE_SIZE]);
        page.copy_from_slice(meta.as_bytes());
        seal_page(at, &mut page);
        page
    }

    /// Decodes and validates the meta page stored at `at`: its tag, checksum and fields. It
    /// may name more pages than the file holds; [`crate::Pager::with_storage`] reports that as
    /// truncation rather than treating the meta page as invalid.
    pub(crate) fn decode(at: PageId, page: &PageBytes) -> Result<MetaState> {
        if page_type_of(page) != PageType::META {
            return Err(Error::Corrupt(format!(
                "meta page {at} has type tag {}",
                page_type_of(page).0
            )));
        }
        if !checksum_matches(at, page) {
            return Err(Error::Corrupt(format!("meta page {at} fails its checksum")));
        }
        let meta =
            MetaPage::ref_from_bytes(page).map_err(|_| Error::Corrupt("meta page size".into()))?;
        let state = MetaState {
            txn_id: meta.txn_id.get(),
            page_count: meta.page_count.get(),
            free_list_head: meta.free_list_head.get(),
            free_page_count: meta.free_page_count.get(),
            roots: meta.roots.map(|r| r.get()),
        };
        let addressable = state.page_count.checked_mul(PAGE_SIZE_U64).is_some();
        if state.txn_id == 0 || state.page_count < FIRST_DATA_PAGE || !addressable {
            return Err(Error::Corrupt(format!(
                "meta page {at} claims txn {} with {} pages",
                state.txn_id, state.page_count
            )));
        }
        let head_ok = state.free_list_head == 0
            || (FIRST_DATA_PAGE..state.page_count).contains(&state.free_list_head);
        if !head_ok || state.free_page_count > state.page_count {
            return Err(Error::Corrupt(format!(
                "meta page {at} has an impossible free list"
            )));
        }
        Ok(state)
    }
}
