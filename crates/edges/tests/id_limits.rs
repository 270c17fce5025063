//! Ids and types at the limits of an entry (40-bit node and edge ids, 16-bit edge types): the
//! largest round-trip through runs and hubs; one more is refused with `OutOfRange`, whatever
//! form the list has, and the store is left as it was.

use edges::{Adjacency, Direction, Error, HUB_THRESHOLD, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40};

/// The largest edge type an entry holds.
const MAX_TYPE: u32 = u16::MAX as u32;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// Entry `i` of a list at the limits: ids counting down from the largest, three types at the top.
fn high(i: u64) -> Neighbor {
    Neighbor {
        node: U40::MAX - i,
        edge: U40::MAX - i,
        edge_type: MAX_TYPE - (i % 3) as u32,
    }
}

/// A small entry.
fn low(i: u64) -> Neighbor {
    Neighbor {
        node: i,
        edge: i,
        edge_type: 1,
    }
}

fn listed(
    adjacency: &Adjacency,
    src: &impl PageSource,
    node: u64,
    direction: Direction,
    edge_type: Option<u32>,
) -> Vec<Neighbor> {
    let mut found: Vec<Neighbor> = adjacency
        .neighbors(src, node, direction, edge_type)
        .expect("list")
        .map(|n| n.expect("entry"))
        .collect();
    found.sort();
    found
}

/// Every entry `check` visits, after a clean check, sorted.
fn checked(adjacency: &Adjacency, src: &impl PageSource) -> Vec<(u64, Direction, Neighbor)> {
    let mut pages = Vec::new();
    let mut seen = Vec::new();
    let problems = adjacency
        .check(src, &mut pages, |node, direction, n| {
            seen.push((node, direction, n))
        })
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    seen.sort_by_key(|(node, direction, n)| (*node, direction.index(), *n));
    seen
}

#[test]
fn the_largest_ids_and_types_round_trip_in_runs_and_hubs() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let run: Vec<Neighbor> = (0..10).map(high).collect();
    let hub: Vec<Neighbor> = (0..HUB_THRESHOLD as u64 + 10).map(high).collect();
    let mut txn = pager.begin_write().expect("write");
    for n in &run {
        adjacency
            .insert(&mut txn, U40::MAX, Direction::Out, *n)
            .expect("insert");
    }
    adjacency
        .extend(&mut txn, U40::MAX - 1, Direction::In, &hub)
        .expect("extend");
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    for (node, direction, list) in [
        (U40::MAX, Direction::Out, &run),
        (U40::MAX - 1, Direction::In, &hub),
    ] {
        let mut sorted = list.clone();
        sorted.sort();
        assert_eq!(listed(&adjacency, &read, node, direction, None), sorted);
        assert_eq!(
            adjacency.degree(&read, node, direction).expect("degree"),
            list.len() as u64
        );
        let top: Vec<Neighbor> = sorted
            .iter()
            .filter(|n| n.edge_type == MAX_TYPE)
            .copied()
            .collect();
        assert!(!top.is_empty());
        assert_eq!(
            listed(&adjacency, &read, node, direction, Some(MAX_TYPE)),
            top
        );
        let mut seen = Vec::new();
        adjacency
            .for_each_neighbor(&read, node, direction, |n| {
                seen.push(n);
                Ok::<(), Error>(())
            })
            .expect("walk");
        seen.sort();
        assert_eq!(seen, sorted.iter().map(|n| n.node).collect::<Vec<_>>());
    }
    let mut expected: Vec<(u64, Direction, Neighbor)> = run
        .iter()
        .map(|n| (U40::MAX, Direction::Out, *n))
        .chain(hub.iter().map(|n| (U40::MAX - 1, Direction::In, *n)))
        .collect();
    expected.sort_by_key(|(node, direction, n)| (*node, direction.index(), *n));
    assert_eq!(checked(&adjacency, &read), expected);
}

