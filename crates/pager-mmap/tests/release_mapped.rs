//! `WriteTxn::release_mapped_pages` takes the file's mapped pages out of the process's resident
//! set, and every page, through a reference taken before or a read after, still holds its
//! bytes: for the writer, for a reader of an older snapshot, and for the transaction's own
//! pages. Resident sizes are the kernel's (`/proc/self/status`), so this runs on Linux.

use pager_mmap::{Durability, Options, PAGE_SIZE, PageId, PageSource, PageType, Pager};

const TAG: PageType = PageType(242);
/// 64 MiB of pages: far above the test harness's own mapped files.
const PAGES: u64 = 16_384;

/// The process's resident pages of file mappings, in KiB.
fn rss_file_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let line = status
        .lines()
        .find(|l| l.starts_with("RssFile:"))
        .expect("RssFile line");
    line.split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("RssFile value")
}

/// The bytes page `id` was written with: its id, then a pattern of it.
fn check_page(bytes: &[u8; PAGE_SIZE], id: PageId) {
    assert_eq!(bytes[16..24], id.0.to_le_bytes(), "page {id:?}");
    assert_eq!(bytes[PAGE_SIZE - 1], (id.0 % 251) as u8, "page {id:?}");
}

#[test]
fn released_pages_leave_the_resident_set_and_keep_their_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pager = Pager::open(dir.path().join("db"), Options::default()).expect("open");
    let mut txn = pager.begin_write().expect("write");
    txn.set_durability(Durability::NonDurable);
    let mut ids = Vec::new();
    for _ in 0..PAGES {
        let (id, page) = txn.alloc(TAG).expect("alloc");
        page[16..24].copy_from_slice(&id.0.to_le_bytes());
        page[PAGE_SIZE - 1] = (id.0 % 251) as u8;
        ids.push(id);
    }
    txn.commit().expect("commit");

    let reader = pager.begin_read().expect("read");
    let mut txn = pager.begin_write().expect("write");
    let (own, page) = txn.alloc(TAG).expect("alloc");
    page[16..24].copy_from_slice(&own.0.to_le_bytes());
    page[PAGE_SIZE - 1] = (own.0 % 251) as u8;
    let kept = reader.page(ids[7]).expect("page");
    for id in &ids {
        check_page(txn.page(*id).expect("page"), *id);
    }
    let resident = rss_file_kib();
    txn.release_mapped_pages().expect("release");
    let released = rss_file_kib();
    assert!(
        released + 48 * 1024 < resident,
        "RssFile {resident} KiB before, {released} KiB after"
    );
    // A reference taken before reads the same bytes; so does every read after, from the
    // writer and from the reader, and the transaction's own page is untouched.
    check_page(kept, ids[7]);
    for id in &ids {
        check_page(txn.page(*id).expect("page"), *id);
        check_page(reader.page(*id).expect("page"), *id);
    }
    check_page(txn.page(own).expect("page"), own);
    txn.commit().expect("commit");
    check_page(
        pager.begin_read().expect("read").page(own).expect("page"),
        own,
    );
}
