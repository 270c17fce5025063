//! `ListReader::for_each_chunk_in` (a scan over a range of nodes, leaf by leaf) hands out
//! exactly the stretches that reading each node's list on its own hands out, node by node in id
//! order: over runs and hubs of several types, with and without a type filter, one direction
//! or both in either order, ranges that start and end inside leaves, leaves that were never
//! made, and lists emptied by removals. The neighbours it yields are the model's.

use std::collections::BTreeMap;

use edges::{Adjacency, Direction, EdgeBatch, EdgeEnds, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40};
use proptest::prelude::*;
use zerocopy::little_endian::U16;

/// An edge as (from, to, type).
type Edge = (u64, u64, u32);

/// Each visited stretch: the node and the neighbour ids in order.
type Stretches = Vec<(u64, Vec<u64>)>;

/// `edges` (ids from 0) in a new store: the first `bulk` through `add_batch` (leaves built
/// whole), the rest one `insert` at a time; then the edges of `removed` (indexes into `edges`)
/// taken out again. Returns the pager, the store and the edges left, by id.
fn store(
    edges: &[Edge],
    bulk: usize,
    removed: &[usize],
) -> (Pager, Adjacency, BTreeMap<u64, Edge>) {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let bulk = bulk.min(edges.len());
    let (first, rest) = edges.split_at(bulk);
    let ends = first.iter().map(|&(from, to, t)| EdgeEnds {
        from: U40::new(from).expect("a node id"),
        to: U40::new(to).expect("a node id"),
        edge_type: U16::new(t as u16),
    });
    adjacency
        .add_batch(&mut txn, &EdgeBatch::new(0, ends).expect("batch"))
        .expect("add_batch");
    for (edge, &(from, to, edge_type)) in (bulk as u64..).zip(rest) {
        let out = Neighbor {
            node: to,
            edge,
            edge_type,
        };
        adjacency
            .insert(&mut txn, from, Direction::Out, out)
            .expect("insert");
        let incoming = Neighbor { node: from, ..out };
        adjacency
            .insert(&mut txn, to, Direction::In, incoming)
            .expect("insert");
    }
    let mut left: BTreeMap<u64, Edge> = (0..).zip(edges.iter().copied()).collect();
    for &i in removed {
        let Some((from, to, edge_type)) = left.remove(&(i as u64)) else {
            continue;
        };
        let out = Neighbor {
            node: to,
            edge: i as u64,
            edge_type,
        };
        assert!(
            adjacency
                .remove(&mut txn, from, Direction::Out, out)
                .expect("remove")
        );
        let incoming = Neighbor { node: from, ..out };
        assert!(
            adjacency
                .remove(&mut txn, to, Direction::In, incoming)
                .expect("remove")
        );
    }
    txn.commit().expect("commit");
    (pager, adjacency, left)
}

/// The scan's stretches.
fn scanned(
    adjacency: &Adjacency,
    src: &impl PageSource,
    nodes: std::ops::Range<u64>,
    directions: &[Direction],
    types: Option<&[u32]>,
) -> Stretches {
    let mut seen = Vec::new();
    adjacency
        .reader(src)
        .for_each_chunk_in(
            nodes,
            directions,
            types,
            |_| true,
            |node, ids| {
                seen.push((node, ids.collect()));
                Ok::<_, edges::Error>(())
            },
        )
        .expect("scan");
    seen
}

/// The same, one node's list at a time through `for_each_chunk`.
fn per_node(
    adjacency: &Adjacency,
    src: &impl PageSource,
    nodes: std::ops::Range<u64>,
    directions: &[Direction],
    types: Option<&[u32]>,
) -> Stretches {
    let mut reader = adjacency.reader(src);
    let mut seen = Vec::new();
    for node in nodes {
        for &d in directions {
            reader
                .for_each_chunk(node, d, types, |ids| {
                    seen.push((node, ids.collect()));
                    Ok::<_, edges::Error>(())
                })
                .expect("list");
        }
    }
    seen
}

/// Each node's neighbours in `directions` of `types`, in storage order, through
/// `for_each_entry` (the entry-by-entry path); nodes without any left out.
fn entries(
    adjacency: &Adjacency,
    src: &impl PageSource,
    nodes: std::ops::Range<u64>,
    directions: &[Direction],
    types: Option<&[u32]>,
) -> Vec<(u64, Vec<u64>)> {
    let mut reader = adjacency.reader(src);
    let mut all = Vec::new();
    for node in nodes {
        let mut ids = Vec::new();
        for &d in directions {
            reader
                .for_each_entry(node, d, types, |n| {
                    ids.push(n.node);
                    Ok::<_, edges::Error>(())
                })
                .expect("entries");
        }
        if !ids.is_empty() {
            all.push((node, ids));
        }
    }
    all
}

