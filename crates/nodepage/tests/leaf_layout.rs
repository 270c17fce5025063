//! The layout-3 leaf read back from the page bytes: up to 100 slots of 40 bytes, each slot's
//! `place` holding a short payload itself, a heap payload's area and offset, or an overflow
//! chain's head, and heap pages 1 to 8 in use.

use nodepage::{
    ATTR_SIZE, Attrs, HEAP_PAGES, HeapPage, IN_SLOT_LIMIT, INLINE_LIMIT, LeafPage, MAX_SLOTS,
    RecordSlot, RecordTable,
};
use pager_mmap::{MemStorage, Options, OverflowPage, PageId, PageSource, Pager, U40, WriteTxn};
use zerocopy::{FromBytes, IntoBytes};

const SLOT_SIZE: usize = size_of::<RecordSlot>();
const _: () = assert!(SLOT_SIZE == 40);

/// `FLAG_LIVE`, `FLAG_OVERFLOW` and `FLAG_IN_SLOT`, as `docs/format.md` gives them.
const LIVE: u8 = 1;
const OVERFLOW: u8 = 2;
const IN_SLOT: u8 = 4;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

fn attrs(i: usize) -> Attrs {
    std::array::from_fn(|k| (i * 7 + k) as u8)
}

fn payload(i: usize, len: usize) -> Vec<u8> {
    (0..len).map(|k| (i + k) as u8).collect()
}

/// The only leaf of a one-leaf table (its radix vector has no level above the leaf).
fn only_leaf<'a>(src: &'a impl PageSource, table: &RecordTable) -> (PageId, &'a LeafPage) {
    assert_eq!(table.root().height.get(), 0, "one leaf");
    let page = PageId(table.root().root.get());
    (page, src.page_as::<LeafPage>(page).expect("leaf"))
}

/// The slots of a leaf, parsed from its body's bytes.
fn slots_of(leaf: &LeafPage) -> Vec<RecordSlot> {
    leaf.body
        .chunks_exact(SLOT_SIZE)
        .take(usize::from(leaf.slot_count.get()))
        .map(|bytes| RecordSlot::read_from_bytes(bytes).expect("40 bytes"))
        .collect()
}

/// The `u40` in the first 5 bytes of a slot's `place`.
fn place_u40(slot: &RecordSlot) -> u64 {
    let [a, b, c, d, e, ..] = slot.place;
    u64::from_le_bytes([a, b, c, d, e, 0, 0, 0])
}

fn assert_clean(src: &impl PageSource, table: &RecordTable) -> Vec<PageId> {
    let mut pages = Vec::new();
    let problems = table.check(src, &mut pages).expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    pages
}

fn push_all(txn: &mut WriteTxn, table: &mut RecordTable, lens: &[usize]) {
    for (i, len) in lens.iter().enumerate() {
        assert_eq!(
            table.push(txn, &attrs(i), &payload(i, *len)).expect("push"),
            i as u64
        );
    }
}

fn assert_records(src: &impl PageSource, table: &RecordTable, lens: &[usize]) {
    for (i, len) in lens.iter().enumerate() {
        let record = table.get(src, i as u64).expect("get").expect("live");
        assert_eq!(record.attrs(), &attrs(i), "attrs of {i}");
        assert_eq!(&*record.payload().expect("payload"), &payload(i, *len)[..]);
    }
}

#[test]
fn a_full_leaf_holds_100_records_with_short_payloads_in_their_slots() {
    let pager = pager();
    let mut table = RecordTable::new(MAX_SLOTS).expect("slots");
    // 0 to 23 bytes each: every one fits its slot, so no heap is used.
    let lens: Vec<usize> = (0..MAX_SLOTS).map(|i| i % (IN_SLOT_LIMIT + 1)).collect();
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, &lens);
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    assert_records(&read, &table, &lens);
    assert_clean(&read, &table);
    let (_, leaf) = only_leaf(&read, &table);
    assert_eq!(
        (leaf.first_id.get(), leaf.live.get(), leaf.slot_count.get()),
        (0, 100, 100)
    );
    assert_eq!(leaf.heap_used.get(), 0);
    assert!(leaf.heap_pages.iter().all(|p| *p == U40::ZERO));
    let slots = slots_of(leaf);
    assert_eq!(slots.len(), 100);
    for (i, slot) in slots.iter().enumerate() {
        assert_eq!(slot.flags, LIVE | IN_SLOT, "slot {i}");
        assert_eq!(slot.payload_len.get() as usize, lens[i]);
        assert_eq!(slot.attrs, attrs(i));
        let (payload_bytes, rest) = slot.place.split_at(lens[i]);
        assert_eq!(payload_bytes, &payload(i, lens[i])[..]);
        assert!(
            rest.iter().all(|b| *b == 0),
            "zeros after slot {i}'s payload"
        );
    }
    drop(read);

    // Record 100 starts the second leaf.
    let mut txn = pager.begin_write().expect("write");
    assert_eq!(
        table
            .push(&mut txn, &[9; ATTR_SIZE], b"next")
            .expect("push"),
        100
    );
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(table.root().height.get(), 1, "two leaves");
    assert_clean(&read, &table);
}

