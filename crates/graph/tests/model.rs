//! Random operation sequences through the public API (edges one at a time and in `add_edges`
//! batches, which build new adjacency leaves whole) against an in-memory model graph, with
//! commits, aborts and reopens (read-write, or read-only first) at random points; kinds, edge
//! types and names include ones longer than the keys that index them. After every step every node, edge, neighbour
//! list (each direction, with and without a type filter), degree, kind count and name lookup
//! agrees with the model, and so does every key-value space; after every commit and reopen `check()` is clean.
//! `PROPTEST_CASES` sets the number of sequences.

#[path = "common/graph_model.rs"]
mod graph_model;

use graph_model::{KINDS, Op, Reopen, TYPES};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = Op> {
    let data = prop_oneof![6 => 0u16..100, 1 => 1000u16..6000];
    prop_oneof![
        6 => (0..KINDS.len(), any::<u8>(), data.clone()).prop_map(|(kind, name, data)| Op::AddNode { kind, name, data }),
        1 => (any::<usize>(), 0..KINDS.len(), any::<u8>(), data.clone()).prop_map(|(pick, kind, name, data)| Op::UpdateNode { pick, kind, name, data }),
        1 => (any::<usize>(), data.clone()).prop_map(|(pick, data)| Op::SetNodeData { pick, data }),
        1 => any::<usize>().prop_map(|pick| Op::DeleteNode { pick }),
        1 => (any::<u8>(), 0..KINDS.len(), any::<u8>()).prop_map(|(count, kind, data)| Op::AddNamedNodes { count, kind, data }),
        10 => (any::<usize>(), any::<usize>(), 0..TYPES.len(), data.clone()).prop_map(|(from, to, edge_type, data)| Op::AddEdge { from, to, edge_type, data }),
        1 => (any::<usize>(), any::<usize>(), 1u16..400, any::<bool>()).prop_map(|(first, step, count, hub)| Op::AddEdges { first, step, count, hub }),
        1 => (any::<usize>(), data.clone()).prop_map(|(pick, data)| Op::SetEdgeData { pick, data }),
        2 => any::<usize>().prop_map(|pick| Op::DeleteEdge { pick }),
        2 => (any::<u8>(), any::<u8>(), data).prop_map(|(space, key, value)| Op::KvSet { space, key, value }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(space, key)| Op::KvRemove { space, key }),
        2 => (any::<usize>(), any::<u16>()).prop_map(|(pick, id)| Op::RecordExternal { pick, id }),
        1 => Just(Op::RebuildIndexes),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => prop_oneof![Just(Op::Reopen(Reopen::Writable)), Just(Op::Reopen(Reopen::ReadOnlyFirst))],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]
    #[test]
    fn the_graph_matches_a_model_through_commits_aborts_and_reopens(ops in proptest::collection::vec(op(), 1..250)) {
        graph_model::run(ops);
    }
}
