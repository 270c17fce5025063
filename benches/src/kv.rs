//! The key-value comparison of issue 3 (`src/bin/kv_compare.rs`): mmgraph's B+tree (the
//! `btree` crate on the pager) against LMDB (through `heed`) and redb, on the workload of
//! redb's `benches/lmdb_benchmark.rs` scaled to this machine, all in one process.
//!
//! Every engine gets the same pairs (random 24-byte keys, 150-byte values, from a fixed-seed
//! PRNG, generated before any timing) and the same operations in the same order:
//!
//! 1. bulk load: `pairs` pairs in one write transaction;
//! 2. `writes` writes, each in its own durable transaction;
//! 3. `batches` transactions of `batch_size` writes;
//! 4. `gets` random gets (the keys of the bulk load, in generation order) in a read
//!    transaction, summing the first byte of each value;
//! 5. `ranges` range reads of `range_len` entries from a random present key, same sum;
//! 6. removing the first half of the bulk-loaded keys in one write transaction;
//!
//! with the file size measured after the bulk load, before the removals, after them, and
//! after closing. Every commit is durable: LMDB's default (sync on commit), redb's default
//! ([`redb::Durability::Immediate`]), mmgraph's [`pager_mmap::Durability::Durable`].
//! mmgraph runs twice: once bulk-loading with [`btree::Tree::bulk_load`] after sorting the
//! pairs (sort included in the time), once inserting them one by one as the others do.
//!
//! The whole workload is repeated `reps` times per engine (engines interleaved, in rotated
//! order); reads are repeated `read_rounds` times within each repetition. Each figure is
//! the median of its samples. Every read's checksum is checked against one computed from
//! the generated pairs, and every engine's entry count after the writes and the removals.

use crate::generate::SplitMix64;
use std::fmt::Write as _;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use btree::Tree;
use pager_mmap::{PAGE_SIZE_U64, Pager};
use redb::{ReadableDatabase as _, ReadableTableMetadata as _};

/// Errors of the comparison: anything, with its message.
pub type KvError = Box<dyn std::error::Error + Send + Sync>;

/// The comparison's result type.
pub type KvResult<T> = std::result::Result<T, KvError>;

/// Length of every key, in bytes.
pub const KEY_LEN: usize = 24;

/// Length of every value, in bytes.
pub const VALUE_LEN: usize = 150;

/// The pager root slot mmgraph's tree is anchored in.
const SLOT: usize = 0;

/// redb's table of the workload.
const REDB_TABLE: redb::TableDefinition<'static, &'static [u8], &'static [u8]> =
    redb::TableDefinition::new("kv");

/// One engine of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// LMDB through `heed`, default flags (sync on commit).
    Lmdb,
    /// redb, default settings ([`redb::Durability::Immediate`], 1 GiB cache).
    Redb,
    /// mmgraph, bulk load by sorting the pairs and [`btree::Tree::bulk_load`].
    MmgraphBulk,
    /// mmgraph, bulk load by [`btree::Tree::insert`] in one transaction.
    MmgraphInsert,
}

impl EngineKind {
    /// All engines, in table order.
    pub const ALL: [EngineKind; 4] = [
        EngineKind::Lmdb,
        EngineKind::Redb,
        EngineKind::MmgraphBulk,
        EngineKind::MmgraphInsert,
    ];

    /// The engine named `name` on the command line.
    pub fn parse(name: &str) -> Option<EngineKind> {
        EngineKind::ALL.into_iter().find(|kind| kind.slug() == name)
    }

    /// The command-line name, also the engine's directory name.
    pub fn slug(self) -> &'static str {
        match self {
            EngineKind::Lmdb => "lmdb",
            EngineKind::Redb => "redb",
            EngineKind::MmgraphBulk => "mmgraph-bulk",
            EngineKind::MmgraphInsert => "mmgraph-insert",
        }
    }

    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            EngineKind::Lmdb => "LMDB",
            EngineKind::Redb => "redb",
            EngineKind::MmgraphBulk => "mmgraph (bulk_load)",
            EngineKind::MmgraphInsert => "mmgraph (inserts)",
        }
    }

    fn is_mmgraph(self) -> bool {
        matches!(self, EngineKind::MmgraphBulk | EngineKind::MmgraphInsert)
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Pairs bulk-loaded in one transaction.
    pub pairs: usize,
    /// Writes committed one per transaction.
    pub writes: usize,
    /// Transactions of `batch_size` writes.
    pub batches: usize,
    /// Writes per batch transaction.
    pub batch_size: usize,
    /// Random gets (of bulk-loaded keys); at most `pairs`.
    pub gets: usize,
    /// Range reads (from bulk-loaded keys); at most `pairs`.
    pub ranges: usize,
    /// Entries per range read.
    pub range_len: usize,
    /// Repetitions of the whole workload per engine.
    pub reps: usize,
    /// Rounds of each read per repetition.
    pub read_rounds: usize,
    /// The engines, in the order of the first repetition.
    pub engines: Vec<EngineKind>,
    /// The directory the databases go in (a temporary directory is made inside it).
    pub dir: PathBuf,
    /// The PRNG seed of the pairs.
    pub seed: u64,
    /// The fill of [`Tree::bulk_load_with_fill`] in percent; `None`: [`Tree::bulk_load`]'s
    /// default ([`btree::BulkFill::DEFAULT`]).
    pub bulk_fill: Option<u8>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pairs: 1_000_000,
            writes: 1_000,
            batches: 100,
            batch_size: 1_000,
            gets: 1_000_000,
            ranges: 500_000,
            range_len: 10,
            reps: 3,
            read_rounds: 3,
            engines: EngineKind::ALL.to_vec(),
            dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/tmp")),
            seed: 3,
            bulk_fill: None,
        }
    }
}

