"""to_networkx and from_networkx carry a graph both ways."""

import networkx as nx

import mmgraph


def test_to_networkx_keeps_ids_kinds_names_types_and_data(people):
    g, ids = people
    with g.read() as r:
        ref = mmgraph.to_networkx(r)
        assert ref.number_of_nodes() == r.node_count()
        assert ref.number_of_edges() == r.edge_count()
        assert ref.nodes[ids["alice"]]["kind"] == "person"
        assert ref.nodes[ids["alice"]]["name"] == "alice"
        assert ref.nodes[ids["alice"]]["data"] == b'{"age":31}'
        for u, v, key, attrs in ref.edges(keys=True, data=True):
            edge = r.edge(key)
            assert (edge.src, edge.dst, edge.type, edge.data) == (u, v, attrs["type"], attrs["data"])


def test_from_networkx_then_to_networkx_gives_the_same_graph(tmp_path):
    ref = nx.karate_club_graph().to_directed()
    g = mmgraph.from_networkx(ref, tmp_path / "karate.mmg", kind=lambda n, a: a["club"])
    with g.read() as r:
        back = mmgraph.to_networkx(r, data=False)
        order = list(ref.nodes)
        assert r.count_by_kind("Mr. Hi") + r.count_by_kind("Officer") == len(order)
        assert r.node(0).json() == {"club": "Mr. Hi"}
        assert sorted((order[u], order[v]) for u, v in back.edges()) == sorted(ref.edges())
        assert r.edge(0).json() == {"weight": ref.edges[order[0], order[1]]["weight"]}


def test_from_networkx_of_a_graph_without_attributes_needs_none():
    g = mmgraph.from_networkx(nx.path_graph(4, create_using=nx.DiGraph))
    with g.read() as r:
        assert [r.node(i).name for i in range(4)] == ["0", "1", "2", "3"]
        assert r.shortest_path(0, 3).nodes == [0, 1, 2, 3]
        assert r.edge(0).data == b""
