//! Benchmarks of mmgraph: the criterion benchmarks are in `benches/`; this library is the
//! side-by-side comparison (`src/bin/compare.rs`) of mmgraph, SQLite and an in-memory CSR on
//! the same generated graphs.
//!
//! - [`generate`]: the graphs (uniform random, R-MAT), from fixed seeds.
//! - [`engine`]: what every engine answers; [`mmgraph`], [`sqlite`], [`csr`] implement it.
//! - [`algo`]: the traversals for the engines without their own (same algorithm as mmgraph's).
//! - [`measure`]: warm-up, rounds, medians, formatting.
//! - [`compare`]: the run itself and its Markdown table.
//! - [`ingest`]: scenario E, the cost of each durable commit of random edges.
//! - [`bulk_load`]: one `add_edges` call of a whole generated graph.
//! - [`commit_latency`]: a 1-edge durable commit into a large graph against the disk's sync.
//!
//! Run: `cargo run --release -p mmgraph-benches --bin compare -- --help`.

pub mod algo;
pub mod args;
/// The bulk edge load alone, with CPU time and peak memory (`src/bin/bulk_load.rs`, issue 19).
pub mod bulk_load;
/// A 1-edge durable commit into a large graph against raw fdatasyncs (`src/bin/commit_latency.rs`,
/// issue 19).
pub mod commit_latency;
pub mod compare;
pub mod csr;
pub mod engine;
pub mod generate;
/// Scenario E as a benchmark: durable commits of random edges (`src/bin/ingest.rs`, issue 19).
pub mod ingest;
pub mod kernels;
/// The key-value comparison against LMDB and redb (`src/bin/kv_compare.rs`, issue 3).
pub mod kv;
pub mod measure;
pub mod mmgraph;
pub mod sqlite;
/// The vector search benchmark's data (`src/bin/vector_compare.rs`, issue 16).
pub mod vectors;

/// Errors of the comparison: anything, with its message.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The comparison's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// The current time in UTC as `YYYY-MM-DD HH:MM:SS` (no time-zone database needed).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}
