"""The algorithms from Python: numpy arrays by node id, checked against networkx."""

import math

import networkx as nx
import numpy as np
import pytest

import mmgraph


@pytest.fixture
def web():
    """A random directed graph in mmgraph and the same in networkx."""
    rng = np.random.default_rng(3)
    n, m = 60, 200
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        for i in range(n):
            tx.add_node("page", str(i))
        tx.add_edges(src, dst, "links")
    ref = nx.MultiDiGraph()
    ref.add_nodes_from(range(n))
    ref.add_edges_from(zip(src.tolist(), dst.tolist()))
    return g, ref


def test_bfs_levels_match_networkx_hop_counts(web):
    g, ref = web
    levels = mmgraph.algo.bfs_levels(g.read(), 0)
    expected = nx.single_source_shortest_path_length(ref, 0)
    for node in ref.nodes:
        assert levels[node] == expected.get(node, -1)


def test_wcc_groups_nodes_as_networkx_does(web):
    g, ref = web
    comp = mmgraph.algo.wcc(g.read(), direction="both")
    for component in nx.weakly_connected_components(ref):
        assert len({int(comp[n]) for n in component}) == 1
        assert int(comp[min(component)]) == min(component)


def reference_pagerank(ref, damping, iterations):
    """Graphalytics PageRank by plain power iteration over networkx's edge list."""
    n = ref.number_of_nodes()
    out = np.array([ref.out_degree(v) for v in range(n)], dtype=float)
    ranks = np.full(n, 1.0 / n)
    for _ in range(iterations):
        dangling = ranks[out == 0].sum()
        new = np.full(n, (1 - damping) / n + damping * dangling / n)
        for u, v in ref.edges():
            new[v] += damping * ranks[u] / out[u]
        ranks = new
    return ranks


def test_pagerank_matches_a_power_iteration_and_sums_to_one(web):
    g, ref = web
    ranks = mmgraph.algo.pagerank(g.read(), damping=0.85, iterations=20)
    assert ranks.dtype == np.float64
    assert math.isclose(ranks.sum(), 1.0, rel_tol=1e-9)
    np.testing.assert_allclose(ranks, reference_pagerank(ref, 0.85, 20), rtol=1e-9)


