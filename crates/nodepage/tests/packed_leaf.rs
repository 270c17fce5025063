//! Packed leaves: a full leaf whose records took a heap page is rewritten into one page when
//! they fit, reads the same in either form, turns back into a plain leaf on a write, and a
//! damaged packed leaf is reported, not misread.

use nodepage::{Attrs, PACKED_SLOT_SIZE, PackedLeafPage, PackedSlot, RecordTable, TableRoot};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, WriteTxn};
use zerocopy::FromBytes;

/// The graph's node table: 80 records a leaf.
const SLOTS: usize = 80;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

fn attrs(i: u64) -> Attrs {
    std::array::from_fn(|k| (i as usize * 7 + k) as u8)
}

/// A name-like payload of `len` bytes for record `i`.
fn payload(i: u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|k| b'a' + ((i as usize + k) % 26) as u8)
        .collect()
}

/// Every page the table reaches, its check clean.
fn pages_of(src: &impl PageSource, table: &RecordTable) -> Vec<PageId> {
    let mut pages = Vec::new();
    let problems = table.check(src, &mut pages).expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    pages
}

/// The type tag of the only leaf of a one-leaf table.
fn only_leaf_type(src: &impl PageSource, table: &RecordTable) -> u8 {
    assert_eq!(table.root().height.get(), 0, "one leaf");
    src.page(PageId(table.root().root.get())).expect("leaf")[8]
}

/// Pushes records `0..n` with payloads of `len(i)` bytes.
fn push_all(txn: &mut WriteTxn, table: &mut RecordTable, n: u64, len: impl Fn(u64) -> usize) {
    push_all_from(txn, table, 0, n, len);
}

fn assert_records(src: &impl PageSource, table: &RecordTable, expected: &[(u64, Vec<u8>)]) {
    for (id, bytes) in expected {
        let record = table.get(src, *id).expect("get").expect("live");
        assert_eq!(record.attrs(), &attrs(*id), "attrs of {id}");
        assert_eq!(
            &*record.payload().expect("payload"),
            &bytes[..],
            "payload of {id}"
        );
        assert_eq!(record.in_page(), Some(&bytes[..]), "in page: {id}");
    }
    let ids: Vec<u64> = table.iter(src).map(|r| r.expect("iter").id()).collect();
    assert_eq!(ids, expected.iter().map(|(id, _)| *id).collect::<Vec<_>>());
}

/// Names of 20 to 39 bytes: half of them longer than a slot holds, 2,360 bytes in all, more
/// than the 824 bytes of an 80-slot leaf's own heap.
fn name_len(i: u64) -> usize {
    20 + (i as usize * 7) % 20
}

#[test]
fn a_full_leaf_whose_names_took_a_heap_page_is_packed_into_one_page() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("table");
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, SLOTS as u64 - 1, name_len);
    assert_eq!(only_leaf_type(&txn, &table), 33, "not full yet: plain");
    assert_eq!(
        pages_of(&txn, &table).len(),
        2,
        "the leaf and its heap page"
    );
    push_all_from(
        &mut txn,
        &mut table,
        SLOTS as u64 - 1,
        SLOTS as u64,
        name_len,
    );
    assert_eq!(only_leaf_type(&txn, &table), 37, "full: packed");
    assert_eq!(pages_of(&txn, &table).len(), 1, "the heap page is freed");
    let expected: Vec<_> = (0..SLOTS as u64)
        .map(|i| (i, payload(i, name_len(i))))
        .collect();
    assert_records(&txn, &table, &expected);
    set_root(&mut txn, &table);
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let table = RecordTable::open(root_of(&read), SLOTS).expect("open");
    assert_records(&read, &table, &expected);
    let report = read.check(&pages_of(&read, &table)).expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

/// Pushes records `from..to`.
fn push_all_from(
    txn: &mut WriteTxn,
    table: &mut RecordTable,
    from: u64,
    to: u64,
    len: impl Fn(u64) -> usize,
) {
    for i in from..to {
        assert_eq!(
            table
                .push(txn, &attrs(i), &payload(i, len(i)))
                .expect("push"),
            i
        );
    }
}

fn set_root(txn: &mut WriteTxn, table: &RecordTable) {
    for (slot, word) in table.root().to_words().into_iter().enumerate() {
        txn.set_root(slot, word).expect("root");
    }
}

