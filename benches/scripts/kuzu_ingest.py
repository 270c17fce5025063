#!/usr/bin/env python3
"""Scenario E in Kuzu, for the ratio in issue 19: the same nodes and the same random edges as
`cargo run --release -p mmgraph-benches --bin ingest` (SplitMix64, seed 5, multiply-shift
`below`, four edge types), one `COPY` of a CSV file per commit of edges, one thread.

    python3 -m venv /tmp/kuzu-venv && /tmp/kuzu-venv/bin/pip install kuzu==0.11.3
    /tmp/kuzu-venv/bin/python benches/scripts/kuzu_ingest.py [--scale N] [--dir PATH]

Prints the same table as the `ingest` binary (times only: Kuzu's bytes written are not
counted here; the file's size at the end is printed).
"""

import argparse
import os
import shutil
import tempfile
import time

import kuzu

MASK = (1 << 64) - 1
EDGE_TYPES = ["knows", "follows", "likes", "links"]


class SplitMix64:
    """The generator of `benches/src/generate.rs`, bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return (self.next_u64() * n) >> 64


def dir_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(
        os.path.getsize(os.path.join(root, f))
        for root, _, files in os.walk(path)
        for f in files
    )


def row(name, times, batch):
    total = sum(times)
    n = max(len(times), 1)
    edges = batch * len(times)
    return f"| {name} | {total:.3f} s | {1000 * total / n:.1f} ms | {edges / total / 1000:.1f} K/s |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--dir", default="target/tmp")
    args = parser.parse_args()
    nodes = 100_000 * args.scale
    batch = 10_000 * args.scale
    os.makedirs(args.dir, exist_ok=True)
    work = tempfile.mkdtemp(dir=args.dir)
    try:
        db_path = os.path.join(work, "kuzu.db")
        db = kuzu.Database(db_path)
        conn = kuzu.Connection(db)
        conn.set_max_threads_for_exec(1)
        conn.execute("CREATE NODE TABLE Node(id INT64, name STRING, data STRING, PRIMARY KEY(id))")
        conn.execute("CREATE REL TABLE Edge(FROM Node TO Node, type STRING)")
        nodes_csv = os.path.join(work, "nodes.csv")
        with open(nodes_csv, "w") as f:
            for i in range(nodes):
                f.write(f"{i},node_{i},{i}\n")
        started = time.perf_counter()
        conn.execute(f"COPY Node FROM '{nodes_csv}' (HEADER=false)")
        nodes_time = time.perf_counter() - started
        rng = SplitMix64(args.seed)
        times = []
        edges_csv = os.path.join(work, "edges.csv")
        for _ in range(args.commits):
            with open(edges_csv, "w") as f:
                for _ in range(batch):
                    a, b, t = rng.below(nodes), rng.below(nodes), rng.below(len(EDGE_TYPES))
                    f.write(f"{a},{b},{EDGE_TYPES[t]}\n")
            started = time.perf_counter()
            conn.execute(f"COPY Edge FROM '{edges_csv}' (HEADER=false)")
            times.append(time.perf_counter() - started)
        count = conn.execute("MATCH ()-[e:Edge]->() RETURN count(e)").get_next()[0]
        print(
            f"Kuzu {kuzu.__version__}, 1 thread: scenario E: {nodes} nodes (COPY, {nodes_time:.3f} s), "
            f"then {args.commits} COPYs of {batch} random edges (seed {args.seed}); {count} edges at the end\n"
        )
        print("| commits | time | per commit | edges/s |")
        print("|---|---|---|---|")
        print(row("all", times, batch))
        print(row("first 10", times[:10], batch))
        print(row("last 10", times[-10:], batch))
        conn.close()
        db.close()
        print(f"\ndatabase {dir_size(db_path) / (1 << 20):.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
