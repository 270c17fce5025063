//! The storage interface under the pager: positioned reads and writes, data sync, growth with
//! allocated space, and read-only mappings. The pager never touches a file any other way.
//!
//! Three implementations: [`FileStorage`] (the real file and mmap), [`MemStorage`] (an
//! anonymous mapping, for tests and scratch databases) and [`SimStorage`] (memory plus a model
//! of what a power loss would keep, for crash simulation).

mod file;
mod memory;
mod region;
mod sim;

pub use file::FileStorage;
pub use memory::MemStorage;
pub(crate) use region::PageWindow;
pub use region::Region;
pub use sim::{SimFault, SimStorage};

use std::io;

/// Where the pager's bytes live.
///
/// Contract: after `write_at` returns, every [`Region`] from `map` that covers the written
/// range shows the new bytes (as a shared file mapping does). Bytes are durable only after a
/// later `sync_data` returns. `grow` allocates real space, never a sparse hole.
pub trait Storage: Send + Sync {
    /// Current length in bytes.
    fn file_len(&self) -> io::Result<u64>;
    /// Fills `buf` from `offset`; fails if the range is beyond the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// Writes `data` at `offset`, which must lie within the current length.
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()>;
    /// Makes every completed write, and the current length, durable.
    fn sync_data(&self) -> io::Result<()>;
    /// Extends the storage to `len` bytes of allocated, zeroed space.
    fn grow(&self, len: u64) -> io::Result<()>;
    /// A read-only view of bytes `0..len`, which must lie within the current length.
    fn map(&self, len: u64) -> io::Result<Region>;
    /// Shortens the storage to `len` bytes. The pager calls it only at a clean close, with
    /// every byte past `len` free, so a crash that keeps or loses it changes nothing.
    fn truncate(&self, len: u64) -> io::Result<()>;
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
    fn grow(&self, len: u64) -> io::Result<()> {
        (**self).grow(len)
    }
    fn map(&self, len: u64) -> io::Result<Region> {
        (**self).map(len)
    }
    fn truncate(&self, len: u64) -> io::Result<()> {
        (**self).truncate(len)
    }
}
