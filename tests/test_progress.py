"""Progress of the steps a user waits for: one line per phase on stderr (no terminal here), never
on stdout; a first `thamquyen who-holds` on an empty working folder tells its store build, the
second (store and index ready) says nothing."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POWER_ONE, UBND_84
from thamquyen import progress
from thamquyen.progress import Phases


def who_holds(home: Path, workdir: Path) -> subprocess.CompletedProcess:
    """`thamquyen who-holds POWER_ONE --format json` as a real process."""
    env = {**os.environ, "THAMQUYEN_HOME": str(home), "THAMQUYEN_WORKDIR": str(workdir)}
    return subprocess.run([sys.executable, "-m", "thamquyen.cli", "who-holds", POWER_ONE,
                           "--at", "2024-05-01", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_first_start_tells_its_phases_on_stderr(mini_home, tmp_path):
    first = who_holds(mini_home, tmp_path / "empty")
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert any("Dựng kho dữ liệu lần đầu" in line for line in lines), first.stderr
    assert any("Ghi kho" in line and "bộ ba" in line for line in lines), first.stderr
    assert all(line.startswith("[") and " s] " in line for line in lines), first.stderr
    assert [h["authority"] for h in json.loads(first.stdout)["holders"]] == [UBND_84]
    again = who_holds(mini_home, tmp_path / "empty")
    assert again.returncode == 0 and again.stderr == ""  # nothing long to wait for
    assert again.stdout == first.stdout


def test_steps_go_to_the_phases_shown_else_to_the_log(caplog):
    sink = io.StringIO()
    with progress.shown(Phases(lang="en", stream=sink)):
        progress.step("Đọc…", "Reading…")
    assert sink.getvalue().endswith("] Reading…\n")
    with progress.shown(Phases.silent()):
        progress.step("Đọc…", "Reading…")  # --quiet: nothing anywhere
    with caplog.at_level(logging.INFO, logger="thamquyen.progress"):
        progress.step("Đọc…", "Reading the index…")  # the service: its log
    assert [r.getMessage() for r in caplog.records] == ["Reading the index…"]


@pytest.mark.parametrize("quiet", [False, True])
def test_phases_print_nothing_before_the_first_step(quiet):
    sink = io.StringIO()
    with progress.shown(Phases.silent() if quiet else Phases(stream=sink)):
        pass
    assert sink.getvalue() == ""
