"""Type stubs of `mmgraph.algo`."""

from typing import Literal, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from ._mmgraph import ReadTxn

Direction = Literal["out", "in", "both"]
Names = Union[None, str, Sequence[str]]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

def bfs_levels(r: ReadTxn, source: int, types: Names = None, direction: Direction = "out", kinds: Names = None) -> Ints: ...
def pagerank(
    r: ReadTxn,
    damping: float = 0.85,
    iterations: int = 20,
    types: Names = None,
    direction: Direction = "out",
    kinds: Names = None,
) -> Floats: ...
def personalized_pagerank(
    r: ReadTxn,
    sources: npt.ArrayLike,
    damping: float = 0.85,
    iterations: int = 20,
    types: Names = None,
    direction: Direction = "out",
    kinds: Names = None,
) -> Floats: ...
def wcc(r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None) -> Ints: ...
def scc(r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None) -> Ints: ...
def cdlp(
    r: ReadTxn, iterations: int = 10, types: Names = None, direction: Direction = "out", kinds: Names = None
) -> Ints: ...
def lcc(r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None) -> Floats: ...
def triangles(r: ReadTxn, types: Names = None, kinds: Names = None) -> Ints: ...
def k_core(r: ReadTxn, types: Names = None, direction: Direction = "both", kinds: Names = None) -> Ints: ...
def degree_centrality(r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None) -> Ints: ...
def closeness_centrality(
    r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None
) -> Floats: ...
def betweenness_centrality(
    r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None
) -> Floats: ...
def louvain(r: ReadTxn, seed: int = 0, types: Names = None, kinds: Names = None) -> Tuple[Ints, float]: ...
def sssp(
    r: ReadTxn,
    source: int,
    weight: Optional[str] = None,
    types: Names = None,
    direction: Direction = "out",
    kinds: Names = None,
) -> Floats: ...
def topological_sort(r: ReadTxn, types: Names = None, kinds: Names = None) -> npt.NDArray[np.uint64]: ...
def reachable(
    r: ReadTxn, source: int, types: Names = None, direction: Direction = "out", kinds: Names = None
) -> npt.NDArray[np.uint64]: ...
def transitive_reduction(
    r: ReadTxn, types: Names = None, kinds: Names = None
) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]: ...
def condensation(
    r: ReadTxn, types: Names = None, direction: Direction = "out", kinds: Names = None
) -> Tuple[Ints, Tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]]: ...
def dominators(r: ReadTxn, entry: int, types: Names = None, kinds: Names = None) -> Ints: ...
def minimum_spanning_forest(
    r: ReadTxn, weight: Optional[str] = None, types: Names = None, kinds: Names = None
) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64], float]: ...
