"""Why an iterative run (training, the function-minimisation lab) stopped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StopReason:
    """``code`` is one of the run's STOP_* names; ``message`` says it to a person."""

    code: str
    message: str