/// The stretches joined per node, as `entries` gives them.
fn joined(stretches: Stretches) -> Vec<(u64, Vec<u64>)> {
    let mut all: Vec<(u64, Vec<u64>)> = Vec::new();
    for (node, ids) in stretches {
        match all.last_mut() {
            Some((last, joined)) if *last == node => joined.extend(ids),
            _ => all.push((node, ids)),
        }
    }
    all.retain(|(_, ids)| !ids.is_empty());
    all
}

/// The model: each node's neighbours in `directions` of `types`, sorted.
fn model(
    left: &BTreeMap<u64, Edge>,
    nodes: std::ops::Range<u64>,
    directions: &[Direction],
    types: Option<&[u32]>,
) -> Vec<(u64, Vec<u64>)> {
    let mut by_node: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for &(from, to, t) in left.values() {
        if types.is_some_and(|types| !types.contains(&t)) {
            continue;
        }
        for &d in directions {
            let (node, other) = match d {
                Direction::Out => (from, to),
                Direction::In => (to, from),
            };
            if nodes.contains(&node) {
                by_node.entry(node).or_default().push(other);
            }
        }
    }
    by_node
        .into_iter()
        .map(|(node, mut ids)| {
            ids.sort_unstable();
            (node, ids)
        })
        .collect()
}

/// Edges among nodes `low..low + width` of `types` types, about a quarter of them from node
/// `low` (a hub of several types once there are more than 337).
fn edges_strategy() -> impl Strategy<Value = (u64, Vec<Edge>)> {
    (0u64..300, 1u64..700, 1u32..5).prop_flat_map(|(low, width, types)| {
        let edge = (any::<u8>(), 0..width, 0..width, 0..types).prop_map(move |(h, a, b, t)| {
            let from = if h % 4 == 0 { low } else { low + a };
            (from, low + b, t)
        });
        (Just(low + width), proptest::collection::vec(edge, 0..1_200))
    })
}

fn directions_strategy() -> impl Strategy<Value = Vec<Direction>> {
    prop_oneof![
        Just(vec![Direction::Out]),
        Just(vec![Direction::In]),
        Just(vec![Direction::Out, Direction::In]),
        Just(vec![Direction::In, Direction::Out]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_range_scan_yields_what_reading_each_list_yields(
        (end, edges) in edges_strategy(),
        bulk_share in 0usize..=4,
        removed in proptest::collection::vec(any::<usize>(), 0..200),
        range in (0u64..1_100, 0u64..1_100),
        directions in directions_strategy(),
        types in proptest::option::of(proptest::collection::vec(0u32..5, 0..3)),
    ) {
        let bulk = edges.len() * bulk_share / 4;
        let removed: Vec<usize> = removed.iter().map(|i| i % edges.len().max(1)).collect();
        let (pager, adjacency, left) = store(&edges, bulk, &removed);
        let read = pager.begin_read().expect("read");
        let (a, b) = range;
        let nodes = a.min(b)..a.max(b).min(end + 70);
        let types = types.as_deref();
        let scan = scanned(&adjacency, &read, nodes.clone(), &directions, types);
        prop_assert_eq!(&scan, &per_node(&adjacency, &read, nodes.clone(), &directions, types));
        // Nodes in order, and no empty stretch from an empty list.
        prop_assert!(scan.windows(2).all(|w| w[0].0 <= w[1].0));
        let joined = joined(scan);
        prop_assert_eq!(&joined, &entries(&adjacency, &read, nodes.clone(), &directions, types));
        let sorted: Vec<(u64, Vec<u64>)> = joined
            .into_iter()
            .map(|(node, mut ids)| {
                ids.sort_unstable();
                (node, ids)
            })
            .collect();
        prop_assert_eq!(sorted, model(&left, nodes, &directions, types));
    }
}

#[test]
fn a_scan_over_a_hub_and_empty_leaves_visits_each_segment_once() {
    // Node 5: 1,000 out-edges of two types (a hub: three segments of type 0, two of type 1);
    // nodes 64..640 have no lists (no leaves); node 700 one in-edge.
    let mut edges: Vec<Edge> = (0..1_000)
        .map(|i| (5, 700 + i % 3, (i % 2) as u32))
        .collect();
    edges.push((3, 700, 0));
    let (pager, adjacency, _) = store(&edges, edges.len(), &[]);
    let read = pager.begin_read().expect("read");
    let scan = scanned(&adjacency, &read, 0..1_000, &[Direction::Out], None);
    let sizes: Vec<(u64, usize)> = scan.iter().map(|(n, ids)| (*n, ids.len())).collect();
    assert_eq!(sizes, [(3, 1), (5, 406), (5, 94), (5, 406), (5, 94)]);
    let only_1 = scanned(&adjacency, &read, 5..6, &[Direction::Out], Some(&[1]));
    assert_eq!(only_1.iter().map(|(_, ids)| ids.len()).sum::<usize>(), 500);
    assert!(
        scanned(
            &adjacency,
            &read,
            64..640,
            &[Direction::Out, Direction::In],
            None
        )
        .is_empty()
    );
}