/// The timed operations, in workload order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Load,
    Writes,
    Batches,
    Gets,
    Ranges,
    Removes,
}

impl Op {
    const ALL: [Op; 6] = [
        Op::Load,
        Op::Writes,
        Op::Batches,
        Op::Gets,
        Op::Ranges,
        Op::Removes,
    ];

    fn index(self) -> usize {
        self as usize
    }

    fn label(self, config: &Config) -> String {
        let n = |v: usize| thousands(v as u64);
        match self {
            Op::Load => format!("bulk load {} pairs, one transaction", n(config.pairs)),
            Op::Writes => format!("{} writes, one durable commit each", n(config.writes)),
            Op::Batches => format!(
                "{} transactions of {} writes",
                n(config.batches),
                n(config.batch_size)
            ),
            Op::Gets => format!("{} random gets", n(config.gets)),
            Op::Ranges => format!(
                "{} range reads of {} entries",
                n(config.ranges),
                config.range_len
            ),
            Op::Removes => format!("remove {} (half), one transaction", n(config.pairs / 2)),
        }
    }

    /// Items per operation, for the per-item figures.
    fn items(self, config: &Config) -> usize {
        match self {
            Op::Load => config.pairs,
            Op::Writes => config.writes,
            Op::Batches => config.batches * config.batch_size,
            Op::Gets => config.gets,
            Op::Ranges => config.ranges,
            Op::Removes => config.pairs / 2,
        }
    }
}

/// Where file sizes are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SizeAt {
    AfterLoad,
    BeforeRemoves,
    AfterRemoves,
    AfterClose,
}

impl SizeAt {
    const ALL: [SizeAt; 4] = [
        SizeAt::AfterLoad,
        SizeAt::BeforeRemoves,
        SizeAt::AfterRemoves,
        SizeAt::AfterClose,
    ];

    fn index(self) -> usize {
        self as usize
    }

    fn label(self) -> &'static str {
        match self {
            SizeAt::AfterLoad => "file size after the bulk load",
            SizeAt::BeforeRemoves => "file size after all writes (before removals)",
            SizeAt::AfterRemoves => "file size after the removals",
            SizeAt::AfterClose => "file size after closing",
        }
    }
}

/// The generated pairs: `keys[i]` goes with `values[i]`.
pub struct Data {
    keys: Vec<[u8; KEY_LEN]>,
    values: Vec<[u8; VALUE_LEN]>,
}

