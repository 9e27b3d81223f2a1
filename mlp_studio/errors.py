"""The one exception type for errors a user can cause (bad file, bad setting)."""

from __future__ import annotations


class MLPError(Exception):
    """A user-facing error: the message says what went wrong and where.

    ``where`` optionally names the place (file, line, column or a path inside a
    project file) so a dialog or the CLI can show it in front of the message.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
