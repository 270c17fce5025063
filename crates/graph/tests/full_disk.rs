//! A real full disk: a graph on a 4 MiB tmpfs takes commits until the file system is full. The
//! commit that does not fit fails with a clear error (growth allocates real blocks, so a full
//! disk shows there, never as SIGBUS later); reads go on; after reopening, the graph is the last
//! durable commit and checks clean. Needs permission to mount a tmpfs (CI runs as root); where
//! mounting is refused the test says so and does nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use graph::{Graph, GraphRead, Options};

/// Unmounts the tmpfs when dropped.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount_small_tmpfs(at: &Path) -> Option<Mounted> {
    std::fs::create_dir_all(at).ok()?;
    let status = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(at)
        .status()
        .ok()?;
    status.success().then(|| Mounted(at.to_path_buf()))
}

#[test]
fn a_full_file_system_fails_the_commit_and_loses_nothing_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mount_point = dir.path().join("small");
    let Some(_mounted) = mount_small_tmpfs(&mount_point) else {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    };
    let path = mount_point.join("full.mmg");
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let graph = Graph::open_with(&path, options.clone()).expect("open");
    let mut committed = 0u64;
    let error = loop {
        assert!(committed < 100_000, "4 MiB never filled up");
        let mut txn = graph.begin_write().expect("write");
        for i in 0..200 {
            txn.add_node("k", &format!("n{}", committed + i), &[7u8; 600])
                .expect("in memory until commit");
        }
        match txn.commit() {
            Ok(()) => committed += 200,
            Err(e) => break e,
        }
    };
    let message = error.to_string();
    eprintln!("committed {committed} nodes, then: {message}");
    assert!(
        message.contains("No space left") || message.contains("full"),
        "an unclear error: {message}"
    );
    assert!(committed > 0);
    let read = graph.begin_read().expect("reads go on after a full disk");
    assert_eq!(read.node_count(), committed);
    assert_eq!(read.nodes().count() as u64, committed);
    drop(read);
    drop(graph);
    let reopened = Graph::open_with(&path, options).expect("reopen on the full file system");
    assert_eq!(reopened.begin_read().expect("read").node_count(), committed);
    let report = reopened.check().expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
}
