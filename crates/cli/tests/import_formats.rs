//! Import takes files as they come: a reading per file (`--format` and `--columns` before the
//! files they are for, a Neo4j header row, or the extension), headerless tables with columns
//! from the command line, and errors that say how a file was read and how to choose another.

use graph::{Direction, Graph, GraphRead};

mod support;
use support::cmd::{ok, run, s, write};

const NODES_TSV: &str = "noun.Tops\tsynset\tentity\tthat which is perceived\n\
noun.act\tsynset\tact\tsomething done\n\
act.n.01\tlemma\tact\t\n";
const EDGES_TSV: &str = "noun.act\tnoun.Tops\thypernym\nact.n.01\tnoun.act\tlemma_of\n";

#[test]
fn two_headerless_tsv_files_import_with_columns_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nodes = write(dir.path(), "nodes.tsv", NODES_TSV);
    let edges = write(dir.path(), "edges.tsv", EDGES_TSV);
    let db = dir.path().join("words.mmg");
    let out = ok(&[
        "import",
        s(&db),
        "--columns",
        "id,kind,name,data.text",
        s(&nodes),
        "--columns",
        "src,dst,type",
        s(&edges),
    ]);
    assert!(out.contains("imported 3 nodes and 2 edges"), "{out}");
    let graph = Graph::open(&db).expect("open");
    let read = graph.begin_read().expect("read");
    let act: Vec<_> = read
        .nodes_by_name("act")
        .collect::<Result<_, _>>()
        .expect("names");
    assert_eq!(act.len(), 2);
    let synset = read.node(act[0]).expect("node").expect("live");
    assert_eq!(synset.kind().expect("kind"), "synset");
    assert_eq!(
        &*synset.data().expect("data"),
        br#"{"text":"something done"}"#
    );
    // An empty data field is left out: no data at all.
    let lemma = read.node(act[1]).expect("node").expect("live");
    assert!(lemma.data().expect("data").is_empty());
    let up: Vec<_> = read
        .neighbors(act[0], Direction::Out, Some("hypernym"))
        .expect("neighbours")
        .collect::<Result<_, _>>()
        .expect("neighbours");
    assert_eq!(up.len(), 1);
    let top = read.node(up[0].node).expect("node").expect("live");
    assert_eq!(top.name().expect("name"), "entity");
    assert_eq!(read.edge_count(), 2);
}

#[test]
fn neo4j_header_rows_are_detected_in_csv_and_tsv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = write(
        dir.path(),
        "people.csv",
        "personId:ID,name,:LABEL,age:int,member:boolean\np1,Ann,person,31,true\np2,\"Bob, Jr.\",person,,false\n",
    );
    let knows = write(
        dir.path(),
        "knows.tsv",
        ":START_ID\t:END_ID\t:TYPE\tsince:int\np1\tp2\tKNOWS\t2019\n",
    );
    let db = dir.path().join("people.mmg");
    let out = ok(&["import", s(&db), s(&people), s(&knows)]);
    assert!(out.contains("imported 2 nodes and 1 edges"), "{out}");
    let ann: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "node", s(&db), "-x", "p1"])).expect("JSON");
    assert_eq!(ann["kind"], "person");
    assert_eq!(ann["name"], "Ann");
    assert_eq!(ann["data"], serde_json::json!({"age": 31, "member": true}));
    let bob: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "node", s(&db), "-x", "p2"])).expect("JSON");
    assert_eq!(bob["name"], "Bob, Jr.");
    let graph = Graph::open(&db).expect("open");
    let read = graph.begin_read().expect("read");
    let edge = read.edges().next().expect("an edge").expect("edge");
    assert_eq!(edge.edge_type().expect("type"), "KNOWS");
    assert_eq!(&*edge.data().expect("data"), br#"{"since":2019}"#);
}

#[test]
fn a_file_read_the_wrong_way_names_its_reading_and_how_to_choose_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nodes = write(dir.path(), "nodes.tsv", NODES_TSV);
    let edges = write(dir.path(), "edges.tsv", EDGES_TSV);
    let db = dir.path().join("words.mmg");
    let output = run(&["import", s(&db), s(&nodes), s(&edges)]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(
            "nodes.tsv was read as taxonomy TSV (id, parent, rank, name), by its extension"
        ),
        "{err}"
    );
    assert!(
        err.contains("edges.tsv:1: 3 tab-separated fields; expected 4"),
        "{err}"
    );
    assert!(
        err.contains("--format FORMAT or --columns LIST before it"),
        "{err}"
    );
    assert!(!db.exists(), "nothing is written when the check fails");
}

#[test]
fn each_file_takes_the_format_given_before_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = write(
        dir.path(),
        "people.txt",
        "{\"id\":\"a\",\"kind\":\"p\"}\n{\"id\":\"b\",\"kind\":\"p\"}\n",
    );
    let links = write(dir.path(), "links.txt", "a b likes\nb c\n");
    let db = dir.path().join("g.mmg");
    let out = ok(&[
        "import",
        s(&db),
        "--format",
        "jsonl",
        s(&people),
        "--format",
        "edges",
        s(&links),
    ]);
    assert!(out.contains("imported 3 nodes and 2 edges"), "{out}");
    let twice = run(&["import", s(&db), s(&links), s(&links)]);
    let err = String::from_utf8_lossy(&twice.stderr);
    assert!(err.contains("links.txt is given twice"), "{err}");
    let trailing = run(&["import", s(&db), s(&people), "--format", "jsonl"]);
    assert_eq!(trailing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&trailing.stderr);
    assert!(err.contains("apply to the files after them"), "{err}");
}
