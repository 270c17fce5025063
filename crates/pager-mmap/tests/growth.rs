//! The file grows from its first pages to over a gigabyte by remapping, while a reader holds
//! the very first mapping.

use pager_mmap::{Options, PAGE_SIZE, PageId, PageSource, PageType, Pager};

const TAG: PageType = PageType(242);

#[test]
fn growth_to_a_gigabyte_while_a_reader_holds_the_first_mapping() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let pager = Pager::open(&path, options).expect("open");
    let first_len = pager.stats().expect("stats").file_len;
    assert_eq!(
        first_len,
        3 * PAGE_SIZE as u64,
        "a new file starts at its three fixed pages"
    );

    let mut txn = pager.begin_write().expect("write");
    let (first, page) = txn.alloc(TAG).expect("alloc");
    page[64] = 0xAB;
    txn.set_root(0, first.0).expect("root");
    txn.commit().expect("commit");
    let reader = pager.begin_read().expect("read");

    // 1 GiB in commits of 16 MiB; each page names itself so a misplaced page would show.
    let pages_per_commit = 4096u64;
    let target_pages = (1u64 << 30) / PAGE_SIZE as u64;
    let mut written = Vec::new();
    while pager.stats().expect("stats").page_count < target_pages {
        let mut txn = pager.begin_write().expect("write");
        txn.set_durability(pager_mmap::Durability::NonDurable);
        for _ in 0..pages_per_commit {
            let (id, page) = txn.alloc(TAG).expect("alloc");
            page[16..24].copy_from_slice(&id.0.to_le_bytes());
            if written.len() < 64 || id.0 % 4099 == 0 {
                written.push(id);
            }
        }
        txn.commit().expect("commit");
    }
    let stats = pager.stats().expect("stats");
    assert!(
        stats.file_len >= 1 << 30,
        "file is {} bytes",
        stats.file_len
    );

    // The first reader still reads its page through the first mapping.
    assert_eq!(
        reader
            .page(PageId(reader.root(0).expect("root")))
            .expect("page")[64],
        0xAB
    );
    let latest = pager.begin_read().expect("read");
    for id in written {
        assert_eq!(latest.page(id).expect("page")[16..24], id.0.to_le_bytes());
    }
    drop(reader);
    drop(latest);
    pager.flush().expect("flush");
}