/// A write that must be refused: the list's node, the entry, and the error's fields.
struct Refused {
    node: u64,
    neighbor: Neighbor,
    what: &'static str,
    value: u64,
    limit: u64,
}

/// Every way one write is out of range, aimed at `node`'s list.
fn refusals(node: u64) -> [Refused; 4] {
    let id = U40::MAX + 1;
    [
        Refused {
            node: id,
            neighbor: low(1),
            what: "node id",
            value: id,
            limit: U40::MAX,
        },
        Refused {
            node,
            neighbor: Neighbor { node: id, ..low(2) },
            what: "node id",
            value: id,
            limit: U40::MAX,
        },
        Refused {
            node,
            neighbor: Neighbor { edge: id, ..low(3) },
            what: "edge id",
            value: id,
            limit: U40::MAX,
        },
        Refused {
            node,
            neighbor: Neighbor {
                edge_type: MAX_TYPE + 1,
                ..low(4)
            },
            what: "edge type",
            value: u64::from(MAX_TYPE) + 1,
            limit: u64::from(u16::MAX),
        },
    ]
}

fn assert_refused(result: edges::Result<()>, refused: &Refused) {
    match result {
        Err(Error::OutOfRange { what, value, limit }) => {
            assert_eq!(
                (what, value, limit),
                (refused.what, refused.value, refused.limit)
            );
        }
        other => panic!("expected OutOfRange for {}, got {other:?}", refused.what),
    }
}

#[test]
fn an_id_or_type_past_the_limit_is_refused_and_changes_nothing() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    // Lists of every form: 1 empty (its leaf exists), 2 a run, 3 a full run (one more entry
    // would make it a hub), 4 a hub; node 1000 has no leaf.
    let mut txn = pager.begin_write().expect("write");
    let lists = [
        (2, (0..5).map(low).collect::<Vec<_>>()),
        (3, (0..HUB_THRESHOLD as u64).map(low).collect()),
        (4, (0..HUB_THRESHOLD as u64 + 1).map(low).collect()),
    ];
    for (node, list) in &lists {
        adjacency
            .extend(&mut txn, *node, Direction::Out, list)
            .expect("extend");
    }
    txn.commit().expect("commit");
    let before = checked(&adjacency, &pager.begin_read().expect("read"));

    for node in [1, 2, 3, 4, 1000] {
        for refused in refusals(node) {
            // A fresh transaction copies the leaves' radix path on the first change, so an
            // unchanged root shows the write touched no page.
            let mut txn = pager.begin_write().expect("write");
            let mut changed = adjacency;
            assert_refused(
                changed.insert(&mut txn, refused.node, Direction::Out, refused.neighbor),
                &refused,
            );
            // The bad entry last in a batch that would make any list a hub: none is added.
            let batch: Vec<Neighbor> = (100..100 + HUB_THRESHOLD as u64)
                .map(low)
                .chain([refused.neighbor])
                .collect();
            assert_refused(
                changed.extend(&mut txn, refused.node, Direction::Out, &batch),
                &refused,
            );
            assert_eq!(changed, adjacency, "node {node}: {}", refused.what);
            assert_eq!(checked(&changed, &txn), before);
            txn.commit().expect("commit");
        }
    }
    let read = pager.begin_read().expect("read");
    assert_eq!(checked(&adjacency, &read), before);
    let mut pages = Vec::new();
    adjacency
        .check(&read, &mut pages, |_, _, _| {})
        .expect("check");
    let report = read.check(&pages).expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn the_refusal_says_what_was_too_large() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let wide = Neighbor {
        edge_type: 65536,
        ..low(1)
    };
    let error = adjacency
        .insert(&mut txn, 1, Direction::In, wide)
        .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "edge type 65536 is above the adjacency store's limit 65535"
    );
    let wide = Neighbor {
        edge: U40::MAX + 1,
        ..low(1)
    };
    let error = adjacency
        .insert(&mut txn, 1, Direction::In, wide)
        .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "edge id 1099511627776 is above the adjacency store's limit 1099511627775"
    );
}
