//! [`Graph`]: opening a database, and its read transactions.

use std::path::Path;

use pager_mmap::{Backend, FIRST_DATA_PAGE, MemStorage, Options, PageSource, Pager};

use crate::error::Result;

use crate::read::{GraphRead, Labels, sealed};
use crate::roots::Roots;
use crate::schema::SLOT_MARKER;
use crate::write::WriteTxn;
/// The file's page counts at one commit ([`Graph::storage_stats`]).
pub use pager_mmap::PagerStats as StorageStats;

/// A graph database: one file, one writer at a time, any number of snapshot readers.
///
/// ```
/// use graph::{Direction, Graph, GraphRead};
///
/// let graph = Graph::in_memory()?;
/// let mut txn = graph.begin_write()?;
/// let alice = txn.add_node("person", "alice", b"{}")?;
/// let bob = txn.add_node("person", "bob", b"")?;
/// txn.add_edge(alice, bob, "knows", b"")?;
/// txn.commit()?;
///
/// let read = graph.begin_read()?;
/// let friends: Vec<_> = read.neighbors(alice, Direction::Out, Some("knows"))?.collect::<Result<_, _>>()?;
/// assert_eq!(friends[0].node, bob);
/// assert_eq!(read.node(bob)?.unwrap().name()?, "bob");
/// assert_eq!(read.shortest_path(alice, bob)?, Some(vec![alice, bob]));
/// # Ok::<(), graph::Error>(())
/// ```
///
/// A write transaction ([`Graph::begin_write`]) waits while another is active. Readers
/// ([`Graph::begin_read`]) never wait and never see uncommitted or later changes; each pins the
/// pages of its snapshot while it lives, so a reader kept open for long makes the file grow.
#[derive(Clone, Debug)]
pub struct Graph {
    pager: Pager,
}

/// A snapshot of a graph at one commit: see [`GraphRead`] for what it reads. `Send`; cheap to
/// begin; never blocked by the writer.
pub struct ReadTxn {
    txn: pager_mmap::ReadTxn,
    roots: Roots,
    labels: Labels,
}

impl sealed::Access for ReadTxn {
    type Source = pager_mmap::ReadTxn;

    #[inline]
    fn source(&self) -> &pager_mmap::ReadTxn {
        &self.txn
    }

    #[inline]
    fn roots(&self) -> &Roots {
        &self.roots
    }

    #[inline]
    fn labels(&self) -> Option<&Labels> {
        Some(&self.labels)
    }
}

impl GraphRead for ReadTxn {}

impl ReadTxn {
    /// The id of the commit this snapshot shows.
    pub fn txn_id(&self) -> u64 {
        self.txn.txn_id()
    }
}

impl std::fmt::Debug for ReadTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadTxn")
            .field("txn_id", &self.txn.txn_id())
            .finish()
    }
}

impl Graph {
    /// Opens the graph in the file at `path`, creating it if it does not exist.
    pub fn open(path: impl AsRef<Path>) -> Result<Graph> {
        Graph::open_with(path, Options::default())
    }

    /// Opens the graph in the file at `path` with `options` (durability, initial size,
    /// read-only, ...).
    pub fn open_with(path: impl AsRef<Path>, options: Options) -> Result<Graph> {
        Graph::from_pager(Pager::open(path, options)?)
    }

    /// Opens the graph in the file at `path` read-only: the file is opened `O_RDONLY` under a
    /// shared lock, so it may be a read-only file in a read-only directory, and any number of
    /// processes may read it at once; a writer and read-only handles exclude each other
    /// ([`Error::Locked`](crate::Error::Locked) names who holds the file). Nothing is ever
    /// created, grown, trimmed or written: [`Graph::begin_write`] fails with
    /// [`Error::ReadOnly`](crate::Error::ReadOnly), and a file that is empty or holds no graph
    /// is refused as it is.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Graph> {
        let options = Options {
            read_only: true,
            ..Options::default()
        };
        Graph::open_with(path, options)
    }

    /// A graph in memory only, gone when the last handle is dropped.
    pub fn in_memory() -> Result<Graph> {
        Graph::with_backend(Box::new(MemStorage::new()).into(), Options::default())
    }

    /// A graph on a storage the pager wraps (memory, or in tests a crash-simulating one).
    pub(crate) fn with_backend(storage: Backend, options: Options) -> Result<Graph> {
        Graph::from_pager(Pager::with_storage(storage, options)?)
    }

    /// Makes a new file a graph; checks that an existing one is. A read-only open of a file
    /// that holds no graph yet is refused rather than written.
    fn from_pager(pager: Pager) -> Result<Graph> {
        let read = pager.begin_read()?;
        let fresh = read.root(SLOT_MARKER)? == 0 && read.page_count() == FIRST_DATA_PAGE;
        if fresh && pager.read_only() {
            return Err(crate::Error::NotAGraph(
                "the file is an empty mmgraph file; open it for writing to make it a graph".into(),
            ));
        }
        if fresh {
            drop(read);
            let mut txn = pager.begin_write()?;
            Roots::empty()?.save(&mut txn)?;
            txn.commit()?;
        } else {
            Roots::load(&read)?;
        }
        Ok(Graph { pager })
    }

    /// Begins a read transaction on the latest commit.
    pub fn begin_read(&self) -> Result<ReadTxn> {
        let txn = self.pager.begin_read()?;
        let roots = Roots::load(&txn)?;
        Ok(ReadTxn {
            txn,
            roots,
            labels: Labels::default(),
        })
    }

    /// Begins the write transaction, waiting while another one is active.
    pub fn begin_write(&self) -> Result<WriteTxn> {
        let txn = self.pager.begin_write()?;
        let roots = Roots::load(&txn)?;
        Ok(WriteTxn::new(txn, roots))
    }

    /// Begins the write transaction, or fails with a busy error if one is active.
    pub fn try_begin_write(&self) -> Result<WriteTxn> {
        let txn = self.pager.try_begin_write()?;
        let roots = Roots::load(&txn)?;
        Ok(WriteTxn::new(txn, roots))
    }

    /// Makes every commit durable (after non-durable ones).
    pub fn flush(&self) -> Result<()> {
        Ok(self.pager.flush()?)
    }

    /// Whether the graph was opened read-only ([`Graph::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.pager.read_only()
    }

    /// The file's page counts at the latest commit: O(1), where [`Graph::stats`] walks the
    /// graph.
    pub fn storage_stats(&self) -> Result<StorageStats> {
        Ok(self.pager.stats()?)
    }
}
