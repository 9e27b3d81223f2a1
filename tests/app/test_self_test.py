"""`mlp-studio --self-test` passes, and the bundle's data list covers every resource file."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bundle_config():
    spec = importlib.util.spec_from_file_location("bundle_config", ROOT / "packaging" / "bundle_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_self_test_passes_offscreen(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MLP_STUDIO_SELF_TEST_IMAGES": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "mlp_studio", "--self-test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mlp-studio self-test: passed" in done.stdout
    assert "trained 5 epochs" in done.stdout
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "loss-plot.png", "network-canvas.png", "canvas-export.png", "main-window.png"}


def test_self_test_fails_with_a_message_when_the_example_is_missing(monkeypatch, capsys):
    """A missing data file is a non-zero exit with the file named, not a hang."""
    from mlp_studio.app.shell import self_test
    from mlp_studio.io import resources

    monkeypatch.setattr(resources, "EXAMPLE_PROJECT", "no-such-example.mlp.json")
    code = self_test.run_self_test(timeout_s=60)
    assert code == 1
    err = capsys.readouterr().err
    assert "mlp-studio self-test: FAILED:" in err and "no-such-example.mlp.json" in err


def test_spec_bundles_every_resource_file():
    """Each file in resources/ (but the package's Python files) is in the spec's data list,
    at mlp_studio/resources where importlib.resources finds it; so is an example added later."""
    config = _bundle_config()
    datas = config.resource_datas()
    bundled = {Path(src).relative_to(ROOT / "resources") for src, _ in datas}
    on_disk = {p.relative_to(ROOT / "resources") for p in (ROOT / "resources").rglob("*")
               if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert on_disk - bundled == set(), "add a package-data pattern to pyproject.toml for these"
    assert {Path("reference.mlp.json"), Path("mlp-studio.png"), Path("mlp-studio.desktop")} <= bundled
    for src, dest in datas:  # each file in its own folder under mlp_studio/resources
        folder = Path(src).relative_to(ROOT / "resources").parent
        assert Path(dest) == Path("mlp_studio/resources", *folder.parts), src


def test_spec_drops_unused_qt_files_only():
    config = _bundle_config()
    keep = config.keep_in_bundle
    for name in ("PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                 "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                 "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
                 "PySide6\\plugins\\platforms\\qwindows.dll", "mlp_studio/resources/reference.mlp.json"):
        assert keep(name), name
    for name in ("PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/plugins/platforms/libqeglfs.so",
                 "PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "PySide6/Qt/lib/libQt6Quick.so.6",
                 "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6\\translations\\qt_fr.qm", "libstdc++.so.6",
                 "libgcc_s.so.1"):
        assert not keep(name), name
