//! A filtered step on a hub reads the entries of the types asked for and no others: counted in
//! entries visited and in pages read, never timed.

use std::cell::Cell;

use edges::SEGMENT_CAPACITY;
use pager_mmap::{PageBytes, PageId, PageSource};

use super::Steps;
use crate::read::sealed::Access;
use crate::read::{Direction, Neighbor};
use crate::{Graph, GraphRead, NewEdge, NodeId};

/// A page source that counts the pages read through it.
struct Counting<'a, S> {
    inner: &'a S,
    pages: Cell<u64>,
}

impl<S: PageSource> PageSource for Counting<'_, S> {
    fn page(&self, id: PageId) -> pager_mmap::Result<&PageBytes> {
        self.pages.set(self.pages.get() + 1);
        self.inner.page(id)
    }

    fn root(&self, slot: usize) -> pager_mmap::Result<u64> {
        self.inner.root(slot)
    }
}

/// The hub's degree: 1M by default; `MMGRAPH_HUB_DEGREE` sets another (a multiple of 10).
fn hub_degree() -> u64 {
    std::env::var("MMGRAPH_HUB_DEGREE")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(1_000_000)
}

/// Pages a filtered step may read beyond its types' share of the whole hub's reads: the
/// adjacency leaf and its radix path, and the hub page.
const OVERHEAD_PAGES: u64 = 16;

#[test]
fn a_filtered_step_on_a_hub_of_ten_types_reads_only_the_types_asked_for() {
    const TYPES: u64 = 10;
    const TARGETS: u64 = 1_000;
    let degree = hub_degree();
    let per_type = degree / TYPES;
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    for i in 0..=TARGETS {
        txn.add_node("k", &format!("n{i}"), b"").expect("node");
    }
    let names: Vec<String> = (0..TYPES).map(|t| format!("t{t}")).collect();
    txn.add_edges((0..degree).map(|i| NewEdge {
        from: NodeId(0),
        to: NodeId(1 + i % TARGETS),
        edge_type: &names[(i / per_type % TYPES) as usize],
        data: b"",
    }))
    .expect("edges");
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    let id = |name: &str| read.edge_type_id(name).expect("id").expect("a used type");

    let step = |types: Option<Vec<u32>>| {
        let src = Counting {
            inner: read.source(),
            pages: Cell::new(0),
        };
        let mut seen: Vec<Neighbor> = Vec::new();
        Steps::over(read.roots().adjacency, &src, Direction::Out, types)
            .for_each_hop(NodeId(0), |hop| {
                seen.push(hop);
                Ok(())
            })
            .expect("step");
        (seen, src.pages.get())
    };

    let (all, all_pages) = step(None);
    assert_eq!(all.len() as u64, degree);
    let segments = |entries: u64| entries.div_ceil(SEGMENT_CAPACITY as u64);
    assert!(
        all_pages >= segments(degree),
        "{all_pages} pages for the whole hub"
    );

    let wanted = [id("t3"), id("t7")];
    let (some, some_pages) = step(Some(wanted.to_vec()));
    assert_eq!(some.len() as u64, 2 * per_type);
    assert!(some.iter().all(|n| wanted.contains(&n.edge_type)));
    // Each segment costs the same reads (its radix path and its page) whichever type it holds,
    // so two types of ten read a fifth of the whole hub's pages.
    assert!(
        some_pages <= all_pages * 2 / TYPES + OVERHEAD_PAGES,
        "{some_pages} pages read for two types of {per_type} entries; the whole hub: {all_pages}"
    );

    let (one, one_pages) = step(Some(vec![id("t5")]));
    assert_eq!(one.len() as u64, per_type);
    assert!(
        one_pages <= all_pages / TYPES + OVERHEAD_PAGES,
        "{one_pages} pages read for one type of {per_type} entries; the whole hub: {all_pages}"
    );
    // The same answer as the filtered neighbour iterator.
    let expected: Vec<Neighbor> = read
        .neighbors(NodeId(0), Direction::Out, Some("t5"))
        .expect("neighbors")
        .collect::<crate::Result<_>>()
        .expect("read");
    assert_eq!(one, expected);
}
