#!/usr/bin/env python3
"""Writes the oracle fixtures of crates/algo: small generated graphs, with a fixed seed each,
and networkx's answers on them. The tests in ../oracle.rs load each graph into mmgraph, run
the same algorithms and compare.

Run once, and again only when a fixture is added (the files are committed):

    python3 -m venv /tmp/algo-venv && /tmp/algo-venv/bin/pip install networkx
    /tmp/algo-venv/bin/python crates/algo/tests/oracle/make_fixtures.py

Format, one record a line: `directed BOOL`, `nodes N`, `edge U V WEIGHT` (undirected edges once),
then answers: `scc V LABEL` (the smallest node of V's component), `core V K`, `triangles V T`,
`closeness V C`, `betweenness V B` (not normalised), `dominator V D` (entry 0),
`reduction U V` (DAGs), `ppr V X` (personalised on node 0, damping 0.85),
`msf_weight W`, `louvain_modularity Q` (networkx's Louvain, seed 1).
"""

import random
from pathlib import Path

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python as pagerank_python

OUT = Path(__file__).resolve().parent / "fixtures"


def weighted(graph, seed):
    rng = random.Random(seed)
    for u, v in graph.edges():
        graph[u][v]["weight"] = round(rng.uniform(0.1, 10.0), 3)
    return graph


def random_dag(n, p, seed):
    rng = random.Random(seed)
    dag = nx.DiGraph()
    dag.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                dag.add_edge(i, j)
    return dag


def write(name, graph):
    directed = graph.is_directed()
    lines = [f"directed {str(directed).lower()}", f"nodes {graph.number_of_nodes()}"]
    for u, v, w in graph.edges(data="weight", default=1.0):
        lines.append(f"edge {u} {v} {w!r}")
    if directed:
        for component in nx.strongly_connected_components(graph):
            label = min(component)
            lines += [f"scc {v} {label}" for v in sorted(component)]
        for v, d in sorted(nx.immediate_dominators(graph, 0).items()):
            lines.append(f"dominator {v} {d}")
        if nx.is_directed_acyclic_graph(graph):
            reduced = nx.transitive_reduction(graph)
            lines += [f"reduction {u} {v}" for u, v in sorted(reduced.edges())]
        # The pure-Python PageRank: no numpy or scipy needed.
        ppr = pagerank_python(
            graph, alpha=0.85, personalization={0: 1.0}, max_iter=10_000, tol=1e-14, weight=None
        )
        lines += [f"ppr {v} {x!r}" for v, x in sorted(ppr.items())]
    else:
        lines += [f"core {v} {k}" for v, k in sorted(nx.core_number(graph).items())]
        lines += [f"triangles {v} {t}" for v, t in sorted(nx.triangles(graph).items())]
        forest = nx.minimum_spanning_tree(graph, weight="weight")
        lines.append(f"msf_weight {forest.size(weight='weight')!r}")
        communities = nx.community.louvain_communities(graph, weight=None, seed=1)
        lines.append(f"louvain_modularity {nx.community.modularity(graph, communities, weight=None)!r}")
    closeness = nx.closeness_centrality(graph)
    lines += [f"closeness {v} {c!r}" for v, c in sorted(closeness.items())]
    betweenness = nx.betweenness_centrality(graph, normalized=False)
    lines += [f"betweenness {v} {b!r}" for v, b in sorted(betweenness.items())]
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n")


def main():
    OUT.mkdir(exist_ok=True)
    write("directed_sparse", weighted(nx.gnm_random_graph(30, 70, seed=1, directed=True), 11))
    write("directed_sparser", weighted(nx.gnm_random_graph(40, 60, seed=2, directed=True), 12))
    write("dag", weighted(random_dag(25, 0.2, seed=3), 13))
    write("undirected_random", weighted(nx.gnm_random_graph(30, 80, seed=4), 14))
    write("undirected_clustered", weighted(nx.powerlaw_cluster_graph(40, 3, 0.3, seed=5), 15))
    write("undirected_two_parts", weighted(nx.disjoint_union(nx.karate_club_graph(), nx.cycle_graph(6)), 16))


if __name__ == "__main__":
    main()
