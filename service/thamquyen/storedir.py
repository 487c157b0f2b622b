"""The store folder shared by every process on a machine: who builds, who waits, what may go.

`store/` holds one folder per content fingerprint. Several processes (two `serve` started at
once, a `serve` and a CLI command, two services on different data) may use it together:

* the build lock (`store/.lock`, an exclusive flock) is held while a process checks for a store
  and builds it, so a store is built once and the others wait, then open it;
* each process using a store holds a shared flock on its `IN_USE` file for as long as it runs;
  an old store is removed only when an exclusive flock on that file is granted (nobody uses it);
* a build happens in a folder of its own and is renamed into place with `READY` inside, so a
  fingerprint folder either is complete or does not exist.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from .rdfio import InputError

IN_USE = "IN_USE"


def store_root(workdir: Path) -> Path:
    """`workdir/store`, created; an unwritable folder is a clear InputError, not a traceback."""
    root = workdir / "store"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"thư mục làm việc {workdir} không ghi được ({exc.strerror}); hãy cấp quyền ghi hoặc "
            "chọn thư mục khác bằng --workdir hay THAMQUYEN_WORKDIR.",
            f"the working folder {workdir} is not writable ({exc.strerror}); make it writable or "
            "choose another one with --workdir or THAMQUYEN_WORKDIR.") from exc
    return root


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the folder's build lock (waits while another process builds)."""
    with open(root / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def mark_in_use(target: Path) -> int:
    """A shared lock on the store's IN_USE file, kept (as an open descriptor) while we use it."""
    fd = os.open(target / IN_USE, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def release(fd: int | None) -> None:
    """Drop an IN_USE mark."""
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def remove_unused(root: Path, keep: str) -> list[str]:
    """Remove the store folders other than `keep` that no process uses (call under the build
    lock); the names removed."""
    removed = []
    for old in sorted(root.iterdir()):
        if old.name == keep or not old.is_dir():
            continue
        if _remove_if_unused(old):
            removed.append(old.name)
    return removed


def _remove_if_unused(folder: Path) -> bool:
    marker = folder / IN_USE
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)  # a failed build or a store nobody opened
        return True
    fd = os.open(marker, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    shutil.rmtree(folder, ignore_errors=True)
    return True


def set_aside(target: Path) -> Path:
    """Move a damaged store out of the way (processes that have it open keep their files)."""
    aside = target.with_name(f"{target.name}.damaged-{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    target.rename(aside)
    return aside
