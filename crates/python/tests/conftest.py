"""Shared fixtures: a fresh file per test, and a small graph of people and cities."""

import pytest

import mmgraph


@pytest.fixture
def path(tmp_path):
    """A path for a new database file, removed with the test's directory."""
    return str(tmp_path / "test.mmg")


@pytest.fixture
def people():
    """An in-memory graph: alice -knows-> bob -knows-> carol, everyone -lives_in-> a city.

    Returns ``(graph, ids)`` with ``ids`` by name.
    """
    g = mmgraph.Graph.in_memory()
    ids = {}
    with g.write() as tx:
        for name, age in [("alice", 31), ("bob", 42), ("carol", 27)]:
            ids[name] = tx.add_node("person", name, {"age": age})
        for city in ["lisbon", "porto"]:
            ids[city] = tx.add_node("city", city)
        tx.add_edge(ids["alice"], ids["bob"], "knows", {"since": 2019})
        tx.add_edge(ids["bob"], ids["carol"], "knows", {"since": 2021})
        tx.add_edge(ids["alice"], ids["lisbon"], "lives_in")
        tx.add_edge(ids["bob"], ids["lisbon"], "lives_in")
        tx.add_edge(ids["carol"], ids["porto"], "lives_in")
    return g, ids
