//! Two neighbouring inline leaves whose entries fit one page are stored as one pair page: a bulk
//! load or a fold of a sparse graph writes half the leaf pages, every list reads the same
//! through every reader, any other write splits the pair back into leaves of their own, and a
//! pair page whose list ends contradict themselves is damage that `check` names and reads
//! report, without a panic.

mod common;

use std::collections::BTreeMap;

use common::lists;
use edges::{
    ADJ_LEAF, Adjacency, Direction, EdgeBatch, EdgeEnds, Error, NODES_PER_LEAF, Neighbor, PAIR,
    PairPage,
};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, U40, WriteTxn, page_type_of};
use zerocopy::little_endian::{U16, U64};

/// Nodes of the test graphs: eight leaves, four pairs.
const NODES: u64 = 8 * NODES_PER_LEAF as u64;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// Edges from each node of `from` to the node before it.
fn chain(from: impl Iterator<Item = u64>) -> Vec<EdgeEnds> {
    from.map(|i| EdgeEnds {
        from: U40::new(i).expect("id"),
        to: U40::new(i - 1).expect("id"),
        edge_type: U16::new(0),
    })
    .collect()
}

/// A path over `0..NODES`, edge `i - 1` from node `i` to node `i - 1`: like a tree, one entry
/// per node and direction, 255 entries to a pair of leaves.
fn tree() -> Vec<EdgeEnds> {
    chain(1..NODES)
}

/// The lists `edges` (edge `i` being `edges[i]`) make, by node and direction.
fn expected(edges: &[EdgeEnds]) -> BTreeMap<(u64, bool), Vec<Neighbor>> {
    let mut model: BTreeMap<(u64, bool), Vec<Neighbor>> = BTreeMap::new();
    for (edge, ends) in edges.iter().enumerate() {
        let (from, to) = (ends.from.get(), ends.to.get());
        let entry = |node| Neighbor {
            node,
            edge: edge as u64,
            edge_type: 0,
        };
        model.entry((from, true)).or_default().push(entry(to));
        model.entry((to, false)).or_default().push(entry(from));
    }
    model
}

/// Every list of `0..NODES` (out then in, node by node) as `expected` would give it.
fn model_lists(model: &BTreeMap<(u64, bool), Vec<Neighbor>>) -> Vec<Vec<Neighbor>> {
    (0..NODES)
        .flat_map(|node| [(node, true), (node, false)])
        .map(|key| model.get(&key).cloned().unwrap_or_default())
        .collect()
}

