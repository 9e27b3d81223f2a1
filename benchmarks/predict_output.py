"""`mlp-studio predict` text output: rows formatted a chunk at a time against one f-string per value.

    python benchmarks/predict_output.py [--rows 1000000]

Both write the same text (checked) for rows of three floats into memory; the
peer is the per-value loop the command used before. Reports both times and
their ratio (best of 3 each).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlp_studio.cli import _print_rows  # noqa: E402


def per_value(values: np.ndarray) -> None:
    for row in values:
        print(",".join(f"{v:.10g}" for v in row))


def best_of(write, values: np.ndarray, rounds: int = 3) -> tuple[float, str]:
    best, text = float("inf"), ""
    for _ in range(rounds):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            start = time.perf_counter()
            write(values)
            best = min(best, time.perf_counter() - start)
        text = out.getvalue()
    return best, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    values = np.random.default_rng(0).random((args.rows, 3))
    ours, ours_text = best_of(_print_rows, values)
    peer, peer_text = best_of(per_value, values)
    assert ours_text == peer_text
    print(f"{args.rows:,} rows: chunked {ours:.2f} s, per value {peer:.2f} s, {peer / ours:.1f}x")


if __name__ == "__main__":
    main()
