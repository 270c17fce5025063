//! Opening a database: the [`Pager`], its options, and the state it shares with transactions.

use std::path::Path;
use std::sync::{Condvar, Mutex as StdMutex, MutexGuard as StdGuard, PoisonError};

use zerocopy::little_endian::U32;
use zerocopy::{FromZeros, IntoBytes};

use crate::error::{Error, Result};
use crate::freelist::Allocator;
use crate::layout::{
    FORMAT_VERSION, FileHeaderPage, HEADER_PAGE, MAGIC, META_PAGES, PAGE_SIZE, PAGE_SIZE_U64,
    PageBytes, PageHeader, PageId, PageType, checksum_matches, page_type_of, seal_page,
};
use crate::meta::MetaState;
use crate::read::ReadTxn;
use crate::registry::{Published, Registry};
use crate::storage::{Backend, Cut, FileStorage, Region, Storage};
use crate::sync::Arc;
use crate::write::WriteTxn;

/// How a commit reaches the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Durability {
    /// `commit` returns once the transaction is on disk: two data syncs per commit.
    #[default]
    Durable,
    /// `commit` publishes the transaction to readers without syncing. A crash may lose it (and
    /// every commit back to the last durable one) but never corrupts the file. Pages freed
    /// since the last durable commit are not reused until the next durable commit or a clean
    /// close.
    NonDurable,
}

/// Options for [`Pager::open`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The default durability of write transactions.
    pub durability: Durability,
    /// The size a new file starts with, in bytes (rounded up to whole pages).
    pub initial_size: u64,
    /// Create the file if it does not exist.
    pub create: bool,
    /// The most read transactions that may be open at once.
    pub max_readers: usize,
    /// Open the file read-only: `O_RDONLY` and a shared lock, so any number of read-only
    /// handles (in any processes) may have it open at once, but no writer. Nothing is ever
    /// written, created, grown or trimmed; [`Pager::begin_write`] fails with
    /// [`Error::ReadOnly`]. `create` and `initial_size` are ignored.
    pub read_only: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            durability: Durability::Durable,
            initial_size: 1 << 20,
            create: true,
            max_readers: 126,
            read_only: false,
        }
    }
}

/// Growth adds an eighth of the file, at least [`MIN_GROWTH_STEP`] and at most this. The cap
/// bounds the pre-allocated slack of a large file (at most this much beyond its pages, which
/// a clean close trims); an eighth keeps the slack of a mid-sized file near 12 % while remaps
/// stay rare (a 10 GiB file takes about 340 of them, each an `fallocate` and a new mapping).
const MAX_GROWTH_STEP: u64 = 32 << 20;
/// The least growth adds, so that a small file does not remap at every commit.
const MIN_GROWTH_STEP: u64 = 1 << 20;

/// The length to grow a file of `current` bytes to so that it holds `needed` bytes.
pub(crate) fn growth_target(current: u64, needed: u64) -> u64 {
    // `needed` wins when one commit outgrows a whole step: a bulk load grows once.
    let step = (current / 8).clamp(MIN_GROWTH_STEP, MAX_GROWTH_STEP);
    let target = needed.max(current.saturating_add(step));
    target.div_ceil(PAGE_SIZE_U64).saturating_mul(PAGE_SIZE_U64)
}

/// A committed state as readers see it: the meta state and a mapping that covers it.
pub(crate) struct Snapshot {
    pub(crate) meta: MetaState,
    pub(crate) region: Arc<Region>,
}

impl Published for Snapshot {
    fn txn_id(&self) -> u64 {
        self.meta.txn_id
    }
}

/// The writer's state between transactions, behind [`Shared::writer`].
pub(crate) struct WriterState {
    /// A write transaction is active.
    pub(crate) active: bool,
    /// Writes are refused after a commit failed at or after its meta write.
    pub(crate) poisoned: bool,
    /// The free list as of the last commit; loaded on the first write.
    pub(crate) allocator: Option<Allocator>,
    /// The meta page slot (0 or 1) holding the last durable commit.
    pub(crate) durable_slot: usize,
    /// The last transaction whose meta page is durable.
    pub(crate) durable_txn: u64,
    /// The storage length.
    pub(crate) file_len: u64,
    /// Bytes this handle's commits and flushes wrote to the storage: pages and meta pages.
    pub(crate) bytes_written: u64,
    /// Data syncs this handle's commits and flushes asked the storage for.
    pub(crate) syncs: u64,
    /// The newest mapping, covering `file_len`.
    pub(crate) region: Arc<Region>,
}

