#!/usr/bin/env python3
"""The cost of crossing from Python into mmgraph (issue 18): time per `ReadTxn.node(id)` call,
beside a call that does no graph work (`node_count()`) and a plain Python method call, and the
rate of `edges_numpy()` over a whole graph. Not part of CI.

The graph: `--nodes` nodes and `--edges` random edges (uniform ends, 4 types), bulk-loaded with
`add_edges` into a temporary file, which is reopened read-only before timing.

Setup and run (after `bash crates/python/ci.sh`, whose venv has the package):
    nice target/python-venv/bin/python benches/python_overhead.py --nodes 1000000 --edges 8000000
"""

import argparse
import os
import tempfile
import time
import timeit

import numpy as np

import mmgraph


class Plain:
    def method(self, i):
        return i


def per_call_ns(fn, ids, repeat=5):
    """The fastest of `repeat` runs of `fn` over `ids`, in ns per call."""
    best = min(timeit.repeat(lambda: [fn(i) for i in ids], number=1, repeat=repeat))
    return best / len(ids) * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=8_000_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()

    rng = np.random.default_rng(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.mmg")
        g = mmgraph.Graph(path)
        start = time.perf_counter()
        with g.write() as tx:
            for i in range(args.nodes):
                tx.add_node("n", str(i), b"0123456789")
        nodes_s = time.perf_counter() - start
        src = rng.integers(0, args.nodes, args.edges, dtype=np.uint64)
        dst = rng.integers(0, args.nodes, args.edges, dtype=np.uint64)
        types = [f"t{i % 4}" for i in range(args.edges)] if args.edges <= 100_000 else "t0"
        start = time.perf_counter()
        with g.write() as tx:
            tx.add_edges(src, dst, types)
        edges_s = time.perf_counter() - start
        del tx, g

        g = mmgraph.Graph(path, read_only=True)
        r = g.read()
        ids = rng.integers(0, args.nodes, args.calls).tolist()
        plain = Plain()
        node_ns = per_call_ns(r.node, ids)
        count_ns = per_call_ns(lambda _: r.node_count(), ids)
        plain_ns = per_call_ns(plain.method, ids)
        numpy_s = min(timeit.repeat(r.edges_numpy, number=1, repeat=3))

    print(f"graph: {args.nodes:,} nodes, {args.edges:,} edges; "
          f"load {args.nodes / nodes_s:,.0f} nodes/s (one add_node call each), "
          f"{args.edges / edges_s:,.0f} edges/s (one add_edges call)")
    print()
    print("| call | ns per call |")
    print("|---|---|")
    print(f"| `r.node(id)` (random ids) | {node_ns:.0f} |")
    print(f"| `r.node_count()` (no graph work) | {count_ns:.0f} |")
    print(f"| a plain Python method | {plain_ns:.0f} |")
    print()
    print(f"`r.edges_numpy()`: {numpy_s * 1e3:.0f} ms, {args.edges / numpy_s / 1e6:.1f} M edges/s")


if __name__ == "__main__":
    main()
