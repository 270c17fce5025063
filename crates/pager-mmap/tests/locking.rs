//! One handle per file: a second open, from this process or another, fails at once with
//! `Locked`, and the lock goes when the first handle does.

use std::process::Command;

use pager_mmap::{Error, Options, Pager};

const CHILD_ENV: &str = "PAGER_MMAP_LOCK_CHILD_PATH";

/// The tests of this file run one at a time: a child process spawned by one holds, between
/// fork and exec, duplicates of every descriptor of this process, and with them the flock of
/// whatever database another test has open, so that test's reopen could see `Locked`.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn a_second_open_in_the_same_process_is_locked() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let first = Pager::open(&path, Options::default()).expect("open");
    assert!(matches!(
        Pager::open(&path, Options::default()),
        Err(Error::Locked)
    ));
    drop(first);
    Pager::open(&path, Options::default()).expect("the lock is released with the handle");
}

#[test]
fn a_second_open_from_another_process_is_locked() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let first = Pager::open(&path, Options::default()).expect("open");
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "open_from_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("child saw: Locked"), "child said: {stdout}");
    drop(first);
}

/// Not a test on its own: the body of the child process of the test above, which names the
/// file through an environment variable. Without it, there is nothing to do.
#[test]
fn open_from_child_process() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    match Pager::open(&path, Options::default()) {
        Err(Error::Locked) => println!("child saw: Locked"),
        Err(e) => println!("child saw another error: {e}"),
        Ok(_) => println!("child opened the file"),
    }
}
