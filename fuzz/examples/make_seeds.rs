//! Writes the seed corpus of the `open_file` target: small valid databases, empty and with a
//! free list, so the fuzzer starts from real files. Run from `fuzz/`:
//! `cargo run --example make_seeds`.

use std::sync::Arc;

use pager_mmap::{MemStorage, Options, PageId, PageType, Pager, Storage};

fn main() {
    let dir = std::path::Path::new("corpus/open_file");
    std::fs::create_dir_all(dir).expect("corpus directory");
    for (name, commits) in [("seed-empty", 0u64), ("seed-one-commit", 1), ("seed-free-list", 6)] {
        let storage = Arc::new(MemStorage::new());
        let options = Options { initial_size: 0, ..Options::default() };
        let pager = Pager::with_storage(Box::new(Arc::clone(&storage)), options).expect("create");
        let mut pages: Vec<PageId> = Vec::new();
        for round in 0..commits {
            let mut txn = pager.begin_write().expect("write");
            for old in pages.drain(..) {
                txn.free(old).expect("free");
            }
            for i in 0..(3 + round) {
                let (id, page) = txn.alloc(PageType(250)).expect("alloc");
                page[20] = i as u8;
                pages.push(id);
            }
            txn.set_root(0, pages[0].0).expect("root");
            txn.commit().expect("commit");
        }
        drop(pager);
        let mut bytes = vec![0u8; storage.file_len().expect("len") as usize];
        storage.read_at(0, &mut bytes).expect("read");
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
}
