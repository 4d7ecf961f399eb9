"""The bpfsh Jupyter kernel: a cell is what one would type at the bpfsh prompt. The session
(probes, maps, kept tables) lives in one `bpfsh --serve` child for the kernel's lifetime;
shutting the kernel down detaches everything."""

import fnmatch
import queue

from ipykernel.kernelbase import Kernel

from . import render
from .client import BpfshClient


class BpfshKernel(Kernel):
    implementation = "bpfsh"
    implementation_version = "0.1"
    language_info = {
        "name": "bpfsh",
        "mimetype": "text/x-bpfsh",
        "file_extension": ".bpfsh",
        "codemirror_mode": "shell",
    }
    banner = "bpfsh: an interactive BPF tracing shell (type help)"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bpfsh = BpfshClient()
        # The last table or histogram of the running cell: it becomes the cell's result
        # (execute_result, Out[N]) unless another table or display follows it.
        self.held = None
        # (line, input, result text) of every executed cell, for history requests.
        self.cells = []

    def _release_held(self):
        if self.held is not None:
            self.send_response(self.iopub_socket, "display_data", {"data": self.held, "metadata": {}})
            self.held = None

    def _output(self, event, silent):
        if silent:
            return
        text = render.stream(event)
        if text is not None:
            name, value = text
            # Text does not take the result from a held table: running probes stream while
            # a cell runs, and a line printed just then must not demote `top` to display_data.
            if value:
                self.send_response(self.iopub_socket, "stream", {"name": name, "text": value})
            return
        bundle = render.display(event)
        if bundle is None:
            return
        self._release_held()
        if event.get("event") in ("table", "histogram"):
            self.held = bundle
        else:
            self.send_response(self.iopub_socket, "display_data", {"data": bundle, "metadata": {}})

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False):
        request_id = self.bpfsh.send("execute", code=code)
        errors = []
        reply = None
        while reply is None:
            try:
                message = self.bpfsh.next_message(timeout=0.2)
            except queue.Empty:
                continue
            except KeyboardInterrupt:
                # The interrupt button: stop the running wait or watch as Ctrl-C does.
                self.bpfsh.send("interrupt")
                continue
            if message is None:
                errors.append({"message": "bpfsh --serve ended; restart the kernel\n", "locations": []})
                break
            if message.get("type") == "reply":
                if message.get("id") == request_id:
                    reply = message
                continue
            if message.get("event") == "error":
                errors.append(message)
            self._output(message, silent)
        status = reply.get("status") if reply else "error"
        result = self.held
        self.held = None
        if store_history:
            self.cells.append((self.execution_count, code, (result or {}).get("text/plain")))
        if result is not None and not silent:
            if status == "error" or errors:
                self.send_response(self.iopub_socket, "display_data", {"data": result, "metadata": {}})
            else:
                self.send_response(
                    self.iopub_socket,
                    "execute_result",
                    {"data": result, "metadata": {}, "execution_count": self.execution_count},
                )
        if status == "interrupted" and not silent:
            self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": "interrupted\n"})
        if status == "error" or errors:
            text = "".join(error["message"] for error in errors) or "the statement failed\n"
            first = text.splitlines()[0] if text else ""
            content = {
                "ename": "bpfsh error",
                "evalue": first,
                "traceback": text.rstrip("\n").split("\n"),
                "locations": [loc for error in errors for loc in error.get("locations", [])],
            }
            if not silent:
                self.send_response(self.iopub_socket, "error", content)
            return {"status": "error", "execution_count": self.execution_count, **content}
        return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}

    def do_complete(self, code, cursor_pos):
        reply = self.bpfsh.request("complete", code=code, cursor=cursor_pos)
        return {
            "status": "ok",
            "matches": reply.get("matches", []),
            "cursor_start": reply.get("cursor_start", cursor_pos),
            "cursor_end": reply.get("cursor_end", cursor_pos),
            "metadata": {},
        }

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        reply = self.bpfsh.request("inspect", code=code, cursor=cursor_pos)
        found = bool(reply.get("found"))
        return {
            "status": "ok",
            "found": found,
            "data": {"text/plain": reply.get("text", "")} if found else {},
            "metadata": {},
        }

    def do_is_complete(self, code):
        completeness = self.bpfsh.request("is_complete", code=code).get("completeness", "unknown")
        result = {"status": completeness}
        if completeness == "incomplete":
            result["indent"] = "    "
        return result

    def do_history(
        self, hist_access_type, output, raw, session=None, start=None, stop=None, n=None, pattern=None, unique=False
    ):
        """The cells of this kernel's session (session 1): tail, range and glob search."""
        cells = self.cells
        if hist_access_type == "range":
            first = start or 1
            cells = [c for c in cells if c[0] >= first and (stop is None or c[0] < stop)]
        elif hist_access_type == "search":
            cells = [c for c in cells if fnmatch.fnmatchcase(c[1], pattern or "*")]
            if unique:
                seen, kept = set(), []
                for cell in reversed(cells):
                    if cell[1] not in seen:
                        seen.add(cell[1])
                        kept.append(cell)
                cells = list(reversed(kept))
            if n:
                cells = cells[-n:]
        elif hist_access_type == "tail":
            cells = cells[-n:] if n else cells
        history = [(1, line, (code, result) if output else code) for line, code, result in cells]
        return {"status": "ok", "history": history}

    def do_shutdown(self, restart):
        self.bpfsh.shutdown()
        return {"status": "ok", "restart": restart}
