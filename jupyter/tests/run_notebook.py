#!/usr/bin/env python3
"""Runs cells through the bpfsh Jupyter kernel with jupyter_client, as a notebook front end
does, and checks what each cell displays (mime types, not screen text). Needs root and the
real kernel; installs the kernelspec into a temporary prefix.

    .venv/bin/python3 jupyter/tests/run_notebook.py /path/to/bpfsh
"""

import os
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

HERE = os.path.dirname(os.path.abspath(__file__))


def run_cell(client, code, timeout=60):
    """Executes a cell; returns (reply content, [iopub messages of the cell])."""
    msg_id = client.execute(code)
    outputs = []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append(message)
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def text_of(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def shown(outputs):
    """The mime bundles a cell displayed, its result (Out[N]) last."""
    return [m["content"]["data"] for m in outputs if m["msg_type"] in ("display_data", "execute_result")]


def check(condition, what, detail=""):
    if not condition:
        sys.exit(f"FAILED: {what}\n{detail}")
    print(f"ok: {what}")


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def main():
    bpfsh = os.path.abspath(sys.argv[1])
    prefix = tempfile.mkdtemp(prefix="bpfsh-jupyter-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "install.py"), "--bpfsh", bpfsh, "--prefix", prefix], check=True
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    manager = KernelManager(kernel_name="bpfsh")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    kernel_pid = manager.provisioner.process.pid

    reply, out = run_cell(
        client,
        "s = tracepoint:sched:sched_switch { @s[comm] = count(); }\n"
        'tick = profile:hz:20 { printf("tick\\n"); }',
    )
    check(reply["status"] == "ok", "a probe cell runs", out)
    check("s attached" in text_of(out), "the definition says it attached", text_of(out))

    reply, out = run_cell(client, "wait 1s")
    check(reply["status"] == "ok" and "tick" in text_of(out), "probe output streams while the wait runs", out)

    reply, out = run_cell(client, "top @s 5")
    displays = shown(out)
    check(reply["status"] == "ok" and len(displays) == 1, "top displays one table", out)
    # The 20 Hz tick probe keeps printing: its stream messages may come after the result.
    last = [m for m in out if m["msg_type"] != "stream"][-1]
    check(last["msg_type"] == "execute_result", "the table is the cell's result (Out[N])", last)
    check(last["content"]["execution_count"] == reply["execution_count"], "numbered as the cell", last)
    check("<table" in displays[0].get("text/html", ""), "the table is HTML", displays[0])
    check("@s" in displays[0].get("text/plain", ""), "with a plain-text fallback", displays[0])

    reply, out = run_cell(client, "top @s 3\ntop @s 2")
    # The tick probe's output may stream in while the cell runs: only the tables are judged.
    kinds = [m["msg_type"] for m in out if m["msg_type"] != "stream"]
    check(kinds == ["display_data", "execute_result"], "of two tables the last is the result", kinds)

    reply, out = run_cell(client, "hist @s")
    displays = shown(out)
    check(displays and "values" in displays[0].get("text/plain", ""), "hist has text with percentiles", out)
    svg = displays[0].get("image/svg+xml", "") if displays else ""
    check(svg.startswith("<svg") and "<rect" in svg and "p99" in svg, "and an SVG bar chart with them", svg[:400])

    reply, out = run_cell(client, "bad = tracepoint:sched:sched_switch { @x = nosuch(1); }")
    errors = [m["content"] for m in out if m["msg_type"] == "error"]
    check(reply["status"] == "error" and errors, "a compile error is a Jupyter error", reply)
    check(any("^" in line for line in errors[0]["traceback"]), "with its caret", errors[0])
    check(reply.get("locations", [{}])[0].get("line") == 1, "and its source position", reply)

    complete = client.complete("wa", 2, reply=True, timeout=30)["content"]
    check(complete["matches"] == ["wait", "watch"], "completion", complete)
    inspect = client.inspect("top @s", 1, reply=True, timeout=30)["content"]
    check(inspect["found"] and "top TABLE" in inspect["data"]["text/plain"], "inspection", inspect)
    asked_id = client.is_complete("x = tracepoint:sched:sched_switch {")
    incomplete = client.get_shell_msg(timeout=30)
    while incomplete["parent_header"].get("msg_id") != asked_id:
        incomplete = client.get_shell_msg(timeout=30)
    incomplete = incomplete["content"]
    check(incomplete["status"] == "incomplete", "an unclosed { is incomplete", incomplete)

    msg_id = client.execute("wait 60s")
    time.sleep(1.5)
    asked = time.monotonic()
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=20)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=20)
    check(reply["content"]["status"] == "ok", "the interrupted cell replies", reply)
    check(time.monotonic() - asked < 5, "interrupt stops the wait", time.monotonic() - asked)
    reply, out = run_cell(client, "probes")
    check(reply["status"] == "ok" and "tick" in str(out), "the session is intact after the interrupt", out)

    serving = children_of(kernel_pid)
    check(serving, "the kernel runs bpfsh --serve", serving)
    client.stop_channels()
    manager.shutdown_kernel(now=False)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in serving + [kernel_pid]):
        time.sleep(0.1)
    check(not any(os.path.exists(f"/proc/{p}") for p in serving), "shutdown ends bpfsh --serve")
    print("all checks passed")


if __name__ == "__main__":
    main()
