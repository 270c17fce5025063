"""Conversions between an mmgraph snapshot and a networkx ``MultiDiGraph``."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Optional, Union

from ._mmgraph import Graph, ReadTxn


def to_networkx(r: ReadTxn, data: bool = True) -> Any:
    """The snapshot ``r`` as a ``networkx.MultiDiGraph``.

    Nodes are keyed by their mmgraph id and carry ``kind``, ``name`` and (with ``data``) ``data``
    as bytes; edges are keyed by their edge id and carry ``type`` (and ``data``). The edge list
    is read in one call (``r.edges_numpy()``); with ``data`` each edge's data is read too.
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for node_id in r.node_ids().tolist():
        node = r.node(node_id)
        attrs = {"kind": node.kind, "name": node.name}
        if data:
            attrs["data"] = node.data
        g.add_node(node_id, **attrs)
    names = r.edge_types()
    src, dst, types = r.edges_numpy()
    if data:
        edge_ids = r.edge_ids().tolist()
        for s, d, t, e in zip(src.tolist(), dst.tolist(), types.tolist(), edge_ids):
            edge = r.edge(e)
            g.add_edge(s, d, key=e, type=names[t], data=edge.data)
    else:
        for s, d, t in zip(src.tolist(), dst.tolist(), types.tolist()):
            g.add_edge(s, d, type=names[t])
    return g


def _value(attrs: dict, key: str, default: Any) -> Any:
    value = attrs.get(key, default)
    return default if value is None else value


def from_networkx(
    nx_graph: Any,
    path: Union[str, "os.PathLike[str]", None] = None,
    kind: Union[str, Callable[[Any, dict], str]] = "node",
    edge_type: Union[str, Callable[[Any, Any, dict], str]] = "edge",
) -> Graph:
    """An mmgraph graph (the file ``path``, opened or created, or a graph in memory when
    ``None``) with ``nx_graph``'s nodes and edges added in one transaction.

    A node's kind is its ``kind`` attribute, else ``kind`` (a name, or a function of the node
    and its attributes); its name is its ``name`` attribute, else ``str(node)``; its data is its
    ``data`` attribute when that is bytes, else the JSON of its other attributes. Edges take
    ``type`` and ``data`` the same way. An undirected graph's edges are written one way each.
    Nodes get ids in the order of ``nx_graph.nodes``: on a new graph the i-th node gets id i.
    """
    g = Graph.in_memory() if path is None else Graph(os.fspath(path))
    ids = {}
    with g.write() as tx:
        for node, attrs in nx_graph.nodes(data=True):
            node_kind = attrs.get("kind") or (kind(node, attrs) if callable(kind) else kind)
            name = _value(attrs, "name", str(node))
            ids[node] = tx.add_node(node_kind, str(name), _data(attrs, ("kind", "name")))
        src, dst, types, data = [], [], [], []
        for u, v, attrs in nx_graph.edges(data=True):
            src.append(ids[u])
            dst.append(ids[v])
            types.append(
                attrs.get("type") or (edge_type(u, v, attrs) if callable(edge_type) else edge_type)
            )
            data.append(_data(attrs, ("type",)))
        tx.add_edges(src, dst, types, data)
    return g


def _data(attrs: dict, skip: tuple) -> Optional[Union[bytes, dict]]:
    """What to store as a node's or edge's data: its ``data`` bytes, or its other attributes."""
    data = attrs.get("data")
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    rest = {k: v for k, v in attrs.items() if k not in skip}
    if not rest:
        return None
    json.dumps(rest)  # raises TypeError now, naming the attribute, if it is not JSON
    return rest
