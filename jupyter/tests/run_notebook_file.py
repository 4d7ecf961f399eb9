#!/usr/bin/env python3
"""A notebook executed top to bottom with nbclient, as `jupyter nbconvert --execute` and
JupyterLab's "Run All" do, then rendered to HTML and screenshotted with headless Chromium:
a workload, two probes, a wait, `top` as an HTML table naming the workload, `hist` as an SVG
chart, and a kernel-stack flame graph inline. Then a kernel restart must leave nothing of
the old session: its processes, its workload and its BPF programs are gone. Needs root.

    .venv/bin/python3 jupyter/tests/run_notebook_file.py /path/to/bpfsh ARTIFACT_DIR
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.util import run_sync
from nbconvert import HTMLExporter

HERE = os.path.dirname(os.path.abspath(__file__))


def check(condition, what, detail=""):
    if not condition:
        sys.exit(f"FAILED: {what}\n{str(detail)[:3000]}")
    print(f"ok: {what}")


def descendants(pid):
    """Every process under pid (the kernel's `bpfsh --serve` and the workloads it spawned)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                children = [int(p) for p in f.read().split()]
        except OSError:
            children = []
        found += children
        frontier += children
    return found


def bpf_program_ids(pid):
    """The ids of the BPF programs a process holds open, from its descriptors' fdinfo."""
    ids = set()
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return ids
    for fd in descriptors:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:bpf-prog":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                ids |= {int(line.split()[1]) for line in f if line.startswith("prog_id:")}
        except OSError:
            continue
    return ids


def loaded_program_ids():
    """Every BPF program loaded on the machine."""
    shown = subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True, text=True, check=True)
    return {p["id"] for p in json.loads(shown.stdout)}


def outputs_of(cell):
    return [o for o in cell.get("outputs", [])]


def main():
    bpfsh, artifacts = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(artifacts, exist_ok=True)
    prefix = tempfile.mkdtemp(prefix="bpfsh-nbclient-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "install.py"), "--bpfsh", bpfsh, "--prefix", prefix],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    flame = os.path.join(artifacts, "notebook-flame.svg")

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "bpfsh", "display_name": "bpfsh", "language": "bpfsh"}
    sources = [
        "spawn dd if=/dev/zero of=/dev/null bs=512",
        "writes = tracepoint:syscalls:sys_enter_write { @bytes[comm] = sum(args.count); @size = hist(args.count); }\n"
        "oncpu = profile:hz:49 { @stacks[comm, kstack] = count(); }",
        "wait 2s",
        "top @bytes 5",
        "hist @size",
        f"flame @stacks > {flame} --force",
    ]
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    client = NotebookClient(notebook, timeout=120, kernel_name="bpfsh", allow_errors=False)
    with client.setup_kernel():
        kernel_pid = client.km.provisioner.process.pid
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        served = descendants(kernel_pid)
        check(served, "the kernel runs bpfsh --serve and its workload", served)
        programs = set().union(*(bpf_program_ids(p) for p in served))
        check(programs, "the session's BPF programs are loaded", programs)

        top = outputs_of(notebook.cells[3])
        check(top and top[-1]["output_type"] == "execute_result", "top is the cell's result", top)
        table = top[-1]["data"].get("text/html", "")
        check("<table" in table and "dd" in table, "an HTML table naming the workload", table)

        hist = outputs_of(notebook.cells[4])
        svg = hist[-1]["data"].get("image/svg+xml", "") if hist else ""
        check(svg.startswith("<svg") and "<rect" in svg, "hist is an SVG chart", hist)

        shown = outputs_of(notebook.cells[5])
        frames = [o["data"].get("text/html", "") for o in shown if o["output_type"] == "display_data"]
        check(frames and "iframe" in frames[0], "the flame graph is inline and interactive", shown)
        check(any(n in frames[0] for n in ("do_syscall_64", "entry_SYSCALL")), "with kernel frames", frames[0][:500])

        # A restart replaces the session: nothing of the old one may stay.
        run_sync(client.km.restart_kernel)(now=False)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in served + [kernel_pid]):
            time.sleep(0.1)
        left = [p for p in served + [kernel_pid] if os.path.exists(f"/proc/{p}")]
        check(not left, "a restart ends the old kernel, bpfsh --serve and the workload", left)
        alive = loaded_program_ids() & programs
        check(not alive, "and unloads the old session's BPF programs", alive)
        fresh = nbformat.v4.new_code_cell("probes")
        notebook.cells.append(fresh)
        run_sync(client.kc.wait_for_ready)(timeout=60)
        client.execute_cell(fresh, len(notebook.cells) - 1)
        said = "".join(o.get("text", "") for o in outputs_of(fresh))
        check("no probes" in said, "the new kernel starts a fresh session", outputs_of(fresh))

    # A transcript bpfsh wrote (`notebook FILE`) opens with the bpfsh kernel and runs again.
    transcript = os.path.join(artifacts, "transcript.ipynb")
    typed = f'notebook {transcript} --force\nc = BEGIN {{ @c["again"] = 1; }}\ntop @c\n'
    subprocess.run([bpfsh], input=typed, text=True, capture_output=True, check=True, timeout=60)
    written = nbformat.read(transcript, as_version=4)
    check(written.metadata.get("kernelspec", {}).get("name") == "bpfsh", "a transcript names the bpfsh kernel")
    for cell in written.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(written, timeout=60, allow_errors=False).execute()
    rerun = written.cells[-1].outputs
    check(rerun and "again" in rerun[-1]["data"].get("text/html", ""), "and reruns through nbclient", rerun)

    path = os.path.join(artifacts, "notebook.ipynb")
    nbformat.write(notebook, path)
    body, _ = HTMLExporter().from_notebook_node(notebook)
    page = os.path.join(artifacts, "notebook.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(body)
    check("<table" in body and "iframe" in body, "the notebook renders to HTML with the table and flame graph")
    screenshot = os.path.join(artifacts, "notebook.png")
    if os.path.exists(screenshot):
        os.remove(screenshot)
    subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--window-size=1200,2000", f"--screenshot={screenshot}", "file://" + page,
        ],
        capture_output=True,
        timeout=120,
    )
    check(os.path.exists(screenshot) and os.path.getsize(screenshot) > 20000, "Chromium renders it", screenshot)
    print(f"notebook, HTML and screenshot in {artifacts}")
    print("all checks passed")


if __name__ == "__main__":
    main()
