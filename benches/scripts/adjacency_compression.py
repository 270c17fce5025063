#!/usr/bin/env python3
"""How small the adjacency would be with compressed lists: a simulation for issue 19, not a
benchmark of code that exists.

The format simulated: a list's entries as two varints each, the neighbour and the edge id as
zigzag differences from the entry before (the first from the list's own node), the edge type
left out (a page whose entries share one type records it once); a page holds consecutive
adjacency leaves (64 nodes each) whole, up to `--group` of them, behind a 32-byte head and a
2-byte end per list (128 a leaf); lists longer than the hub threshold (337) stay hubs, as
now, and are not counted; a leaf too large for a page alone is counted as a leaf page plus
12-byte entries in run pages, as now (and, in the second figure, with its runs compressed
the same way).

    python3 benches/scripts/adjacency_compression.py --taxonomy ../shared/data/ncbi-taxonomy.tsv.xz
    python3 benches/scripts/adjacency_compression.py --uniform 100000 1000000

Node ids are the taxonomy's lines in order and edge ids its edges in order, as
`mmgraph import` assigns them; the uniform graph's edges are drawn with Python's generator
(seed 5), the same distribution as `compare`'s `medium`, not the same edges.
"""

import argparse
import lzma
import random

NODES_PER_LEAF = 64
HUB_THRESHOLD = 337
PAGE = 4096
HEAD = 32
ENDS_PER_LEAF = 2 * NODES_PER_LEAF * 2
RUN_CAPACITY = (PAGE - 32) // 12


def taxonomy(path):
    """Out and in lists of the taxonomy: child -> parent, in file order."""
    taxids, parents = [], []
    with lzma.open(path, "rt") as f:
        for line in f:
            taxid, parent, _ = line.split("\t", 2)
            taxids.append(int(taxid))
            parents.append(int(parent))
    node_of = {t: i for i, t in enumerate(taxids)}
    edges = []
    for child, parent in enumerate(parents):
        if node_of[parent] != child:
            edges.append((child, node_of[parent]))
    return len(taxids), edges


def uniform(nodes, edges, seed=5):
    rng = random.Random(seed)
    return nodes, [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(edges)]


def varint_len(delta):
    zigzag = delta << 1 if delta >= 0 else ((-delta) << 1) - 1
    length = 1
    while zigzag >= 128:
        zigzag >>= 7
        length += 1
    return length


def list_bytes(node, entries):
    size, neighbor_before, edge_before = 0, node, node
    for neighbor, edge in entries:
        size += varint_len(neighbor - neighbor_before) + varint_len(edge - edge_before)
        neighbor_before, edge_before = neighbor, edge
    return size


def simulate(nodes, edges, groups):
    out = [[] for _ in range(nodes)]
    into = [[] for _ in range(nodes)]
    for edge, (a, b) in enumerate(edges):
        out[a].append((b, edge))
        into[b].append((a, edge))
    leaves = []
    for first in range(0, nodes, NODES_PER_LEAF):
        size = entries = 0
        for node in range(first, min(nodes, first + NODES_PER_LEAF)):
            for entries_of in (out[node], into[node]):
                if len(entries_of) <= HUB_THRESHOLD:
                    size += list_bytes(node, entries_of)
                    entries += len(entries_of)
        leaves.append((size, entries))
    total_bytes = sum(s for s, _ in leaves)
    total_entries = sum(e for _, e in leaves)
    print(f"{nodes} nodes, {len(edges)} edges; entries outside hubs: {total_entries}, "
          f"{total_bytes / max(1, total_entries):.2f} bytes each compressed (12 now)")
    for group in groups:
        pages, compressed_runs, leaf = 0, 0, 0
        while leaf < len(leaves):
            used, taken = HEAD, 0
            while (leaf < len(leaves) and taken < group
                   and used + ENDS_PER_LEAF + leaves[leaf][0] <= PAGE):
                used += ENDS_PER_LEAF + leaves[leaf][0]
                taken += 1
                leaf += 1
            if taken == 0:
                pages += 1 + -(-leaves[leaf][1] // RUN_CAPACITY)
                compressed_runs += 1 + -(-leaves[leaf][0] // (PAGE - 32))
                leaf += 1
            else:
                pages += 1
                compressed_runs += 1
        print(f"  up to {group} leaves a page: {pages} pages, {pages * PAGE / 2**20:.1f} MiB; "
              f"with large leaves' runs compressed too: {compressed_runs * PAGE / 2**20:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomy", metavar="TSV_XZ")
    parser.add_argument("--uniform", nargs=2, type=int, metavar=("NODES", "EDGES"))
    parser.add_argument("--groups", default="1,2,4,8")
    args = parser.parse_args()
    groups = [int(g) for g in args.groups.split(",")]
    if args.taxonomy:
        simulate(*taxonomy(args.taxonomy), groups)
    if args.uniform:
        simulate(*uniform(*args.uniform), groups)


if __name__ == "__main__":
    main()
