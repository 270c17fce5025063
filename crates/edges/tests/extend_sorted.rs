//! `extend_sorted` (many lists at once, new leaves built whole) lists exactly what
//! `extend` once per node and direction lists, in the same order, with hubs of several types;
//! input out of order or out of range changes nothing.

use edges::{Adjacency, Direction, Error, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// (node, entry) pairs, sorted by node.
type Pairs = Vec<(u64, Neighbor)>;

/// Random edges among `nodes` nodes, a third of them from node 3 (a hub), as sorted
/// (node, entry) pairs for each direction.
fn edges(nodes: u64, count: u64, seed: u64) -> (Pairs, Pairs) {
    // A linear congruential generator: enough mixing for test data, no dependency.
    let mut state = seed;
    let mut below = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut out = Vec::new();
    let mut incoming = Vec::new();
    for edge in 0..count {
        let from = if edge % 3 == 0 { 3 } else { below(nodes) };
        let to = below(nodes);
        let edge_type = below(5) as u32;
        out.push((
            from,
            Neighbor {
                node: to,
                edge,
                edge_type,
            },
        ));
        incoming.push((
            to,
            Neighbor {
                node: from,
                edge,
                edge_type,
            },
        ));
    }
    out.sort_by_key(|(node, _)| *node);
    incoming.sort_by_key(|(node, _)| *node);
    (out, incoming)
}

fn lists(adjacency: &Adjacency, src: &impl PageSource, nodes: u64) -> Vec<Vec<Neighbor>> {
    (0..nodes)
        .flat_map(|node| [(node, Direction::Out), (node, Direction::In)])
        .map(|(node, direction)| {
            adjacency
                .neighbors(src, node, direction, None)
                .expect("list")
                .map(|n| n.expect("entry"))
                .collect()
        })
        .collect()
}

fn assert_clean(adjacency: &Adjacency, src: &impl PageSource) {
    let problems = adjacency
        .check(src, &mut Vec::new(), |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn new_leaves_built_whole_list_what_extend_lists_in_the_same_order() {
    let nodes = 300;
    let pager_one = pager();
    let pager_many = pager();
    let (mut one, mut many) = (Adjacency::default(), Adjacency::default());
    // Two rounds: the first builds every leaf whole, the second extends existing leaves (and
    // builds the leaves of nodes 300..400, which had none).
    for (round, range) in [(0, nodes), (1, nodes + 100)].into_iter().enumerate() {
        let (out, incoming) = edges(range.1, 3_000, round as u64);
        let mut txn = pager_one.begin_write().expect("write");
        for (pairs, direction) in [(&out, Direction::Out), (&incoming, Direction::In)] {
            for group in pairs.chunk_by(|a, b| a.0 == b.0) {
                let batch: Vec<Neighbor> = group.iter().map(|(_, n)| *n).collect();
                one.extend(&mut txn, group[0].0, direction, &batch)
                    .expect("extend");
            }
        }
        txn.commit().expect("commit");
        let mut txn = pager_many.begin_write().expect("write");
        many.extend_sorted(&mut txn, &out, &incoming)
            .expect("extend_sorted");
        txn.commit().expect("commit");
        let (a, b) = (
            pager_one.begin_read().expect("read"),
            pager_many.begin_read().expect("read"),
        );
        assert_eq!(lists(&many, &b, range.1), lists(&one, &a, range.1));
        assert!(
            many.degree(&b, 3, Direction::Out).expect("degree") > 337,
            "a hub"
        );
        assert_clean(&many, &b);
    }
}

#[test]
fn input_out_of_order_or_out_of_range_changes_nothing() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let n = |node| Neighbor {
        node,
        edge: 1,
        edge_type: 0,
    };
    let mut txn = pager.begin_write().expect("write");
    let unsorted = [(2, n(1)), (1, n(2))];
    assert!(matches!(
        adjacency.extend_sorted(&mut txn, &unsorted, &[]),
        Err(Error::Unsorted)
    ));
    let too_big = [(1, n(2)), (2, n(U40::MAX + 1))];
    assert!(matches!(
        adjacency.extend_sorted(&mut txn, &[(1, n(2))], &too_big),
        Err(Error::OutOfRange { .. })
    ));
    assert_eq!(adjacency, Adjacency::default());
    assert_eq!(lists(&adjacency, &txn, 3), vec![Vec::<Neighbor>::new(); 6]);
}
