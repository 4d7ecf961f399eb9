#!/usr/bin/env python3
"""The session library as notebooks: each `sessions/NAME.bpfsh` becomes
`sessions/notebooks/NAME.ipynb` for the bpfsh kernel. A block of the script (lines between
blank lines) becomes a Markdown cell for its leading comments and a code cell for its
statements, so a notebook reads as the script does and runs it top to bottom (its `expect`
lines fail the cell when the session did not show what it should).

    .venv/bin/python3 jupyter/session_notebooks.py          # write the notebooks
    .venv/bin/python3 jupyter/session_notebooks.py --check  # exit 1 if one is out of date
"""

import glob
import os
import sys

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SESSIONS = os.path.join(ROOT, "sessions")
NOTEBOOKS = os.path.join(SESSIONS, "notebooks")


def blocks(text):
    """Runs of non-blank lines."""
    block = []
    for line in text.splitlines():
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def notebook(script_path):
    with open(script_path, encoding="utf-8") as f:
        text = f.read()
    cells = []
    for block in blocks(text):
        comments = []
        while block and block[0].startswith("#"):
            comments.append(block.pop(0)[1:].removeprefix(" "))
        if comments:
            cells.append(nbformat.v4.new_markdown_cell("\n".join(comments)))
        if block:
            cells.append(nbformat.v4.new_code_cell("\n".join(block)))
    name = os.path.basename(script_path)
    cells.insert(
        0,
        nbformat.v4.new_markdown_cell(
            f"*Generated from `sessions/{name}` by `jupyter/session_notebooks.py`; run it top to bottom "
            "with the bpfsh kernel (`bpfsh jupyter install`).*"
        ),
    )
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "bpfsh", "display_name": "bpfsh", "language": "bpfsh"}
    book.metadata["language_info"] = {"name": "bpfsh", "file_extension": ".bpfsh"}
    # Stable ids, so regenerating an unchanged script gives the same file.
    for index, cell in enumerate(book.cells):
        cell["id"] = f"{os.path.splitext(name)[0]}-{index}"
    return nbformat.writes(book) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    os.makedirs(NOTEBOOKS, exist_ok=True)
    for script in sorted(glob.glob(os.path.join(SESSIONS, "*.bpfsh"))):
        target = os.path.join(NOTEBOOKS, os.path.splitext(os.path.basename(script))[0] + ".ipynb")
        text = notebook(script)
        current = open(target, encoding="utf-8").read() if os.path.exists(target) else None
        if current == text:
            continue
        if check:
            stale.append(os.path.relpath(target, ROOT))
        else:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(target, ROOT)}")
    if stale:
        sys.exit("out of date (run jupyter/session_notebooks.py): " + ", ".join(stale))
    if check:
        print("session notebooks are up to date")


if __name__ == "__main__":
    main()