/// Fills `bytes` from `rng`, eight bytes at a time.
fn fill(rng: &mut SplitMix64, bytes: &mut [u8]) {
    for chunk in bytes.chunks_mut(8) {
        let word = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

impl Data {
    /// `count` pairs from `seed`, in generation order.
    pub fn generate(count: usize, seed: u64) -> Data {
        let mut rng = SplitMix64::new(seed);
        let mut keys = Vec::with_capacity(count);
        let mut values = Vec::with_capacity(count);
        for _ in 0..count {
            let mut key = [0u8; KEY_LEN];
            let mut value = [0u8; VALUE_LEN];
            fill(&mut rng, &mut key);
            fill(&mut rng, &mut value);
            keys.push(key);
            values.push(value);
        }
        Data { keys, values }
    }

    fn pairs(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (&[u8; KEY_LEN], &[u8; VALUE_LEN])> {
        self.keys[range.clone()].iter().zip(&self.values[range])
    }
}

/// A read's checksum: entries seen and the sum of their values' first bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sums {
    entries: u64,
    bytes: u64,
}

impl Sums {
    fn add(&mut self, value: &[u8]) {
        self.entries += 1;
        self.bytes += u64::from(value.first().copied().unwrap_or(0));
    }
}

/// What the reads must return, computed from the pairs.
struct Expected {
    gets: Sums,
    ranges: Sums,
    len_before_removes: u64,
    len_after_removes: u64,
}

impl Expected {
    fn compute(config: &Config, data: &Data) -> KvResult<Expected> {
        let total = data.keys.len();
        let mut gets = Sums::default();
        for value in &data.values[..config.gets] {
            gets.add(value);
        }
        let mut order: Vec<u32> = (0..u32::try_from(total)?).collect();
        order.sort_unstable_by_key(|&i| data.keys[i as usize]);
        if order
            .windows(2)
            .any(|w| data.keys[w[0] as usize] == data.keys[w[1] as usize])
        {
            return Err("the generated keys repeat; change the seed".into());
        }
        let mut ranges = Sums::default();
        for key in &data.keys[..config.ranges] {
            let at = order.partition_point(|&i| data.keys[i as usize] < *key);
            for &i in order.iter().skip(at).take(config.range_len) {
                ranges.add(&data.values[i as usize]);
            }
        }
        let total = total as u64;
        Ok(Expected {
            gets,
            ranges,
            len_before_removes: total,
            len_after_removes: total - (config.pairs / 2) as u64,
        })
    }
}

/// The operations of the workload, as each engine does them.
trait Kv {
    /// Stores `data`'s pairs `0..n` in one write transaction and commits.
    fn load(&mut self, data: &Data, n: usize) -> KvResult<()>;
    /// Stores the pairs of `range`, committing after every `per_txn` of them.
    fn write(&mut self, data: &Data, range: std::ops::Range<usize>, per_txn: usize)
    -> KvResult<()>;
    /// Gets the keys `0..n` in one read transaction.
    fn gets(&self, data: &Data, n: usize) -> KvResult<Sums>;
    /// Reads `len` entries from each of the keys `0..n` in one read transaction.
    fn ranges(&self, data: &Data, n: usize, len: usize) -> KvResult<Sums>;
    /// Removes the keys `0..n` in one write transaction and commits; returns how many were
    /// there.
    fn remove(&mut self, data: &Data, n: usize) -> KvResult<u64>;
    /// The number of entries.
    fn len(&self) -> KvResult<u64>;
    /// Page counts, where the engine reports them.
    fn pages(&self) -> KvResult<Option<String>> {
        Ok(None)
    }
    /// The bytes of the file's pages in use or free (the file's length less any space
    /// allocated ahead), where the engine reports them.
    fn used_bytes(&self) -> KvResult<Option<u64>> {
        Ok(None)
    }
}

/// LMDB through heed: the unnamed database of an environment.
struct Lmdb<'e> {
    env: &'e heed::Env,
    db: heed::Database<'e, heed::types::Bytes, heed::types::Bytes>,
}

impl Kv for Lmdb<'_> {
    fn load(&mut self, data: &Data, n: usize) -> KvResult<()> {
        self.write(data, 0..n, n.max(1))
    }

    fn write(
        &mut self,
        data: &Data,
        range: std::ops::Range<usize>,
        per_txn: usize,
    ) -> KvResult<()> {
        let mut pairs = data.pairs(range).peekable();
        while pairs.peek().is_some() {
            let mut txn = self.env.write_txn()?;
            for (key, value) in pairs.by_ref().take(per_txn) {
                self.db.put(&mut txn, key, value)?;
            }
            txn.commit()?;
        }
        Ok(())
    }

    fn gets(&self, data: &Data, n: usize) -> KvResult<Sums> {
        let txn = self.env.read_txn()?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            if let Some(value) = self.db.get(&txn, key)? {
                sums.add(value);
            }
        }
        Ok(sums)
    }

    fn ranges(&self, data: &Data, n: usize, len: usize) -> KvResult<Sums> {
        let txn = self.env.read_txn()?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            let bounds: (Bound<&[u8]>, Bound<&[u8]>) = (Bound::Included(key), Bound::Unbounded);
            for entry in self.db.range(&txn, &bounds)?.take(len) {
                sums.add(entry?.1);
            }
        }
        Ok(sums)
    }

    fn remove(&mut self, data: &Data, n: usize) -> KvResult<u64> {
        let mut txn = self.env.write_txn()?;
        let mut removed = 0;
        for key in &data.keys[..n] {
            removed += u64::from(self.db.delete(&mut txn, key)?);
        }
        txn.commit()?;
        Ok(removed)
    }

    fn len(&self) -> KvResult<u64> {
        let txn = self.env.read_txn()?;
        Ok(self.db.len(&txn)?)
    }

    fn pages(&self) -> KvResult<Option<String>> {
        let txn = self.env.read_txn()?;
        let stat = self.db.stat(&txn)?;
        let info = self.env.info();
        Ok(Some(format!(
            "{} pages used (last_pgno+1), tree: {} branch + {} leaf + {} overflow, depth {}",
            info.last_page_number + 1,
            stat.branch_pages,
            stat.leaf_pages,
            stat.overflow_pages,
            stat.depth
        )))
    }

    fn used_bytes(&self) -> KvResult<Option<u64>> {
        let txn = self.env.read_txn()?;
        let page_size = u64::from(self.db.stat(&txn)?.page_size);
        Ok(Some(
            (self.env.info().last_page_number as u64 + 1) * page_size,
        ))
    }
}

/// redb: one table.
struct Redb {
    db: redb::Database,
}

impl Kv for Redb {
    fn load(&mut self, data: &Data, n: usize) -> KvResult<()> {
        self.write(data, 0..n, n.max(1))
    }

    fn write(
        &mut self,
        data: &Data,
        range: std::ops::Range<usize>,
        per_txn: usize,
    ) -> KvResult<()> {
        let mut pairs = data.pairs(range).peekable();
        while pairs.peek().is_some() {
            let txn = self.db.begin_write()?;
            {
                let mut table = txn.open_table(REDB_TABLE)?;
                for (key, value) in pairs.by_ref().take(per_txn) {
                    table.insert(key.as_slice(), value.as_slice())?;
                }
            }
            txn.commit()?;
        }
        Ok(())
    }

    fn gets(&self, data: &Data, n: usize) -> KvResult<Sums> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(REDB_TABLE)?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            if let Some(value) = table.get(key.as_slice())? {
                sums.add(value.value());
            }
        }
        Ok(sums)
    }

    fn ranges(&self, data: &Data, n: usize, len: usize) -> KvResult<Sums> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(REDB_TABLE)?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            for entry in table.range::<&[u8]>(key.as_slice()..)?.take(len) {
                sums.add(entry?.1.value());
            }
        }
        Ok(sums)
    }

    fn remove(&mut self, data: &Data, n: usize) -> KvResult<u64> {
        let txn = self.db.begin_write()?;
        let mut removed = 0;
        {
            let mut table = txn.open_table(REDB_TABLE)?;
            for key in &data.keys[..n] {
                removed += u64::from(table.remove(key.as_slice())?.is_some());
            }
        }
        txn.commit()?;
        Ok(removed)
    }

    fn len(&self) -> KvResult<u64> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(REDB_TABLE)?.len()?)
    }
}

/// mmgraph: one B+tree anchored in root slot [`SLOT`] of a pager.
struct Mmgraph {
    pager: Pager,
    /// Bulk load with [`Tree::bulk_load`] (after sorting) rather than inserts.
    bulk: bool,
    /// The fill of the bulk load, if not the default.
    fill: Option<u8>,
}

impl Kv for Mmgraph {
    fn load(&mut self, data: &Data, n: usize) -> KvResult<()> {
        if !self.bulk {
            return self.write(data, 0..n, n.max(1));
        }
        let mut sorted: Vec<(&[u8; KEY_LEN], &[u8; VALUE_LEN])> = data.pairs(0..n).collect();
        sorted.sort_unstable_by_key(|&(key, _)| key);
        let mut txn = self.pager.begin_write()?;
        let tree = match self.fill {
            Some(percent) => {
                Tree::bulk_load_with_fill(&mut txn, sorted, btree::BulkFill::percent(percent))?
            }
            None => Tree::bulk_load(&mut txn, sorted)?,
        };
        tree.save_to_slot(&mut txn, SLOT)?;
        txn.commit()?;
        Ok(())
    }

    fn write(
        &mut self,
        data: &Data,
        range: std::ops::Range<usize>,
        per_txn: usize,
    ) -> KvResult<()> {
        let mut pairs = data.pairs(range).peekable();
        while pairs.peek().is_some() {
            let mut txn = self.pager.begin_write()?;
            let mut tree = Tree::from_slot(&txn, SLOT)?;
            for (key, value) in pairs.by_ref().take(per_txn) {
                tree.insert(&mut txn, key, value)?;
            }
            tree.save_to_slot(&mut txn, SLOT)?;
            txn.commit()?;
        }
        Ok(())
    }

    fn gets(&self, data: &Data, n: usize) -> KvResult<Sums> {
        let txn = self.pager.begin_read()?;
        let tree = Tree::from_slot(&txn, SLOT)?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            if let Some(value) = tree.get(&txn, key)? {
                sums.add(&value);
            }
        }
        Ok(sums)
    }

    fn ranges(&self, data: &Data, n: usize, len: usize) -> KvResult<Sums> {
        let txn = self.pager.begin_read()?;
        let tree = Tree::from_slot(&txn, SLOT)?;
        let mut sums = Sums::default();
        for key in &data.keys[..n] {
            for entry in tree.range(&txn, key.as_slice()..).take(len) {
                sums.add(&entry?.value()?);
            }
        }
        Ok(sums)
    }

    fn remove(&mut self, data: &Data, n: usize) -> KvResult<u64> {
        let mut txn = self.pager.begin_write()?;
        let mut tree = Tree::from_slot(&txn, SLOT)?;
        let mut removed = 0;
        for key in &data.keys[..n] {
            // `delete`, as LMDB's: says whether the key was there, copies no value out.
            removed += u64::from(tree.delete(&mut txn, key)?);
        }
        tree.save_to_slot(&mut txn, SLOT)?;
        txn.commit()?;
        Ok(removed)
    }

    fn len(&self) -> KvResult<u64> {
        let txn = self.pager.begin_read()?;
        Ok(Tree::from_slot(&txn, SLOT)?.len())
    }

    fn pages(&self) -> KvResult<Option<String>> {
        let stats = self.pager.stats()?;
        let txn = self.pager.begin_read()?;
        let tree = Tree::from_slot(&txn, SLOT)?;
        Ok(Some(format!(
            "{} pages in the file's format ({} free), tree: {} pages, height {}",
            stats.page_count,
            stats.free_pages,
            tree.pages(&txn)?.len(),
            tree.height()
        )))
    }

    fn used_bytes(&self) -> KvResult<Option<u64>> {
        Ok(Some(self.pager.stats()?.page_count * PAGE_SIZE_U64))
    }
}

/// One repetition of the workload on one engine.
struct Sample {
    /// Per [`Op`]: the times (reads: one per round).
    times: Vec<Vec<Duration>>,
    /// Per [`SizeAt`].
    sizes: Vec<Size>,
    /// Page counts after the writes and after the removals, where the engine reports them.
    pages: Vec<String>,
}

/// The size of an engine's files at one point.
#[derive(Clone, Copy, Debug, Default)]
struct Size {
    /// The files' total length.
    len: u64,
    /// The files' allocated bytes (`du`).
    allocated: u64,
    /// [`Kv::used_bytes`].
    used: Option<u64>,
}

/// Which figure of a [`Size`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SizeKind {
    Len,
    Allocated,
    Used,
}

impl Size {
    fn get(&self, kind: SizeKind) -> Option<u64> {
        match kind {
            SizeKind::Len => Some(self.len),
            SizeKind::Allocated => Some(self.allocated),
            SizeKind::Used => self.used,
        }
    }
}

/// The size of `kv`'s files in `dir`.
fn measure_size(kv: &dyn Kv, dir: &Path) -> KvResult<Size> {
    let (len, allocated) = dir_size(dir)?;
    Ok(Size {
        len,
        allocated,
        used: kv.used_bytes()?,
    })
}

/// The total length and allocated bytes of the files in `dir`.
fn dir_size(dir: &Path) -> KvResult<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let (mut len, mut allocated) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            len += meta.len();
            allocated += meta.blocks() * 512;
        }
    }
    Ok((len, allocated))
}

/// Times `f`.
fn timed<T>(f: impl FnOnce() -> KvResult<T>) -> KvResult<(T, Duration)> {
    let start = Instant::now();
    let value = f()?;
    Ok((value, start.elapsed()))
}

