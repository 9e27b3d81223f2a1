"""Atomic file writes: a temporary file in the same folder, fsync, then ``os.replace``.

An error half-way through a save leaves the old file as it was and no
temporary file behind. A process killed during a save (``kill -9``) leaves its
temporary file (``.NAME.XXXXXXXX.tmp``); the next save of NAME removes such
files once they are older than :data:`STALE_TMP_SECONDS`, so a save running
in another process at the same time keeps its own.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from mlp_studio.errors import MLPError, shown


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: changing it later would race with other threads

#: a temporary file of our own pattern this old belongs to a save that was killed
STALE_TMP_SECONDS = 15 * 60


def resolved(path: str | os.PathLike) -> Path:
    """``path`` with every symbolic link followed; MLPError for a link loop or a path
    the system cannot resolve."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a link loop before Python 3.13
        raise MLPError("the path cannot be resolved (a symbolic link that points to itself, "
                       "directly or in a loop?)", where=str(path)) from exc


def _target(path: str | os.PathLike) -> tuple[Path, Path]:
    """The file a save to ``path`` replaces (a link's target, so the link is kept) and its folder."""
    if "\x00" in str(path):
        raise MLPError("the path contains a NUL character", where=shown(str(path)))
    target = Path(path)
    try:
        if target.is_symlink():
            target = resolved(target)
    except OSError as exc:  # e.g. a name longer than the system allows
        raise MLPError(f"cannot use this path: {exc.strerror or exc}", where=shown(str(path))) from exc
    return target, target.parent if str(target.parent) else Path(".")


def check_writable(path: str | os.PathLike) -> None:
    """MLPError unless a save to ``path`` can succeed: its folder exists and takes a new
    file, and ``path`` is no folder. Run before work whose result would otherwise be lost."""
    target, folder = _target(path)
    try:
        is_folder, has_folder = target.is_dir(), folder.is_dir()
    except OSError as exc:
        raise MLPError(f"cannot use this path: {exc.strerror or exc}", where=shown(str(path))) from exc
    if is_folder:
        raise MLPError("this is a folder; give a file name", where=str(target))
    if not has_folder:
        raise MLPError(f"the folder {folder} does not exist", where=str(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise MLPError(f"cannot write here: {exc.strerror or exc}", where=str(target)) from exc
    os.close(fd)
    os.unlink(tmp)


def remove_stale_temporaries(target: Path, max_age: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove temporary files a killed save of ``target`` left (our pattern, older than
    ``max_age`` seconds); the removed paths."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix, now, removed = f".{target.name}.", time.time(), []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(prefix)
                      and p.name.endswith(".tmp") and len(p.name) == len(prefix) + 12]
    except OSError:
        return removed
    for p in candidates:
        try:
            if p.is_file() and not p.is_symlink() and now - p.stat().st_mtime > max_age:
                p.unlink()
                removed.append(p)
        except OSError:
            pass  # another save removed it, or it is not ours to remove
    return removed


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; raise MLPError if it cannot be written."""
    target, folder = _target(path)
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
    remove_stale_temporaries(target)


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
