//! `add_batch` (many edges at once: new leaves built whole, existing leaves extended) lists
//! exactly what `insert` of each edge's two entries lists, in the same order, with hubs of
//! several types, self-loops, batches dense over their leaves (ordered by counting, in groups
//! of one leaf and of several) and sparse ones (ordered by sorting); `check` is clean after
//! each. An edge id past the store's limit makes no batch.

mod common;

use common::lists;
use edges::{Adjacency, Direction, EdgeBatch, EdgeEnds, Error, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40};
use proptest::prelude::*;
use zerocopy::little_endian::U16;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// An edge as (from, to, type).
type Edge = (u64, u64, u32);

fn ends(&(from, to, edge_type): &Edge) -> EdgeEnds {
    EdgeEnds {
        from: U40::new(from).expect("a node id"),
        to: U40::new(to).expect("a node id"),
        edge_type: U16::new(edge_type as u16),
    }
}

fn assert_clean(adjacency: &Adjacency, src: &impl PageSource) {
    let problems = adjacency
        .check(src, &mut Vec::new(), |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
}

/// Adds `rounds` of edges (ids from 0, in order) to two stores, one committed transaction per
/// round: one entry at a time with `insert`, and each round as one batch. Asserts after each
/// round that both list the same and that the batch's store checks clean.
fn same_as_inserts(rounds: &[Vec<Edge>], nodes: u64) {
    let (pager_one, pager_batch) = (pager(), pager());
    let (mut one, mut batched) = (Adjacency::default(), Adjacency::default());
    let mut next_edge = 0;
    for edges in rounds {
        let mut txn = pager_one.begin_write().expect("write");
        for (edge, &(from, to, edge_type)) in (next_edge..).zip(edges) {
            let out = Neighbor {
                node: to,
                edge,
                edge_type,
            };
            one.insert(&mut txn, from, Direction::Out, out)
                .expect("insert");
            let incoming = Neighbor { node: from, ..out };
            one.insert(&mut txn, to, Direction::In, incoming)
                .expect("insert");
        }
        txn.commit().expect("commit");
        let mut txn = pager_batch.begin_write().expect("write");
        let batch = EdgeBatch::new(next_edge, edges.iter().map(ends)).expect("batch");
        assert_eq!(batch.is_empty(), edges.is_empty());
        batched.add_batch(&mut txn, &batch).expect("add_batch");
        txn.commit().expect("commit");
        next_edge += edges.len() as u64;
        let (a, b) = (
            pager_one.begin_read().expect("read"),
            pager_batch.begin_read().expect("read"),
        );
        assert_eq!(lists(&batched, &b, nodes), lists(&one, &a, nodes));
        assert_clean(&batched, &b);
    }
}

/// A round of `count` edges among nodes `low..high`, a share of them (`hub_share` of 8) from
/// node `low` (a hub when the round is long), of `types` types.
fn round(
    count: usize,
    low: u64,
    high: u64,
    hub_share: u8,
    types: u32,
) -> impl Strategy<Value = Vec<Edge>> {
    proptest::collection::vec(
        (any::<u64>(), any::<u64>(), any::<u8>(), any::<u32>()),
        count,
    )
    .prop_map(move |picks| {
        picks
            .into_iter()
            .map(|(a, b, hub, t)| {
                let span = high - low;
                let from = if hub % 8 < hub_share {
                    low
                } else {
                    low + a % span
                };
                (from, low + b % span, t % types)
            })
            .collect()
    })
}

fn rounds() -> impl Strategy<Value = Vec<Vec<Edge>>> {
    let one = (0usize..900, 0u64..500, 1u64..900, 0u8..4, 1u32..6).prop_flat_map(
        |(count, low, width, hub_share, types)| round(count, low, low + width, hub_share, types),
    );
    proptest::collection::vec(one, 1..4)
}

proptest! {
    #[test]
    fn a_batch_lists_what_inserting_each_entry_lists(rounds in rounds()) {
        same_as_inserts(&rounds, 1_400);
    }
}

#[test]
fn a_dense_batch_over_more_leaves_than_groups_lists_what_inserts_list() {
    // 5,000 leaves and 80,000 entries: counted, two leaves to a group.
    let nodes = 5_000 * 64;
    let edges: Vec<Edge> = (0..40_000u64)
        .map(|i| ((i * 8) % nodes, (i * 8 + 3) % nodes, (i % 3) as u32))
        .chain([(0, nodes - 1, 0), (nodes - 1, nodes - 1, 1)])
        .collect();
    same_as_inserts(&[edges.clone(), edges], nodes);
}

#[test]
fn an_edge_id_past_the_limit_makes_no_batch() {
    let edge = ends(&(1, 2, 0));
    assert!(EdgeBatch::new(U40::MAX, [edge]).is_ok());
    assert!(matches!(
        EdgeBatch::new(U40::MAX, [edge, edge]),
        Err(Error::OutOfRange {
            what: "edge id",
            ..
        })
    ));
    assert!(matches!(
        EdgeBatch::new(u64::MAX, [edge]),
        Err(Error::OutOfRange { .. })
    ));
    assert!(EdgeBatch::new(u64::MAX, []).expect("no edges").is_empty());
}
