//! Every command's usage line, followed to the letter, works: the arguments it shows are taken
//! in the order it shows them (`node`'s once put the id before the database, and following it
//! gave `no such database`).

use std::path::Path;

use assert_cmd::Command;

fn mmgraph() -> Command {
    Command::cargo_bin("mmgraph").expect("the binary")
}

fn stdout(args: &[&str]) -> String {
    let output = mmgraph().args(args).output().expect("run mmgraph");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The placeholders of `usage` after `[OPTIONS]`, the first alternative of each group
/// (`<ID|--name <NAME>|--kind <KIND>>` gives `ID`).
fn placeholders(usage: &str) -> Vec<String> {
    let after = usage.split("[OPTIONS]").nth(1).unwrap_or("");
    let mut groups = Vec::new();
    let mut depth = 0;
    let mut group = String::new();
    for c in after.chars() {
        match c {
            '<' | '[' => {
                if depth > 0 {
                    group.push(c);
                }
                depth += 1;
            }
            '>' | ']' => {
                depth -= 1;
                if depth == 0 {
                    groups.push(std::mem::take(&mut group));
                } else {
                    group.push(c);
                }
            }
            c if depth > 0 => group.push(c),
            _ => {}
        }
    }
    groups
        .iter()
        .map(|g| g.split('|').next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn following_each_usage_line_runs_the_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("graph.edges");
    std::fs::write(&input, "a b\nb c\n").expect("write");
    let db = dir.path().join("graph.mmg");
    let path = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    let s = |p: &Path| p.to_str().expect("path").to_owned();
    let commands = stdout(&["--help"]);
    let names: Vec<&str> = commands
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's name is indented by two spaces; its wrapped description by more.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    // `import` first, so the others have a database to read.
    let mut ordered = vec!["import"];
    ordered.extend(names.iter().filter(|n| **n != "import" && **n != "demo"));
    assert!(ordered.len() >= 11, "{names:?}");
    for name in ordered {
        let help = stdout(&[name, "--help"]);
        let usage = help
            .lines()
            .find(|l| l.starts_with("Usage: "))
            .unwrap_or_else(|| panic!("{name}: no usage line"));
        let mut args = vec![name.to_owned()];
        for placeholder in placeholders(usage) {
            args.push(match placeholder.as_str() {
                "DB" => s(&db),
                "FILES" => s(&input),
                "ID" | "FROM" => "0".to_owned(),
                "TO" => "2".to_owned(),
                "OUT" => path(&format!("{name}.out.mmg")),
                "NAME" => "degree".to_owned(),
                other => panic!("{usage}: no value for {other}"),
            });
        }
        let output = mmgraph().args(&args).output().expect("run");
        assert!(
            output.status.success(),
            "{usage}\nmmgraph {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
