"""Type stubs of the native module `mmgraph._mmgraph` (re-exported by `mmgraph`)."""

import os
from types import ModuleType, TracebackType
from typing import Any, Callable, Dict, List, Literal, Optional, Sequence, Tuple, Type, Union

import numpy as np
import numpy.typing as npt

Direction = Literal["out", "in", "both"]
Types = Union[None, str, Sequence[str]]
Data = Union[None, bytes, bytearray, Any]
Key = Union[bytes, str]
Weight = Union[None, str, Callable[["Edge"], float]]

algo: ModuleType

class Error(Exception):
    """Every error mmgraph raises: the base of the hierarchy."""

class CorruptError(Error):
    """The database file is damaged."""

class LockedError(Error):
    """Another handle holds the file."""

class ReadOnlyError(Error):
    """A write was asked of a graph opened with read_only=True."""

class NotFoundError(Error):
    """No node, edge or vector index has this id or name."""

class InvalidError(Error):
    """An argument the graph refuses."""

class LimitError(Error):
    """The graph holds as many nodes, edges or edge types as its layout can number."""

class BusyError(Error):
    """Another write transaction is open (from Graph.write(wait=False))."""

class ClosedError(Error):
    """The transaction was finished, or is busy in this thread's callback."""

class QueryError(Error):
    """A Cypher query failed: its syntax or checks (with line and column), or while running."""

