"""Reads: nodes, edges, neighbours, degree, lookups, traversals, paths, key-value spaces."""

import pytest

import mmgraph


def test_a_node_reads_back_its_kind_name_and_json_data(people):
    g, ids = people
    with g.read() as r:
        alice = r.node(ids["alice"])
        assert (alice.id, alice.kind, alice.name) == (ids["alice"], "person", "alice")
        assert alice.json() == {"age": 31}
        assert r.node(ids["lisbon"]).data == b""
        assert r.node(999) is None
        assert "alice" in repr(alice)


def test_neighbors_follow_direction_and_edge_types(people):
    g, ids = people
    with g.read() as r:
        assert r.neighbors(ids["alice"]) == [ids["bob"], ids["lisbon"]]
        assert r.neighbors(ids["alice"], types="knows") == [ids["bob"]]
        assert r.neighbors(ids["lisbon"], "in") == [ids["alice"], ids["bob"]]
        assert sorted(r.neighbors(ids["bob"], "both")) == sorted(
            [ids["carol"], ids["lisbon"], ids["alice"]]
        )
        assert r.neighbors(ids["bob"], types=["knows", "lives_in"]) == [ids["carol"], ids["lisbon"]]
        assert r.neighbors(ids["bob"], types="never_used") == []
        with pytest.raises(mmgraph.InvalidError):
            r.neighbors(ids["bob"], "sideways")


def test_degree_counts_edges_by_direction_and_type(people):
    g, ids = people
    with g.read() as r:
        assert r.degree(ids["bob"]) == 2
        assert r.degree(ids["bob"], "in") == 1
        assert r.degree(ids["bob"], "both") == 3
        assert r.degree(ids["bob"], "out", "knows") == 1


def test_lookups_by_kind_name_and_prefix(people):
    g, ids = people
    with g.read() as r:
        assert r.nodes_by_kind("city") == [ids["lisbon"], ids["porto"]]
        assert r.count_by_kind("person") == 3
        assert r.nodes_by_kind("planet") == []
        assert r.nodes_by_name("carol") == [ids["carol"]]
        assert r.nodes_by_prefix("p") == [ids["porto"]]
        assert sorted(r.kinds()) == ["city", "person"]
        assert sorted(r.edge_types().values()) == ["knows", "lives_in"]


def test_bfs_and_k_hop_reach_nodes_by_depth(people):
    g, ids = people
    with g.read() as r:
        reached = dict(r.bfs(ids["alice"], types="knows"))
        assert reached == {ids["alice"]: 0, ids["bob"]: 1, ids["carol"]: 2}
        assert dict(r.bfs(ids["alice"], max_depth=1)) == {
            ids["alice"]: 0,
            ids["bob"]: 1,
            ids["lisbon"]: 1,
        }
        assert sorted(r.k_hop(ids["porto"], 2, "in")) == [ids["bob"], ids["carol"]]
        with pytest.raises(mmgraph.NotFoundError):
            r.bfs(999)


def test_shortest_path_returns_nodes_edges_and_types(people):
    g, ids = people
    with g.read() as r:
        p = r.shortest_path(ids["alice"], ids["porto"])
        assert p.nodes == [ids["alice"], ids["bob"], ids["carol"], ids["porto"]]
        assert p.types == ["knows", "knows", "lives_in"]
        assert len(p) == 3 and p.cost == 3
        assert [r.edge(e).src for e in p.edges] == p.nodes[:-1]
        assert r.shortest_path(ids["porto"], ids["alice"]) is None
        back = r.shortest_path(ids["porto"], ids["alice"], "in")
        assert back.nodes == [ids["porto"], ids["carol"], ids["bob"], ids["alice"]]


def test_dijkstra_weighs_edges_by_a_data_field_or_a_callable():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b, c = (tx.add_node("n", x) for x in "abc")
        tx.add_edge(a, c, "road", {"km": 10})
        tx.add_edge(a, b, "road", {"km": 3})
        tx.add_edge(b, c, "road", {"km": 4})
    with g.read() as r:
        by_field = r.dijkstra(a, c, "km")
        assert by_field.nodes == [a, b, c] and by_field.cost == 7
        by_hops = r.dijkstra(a, c)
        assert by_hops.nodes == [a, c] and by_hops.cost == 1
        by_callable = r.dijkstra(a, c, lambda e: 100 - e.json()["km"])
        assert by_callable.nodes == [a, c] and by_callable.cost == 90
        with pytest.raises(mmgraph.InvalidError, match="no number in field"):
            r.dijkstra(a, c, "miles")
        with pytest.raises(mmgraph.InvalidError, match="weight"):
            r.dijkstra(a, c, lambda e: -1)


