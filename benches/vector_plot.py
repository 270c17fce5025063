#!/usr/bin/env python3
"""The recall-vs-QPS plot of issue 16 (docs/vector-recall-qps.png): mmgraph's rows from the
output of `vector_compare` (the Rust binary), the other engines' from the CSV that
`vector_compare.py --csv` appends to.

Run: /tmp/vector-venv/bin/python benches/vector_plot.py MMGRAPH_LOG OTHERS_CSV OUT_PNG [TITLE]
(the title names the data set; the 128-d clustered set's by default)
"""

import csv
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def mmgraph_rows(log):
    rows = []
    for line in open(log):
        m = re.match(r"\|\s*(\d+)\s*\|\s*([0-9.]+)\s*\|\s*([0-9.]+)\s*\|", line)
        if m:
            rows.append(("mmgraph", int(m[1]), float(m[2]), float(m[3])))
    return rows


def main():
    log, others, out = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else "100K x 128 clustered vectors"
    rows = mmgraph_rows(log)
    rows += [(e, int(ef), float(r), float(q)) for e, ef, r, q in csv.reader(open(others))]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for engine in sorted({r[0] for r in rows}):
        points = sorted((r[2], r[3]) for r in rows if r[0] == engine)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=engine)
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries per second (1 thread)")
    ax.set_yscale("log")
    ax.axvline(0.95, color="grey", linestyle=":")
    ax.set_title(f"{title}, M=16, ef_construction=200", fontsize=10)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
