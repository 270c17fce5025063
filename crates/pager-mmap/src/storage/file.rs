//! The real database file: one handle, an exclusive lock, positioned I/O, `fallocate` growth
//! and read-only shared mappings.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapOptions;

use super::region::{Region, RegionOwner};
use super::{Storage, out_of_range};
use crate::error::{Error, Result};

/// The database file. It is the only `File` of the database in the workspace.
pub struct FileStorage {
    file: File,
    /// The file's length, kept here rather than asked of the kernel: an `fstat` before each
    /// write makes the next `fdatasync` write the inode too (an extra device write per sync).
    /// Only `grow` changes the length, and this handle is the only writer (the lock).
    len: AtomicU64,
}

impl FileStorage {
    /// Opens (and with `create`, creates) the file and takes an exclusive lock on it.
    /// Never truncates. A file locked by another handle, in this process or another, gives
    /// [`Error::Locked`] at once.
    pub fn open(path: &Path, create: bool) -> Result<FileStorage> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {
                let len = AtomicU64::new(file.metadata()?.len());
                Ok(FileStorage { file, len })
            }
            Err(TryLockError::WouldBlock) => Err(Error::Locked),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    /// Extends the file by writing zeros, for file systems without `fallocate`.
    fn grow_by_writing(&self, from: u64, to: u64) -> io::Result<()> {
        const CHUNK: usize = 1 << 20;
        let zeros = vec![0u8; CHUNK];
        let mut at = from;
        while at < to {
            let n = usize::try_from((to - at).min(CHUNK as u64)).unwrap_or(CHUNK);
            self.file.write_all_at(&zeros[..n], at)?;
            at += n as u64;
        }
        Ok(())
    }
}

impl Storage for FileStorage {
    fn file_len(&self) -> io::Result<u64> {
        Ok(self.len.load(Ordering::Acquire))
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let len = self.file_len()?;
        if offset.saturating_add(data.len() as u64) > len {
            return Err(out_of_range(offset, data.len(), len));
        }
        self.file.write_all_at(data, offset)
    }

    fn sync_data(&self) -> io::Result<()> {
        self.file.sync_data()
    }

    fn grow(&self, len: u64) -> io::Result<()> {
        let old = self.file_len()?;
        if len <= old {
            return Ok(());
        }
        // Real blocks, never a sparse hole: a hole under a mapping turns a full disk into
        // SIGBUS on first touch, instead of an error here.
        match fs4::fs_std::FileExt::allocate(&self.file, len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Unsupported => self.grow_by_writing(old, len)?,
            Err(e) => return Err(e),
        }
        self.len.store(len, Ordering::Release);
        Ok(())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        if len < self.len.load(Ordering::Acquire) {
            self.file.set_len(len)?;
            self.len.store(len, Ordering::Release);
        }
        Ok(())
    }

    fn map(&self, len: u64) -> io::Result<Region> {
        let file_len = self.file_len()?;
        if len > file_len || len == 0 {
            return Err(out_of_range(
                0,
                usize::try_from(len).unwrap_or(usize::MAX),
                file_len,
            ));
        }
        let len = usize::try_from(len).map_err(|_| io::Error::other("mapping too large"))?;
        let raw = MmapOptions::new().len(len).map_raw_read_only(&self.file)?;
        Ok(Region::new(raw.as_ptr(), len, RegionOwner::File(raw)))
    }
}
