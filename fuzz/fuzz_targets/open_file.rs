//! Arbitrary bytes as a database file: open, read every page of the snapshot, walk the free
//! list (by beginning a write), check, and commit a change. Any of these may fail with an
//! error; none may panic, hang or read out of bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pager_mmap::{MemStorage, Options, PageId, PageSource, PageType, Pager};

fuzz_target!(|data: &[u8]| {
    let Ok(storage) = MemStorage::from_bytes(data) else { return };
    let options = Options { initial_size: 0, ..Options::default() };
    let Ok(pager) = Pager::with_storage(Box::new(storage), options) else { return };
    if let Ok(read) = pager.begin_read() {
        for id in 0..read.page_count() {
            let _ = read.page(PageId(id));
        }
        let _ = read.check(&[]);
    }
    if let Ok(mut txn) = pager.begin_write() {
        if let Ok((id, page)) = txn.alloc(PageType(250)) {
            page[20] = 1;
            let _ = txn.set_root(0, id.0);
        }
        let _ = txn.commit();
    }
    if let Ok(read) = pager.begin_read() {
        let _ = read.check(&[]);
    }
});
