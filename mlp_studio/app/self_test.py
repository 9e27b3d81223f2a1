"""`mlp-studio --self-test`: open the window, render, exit 0 (non-zero with a message)."""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
import time

TIMEOUT_S = 120.0


class SelfTestError(Exception):
    """A self-test check failed; the message says which."""


def _watchdog(timeout_s: float) -> threading.Timer:
    def expire() -> None:
        print(f"mlp-studio self-test: FAILED: no result after {timeout_s:.0f} s; threads:",
              file=sys.stderr)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(timeout_s, expire)
    timer.daemon = True
    timer.start()
    return timer


def _check_image(widget, what: str) -> tuple[int, int]:
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 50 or image.height() < 50:
        raise SelfTestError(f"{what}: rendered an empty image ({image.width()}x{image.height()})")
    small = image.scaled(64, 64)
    colours = {small.pixel(x, y) for x in range(64) for y in range(64)}
    if len(colours) < 3:
        raise SelfTestError(f"{what}: rendered a blank image ({len(colours)} colours)")
    return image.width(), image.height()


def _run(timings: dict[str, float]) -> None:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QMainWindow

    start = time.perf_counter()
    app = QApplication.instance() or QApplication(["mlp-studio"])
    print(f"Qt platform: {app.platformName()}")
    window = QMainWindow()
    plot = pg.PlotWidget()
    plot.plot(np.arange(10.0), np.arange(10.0) ** 2)
    window.setCentralWidget(plot)
    window.resize(800, 600)
    window.show()
    app.processEvents()
    timings["window shown"] = time.perf_counter() - start
    size = _check_image(plot, "loss plot")
    print(f"loss plot rendered {size[0]}x{size[1]}")
    window.close()
    app.processEvents()


def run_self_test(timeout_s: float = TIMEOUT_S) -> int:
    """Exercise the app end to end; 0 when every check passes, else a message and 1."""
    start = time.perf_counter()
    watchdog = _watchdog(timeout_s)
    timings: dict[str, float] = {}
    try:
        _run(timings)
    except Exception as exc:  # any failure is reported, never raised
        import traceback

        traceback.print_exc(file=sys.stderr)
        print(f"mlp-studio self-test: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        watchdog.cancel()
    timings["total"] = time.perf_counter() - start
    print("mlp-studio self-test: passed (" +
          ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()) + ")")
    return 0
