//! A file damaged after it was written fails to open with an error that says what is wrong,
//! never by falling back to an older commit, and a failed or read-only open leaves every byte
//! of it as it was.

mod common;

use std::path::Path;

use pager_mmap::{Error, Options, PAGE_SIZE_U64, Pager};

fn read_only() -> Options {
    Options {
        read_only: true,
        ..Options::default()
    }
}

/// A closed file holding two commits; the second names pages the first does not.
fn two_commits(path: &Path) {
    let pager = Pager::open(path, Options::default()).expect("open");
    for round in 0..2u64 {
        let mut txn = pager.begin_write().expect("write");
        for i in 0..(20 + 40 * round as usize) {
            common::set(&mut txn, i, round * 1000 + i as u64).expect("set");
        }
        txn.commit().expect("commit");
    }
}

fn cut(path: &Path, by: u64) {
    let len = std::fs::metadata(path).expect("metadata").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("file");
    file.set_len(len - by).expect("truncate");
}

#[test]
fn a_truncated_file_is_an_error_not_the_previous_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    two_commits(&path);
    let len = std::fs::metadata(&path).expect("metadata").len();
    for by in [1, PAGE_SIZE_U64, len / 2] {
        let copy = dir.path().join(format!("cut-{by}"));
        std::fs::copy(&path, &copy).expect("copy");
        cut(&copy, by);
        let before = std::fs::read(&copy).expect("read");
        for options in [Options::default(), read_only()] {
            match Pager::open(&copy, options) {
                Err(Error::Truncated {
                    needed, file_len, ..
                }) => {
                    assert_eq!(file_len, len - by);
                    assert!(needed > file_len);
                }
                other => panic!("cut by {by}: {other:?}"),
            }
            assert_eq!(std::fs::read(&copy).expect("read"), before, "cut by {by}");
        }
    }
}

#[test]
fn a_read_only_open_writes_nothing_and_refuses_to_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    two_commits(&path);
    let before = std::fs::read(&path).expect("read");
    let pager = Pager::open(&path, read_only()).expect("read-only open");
    let read = pager.begin_read().expect("read");
    assert_eq!(common::values(&read).expect("values").len(), 60);
    assert!(matches!(pager.begin_write(), Err(Error::ReadOnly)));
    assert!(matches!(pager.try_begin_write(), Err(Error::ReadOnly)));
    drop((read, pager));
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn a_read_only_open_uses_a_read_only_descriptor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    two_commits(&path);
    let pager = Pager::open(&path, read_only()).expect("read-only open");
    // The access mode of every descriptor this process has on the file, from /proc: 0 is
    // O_RDONLY. (Tests may run as root, for whom file permissions prove nothing.)
    let canonical = path.canonicalize().expect("path");
    let mut modes = Vec::new();
    for fd in std::fs::read_dir("/proc/self/fd").expect("fds").flatten() {
        if std::fs::read_link(fd.path()).is_ok_and(|target| target == canonical) {
            let info = std::fs::read_to_string(Path::new("/proc/self/fdinfo").join(fd.file_name()))
                .expect("fdinfo");
            let flags = info
                .lines()
                .find_map(|line| line.strip_prefix("flags:"))
                .expect("flags line");
            let flags = u32::from_str_radix(flags.trim(), 8).expect("octal flags");
            modes.push(flags & 0o3);
        }
    }
    assert_eq!(modes, vec![0], "descriptors on the file: {modes:?}");
    drop(pager);
}

#[test]
fn an_empty_file_is_refused_by_a_read_only_open_and_left_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty");
    std::fs::write(&path, b"").expect("create");
    assert!(matches!(
        Pager::open(&path, read_only()),
        Err(Error::EmptyFile)
    ));
    let no_create = Options {
        create: false,
        ..Options::default()
    };
    assert!(matches!(
        Pager::open(&path, no_create),
        Err(Error::EmptyFile)
    ));
    assert_eq!(std::fs::metadata(&path).expect("metadata").len(), 0);
}

#[test]
fn a_read_only_open_of_a_missing_file_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing");
    assert!(matches!(Pager::open(&path, read_only()), Err(Error::Io(_))));
    assert!(!path.exists());
}
