#!/usr/bin/env python3
"""A tutorial as a notebook (`bpfsh tutorial NAME notebook FILE.ipynb`), run with nbclient
through the bpfsh kernel as JupyterLab's "Run All" would: its first STEPS steps, whose check
cells must say `ok: expect` and never `expectation failed`. Needs root.

    .venv/bin/python3 jupyter/tests/run_tutorial_notebook.py /path/to/bpfsh TUTORIALS_DIR NAME STEPS
"""

import os
import subprocess
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))


def check(condition, what, detail=""):
    if not condition:
        sys.exit(f"FAILED: {what}\n{str(detail)[:3000]}")
    print(f"ok: {what}")


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def main():
    bpfsh, tutorials, name, steps = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    prefix = tempfile.mkdtemp(prefix="bpfsh-tutorial-nb-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "install.py"), "--bpfsh", bpfsh, "--prefix", prefix],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    path = os.path.join(prefix, f"{name}.ipynb")
    written = subprocess.run(
        [bpfsh, "tutorial", name, "notebook", path],
        env=dict(os.environ, BPFSH_TUTORIALS=tutorials),
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(written.returncode == 0 and os.path.exists(path), "bpfsh writes the tutorial as a notebook", written)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    check(notebook.metadata["kernelspec"]["name"] == "bpfsh", "for the bpfsh kernel")
    headings = [i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown" and c.source.startswith("## ")]
    check(len(headings) > steps, "one heading per step", len(headings))
    notebook.cells = notebook.cells[: headings[steps]]
    client = NotebookClient(notebook, timeout=120, kernel_name="bpfsh", allow_errors=False)
    client.execute()
    checks = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("# check")]
    check(len(checks) == steps, f"{steps} check cells ran", len(checks))
    for cell in checks:
        said = text_of(cell)
        check("ok: expect" in said and "expectation failed" not in said, "a step checked out: " + cell.source.split("\n")[1], said)
    print("all checks passed")


if __name__ == "__main__":
    main()