fn root_of(src: &impl PageSource) -> TableRoot {
    TableRoot::from_words(std::array::from_fn(|slot| src.root(slot).expect("root")))
}

#[test]
fn writing_a_record_of_a_packed_leaf_unpacks_it_and_keeps_the_others() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("table");
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, SLOTS as u64, name_len);
    set_root(&mut txn, &table);
    txn.commit().expect("commit");
    let mut expected: Vec<_> = (0..SLOTS as u64)
        .map(|i| (i, payload(i, name_len(i))))
        .collect();

    // A new payload: the leaf is plain again, with its heap page, and every record is intact.
    let mut txn = pager.begin_write().expect("write");
    assert_eq!(only_leaf_type(&txn, &table), 37);
    let longer = payload(99, 300);
    table
        .update(&mut txn, 5, &attrs(5), Some(&longer))
        .expect("update");
    expected[5].1 = longer;
    assert_eq!(only_leaf_type(&txn, &table), 33);
    assert_records(&txn, &table, &expected);
    assert_eq!(pages_of(&txn, &table).len(), 2);
    set_root(&mut txn, &table);
    txn.commit().expect("commit");

    // Attributes alone, and a delete, on a leaf packed again by a fresh table's pushes.
    let mut table = RecordTable::new(SLOTS).expect("table");
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, SLOTS as u64, name_len);
    assert_eq!(only_leaf_type(&txn, &table), 37);
    table.update(&mut txn, 7, &attrs(7), None).expect("attrs");
    assert_eq!(only_leaf_type(&txn, &table), 33);
    table.delete(&mut txn, 8).expect("delete");
    let expected: Vec<_> = (0..SLOTS as u64)
        .filter(|i| *i != 8)
        .map(|i| (i, payload(i, name_len(i))))
        .collect();
    assert_records(&txn, &table, &expected);
    pages_of(&txn, &table);
}

#[test]
fn a_full_leaf_whose_records_fit_its_own_page_stays_plain() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("table");
    let mut txn = pager.begin_write().expect("write");
    // Names within a slot's 23 bytes take no heap at all: packing would save nothing and
    // move each payload away from its slot.
    push_all(&mut txn, &mut table, SLOTS as u64, |i| 5 + i as usize % 18);
    assert_eq!(only_leaf_type(&txn, &table), 33);
    assert_eq!(pages_of(&txn, &table).len(), 1);
}

#[test]
fn a_leaf_whose_records_do_not_fit_one_page_or_overflow_stays_plain() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    // 80 names of 40 bytes: 1,360 bytes of packed slots and 3,200 of payloads, over 4,064.
    let mut table = RecordTable::new(SLOTS).expect("table");
    push_all(&mut txn, &mut table, SLOTS as u64, |_| 40);
    assert_eq!(only_leaf_type(&txn, &table), 33);
    pages_of(&txn, &table);
    // Short names but one payload in an overflow chain.
    let mut table = RecordTable::new(SLOTS).expect("table");
    push_all(&mut txn, &mut table, SLOTS as u64, |i| {
        if i == 3 { 5000 } else { name_len(i) }
    });
    assert_eq!(only_leaf_type(&txn, &table), 33);
    pages_of(&txn, &table);
}

#[test]
fn a_packed_payload_past_the_used_bytes_is_reported_not_misread() {
    let pager = pager();
    let mut table = RecordTable::new(SLOTS).expect("table");
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, SLOTS as u64, name_len);
    let leaf = PageId(table.root().root.get());
    {
        let page = txn.page_mut(leaf).expect("writable");
        let packed = PackedLeafPage::mut_from_bytes(&mut page[..]).expect("layout");
        let slot_bytes = packed
            .body
            .get_mut(3 * PACKED_SLOT_SIZE..4 * PACKED_SLOT_SIZE)
            .expect("slot 3");
        let slot = PackedSlot::mut_from_bytes(slot_bytes).expect("slot");
        slot.offset = zerocopy::little_endian::U16::new(4060);
    }
    assert!(matches!(
        table.get(&txn, 3),
        Err(nodepage::Error::Corrupt(_))
    ));
    let mut pages = Vec::new();
    let problems = table.check(&txn, &mut pages).expect("check");
    assert!(
        problems.iter().any(|p| p.contains("record 3")),
        "{problems:?}"
    );
    // The other records still read.
    assert!(table.get(&txn, 4).expect("get").is_some());
}
