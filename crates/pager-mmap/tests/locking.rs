//! One writer per file, or any number of read-only handles: an open that the lock excludes,
//! from this process or another, fails at once with `Locked` naming who holds it, and the lock
//! goes when the holder does.

use std::process::Command;

use pager_mmap::{Error, LockHolder, Options, Pager};

const CHILD_ENV: &str = "PAGER_MMAP_LOCK_CHILD_PATH";
/// `rw` or `ro`: how the child opens the file.
const CHILD_MODE_ENV: &str = "PAGER_MMAP_LOCK_CHILD_MODE";

fn read_only() -> Options {
    Options {
        read_only: true,
        ..Options::default()
    }
}

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
        Err(Error::Locked {
            holder: LockHolder::Writer
        })
    ));
    assert!(matches!(
        Pager::open(&path, read_only()),
        Err(Error::Locked {
            holder: LockHolder::Writer
        })
    ));
    drop(first);
    Pager::open(&path, Options::default()).expect("the lock is released with the handle");
}

#[test]
fn read_only_handles_share_the_file_and_keep_a_writer_out() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    drop(Pager::open(&path, Options::default()).expect("create"));
    let first = Pager::open(&path, read_only()).expect("read-only open");
    let second = Pager::open(&path, read_only()).expect("a second read-only open");
    assert!(matches!(
        Pager::open(&path, Options::default()),
        Err(Error::Locked {
            holder: LockHolder::Readers
        })
    ));
    assert!(matches!(first.begin_write(), Err(Error::ReadOnly)));
    drop((first, second));
    Pager::open(&path, Options::default()).expect("the writer opens once the readers are gone");
}

/// What a child process reports when it opens `path` in `mode` (`rw` or `ro`).
fn child_sees(path: &std::path::Path, mode: &str) -> String {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "open_from_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .env(CHILD_MODE_ENV, mode)
        .output()
        .expect("child runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_read_only_handle_in_another_process_opens_beside_readers_but_not_beside_a_writer() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    drop(Pager::open(&path, Options::default()).expect("create"));

    let reader = Pager::open(&path, read_only()).expect("read-only open");
    let seen = child_sees(&path, "ro");
    assert!(seen.contains("child opened the file"), "child said: {seen}");
    let seen = child_sees(&path, "rw");
    assert!(
        seen.contains("child saw: Locked by Readers"),
        "child said: {seen}"
    );
    drop(reader);

    let writer = Pager::open(&path, Options::default()).expect("open");
    let seen = child_sees(&path, "ro");
    assert!(
        seen.contains("child saw: Locked by Writer"),
        "child said: {seen}"
    );
    drop(writer);
}

#[test]
fn a_second_open_from_another_process_is_locked() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let first = Pager::open(&path, Options::default()).expect("open");
    let seen = child_sees(&path, "rw");
    assert!(
        seen.contains("child saw: Locked by Writer"),
        "child said: {seen}"
    );
    drop(first);
}

/// Not a test on its own: the body of the child processes of the tests above, which name the
/// file and the mode through environment variables. Without them, there is nothing to do.
#[test]
fn open_from_child_process() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let options = match std::env::var(CHILD_MODE_ENV).as_deref() {
        Ok("ro") => read_only(),
        _ => Options::default(),
    };
    match Pager::open(&path, options) {
        Err(Error::Locked { holder }) => println!("child saw: Locked by {holder:?}"),
        Err(e) => println!("child saw another error: {e}"),
        Ok(_) => println!("child opened the file"),
    }
}
