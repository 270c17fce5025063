//! A node with its distance, ordered by distance and then by node id, so that every search
//! breaks ties the same way.

use std::cmp::Ordering;

/// A node and its distance from the point a search is about.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) distance: f32,
    pub(crate) node: u64,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Scored) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Scored) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Scored) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.node.cmp(&other.node))
    }
}
