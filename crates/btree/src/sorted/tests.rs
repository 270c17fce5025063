use pager_mmap::{MemStorage, Options, PageSource, Pager};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::Tree;

/// Keys that share prefixes and repeat, some long enough that few fit a leaf.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => vec(0u8..4, 0..8),
        1 => (0u8..4, 200usize..900).prop_map(|(b, n)| vec![b; n]),
    ]
}

/// Values mostly inline, some in overflow pages.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => vec(any::<u8>(), 0..16),
        1 => (1000usize..5000, any::<u8>()).prop_map(|(n, b)| vec![b; n]),
    ]
}

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Values replaced, each with its entry's position.
type Replaced = Vec<(usize, Vec<u8>)>;

/// The tree `before` builds one insert at a time, then `change` applied to it, in a new
/// pager; with the bytes of every page of the tree, in the order `Tree::pages` lists them.
fn build(
    before: &Entries,
    change: impl FnOnce(&mut pager_mmap::WriteTxn, &mut Tree) -> crate::Result<Replaced>,
) -> (Tree, Replaced, Vec<Vec<u8>>) {
    let pager =
        Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    for (k, v) in before {
        tree.insert(&mut txn, k, v).expect("insert");
    }
    let replaced = change(&mut txn, &mut tree).expect("change");
    let pages = tree
        .pages(&txn)
        .expect("pages")
        .into_iter()
        .map(|id| txn.page(id).expect("page").to_vec())
        .collect();
    let report = tree.check_uncommitted(&txn);
    let report = report.expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    (tree, replaced, pages)
}

proptest! {
    #[test]
    fn insert_sorted_leaves_the_pages_one_insert_at_a_time_leaves(
        before in vec((key(), value()), 0..300),
        mut entries in vec((key(), value()), 0..600),
        sort in any::<bool>(),
    ) {
        if sort {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let one_by_one = build(&before, |txn, tree| {
            let mut replaced = Vec::new();
            for (position, (k, v)) in entries.iter().enumerate() {
                if let Some(old) = tree.insert(txn, k, v)? {
                    replaced.push((position, old));
                }
            }
            Ok(replaced)
        });
        let sorted = build(&before, |txn, tree| {
            tree.insert_sorted(txn, entries.iter().map(|(k, v)| (&k[..], &v[..])))
        });
        prop_assert_eq!(one_by_one, sorted);
    }
}
