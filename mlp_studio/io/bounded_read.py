"""Reading a whole file whose size is checked first, so a huge file cannot exhaust memory."""

from __future__ import annotations

import os

from mlp_studio.errors import MLPError


def read_bytes_bounded(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes; MLPError (naming the file) if it is larger than ``max_bytes`` or unreadable."""
    name = str(path)
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise MLPError(f"the file is too large ({size / 2**20:.0f} MB; the limit is "
                           f"{max_bytes / 2**20:.0f} MB)", where=name)
        with open(name, "rb") as f:
            return f.read(max_bytes + 1)
    except OSError as exc:
        raise MLPError(f"cannot read the file: {exc.strerror or exc}", where=name) from exc
