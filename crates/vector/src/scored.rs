//! An id with its distance, ordered by distance and then by id, so that every search breaks
//! ties the same way. The id is a dense id inside the HNSW walk and a node id in exact search.

use std::cmp::Ordering;

use crate::error::{Result, corrupt};

/// An id and its distance from the point a search is about.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) distance: f32,
    pub(crate) id: u64,
}

impl Scored {
    /// The id as a dense id.
    pub(crate) fn dense(&self) -> Result<u32> {
        u32::try_from(self.id).map_err(|_| corrupt(format!("{} is not a dense id", self.id)))
    }
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
            .then(self.id.cmp(&other.id))
    }
}
