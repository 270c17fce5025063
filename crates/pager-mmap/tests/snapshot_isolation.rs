//! A reader sees the commit that was current when it began, whatever the writer does after,
//! including growing and remapping the file.

mod common;

use pager_mmap::{MemStorage, Options, Pager};

fn pager_with(initial_size: u64) -> Pager {
    let options = Options {
        initial_size,
        ..Options::default()
    };
    Pager::with_storage(Box::new(MemStorage::new()), options).expect("open")
}

fn write_values(pager: &Pager, values: &[u64]) {
    let mut txn = pager.begin_write().expect("write");
    for (i, v) in values.iter().enumerate() {
        common::set(&mut txn, i, *v).expect("set");
    }
    txn.commit().expect("commit");
}

#[test]
fn reader_never_sees_a_later_commit() {
    let pager = pager_with(1 << 20);
    write_values(&pager, &[1, 2, 3]);
    let reader = pager.begin_read().expect("read");
    for round in 0..50u64 {
        write_values(&pager, &[round, round, round, round]);
    }
    assert_eq!(common::values(&reader).expect("values"), vec![1, 2, 3]);
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        vec![49; 4]
    );
}

#[test]
fn reader_keeps_its_snapshot_across_growth_and_remap() {
    let pager = pager_with(4096);
    write_values(&pager, &[5; 10]);
    let reader = pager.begin_read().expect("read");
    let len_before = pager.stats().expect("stats").file_len;
    let big: Vec<u64> = (0..5000).collect();
    write_values(&pager, &big);
    assert!(
        pager.stats().expect("stats").file_len > 4 * len_before,
        "the file did not grow"
    );
    assert_eq!(common::values(&reader).expect("values"), vec![5; 10]);
    let report = reader
        .check(&common::pages(&reader).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        big
    );
}

#[test]
fn read_transactions_are_send_and_work_on_other_threads() {
    let pager = pager_with(1 << 20);
    write_values(&pager, &[7, 8]);
    let reader = pager.begin_read().expect("read");
    write_values(&pager, &[9]);
    let seen = std::thread::spawn(move || common::values(&reader).expect("values"))
        .join()
        .expect("thread");
    assert_eq!(seen, vec![7, 8]);
}

#[test]
fn a_second_writer_waits_or_is_told_busy() {
    let pager = pager_with(1 << 20);
    let txn = pager.begin_write().expect("write");
    assert!(matches!(
        pager.try_begin_write(),
        Err(pager_mmap::Error::WriteBusy)
    ));
    let other = pager.clone();
    let waiter = std::thread::spawn(move || {
        let mut txn = other.begin_write().expect("waits, then writes");
        common::set(&mut txn, 0, 11).expect("set");
        txn.commit().expect("commit");
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(!waiter.is_finished(), "the second writer did not wait");
    drop(txn);
    waiter.join().expect("waiter");
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        vec![11]
    );
}
