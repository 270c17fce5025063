//! `AttrTable::push_all` against `push` of each record: the same ids, the same records, the
//! same root and the same pages, in any mix of batch sizes (empty, within a leaf, across
//! leaves, across radix levels) and after leaves were emptied by deletes; `check` clean.

use nodepage::{ATTR_SLOTS, AttrTable, Attrs};
use pager_mmap::{MemStorage, Options, PageSource, Pager, WriteTxn};
use proptest::prelude::*;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

fn attrs(id: u64, salt: u8) -> Attrs {
    let mut attrs = [salt; 12];
    attrs[..8].copy_from_slice(&id.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    attrs
}

#[derive(Clone, Debug)]
enum Step {
    /// This many records, as one batch.
    Batch(usize),
    /// Deletes the `count` records from the `from`th on (modulo the ids handed out).
    Delete { from: u64, count: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..ATTR_SLOTS + 5).prop_map(Step::Batch),
        2 => (ATTR_SLOTS - 3..3 * ATTR_SLOTS + 3).prop_map(Step::Batch),
        1 => (0u64..10_000, 1u64..700).prop_map(|(from, count)| Step::Delete { from, count }),
    ]
}

/// Applies `steps` to a fresh table in one transaction, each batch with `push_all` or with
/// `push` record by record; returns the table and the committed pager.
fn build(steps: &[Step], bulk: bool) -> (AttrTable, Pager) {
    let pager = pager();
    let mut table = AttrTable::new();
    let mut txn = pager.begin_write().expect("write");
    for (salt, step) in steps.iter().enumerate() {
        apply(&mut table, &mut txn, step, salt as u8, bulk);
    }
    txn.commit().expect("commit");
    (table, pager)
}

fn apply(table: &mut AttrTable, txn: &mut WriteTxn, step: &Step, salt: u8, bulk: bool) {
    match *step {
        Step::Batch(count) => {
            let first = table.next_id();
            let records: Vec<Attrs> = (first..first + count as u64)
                .map(|id| attrs(id, salt))
                .collect();
            if bulk {
                assert_eq!(table.push_all(txn, &records).expect("push_all"), first);
            } else {
                for (id, record) in (first..).zip(&records) {
                    assert_eq!(table.push(txn, record).expect("push"), id);
                }
            }
        }
        Step::Delete { from, count } => {
            let next = table.next_id().max(1);
            for id in (from % next..).take(count as usize) {
                if table.contains(&*txn, id).expect("contains") {
                    table.delete(txn, id).expect("delete");
                }
            }
        }
    }
}

fn records(table: &AttrTable, src: &impl PageSource) -> Vec<(u64, Attrs)> {
    table
        .iter(src)
        .map(|r| r.map(|(id, a)| (id, *a)).expect("iter"))
        .collect()
}

/// The table's records and the pages it reaches, after asserting both checks clean.
fn checked(table: &AttrTable, pager: &Pager) -> (Vec<(u64, Attrs)>, usize) {
    let read = pager.begin_read().expect("read");
    let mut pages = Vec::new();
    let problems = table.check(&read, &mut pages).expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(read.check(&pages).expect("pager check").is_clean());
    (records(table, &read), pages.len())
}

proptest! {
    #[test]
    fn push_all_stores_what_pushing_each_record_stores(
        steps in proptest::collection::vec(step(), 1..12),
    ) {
        let (one, one_pager) = build(&steps, false);
        let (all, all_pager) = build(&steps, true);
        prop_assert_eq!(all.len(), one.len());
        prop_assert_eq!(all.next_id(), one.next_id());
        prop_assert_eq!(all.root().height, one.root().height);
        prop_assert_eq!(checked(&all, &all_pager), checked(&one, &one_pager));
    }
}

#[test]
fn push_all_across_two_radix_levels_reads_back_every_record() {
    let pager = pager();
    let mut table = AttrTable::new();
    let mut txn = pager.begin_write().expect("write");
    let n = 510 * ATTR_SLOTS as u64 + 1000;
    // An odd first batch, so that later batches start mid-leaf.
    let records: Vec<Attrs> = (0..n).map(|id| attrs(id, 7)).collect();
    let (head, tail) = records.split_at(101);
    assert_eq!(table.push_all(&mut txn, head).expect("push_all"), 0);
    assert_eq!(table.push_all(&mut txn, &[]).expect("nothing"), 101);
    assert_eq!(table.push_all(&mut txn, tail).expect("push_all"), 101);
    txn.commit().expect("commit");
    assert_eq!(table.root().height.get(), 2);
    let (found, pages) = checked(&table, &pager);
    assert_eq!(
        found,
        (0..n).map(|id| (id, attrs(id, 7))).collect::<Vec<_>>()
    );
    // The leaves, two radix pages below the root, and the root.
    assert_eq!(pages as u64, n.div_ceil(ATTR_SLOTS as u64) + 3);
}
