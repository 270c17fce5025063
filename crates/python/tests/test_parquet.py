"""Parquet export read back by DuckDB and pyarrow (counts per kind and type, sample rows equal
to what mmgraph reads), import back into mmgraph, and the refusals of both."""

import collections
import json
import random

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import mmgraph

KINDS = ["person", "city", "a/b=c"]
TYPES = ["knows", "lives_in", "x=y"]


@pytest.fixture
def graph():
    """600 nodes of three kinds with JSON or binary data, 1,800 edges of three types."""
    rng = random.Random(7)
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        ids = []
        for i in range(600):
            data = {"i": i} if i % 3 else (b"\xff\x00" if i % 2 else None)
            ids.append(tx.add_node(KINDS[i % 3], f"node {i}", data))
        for i in range(1800):
            tx.add_edge(rng.choice(ids), rng.choice(ids), TYPES[i % 3], {"w": i} if i % 2 else None)
    return g


def mmgraph_counts(r):
    kinds = {k: r.count_by_kind(k) for k in r.kinds()}
    types = collections.Counter(r.edge(e).type for e in r.edge_ids())
    return kinds, dict(types)


def sample_ids(r, n=50):
    return random.Random(1).sample(list(map(int, r.node_ids())), n)


def test_duckdb_reads_the_export_with_the_same_counts_and_rows(graph, tmp_path):
    out = tmp_path / "out"
    with graph.read() as r:
        summary = mmgraph.export_parquet(r, str(out))
        assert summary["vertices"] == r.node_count() and summary["ids"] == "node"
        kinds, types = mmgraph_counts(r)
        db = duckdb.connect()
        v, e = str(out / "vertices.parquet"), str(out / "edges.parquet")
        got = dict(db.execute(f"SELECT kind, count(*) FROM '{v}' GROUP BY kind").fetchall())
        assert got == kinds
        got = dict(db.execute(f"SELECT type, count(*) FROM '{e}' GROUP BY type").fetchall())
        assert got == types
        for node in sample_ids(r):
            row = db.execute(f"SELECT kind, name, data FROM '{v}' WHERE id = ?", [node]).fetchone()
            n = r.node(node)
            assert row == (n.kind, n.name, n.data or None)
        # JSON data reads as text with decode().
        (text,) = db.execute(f"SELECT decode(data) FROM '{v}' WHERE id = 1").fetchone()
        assert json.loads(text) == r.node(1).json()
        # Out-degrees computed by DuckDB are mmgraph's.
        for node, degree in db.execute(f"SELECT src, count(*) FROM '{e}' GROUP BY src").fetchall():
            assert r.degree(node, "out") == degree


def test_pyarrow_reads_the_partitioned_export_with_the_same_counts_and_rows(graph, tmp_path):
    out = tmp_path / "out"
    with graph.read() as r:
        mmgraph.export_parquet(r, str(out), partition=True)
        kinds, types = mmgraph_counts(r)
        vertices = ds.dataset(str(out / "vertices"), partitioning="hive").to_table()
        edges = ds.dataset(str(out / "edges"), partitioning="hive").to_table()
        assert dict(collections.Counter(vertices["kind"].to_pylist())) == kinds
        assert dict(collections.Counter(edges["type"].to_pylist())) == types
        assert vertices.schema.field("id").type == pa.int64()
        assert vertices.schema.field("data").type == pa.binary()
        rows = {row["id"]: row for row in vertices.to_pylist()}
        for node in sample_ids(r):
            n = r.node(node)
            assert (rows[node]["kind"], rows[node]["name"], rows[node]["data"]) == (
                n.kind,
                n.name,
                n.data or None,
            )
        # DuckDB reads the same directories as one table with the partition column.
        db = duckdb.connect()
        glob = str(out / "edges" / "*" / "*.parquet")
        got = db.execute(
            f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true) WHERE type = 'x=y'"
        ).fetchone()[0]
        assert got == types["x=y"]


def test_an_export_imports_back_into_a_graph_or_a_file(graph, tmp_path, path):
    out = tmp_path / "out"
    with graph.read() as r:
        mmgraph.export_parquet(r, str(out), partition=True)
        expected = mmgraph_counts(r)
        names = {n: r.node(n).name for n in sample_ids(r)}
    added = mmgraph.import_parquet(str(out), path)
    assert (added["vertices"], added["edges"]) == (600, 1800)
    copy = mmgraph.Graph(path)
    with copy.read() as r:
        assert mmgraph_counts(r) == expected
        for old, name in names.items():
            new = r.node_of_external(str(old))
            assert r.external_id(new) == str(old)
            assert r.node(new).name == name
    other = mmgraph.Graph.in_memory()
    assert mmgraph.import_parquet(str(out), other)["edges"] == 1800


def test_a_file_whose_columns_do_not_match_is_refused_and_imports_nothing(tmp_path, path):
    bad = tmp_path / "v.parquet"
    table = pa.table({"id": pa.array([1, 2], pa.int32()), "kind": ["k", "k"], "name": ["a", "b"]})
    pq.write_table(table, str(bad))
    with pytest.raises(mmgraph.InvalidError, match="column `id` is INT32; expected INT64"):
        mmgraph.import_parquet(str(bad), path)
    g = mmgraph.Graph.in_memory()
    missing = tmp_path / "m.parquet"
    pq.write_table(pa.table({"id": pa.array([1], pa.int64()), "kind": ["k"]}), str(missing))
    with pytest.raises(mmgraph.InvalidError, match="no column `name`"):
        mmgraph.import_parquet(str(missing), g)
    with g.read() as r:
        assert r.node_count() == 0


def test_an_export_into_a_directory_with_files_needs_force(graph, tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with graph.read() as r:
        with pytest.raises(mmgraph.InvalidError, match="not empty"):
            mmgraph.export_parquet(r, str(tmp_path))
        assert mmgraph.export_parquet(r, str(tmp_path), force=True)["edges"] == 1800
    assert (tmp_path / "mine.txt").read_text() == "keep"
