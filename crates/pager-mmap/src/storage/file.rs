//! The real database file: one handle, a lock (exclusive for a writer, shared for read-only
//! opens), positioned I/O, `fallocate` growth and read-only shared mappings.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapOptions;

use super::region::{Region, RegionOwner};
use super::{Cut, Storage, out_of_range};
use crate::error::{Error, LockHolder, Result};

/// Growth up to this size is written as zeros rather than `fallocate`d. On ext4 (and XFS) an
/// `fallocate`d block is *unwritten* until first written, and the first write into it makes
/// the next `fdatasync` commit the file system's journal too: a commit of 11 consecutive pages
/// at the file's end synced in 2.0-2.4 raw syncs, against 1.1-1.4 over written blocks
/// (`docs/benchmarks.md`). One growth step (at most 32 MiB, `pager::growth_target`) is written
/// once; a larger growth (a bulk load's single commit) would write every byte twice, so it is
/// allocated.
const WRITE_GROWTH_UP_TO: u64 = 32 << 20;

/// The database file. It is the only `File` of the database in the workspace.
pub(crate) struct FileStorage {
    file: File,
    /// Opened with `O_RDONLY` and a shared lock: every change is refused.
    read_only: bool,
    /// The file's length, kept here rather than asked of the kernel: an `fstat` before each
    /// write makes the next `fdatasync` write the inode too (an extra device write per sync).
    /// Only `grow` changes the length, and this handle is the only writer (the lock).
    len: AtomicU64,
}

impl FileStorage {
    /// Opens (and with `create`, creates) the file for writing and takes an exclusive lock on
    /// it. Never truncates. A file locked by another handle, in this process or another, gives
    /// [`Error::Locked`] at once, naming who holds it.
    pub(crate) fn open(path: &Path, create: bool) -> Result<FileStorage> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => FileStorage::locked(file, false),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                holder: holder_of(path)?,
            }),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    /// Opens an existing file read-only (`O_RDONLY`, so a read-only file in a read-only
    /// directory opens) and takes a shared lock: any number of read-only handles at once, none
    /// beside a writer. Nothing is ever written, grown or trimmed through it.
    pub(crate) fn open_read_only(path: &Path) -> Result<FileStorage> {
        let file = OpenOptions::new().read(true).open(path)?;
        match file.try_lock_shared() {
            Ok(()) => FileStorage::locked(file, true),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                holder: LockHolder::Writer,
            }),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    fn locked(file: File, read_only: bool) -> Result<FileStorage> {
        let len = AtomicU64::new(file.metadata()?.len());
        Ok(FileStorage {
            file,
            read_only,
            len,
        })
    }

    /// Extends the file by writing zeros: for growth steps (see [`WRITE_GROWTH_UP_TO`]) and for
    /// file systems without `fallocate`; each write ends where `cut` ends it.
    fn grow_by_writing(&self, from: u64, to: u64, cut: Cut) -> io::Result<()> {
        let mut zeros = Vec::new();
        let mut at = from;
        while at < to {
            let end = cut.end(at).min(to);
            let n = usize::try_from(end - at).map_err(|_| io::Error::other("write too long"))?;
            zeros.resize(n, 0);
            self.file.write_all_at(&zeros, at)?;
            at = end;
        }
        Ok(())
    }
}

/// Who holds the lock that kept a writer out of `path`: if a shared lock can be had, only
/// read-only handles hold it (the probe's lock goes with its handle at once).
fn holder_of(path: &Path) -> Result<LockHolder> {
    let probe = File::open(path)?;
    match probe.try_lock_shared() {
        Ok(()) => Ok(LockHolder::Readers),
        Err(TryLockError::WouldBlock) => Ok(LockHolder::Writer),
        Err(TryLockError::Error(e)) => Err(Error::Io(e)),
    }
}

/// The error for a change asked of a read-only file.
fn read_only_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the database is open read-only",
    )
}

impl Storage for FileStorage {
    fn read_only(&self) -> bool {
        self.read_only
    }

    fn file_len(&self) -> io::Result<u64> {
        Ok(self.len.load(Ordering::Acquire))
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        if self.read_only {
            return Err(read_only_error());
        }
        let len = self.file_len()?;
        if offset.saturating_add(data.len() as u64) > len {
            return Err(out_of_range(offset, data.len(), len));
        }
        self.file.write_all_at(data, offset)
    }

    fn sync_data(&self) -> io::Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.file.sync_data()
    }

    fn grow(&self, len: u64, cut: Cut) -> io::Result<()> {
        let old = self.file_len()?;
        if len <= old {
            return Ok(());
        }
        if self.read_only {
            return Err(read_only_error());
        }
        // Real blocks, never a sparse hole: a hole under a mapping turns a full disk into
        // SIGBUS on first touch, instead of an error here.
        if len - old <= WRITE_GROWTH_UP_TO {
            self.grow_by_writing(old, len, cut)?;
        } else {
            match fs4::fs_std::FileExt::allocate(&self.file, len) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                    self.grow_by_writing(old, len, cut)?;
                }
                Err(e) => return Err(e),
            }
        }
        self.len.store(len, Ordering::Release);
        Ok(())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        if self.read_only {
            return Err(read_only_error());
        }
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
