#!/usr/bin/env python3
"""Runs every notebook of sessions/notebooks top to bottom with nbclient and the bpfsh
kernel, as "Run All" does: each must finish without an error cell (their `expect` cells fail
when a session did not show what it should). Needs root.

    .venv/bin/python3 jupyter/tests/run_session_notebooks.py /path/to/bpfsh
"""

import glob
import os
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.join(HERE, "..", "..", "sessions", "notebooks")


def main():
    bpfsh = os.path.abspath(sys.argv[1])
    prefix = tempfile.mkdtemp(prefix="bpfsh-sessions-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "install.py"), "--bpfsh", bpfsh, "--prefix", prefix],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    paths = sorted(glob.glob(os.path.join(NOTEBOOKS, "*.ipynb")))
    if len(paths) < 8:
        sys.exit(f"FAILED: only {len(paths)} session notebooks in {NOTEBOOKS}")
    failed = []
    for path in paths:
        name = os.path.basename(path)
        book = nbformat.read(path, as_version=4)
        started = time.monotonic()
        try:
            NotebookClient(book, timeout=180, kernel_name="bpfsh", allow_errors=False).execute()
        except CellExecutionError as error:
            failed.append(f"{name}: {str(error)[:1500]}")
            print(f"FAILED: {name}")
            continue
        shown = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        tables = sum(1 for o in shown if o.get("output_type") in ("display_data", "execute_result"))
        print(f"ok: {name} ran top to bottom in {time.monotonic() - started:.1f} s ({tables} tables and charts)")
        if tables == 0:
            failed.append(f"{name}: showed no table")
    if failed:
        sys.exit("FAILED:\n" + "\n".join(failed))
    print("all checks passed")


if __name__ == "__main__":
    main()
