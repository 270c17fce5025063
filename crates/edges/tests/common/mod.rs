//! Helpers shared by the adjacency's integration tests.

use edges::{Adjacency, Direction, Neighbor};
use pager_mmap::PageSource;

/// Every list of nodes `0..nodes`, out then in, in storage order.
pub fn lists(adjacency: &Adjacency, src: &impl PageSource, nodes: u64) -> Vec<Vec<Neighbor>> {
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