/// Runs the workload on `kv`, whose files are in `dir`.
fn workload(
    kv: &mut dyn Kv,
    dir: &Path,
    config: &Config,
    data: &Data,
    expected: &Expected,
    name: &str,
) -> KvResult<Sample> {
    let mut sample = Sample {
        times: vec![Vec::new(); Op::ALL.len()],
        sizes: vec![Size::default(); SizeAt::ALL.len()],
        pages: Vec::new(),
    };
    let progress = |op: Op, d: Duration| {
        eprintln!("  {name}: {} in {:.1} ms", op.label(config), ms(d));
    };
    let ((), d) = timed(|| kv.load(data, config.pairs))?;
    progress(Op::Load, d);
    sample.times[Op::Load.index()].push(d);
    sample.sizes[SizeAt::AfterLoad.index()] = measure_size(kv, dir)?;

    let start = config.pairs;
    let ((), d) = timed(|| kv.write(data, start..start + config.writes, 1))?;
    progress(Op::Writes, d);
    sample.times[Op::Writes.index()].push(d);

    let start = start + config.writes;
    let end = start + config.batches * config.batch_size;
    let ((), d) = timed(|| kv.write(data, start..end, config.batch_size.max(1)))?;
    progress(Op::Batches, d);
    sample.times[Op::Batches.index()].push(d);
    let len = kv.len()?;
    if len != expected.len_before_removes {
        return Err(format!(
            "{name}: {len} entries after the writes, expected {}",
            expected.len_before_removes
        )
        .into());
    }

    for _ in 0..config.read_rounds.max(1) {
        let (sums, d) = timed(|| kv.gets(data, config.gets))?;
        if sums != expected.gets {
            return Err(format!(
                "{name}: gets returned {sums:?}, expected {:?}",
                expected.gets
            )
            .into());
        }
        progress(Op::Gets, d);
        sample.times[Op::Gets.index()].push(d);
    }
    for _ in 0..config.read_rounds.max(1) {
        let (sums, d) = timed(|| kv.ranges(data, config.ranges, config.range_len))?;
        if sums != expected.ranges {
            return Err(format!(
                "{name}: range reads returned {sums:?}, expected {:?}",
                expected.ranges
            )
            .into());
        }
        progress(Op::Ranges, d);
        sample.times[Op::Ranges.index()].push(d);
    }

    sample.sizes[SizeAt::BeforeRemoves.index()] = measure_size(kv, dir)?;
    // After the reads: mmgraph's page count walks the whole tree, which would warm its
    // mapping for the reads.
    if let Some(pages) = kv.pages()? {
        sample.pages.push(format!("after the writes: {pages}"));
    }
    let (removed, d) = timed(|| kv.remove(data, config.pairs / 2))?;
    progress(Op::Removes, d);
    sample.times[Op::Removes.index()].push(d);
    let len = kv.len()?;
    if removed != (config.pairs / 2) as u64 || len != expected.len_after_removes {
        return Err(format!(
            "{name}: removed {removed}, {len} entries left, expected {}",
            expected.len_after_removes
        )
        .into());
    }
    sample.sizes[SizeAt::AfterRemoves.index()] = measure_size(kv, dir)?;
    if let Some(pages) = kv.pages()? {
        sample.pages.push(format!("after the removals: {pages}"));
    }
    Ok(sample)
}

/// Opens `kind` in the empty directory `dir`, runs the workload, closes it.
fn run_engine(
    kind: EngineKind,
    dir: &Path,
    config: &Config,
    data: &Data,
    expected: &Expected,
) -> KvResult<Sample> {
    std::fs::create_dir_all(dir)?;
    let name = kind.title();
    let mut sample = match kind {
        EngineKind::Lmdb => {
            // Sparse on Linux without MDB_WRITEMAP: the file grows as pages are written.
            let map_size = (data.keys.len() * 1024).max(4 << 30);
            // SAFETY: `dir` is a new directory that nothing else in this process or any other
            // opens, and its files are not modified outside LMDB while the environment lives:
            // heed's conditions for opening an environment.
            let env = unsafe { heed::EnvOpenOptions::new().map_size(map_size).open(dir)? };
            let txn = env.write_txn()?;
            let db = env
                .create_databases_and_commit(txn, |opener, txn| {
                    opener
                        .create_database::<heed::types::Bytes, heed::types::Bytes>(txn, None)
                        .map(heed::CommitOrAbort::<_, ()>::Commit)
                })?
                .unwrap_commit();
            let mut kv = Lmdb { env: &env, db };
            workload(&mut kv, dir, config, data, expected, name)?
        }
        EngineKind::Redb => {
            let db = redb::Database::create(dir.join("kv.redb"))?;
            let mut kv = Redb { db };
            workload(&mut kv, dir, config, data, expected, name)?
        }
        EngineKind::MmgraphBulk | EngineKind::MmgraphInsert => {
            let options = pager_mmap::Options {
                durability: pager_mmap::Durability::Durable,
                ..pager_mmap::Options::default()
            };
            let pager = Pager::open(dir.join("kv.mmgraph"), options)?;
            let mut kv = Mmgraph {
                pager,
                bulk: kind == EngineKind::MmgraphBulk,
                fill: config.bulk_fill,
            };
            workload(&mut kv, dir, config, data, expected, name)?
        }
    };
    // Every engine is closed here: its handles were dropped with the match arm.
    let (len, allocated) = dir_size(dir)?;
    sample.sizes[SizeAt::AfterClose.index()] = Size {
        len,
        allocated,
        used: None,
    };
    std::fs::remove_dir_all(dir)?;
    Ok(sample)
}