def test_an_exception_in_a_weight_callable_reaches_the_caller_as_it_is(people):
    g, ids = people

    def weight(edge):
        raise LookupError("no weight for %d" % edge.id)

    with g.read() as r:
        with pytest.raises(LookupError, match="no weight"):
            r.dijkstra(ids["alice"], ids["carol"], weight)
        # The snapshot cannot be used from inside its own callback, and is usable after it.
        with pytest.raises(mmgraph.ClosedError, match="busy"):
            r.dijkstra(ids["alice"], ids["carol"], lambda e: r.degree(e.dst))
        with pytest.raises(mmgraph.ClosedError, match="busy"):
            r.dijkstra(ids["alice"], ids["carol"], lambda e: len(r.bfs(e.dst)))
        assert r.node(ids["alice"]).name == "alice"


def test_key_value_spaces_commit_with_the_graph():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        assert tx.kv_insert("config", "colour", "blue") is None
        assert tx.kv_insert("config", b"colour", b"red") == b"blue"
        tx.kv_insert("config", "size", b"\x01")
        tx.kv_insert("other", "k", "v")
    with g.read() as r:
        assert r.kv_get("config", "colour") == b"red"
        assert r.kv_get("config", "missing") is None
        assert r.kv_items("config") == [(b"colour", b"red"), (b"size", b"\x01")]
        assert r.kv_items("config", "si") == [(b"size", b"\x01")]
        assert r.kv_len("config") == 2
        assert r.kv_spaces() == ["config", "other"]
    with g.write() as tx:
        assert tx.kv_remove("other", "k") == b"v"
    assert g.read().kv_spaces() == ["config"]


def test_invalid_names_are_invalid_errors_with_the_rust_message():
    g = mmgraph.Graph.in_memory()
    with pytest.raises(mmgraph.InvalidError, match="NUL"):
        with g.write() as tx:
            tx.add_node("person", "a\x00b")
    with pytest.raises(TypeError):
        with g.write() as tx:
            tx.add_node("person", "a", {"not json": object()})


def test_k_shortest_and_all_shortest_paths_list_paths_in_order():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b, c, d = (tx.add_node("n", x) for x in "abcd")
        tx.add_edges([a, a, b, c, a], [b, c, d, d, d], "e", [{"w": 1}, {"w": 1}, {"w": 1}, {"w": 2}, {"w": 5}])
    with g.read() as r:
        paths = r.k_shortest_paths(a, d, 3, "w")
        assert [p.nodes for p in paths] == [[a, b, d], [a, c, d], [a, d]]
        assert [p.cost for p in paths] == [2, 3, 5]
        by_hops = r.k_shortest_paths(a, d, 1)
        assert by_hops[0].nodes == [a, d]
        assert sorted(p.nodes for p in r.all_shortest_paths(b, d)) == [[b, d]]
        assert r.all_shortest_paths(d, a) == []
        assert len(r.all_shortest_paths(a, d, direction="both")) == 1


def test_astar_follows_its_estimate_and_distances_cover_every_reached_node():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a, b, c, d = (tx.add_node("n", x) for x in "abcd")
        tx.add_edge(a, c, "road", {"km": 10})
        tx.add_edge(a, b, "road", {"km": 3})
        tx.add_edge(b, c, "road", {"km": 4})
    asked = []

    def estimate(node):
        asked.append(node)
        return 0.0

    with g.read() as r:
        path = r.astar(a, c, estimate, "km")
        assert path.nodes == [a, b, c] and path.cost == 7
        assert a in asked
        assert r.astar(a, d, lambda n: 0.0) is None
        with pytest.raises(mmgraph.InvalidError):
            r.astar(a, c, lambda n: -1.0)
        with pytest.raises(ZeroDivisionError):
            r.astar(a, c, lambda n: 1 / 0)
        nodes, costs = r.distances(a, "km")
        assert nodes.tolist() == [a, b, c] and costs.tolist() == [0.0, 3.0, 7.0]
        hop_nodes, hop_costs = r.distances(c, direction="in")
        assert dict(zip(hop_nodes.tolist(), hop_costs.tolist())) == {c: 0.0, a: 1.0, b: 1.0}
