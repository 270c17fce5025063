//! Record slots and leaves with corrupt places, flags and heap page ids: reads give errors and
//! `check` names the problem, never a panic.

use nodepage::{ATTR_SIZE, Error, IN_SLOT_LIMIT, LeafPage, RecordSlot, RecordTable};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, U40, WriteTxn};
use zerocopy::FromBytes;

const SLOT_SIZE: usize = size_of::<RecordSlot>();

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// A write transaction holding a one-leaf table (80 slots, 824 bytes of own heap) of four
/// records: 30 bytes in the own heap, 5000 bytes in an overflow chain, 1000 bytes in heap page
/// 0 (area 1) and 10 bytes in the slot.
fn four_records(pager: &Pager) -> (WriteTxn, RecordTable) {
    let mut table = RecordTable::new(80).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    for len in [30, 5000, 1000, 10] {
        table
            .push(&mut txn, &[1; ATTR_SIZE], &vec![7; len])
            .expect("push");
    }
    (txn, table)
}

fn leaf_mut<'a>(txn: &'a mut WriteTxn, table: &RecordTable) -> &'a mut LeafPage {
    assert_eq!(table.root().height.get(), 0, "one leaf");
    txn.page_mut_as::<LeafPage>(PageId(table.root().root.get()))
        .expect("the leaf, writable in its own transaction")
}

fn slot_mut<'a>(txn: &'a mut WriteTxn, table: &RecordTable, index: usize) -> &'a mut RecordSlot {
    let bytes = leaf_mut(txn, table)
        .body
        .get_mut(index * SLOT_SIZE..(index + 1) * SLOT_SIZE)
        .expect("in the body");
    RecordSlot::mut_from_bytes(bytes).expect("one slot")
}

fn problems(src: &impl PageSource, table: &RecordTable) -> Vec<String> {
    table.check(src, &mut Vec::new()).expect("check")
}

fn assert_corrupt_read(src: &impl PageSource, table: &RecordTable, id: u64) {
    match table.get(src, id) {
        Err(Error::Corrupt(_)) => {}
        other => panic!("record {id}: {other:?}"),
    }
}

#[test]
fn the_fixture_is_clean_with_payloads_in_each_place() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    assert!(problems(&txn, &table).is_empty());
    assert_eq!(slot_mut(&mut txn, &table, 0).inline_place(), (0, 0));
    assert_eq!(slot_mut(&mut txn, &table, 1).flags, 3);
    assert_eq!(slot_mut(&mut txn, &table, 2).inline_place(), (1, 0));
    assert_eq!(slot_mut(&mut txn, &table, 3).flags, 5);
}

#[test]
fn an_inline_location_with_bits_above_its_area_is_corrupt() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    let slot = slot_mut(&mut txn, &table, 0);
    slot.set_inline_place(0, 0);
    slot.place[4] = 1;
    assert_corrupt_read(&txn, &table, 0);
    assert_eq!(problems(&txn, &table).len(), 1);
    assert!(table.iter(&txn).any(|r| r.is_err()));
}

#[test]
fn an_inline_location_in_an_area_without_a_heap_page_is_corrupt() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for area in [2, 8, 9, u8::MAX] {
        slot_mut(&mut txn, &table, 0).set_inline_place(area, 0);
        assert_corrupt_read(&txn, &table, 0);
        assert!(!problems(&txn, &table).is_empty(), "area {area}");
    }
}

#[test]
fn an_inline_offset_past_its_heaps_used_bytes_is_corrupt() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for (index, area, offset) in [(0, 0, 1), (0, 0, u16::MAX), (2, 1, 1), (2, 1, u16::MAX)] {
        slot_mut(&mut txn, &table, index).set_inline_place(area, offset);
        assert_corrupt_read(&txn, &table, index as u64);
        assert!(!problems(&txn, &table).is_empty(), "{area}:{offset}");
    }
}

#[test]
fn two_inline_payloads_sharing_heap_bytes_are_reported() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    slot_mut(&mut txn, &table, 0).set_inline_place(1, 100);
    let found = problems(&txn, &table);
    assert!(
        found.iter().any(|p| p.contains("share heap bytes")),
        "{found:?}"
    );
}

#[test]
fn an_overflow_head_past_the_file_fails_the_read_and_the_check() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for head in [U40::MAX, 0] {
        slot_mut(&mut txn, &table, 1)
            .set_overflow_head(PageId(head))
            .expect("40 bits");
        let record = table.get(&txn, 1).expect("the slot").expect("live");
        assert!(record.payload().is_err(), "head {head}");
        assert!(!problems(&txn, &table).is_empty(), "head {head}");
    }
}

#[test]
fn a_heap_page_id_past_the_file_fails_the_read_and_the_check() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    leaf_mut(&mut txn, &table).heap_pages[0] = U40::new(U40::MAX).expect("40 bits");
    assert!(table.get(&txn, 2).is_err());
    assert!(!problems(&txn, &table).is_empty());
    assert_eq!(
        &*table
            .get(&txn, 0)
            .expect("get")
            .expect("live")
            .payload()
            .expect("the own heap is intact"),
        &[7; 30]
    );
}

#[test]
fn an_in_slot_payload_longer_than_its_slot_is_corrupt() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for len in [IN_SLOT_LIMIT as u32 + 1, u32::MAX] {
        slot_mut(&mut txn, &table, 3).payload_len = len.into();
        assert_corrupt_read(&txn, &table, 3);
        let found = problems(&txn, &table);
        assert!(found.iter().any(|p| p.contains("record 3")), "{found:?}");
    }
}

#[test]
fn bytes_after_an_in_slot_payload_must_be_zero() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    slot_mut(&mut txn, &table, 3).place[IN_SLOT_LIMIT - 1] = 1;
    let record = table.get(&txn, 3).expect("get").expect("live");
    assert_eq!(&*record.payload().expect("the payload is intact"), &[7; 10]);
    let found = problems(&txn, &table);
    assert!(
        found
            .iter()
            .any(|p| p.contains("record 3") && p.contains("not zero")),
        "{found:?}"
    );
}

#[test]
fn bytes_after_a_heap_or_overflow_location_must_be_zero() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for index in [0, 1, 2] {
        slot_mut(&mut txn, &table, index).place[5] = 1;
        let found = problems(&txn, &table);
        assert!(
            found
                .iter()
                .any(|p| p.contains(&format!("record {index}")) && p.contains("not zero")),
            "{found:?}"
        );
        slot_mut(&mut txn, &table, index).place[5] = 0;
    }
    assert!(problems(&txn, &table).is_empty());
}

#[test]
fn a_slot_both_in_slot_and_overflowed_is_corrupt() {
    let pager = pager();
    let (mut txn, table) = four_records(&pager);
    for index in [1, 3] {
        slot_mut(&mut txn, &table, index).flags = 1 | 2 | 4;
        assert_corrupt_read(&txn, &table, index as u64);
        let found = problems(&txn, &table);
        assert!(
            found.iter().any(|p| p.contains(&format!("record {index}"))),
            "{found:?}"
        );
    }
}