#[test]
fn heap_pages_one_to_eight_fill_and_then_payloads_overflow_with_location_the_chain_head() {
    let pager = pager();
    let mut table = RecordTable::new(MAX_SLOTS).expect("slots");
    // Every tenth payload is over the inline limit. Of the others, 10 of 24 bytes (one fits the
    // 24 bytes of own heap) and 80 of 500 are more than the own heap and 8 heap pages hold
    // (24 + 8 * 4064 bytes), so the last fit nowhere.
    let lens: Vec<usize> = (0..MAX_SLOTS)
        .map(|i| match i % 10 {
            0 => IN_SLOT_LIMIT + 1,
            9 => INLINE_LIMIT + 1,
            _ => 500,
        })
        .collect();
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, &lens);
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    assert_records(&read, &table, &lens);
    let reached = assert_clean(&read, &table);
    assert!(read.check(&reached).expect("pager check").is_clean());
    let (_, leaf) = only_leaf(&read, &table);
    for page in &leaf.heap_pages {
        assert_ne!(*page, U40::ZERO, "every heap page is in use");
        read.page_as::<HeapPage>(PageId(page.get()))
            .expect("a heap page");
    }
    let slots = slots_of(leaf);
    let mut areas = [0usize; HEAP_PAGES + 1];
    let mut overflowed_small = 0;
    for (i, slot) in slots.iter().enumerate() {
        if slot.flags == LIVE | OVERFLOW {
            overflowed_small += usize::from(lens[i] <= INLINE_LIMIT);
            let head = slot.overflow_head();
            assert_eq!(head.0, place_u40(slot));
            assert!(slot.place[5..].iter().all(|b| *b == 0));
            read.page_as::<OverflowPage>(head)
                .expect("the place is the chain's head");
        } else {
            assert_eq!(slot.flags, LIVE);
            assert!(lens[i] <= INLINE_LIMIT);
            assert_eq!(place_u40(slot) >> 16, u64::from(slot.inline_place().0));
            areas[usize::from(slot.inline_place().0)] += 1;
        }
    }
    assert!(
        areas.iter().all(|n| *n > 0),
        "areas 0 to 8 in use: {areas:?}"
    );
    assert!(overflowed_small > 0, "some small payloads fit nowhere");
    drop(read);

    // Emptying area 8 frees its heap page; the others stay.
    let mut txn = pager.begin_write().expect("write");
    for (i, slot) in slots.iter().enumerate() {
        if slot.flags == LIVE && slot.inline_place().0 == HEAP_PAGES as u8 {
            table.delete(&mut txn, i as u64).expect("delete");
        }
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let (_, leaf) = only_leaf(&read, &table);
    assert_eq!(leaf.heap_pages[HEAP_PAGES - 1], U40::ZERO);
    assert!(
        leaf.heap_pages[..HEAP_PAGES - 1]
            .iter()
            .all(|p| *p != U40::ZERO)
    );
    let reached = assert_clean(&read, &table);
    assert!(read.check(&reached).expect("pager check").is_clean());
}

#[test]
fn an_update_moves_a_payload_between_slot_heap_and_overflow_chain_and_a_delete_zeroes_the_slot() {
    let pager = pager();
    // 80 slots leave 824 bytes of own heap.
    let mut table = RecordTable::new(80).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    let keep = table
        .push(&mut txn, &attrs(1), &payload(1, 30))
        .expect("push");
    let id = table
        .push(&mut txn, &attrs(2), &payload(2, 40))
        .expect("push");
    let slot_of = |txn: &WriteTxn, table: &RecordTable| -> RecordSlot {
        let (_, leaf) = only_leaf(txn, table);
        slots_of(leaf)[id as usize]
    };
    assert_eq!(slot_of(&txn, &table).inline_place(), (0, 30));
    assert_eq!(slot_of(&txn, &table).flags, LIVE);

    let large = payload(3, 3 * INLINE_LIMIT);
    table
        .update(&mut txn, id, &attrs(3), Some(&large))
        .expect("update");
    let slot = slot_of(&txn, &table);
    assert_eq!(slot.flags, LIVE | OVERFLOW);
    assert_eq!(
        pager_mmap::read_overflow(&txn, slot.overflow_head(), large.len() as u64).expect("chain"),
        large
    );

    table
        .update(&mut txn, id, &attrs(4), Some(b"tiny"))
        .expect("update");
    let slot = slot_of(&txn, &table);
    assert_eq!(slot.flags, LIVE | IN_SLOT);
    assert_eq!(&slot.place[..4], b"tiny");
    assert_clean(&txn, &table);

    let medium = payload(5, 50);
    table
        .update(&mut txn, id, &attrs(5), Some(&medium))
        .expect("update");
    let slot = slot_of(&txn, &table);
    assert_eq!(slot.flags, LIVE);
    assert_eq!(slot.inline_place().0, 0, "back in the own heap");
    assert!(
        slot.place[5..].iter().all(|b| *b == 0),
        "no bytes of \"tiny\" left"
    );
    assert_eq!(
        &*table
            .get(&txn, id)
            .expect("get")
            .expect("live")
            .payload()
            .expect("payload"),
        &medium[..]
    );
    assert_clean(&txn, &table);

    table.delete(&mut txn, id).expect("delete");
    let slot = slot_of(&txn, &table);
    assert_eq!(slot.as_bytes(), &[0u8; SLOT_SIZE]);
    assert!(table.get(&txn, keep).expect("get").is_some());
    assert_clean(&txn, &table);
    txn.commit().expect("commit");
}
