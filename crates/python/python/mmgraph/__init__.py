"""mmgraph: an embedded graph database in one memory-mapped file.

ACID copy-on-write transactions, snapshot readers beside one writer, typed directed edges,
indexes by kind and name, traversals and paths, graph algorithms (``mmgraph.algo``) and vector
search, from one file that opens in microseconds at any size.

>>> import mmgraph
>>> g = mmgraph.Graph.in_memory()
>>> with g.write() as tx:
...     a = tx.add_node("person", "alice", {"age": 31})
...     b = tx.add_node("person", "bob")
...     e = tx.add_edge(a, b, "knows")
>>> with g.read() as r:
...     r.node(a).json()["age"], r.neighbors(a)
(31, [1])
"""

from ._mmgraph import (
    BusyError,
    ClosedError,
    CorruptError,
    Edge,
    Error,
    Graph,
    InvalidError,
    LimitError,
    LockedError,
    Node,
    NotFoundError,
    Path,
    QueryError,
    ReadOnlyError,
    ReadTxn,
    WriteTxn,
    export_dot,
    export_graphml,
    export_sqlitegraph,
    import_sqlitegraph,
    export_parquet,
    import_parquet,
)
from . import algo
from ._networkx import from_networkx, to_networkx

__all__ = [
    "BusyError",
    "ClosedError",
    "CorruptError",
    "Edge",
    "Error",
    "Graph",
    "InvalidError",
    "LimitError",
    "LockedError",
    "Node",
    "NotFoundError",
    "Path",
    "QueryError",
    "ReadOnlyError",
    "ReadTxn",
    "WriteTxn",
    "algo",
    "export_dot",
    "export_graphml",
    "export_parquet",
    "export_sqlitegraph",
    "from_networkx",
    "import_parquet",
    "import_sqlitegraph",
    "to_networkx",
]
