#!/usr/bin/env python3
"""The vector search comparison of issue 16: hnswlib, usearch and Kùzu's vector extension on
the data that `vector_compare` (the Rust binary, run first) wrote: the same vectors, queries
and exact ground truth. One thread each, M=16, ef_construction=200, L2, recall@10 against
exact search at several ef_search; hnswlib's queries are timed one call each (as a caller of
one query at a time sees them) and all in one call (its own loop, no Python per query). Prints
a Markdown table and writes the rows as CSV for
`vector_plot.py`.

Setup (a venv under /tmp, not part of the repository):
    python3 -m venv /tmp/vector-venv
    /tmp/vector-venv/bin/pip install numpy hnswlib==0.8.0 usearch kuzu==0.11.3 matplotlib
Run:
    nice /tmp/vector-venv/bin/python benches/vector_compare.py --data /tmp/mmgraph-vectors
`--hnswlib-index PATH --passes N` loads hnswlib's index from PATH (building and saving it there
the first time) and reports each ef's median queries per second over N sweeps, to set many
query rounds beside `vector_compare --reuse 1 --passes N` without rebuilding.
With `--clock thread-cpu` hnswlib's build and queries are timed by the calling thread's CPU
time (hnswlib runs them in that thread when given one thread), as `vector_compare` does with
`MMGRAPH_BENCH_CLOCK=thread-cpu`: on a machine shared with other jobs it leaves out their
time slices. The other engines, and every reopen, are timed by wall time.
"""

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time

import numpy as np

K = 10
M = 16
EF_CONSTRUCTION = 200
EF_SEARCH = [10, 20, 30, 35, 40, 60, 80, 120, 200, 400]
# The clock of hnswlib's build and queries: wall time unless `--clock thread-cpu`.
hnswlib_clock = time.perf_counter


def load(folder, dim):
    data = np.fromfile(os.path.join(folder, "data.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(os.path.join(folder, "queries.f32"), dtype="<f4").reshape(-1, dim)
    truth = np.fromfile(os.path.join(folder, "truth.u32"), dtype="<u4").reshape(-1, K)
    return data, queries, truth


def recall(found, truth):
    return sum(len(set(f) & set(t)) for f, t in zip(found, truth)) / (len(truth) * K)


def run_hnswlib(data, queries, truth, saved=None, passes=1):
    import hnswlib

    index = hnswlib.Index(space="l2", dim=data.shape[1])
    index.set_num_threads(1)
    build = float("nan")
    if saved and os.path.exists(saved):
        index.load_index(saved, max_elements=len(data))
    else:
        start = hnswlib_clock()
        index.init_index(max_elements=len(data), M=M, ef_construction=EF_CONSTRUCTION,
                         random_seed=1)
        index.add_items(data, np.arange(len(data)), num_threads=1)
        build = hnswlib_clock() - start
        if saved:
            index.save_index(saved)
    rows = []
    for ef in EF_SEARCH:
        index.set_ef(ef)
        each, one_call = [], []
        for _ in range(passes):
            start = hnswlib_clock()
            found = [index.knn_query(q, k=K, num_threads=1)[0][0] for q in queries]
            each.append(len(queries) / (hnswlib_clock() - start))
            # The same queries in one call: hnswlib's own loop, without Python's cost per query.
            start = hnswlib_clock()
            index.knn_query(queries, k=K, num_threads=1)
            one_call.append(len(queries) / (hnswlib_clock() - start))
        rows.append((ef, recall(found, truth), float(np.median(each)), float(np.median(one_call))))
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "index.bin")
    index.save_index(path)
    size = os.path.getsize(path)
    start = time.perf_counter()
    again = hnswlib.Index(space="l2", dim=data.shape[1])
    again.load_index(path)
    again.set_ef(40)
    again.knn_query(queries[0], k=K)
    reopen = time.perf_counter() - start
    shutil.rmtree(folder)
    return build, size, reopen, rows


def run_usearch(data, queries, truth):
    from usearch.index import Index

    index = Index(ndim=data.shape[1], metric="l2sq", dtype="f32", connectivity=M,
                  expansion_add=EF_CONSTRUCTION)
    start = time.perf_counter()
    index.add(np.arange(len(data)), data, threads=1)
    build = time.perf_counter() - start
    rows = []
    for ef in EF_SEARCH:
        index.expansion_search = ef
        start = time.perf_counter()
        found = [index.search(q, K, threads=1).keys for q in queries]
        secs = time.perf_counter() - start
        rows.append((ef, recall(found, truth), len(queries) / secs))
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "index.usearch")
    index.save(path)
    size = os.path.getsize(path)
    start = time.perf_counter()
    again = Index.restore(path, view=True)
    again.search(queries[0], K)
    reopen = time.perf_counter() - start
    shutil.rmtree(folder)
    return build, size, reopen, rows


