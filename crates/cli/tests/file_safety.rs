//! What the tool does to a database file it is only asked to read: nothing. Damaged files are
//! errors (never the previous commit), read commands open read-only (an empty file is refused
//! and stays empty; a read-only file in a read-only directory reads; readers in several
//! processes share a file), and a writer and readers exclude each other by name.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use graph::{Graph, GraphRead};

mod support;
use support::cmd::{printed, run, s};

const PAGE: usize = 4096;

/// The tests of this file run one at a time: a child process spawned by one holds, between
/// fork and exec, duplicates of every descriptor of this process, and with them the lock of a
/// database another test holds, so that test's next open could see it still locked.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A committed graph of two commits (the second adds edges), closed.
fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("demo.mmg");
    {
        let graph = Graph::open(&db).expect("open");
        let mut txn = graph.begin_write().expect("write");
        let nodes: Vec<_> = (0..2_000)
            .map(|i| txn.add_node("n", &format!("n{i}"), b"{}").expect("node"))
            .collect();
        txn.commit().expect("commit");
        let mut txn = graph.begin_write().expect("write");
        for (i, pair) in nodes.windows(2).enumerate() {
            txn.add_edge(pair[0], pair[1], ["a", "b"][i % 2], b"")
                .expect("edge");
        }
        txn.commit().expect("commit");
    }
    db
}

/// The ways a file is damaged after it was written, applied to `bytes`.
fn damage(kind: &str, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    match kind {
        "cut 1 byte" => bytes.truncate(len - 1),
        "cut 1 page" => bytes.truncate(len - PAGE),
        "cut half" => bytes.truncate(len / 2),
        "flip header" => bytes[100] ^= 0x08,
        "flip meta 0" => bytes[PAGE + 40] ^= 0x08,
        "flip meta 1" => bytes[2 * PAGE + 40] ^= 0x08,
        "flip leaf" => bytes[(len / PAGE / 2) * PAGE + 1000] ^= 0x08,
        other => panic!("no damage {other}"),
    }
}

/// A demo database in `dir`, and a copy of it with each kind of damage: (kind, path, bytes).
fn damaged_copies(dir: &Path) -> Vec<(&'static str, PathBuf, Vec<u8>)> {
    let original = std::fs::read(demo_db(dir)).expect("read");
    DAMAGE
        .iter()
        .map(|kind| {
            let copy = dir.join(kind.replace(' ', "-"));
            let mut bytes = original.clone();
            damage(kind, &mut bytes);
            std::fs::write(&copy, &bytes).expect("write");
            (*kind, copy, bytes)
        })
        .collect()
}

const DAMAGE: [&str; 7] = [
    "cut 1 byte",
    "cut 1 page",
    "cut half",
    "flip header",
    "flip meta 0",
    "flip meta 1",
    "flip leaf",
];

#[test]
fn read_commands_leave_a_damaged_file_byte_for_byte_as_it_was() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, copy, bytes) in damaged_copies(dir.path()) {
        for args in [
            vec!["check", s(&copy)],
            vec!["stats", s(&copy)],
            vec!["node", s(&copy), "5"],
        ] {
            let output = run(&args);
            assert!(!printed(&output).contains("panicked"), "{kind}: {args:?}");
            if kind.starts_with("cut") {
                assert!(!output.status.success(), "{kind}: {args:?} succeeded");
                assert!(
                    printed(&output).contains("truncated"),
                    "{kind}: {args:?}: {}",
                    printed(&output)
                );
            }
            assert!(
                std::fs::read(&copy).expect("read") == bytes,
                "{kind}: {args:?} changed the file"
            );
        }
    }
}

#[test]
fn a_writable_open_that_commits_nothing_changes_only_the_space_past_the_last_page() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    for (kind, copy, bytes) in damaged_copies(dir.path()) {
        match Graph::open(&copy) {
            Ok(graph) => {
                let pages = graph.storage_stats().expect("stats").page_count as usize;
                drop(graph);
                let after = std::fs::read(&copy).expect("read");
                assert!(after.len() >= pages * PAGE, "{kind}: cut below its pages");
                assert!(
                    after[..pages * PAGE] == bytes[..pages * PAGE],
                    "{kind}: a page changed"
                );
            }
            Err(err) => {
                assert!(
                    err.is_corruption() || matches!(err, graph::Error::Storage(_)),
                    "{kind}: {err}"
                );
                assert!(
                    std::fs::read(&copy).expect("read") == bytes,
                    "{kind}: a failed open changed the file"
                );
            }
        }
        if kind.starts_with("cut") {
            assert!(
                Graph::open(&copy).is_err_and(|e| e.is_corruption()),
                "{kind}"
            );
        }
    }
}

#[test]
fn an_empty_file_is_refused_by_every_read_command_and_stays_empty() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("anything.db");
    std::fs::write(&empty, b"").expect("create");
    for args in [
        vec!["check", s(&empty)],
        vec!["stats", s(&empty)],
        vec!["node", s(&empty), "0"],
        vec!["export", s(&empty)],
    ] {
        let output = run(&args);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            printed(&output).contains("empty"),
            "{args:?}: {}",
            printed(&output)
        );
        assert_eq!(std::fs::metadata(&empty).expect("metadata").len(), 0);
    }
}

#[test]
fn a_read_only_file_in_a_read_only_directory_reads() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).expect("dir");
    let db = demo_db(&sub);
    let before = std::fs::read(&db).expect("read");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let results: Vec<_> = [
        vec!["check", s(&db)],
        vec!["stats", s(&db)],
        vec!["node", s(&db), "5"],
        vec!["export", s(&db)],
    ]
    .into_iter()
    .map(|args| (run(&args), args))
    .collect();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for (output, args) in results {
        assert!(output.status.success(), "{args:?}: {}", printed(&output));
    }
    assert!(std::fs::read(&db).expect("read") == before);
    assert_eq!(
        std::fs::read_dir(&sub).expect("dir").count(),
        1,
        "nothing new beside the file"
    );
}

#[test]
fn readers_in_several_processes_share_a_file_and_a_writer_is_kept_out() {
    let _serial = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_db(dir.path());
    let input = dir.path().join("e.txt");
    std::fs::write(&input, "1 2\n").expect("input");
    let before = std::fs::read(&db).expect("read");

    // This process reads; three more readers run at once beside it.
    let held = Graph::open_read_only(&db).expect("read-only open");
    let children: Vec<_> = (0..3)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("mmgraph"))
                .args(["check", s(&db)])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "{}", printed(&output));
    }
    let output = run(&["import", s(&db), s(&input)]);
    assert!(!output.status.success());
    assert!(
        printed(&output).contains("other handles have it open read-only"),
        "{}",
        printed(&output)
    );
    assert_eq!(held.begin_read().expect("read").node_count(), 2_000);
    drop(held);

    // A writer in this process: readers elsewhere are told a writer holds it.
    let writer = Graph::open(&db).expect("open");
    let output = run(&["stats", s(&db)]);
    assert!(!output.status.success());
    assert!(
        printed(&output).contains("another handle has it open for writing"),
        "{}",
        printed(&output)
    );
    drop(writer);
    assert!(std::fs::read(&db).expect("read") == before);
}
