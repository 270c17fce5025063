//! A tour of the pager on a real file: build, close, reopen, verify, check, update.
//!
//! `cargo run --release -p pager-mmap --example demo [PATH]` (a temporary file by default).
//! It stores an array of values, one page each, in a small copy-on-write structure (the one
//! the pager's tests use), and prints what it did with counts and timings.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use pager_mmap::{Options, Pager, Result};

const VALUES: usize = 100_000;
const UPDATE_COMMITS: u64 = 100;

fn main() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| temp.path().join("demo.mmg"), Into::into);
    println!("database: {}", path.display());

    let started = Instant::now();
    {
        let pager = Pager::open(&path, Options::default())?;
        let mut txn = pager.begin_write()?;
        for i in 0..VALUES {
            common::set(&mut txn, i, i as u64)?;
        }
        txn.commit()?;
        println!(
            "build:   {VALUES} pages in one durable commit in {:.1?}",
            started.elapsed()
        );
    }

    let reopened = Instant::now();
    let pager = Pager::open(&path, Options::default())?;
    println!("reopen:  {:.1?}", reopened.elapsed());

    let verified = Instant::now();
    let read = pager.begin_read()?;
    let values = common::values(&read)?;
    let expected: Vec<u64> = (0..VALUES as u64).collect();
    if values != expected {
        return Err(pager_mmap::Error::Corrupt(
            "the reopened values differ from those written".into(),
        ));
    }
    println!(
        "verify:  {} values read back in place in {:.1?}",
        values.len(),
        verified.elapsed()
    );

    let checked = Instant::now();
    let report = read.check(&common::pages(&read)?)?;
    println!(
        "check:   {} ({} pages, {} reached, {} free) in {:.1?}",
        if report.is_clean() {
            "clean"
        } else {
            "PROBLEMS"
        },
        report.page_count,
        report.structure_pages,
        report.free_pages,
        checked.elapsed()
    );
    for problem in &report.problems {
        println!("         {problem}");
    }
    drop(read);

    let updated = Instant::now();
    for round in 0..UPDATE_COMMITS {
        let mut txn = pager.begin_write()?;
        for i in (round as usize..VALUES).step_by(1000) {
            common::set(&mut txn, i, u64::MAX - i as u64)?;
        }
        txn.commit()?;
    }
    let per_commit = updated.elapsed() / UPDATE_COMMITS as u32;
    println!("update:  {UPDATE_COMMITS} durable commits of 100 pages, {per_commit:.1?} each");

    let stats = pager.stats()?;
    println!(
        "stats:   txn {}, {} pages ({} free), file {:.1} MiB",
        stats.txn_id,
        stats.page_count,
        stats.free_pages,
        stats.file_len as f64 / (1 << 20) as f64
    );
    if !report.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}
