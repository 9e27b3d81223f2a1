"""What `mlp-studio train` prints: a progress bar under a pseudo-terminal, one summary line
into a pipe, nothing with --quiet, the JSON unchanged."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from mlp_studio.io.resources import resource_path

EPOCHS = 150
SUMMARY = re.compile(rf"^trained {EPOCHS} epochs in \S+ s, \S+ epochs/s: loss (\S+) -> (\S+); "
                     rf"stopped: reached {EPOCHS} epochs; wrote (.+)$")


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "xor.mlp.json"
    shutil.copy(resource_path("xor.mlp.json"), path)
    return path


def train_argv(project, *extra) -> list[str]:
    return [sys.executable, "-m", "mlp_studio", "train", str(project), "--epochs", str(EPOCHS), *extra]


def run_on_terminal(argv, size: tuple[int, int] | None) -> tuple[str, str, int]:
    """Run ``argv`` with stderr on a pseudo-terminal of ``size`` (lines, columns; None: the
    size 0 x 0 a bare one reports); (stdout, what the terminal got, exit code)."""
    master, slave = pty.openpty()
    if size is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal's last descriptor
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = proc.stdout.read().decode()
    proc.stdout.close()
    return out, b"".join(chunks).decode("utf-8", "replace"), proc.wait()


@pytest.mark.parametrize("size", [(30, 100), None])
def test_a_progress_bar_on_a_terminal(project, size):
    out, terminal, code = run_on_terminal(train_argv(project), size)
    assert code == 0
    summary = SUMMARY.match(out.strip())
    assert summary and out.count("\n") == 1
    frames = [f.strip() for f in terminal.replace("\n", "\r").split("\r") if f.strip()]
    last = frames[-1]
    # epoch count of the total, speed, time taken < time left, the latest loss
    bar = re.search(rf"training: 100%\|.*\| {EPOCHS}/{EPOCHS} \[\d\d:\d\d<00:00, *([\d.]+)epoch/s, "
                    rf"loss=(\S+)\]", last)
    assert bar, last
    assert float(bar.group(1)) > 0
    assert float(bar.group(2)) == pytest.approx(float(summary.group(2)), rel=5e-4)
    width = size[1] if size else 80
    assert all(len(f) <= width for f in frames)


def test_one_summary_line_when_stderr_is_no_terminal(project):
    proc = subprocess.run(train_argv(project), capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""
    summary = SUMMARY.match(proc.stdout.strip())
    assert summary and proc.stdout.count("\n") == 1
    assert summary.group(3) == str(project.with_name("xor.trained.mlp.json"))


def test_quiet_says_nothing_even_on_a_terminal(project):
    out, terminal, code = run_on_terminal(train_argv(project, "--quiet"), (30, 100))
    assert code == 0 and out == "" and terminal == ""
    assert project.with_name("xor.trained.mlp.json").exists()


def test_json_is_unchanged_and_alone_on_a_terminal(project):
    out, terminal, code = run_on_terminal(train_argv(project, "--json"), (30, 100))
    result = json.loads(out)
    assert code == 0 and terminal == ""
    assert len(result["loss"]) == EPOCHS and result["stop_code"] == "epochs"
    assert set(result) == {"loss", "validation_loss", "stopped", "stop_code", "out"}
