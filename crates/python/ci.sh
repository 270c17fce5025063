#!/usr/bin/env bash
# Builds the mmgraph Python package and runs its pytest suite, on a machine with CPython >= 3.9
# (3.11 here), pip and the Rust toolchain: a virtual environment under target/python-venv gets
# maturin, numpy, networkx, pytest, hypothesis, pydot (to parse DOT), duckdb and pyarrow (which
# read the Parquet export back) from the package index by name; maturin builds the extension
# (release) and installs the package into it in editable mode; pytest runs crates/python/tests,
# which include the examples of docs/python.md.
#
#   bash crates/python/ci.sh            # from the repository root, or from anywhere
#   PYTHON=python3.12 bash crates/python/ci.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${MMGRAPH_VENV:-$root/target/python-venv}"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    maturin numpy networkx pytest hypothesis pydot duckdb pyarrow

cd "$root/crates/python"
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" nice maturin develop --release --quiet
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests
