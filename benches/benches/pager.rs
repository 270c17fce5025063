//! Criterion benchmarks of the pager: read-transaction begin and end, random page reads, and
//! commits of 1 and 1,000 copied-on-write pages, durable and not, on a real file. A raw
//! `fdatasync` of a 4 KiB write on the same disk is measured in the same run as the baseline
//! that durable commits are read against (a durable commit costs two data syncs).
//!
//! Run: `cargo bench -p mmgraph-benches --bench pager`. Figures are in `docs/benchmarks.md`.
//! Every file lives under Cargo's target temporary directory (`target/tmp`), which is on the
//! project disk, never on a tmpfs, so syncs reach a real device.

use std::fs::{File, OpenOptions};
use std::hint::black_box;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use pager_mmap::{
    Durability, FIRST_DATA_PAGE, MemStorage, Options, PageId, PageSource, PageType, Pager,
};
use tempfile::TempDir;

/// The tag of every page the benchmarks write (from the range reserved for tests).
const BENCH_PAGE: PageType = PageType(250);

/// The byte each update changes: past the 16-byte page header.
const TOUCHED_BYTE: usize = 100;

/// Pages in the file that `page_read/random` reads from.
const READ_FILE_PAGES: usize = 100_000;

/// Random page ids precomputed for `page_read/random`, cycled through.
const READ_IDS: usize = 1 << 16;

/// Live pages in the files the commit benchmarks update: ten times the largest update, so
/// that the pages one commit copies are distinct.
const LIVE_PAGES: usize = 10_000;

/// Pages allocated per transaction while populating a file.
const POPULATE_BATCH: usize = 10_000;

/// A fresh directory for benchmark files on the project disk (`target/tmp`, not a tmpfs).
fn bench_dir() -> TempDir {
    tempfile::Builder::new()
        .prefix("mmgraph-bench-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("create a benchmark directory under target/tmp")
}

/// A small fixed-seed xorshift64 generator, so every run reads the same pages.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Opens (creates) the benchmark database at `path`, durable by default.
fn open_file(path: &Path) -> Pager {
    Pager::open(path, Options::default()).expect("open the benchmark database")
}

/// Fills `pager` with `pages` new data pages and flushes. Returns their ids in allocation
/// order.
fn populate(pager: &Pager, pages: usize) -> Vec<PageId> {
    let mut ids = Vec::with_capacity(pages);
    while ids.len() < pages {
        let mut txn = pager.begin_write().expect("begin a populating write");
        txn.set_durability(Durability::NonDurable);
        for _ in 0..POPULATE_BATCH.min(pages - ids.len()) {
            let (id, page) = txn.alloc(BENCH_PAGE).expect("allocate a page");
            page[TOUCHED_BYTE] = id.0 as u8;
            ids.push(id);
        }
        txn.set_root(0, ids[0].0).expect("root slot 0 exists");
        txn.commit().expect("commit a populating write");
    }
    pager.flush().expect("make the populated file durable");
    ids
}

/// `read_txn/begin_end`: one read transaction begun and dropped.
fn read_txn(c: &mut Criterion) {
    let dir = bench_dir();
    let pager = open_file(&dir.path().join("read_txn.mmg"));
    populate(&pager, 16);
    let mut group = c.benchmark_group("read_txn");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("begin_end", |b| {
        b.iter(|| drop(black_box(pager.begin_read().expect("a free reader slot"))));
    });
    group.finish();
}

/// `page_read/random`: one bounds-checked page read, at a random id of a 100K-page file,
/// through a read transaction begun before the timed iterations and held across them. Reads
/// one byte of the page so that the access touches the mapping.
fn page_read(c: &mut Criterion) {
    let dir = bench_dir();
    // Set up on first use, so that a filtered run that skips this benchmark skips the 400 MB
    // file too.
    let mut setup: Option<(Pager, Vec<PageId>)> = None;
    let mut group = c.benchmark_group("page_read");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("random", |b| {
        let (pager, ids) = setup.get_or_insert_with(|| {
            let pager = open_file(&dir.path().join("page_read.mmg"));
            populate(&pager, READ_FILE_PAGES);
            let page_count = pager.stats().expect("stats").page_count;
            let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
            let ids = (0..READ_IDS)
                .map(|_| PageId(FIRST_DATA_PAGE + rng.next() % (page_count - FIRST_DATA_PAGE)))
                .collect();
            (pager, ids)
        });
        let read = pager.begin_read().expect("a free reader slot");
        let mut next = 0;
        b.iter(|| {
            let id = ids[next % READ_IDS];
            next = next.wrapping_add(1);
            black_box(read.page(black_box(id)).expect("an id below page_count")[TOUCHED_BYTE])
        });
    });
    group.finish();
}

/// A database of [`LIVE_PAGES`] pages and the current id of each, updated by copy-on-write.
struct Updater {
    pager: Pager,
    live: Vec<PageId>,
    next: usize,
}

impl Updater {
    fn new(pager: Pager) -> Updater {
        let live = populate(&pager, LIVE_PAGES);
        Updater {
            pager,
            live,
            next: 0,
        }
    }

    /// One write transaction that copies `pages` live pages (the next ones in round-robin
    /// order), changes a byte in each, and commits with `durability`.
    fn update(&mut self, pages: usize, durability: Durability) {
        let mut txn = self.pager.begin_write().expect("begin a write");
        txn.set_durability(durability);
        for _ in 0..pages {
            let slot = self.next;
            self.next = (self.next + 1) % self.live.len();
            let copy = txn.cow(self.live[slot]).expect("copy a live page");
            txn.page_mut(copy).expect("a copied page is writable")[TOUCHED_BYTE] ^= 1;
            self.live[slot] = copy;
        }
        txn.set_root(0, self.live[0].0).expect("root slot 0 exists");
        txn.commit().expect("commit");
    }

    /// Times `iters` non-durable updates of `pages` pages. Every `flush_every` commits, and
    /// at the end, flushes outside the timed section: non-durable commits do not reuse pages
    /// freed since the last durable commit, so without it the file would grow without bound.
    fn time_non_durable(&mut self, iters: u64, pages: usize, flush_every: u64) -> Duration {
        let mut total = Duration::ZERO;
        for i in 0..iters {
            if i > 0 && i % flush_every == 0 {
                self.pager.flush().expect("flush");
            }
            let start = Instant::now();
            self.update(pages, Durability::NonDurable);
            total += start.elapsed();
        }
        self.pager.flush().expect("flush");
        total
    }
}

/// `baseline/fdatasync_4k_write`: 4 KiB written over allocated blocks of a file, then one
/// `fdatasync`. A durable commit's figure divided by this one is its cost in syncs.
fn baseline(c: &mut Criterion) {
    let dir = bench_dir();
    let file: File = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(dir.path().join("baseline.bin"))
        .expect("create the baseline file");
    let block = [0x5Au8; 4096];
    file.write_all_at(&block, 0).expect("write the first block");
    file.sync_all().expect("allocate the first block durably");
    let mut group = c.benchmark_group("baseline");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .sampling_mode(SamplingMode::Flat);
    group.bench_function("fdatasync_4k_write", |b| {
        let mut byte = 0u8;
        b.iter(|| {
            byte = byte.wrapping_add(1);
            let mut data = block;
            data[0] = byte;
            file.write_all_at(&data, 0).expect("write 4 KiB");
            file.sync_data().expect("fdatasync");
        });
    });
    group.finish();
}

/// One size of update measured by [`commit`].
struct CommitCase {
    /// The benchmark name's middle part.
    name: &'static str,
    /// Pages each commit copies.
    pages: usize,
    /// The non-durable variants: name and commits between flushes.
    non_durable: &'static [(&'static str, u64)],
}

