#!/usr/bin/env python3
"""The cost of crossing from Python into mmgraph (issue 18): time per `ReadTxn.node(id)` call,
beside a call that does no graph work (`node_count()`) and a plain Python method call, and the
rate of `edges_numpy()` over a whole graph. Not part of CI.

The graph: `--nodes` nodes and `--edges` random edges (uniform ends, 4 types), or with
`--kron` an R-MAT graph of the `kron` shape (scale 20, edge factor 16, a=0.57 b=0.19 c=0.19, ids
permuted; made here with numpy, seed 42, so not edge for edge the Rust generator's), bulk-loaded
with `add_edges` into a temporary file, which is reopened read-only before timing.

With `--kuzu`, the same nodes (id, name, 10 bytes of data) go into Kùzu 0.11.3 (one thread) and
its per-query cost is timed on the same ids: a point lookup by primary key, and a query that
reads nothing (`RETURN $id`).

Setup and run (after `bash crates/python/ci.sh`, whose venv has the package):
    target/python-venv/bin/pip install kuzu==0.11.3
    nice target/python-venv/bin/python benches/python_overhead.py --nodes 1000000 --edges 8000000 --kuzu
    nice target/python-venv/bin/python benches/python_overhead.py --kron
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


def rmat(scale, edge_factor, rng, a=0.57, b=0.19, c=0.19):
    """R-MAT edges: `edge_factor << scale` pairs over `1 << scale` nodes, ids permuted."""
    m = edge_factor << scale
    src = np.zeros(m, dtype=np.uint64)
    dst = np.zeros(m, dtype=np.uint64)
    for level in range(scale):
        r = rng.random(m)
        right = ((r >= a) & (r < a + b)) | (r >= a + b + c)
        down = r >= a + b
        bit = np.uint64(1 << level)
        src |= down.astype(np.uint64) * bit
        dst |= right.astype(np.uint64) * bit
    permutation = rng.permutation(1 << scale).astype(np.uint64)
    return permutation[src], permutation[dst]


def kuzu_per_query_ns(args, ids):
    """Kùzu's cost per query from Python: (a point lookup by primary key, a query reading
    nothing)."""
    import kuzu

    with tempfile.TemporaryDirectory() as tmp:
        db = kuzu.Database(os.path.join(tmp, "kuzu"), max_num_threads=1)
        conn = kuzu.Connection(db, num_threads=1)
        conn.execute("CREATE NODE TABLE N(id INT64, name STRING, data BLOB, PRIMARY KEY(id));")
        csv = os.path.join(tmp, "nodes.csv")
        with open(csv, "w") as f:
            for i in range(args.nodes):
                f.write(f"{i},{i},0123456789\n")
        conn.execute(f"COPY N FROM '{csv}' (HEADER=false);")
        lookup = "MATCH (n:N {id: $id}) RETURN n.name, n.data"

        def node(i):
            return conn.execute(lookup, {"id": i}).get_next()

        def trivial(i):
            return conn.execute("RETURN $id", {"id": i}).get_next()

        return per_call_ns(node, ids, repeat=3), per_call_ns(trivial, ids, repeat=3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=8_000_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--kron", action="store_true", help="an R-MAT graph of the kron shape")
    parser.add_argument("--kuzu", action="store_true", help="time Kùzu's per-query cost too")
    parser.add_argument("--kuzu-calls", type=int, default=3_000)
    args = parser.parse_args()

    rng = np.random.default_rng(42)
    if args.kron:
        args.nodes, args.edges = 1 << 20, 16 << 20
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.mmg")
        g = mmgraph.Graph(path)
        start = time.perf_counter()
        with g.write() as tx:
            for i in range(args.nodes):
                tx.add_node("n", str(i), b"0123456789")
        nodes_s = time.perf_counter() - start
        if args.kron:
            src, dst = rmat(20, 16, rng)
        else:
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
    kuzu_ns = kuzu_per_query_ns(args, ids[: args.kuzu_calls]) if args.kuzu else None

    shape = "R-MAT (kron)" if args.kron else "uniform random"
    print(f"graph ({shape}): {args.nodes:,} nodes, {args.edges:,} edges; "
          f"load {args.nodes / nodes_s:,.0f} nodes/s (one add_node call each), "
          f"{args.edges / edges_s:,.0f} edges/s (one add_edges call)")
    print()
    print("| call | ns per call |")
    print("|---|---|")
    print(f"| `r.node(id)` (random ids) | {node_ns:.0f} |")
    print(f"| `r.node_count()` (no graph work) | {count_ns:.0f} |")
    print(f"| a plain Python method | {plain_ns:.0f} |")
    if kuzu_ns:
        print(f"| Kùzu: `MATCH (n:N {{id: $id}}) RETURN n.name, n.data` | {kuzu_ns[0]:.0f} |")
        print(f"| Kùzu: `RETURN $id` (the query's cost alone) | {kuzu_ns[1]:.0f} |")
    print()
    print(f"`r.edges_numpy()`: {numpy_s * 1e3:.0f} ms, {args.edges / numpy_s / 1e6:.1f} M edges/s")


if __name__ == "__main__":
    main()
