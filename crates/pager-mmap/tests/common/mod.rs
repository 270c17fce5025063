//! A small copy-on-write structure for testing the pager: an array of `u64` values, one data
//! page per value, reached through a two-level directory anchored in root slot 0.
#![allow(dead_code)]

use std::sync::Arc;

use pager_mmap::{
    Options, PageBytes, PageId, PageSource, PageType, Pager, Result, SimStorage, WriteTxn,
};

/// Tags 240-255 are reserved for tests.
pub const DIR: PageType = PageType(240);
pub const DATA: PageType = PageType(241);

/// Entries a directory page holds: header 16, count 8, then ids.
const FANOUT: usize = (pager_mmap::PAGE_SIZE - 24) / 8;

fn count(page: &PageBytes) -> usize {
    u64::from_le_bytes(page[16..24].try_into().expect("8 bytes")) as usize
}

fn entry(page: &PageBytes, i: usize) -> PageId {
    let at = 24 + 8 * i;
    PageId(u64::from_le_bytes(
        page[at..at + 8].try_into().expect("8 bytes"),
    ))
}

fn set_entry(page: &mut PageBytes, i: usize, id: PageId) {
    let at = 24 + 8 * i;
    page[at..at + 8].copy_from_slice(&id.0.to_le_bytes());
    if i >= count(page) {
        page[16..24].copy_from_slice(&((i + 1) as u64).to_le_bytes());
    }
}

fn data_value(page: &PageBytes) -> u64 {
    u64::from_le_bytes(page[16..24].try_into().expect("8 bytes"))
}

/// Every value, in index order.
pub fn values(src: &impl PageSource) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    let root = src.root(0)?;
    if root == 0 {
        return Ok(out);
    }
    let root = src.page(PageId(root))?;
    for i in 0..count(root) {
        let dir = src.page(entry(root, i))?;
        for j in 0..count(dir) {
            let page = src.page(entry(dir, j))?;
            let value = data_value(page);
            // The rest of the page is a pattern of the value: a torn or misplaced page shows.
            assert!(
                page[24..].iter().all(|b| *b == value as u8),
                "data page content torn"
            );
            out.push(value);
        }
    }
    Ok(out)
}

/// Every page the array reaches.
pub fn pages(src: &impl PageSource) -> Result<Vec<PageId>> {
    let mut out = Vec::new();
    let root_id = src.root(0)?;
    if root_id == 0 {
        return Ok(out);
    }
    out.push(PageId(root_id));
    let root = src.page(PageId(root_id))?;
    for i in 0..count(root) {
        out.push(entry(root, i));
        let dir = src.page(entry(root, i))?;
        out.extend((0..count(dir)).map(|j| entry(dir, j)));
    }
    Ok(out)
}

/// Sets value `index` (which may be the current length, to append), copying the path.
pub fn set(txn: &mut WriteTxn, index: usize, value: u64) -> Result<()> {
    let root = match txn.root(0)? {
        0 => {
            let (id, page) = txn.alloc(DIR)?;
            page[16..24].fill(0);
            id
        }
        r => txn.cow(PageId(r))?,
    };
    txn.set_root(0, root.0)?;
    let (i, j) = (index / FANOUT, index % FANOUT);
    let dir = if i < count(txn.page(root)?) {
        txn.cow(entry(txn.page(root)?, i))?
    } else {
        txn.alloc(DIR)?.0
    };
    set_entry(txn.page_mut(root)?, i, dir);
    let data = if j < count(txn.page(dir)?) {
        txn.cow(entry(txn.page(dir)?, j))?
    } else {
        txn.alloc(DATA)?.0
    };
    set_entry(txn.page_mut(dir)?, j, data);
    let page = txn.page_mut(data)?;
    page[16..24].copy_from_slice(&value.to_le_bytes());
    page[24..].fill(value as u8);
    Ok(())
}

/// Appends `value`.
pub fn push(txn: &mut WriteTxn, len: usize, value: u64) -> Result<()> {
    set(txn, len, value)
}

/// A pager on a shared simulated storage, holding an array of `len` values committed durably
/// (value `i` at index `i`).
pub fn pager_with_values(len: usize) -> (Arc<SimStorage>, Pager) {
    let sim = Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(Arc::clone(&sim)), Options::default())
        .expect("open a new database");
    let mut txn = pager.begin_write().expect("begin");
    for i in 0..len {
        push(&mut txn, i, i as u64).expect("push");
    }
    txn.commit().expect("commit");
    (sim, pager)
}
