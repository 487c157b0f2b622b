"""thamquyen.forked: a function in a forked child, its result or its failure read back."""

from __future__ import annotations

import os
import time

import pytest
from thamquyen.forked import ChildFailed, ForkedCall


def test_the_result_comes_from_the_child() -> None:
    parent = os.getpid()
    call = ForkedCall(lambda: (os.getpid(), [1, "ừ"]))
    child, value = call.result()
    call.stop()
    assert child != parent and value == [1, "ừ"]


def test_an_exception_in_the_child_is_raised_with_its_traceback() -> None:
    call = ForkedCall(lambda: 1 / 0)
    with pytest.raises(ChildFailed, match="ZeroDivisionError"):
        call.result()
    call.stop()


def test_a_child_that_dies_is_a_failure_not_a_hang() -> None:
    call = ForkedCall(lambda: os._exit(3))
    with pytest.raises(ChildFailed, match="status 3"):
        call.result()
    call.stop()


def test_stop_ends_a_running_child_at_once() -> None:
    call = ForkedCall(lambda: time.sleep(60))
    started = time.monotonic()
    call.stop()
    assert time.monotonic() - started < 5


def test_ended_is_set_once_the_child_has_written_its_result() -> None:
    call = ForkedCall(lambda: time.sleep(0.3) or "done")
    assert not call.ended.is_set()
    assert call.ended.wait(10)
    assert call.result() == "done"
    call.stop()
