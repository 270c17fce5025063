"""Cypher from Python: rows as dicts, parameters, writes that commit or abort with the
transaction, and errors as exceptions."""

import pytest

import mmgraph


def test_a_write_query_commits_with_its_transaction_and_reads_back_as_dicts():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        tx.query("CREATE (:Person {name: 'Ada', born: 1815})-[:KNOWS]->(:Person {name: 'Bob'})")
    with g.read() as r:
        rows = r.query(
            "MATCH (a:Person)-[k:KNOWS]->(b) WHERE a.born < $year RETURN a.name AS a, b",
            {"year": 1900},
        )
    assert len(rows) == 1
    assert rows[0]["a"] == "Ada"
    assert rows[0]["b"]["labels"] == ["Person"]
    assert rows[0]["b"]["properties"] == {"name": "Bob"}


def test_a_write_query_in_a_block_that_raises_leaves_nothing():
    g = mmgraph.Graph.in_memory()
    with pytest.raises(ValueError):
        with g.write() as tx:
            tx.query("CREATE (:Person {name: 'Ada'})")
            raise ValueError("stop")
    with g.read() as r:
        assert r.query("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_bad_query_names_its_position_and_a_write_on_a_snapshot_is_refused():
    g = mmgraph.Graph.in_memory()
    with g.read() as r:
        with pytest.raises(mmgraph.QueryError, match="line 1, column"):
            r.query("MATCH (n RETURN n")
        with pytest.raises(mmgraph.ReadOnlyError):
            r.query("CREATE (:Person)")
        with pytest.raises(mmgraph.QueryError):
            r.query("RETURN $missing")
