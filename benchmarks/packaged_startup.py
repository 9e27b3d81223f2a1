"""Start-up of the packaged app beside a bare PySide6 + pyqtgraph window packaged the same way.

    packaging/build/venv/bin/python benchmarks/packaged_startup.py [--app EXE] [--runs N] [--xvfb]

``--app`` is the packaged program (default: the installed /opt/mlp-studio/mlp-studio, else
the build's packaging/dist/mlp-studio/mlp-studio). The bare window (benchmarks/gui.py's
BARE_WINDOW) is bundled by PyInstaller from the running interpreter with the app's excludes
and dropped files (packaging/bundle_config.py) into packaging/build/bare-window/, once. Both
programs run in turn, each from an empty home folder and environment, until they print
that their window is shown; ``--xvfb`` runs them on a real X server (one Xvfb for all runs)
instead of offscreen. Prints the times, their best and median, and the ratios of the medians
and of the bests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.gui import BARE_WINDOW, _time_to_line  # noqa: E402

BARE_DIR = ROOT / "packaging" / "build" / "bare-window"
LIMIT_S = 1.5
BARE_SPEC = """
import sys
sys.path.insert(0, {packaging!r})
from bundle_config import EXCLUDED_MODULES, keep_in_bundle
a = Analysis([{script!r}], excludes=EXCLUDED_MODULES)
a.binaries = [e for e in a.binaries if keep_in_bundle(e[0])]
a.datas = [e for e in a.datas if keep_in_bundle(e[0])]
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="bare-window", strip=False, upx=False)
coll = COLLECT(exe, a.binaries, a.datas, strip=False, upx=False, name="bare-window")
"""


def default_app() -> Path:
    installed = Path("/opt/mlp-studio/mlp-studio")
    return installed if installed.exists() else ROOT / "packaging" / "dist" / "mlp-studio" / "mlp-studio"


def build_bare_window() -> Path:
    """The bare window, bundled like the app (once; delete packaging/build/bare-window to redo)."""
    exe = BARE_DIR / "dist" / "bare-window" / "bare-window"
    if exe.exists():
        return exe
    BARE_DIR.mkdir(parents=True, exist_ok=True)
    script = BARE_DIR / "bare_window.py"
    script.write_text(BARE_WINDOW, encoding="utf-8")
    spec = BARE_DIR / "bare-window.spec"
    spec.write_text(BARE_SPEC.format(packaging=str(ROOT / "packaging"), script=str(script)), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(BARE_DIR / "dist"), "--workpath", str(BARE_DIR / "work"), str(spec)],
                   check=True)
    return exe


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    """An X server on a free display; Xvfb prints its number once it accepts clients."""
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    number = server.stdout.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=default_app())
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--xvfb", action="store_true", help="a real X server instead of offscreen")
    args = parser.parse_args()
    if not args.app.exists():
        raise SystemExit(f"{args.app} not found: build it with packaging/build_linux.sh")
    bare = build_bare_window()
    server = None
    with tempfile.TemporaryDirectory() as home:
        env = {"HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MLP_STUDIO_EXIT_AFTER_SHOW": "1"}
        if args.xvfb:
            server, display = _start_xvfb()
            env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
        try:
            app_times, bare_times = [], []
            for _ in range(args.runs):  # in turn, so both see the same load
                app_times.append(_time_to_line([str(args.app)], "window shown", env))
                bare_times.append(_time_to_line([str(bare)], "shown", env))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    platform = "Xvfb" if args.xvfb else "offscreen"
    for name, times in (("MLP Studio (packaged)", app_times), ("bare PySide6 + pyqtgraph window", bare_times)):
        print(f"{name:34s} {platform}: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times)})")
    median = statistics.median(app_times)
    print(f"ratio of the medians: {median / statistics.median(bare_times):.2f}x, of the bests: "
          f"{min(app_times) / min(bare_times):.2f}x; target: the app's window within {LIMIT_S} s "
          f"(median): {'met' if median < LIMIT_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
