"""The bulk paths: add_edges from lists and numpy arrays, edges_numpy, node_ids."""

import numpy as np
import pytest

import mmgraph


def test_add_edges_from_numpy_arrays_adds_every_edge_in_one_call():
    g = mmgraph.Graph.in_memory()
    n = 1000
    rng = np.random.default_rng(7)
    src = rng.integers(0, n, 5000, dtype=np.uint64)
    dst = rng.integers(0, n, 5000, dtype=np.int64)
    with g.write() as tx:
        for i in range(n):
            tx.add_node("n", str(i))
        ids = tx.add_edges(src, dst, "link")
    assert ids.dtype == np.uint64 and len(ids) == 5000
    with g.read() as r:
        s, d, t = r.edges_numpy()
        assert s.dtype == np.uint64 and t.dtype == np.uint32
        np.testing.assert_array_equal(s, src)
        np.testing.assert_array_equal(d, dst.astype(np.uint64))
        assert set(t.tolist()) == {0} and r.edge_types() == {0: "link"}
        np.testing.assert_array_equal(r.edge_ids(), ids)
        np.testing.assert_array_equal(r.node_ids(), np.arange(n, dtype=np.uint64))
        assert r.degree(int(src[0])) == int(np.sum(src == src[0]))


def test_add_edges_takes_lists_with_one_type_and_data_per_edge():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b = tx.add_node("n", "a"), tx.add_node("n", "b")
        ids = tx.add_edges([a, b], [b, a], ["x", "y"], [{"w": 1}, b"raw"])
    with g.read() as r:
        first, second = (r.edge(int(e)) for e in ids)
        assert (first.src, first.dst, first.type, first.json()) == (a, b, "x", {"w": 1})
        assert (second.type, second.data) == ("y", b"raw")


def test_add_edges_refuses_mismatched_lengths_and_missing_nodes():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a = tx.add_node("n", "a")
        with pytest.raises(mmgraph.InvalidError, match="sources"):
            tx.add_edges([a, a], [a], "x")
        with pytest.raises(mmgraph.InvalidError, match="edge types"):
            tx.add_edges([a], [a], ["x", "y"])
        with pytest.raises(mmgraph.InvalidError, match="data values"):
            tx.add_edges([a], [a], "x", [b"", b""])
        with pytest.raises(mmgraph.InvalidError, match="one-dimensional"):
            tx.add_edges(np.zeros((2, 2)), np.zeros((2, 2)), "x")
    with pytest.raises(mmgraph.NotFoundError):
        with g.write() as tx:
            tx.add_edges([0], [5], "x")


def test_edges_numpy_of_an_empty_graph_is_three_empty_arrays():
    with mmgraph.Graph.in_memory().read() as r:
        s, d, t = r.edges_numpy()
        assert len(s) == len(d) == len(t) == 0


def test_rebuild_indexes_packs_them_and_finds_every_name():
    g = mmgraph.Graph.in_memory()
    names = [f"{(i * 2654435761) % 100000007:08} taxon" for i in range(20000)]
    with g.write() as tx:
        for name in names:
            tx.add_node("taxon", name)
    before = g.stats()["pages_by_structure"]["name index"]
    with g.write() as tx:
        tx.rebuild_indexes()
    # Keys of 20 bytes (name, separator, id), packed (about 19.5 bytes each, sharing the
    # first digits with the key before): 98 leaves and a branch, where slotted full leaves
    # take 130.
    assert g.stats()["pages_by_structure"]["name index"] == 99 < before
    assert g.check() == []
    with g.read() as r:
        assert r.nodes_by_name(names[12345]) == [12345]
        assert len(r.nodes_by_prefix("")) == 20000