/// What the pager and its transactions share.
pub(crate) struct Shared {
    pub(crate) storage: Box<dyn Storage>,
    pub(crate) registry: Registry<Snapshot>,
    pub(crate) writer: StdMutex<WriterState>,
    pub(crate) writer_free: Condvar,
    pub(crate) options: Options,
}

impl Shared {
    /// Whether every change is refused: the storage is read-only, or the open asked for it.
    pub(crate) fn read_only(&self) -> bool {
        self.options.read_only || self.storage.read_only()
    }

    /// Locks the writer state. The writer lock is plain std: it serialises writers and is not
    /// part of the reader protocol that loom checks.
    pub(crate) fn lock_writer(&self) -> StdGuard<'_, WriterState> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // A clean close makes non-durable commits durable, then gives back the pre-allocated
        // space past the last page. Errors cannot be reported from drop; `Pager::flush`
        // reports them for callers who want to know. A read-only handle changes nothing.
        if self.read_only() {
            return;
        }
        if crate::write::flush(self).is_ok() {
            let _ = crate::write::trim(self);
        }
    }
}

/// A database file: the one owner of the storage, the mapping and the allocator.
///
/// One write transaction at a time ([`Pager::begin_write`]) and any number of read
/// transactions ([`Pager::begin_read`]) beside it; neither blocks the other. A read
/// transaction sees the snapshot that was current when it began, for as long as it lives,
/// which also pins the pages of that snapshot: a long-lived reader makes the file grow.
#[derive(Clone)]
pub struct Pager {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Pager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("txn_id", &self.shared.registry.current().meta.txn_id)
            .finish()
    }
}

/// Counts describing a database at its latest commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagerStats {
    /// The latest committed transaction.
    pub txn_id: u64,
    /// The latest transaction whose commit is durable.
    pub durable_txn: u64,
    /// Pages in the file's format (in use or free).
    pub page_count: u64,
    /// Pages on the free list.
    pub free_pages: u64,
    /// The file's length in bytes (pre-allocated space included).
    pub file_len: u64,
    /// Bytes written to the storage by commits and flushes since this handle opened: every
    /// page a commit wrote (the transaction's changed pages and its free-list pages) and
    /// every meta page. The difference across a commit is what that commit cost in writes.
    pub bytes_written: u64,
    /// Data syncs (`fdatasync`) requested since this handle opened: two per durable commit.
    pub syncs: u64,
}

impl Pager {
    /// Opens the database file at `path`, creating it when `options.create` is set and it does
    /// not exist. Takes an exclusive lock: a second open gets [`Error::Locked`]. With
    /// `options.read_only`, opens it read-only under a shared lock instead.
    ///
    /// An existing empty file becomes a new database only when the open may write and
    /// `options.create` is set; otherwise it is [`Error::EmptyFile`], left untouched.
    pub fn open(path: impl AsRef<Path>, options: Options) -> Result<Pager> {
        let storage = if options.read_only {
            FileStorage::open_read_only(path.as_ref())?
        } else {
            FileStorage::open(path.as_ref(), options.create)?
        };
        Pager::with_storage(Backend(Box::new(storage)), options)
    }

