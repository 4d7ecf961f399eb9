"""The client side of bpfsh's machine protocol: a `bpfsh --serve` child and its JSON lines."""

import itertools
import json
import os
import queue
import shutil
import subprocess
import threading

PROTOCOL_VERSION = 1


class ProtocolError(Exception):
    pass


class BpfshClient:
    """Starts `bpfsh --serve` and exchanges requests with it. Lines the server writes are
    read on a thread of their own into a queue, so a cell can stream events as they come
    and still notice a KeyboardInterrupt."""

    def __init__(self, executable=None):
        executable = executable or os.environ.get("BPFSH") or shutil.which("bpfsh")
        if not executable:
            raise ProtocolError("bpfsh not found: set BPFSH to its path (bpfsh jupyter install does)")
        self.process = subprocess.Popen(
            [executable, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
        )
        self.messages = queue.Queue()
        self.ids = itertools.count(1)
        threading.Thread(target=self._read, daemon=True).start()
        hello = self.messages.get(timeout=60)
        if hello is None or hello.get("type") != "hello":
            raise ProtocolError(f"bpfsh --serve did not greet: {hello!r}")
        if hello.get("version") != PROTOCOL_VERSION:
            raise ProtocolError(f"bpfsh speaks protocol version {hello.get('version')}, not {PROTOCOL_VERSION}")

    def _read(self):
        for line in self.process.stdout:
            try:
                self.messages.put(json.loads(line))
            except ValueError:
                continue
        self.messages.put(None)  # the server is gone

    def send(self, type_, **fields):
        """Sends a request; returns its id."""
        request_id = next(self.ids)
        line = json.dumps({"id": request_id, "type": type_, **fields}) + "\n"
        self.process.stdin.write(line.encode())
        self.process.stdin.flush()
        return request_id

    def next_message(self, timeout=None):
        """The next line from the server (None once it has ended); raises queue.Empty."""
        return self.messages.get(timeout=timeout)

    def request(self, type_, timeout=30, **fields):
        """Sends a request and waits for its reply, dropping unrelated events."""
        request_id = self.send(type_, **fields)
        while True:
            message = self.next_message(timeout=timeout)
            if message is None:
                raise ProtocolError("bpfsh --serve ended")
            if message.get("type") == "reply" and message.get("id") == request_id:
                return message

    def shutdown(self, timeout=30):
        if self.process.poll() is None:
            try:
                self.request("shutdown", timeout=timeout)
            except (ProtocolError, queue.Empty, BrokenPipeError, OSError):
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
