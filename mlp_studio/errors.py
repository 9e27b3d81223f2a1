"""The one exception type for errors a user can cause (bad file, bad setting)."""

from __future__ import annotations

from typing import Any

#: characters of a user's value (a cell, a key, a name) an error message echoes
SHOWN_CHARS = 60
#: an error message longer than this is cut in the middle (a last guard for values not shortened)
MAX_MESSAGE_CHARS = 2000


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr`` of a user's value for a message, at most ``limit`` characters (a long
    string is cut before ``repr`` runs, so a 200 MB cell costs no more than a short one)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit - 3]) + f"… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def listed(names: list[str], limit: int = 6) -> str:
    """Names for a message: all of a few, else the first ones, "…", the last and the count."""
    if len(names) <= limit:
        return ", ".join(shown(n) for n in names)
    return f"{', '.join(shown(n) for n in names[:limit - 1])}, …, {shown(names[-1])} ({len(names)} in all)"


def _clip(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    half = MAX_MESSAGE_CHARS // 2
    return f"{text[:half]} … {text[-half:]}"


class MLPError(Exception):
    """A user-facing error: the message says what went wrong and where.

    ``where`` optionally names the place (file, line, column or a path inside a
    project file) so a dialog or the CLI can show it in front of the message.
    Both are kept to a readable length.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = _clip(message)
        self.where = None if where is None else _clip(where)
        super().__init__(f"{self.where}: {self.message}" if where else self.message)
