//! A storage in an anonymous mapping: a database that lives in memory only, and the volatile
//! half of the crash simulator.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use memmap2::{MmapMut, MmapRaw};

use super::region::{Region, RegionOwner};
use super::{Cut, Storage, out_of_range};

/// Bytes in memory, behaving like a file under a shared mapping.
///
/// Like a file, a storage must have at most one open pager at a time: the pager locks a file,
/// but cannot lock memory, so keeping to this is the caller's duty (a pager's clean close trims
/// the storage under any other).
///
/// Growth beyond the block's capacity moves the bytes to a larger block; regions mapped
/// earlier keep the old block alive and keep showing what it held. That is enough for the
/// pager: a reader only reads pages of its snapshot, all written before it began and before
/// any later growth.
pub struct MemStorage {
    inner: Mutex<MemInner>,
}

struct MemInner {
    block: Arc<MmapRaw>,
    capacity: usize,
    len: u64,
}

impl Default for MemStorage {
    fn default() -> Self {
        MemStorage::new()
    }
}

impl MemStorage {
    /// An empty storage.
    pub fn new() -> MemStorage {
        MemStorage {
            inner: Mutex::new(MemInner {
                block: Arc::new(anon_block(0)),
                capacity: 0,
                len: 0,
            }),
        }
    }

    /// A storage holding `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> io::Result<MemStorage> {
        let storage = MemStorage::new();
        storage.grow(bytes.len() as u64, Cut::Short)?;
        storage.write_at(0, bytes)?;
        Ok(storage)
    }

    /// A copy of the storage's bytes (for example to damage a copy of a database in a test,
    /// then open it with [`MemStorage::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let inner = self.lock();
        let len = usize::try_from(inner.len).unwrap_or(inner.capacity);
        let mut bytes = vec![0u8; len.min(inner.capacity)];
        // A read of the storage's own length cannot fail.
        let _ = inner.read(0, &mut bytes);
        bytes
    }

    fn lock(&self) -> MutexGuard<'_, MemInner> {
        // A poisoned lock only means another thread panicked mid-call; the bytes are still
        // consistent at the granularity the pager relies on.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A zeroed anonymous block of at least one byte (mmap refuses zero-length mappings).
fn anon_block(capacity: usize) -> MmapRaw {
    // An anonymous mapping failing means the process is out of address space; there is no
    // sensible way to continue, and std's allocator aborts in the same situation.
    let map = MmapMut::map_anon(capacity.max(1))
        .unwrap_or_else(|e| panic!("anonymous mapping of {capacity} bytes failed: {e}"));
    MmapRaw::from(map)
}

fn range(offset: u64, len: usize, file_len: u64) -> io::Result<usize> {
    let end = offset
        .checked_add(len as u64)
        .filter(|end| *end <= file_len);
    match end {
        Some(_) => usize::try_from(offset).map_err(|_| out_of_range(offset, len, file_len)),
        None => Err(out_of_range(offset, len, file_len)),
    }
}

impl MemInner {
    /// [`Storage::read_at`], under the storage's lock.
    fn read(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let inner = self;
        let start = range(offset, buf.len(), inner.len)?;
        // SAFETY: `start + buf.len() <= len <= capacity`, so the source lies in the block,
        // which `inner` keeps alive; `buf` is a distinct Rust allocation, so no overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(
                inner.block.as_ptr().add(start),
                buf.as_mut_ptr(),
                buf.len(),
            );
        }
        Ok(())
    }
}

impl Storage for MemStorage {
    fn file_len(&self) -> io::Result<u64> {
        Ok(self.lock().len)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.lock().read(offset, buf)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let inner = self.lock();
        let start = range(offset, data.len(), inner.len)?;
        // SAFETY: the destination lies in the block (checked above), which `inner` keeps alive.
        // No Rust reference points into these bytes: regions hand out references only to pages
        // of live snapshots, and the pager writes only pages outside every live snapshot (the
        // same argument as for `pwrite` under a shared file mapping).
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                inner.block.as_mut_ptr().add(start),
                data.len(),
            );
        }
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }

    fn grow(&self, len: u64, _cut: Cut) -> io::Result<()> {
        let mut inner = self.lock();
        if len <= inner.len {
            return Ok(());
        }
        let wanted = usize::try_from(len).map_err(|_| io::Error::other("storage too large"))?;
        if wanted > inner.capacity {
            let capacity = wanted.max(inner.capacity.saturating_mul(2));
            let block = anon_block(capacity);
            let used = usize::try_from(inner.len)
                .unwrap_or(inner.capacity)
                .min(inner.capacity);
            // SAFETY: both blocks are live mappings of at least `used` bytes and distinct.
            // Only the writer writes (and it is the caller), so the source is not changing.
            unsafe {
                std::ptr::copy_nonoverlapping(inner.block.as_ptr(), block.as_mut_ptr(), used);
            }
            inner.block = Arc::new(block);
            inner.capacity = capacity;
        } else {
            // Bytes past the old length may hold data from before a truncation: zero them.
            let old = usize::try_from(inner.len).unwrap_or(0);
            // SAFETY: `old..wanted` lies within the block's capacity; no reference points
            // beyond the old length, since regions are only made within it.
            unsafe {
                std::ptr::write_bytes(inner.block.as_mut_ptr().add(old), 0, wanted - old);
            }
        }
        inner.len = len;
        Ok(())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        let mut inner = self.lock();
        inner.len = inner.len.min(len);
        Ok(())
    }

    fn map(&self, len: u64) -> io::Result<Region> {
        let inner = self.lock();
        if len > inner.len || len == 0 {
            return Err(out_of_range(
                0,
                usize::try_from(len).unwrap_or(usize::MAX),
                inner.len,
            ));
        }
        let len = usize::try_from(len).map_err(|_| io::Error::other("mapping too large"))?;
        let block = Arc::clone(&inner.block);
        Ok(Region::new(block.as_ptr(), len, RegionOwner::Memory(block)))
    }
}