def run_kuzu(data, queries, truth):
    import kuzu

    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "db.kuzu")
    db = kuzu.Database(path, max_num_threads=1)
    conn = kuzu.Connection(db, num_threads=1)
    for statement in ("INSTALL vector", "LOAD EXTENSION vector"):
        try:
            conn.execute(statement)
        except RuntimeError as e:
            if statement.startswith("LOAD"):
                raise
            print(f"kuzu: {statement}: {e}", file=sys.stderr)
    dim = data.shape[1]
    conn.execute(f"CREATE NODE TABLE V(id INT64 PRIMARY KEY, emb FLOAT[{dim}])")
    import pandas as pd  # Kùzu copies from a DataFrame

    frame = pd.DataFrame({"id": np.arange(len(data)), "emb": [row.tolist() for row in data]})
    conn.execute("COPY V FROM frame")
    start = time.perf_counter()
    conn.execute(
        f"CALL CREATE_VECTOR_INDEX('V', 'idx', 'emb', mu := {M}, ml := {2 * M}, "
        f"metric := 'l2', efc := {EF_CONSTRUCTION})"
    )
    build = time.perf_counter() - start
    rows = []
    for ef in EF_SEARCH:
        start = time.perf_counter()
        found = []
        for q in queries:
            result = conn.execute(
                f"CALL QUERY_VECTOR_INDEX('V', 'idx', $q, {K}, efs := {ef}) RETURN node.id",
                {"q": q.tolist()},
            )
            ids = []
            while result.has_next():
                ids.append(result.get_next()[0])
            found.append(ids)
        secs = time.perf_counter() - start
        rows.append((ef, recall(found, truth), len(queries) / secs))
    conn.close()
    db.close()
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
    shutil.rmtree(folder)
    return build, size, float("nan"), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "mmgraph-vectors"))
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--engines", default="hnswlib,usearch,kuzu")
    parser.add_argument("--csv", default=None)
    parser.add_argument("--clock", choices=["wall", "thread-cpu"], default="wall")
    parser.add_argument("--hnswlib-index", default=None,
                        help="hnswlib's index file: loaded if it exists (no build), else saved")
    parser.add_argument("--passes", type=int, default=1,
                        help="hnswlib's query sweeps: each ef's median queries per second")
    args = parser.parse_args()
    if args.clock == "thread-cpu":
        global hnswlib_clock
        hnswlib_clock = time.thread_time
    print(f"hnswlib's build and queries timed by {args.clock}")
    data, queries, truth = load(args.data, args.dim)
    print(f"{len(data)} x {args.dim} vectors, {len(queries)} queries")
    runners = {"hnswlib": run_hnswlib, "usearch": run_usearch, "kuzu": run_kuzu}
    out = []
    for name in args.engines.split(","):
        try:
            if name == "hnswlib":
                build, size, reopen, rows = run_hnswlib(data, queries, truth,
                                                        args.hnswlib_index, max(args.passes, 1))
            else:
                build, size, reopen, rows = runners[name](data, queries, truth)
        except Exception as e:  # an engine that cannot run here is reported, not fatal
            print(f"{name}: failed: {type(e).__name__}: {e}")
            continue
        print(f"\n{name}: build {build:.1f} s, index file {size} bytes, "
              f"reopen + first query {reopen * 1e3:.2f} ms")
        print("| ef_search | recall@10 | QPS | QPS, all queries in one call |\n|---|---|---|---|")
        for ef, r, qps, *one_call in rows:
            batched = f"{one_call[0]:.0f}" if one_call else "-"
            print(f"| {ef} | {r:.4f} | {qps:.0f} | {batched} |")
            out.append((name, ef, r, qps))
            if one_call:
                out.append((f"{name} (one call)", ef, r, one_call[0]))
    if args.csv:
        with open(args.csv, "a", newline="") as f:
            csv.writer(f).writerows(out)


if __name__ == "__main__":
    main()
