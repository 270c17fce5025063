//! An inline adjacency leaf whose bytes contradict themselves (more entries in use than it
//! holds, a hub or a run on another page than its own) is damage: `check` names it, reading the
//! list it spoils and writing into the leaf give `Error::Corrupt`, and nothing panics.

mod common;

use common::lists;
use edges::{
    AdjLeafPage, Adjacency, Direction, EdgeBatch, EdgeEnds, Error, INLINE_CAPACITY, Neighbor,
};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, U40, WriteTxn};
use zerocopy::little_endian::U16;

/// A store whose one leaf is inline: a ring over nodes 0..64, in the transaction returned.
fn inline_store(pager: &Pager) -> (Adjacency, WriteTxn, PageId) {
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let ends = (0..64u64).map(|i| EdgeEnds {
        from: U40::new(i).expect("id"),
        to: U40::new((i + 1) % 64).expect("id"),
        edge_type: U16::new(0),
    });
    let batch = EdgeBatch::new(0, ends.collect::<Vec<_>>()).expect("batch");
    adjacency.add_batch(&mut txn, &batch).expect("batch");
    let mut pages = Vec::new();
    let problems = adjacency
        .check(&txn, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(pages.len(), 1, "one inline leaf and no other page");
    let leaf = pages[0];
    assert!(txn.page_as::<AdjLeafPage>(leaf).expect("leaf").is_inline());
    (adjacency, txn, leaf)
}

fn problems(adjacency: &Adjacency, src: &impl PageSource) -> Vec<String> {
    adjacency
        .check(src, &mut Vec::new(), |_, _, _| {})
        .expect("check")
}

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

#[test]
fn an_inline_leaf_claiming_more_entries_than_it_holds_is_corrupt() {
    let pager = pager();
    let (mut adjacency, mut txn, leaf) = inline_store(&pager);
    txn.page_mut_as::<AdjLeafPage>(leaf)
        .expect("leaf")
        .inline_used = U16::new(INLINE_CAPACITY as u16 + 1);
    let found = problems(&adjacency, &txn);
    assert!(
        found
            .iter()
            .any(|p| p.contains("inline leaf") && p.contains("uses 233")),
        "{found:?}"
    );
    // The runs themselves are where they were: reads still find them.
    assert_eq!(lists(&adjacency, &txn, 64).concat().len(), 128);
    let write = adjacency.insert(
        &mut txn,
        3,
        Direction::Out,
        Neighbor {
            node: 9,
            edge: 500,
            edge_type: 0,
        },
    );
    assert!(matches!(write, Err(Error::Corrupt(_))), "{write:?}");
}

#[test]
fn an_inline_leaf_with_a_hub_or_a_run_on_another_page_is_corrupt() {
    for (form, page) in [(2u8, 0u16), (1, 1)] {
        let pager = pager();
        let (adjacency, mut txn, leaf) = inline_store(&pager);
        txn.page_mut_as::<AdjLeafPage>(leaf).expect("leaf").slots[6].form = form;
        txn.page_mut_as::<AdjLeafPage>(leaf).expect("leaf").slots[6].page = U16::new(page);
        let found = problems(&adjacency, &txn);
        assert!(
            found
                .iter()
                .any(|p| p.contains("inline leaf") && p.contains("slot 6")),
            "{found:?}"
        );
        let read = adjacency
            .neighbors(&txn, 3, Direction::Out, None)
            .map(|list| list.collect::<Result<Vec<_>, _>>());
        assert!(
            matches!(read, Err(Error::Corrupt(_)) | Ok(Err(Error::Corrupt(_)))),
            "form {form} page {page}: {read:?}"
        );
    }
}
