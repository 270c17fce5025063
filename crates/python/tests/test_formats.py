"""GraphML and DOT exports read back by networkx (and pydot), and migration from and to
sqlitegraph's SQLite schema, checked with the standard library's sqlite3."""

import sqlite3

import networkx as nx
import pytest

import mmgraph

AWKWARD = "<a & b> \"q\" 'x'\nline Zürich 東京"


@pytest.fixture
def awkward(people):
    """The people graph plus a node with an awkward name, extra labels and a control character."""
    g, ids = people
    with g.write() as tx:
        ids["odd"] = tx.add_node("person", AWKWARD + "\x01", {"score": 2.5, "tags": ["a", "b"]})
        tx.add_edge(ids["odd"], ids["alice"], "knows")
    return g, ids


def test_graphml_reads_back_with_networkx_with_counts_and_attributes(awkward, tmp_path):
    g, ids = awkward
    out = tmp_path / "g.graphml"
    with g.read() as r:
        written = mmgraph.export_graphml(r, out)
        assert written == (r.node_count(), r.edge_count())
        back = nx.read_graphml(out, force_multigraph=True)
        assert back.number_of_nodes() == r.node_count()
        assert back.number_of_edges() == r.edge_count()
        for node_id in r.node_ids().tolist():
            node = r.node(node_id)
            attrs = back.nodes[f"n{node_id}"]
            assert attrs["kind"] == node.kind
            want = node.name.replace("\x01", "\ufffd")
            assert attrs["name"] == want
    alice = back.nodes[f"n{ids['alice']}"]
    assert alice["age"] == 31 and isinstance(alice["age"], int)
    odd = back.nodes[f"n{ids['odd']}"]
    assert odd["name"] == AWKWARD + "\ufffd"
    assert odd["score"] == 2.5
    assert odd["tags"] == '["a","b"]'
    since = sorted(d["since"] for _, _, d in back.edges(data=True) if "since" in d)
    assert since == [2019, 2021]
    types = sorted(d["type"] for _, _, d in back.edges(data=True))
    assert types.count("knows") == 3 and types.count("lives_in") == 3


def test_graphml_of_a_traversal_has_its_nodes_and_the_edges_among_them(people, tmp_path):
    g, ids = people
    out = tmp_path / "bfs.graphml"
    with g.read() as r:
        reached = [n for n, _ in r.bfs(ids["alice"], max_depth=1)]
        assert sorted(reached) == sorted([ids["alice"], ids["bob"], ids["lisbon"]])
        # alice-knows->bob, alice-lives_in->lisbon and bob-lives_in->lisbon; not bob->carol.
        assert mmgraph.export_graphml(r, out, nodes=reached) == (3, 3)
    back = nx.read_graphml(out, force_multigraph=True)
    assert sorted(back.nodes) == sorted(f"n{n}" for n in reached)
    assert sorted(d["type"] for _, _, d in back.edges(data=True)) == ["knows", "lives_in", "lives_in"]


def test_dot_reads_back_with_pydot_with_counts_and_labels(awkward, tmp_path):
    g, ids = awkward
    out = tmp_path / "g.dot"
    with g.read() as r:
        assert mmgraph.export_dot(r, out) == (r.node_count(), r.edge_count())
        back = nx.nx_pydot.read_dot(out)
        assert back.number_of_nodes() == r.node_count()
        assert back.number_of_edges() == r.edge_count()
        for node_id in r.node_ids().tolist():
            node = r.node(node_id)
            attrs = back.nodes[str(node_id)]
            assert attrs["kind"].strip('"') == node.kind
    assert back.nodes[str(ids["bob"])]["label"] == '"bob"'
    # DOT keeps the escapes inside a quoted string: \" for a quote, \n for a line break.
    odd = back.nodes[str(ids["odd"])]["label"]
    assert odd == '"' + AWKWARD.replace('"', '\\"').replace("\n", "\\n") + '\ufffd"'
    labels = sorted(d["label"] for _, _, d in back.edges(data=True))
    assert labels.count('"knows"') == 3


