"""Atomic file writes: a temporary file in the same folder, fsync, then ``os.replace``.

A crash or an error half-way through a save leaves the old file as it was and
no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mlp_studio.errors import MLPError


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: changing it later would race with other threads


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; raise MLPError if it cannot be written."""
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points to, keep the link
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise MLPError(f"cannot write here: {exc.strerror or exc}", where=str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise MLPError(f"cannot save: {exc.strerror or exc}", where=str(target)) from exc
        raise
    _fsync_folder(folder)


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) in one step."""
    write_bytes_atomic(path, text.encode(encoding))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the OS allows it (not on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