/// The median of `values` (the mean of the two middle ones for an even count); zero if none.
fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => Duration::ZERO,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The median of sizes (the upper one for an even count); `None` if there are none.
fn median_size(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fmt_ms(d: Duration) -> String {
    let v = ms(d);
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

fn fmt_per_item(d: Duration, items: usize) -> String {
    let ns = d.as_secs_f64() * 1e9 / items.max(1) as f64;
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn fmt_mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}x", a / b)
    } else {
        "-".into()
    }
}

/// The first line of `/proc/loadavg`, or a note that it could not be read.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|e| format!("unknown ({e})"))
}

/// Runs the comparison; returns the Markdown report (progress goes to stderr).
pub fn run(config: &Config) -> KvResult<String> {
    if config.gets > config.pairs || config.ranges > config.pairs {
        return Err("--gets and --ranges must not exceed --pairs".into());
    }
    let load_before = load_average();
    let total = config.pairs + config.writes + config.batches * config.batch_size;
    eprintln!("kv_compare: generating {} pairs", thousands(total as u64));
    let data = Data::generate(total, config.seed);
    let expected = Expected::compute(config, &data)?;
    std::fs::create_dir_all(&config.dir)?;
    let tmp = tempfile::Builder::new()
        .prefix("kv-compare-")
        .tempdir_in(&config.dir)?;
    let engines = &config.engines;
    let mut samples: Vec<Vec<Sample>> = engines.iter().map(|_| Vec::new()).collect();
    let started = Instant::now();
    for rep in 0..config.reps.max(1) {
        for k in 0..engines.len() {
            let e = (k + rep) % engines.len();
            let kind = engines[e];
            eprintln!(
                "repetition {} of {}: {}",
                rep + 1,
                config.reps.max(1),
                kind.title()
            );
            let dir = tmp.path().join(format!("{}-{rep}", kind.slug()));
            samples[e].push(run_engine(kind, &dir, config, &data, &expected)?);
        }
    }
    let elapsed = started.elapsed();
    let load_after = load_average();
    Ok(report(
        config,
        engines,
        &samples,
        &ReportNotes {
            load_before,
            load_after,
            elapsed,
        },
    ))
}

/// What the report says about the run besides the figures.
struct ReportNotes {
    load_before: String,
    load_after: String,
    elapsed: Duration,
}

