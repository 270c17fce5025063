//! Vector index operation sequences decoded from arbitrary bytes (five bytes an operation):
//! sets, replaces, deletes, node deletes, commits, aborts, reopens and queries, applied to a
//! graph and to an in-memory model (see `crates/graph/tests/common/vector_model.rs`, shared
//! with the proptest); exact search must equal brute force after every query.
#![no_main]

#[path = "../../crates/graph/tests/common/vector_model.rs"]
mod vector_model;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| vector_model::run(vector_model::decode(data)));
