//! `mmgraph shell` reading statements from a pipe: multi-line statements, parameters, writes
//! committed one statement at a time, errors reported with their position while the shell
//! goes on.

use assert_cmd::Command;

fn shell(db: &std::path::Path, script: &str) -> (bool, String, String) {
    let output = Command::cargo_bin("mmgraph")
        .expect("the binary builds")
        .arg("shell")
        .arg(db)
        .write_stdin(script)
        .output()
        .expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn piped_statements_span_lines_use_parameters_and_commit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s.mmg");
    let (ok, out, err) = shell(
        &db,
        "CREATE (:Person {name: 'Ada', born: 1815}),\n       (:Person {name: 'Bob', born: 1900});\n\
         :param year 1850\n\
         MATCH (p:Person)\nWHERE p.born > $year\nRETURN p.name AS name;\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("name\n-----\n'Bob'\n(1 row)"), "{out}");
    // A second session sees what the first committed.
    let (ok, out, err) = shell(&db, "MATCH (p:Person) RETURN count(p) AS n;");
    assert!(ok, "{err}");
    assert!(out.contains("n\n-\n2\n(1 row)"), "{out}");
}

#[test]
fn an_error_is_reported_with_its_position_and_the_shell_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s.mmg");
    let (ok, out, err) = shell(
        &db,
        "RETURN 1 AS one;\nMATCH (n)\nRETURN m;\nRETURN 2 AS two;\nCALL algo.nope();\n:nonsense\n",
    );
    assert!(
        !ok,
        "a script with a failing statement exits with a failure"
    );
    assert!(out.contains("one") && out.contains("two"), "{out}");
    assert!(
        err.contains("UndefinedVariable") && err.contains("line 2, column 8"),
        "{err}"
    );
    assert!(
        err.contains("ProcedureNotFound") && err.contains("line 1, column 6"),
        "{err}"
    );
    assert!(err.contains(":nonsense"), "{err}");
}

#[test]
fn a_failing_write_statement_leaves_nothing_and_later_ones_commit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s.mmg");
    let (_, _, err) = shell(
        &db,
        "UNWIND [1, 0] AS d CREATE (:Item {v: 10 / d});\nCREATE (:Item {v: 7});\n",
    );
    assert!(err.contains("ArithmeticError"), "{err}");
    let (ok, out, err) = shell(&db, "MATCH (i:Item) RETURN collect(i.v) AS vs;");
    assert!(ok, "{err}");
    assert!(out.contains("[7]"), "{out}");
}

#[test]
fn quit_stops_reading_and_semicolons_in_strings_do_not_split() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s.mmg");
    let (ok, out, err) = shell(
        &db,
        "RETURN 'a;b' AS s;\n:quit\nRETURN 'after quit' AS s;\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("'a;b'") && !out.contains("after quit"),
        "{out}"
    );
}

#[test]
fn call_runs_in_the_shell_and_help_lists_the_procedures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s.mmg");
    let (ok, out, err) = shell(
        &db,
        "CREATE (:P {name: 'a'})-[:K]->(:P {name: 'b'});\n\
         CALL algo.bfs({source: 0}) YIELD node, level RETURN node.name AS n, level ORDER BY level;\n\
         :help\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("'a' | 0\n'b' | 1"), "{out}");
    assert!(
        out.contains("algo.pagerank") && out.contains(":param"),
        "{out}"
    );
}