/// `commit/{1_page,1000_pages}/{durable,non_durable}`: a write transaction that copies N
/// pages of a 10,000-page file, changes a byte in each, and commits. Non-durable commits are
/// flushed (untimed) every 100 commits of one page or 10 of 1,000 pages;
/// `commit/1_page/non_durable_flush_every_1000` flushes every 1,000, which shows that a
/// non-durable commit's cost grows with the pages freed since the last durable commit.
fn commit(c: &mut Criterion) {
    let dir = bench_dir();
    let mut group = c.benchmark_group("commit");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .sampling_mode(SamplingMode::Flat);
    let cases = [
        CommitCase {
            name: "1_page",
            pages: 1,
            non_durable: &[("non_durable", 100), ("non_durable_flush_every_1000", 1000)],
        },
        CommitCase {
            name: "1000_pages",
            pages: 1000,
            non_durable: &[("non_durable", 10)],
        },
    ];
    for CommitCase {
        name,
        pages,
        non_durable: non_durable_variants,
    } in cases
    {
        // Each database is set up on first use (a filtered run skips it) and dropped after
        // its benchmark.
        let mut durable = None;
        group.bench_function(format!("{name}/durable"), |b| {
            let updater = durable.get_or_insert_with(|| {
                Updater::new(open_file(&dir.path().join(format!("{name}_durable.mmg"))))
            });
            b.iter(|| updater.update(pages, Durability::Durable));
        });
        drop(durable);
        for &(variant, flush_every) in non_durable_variants {
            let mut non_durable = None;
            group.bench_function(format!("{name}/{variant}"), |b| {
                let updater = non_durable.get_or_insert_with(|| {
                    Updater::new(open_file(&dir.path().join(format!("{name}_{variant}.mmg"))))
                });
                b.iter_custom(|iters| updater.time_non_durable(iters, pages, flush_every));
            });
        }
    }
    group.finish();
}

/// `diagnostic/commit_1_page_non_durable_memstorage`: `commit/1_page/non_durable` on a
/// [`MemStorage`] (writes are a `memcpy`, no system call): the pager's own CPU cost, which the
/// file figure minus this one splits from the kernel's.
fn diagnostic(c: &mut Criterion) {
    let mut group = c.benchmark_group("diagnostic");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .sampling_mode(SamplingMode::Flat);
    let mut in_memory = None;
    group.bench_function("commit_1_page_non_durable_memstorage", |b| {
        let updater = in_memory.get_or_insert_with(|| {
            let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())
                .expect("open a memory database");
            Updater::new(pager)
        });
        b.iter_custom(|iters| updater.time_non_durable(iters, 1, 100));
    });
    group.finish();
}

/// What `criterion_group!` and `criterion_main!` would generate, written out so that every
/// item is documented: the groups in order, then criterion's summary.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    read_txn(&mut c);
    page_read(&mut c);
    baseline(&mut c);
    commit(&mut c);
    diagnostic(&mut c);
    c.final_summary();
}
