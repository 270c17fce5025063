//! Graph operation sequences decoded from arbitrary bytes (four bytes an operation), applied to
//! a graph and to an in-memory model with commits, aborts and reopens; every answer must agree
//! after every step (see `crates/graph/tests/common/graph_model.rs`, shared with the proptest).
#![no_main]

#[path = "../../crates/graph/tests/common/graph_model.rs"]
mod graph_model;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| graph_model::run(graph_model::decode(data)));
