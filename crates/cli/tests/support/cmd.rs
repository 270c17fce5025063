//! Running the `mmgraph` binary as a test's child process, and the small file helpers the
//! end-to-end tests share.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The `mmgraph` binary of this build, with `RUST_LOG` unset so that its output is its own.
pub fn mmgraph() -> Command {
    let mut cmd = Command::cargo_bin("mmgraph").expect("the mmgraph binary");
    cmd.env_remove("RUST_LOG");
    cmd
}

/// Runs `mmgraph args`, whatever its outcome.
pub fn run(args: &[&str]) -> Output {
    mmgraph().args(args).output().expect("run mmgraph")
}

/// Runs `mmgraph args`, expects success, returns standard output.
pub fn ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "mmgraph {args:?} failed: {}",
        printed(&output)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs `mmgraph args`, expects failure, returns what it printed (standard output, then
/// standard error: a traversal that finds nothing says so on standard output).
pub fn fails(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        !output.status.success(),
        "mmgraph {args:?} succeeded: {}",
        printed(&output)
    );
    printed(&output)
}

/// Standard output and then standard error of `output`, as text.
pub fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `mmgraph args`' standard output as one JSON document.
pub fn doc(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).expect("one JSON document")
}

/// `mmgraph args`' standard output as JSON lines.
pub fn lines(args: &[&str]) -> Vec<serde_json::Value> {
    ok(args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

/// `path` as an argument.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
