//! Every command's usage line, followed to the letter, works: the arguments it shows are taken
//! in the order it shows them (`node`'s once put the id before the database, and following it
//! gave `no such database`).

use std::path::Path;

mod support;
use support::cmd::mmgraph;

fn stdout(args: &[&str]) -> String {
    let output = mmgraph().args(args).output().expect("run mmgraph");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The words of `usage` after `[OPTIONS]`: a required option's flag as written (`--dim`), and
/// for each placeholder the first alternative of its group (`<ID|--name <NAME>|--kind <KIND>>`
/// gives `ID`), in brackets' kind: `<` for a required one, `[` for an optional one.
fn words(usage: &str) -> Vec<(char, String)> {
    let after = usage.split("[OPTIONS]").nth(1).unwrap_or("");
    let mut words = Vec::new();
    let mut depth = 0;
    let mut opened = '<';
    let mut group = String::new();
    let mut flag = String::new();
    for c in after.chars() {
        match c {
            '<' | '[' => {
                if depth > 0 {
                    group.push(c);
                } else {
                    opened = c;
                }
                depth += 1;
            }
            '>' | ']' => {
                depth -= 1;
                if depth == 0 {
                    let first = group.split('|').next().unwrap_or("").to_owned();
                    words.push((opened, first));
                    group.clear();
                } else {
                    group.push(c);
                }
            }
            c if depth > 0 => group.push(c),
            ' ' if !flag.is_empty() => words.push(('-', std::mem::take(&mut flag))),
            ' ' => {}
            c => flag.push(c),
        }
    }
    words
}

/// The value the test gives placeholder `word` of command `name`.
fn value(name: &str, word: &str, db: &str, input: &str, out: &str) -> Option<String> {
    Some(match (name, word) {
        (_, "DB") => db.to_owned(),
        (_, "FILES") => input.to_owned(),
        (_, "ID" | "FROM") => "0".to_owned(),
        (_, "TO") => "2".to_owned(),
        (_, "OUT") => out.to_owned(),
        ("algo", "NAME") => "degree".to_owned(),
        (_, "NAME" | "INDEX") => "emb".to_owned(),
        (_, "DIM") => "2".to_owned(),
        (_, "VECTOR") => "0.5,0.5".to_owned(),
        (_, "QUERY") => "MATCH (n) RETURN count(n)".to_owned(),
        _ => return None,
    })
}

/// The command's arguments as its usage line shows them: every required word, no optional one.
fn arguments(path: &[&str], usage: &str, db: &str, input: &str, out: &str) -> Vec<String> {
    let name = path.last().copied().unwrap_or("");
    let mut args: Vec<String> = path.iter().map(|p| (*p).to_owned()).collect();
    for (kind, word) in words(usage) {
        match kind {
            '-' => args.push(word),
            '<' => args.push(
                value(name, &word, db, input, out)
                    .unwrap_or_else(|| panic!("{usage}: no value for {word}")),
            ),
            _ => {}
        }
    }
    args
}

/// The usage line of `mmgraph <path> --help`.
fn usage(path: &[&str]) -> String {
    let mut args = path.to_vec();
    args.push("--help");
    stdout(&args)
        .lines()
        .find(|l| l.starts_with("Usage: "))
        .unwrap_or_else(|| panic!("{path:?}: no usage line"))
        .to_owned()
}

/// The subcommands `mmgraph <path> --help` lists, `help` left out.
fn subcommands(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    stdout(&args)
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's name is indented by two spaces; its wrapped description by more.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn following_each_usage_line_runs_the_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("graph.edges");
    std::fs::write(&input, "a b\nb c\n").expect("write");
    let db = dir.path().join("graph.mmg");
    let s = |p: &Path| p.to_str().expect("path").to_owned();
    let names = subcommands(&[]);
    // `import` first, so the others have a database to read; `vector create` before the
    // vector commands that need an index, `vector drop` last. `vector set` takes a node and
    // `--vector`, `--from FILE` or `--npy FILE`, which a usage line cannot say: it is tested in
    // `vector_commands.rs`.
    let mut ordered: Vec<Vec<String>> = vec![vec!["import".to_owned()]];
    for name in names.iter().filter(|n| *n != "import" && *n != "demo") {
        let line = usage(&[name]);
        if line.contains("<COMMAND>") {
            let mut subs = subcommands(&[name]);
            subs.retain(|sub| sub != "set");
            subs.sort_by_key(|sub| (sub != "create", sub == "drop"));
            ordered.extend(subs.into_iter().map(|sub| vec![name.clone(), sub]));
        } else {
            ordered.push(vec![name.clone()]);
        }
    }
    assert!(ordered.len() >= 11, "{names:?}");
    for path in ordered {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let line = usage(&path);
        let out = s(&dir.path().join(format!("{}.out.mmg", path.join("-"))));
        let args = arguments(&path, &line, &s(&db), &s(&input), &out);
        let output = mmgraph().args(&args).output().expect("run");
        assert!(
            output.status.success(),
            "{line}\nmmgraph {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
