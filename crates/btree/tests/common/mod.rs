//! Shared by the scenario tests: two trees anchored the two supported ways (tree A directly
//! in pager root slot 0, tree B by name in a catalog in slot 1), and checks that compare them
//! with `BTreeMap` models and account for every page of the file.
#![allow(dead_code)]

use std::collections::BTreeMap;

use btree::{Catalog, Tree};
use pager_mmap::{PageSource, ReadTxn, WriteTxn};

/// A model of one tree.
pub type Model = BTreeMap<Vec<u8>, Vec<u8>>;

/// Pager root slot of tree A.
pub const SLOT_A: usize = 0;
/// Pager root slot of the catalog holding tree B.
pub const SLOT_CATALOG: usize = 1;
/// Tree B's name in the catalog.
pub const NAME_B: &[u8] = b"tree b";

/// Tree `which` (0: A, 1: B) as anchored in `src`.
pub fn load(src: &impl PageSource, which: usize) -> btree::Result<Tree> {
    if which == 0 {
        Tree::from_slot(src, SLOT_A)
    } else {
        Catalog::open(src, SLOT_CATALOG)?.tree(src, NAME_B)
    }
}

/// Anchors `tree` as tree `which`.
pub fn store(txn: &mut WriteTxn, which: usize, tree: &Tree) -> btree::Result<()> {
    if which == 0 {
        tree.save_to_slot(txn, SLOT_A)
    } else {
        let mut catalog = Catalog::open(txn, SLOT_CATALOG)?;
        catalog.set(txn, NAME_B, tree)
    }
}

/// Runs `change` on tree `which` and anchors the result.
pub fn change<R>(
    txn: &mut WriteTxn,
    which: usize,
    change: impl FnOnce(&mut WriteTxn, &mut Tree) -> btree::Result<R>,
) -> btree::Result<R> {
    let mut tree = load(txn, which)?;
    let result = change(txn, &mut tree)?;
    store(txn, which, &tree)?;
    Ok(result)
}

/// Every entry of tree `which`, read in order.
pub fn contents(src: &impl PageSource, which: usize) -> btree::Result<Model> {
    let tree = load(src, which)?;
    let mut out = Model::new();
    for entry in tree.iter(src) {
        let entry = entry?;
        out.insert(entry.key().to_vec(), entry.value()?.into_owned());
    }
    assert_eq!(
        out.len() as u64,
        tree.len(),
        "len() disagrees with iteration"
    );
    Ok(out)
}

/// Checks both trees and the catalog in a committed snapshot, and that the pages they reach
/// plus the free list account for every page of the file exactly once. Returns the problems.
pub fn check_committed(read: &ReadTxn) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    match Tree::from_slot(read, SLOT_A).and_then(|t| t.check(read)) {
        Ok(report) => {
            problems.extend(report.problems.iter().map(|p| format!("tree A: {p}")));
            pages.extend(report.pages);
        }
        Err(e) => problems.push(format!("tree A: {e}")),
    }
    match Catalog::open(read, SLOT_CATALOG).and_then(|c| c.check(read)) {
        Ok(report) => {
            problems.extend(report.problems.iter().map(|p| format!("catalog: {p}")));
            pages.extend(report.pages);
        }
        Err(e) => problems.push(format!("catalog: {e}")),
    }
    match read.check(&pages) {
        Ok(report) => problems.extend(report.problems),
        Err(e) => problems.push(format!("pager: {e}")),
    }
    problems
}

/// Checks both trees inside a write transaction (no checksums: pages are sealed at commit).
pub fn check_uncommitted(txn: &WriteTxn) -> Vec<String> {
    let mut problems = Vec::new();
    match Tree::from_slot(txn, SLOT_A).and_then(|t| t.check_uncommitted(txn)) {
        Ok(report) => problems.extend(report.problems),
        Err(e) => problems.push(e.to_string()),
    }
    match Catalog::open(txn, SLOT_CATALOG).and_then(|c| c.check_uncommitted(txn)) {
        Ok(report) => problems.extend(report.problems),
        Err(e) => problems.push(e.to_string()),
    }
    problems
}
