#!/usr/bin/env python3
"""Installs the bpfsh Jupyter kernel: a kernelspec named `bpfsh` whose argv names this
interpreter and this folder by absolute path, and whose BPFSH names the bpfsh executable.

    .venv/bin/python3 jupyter/install.py [--bpfsh PATH] [--user | --prefix DIR]

(.venv is the environment scripts/setup makes from jupyter/requirements.txt.)

`bpfsh jupyter install` runs it with the executable's own path."""

import argparse
import json
import os
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

HERE = os.path.dirname(os.path.abspath(__file__))


def kernel_json(bpfsh):
    return {
        "argv": [sys.executable, "-m", "bpfsh_kernel", "-f", "{connection_file}"],
        "display_name": "bpfsh",
        "language": "bpfsh",
        "interrupt_mode": "signal",
        # The debugger ipykernel loads warns about frozen modules on every start otherwise.
        "env": {"BPFSH": bpfsh, "PYTHONPATH": HERE, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }


def main():
    parser = argparse.ArgumentParser(description="Install the bpfsh Jupyter kernel.")
    parser.add_argument("--bpfsh", help="the bpfsh executable (default: bpfsh on PATH)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for this user only")
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    args = parser.parse_args()
    bpfsh = args.bpfsh or shutil.which("bpfsh")
    if not bpfsh:
        sys.exit("install.py: bpfsh not found: pass --bpfsh PATH")
    bpfsh = os.path.abspath(bpfsh)
    with tempfile.TemporaryDirectory() as spec:
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            json.dump(kernel_json(bpfsh), f, indent=2)
        destination = KernelSpecManager().install_kernel_spec(
            spec, "bpfsh", user=args.user, prefix=args.prefix
        )
    print(f"installed the bpfsh kernel in {destination} (bpfsh: {bpfsh})")


if __name__ == "__main__":
    main()
