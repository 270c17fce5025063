//! The layout-2 leaf read back from the page bytes: 176 slots of 22 bytes, each slot's
//! `location` holding an inline payload's heap area and offset or an overflow chain's head, and
//! heap pages 1 to 8 in use.

use nodepage::{
    ATTR_SIZE, Attrs, HEAP_PAGES, HeapPage, INLINE_LIMIT, LeafPage, MAX_SLOTS, RecordSlot,
    RecordTable,
};
use pager_mmap::{MemStorage, Options, OverflowPage, PageId, PageSource, Pager, U40, WriteTxn};
use zerocopy::{FromBytes, IntoBytes};

const SLOT_SIZE: usize = size_of::<RecordSlot>();
const _: () = assert!(SLOT_SIZE == 22);

/// `FLAG_LIVE` and `FLAG_OVERFLOW`, as `docs/format.md` gives them.
const LIVE: u8 = 1;
const OVERFLOW: u8 = 2;

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
        .map(|bytes| RecordSlot::read_from_bytes(bytes).expect("22 bytes"))
        .collect()
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
fn a_full_leaf_holds_176_records_of_empty_and_small_payloads() {
    let pager = pager();
    let mut table = RecordTable::new(MAX_SLOTS).expect("slots");
    // 0 to 3 bytes each: 264 bytes, past the 152 bytes of own heap.
    let lens: Vec<usize> = (0..MAX_SLOTS).map(|i| i % 4).collect();
    let mut txn = pager.begin_write().expect("write");
    push_all(&mut txn, &mut table, &lens);
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    assert_records(&read, &table, &lens);
    assert_clean(&read, &table);
    let (_, leaf) = only_leaf(&read, &table);
    assert_eq!(
        (leaf.first_id.get(), leaf.live.get(), leaf.slot_count.get()),
        (0, 176, 176)
    );
    assert!(usize::from(leaf.heap_used.get()) <= 152);
    assert_ne!(leaf.heap_pages[0], U40::ZERO, "heap page 0 takes the rest");
    assert!(leaf.heap_pages[1..].iter().all(|p| *p == U40::ZERO));
    let slots = slots_of(leaf);
    assert_eq!(slots.len(), 176);
    for (i, slot) in slots.iter().enumerate() {
        assert_eq!(slot.flags, LIVE, "slot {i}");
        assert_eq!(slot.payload_len.get() as usize, lens[i]);
        assert_eq!(slot.attrs, attrs(i));
        assert_eq!(slot.location.get() >> 16, u64::from(slot.inline_place().0));
        assert!(
            slot.inline_place().0 <= 1,
            "slot {i} in the own heap or heap page 0"
        );
    }
    drop(read);

    // Record 176 starts the second leaf.
    let mut txn = pager.begin_write().expect("write");
    assert_eq!(
        table
            .push(&mut txn, &[9; ATTR_SIZE], b"next")
            .expect("push"),
        176
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
    // Every tenth payload is over the inline limit; of the others, 18 of 40 bytes and 140 of
    // 240 are more than the own heap and 8 heap pages hold (152 + 8 * 4064 bytes), so the last
    // fit nowhere.
    let lens: Vec<usize> = (0..MAX_SLOTS)
        .map(|i| match i % 10 {
            0 => 40,
            9 => INLINE_LIMIT + 1,
            _ => 240,
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
            assert_eq!(head.0, slot.location.get());
            read.page_as::<OverflowPage>(head)
                .expect("the location is the chain's head");
        } else {
            assert_eq!(slot.flags, LIVE);
            assert!(lens[i] <= INLINE_LIMIT);
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
fn an_update_moves_a_payload_between_a_heap_and_an_overflow_chain_and_a_delete_zeroes_the_slot() {
    let pager = pager();
    let mut table = RecordTable::new(MAX_SLOTS).expect("slots");
    let mut txn = pager.begin_write().expect("write");
    let keep = table.push(&mut txn, &attrs(1), b"neighbour").expect("push");
    let id = table.push(&mut txn, &attrs(2), b"small").expect("push");
    let slot_of = |txn: &WriteTxn, table: &RecordTable| -> RecordSlot {
        let (_, leaf) = only_leaf(txn, table);
        slots_of(leaf)[id as usize]
    };
    assert_eq!(slot_of(&txn, &table).inline_place(), (0, 9));

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
    assert_eq!(slot.flags, LIVE);
    assert_eq!(slot.inline_place().0, 0, "back in the own heap");
    assert_clean(&txn, &table);

    table.delete(&mut txn, id).expect("delete");
    let slot = slot_of(&txn, &table);
    assert_eq!(slot.as_bytes(), &[0u8; SLOT_SIZE]);
    assert!(table.get(&txn, keep).expect("get").is_some());
    assert_clean(&txn, &table);
    txn.commit().expect("commit");
}
