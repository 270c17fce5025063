//! Test support, with the `testing` feature only: graphs on in-memory and crash-simulating
//! storage, for tests of this crate and of the crates above it. Nothing here belongs in an
//! application's build.

pub use pager_mmap::{MemStorage, SimFault, SimStorage};

use crate::Options;
use crate::error::Result;
use crate::graph::Graph;

/// A storage a test graph can live on: a [`MemStorage`] or a [`SimStorage`], boxed, alone or
/// shared through an `Arc` (so that the test keeps a handle to inspect or crash it).
pub type Storage = pager_mmap::Backend;

impl Graph {
    /// A graph on `storage` (for example a [`SimStorage`] that loses power on cue). An empty
    /// storage becomes a new graph.
    pub fn with_storage(storage: impl Into<Storage>, options: Options) -> Result<Graph> {
        Graph::with_backend(storage.into(), options)
    }
}
