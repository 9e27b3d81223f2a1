"""What ``mlp-studio train`` says while and after it runs.

On a terminal, stderr shows a progress bar: epochs done of the run's epochs, the
latest loss, epochs per second and the time left. The bar is tqdm's, a small,
pure-Python library without dependencies that has been kept up for a decade:
it already smooths the rate, estimates the time left, limits redraws to ten a
second, fits the terminal's width and copes with runs whose length is unknown
(only a target loss or patience ends them), which a few lines of our own would
each have to get right again. When stderr is no terminal (a log, a pipe, CI)
there is no bar; one summary line on stdout says how the run went.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from mlp_studio.core.training_run import RunResult, Snapshot

FALLBACK_SIZE = (80, 24)  # columns, lines: tqdm draws nothing on a terminal of size 0


def _terminal_size(stream: TextIO) -> tuple[int, int]:
    """(columns, lines) of the terminal ``stream`` writes to; 0 where it does not say."""
    try:
        return tuple(os.get_terminal_size(stream.fileno()))
    except (OSError, ValueError):
        return 0, 0


class TrainProgress:
    """Collects a run's losses from its snapshots and, if ``bar``, draws the progress bar
    on ``stream``. ``total``: the epochs the run takes at most (None when unknown)."""

    def __init__(self, total: int | None, bar: bool, stream: TextIO | None = None) -> None:
        self.losses: list[float] = []
        self.validation: list[float] = []
        self._bar = None
        if bar:
            from tqdm import tqdm

            stream = stream or sys.stderr
            columns, lines = _terminal_size(stream)
            sized = columns > 0 and lines > 0  # else (a bare pseudo-terminal) a fixed size
            self._bar = tqdm(total=total, unit="epoch", desc="training", file=stream,
                             dynamic_ncols=sized, ncols=None if sized else columns or FALLBACK_SIZE[0],
                             nrows=None if sized else lines or FALLBACK_SIZE[1])

    def __call__(self, snap: Snapshot) -> None:
        self.losses.extend(snap.train_loss.tolist())
        if snap.val_loss is not None:
            self.validation.extend(snap.val_loss.tolist())
        if self._bar is not None and len(snap.epochs):
            self._bar.set_postfix_str(self._latest(), refresh=False)
            self._bar.update(len(snap.epochs))

    def _latest(self) -> str:
        held = f", validation={self.validation[-1]:.4g}" if self.validation else ""
        return f"loss={self.losses[-1]:.4g}{held}"

    def close(self) -> None:
        """Draw the bar a last time and end its line."""
        if self._bar is not None:
            self._bar.close()

    def summary(self, result: RunResult, out: str) -> str:
        """One line: epochs, time, speed, first and last loss, why it stopped, the file."""
        rate = f", {result.epochs / result.elapsed:.4g} epochs/s" if result.elapsed > 0 else ""
        losses = ""
        if self.losses:
            held = f", validation {self.validation[-1]:.6g}" if self.validation else ""
            losses = f": loss {self.losses[0]:.6g} -> {self.losses[-1]:.6g}{held}"
        return (f"trained {result.epochs} epochs in {result.elapsed:.3g} s{rate}{losses}; "
                f"stopped: {result.stop.message}; wrote {out}")
