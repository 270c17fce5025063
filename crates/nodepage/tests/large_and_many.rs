//! Payloads from empty to 16 MiB, and tables that grow to many leaves and radix levels and are
//! emptied again, returning their pages.

use nodepage::{ATTR_SIZE, RecordTable};

const SLOTS: usize = 32;
use pager_mmap::{MemStorage, Options, PageSource, Pager};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

#[test]
fn a_sixteen_mebibyte_payload_round_trips_and_a_prefix_reads_only_its_pages() {
    let pager = pager();
    let big: Vec<u8> = (0..16usize << 20).map(|i| (i % 253) as u8).collect();
    let mut table = RecordTable::new(SLOTS).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    let small = table
        .push(&mut txn, &[1; ATTR_SIZE], b"small")
        .expect("push");
    let large = table.push(&mut txn, &[2; ATTR_SIZE], &big).expect("push");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let record = table.get(&read, large).expect("get").expect("live");
    assert!(record.in_page().is_none());
    assert_eq!(record.payload().expect("payload").len(), big.len());
    assert_eq!(&*record.payload().expect("payload"), &big[..]);
    assert_eq!(
        &*record.payload_range(5000, 100).expect("range"),
        &big[5000..5100]
    );
    assert_eq!(
        &*table
            .get(&read, small)
            .expect("get")
            .expect("live")
            .payload()
            .expect("payload"),
        b"small"
    );
}

#[test]
fn a_million_records_span_radix_levels_and_deleting_them_returns_the_pages() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("slots");
    let n = 600_000u64; // beyond 510 leaves of 32: two radix levels
    let mut txn = pager.begin_write().expect("write");
    for i in 0..n {
        let name = format!("record_{i}");
        table
            .push(&mut txn, &[(i % 7) as u8; ATTR_SIZE], name.as_bytes())
            .expect("push");
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(table.root().height.get(), 2);
    for i in (0..n).step_by(9973) {
        let record = table.get(&read, i).expect("get").expect("live");
        assert_eq!(
            &*record.payload().expect("payload"),
            format!("record_{i}").as_bytes()
        );
    }
    let mut pages = Vec::new();
    assert!(table.check(&read, &mut pages).expect("check").is_empty());
    assert!(read.check(&pages).expect("pager check").is_clean());
    assert!(pages.len() as u64 >= n / SLOTS as u64);
    let page_count = read.page_count();
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    for i in 0..n {
        table.delete(&mut txn, i).expect("delete");
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(table.len(), 0);
    assert_eq!(
        table.root().root.get(),
        0,
        "every leaf and radix page was freed"
    );
    assert!(
        read.check(&[]).expect("pager check").is_clean(),
        "all pages are back on the free list"
    );
    assert!(read.free_page_count() + 3 >= page_count - 8);
    drop(read);

    // The freed pages are reused: writing the same again grows the file only by the free
    // list's own chunk pages (one per 507 free pages), which the transaction that empties
    // them frees and so cannot reuse itself.
    let mut txn = pager.begin_write().expect("write");
    for i in 0..n {
        table
            .push(&mut txn, &[0; ATTR_SIZE], format!("again_{i}").as_bytes())
            .expect("push");
    }
    txn.commit().expect("commit");
    let after = pager.begin_read().expect("read");
    let chunk_pages = page_count / pager_mmap::FREE_LIST_CAPACITY as u64 + 8;
    assert!(
        after.page_count() <= page_count + chunk_pages,
        "grew from {page_count} to {} pages ({} free)",
        after.page_count(),
        after.free_page_count()
    );
}

#[test]
fn unknown_ids_are_errors_for_writes_and_none_for_reads() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    let id = table.push(&mut txn, &[0; ATTR_SIZE], b"x").expect("push");
    assert!(matches!(
        table.update(&mut txn, id + 1, &[0; ATTR_SIZE], None),
        Err(nodepage::Error::NotFound(_))
    ));
    table.delete(&mut txn, id).expect("delete");
    assert!(matches!(
        table.delete(&mut txn, id),
        Err(nodepage::Error::NotFound(_))
    ));
    assert!(table.get(&txn, id).expect("get").is_none());
    assert!(table.get(&txn, u64::MAX).expect("get").is_none());
    assert_eq!(txn.root(0).expect("slot"), 0);
}

/// Found by the model test in CI: deleting every record frees every page and resets the
/// radix vector to height 0, while the next id stays past the first leaf; that root must
/// reopen, and the next push must work.
#[test]
fn a_table_emptied_past_its_first_leaf_reopens_and_grows_again() {
    let pager = pager();
    let mut table = RecordTable::new(8).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    for _ in 0..10 {
        table.push(&mut txn, &[0; ATTR_SIZE], b"").expect("push");
    }
    for id in 0..10 {
        table.delete(&mut txn, id).expect("delete");
    }
    txn.commit().expect("commit");
    let reopened = RecordTable::open(table.root(), 8).expect("an emptied table's root is valid");
    assert_eq!((reopened.len(), reopened.next_id()), (0, 10));
    let mut table = reopened;
    let mut txn = pager.begin_write().expect("write");
    assert_eq!(
        table
            .push(&mut txn, &[1; ATTR_SIZE], b"again")
            .expect("push"),
        10
    );
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(
        &*table
            .get(&read, 10)
            .expect("get")
            .expect("live")
            .payload()
            .expect("payload"),
        b"again"
    );
}
