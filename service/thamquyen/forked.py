"""A function run in a forked child process, its result read back through a pipe.

pyshacl-turbo holds the GIL while it validates: in the process of the SPARQL constraints it
would stall their threads, so it runs in a child. A bare fork (no pool) lets the caller choose
when the child starts (before the data is read, so that it shares no pages with the parent)
and stop it at once when the parent fails (a pool would wait for the engine to finish).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable


class ChildFailed(RuntimeError):
    """The child raised (its traceback is the message) or died without a result."""


class ForkedCall:
    """`function()` started in a forked child; `result()` waits for its return value."""

    def __init__(self, function: Callable[[], object]):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            os.close(reader)
            _run_and_exit(function, writer)
        os.close(writer)
        self._pid: int | None = pid
        self._received = b""
        self.ended = threading.Event()  # set once the child has written its result (or died)
        # read as soon as the child writes, so that it ends (and frees its memory) then, not
        # when this process asks for the result
        self._drain = threading.Thread(target=self._read_all, args=(reader,), daemon=True)
        self._drain.start()

    def _read_all(self, reader: int) -> None:
        try:
            with os.fdopen(reader, "rb") as pipe:
                self._received = pipe.read()
        finally:
            self.ended.set()

    def result(self) -> object:
        """The function's return value; ChildFailed when it raised or the child died."""
        self._drain.join()
        try:
            outcome, payload = pickle.loads(self._received)
        except (EOFError, pickle.UnpicklingError) as exc:
            status = self._reap()
            raise ChildFailed(f"the child process ended without a result (status {status})") \
                from exc
        self._reap()
        if outcome == "error":
            raise ChildFailed(payload)
        return payload

    def stop(self) -> None:
        """End the child if it still runs (the caller failed or no longer needs it)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()
        self._drain.join()
        self._received = b""

    def _reap(self) -> int | None:
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)


def _run_and_exit(function: Callable[[], object], writer: int) -> None:
    code = 0
    try:
        try:
            message = ("ok", function())
        except BaseException:  # the parent gets every failure, not a silent child
            message, code = ("error", traceback.format_exc()), 1
        with os.fdopen(writer, "wb") as out:
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(code)
