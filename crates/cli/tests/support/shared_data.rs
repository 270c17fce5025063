//! Tests that need the project's shared data (`../shared/data` beside the repository) find it
//! here. When it is missing such a test says that it was skipped and why, and passes, so that a
//! plain clone passes `cargo test --workspace`; under CI (`CI=true`) a missing file fails the
//! test instead, so the check cannot silently vanish.

use std::ffi::OsStr;
use std::path::PathBuf;

/// The shared data directory: `../shared/data` relative to the repository root.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The shared data file `relative` (or the file environment variable `override_var` names),
/// or `None` when it is missing and the test should be skipped: `test` names the test in the
/// message. Panics when it is missing and `CI` is `true`.
pub fn file(test: &str, relative: &str, override_var: &str) -> Option<PathBuf> {
    let path = std::env::var_os(override_var).map_or_else(|| dir().join(relative), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    missing(
        test,
        &format!(
            "{} does not exist (the shared data is not beside the repository; set {override_var} to another copy)",
            path.display()
        ),
        std::env::var_os("CI").as_deref(),
    )
}

/// Reports a missing file: `None` (skipped) outside CI; a panic when `ci` is `true`.
fn missing(test: &str, why: &str, ci: Option<&OsStr>) -> Option<PathBuf> {
    if ci == Some(OsStr::new("true")) {
        panic!("{test}: {why}; CI=true, so missing data is a failure");
    }
    eprintln!("skipped {test}: {why}");
    None
}

#[test]
fn missing_data_is_a_skip_outside_ci_and_a_failure_under_ci() {
    assert_eq!(missing("t", "gone", None), None);
    assert_eq!(missing("t", "gone", Some(OsStr::new("false"))), None);
    let under_ci = std::panic::catch_unwind(|| missing("t", "gone", Some(OsStr::new("true"))));
    assert!(under_ci.is_err(), "CI=true must fail on missing data");
}