def sqlitegraph_db(path):
    """A sqlitegraph database in its base schema: two entities, an edge, an edge to a deleted
    entity, a label, a property and a key-value entry."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE graph_entities (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
            name TEXT NOT NULL, file_path TEXT, data TEXT NOT NULL);
        CREATE TABLE graph_edges (id INTEGER PRIMARY KEY AUTOINCREMENT, from_id INTEGER NOT NULL,
            to_id INTEGER NOT NULL, edge_type TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE graph_labels (entity_id INTEGER NOT NULL, label TEXT NOT NULL);
        CREATE TABLE graph_properties (entity_id INTEGER NOT NULL, key TEXT NOT NULL,
            value TEXT NOT NULL);
        CREATE TABLE kv_store (key TEXT PRIMARY KEY, value BLOB);
        INSERT INTO graph_entities VALUES (7, 'Function', 'main', 'src/main.rs', '{"line": 3}');
        INSERT INTO graph_entities VALUES (9, 'File', 'main.rs', NULL, '{}');
        INSERT INTO graph_edges VALUES (1, 7, 9, 'DEFINED_IN', '{"weight": 1.5}');
        INSERT INTO graph_edges VALUES (2, 7, 8, 'CALLS', '{}');
        INSERT INTO graph_labels VALUES (7, 'entry');
        INSERT INTO graph_properties VALUES (7, 'lang', 'rust');
        INSERT INTO kv_store VALUES ('cursor', 'abc');
        """
    )
    db.commit()
    db.close()


def test_sqlitegraph_import_keeps_ids_labels_properties_and_counts_dangling_edges(tmp_path):
    src = tmp_path / "old.db"
    sqlitegraph_db(src)
    target = tmp_path / "new.mmg"
    report = mmgraph.import_sqlitegraph(src, target)
    assert (report["nodes"], report["edges"], report["skipped_edges"]) == (2, 1, 1)
    assert report["skipped_edge_ids"] == [2]
    g = mmgraph.Graph(target)
    with g.read() as r:
        (row,) = r.query("MATCH (f:Function) RETURN f")
        assert row["f"]["labels"] == ["Function", "entry"]
        assert row["f"]["properties"] == {
            "data": {"line": 3},
            "file_path": "src/main.rs",
            "properties": {"lang": "rust"},
        }
        assert r.kv_get("sqlitegraph.kv", b"cursor") == b"abc"
        out = tmp_path / "back.db"
        written = mmgraph.export_sqlitegraph(r, out)
        assert written["entities"] == 2 and written["edges"] == 1
        with pytest.raises(mmgraph.InvalidError):
            mmgraph.export_sqlitegraph(r, out)
    db = sqlite3.connect(out)
    assert db.execute("SELECT id, kind, name, file_path, data FROM graph_entities ORDER BY id").fetchall() == [
        (7, "Function", "main", "src/main.rs", '{"line":3}'),
        (9, "File", "main.rs", None, "{}"),
    ]
    assert db.execute("SELECT id, from_id, to_id, edge_type, data FROM graph_edges").fetchall() == [
        (1, 7, 9, "DEFINED_IN", '{"weight":1.5}')
    ]
    assert db.execute("SELECT entity_id, label FROM graph_labels").fetchall() == [(7, "entry")]
    assert db.execute("SELECT * FROM graph_properties").fetchall() == [(7, "lang", "rust")]
    assert db.execute("SELECT key, value FROM kv_store").fetchall() == [("cursor", "abc")]


def test_a_database_that_is_not_sqlitegraph_imports_nothing(tmp_path):
    src = tmp_path / "other.db"
    db = sqlite3.connect(src)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    target = tmp_path / "new.mmg"
    with pytest.raises(mmgraph.InvalidError, match="graph_entities"):
        mmgraph.import_sqlitegraph(src, target)
    g = mmgraph.Graph(target)
    with g.read() as r:
        assert r.node_count() == 0
