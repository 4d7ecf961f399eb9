#!/usr/bin/env python3
"""The Jupyter project's own conformance suite (jupyter_kernel_test) run against the bpfsh
kernel: kernel_info, execute (stdout, errors, execute_result, display_data), completion,
is_complete, inspection and history, as every front end relies on them. Needs root.

    BPFSH=/path/to/bpfsh .venv/bin/python3 jupyter/tests/test_conformance.py
"""

import os
import subprocess
import sys
import tempfile
import unittest

import jupyter_kernel_test

HERE = os.path.dirname(os.path.abspath(__file__))


def install_kernelspec():
    """The kernelspec goes into a temporary prefix named by JUPYTER_PATH, not the machine's."""
    prefix = tempfile.mkdtemp(prefix="bpfsh-conformance-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "install.py"), "--bpfsh", os.environ["BPFSH"], "--prefix", prefix],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")


class BpfshKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "bpfsh"
    language_name = "bpfsh"
    file_extension = ".bpfsh"

    code_hello_world = 'hello = BEGIN { printf("hello, world\\n"); }'
    # A `!` command's standard error is a stderr stream of a cell that succeeds.
    code_stderr = "!echo oops >&2"
    code_generate_error = "nosuchcmd"

    completion_samples = [{"text": "wa", "matches": {"wait", "watch"}}]
    complete_code_samples = ["probes", "x = tracepoint:sched:sched_switch { @n = count(); }"]
    incomplete_code_samples = ["x = tracepoint:sched:sched_switch {"]

    code_inspect_sample = "wait"

    # A cell's last table is its result (Out[N]); a table shown before it is display_data.
    code_execute_result = [{"code": 'r = BEGIN { @r["x"] = 5; }\ntop @r', "mime": "text/html"}]
    code_display_data = [{"code": 'd = BEGIN { @d["x"] = 5; }\ntop @d\ntop @d', "mime": "text/html"}]

    code_history_pattern = "r = BEGIN*"
    supported_history_operations = ("tail", "range", "search")


if __name__ == "__main__":
    install_kernelspec()
    unittest.main(verbosity=2)
