//! Replays the seed and regression inputs of the `open_graph` fuzz target
//! (`fuzz/corpus/open_graph/seed-*`): every crash the fuzzer found is kept there, and must stay
//! an error rather than a panic.

#[path = "common/hostile.rs"]
mod hostile;

#[test]
fn every_kept_fuzz_input_gives_errors_not_panics() {
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/open_graph");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&corpus).expect("the corpus directory") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("seed-"))
        {
            hostile::exercise(&std::fs::read(&path).expect("input"));
            replayed += 1;
        }
    }
    assert!(
        replayed >= 5,
        "only {replayed} inputs in {}",
        corpus.display()
    );
}
