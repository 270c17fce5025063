"""The examples of docs/python.md run, in order, in one namespace: the page cannot drift from
the package."""

import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "python.md"


def test_the_examples_of_the_python_guide_run():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 8
    namespace = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/python.md example {number}", "exec"), namespace)