    /// Opens a database on a storage ([`MemStorage`](crate::MemStorage), or with the `testing`
    /// feature a crash-simulating one); an empty storage becomes a new database.
    pub fn with_storage(storage: impl Into<Backend>, options: Options) -> Result<Pager> {
        let Backend(storage) = storage.into();
        if storage.file_len()? == 0 {
            if options.read_only || storage.read_only() || !options.create {
                return Err(Error::EmptyFile);
            }
            initialize(&*storage, &options)?;
        }
        let file_len = storage.file_len()?;
        check_header(&*storage, file_len)?;
        let (slot, meta) = newest_meta(&*storage)?;
        let needed = meta.page_count.saturating_mul(PAGE_SIZE_U64);
        if needed > file_len {
            return Err(Error::Truncated {
                txn_id: meta.txn_id,
                needed,
                file_len,
            });
        }
        let region = Arc::new(storage.map(file_len)?);
        let snapshot = Arc::new(Snapshot {
            meta: meta.clone(),
            region: Arc::clone(&region),
        });
        let writer = WriterState {
            active: false,
            poisoned: false,
            allocator: None,
            durable_slot: slot,
            durable_txn: meta.txn_id,
            file_len,
            bytes_written: 0,
            syncs: 0,
            region,
        };
        let shared = Shared {
            storage,
            registry: Registry::new(snapshot, options.max_readers),
            writer: StdMutex::new(writer),
            writer_free: Condvar::new(),
            options,
        };
        Ok(Pager {
            shared: Arc::new(shared),
        })
    }

    /// Begins a read transaction on the latest commit. Cheap: no I/O, no allocation.
    pub fn begin_read(&self) -> Result<ReadTxn> {
        ReadTxn::begin(Arc::clone(&self.shared))
    }

    /// Begins the write transaction, waiting while another one is active.
    pub fn begin_write(&self) -> Result<WriteTxn> {
        WriteTxn::begin(Arc::clone(&self.shared), true)
    }

    /// Begins the write transaction, or returns [`Error::WriteBusy`] if one is active.
    pub fn try_begin_write(&self) -> Result<WriteTxn> {
        WriteTxn::begin(Arc::clone(&self.shared), false)
    }

    /// Makes every commit durable (for use after non-durable commits). A no-op when the
    /// latest commit is already durable.
    pub fn flush(&self) -> Result<()> {
        crate::write::flush(&self.shared)
    }

    /// The latest commit's counts.
    pub fn stats(&self) -> Result<PagerStats> {
        let snapshot = self.shared.registry.current();
        let writer = self.shared.lock_writer();
        Ok(PagerStats {
            txn_id: snapshot.meta.txn_id,
            durable_txn: writer.durable_txn,
            page_count: snapshot.meta.page_count,
            free_pages: snapshot.meta.free_page_count,
            file_len: writer.file_len,
            bytes_written: writer.bytes_written,
            syncs: writer.syncs,
        })
    }

    /// Whether the pager was opened read-only ([`Options::read_only`]).
    pub fn read_only(&self) -> bool {
        self.shared.read_only()
    }

    /// The durability write transactions get unless they choose otherwise.
    pub fn default_durability(&self) -> Durability {
        self.shared.options.durability
    }
}

/// Writes the header page and the first meta page of a new database, and syncs.
fn initialize(storage: &dyn Storage, options: &Options) -> Result<()> {
    let meta = MetaState::empty();
    let len = options
        .initial_size
        .max(meta.page_count * PAGE_SIZE_U64)
        .div_ceil(PAGE_SIZE_U64)
        * PAGE_SIZE_U64;
    storage.grow(len, Cut::Short)?;
    let mut header = FileHeaderPage::new_zeroed();
    header.header = PageHeader::new(PageType::FILE_HEADER);
    header.magic = MAGIC;
    header.format_version = U32::new(FORMAT_VERSION);
    header.page_size = U32::new(PAGE_SIZE as u32);
    let mut page = [0u8; PAGE_SIZE];
    page.copy_from_slice(header.as_bytes());
    seal_page(HEADER_PAGE, &mut page);
    storage.write_at(HEADER_PAGE.offset(), &page)?;
    storage.write_at(META_PAGES[0].offset(), &*meta.encode(META_PAGES[0]))?;
    storage.sync_data()?;
    Ok(())
}

/// Where the header's identifying fields lie in the file: every offset from the struct.
const MAGIC_AT: usize = std::mem::offset_of!(FileHeaderPage, magic);
const VERSION_AT: usize = std::mem::offset_of!(FileHeaderPage, format_version);
const PAGE_SIZE_AT: usize = std::mem::offset_of!(FileHeaderPage, page_size);
/// The header's fields before its zero padding.
const HEADER_FIELDS_LEN: usize = std::mem::offset_of!(FileHeaderPage, reserved);

/// Validates the file header: magic, version, page size, checksum.
fn check_header(storage: &dyn Storage, file_len: u64) -> Result<()> {
    let mut start = [0u8; HEADER_FIELDS_LEN];
    if file_len < start.len() as u64 {
        return Err(Error::NotADatabase);
    }
    storage.read_at(0, &mut start)?;
    // Magic, version and page size are checked before the checksum, so that a file from
    // another version or page size is named as such rather than as corrupt.
    let field = |at: usize| {
        let bytes: [u8; 4] = std::array::from_fn(|i| start[at + i]);
        u32::from_le_bytes(bytes)
    };
    if start[MAGIC_AT..MAGIC_AT + MAGIC.len()] != MAGIC {
        return Err(Error::NotADatabase);
    }
    let version = field(VERSION_AT);
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let page_size = field(PAGE_SIZE_AT);
    if page_size as usize != PAGE_SIZE {
        return Err(Error::UnsupportedPageSize { found: page_size });
    }
    let fixed_pages_end = META_PAGES[1].offset() + PAGE_SIZE_U64;
    if file_len < fixed_pages_end {
        return Err(Error::Truncated {
            txn_id: 0,
            needed: fixed_pages_end,
            file_len,
        });
    }
    let mut page = [0u8; PAGE_SIZE];
    storage.read_at(0, &mut page)?;
    if page_type_of(&page) != PageType::FILE_HEADER || !checksum_matches(HEADER_PAGE, &page) {
        return Err(Error::Corrupt(
            "the file header (page 0) fails its checksum".into(),
        ));
    }
    Ok(())
}

/// Reads one meta slot and decodes it.
pub(crate) fn read_meta(storage: &dyn Storage, slot: usize) -> Result<MetaState> {
    let at = META_PAGES
        .get(slot)
        .copied()
        .ok_or_else(|| Error::Corrupt(format!("no meta slot {slot}")))?;
    let mut page: Box<PageBytes> = Box::new([0; PAGE_SIZE]);
    storage.read_at(at.offset(), &mut page[..])?;
    MetaState::decode(at, &page)
}

/// The valid meta page with the highest transaction id, and its slot. Whether the file is
/// long enough for it is the caller's check: a meta page that names pages past the end of the
/// file is still the newest commit, and falling back to the older one would hide the damage.
fn newest_meta(storage: &dyn Storage) -> Result<(usize, MetaState)> {
    let a = read_meta(storage, 0);
    let b = read_meta(storage, 1);
    match (a, b) {
        (Ok(a), Ok(b)) if b.txn_id > a.txn_id => Ok((1, b)),
        (Ok(a), _) => Ok((0, a)),
        (Err(_), Ok(b)) => Ok((1, b)),
        (Err(a), Err(b)) => Err(Error::Corrupt(format!(
            "no valid meta page: slot 0: {a}; slot 1: {b}"
        ))),
    }
}

/// The page at `id` in `snapshot`, bounds-checked against its page count.
#[inline]
pub(crate) fn snapshot_page(snapshot: &Snapshot, id: PageId) -> Result<&PageBytes> {
    let page_count = snapshot.meta.page_count;
    if id.0 >= page_count {
        return Err(Error::PageOutOfBounds {
            page: id,
            page_count,
        });
    }
    // The error is built only when needed: built eagerly (`ok_or(..)`), every successful read
    // would drop it, a call to the error's drop glue on the hottest path there is.
    let Some(page) = snapshot.region.page(id) else {
        return Err(Error::PageOutOfBounds {
            page: id,
            page_count,
        });
    };
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_adds_an_eighth_between_one_and_thirty_two_mib() {
        assert_eq!(
            growth_target(3 * PAGE_SIZE_U64, 4 * PAGE_SIZE_U64),
            3 * PAGE_SIZE_U64 + MIN_GROWTH_STEP
        );
        assert_eq!(growth_target(1 << 20, (1 << 20) + 1), 2 << 20);
        assert_eq!(growth_target(64 << 20, (64 << 20) + 1), 72 << 20);
        assert_eq!(
            growth_target(1 << 30, (1 << 30) + 1),
            (1 << 30) + MAX_GROWTH_STEP
        );
        assert_eq!(growth_target(1 << 20, 500 << 20), 500 << 20);
    }
}
