"""Graph algorithms over a read snapshot (the ``algo`` crate), with the GIL released.

Per-node results are numpy arrays indexed by node id, one entry per id up to the highest: floats
are NaN and integers -1 for ids with no value (deleted nodes, nodes outside the view, nodes not
reached). Every function takes the snapshot first; the view is given by ``types`` (edge types,
``None`` for all), ``direction`` (``"out"``, ``"in"`` or ``"both"``) and ``kinds`` (kinds of
node, ``None`` for all).
"""

from ._mmgraph import algo as _native

bfs_levels = _native.bfs_levels
pagerank = _native.pagerank
personalized_pagerank = _native.personalized_pagerank
wcc = _native.wcc
scc = _native.scc
cdlp = _native.cdlp
lcc = _native.lcc
triangles = _native.triangles
k_core = _native.k_core
degree_centrality = _native.degree_centrality
closeness_centrality = _native.closeness_centrality
betweenness_centrality = _native.betweenness_centrality
louvain = _native.louvain
sssp = _native.sssp
topological_sort = _native.topological_sort
reachable = _native.reachable
transitive_reduction = _native.transitive_reduction
condensation = _native.condensation
dominators = _native.dominators
minimum_spanning_forest = _native.minimum_spanning_forest

__all__ = [
    "betweenness_centrality",
    "bfs_levels",
    "cdlp",
    "closeness_centrality",
    "condensation",
    "degree_centrality",
    "dominators",
    "k_core",
    "lcc",
    "louvain",
    "minimum_spanning_forest",
    "pagerank",
    "personalized_pagerank",
    "reachable",
    "scc",
    "sssp",
    "topological_sort",
    "transitive_reduction",
    "triangles",
    "wcc",
]
