"""Files written atomically.

A reader (a notebook, a dashboard, a resumed sweep) never sees a half-written file: every file
is written to a temporary file in the same directory, flushed to disk, then renamed over the
target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import cache
from pathlib import Path


@cache
def _file_mode() -> int:
    # mkstemp creates files readable by the owner only; give results the mode open() would.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either the old one or the complete new one.

    Args:
        path: Target file; its directory must exist.
        data: The complete new contents.

    Raises:
        OSError: If writing fails; the target is then untouched and no temporary file remains.
    """
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _file_mode())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_directory(directory: Path) -> None:
    # The rename itself survives a crash only once the directory entry is on disk (POSIX).
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