class Node:
    """A node, copied out of a snapshot."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    def json(self) -> Any:
        """The data parsed as JSON."""

class Edge:
    """An edge, copied out of a snapshot."""

    @property
    def id(self) -> int: ...
    @property
    def src(self) -> int: ...
    @property
    def dst(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    def json(self) -> Any:
        """The data parsed as JSON."""

class Path:
    """A path: nodes (both ends), edges and their types per hop, and its cost."""

    @property
    def nodes(self) -> List[int]: ...
    @property
    def edges(self) -> List[int]: ...
    @property
    def types(self) -> List[str]: ...
    @property
    def cost(self) -> float: ...
    def __len__(self) -> int: ...

class Graph:
    """A graph database in one file (or in memory)."""

    def __init__(self, path: Union[str, "os.PathLike[str]"], read_only: bool = False) -> None: ...
    @staticmethod
    def in_memory() -> "Graph": ...
    def write(self, wait: bool = True, durable: bool = True) -> "WriteTxn": ...
    def read(self) -> "ReadTxn": ...
    def check(self) -> List[str]: ...
    def stats(self) -> Dict[str, Any]: ...
    def flush(self) -> None: ...
    @property
    def read_only(self) -> bool: ...

class ReadTxn:
    """A read snapshot of one commit."""

    def node(self, id: int) -> Optional[Node]: ...
    def edge(self, id: int) -> Optional[Edge]: ...
    def node_count(self) -> int: ...
    def edge_count(self) -> int: ...
    def neighbors(self, id: int, direction: Direction = "out", types: Types = None) -> List[int]: ...
    def neighbor_edges(
        self, id: int, direction: Direction = "out", types: Types = None
    ) -> List[Tuple[int, int, str]]: ...
    def degree(self, id: int, direction: Direction = "out", types: Types = None) -> int: ...
    def kinds(self) -> List[str]: ...
    def edge_types(self) -> Dict[int, str]: ...
    def nodes_by_kind(self, kind: str) -> List[int]: ...
    def count_by_kind(self, kind: str) -> int: ...
    def nodes_by_name(self, name: str) -> List[int]: ...
    def nodes_by_prefix(self, prefix: str) -> List[int]: ...
    def node_ids(self) -> npt.NDArray[np.uint64]: ...
    def edge_ids(self) -> npt.NDArray[np.uint64]: ...
    def edges_numpy(
        self,
    ) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint32]]: ...
    def bfs(
        self,
        start: int,
        direction: Direction = "out",
        types: Types = None,
        max_depth: Optional[int] = None,
    ) -> List[Tuple[int, int]]: ...
    def k_hop(self, start: int, k: int, direction: Direction = "out", types: Types = None) -> List[int]: ...
    def shortest_path(
        self, src: int, dst: int, direction: Direction = "out", types: Types = None
    ) -> Optional[Path]: ...
    def dijkstra(
        self,
        src: int,
        dst: int,
        weight: Weight = None,
        direction: Direction = "out",
        types: Types = None,
    ) -> Optional[Path]: ...
    def astar(
        self,
        src: int,
        dst: int,
        estimate: Callable[[int], float],
        weight: Weight = None,
        direction: Direction = "out",
        types: Types = None,
    ) -> Optional[Path]: ...
    def distances(
        self,
        src: int,
        weight: Weight = None,
        direction: Direction = "out",
        types: Types = None,
    ) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.float64]]: ...
    def k_shortest_paths(
        self,
        src: int,
        dst: int,
        k: int,
        weight: Weight = None,
        direction: Direction = "out",
        types: Types = None,
    ) -> List[Path]: ...
    def all_shortest_paths(
        self,
        src: int,
        dst: int,
        limit: int = 1000,
        direction: Direction = "out",
        types: Types = None,
    ) -> List[Path]: ...
    def vector_indexes(self) -> List[Dict[str, Any]]: ...
    def query(
        self, text: str, params: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        """The rows of a Cypher query on this snapshot, as dicts keyed by column."""
        ...
    def external_id(self, id: int) -> Optional[str]: ...
    def node_of_external(self, ext: str) -> Optional[int]: ...
    def kv_get(self, space: str, key: Key) -> Optional[bytes]: ...
    def kv_items(self, space: str, prefix: Optional[Key] = None) -> List[Tuple[bytes, bytes]]: ...
    def kv_len(self, space: str) -> int: ...
    def kv_spaces(self) -> List[str]: ...
    def vector(self, index: str, node: int) -> Optional[npt.NDArray[np.float32]]: ...
    def vector_search(
        self,
        index: str,
        query: npt.ArrayLike,
        k: int = 10,
        ef: Optional[int] = None,
        exact: bool = False,
        kind: Optional[str] = None,
        near: Optional[int] = None,
        hops: int = 1,
        direction: Direction = "out",
        edge_type: Optional[str] = None,
    ) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.float32]]: ...
    @property
    def txn_id(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> "ReadTxn": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

class WriteTxn:
    """The write transaction."""

    def add_node(self, kind: str, name: str, data: Data = None) -> int: ...
    def add_edge(self, src: int, dst: int, type: str, data: Data = None) -> int: ...
    def add_edges(
        self,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        types: Union[str, Sequence[str]],
        data: Optional[Sequence[Data]] = None,
    ) -> npt.NDArray[np.uint64]: ...
    def update_node(self, id: int, kind: str, name: str, data: Data = None) -> None: ...
    def set_node_data(self, id: int, data: Data) -> None: ...
    def delete_node(self, id: int) -> None: ...
    def set_edge_data(self, id: int, data: Data) -> None: ...
    def delete_edge(self, id: int) -> None: ...
    def rebuild_indexes(self) -> None:
        """Rewrites the name and kind indexes into packed pages, for the end of a bulk load of nodes."""
        ...
    def node(self, id: int) -> Optional[Node]: ...
    def edge(self, id: int) -> Optional[Edge]: ...
    def node_count(self) -> int: ...
    def edge_count(self) -> int: ...
    def query(
        self, text: str, params: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        """The rows of a Cypher query run in this transaction (writes included)."""
        ...
    def kv_insert(self, space: str, key: Key, value: Key) -> Optional[bytes]: ...
    def kv_remove(self, space: str, key: Key) -> Optional[bytes]: ...
    def create_vector_index(
        self,
        name: str,
        dimension: int,
        metric: Literal["cosine", "l2", "ip"] = "cosine",
        m: int = 16,
        ef_construction: int = 200,
    ) -> None: ...
    def drop_vector_index(self, name: str) -> bool: ...
    def set_vector(self, index: str, node: int, vector: npt.ArrayLike) -> None: ...
    def set_vectors(self, index: str, nodes: npt.ArrayLike, vectors: npt.ArrayLike) -> None: ...
    def delete_vector(self, index: str, node: int) -> bool: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...
    def __enter__(self) -> "WriteTxn": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

def export_graphml(r: ReadTxn, path: Union[str, os.PathLike[str]], nodes: Optional[Sequence[int]] = None) -> Tuple[int, int]:
    """Writes the snapshot (or ``nodes`` and the edges among them) as GraphML; ``(nodes, edges)`` written."""
def export_dot(r: ReadTxn, path: Union[str, os.PathLike[str]], nodes: Optional[Sequence[int]] = None) -> Tuple[int, int]:
    """Writes the snapshot (or ``nodes`` and the edges among them) as a DOT digraph; ``(nodes, edges)`` written."""
def import_sqlitegraph(src: Union[str, os.PathLike[str]], path: Union[str, os.PathLike[str]]) -> Dict[str, Any]:
    """Imports the sqlitegraph database ``src`` into the mmgraph file ``path`` in one transaction; counts."""
def export_sqlitegraph(r: ReadTxn, dst: Union[str, os.PathLike[str]], force: bool = False) -> Dict[str, int]:
    """Writes the snapshot to a new SQLite file in sqlitegraph's schema; rows written per table."""
def export_parquet(
    r: ReadTxn, dir: Union[str, os.PathLike], partition: bool = False, force: bool = False
) -> Dict[str, Any]:
    """Writes the snapshot as Parquet in the GraphFrames layout (vertices, edges) under `dir`;
    returns the row counts, the files and which ids the id columns hold."""
    ...

def import_parquet(
    dir: Union[str, os.PathLike], path: Union[Graph, str, os.PathLike]
) -> Dict[str, Any]:
    """Imports Parquet in the GraphFrames layout into a graph or database file, all or
    nothing; vertex ids become external ids. Returns the counts added and the files read."""
    ...
