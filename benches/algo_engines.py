#!/usr/bin/env python3
"""Times Kuzu's algo extension and igraph on the same edges as `algo_compare` (one thread
each), for the engine comparison of crates/algo (issue 15).

    python3 -m venv /tmp/algo-venv
    /tmp/algo-venv/bin/pip install kuzu==0.11.3 igraph networkx
    nice cargo run --release -p mmgraph-benches --bin algo_compare -- \
        --graphs medium --edges-out /tmp/medium-edges.txt
    nice /tmp/algo-venv/bin/python benches/algo_engines.py /tmp/medium-edges.txt

The edge file has one `from to` pair per line, node ids 0..N-1 (N = the largest id + 1).
Each figure is the median of --rounds runs of the algorithm alone (loading and projecting the
graph are timed once, apart). igraph caches what it learns about a graph (after one WCC it
knows the graph is connected, and the next WCC returns at once: 114 ms, then 6 ms), so each
igraph round runs on a graph built afresh outside the timed region.

`--clock cpu` times by the process's CPU time (`time.process_time`, every thread) instead of
wall time, to set beside `algo_compare` under `MMGRAPH_BENCH_CLOCK=thread-cpu` on a machine
shared with other jobs; both engines run one thread, so their CPU time is their work.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path


# The clock every figure is taken with (`--clock`).
clock = time.perf_counter


def median_time(rounds, run):
    times, result = [], None
    for _ in range(rounds):
        started = clock()
        result = run()
        times.append(clock() - started)
    return statistics.median(times), result


def read_edges(path):
    edges = []
    with open(path) as f:
        for line in f:
            a, b = line.split()
            edges.append((int(a), int(b)))
    nodes = 1 + max(max(a, b) for a, b in edges)
    return nodes, edges


def median_time_fresh(rounds, make, run):
    """The median time of `run(make())` over `rounds`, `make` left out of the timing."""
    times, result = [], None
    for _ in range(rounds):
        subject = make()
        started = clock()
        result = run(subject)
        times.append(clock() - started)
    return statistics.median(times), result


def run_igraph(nodes, edges, rounds, louvain=True):
    import igraph as ig

    started = clock()
    g = ig.Graph(n=nodes, edges=edges, directed=True)
    print(f"| igraph | load | {clock() - started:.3f} s | |")

    def fresh():
        return ig.Graph(n=nodes, edges=edges, directed=True)

    def timed(run):
        return median_time_fresh(rounds, fresh, run)

    t, _ = timed(lambda g: g.pagerank(damping=0.85, implementation="prpack"))
    print(f"| igraph | PageRank (prpack, to convergence) | {t:.3f} s | |")
    t, c = timed(lambda g: g.connected_components(mode="weak"))
    print(f"| igraph | WCC | {t:.3f} s | {len(c)} components |")
    t, c = timed(lambda g: g.connected_components(mode="strong"))
    print(f"| igraph | SCC | {t:.3f} s | {len(c)} components |")
    t, cores = timed(lambda g: g.coreness(mode="all"))
    print(f"| igraph | k-core (coreness, all) | {t:.3f} s | max core {max(cores)} |")
    if not louvain:
        return
    u = g.as_undirected(mode="each")
    u.simplify(multiple=True, loops=True)
    t, parts = median_time(1, lambda: u.community_multilevel())
    print(
        f"| igraph | Louvain (community_multilevel, simple undirected) | {t:.3f} s | "
        f"{len(parts)} communities, modularity {parts.modularity:.4f} |"
    )


def run_kuzu(nodes, edges, rounds):
    import kuzu

    folder = Path(tempfile.mkdtemp(prefix="algo-kuzu-"))
    try:
        db = kuzu.Database(str(folder / "db"), max_num_threads=1)
        conn = kuzu.Connection(db, num_threads=1)
        conn.execute("LOAD EXTENSION algo;")
        conn.execute("CREATE NODE TABLE N(id INT64, PRIMARY KEY(id));")
        conn.execute("CREATE REL TABLE E(FROM N TO N);")
        node_file = folder / "nodes.csv"
        edge_file = folder / "edges.csv"
        node_file.write_text("".join(f"{i}\n" for i in range(nodes)))
        edge_file.write_text("".join(f"{a},{b}\n" for a, b in edges))
        started = clock()
        conn.execute(f"COPY N FROM '{node_file}';")
        conn.execute(f"COPY E FROM '{edge_file}';")
        print(f"| Kuzu | load (COPY) | {clock() - started:.3f} s | |")
        conn.execute("CALL project_graph('G', ['N'], ['E']);")

        def call(query):
            return lambda: conn.execute(query).get_next()

        algos = [
            ("PageRank (default: 20 iterations max)", "CALL page_rank('G') RETURN count(*);"),
            ("WCC", "CALL weakly_connected_components('G') RETURN count(DISTINCT group_id);"),
            ("SCC", "CALL strongly_connected_components('G') RETURN count(DISTINCT group_id);"),
            ("k-core", "CALL k_core_decomposition('G') RETURN max(k_degree);"),
        ]
        for name, query in algos:
            t, row = median_time(rounds, call(query))
            print(f"| Kuzu | {name} | {t:.3f} s | {row[0]} |")
        t, row = median_time(1, call("CALL louvain('G') RETURN count(DISTINCT louvain_id);"))
        print(f"| Kuzu | Louvain | {t:.3f} s | {row[0]} communities |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edges")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default="igraph,kuzu")
    parser.add_argument(
        "--no-igraph-louvain",
        action="store_true",
        help="skip igraph's community_multilevel (minutes on medium here)",
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="time by wall time (default) or by the process's CPU time",
    )
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    nodes, edges = read_edges(args.edges)
    print(
        f"{nodes} nodes, {len(edges)} edges, {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC,"
        f" timed by {'process CPU time' if args.clock == 'cpu' else 'wall time'}\n"
    )
    print("| engine | algorithm | time | result |")
    print("|---|---|---|---|")
    if "igraph" in args.engines:
        run_igraph(nodes, edges, args.rounds, louvain=not args.no_igraph_louvain)
    if "kuzu" in args.engines:
        run_kuzu(nodes, edges, args.rounds)


if __name__ == "__main__":
    main()
