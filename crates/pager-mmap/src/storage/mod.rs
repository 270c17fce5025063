//! The storage interface under the pager: positioned reads and writes, data sync, growth with
//! allocated space, and read-only mappings. The pager never touches a file any other way.
//!
//! Three implementations: [`FileStorage`] (the real file and mmap), [`MemStorage`] (an
//! anonymous mapping, for tests and scratch databases) and `SimStorage` (memory plus a model
//! of what a power loss would keep, for crash simulation; only with the `testing` feature).
//!
//! The [`Storage`] trait and [`Region`] are private to the crate: `map` hands out memory that
//! `write_at` can change, which is sound only under the pager's protocol (a page is written
//! only while no snapshot reaches it). Outside the crate a storage can only be given to a
//! pager; no caller can map it or write to it.

mod file;
mod memory;
mod region;
#[cfg(any(test, feature = "testing"))]
mod sim;

pub(crate) use file::FileStorage;
pub use memory::MemStorage;
pub(crate) use region::{PageWindow, Region};
#[cfg(any(test, feature = "testing"))]
pub use sim::{SimFault, SimStorage};

use std::io;

/// Where the pager cuts its long writes (the zeros of a growth step, a run of consecutive
/// pages): the kernel's page cache takes the size of its folios from the writes that fill it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// At most [`SHORT_WRITE`] bytes a write.
    Short,
    /// Where each [`HUGE_PAGE`] block of the file begins: a write covers every whole block it
    /// touches, so that the page cache can keep each as one folio (Linux 6.x on ext4 and XFS),
    /// which the kernel maps (a plain `mmap` of a file of at least this size is aligned to it)
    /// with one page-table entry, one TLB entry for 512 pages. Worth it for pages read all
    /// over at random (a vector index, `WriteTxn::prefer_huge_pages`); elsewhere a read of one
    /// page through the map would make its whole block resident (scenario E at 100x peaked at
    /// 4,330 MiB against 3,656 with every write cut so, `docs/benchmarks.md`).
    HugePages,
}

/// The longest write of [`Cut::Short`].
pub(crate) const SHORT_WRITE: u64 = 1 << 20;

/// The block of [`Cut::HugePages`]: 2 MiB, x86-64's huge page (and arm64's with 4 KiB pages).
pub(crate) const HUGE_PAGE: u64 = 2 << 20;

impl Cut {
    /// Where a write that starts at byte `at` ends at the latest.
    pub(crate) fn end(self, at: u64) -> u64 {
        match self {
            Cut::Short => at.saturating_add(SHORT_WRITE),
            Cut::HugePages => (at / HUGE_PAGE).saturating_add(1).saturating_mul(HUGE_PAGE),
        }
    }
}

/// Where the pager's bytes live.
///
/// Contract: after `write_at` returns, every [`Region`] from `map` that covers the written
/// range shows the new bytes (as a shared file mapping does). Bytes are durable only after a
/// later `sync_data` returns. `grow` allocates real space, never a sparse hole.
///
/// The trait is private to the crate: a caller outside it can wrap a storage in a [`Backend`]
/// for [`crate::Pager::with_storage`], but can never call `map` or `write_at` itself.
pub(crate) trait Storage: Send + Sync {
    /// Current length in bytes.
    fn file_len(&self) -> io::Result<u64>;
    /// Fills `buf` from `offset`; fails if the range is beyond the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// Writes `data` at `offset`, which must lie within the current length.
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()>;
    /// Makes every completed write, and the current length, durable.
    fn sync_data(&self) -> io::Result<()>;
    /// Extends the storage to `len` bytes of allocated, zeroed space; zeros it writes to do so
    /// are cut at `cut`.
    fn grow(&self, len: u64, cut: Cut) -> io::Result<()>;
    /// A read-only view of bytes `0..len`, which must lie within the current length.
    fn map(&self, len: u64) -> io::Result<Region>;
    /// Whether the storage refuses every change (a file opened read-only).
    fn read_only(&self) -> bool {
        false
    }
    /// Shortens the storage to `len` bytes. The pager calls it only at a clean close, with
    /// every byte past `len` free, so a crash that keeps or loses it changes nothing.
    fn truncate(&self, len: u64) -> io::Result<()>;
}

/// A storage to open a pager on: [`MemStorage`] (or, with the `testing` feature, a
/// crash-simulating `SimStorage`), boxed, alone or shared through an `Arc`. Opaque: what it
/// wraps can only be reached by the pager.
pub struct Backend(pub(crate) Box<dyn Storage>);

/// `From<Box<S>>` for each storage a caller may hold, alone or shared.
macro_rules! backend_from {
    ($($storage:ty),*) => {$(
        impl From<Box<$storage>> for Backend {
            fn from(storage: Box<$storage>) -> Backend {
                Backend(storage)
            }
        }
    )*};
}

backend_from!(MemStorage, std::sync::Arc<MemStorage>);
#[cfg(any(test, feature = "testing"))]
backend_from!(SimStorage, std::sync::Arc<SimStorage>);

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backend")
    }
}

/// The error a storage returns for a range beyond its end.
pub(crate) fn out_of_range(offset: u64, len: usize, file_len: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("range {offset}+{len} is beyond the end of the storage ({file_len} bytes)"),
    )
}

/// A shared storage is a storage: tests keep one handle to a [`SimStorage`] and give the
/// pager another.
impl<S: Storage + ?Sized> Storage for std::sync::Arc<S> {
    fn file_len(&self) -> io::Result<u64> {
        (**self).file_len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        (**self).read_at(offset, buf)
    }
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        (**self).write_at(offset, data)
    }
    fn sync_data(&self) -> io::Result<()> {
        (**self).sync_data()
    }
    fn grow(&self, len: u64, cut: Cut) -> io::Result<()> {
        (**self).grow(len, cut)
    }
    fn map(&self, len: u64) -> io::Result<Region> {
        (**self).map(len)
    }
    fn truncate(&self, len: u64) -> io::Result<()> {
        (**self).truncate(len)
    }
    fn read_only(&self) -> bool {
        (**self).read_only()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_page_writes_end_at_the_next_block_and_short_ones_after_1_mib() {
        assert_eq!(Cut::HugePages.end(0), HUGE_PAGE);
        assert_eq!(Cut::HugePages.end(4096), HUGE_PAGE);
        assert_eq!(Cut::HugePages.end(HUGE_PAGE - 4096), HUGE_PAGE);
        assert_eq!(Cut::HugePages.end(HUGE_PAGE), 2 * HUGE_PAGE);
        assert_eq!(Cut::Short.end(4096), 4096 + SHORT_WRITE);
        assert_eq!(Cut::HugePages.end(u64::MAX), u64::MAX);
    }
}
