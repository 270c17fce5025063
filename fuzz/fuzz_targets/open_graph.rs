//! Arbitrary bytes as a graph database: open, check, read every node, edge and neighbour list,
//! traverse, look up, then write (see `crates/graph/tests/common/hostile.rs`, shared with the
//! test that replays this target's corpus).
#![no_main]

#[path = "../../crates/graph/tests/common/hostile.rs"]
mod hostile;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hostile::exercise(data));