/// The leaf-level pages `check` reaches, by type tag: pairs and whole leaves.
fn leaf_pages(adjacency: &Adjacency, src: &impl PageSource) -> (usize, usize) {
    let mut pages = Vec::new();
    let problems = adjacency
        .check(src, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    let tag = |p: &PageId| page_type_of(src.page(*p).expect("page"));
    (
        pages.iter().filter(|p| tag(p) == PAIR).count(),
        pages.iter().filter(|p| tag(p) == ADJ_LEAF).count(),
    )
}

/// Every list as the scan of many nodes at once (`for_each_chunk_in`) reads it.
fn scanned(adjacency: &Adjacency, src: &impl PageSource) -> Vec<Vec<u64>> {
    let mut found = vec![Vec::new(); 2 * NODES as usize];
    let mut reader = adjacency.reader(src);
    for (d, direction) in [Direction::Out, Direction::In].into_iter().enumerate() {
        reader
            .for_each_chunk_in(
                0..NODES,
                &[direction],
                None,
                |_| true,
                |node, ids| {
                    ids.try_each(|n| {
                        found[2 * node as usize + d].push(n);
                        Ok::<(), Error>(())
                    })
                },
            )
            .expect("scan");
    }
    found
}

/// `edges` bulk-loaded into an empty store, in the transaction returned.
fn loaded(pager: &Pager, edges: Vec<EdgeEnds>) -> (Adjacency, WriteTxn) {
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let batch = EdgeBatch::new(0, edges).expect("batch");
    adjacency.add_batch(&mut txn, &batch).expect("batch");
    (adjacency, txn)
}

#[test]
fn a_bulk_loaded_tree_keeps_two_leaves_to_a_page_and_reads_the_same() {
    let pager = pager();
    let (adjacency, txn) = loaded(&pager, tree());
    assert_eq!(leaf_pages(&adjacency, &txn), (4, 0), "four pairs, no leaf");
    let model = model_lists(&expected(&tree()));
    assert_eq!(lists(&adjacency, &txn, NODES), model);
    let ids: Vec<Vec<u64>> = model
        .iter()
        .map(|l| l.iter().map(|n| n.node).collect())
        .collect();
    assert_eq!(scanned(&adjacency, &txn), ids);
    for node in 0..NODES {
        let mut reader = adjacency.reader(&txn);
        assert_eq!(
            reader.len(node, Direction::In).expect("len"),
            model[2 * node as usize + 1].len() as u64
        );
        assert_eq!(
            adjacency
                .degree(&txn, node, Direction::Out)
                .expect("degree"),
            u64::from(node > 0)
        );
    }
}

#[test]
fn a_write_to_either_half_splits_the_pair_and_loses_nothing() {
    for node in [3, 64 + 3] {
        let pager = pager();
        let (mut adjacency, txn) = loaded(&pager, tree());
        txn.commit().expect("commit");
        let mut txn = pager.begin_write().expect("write");
        let mut edges = tree();
        let added = Neighbor {
            node: 7,
            edge: edges.len() as u64,
            edge_type: 0,
        };
        adjacency
            .insert(&mut txn, node, Direction::Out, added)
            .expect("insert");
        adjacency
            .insert(&mut txn, 7, Direction::In, Neighbor { node, ..added })
            .expect("insert");
        edges.push(EdgeEnds {
            from: U40::new(node).expect("id"),
            to: U40::new(7).expect("id"),
            edge_type: U16::new(0),
        });
        // Nodes 3 and 7 share leaf 0, node 67 leaf 1: the first pair is split either way.
        assert_eq!(leaf_pages(&adjacency, &txn), (3, 2), "node {node}");
        assert_eq!(
            lists(&adjacency, &txn, NODES),
            model_lists(&expected(&edges))
        );
        let removed = adjacency
            .remove(
                &mut txn,
                9,
                Direction::Out,
                Neighbor {
                    node: 8,
                    edge: 8,
                    edge_type: 0,
                },
            )
            .expect("remove");
        assert!(removed, "edge 8 runs from node 9 to node 8");
    }
}

#[test]
fn a_fold_writes_pairs_of_the_leaves_it_rewrites() {
    let pager = pager();
    // Half the path, from each odd node: pairs of 128 entries.
    let mut edges = chain((1..NODES).step_by(2));
    let (mut adjacency, txn) = loaded(&pager, edges.clone());
    txn.commit().expect("commit");
    assert_eq!(
        leaf_pages(&adjacency, &pager.begin_read().expect("read")),
        (4, 0)
    );
    let mut txn = pager.begin_write().expect("write");
    // The other half through the delta: every leaf has entries there.
    let more = chain((2..NODES).step_by(2));
    let batch = EdgeBatch::new(edges.len() as u64, more.clone()).expect("batch");
    edges.extend(more);
    adjacency
        .add_batch_deferred(&mut txn, &batch)
        .expect("deferred");
    assert!(adjacency.delta_entries(&txn).expect("delta") > 0);
    assert_eq!(
        lists(&adjacency, &txn, NODES),
        model_lists(&expected(&edges)),
        "pairs and the delta read together"
    );
    adjacency.fold(&mut txn).expect("fold");
    assert_eq!(
        leaf_pages(&adjacency, &txn),
        (4, 0),
        "each pair split, rewritten and paired again"
    );
    assert_eq!(
        lists(&adjacency, &txn, NODES),
        model_lists(&expected(&edges))
    );
}

/// The first pair page of a loaded tree, writable, and the store.
fn damaged(edit: impl FnOnce(&mut PairPage)) -> (Adjacency, WriteTxn) {
    let pager = pager();
    let (adjacency, mut txn) = loaded(&pager, tree());
    let mut pages = Vec::new();
    adjacency
        .check(&txn, &mut pages, |_, _, _| {})
        .expect("check");
    let pair = *pages
        .iter()
        .find(|p| page_type_of(txn.page(**p).expect("page")) == PAIR)
        .expect("a pair");
    edit(txn.page_mut_as::<PairPage>(pair).expect("pair"));
    (adjacency, txn)
}

#[test]
fn a_pair_whose_list_ends_go_backwards_or_past_its_entries_is_corrupt() {
    for end in [0u16, 297, u16::MAX] {
        let (mut adjacency, mut txn) = damaged(|pair| pair.ends[10] = U16::new(end));
        let problems = adjacency
            .check(&txn, &mut Vec::new(), |_, _, _| {})
            .expect("check");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("pair page") && p.contains("list")),
            "end {end}: {problems:?}"
        );
        // List 10 is node 5's out-list; list 11, its in-list, starts where it ends (an end
        // moved back to 0 leaves list 11 readable, from entry 0).
        let spoilt: &[Direction] = if end == 0 {
            &[Direction::Out]
        } else {
            &[Direction::Out, Direction::In]
        };
        for &direction in spoilt {
            let read = adjacency
                .neighbors(&txn, 5, direction, None)
                .map(|list| list.collect::<Result<Vec<_>, _>>());
            assert!(
                matches!(read, Err(Error::Corrupt(_)) | Ok(Err(Error::Corrupt(_)))),
                "end {end}, {direction:?}: {read:?}"
            );
        }
        let write = adjacency.insert(
            &mut txn,
            70,
            Direction::Out,
            Neighbor {
                node: 1,
                edge: 9_999,
                edge_type: 0,
            },
        );
        assert!(matches!(write, Err(Error::Corrupt(_))), "{write:?}");
    }
}

#[test]
fn a_pair_page_that_names_another_first_node_is_corrupt() {
    let (adjacency, txn) = damaged(|pair| pair.first_node = U64::new(64));
    let problems = adjacency
        .check(&txn, &mut Vec::new(), |_, _, _| {})
        .expect("check");
    assert!(
        problems.iter().any(|p| p.contains("says node 64")),
        "{problems:?}"
    );
    let read = adjacency.neighbors(&txn, 3, Direction::Out, None);
    assert!(matches!(read, Err(Error::Corrupt(_))), "{:?}", read.err());
}
