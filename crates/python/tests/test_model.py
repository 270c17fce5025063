"""A model test: random operation sequences applied to mmgraph and to a networkx
``MultiDiGraph`` must leave the same nodes, edges, neighbour lists and BFS reach, across
commits, aborts and reopening the file."""

import tempfile
import os

import networkx as nx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import mmgraph

TYPES = ["a", "b", "c"]


class GraphModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "model.mmg")
        self.graph = mmgraph.Graph(self.path)
        self.tx = self.graph.write()
        self.committed = nx.MultiDiGraph()
        self.model = nx.MultiDiGraph()

    def teardown(self):
        self.tx.abort()
        del self.tx, self.graph
        self.dir.cleanup()

    def nodes(self):
        return sorted(self.model.nodes)

    @rule(kind=st.sampled_from(["x", "y"]), name=st.text(max_size=4).filter(lambda s: "\0" not in s))
    def add_node(self, kind, name):
        node = self.tx.add_node(kind, name)
        assert node not in self.model
        self.model.add_node(node, kind=kind, name=name)

    @precondition(lambda self: len(self.model) > 0)
    @rule(data=st.data(), edge_type=st.sampled_from(TYPES))
    def add_edge(self, data, edge_type):
        u = data.draw(st.sampled_from(self.nodes()))
        v = data.draw(st.sampled_from(self.nodes()))
        edge = self.tx.add_edge(u, v, edge_type)
        self.model.add_edge(u, v, key=edge, type=edge_type)

    @precondition(lambda self: len(self.model) > 0)
    @rule(data=st.data(), n=st.integers(1, 5), edge_type=st.sampled_from(TYPES))
    def add_edges(self, data, n, edge_type):
        pairs = data.draw(st.lists(st.tuples(*[st.sampled_from(self.nodes())] * 2), min_size=n, max_size=n))
        ids = self.tx.add_edges([p[0] for p in pairs], [p[1] for p in pairs], edge_type)
        for (u, v), e in zip(pairs, ids.tolist()):
            self.model.add_edge(u, v, key=e, type=edge_type)

    @precondition(lambda self: self.model.number_of_edges() > 0)
    @rule(data=st.data())
    def delete_edge(self, data):
        u, v, key = data.draw(st.sampled_from(sorted(self.model.edges(keys=True))))
        self.tx.delete_edge(key)
        self.model.remove_edge(u, v, key=key)

    @precondition(lambda self: len(self.model) > 0)
    @rule(data=st.data())
    def delete_node(self, data):
        node = data.draw(st.sampled_from(self.nodes()))
        self.tx.delete_node(node)
        self.model.remove_node(node)

    @rule()
    def commit(self):
        self.tx.commit()
        self.committed = self.model.copy()
        self.tx = self.graph.write()

    @rule()
    def abort(self):
        self.tx.abort()
        self.model = self.committed.copy()
        self.tx = self.graph.write()

    @rule()
    def reopen(self):
        self.tx.abort()
        del self.tx
        self.graph = None
        self.graph = mmgraph.Graph(self.path)
        self.model = self.committed.copy()
        self.tx = self.graph.write()

    @invariant()
    def the_committed_graph_reads_as_the_model(self):
        with self.graph.read() as r:
            ref = self.committed
            assert r.node_count() == ref.number_of_nodes()
            assert r.edge_count() == ref.number_of_edges()
            assert r.node_ids().tolist() == sorted(ref.nodes)
            for node, attrs in ref.nodes(data=True):
                got = r.node(node)
                assert (got.kind, got.name) == (attrs["kind"], attrs["name"])
                out = sorted((v, k, a["type"]) for _, v, k, a in ref.out_edges(node, keys=True, data=True))
                assert sorted(r.neighbor_edges(node, "out")) == out
                assert sorted(r.neighbors(node, "in")) == sorted(u for u, _ in ref.in_edges(node))
                for t in TYPES:
                    assert r.degree(node, "out", t) == sum(1 for x in out if x[2] == t)
                reached = {n: d for n, d in r.bfs(node)}
                assert reached == nx.single_source_shortest_path_length(ref, node)
            s, d, t = r.edges_numpy()
            names = r.edge_types()
            got_edges = sorted(zip(r.edge_ids().tolist(), s.tolist(), d.tolist(), (names[x] for x in t.tolist())))
            assert got_edges == sorted((k, u, v, a["type"]) for u, v, k, a in ref.edges(keys=True, data=True))


GraphModel.TestCase.settings = settings(
    max_examples=int(os.environ.get("MMGRAPH_MODEL_EXAMPLES", "40")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_graph_model = GraphModel.TestCase
