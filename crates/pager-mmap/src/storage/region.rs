//! A read-only view of the first `len` bytes of a storage, from which page references are
//! derived one page at a time (never a reference spanning the whole mapping).

use std::sync::Arc;

use memmap2::{MmapRaw, UncheckedAdvice};

use crate::layout::{PAGE_SIZE, PageBytes, PageId};

/// A mapping of the database's bytes. Readers hold an `Arc<Region>` for as long as they use
/// it, so a region outlives every page reference derived from it.
pub(crate) struct Region {
    base: *const u8,
    /// Whole pages in the view: `len / PAGE_SIZE`.
    pages: u64,
    owner: RegionOwner,
}

/// What keeps the mapped memory alive.
pub(crate) enum RegionOwner {
    /// A read-only mapping of the database file.
    File(MmapRaw),
    /// An anonymous block owned by a memory storage, shared with it: held, never read.
    Memory(
        #[expect(dead_code, reason = "held to keep the memory mapped, never read")] Arc<MmapRaw>,
    ),
}

// SAFETY: a Region is a read-only view: `page` hands out shared references only, the owner
// keeps the memory mapped for the Region's whole life, and the writer only changes bytes of
// pages that no live snapshot can reach (see `page`), so sharing across threads is sound.
unsafe impl Send for Region {}
// SAFETY: as for Send: all access through `&Region` is read-only.
unsafe impl Sync for Region {}

impl Region {
    /// Wraps mapped memory. `base..base+len` must stay mapped and readable while `owner` lives.
    pub(crate) fn new(base: *const u8, len: usize, owner: RegionOwner) -> Region {
        Region {
            base,
            pages: (len / PAGE_SIZE) as u64,
            owner,
        }
    }

    /// Takes the pages of a file mapping out of the process's resident set; the page cache
    /// keeps them, and the next read of a page maps it again (a minor fault). Nothing for a
    /// memory storage, whose anonymous block is the data itself.
    pub(crate) fn release_resident(&self) -> std::io::Result<()> {
        match &self.owner {
            RegionOwner::File(raw) => {
                // SAFETY: `MADV_DONTNEED` on a shared file mapping (`map_raw_read_only` maps
                // `MAP_SHARED`) only drops the process's page-table entries: a later access
                // faults the page in again from the file, whose bytes for every page a live
                // reference can reach are unchanged (the pager never writes a page a live
                // snapshot reaches: see `page`). So every reference into the region reads the
                // same bytes before and after; the memory stays mapped and readable. (On a
                // private or anonymous mapping the pages would read as zeros; this is never
                // applied to one.)
                unsafe { raw.unchecked_advise(UncheckedAdvice::DontNeed) }
            }
            RegionOwner::Memory(_) => Ok(()),
        }
    }

    /// The bytes of page `id`, or `None` when the page is not inside the view.
    ///
    /// Callers (the transactions) only ask for pages reachable from their snapshot, and the
    /// pager never writes such a page while the snapshot lives: pages are copied on write and a
    /// freed page is reused only once no older reader remains. That is what makes the shared
    /// reference below valid for its whole lifetime.
    #[inline]
    pub(crate) fn page(&self, id: PageId) -> Option<&PageBytes> {
        // SAFETY: the region's `pages` whole pages from `base` stay mapped while `self` (and so
        // `owner`) lives, and the returned reference borrows `self`. No one writes these bytes
        // while the reference lives (see the doc comment above).
        unsafe { page_of(self.base, self.pages, id) }
    }
}

/// Page `id` of the `pages` pages mapped from `base`, or `None` past them: one comparison
/// instead of checked arithmetic, on the path of every page read.
///
/// # Safety
///
/// `base .. base + pages * PAGE_SIZE` must be mapped and readable, and not written, for as long
/// as the returned reference (lifetime `'a`) lives.
#[inline]
unsafe fn page_of<'a>(base: *const u8, pages: u64, id: PageId) -> Option<&'a PageBytes> {
    if id.0 >= pages {
        return None;
    }
    // `id < pages`, so `id` fits a `usize` and the page ends inside the pages mapped.
    let start = id.0 as usize * PAGE_SIZE;
    // SAFETY: the page lies inside the range the caller vouches for, mapped, readable and not
    // written while the reference lives; `[u8; PAGE_SIZE]` has alignment 1.
    Some(unsafe { &*(base.add(start).cast::<PageBytes>()) })
}

/// The first pages of a region, as far as one snapshot reaches: what a read transaction reads
/// its pages through. A page read is one comparison with the window's own bound and an offset
/// from its own base, where going through the snapshot's region was four dependent loads (the
/// snapshot, its page count, the region, its base) before the page's address was known.
pub(crate) struct PageWindow {
    base: *const u8,
    /// Pages readable: the snapshot's page count, or the region's pages if fewer.
    pages: u64,
    /// Keeps the mapping alive for as long as the window: every reference it hands out
    /// borrows the window.
    _region: crate::sync::Arc<Region>,
}

// SAFETY: as for Region: the window hands out shared references only, to memory that its own
// `Arc<Region>` keeps mapped and that no writer changes while a snapshot can reach it.
unsafe impl Send for PageWindow {}
// SAFETY: as for Send: all access through `&PageWindow` is read-only.
unsafe impl Sync for PageWindow {}

impl PageWindow {
    /// The first `pages` pages of `region` (all of them if it has fewer).
    pub(crate) fn new(region: &crate::sync::Arc<Region>, pages: u64) -> PageWindow {
        PageWindow {
            base: region.base,
            pages: pages.min(region.pages),
            _region: crate::sync::Arc::clone(region),
        }
    }

    /// The bytes of page `id`, or `None` when it is past the window. The same contract as
    /// [`Region::page`]: callers ask only for pages their snapshot reaches.
    #[inline]
    pub(crate) fn page(&self, id: PageId) -> Option<&PageBytes> {
        // SAFETY: `pages` is at most the region's whole pages, which `_region` keeps mapped
        // while `self` lives; the returned reference borrows `self`. No one writes a page a live
        // snapshot reaches (see `Region::page`).
        unsafe { page_of(self.base, self.pages, id) }
    }
}