def test_triangles_match_networkx_on_the_undirected_simple_graph(web):
    g, ref = web
    simple = nx.Graph(ref.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    counts = mmgraph.algo.triangles(g.read())
    for node, expected in nx.triangles(simple).items():
        assert counts[node] == expected


def test_results_mark_deleted_nodes_as_missing():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b, c = (tx.add_node("n", x) for x in "abc")
        tx.add_edge(a, c, "e", {"w": 2.5})
        tx.delete_node(b)
    with g.read() as r:
        ranks = mmgraph.algo.pagerank(r)
        assert len(ranks) == 3 and math.isnan(ranks[b])
        assert mmgraph.algo.wcc(r)[b] == -1
        costs = mmgraph.algo.sssp(r, a, "w")
        assert costs[c] == 2.5 and math.isnan(costs[b])
        assert mmgraph.algo.topological_sort(r).tolist() == [a, c]


def test_algorithm_errors_are_exceptions_of_the_hierarchy():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b = tx.add_node("n", "a"), tx.add_node("n", "b")
        tx.add_edges([a, b], [b, a], "e")
    with g.read() as r:
        with pytest.raises(mmgraph.InvalidError, match="cycle"):
            mmgraph.algo.topological_sort(r)
        with pytest.raises(mmgraph.InvalidError, match="damping"):
            mmgraph.algo.pagerank(r, damping=1.5)
        with pytest.raises(mmgraph.InvalidError, match="unknown edge type"):
            mmgraph.algo.wcc(r, types="nope")
        with pytest.raises(mmgraph.NotFoundError):
            mmgraph.algo.bfs_levels(r, 99)
        communities, modularity = mmgraph.algo.louvain(r)
        assert communities.tolist() == [0, 0] and modularity <= 0.5


def test_personalized_pagerank_puts_its_jumps_on_the_sources(web):
    g, ref = web
    with g.read() as r:
        ranks = mmgraph.algo.personalized_pagerank(r, [0, 1])
        assert math.isclose(ranks.sum(), 1.0, rel_tol=1e-9)
        plain = mmgraph.algo.pagerank(r)
        assert ranks[0] + ranks[1] > plain[0] + plain[1]
        with pytest.raises(mmgraph.InvalidError, match="source"):
            mmgraph.algo.personalized_pagerank(r, [])


def test_reachable_matches_networkx_descendants(web):
    g, ref = web
    reached = mmgraph.algo.reachable(g.read(), 5)
    assert reached.dtype == np.uint64
    assert sorted(reached.tolist()) == sorted(nx.descendants(ref, 5) | {5})


def test_condensation_numbers_components_in_topological_order(web):
    g, ref = web
    component, (src, dst) = mmgraph.algo.condensation(g.read())
    expected = {frozenset(c) for c in nx.strongly_connected_components(ref)}
    found = {}
    for node in ref.nodes:
        found.setdefault(int(component[node]), set()).add(node)
    assert {frozenset(c) for c in found.values()} == expected
    between = {(int(component[u]), int(component[v])) for u, v in ref.edges()}
    assert set(zip(src.tolist(), dst.tolist())) == {(a, b) for a, b in between if a != b}
    assert all(a < b for a, b in zip(src.tolist(), dst.tolist()))


def dag():
    """A small DAG with redundant edges, in mmgraph and networkx."""
    edges = [(0, 1), (1, 2), (0, 2), (2, 3), (0, 3), (1, 4), (4, 3), (5, 3)]
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        for i in range(6):
            tx.add_node("block", str(i))
        for a, b in edges:
            tx.add_edge(a, b, "next")
    ref = nx.DiGraph(edges)
    return g, ref


def test_transitive_reduction_matches_networkx():
    g, ref = dag()
    src, dst = mmgraph.algo.transitive_reduction(g.read())
    assert set(zip(src.tolist(), dst.tolist())) == set(nx.transitive_reduction(ref).edges())


def test_transitive_reduction_of_a_cycle_is_an_error(web):
    g, _ = web
    with pytest.raises(mmgraph.InvalidError):
        mmgraph.algo.transitive_reduction(g.read())


def test_dominators_match_networkx_immediate_dominators():
    g, ref = dag()
    idom = mmgraph.algo.dominators(g.read(), 0)
    expected = nx.immediate_dominators(ref, 0)
    expected[0] = 0  # the entry is its own immediate dominator (networkx 3.5 leaves it out)
    for node in range(6):
        assert int(idom[node]) == expected.get(node, -1)


def test_minimum_spanning_forest_weighs_as_networkx():
    g = mmgraph.Graph.in_memory()
    weighted = [(0, 1, 4.0), (1, 2, 1.0), (0, 2, 2.0), (2, 3, 5.0), (4, 5, 0.5)]
    with g.write() as tx:
        for i in range(6):
            tx.add_node("town", str(i))
        for a, b, w in weighted:
            tx.add_edge(a, b, "road", {"km": w})
    ref = nx.Graph()
    ref.add_weighted_edges_from(weighted, weight="km")
    src, dst, edges, total = mmgraph.algo.minimum_spanning_forest(g.read(), weight="km")
    expected = nx.minimum_spanning_tree(ref, weight="km")
    assert total == pytest.approx(expected.size(weight="km"))
    assert {frozenset(p) for p in zip(src.tolist(), dst.tolist())} == {
        frozenset(e) for e in expected.edges()
    }
    assert len(edges) == len(src) == 4
    with pytest.raises(mmgraph.InvalidError):
        mmgraph.algo.minimum_spanning_forest(g.read(), weight=lambda e: 1.0)
