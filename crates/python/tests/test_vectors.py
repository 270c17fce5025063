"""Vector indexes from Python: numpy in, numpy out."""

import numpy as np
import pytest

import mmgraph


def test_vector_search_finds_the_nearest_nodes_and_filters_by_kind():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(200, 8)).astype(np.float32)
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        ids = [tx.add_node("even" if i % 2 == 0 else "odd", str(i)) for i in range(200)]
        tx.create_vector_index("emb", 8, "l2")
        tx.set_vectors("emb", ids, points)
    query = points[10] + 0.001
    with g.read() as r:
        found, distances = r.vector_search("emb", query, k=5)
        assert found.dtype == np.uint64 and distances.dtype == np.float32
        exact, exact_d = r.vector_search("emb", query, k=5, exact=True)
        assert found[0] == ids[10] and exact[0] == ids[10]
        expected = np.argsort(((points - query) ** 2).sum(axis=1))[:5]
        assert exact.tolist() == [ids[i] for i in expected]
        assert np.all(np.diff(exact_d) >= 0)
        odd, _ = r.vector_search("emb", query, k=5, kind="odd")
        assert all(r.node(int(n)).kind == "odd" for n in odd)
        np.testing.assert_allclose(r.vector("emb", ids[3]), points[3])
        [info] = r.vector_indexes()
        assert (info["name"], info["dimension"], info["metric"], info["len"]) == ("emb", 8, "l2", 200)
        assert r.vector("emb", 10_000) is None


def test_vector_errors_name_the_problem():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a = tx.add_node("n", "a")
        tx.create_vector_index("emb", 3, "cosine")
        with pytest.raises(mmgraph.InvalidError, match="components"):
            tx.set_vector("emb", a, [1.0, 2.0])
        with pytest.raises(mmgraph.InvalidError, match="metric"):
            tx.create_vector_index("x", 3, "manhattan")
        tx.set_vector("emb", a, [1.0, 0.0, 0.0])
        assert tx.delete_vector("emb", a)
    with g.read() as r:
        with pytest.raises(mmgraph.NotFoundError):
            r.vector_search("missing", [1, 0, 0])


def test_vector_search_near_a_node_keeps_only_nodes_within_its_hops():
    rng = np.random.default_rng(2)
    points = rng.normal(size=(100, 4)).astype(np.float32)
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        ids = [tx.add_node("n", str(i)) for i in range(100)]
        for i in range(99):
            tx.add_edge(ids[i], ids[i + 1], "next" if i % 2 == 0 else "skip")
        tx.create_vector_index("emb", 4, "l2")
        tx.set_vectors("emb", ids, points)
    with g.read() as r:
        found, _ = r.vector_search("emb", points[50], k=10, near=ids[40], hops=3)
        assert sorted(found.tolist()) == ids[41:44]
        back, _ = r.vector_search("emb", points[0], k=10, near=ids[40], hops=2, direction="in")
        assert sorted(back.tolist()) == ids[38:40]
        typed, _ = r.vector_search("emb", points[0], k=10, near=ids[40], hops=3, edge_type="next")
        assert typed.tolist() == [ids[41]]
        with pytest.raises(mmgraph.InvalidError, match="one filter"):
            r.vector_search("emb", points[0], kind="n", near=ids[0])