fn report(
    config: &Config,
    engines: &[EngineKind],
    samples: &[Vec<Sample>],
    notes: &ReportNotes,
) -> String {
    let time = |e: usize, op: Op| -> (Duration, Vec<Duration>) {
        let all: Vec<Duration> = samples[e]
            .iter()
            .flat_map(|s| s.times[op.index()].iter().copied())
            .collect();
        (median(&all), all)
    };
    let size = |e: usize, at: SizeAt, kind: SizeKind| -> Option<u64> {
        let all: Vec<u64> = samples[e]
            .iter()
            .filter_map(|s| s.sizes[at.index()].get(kind))
            .collect();
        median_size(&all)
    };
    let size_f64 = |e: usize, at: SizeAt| size(e, at, SizeKind::Len).unwrap_or(0) as f64;
    let find = |kind: EngineKind| engines.iter().position(|&k| k == kind);
    let lmdb = find(EngineKind::Lmdb);
    let redb = find(EngineKind::Redb);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "kv_compare: {} pairs of {KEY_LEN}-byte keys and {VALUE_LEN}-byte values (seed {}), \
         mmgraph's bulk load filling pages to {} %, \
         {} repetitions of the workload, {} rounds of each read per repetition; \
         load average before `{}`, after `{}`; {:.0} s in all.\n",
        thousands(config.pairs as u64),
        config.seed,
        config
            .bulk_fill
            .map_or(btree::BulkFill::DEFAULT, btree::BulkFill::percent)
            .get(),
        config.reps.max(1),
        config.read_rounds.max(1),
        notes.load_before,
        notes.load_after,
        notes.elapsed.as_secs_f64()
    );

    // The main table: medians, and each mmgraph's ratios to LMDB and redb.
    let mut header = String::from("| operation |");
    let mut rule = String::from("|---|");
    for &kind in engines {
        let _ = write!(header, " {} |", kind.title());
        rule.push_str("---:|");
        if kind.is_mmgraph() {
            for base in [lmdb, redb].into_iter().flatten() {
                let _ = write!(header, " / {} |", engines[base].title());
                rule.push_str("---:|");
            }
        }
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let row = |out: &mut String,
               label: &str,
               value: &dyn Fn(usize) -> f64,
               show: &dyn Fn(f64) -> String| {
        let _ = write!(out, "| {label} |");
        for (e, &kind) in engines.iter().enumerate() {
            let v = value(e);
            let _ = write!(out, " {} |", show(v));
            if kind.is_mmgraph() {
                for base in [lmdb, redb].into_iter().flatten() {
                    let _ = write!(out, " {} |", ratio(v, value(base)));
                }
            }
        }
        out.push('\n');
    };
    for op in Op::ALL {
        row(
            &mut out,
            &op.label(config),
            &|e| time(e, op).0.as_secs_f64(),
            &|v| fmt_ms(Duration::from_secs_f64(v)),
        );
    }
    for at in SizeAt::ALL {
        row(&mut out, at.label(), &|e| size_f64(e, at), &|v| {
            fmt_mib(v as u64)
        });
    }

    // Goals: (what, mmgraph's figure, LMDB's, the factor of LMDB's it must stay within,
    // whether it must be strictly below).
    out.push_str("\nGoals (issue 3), from the medians above:\n\n");
    if let Some(lmdb) = lmdb {
        let t = |e: usize, op: Op| time(e, op).0.as_secs_f64();
        for (e, &kind) in engines.iter().enumerate() {
            if !kind.is_mmgraph() {
                continue;
            }
            let mut goals = vec![
                (
                    "bulk load faster than LMDB".to_string(),
                    t(e, Op::Load),
                    t(lmdb, Op::Load),
                    1.0,
                    true,
                ),
                (
                    "random gets within 1.2x LMDB".to_string(),
                    t(e, Op::Gets),
                    t(lmdb, Op::Gets),
                    1.2,
                    false,
                ),
                (
                    "range reads within 1.2x LMDB".to_string(),
                    t(e, Op::Ranges),
                    t(lmdb, Op::Ranges),
                    1.2,
                    false,
                ),
            ];
            for at in SizeAt::ALL {
                goals.push((
                    format!("{} no larger than LMDB's", at.label()),
                    size_f64(e, at),
                    size_f64(lmdb, at),
                    1.0,
                    false,
                ));
            }
            for (what, value, base, factor, strict) in goals {
                let limit = factor * base;
                let met = if strict {
                    value < limit
                } else {
                    value <= limit
                };
                let verdict = if met { "**met**" } else { "**not met**" };
                let _ = writeln!(
                    out,
                    "- {}: {what}: {verdict} ({} LMDB)",
                    kind.title(),
                    ratio(value, base)
                );
            }
        }
    }

    // Details: per-item medians and the spread of the samples.
    out.push_str(
        "\nDetails: median per item, and [min - max] of the samples of the whole operation\n\n",
    );
    let mut header = String::from("| operation |");
    let mut rule = String::from("|---|");
    for &kind in engines {
        let _ = write!(header, " {} |", kind.title());
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for op in Op::ALL {
        let _ = write!(out, "| {} |", op.label(config));
        for e in 0..engines.len() {
            let (m, all) = time(e, op);
            let min = all.iter().copied().min().unwrap_or_default();
            let max = all.iter().copied().max().unwrap_or_default();
            let _ = write!(
                out,
                " {} [{:.0} - {:.0} ms] |",
                fmt_per_item(m, op.items(config)),
                ms(min),
                ms(max)
            );
        }
        out.push('\n');
    }
    for (kind, what) in [
        (SizeKind::Allocated, "allocated (`du`)"),
        (
            SizeKind::Used,
            "in pages (LMDB: last page + 1; mmgraph: page count)",
        ),
    ] {
        for at in SizeAt::ALL {
            if kind == SizeKind::Used && at == SizeAt::AfterClose {
                continue;
            }
            let _ = write!(out, "| {}, {what} |", at.label());
            for e in 0..engines.len() {
                let figure = size(e, at, kind).map_or_else(|| "-".to_string(), fmt_mib);
                let _ = write!(out, " {figure} |");
            }
            out.push('\n');
        }
    }
    out.push('\n');
    for (e, &kind) in engines.iter().enumerate() {
        if let Some(sample) = samples[e].first() {
            for pages in &sample.pages {
                let _ = writeln!(out, "- {} (first repetition), {pages}", kind.title());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_small_run_of_every_engine_checks_out() {
        let config = Config {
            pairs: 2_000,
            writes: 5,
            batches: 2,
            batch_size: 50,
            gets: 2_000,
            ranges: 1_000,
            reps: 1,
            read_rounds: 1,
            ..Config::default()
        };
        // `run` fails if any read's checksum or any entry count is wrong.
        let report = run(&config).expect("the comparison runs");
        for kind in EngineKind::ALL {
            assert!(report.contains(kind.title()), "{report}");
        }
        assert!(report.contains("Goals"), "{report}");
    }
}
