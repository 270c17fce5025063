//! Vector indexes against an in-memory model (see `common/vector_model.rs`): random
//! operation sequences, and the same decoded from random bytes as the fuzz target does.
#![allow(clippy::unwrap_used, reason = "a test stops at its first error")]

#[path = "common/vector_model.rs"]
mod vector_model;

use proptest::prelude::*;
use vector_model::{Op, decode, run};

const DIM: usize = 3;

fn op() -> impl Strategy<Value = Op> {
    let vector = proptest::collection::vec(-3i8..=3, DIM);
    prop_oneof![
        2 => Just(Op::AddNode),
        6 => (0usize..40, 0usize..2, vector.clone())
            .prop_map(|(node, index, vector)| Op::Set { node, index, vector }),
        2 => (0usize..40, 0usize..2).prop_map(|(node, index)| Op::DeleteVector { node, index }),
        1 => (0usize..40).prop_map(|node| Op::DeleteNode { node }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
        2 => (0usize..2, vector, 1usize..8)
            .prop_map(|(index, vector, k)| Op::Query { index, vector, k }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn vector_indexes_match_the_model(ops in proptest::collection::vec(op(), 1..120)) {
        run(ops);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn decoded_byte_workloads_match_the_model(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        run(decode(&data));
    }
}

/// A fuzzed workload (a handful of vectors set, replaced and deleted) whose deletes left a node
/// no link reached: the HNSW search returned 5 hits for k = 6. An unfiltered search now falls
/// back to exact search when the walk finds fewer than k of the index's vectors.
#[test]
fn a_search_after_deletes_cut_a_node_off_still_finds_k_hits() {
    const DATA: [u8; 94] = [
        120, 120, 120, 255, 255, 53, 53, 53, 53, 7, 23, 23, 23, 23, 23, 120, 158, 75, 79, 79, 255,
        120, 255, 255, 255, 255, 255, 255, 255, 255, 255, 53, 53, 53, 54, 7, 23, 23, 23, 23, 23,
        120, 23, 23, 23, 23, 23, 23, 23, 23, 0, 94, 53, 53, 7, 23, 23, 23, 23, 23, 120, 23, 23, 49,
        40, 23, 23, 69, 69, 135, 69, 69, 23, 120, 176, 75, 120, 197, 75, 120, 67, 144, 23, 186,
        186, 42, 42, 42, 42, 42, 42, 42, 42, 58,
    ];
    run(decode(&DATA));
}
