"""Reading a whole file whose size is checked first, so a huge file cannot exhaust memory.

Only regular files are read: a FIFO, a device or a folder is refused at once
(opening a FIFO for reading would otherwise wait forever for a writer).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from mlp_studio.errors import MLPError, shown

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # so opening a FIFO returns at once (POSIX)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """``path`` opened for binary reading; MLPError (naming it) unless it is a regular file.

    The type is checked on the opened descriptor, so a file swapped for a FIFO
    between a check and the open cannot block either."""
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise MLPError(f"cannot read the file: {exc.strerror or exc}", where=name) from exc
    except ValueError:  # a NUL character in the path
        raise MLPError("the path contains a NUL character", where=shown(name)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise MLPError(f"this is {_kind(mode)}, not a file that can be read", where=name)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes_bounded(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes; MLPError (naming the file) if it is larger than ``max_bytes``,
    unreadable or not a regular file."""
    name = str(path)
    with open_regular(name) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise MLPError(f"the file is too large ({size / 2**20:.0f} MB; the limit is "
                               f"{max_bytes / 2**20:.0f} MB)", where=name)
            return f.read(max_bytes + 1)
        except OSError as exc:
            raise MLPError(f"cannot read the file: {exc.strerror or exc}", where=name) from exc
