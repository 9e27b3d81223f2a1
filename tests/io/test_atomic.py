"""Atomic saves: a failure half-way leaves the old file intact and no temporary file."""

from __future__ import annotations

import os

import pytest

from mlp_studio.errors import MLPError
from mlp_studio.io import atomic
from mlp_studio.io.atomic import write_bytes_atomic, write_text_atomic


def test_writes_new_and_replaces_old(tmp_path):
    path = tmp_path / "a.txt"
    write_text_atomic(path, "first ünïcode\n")
    assert path.read_bytes() == "first ünïcode\n".encode()
    mask = os.umask(0o022)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # as a plain open() would create it
    write_bytes_atomic(path, b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_text_atomic(path, "new")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlink_keeps_pointing_at_the_saved_file(tmp_path):
    real = tmp_path / "real.mlp.json"
    real.write_text("old")
    link = tmp_path / "link.mlp.json"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


class _FailingFile:
    """Wraps a real file; writes 10 bytes, then fails like a full disk or a crash."""

    def __init__(self, f):
        self.f = f

    def write(self, data):
        self.f.write(data[:10])
        self.f.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


def test_failure_half_way_leaves_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "project.mlp.json"
    path.write_text("old contents")
    real_fdopen = os.fdopen
    written = []

    def failing_fdopen(fd, *args, **kw):
        f = real_fdopen(fd, *args, **kw)
        written.append(f.name)
        return _FailingFile(f)

    monkeypatch.setattr(atomic.os, "fdopen", failing_fdopen)
    with pytest.raises(MLPError) as info:
        write_text_atomic(path, "new contents that will never be complete")
    assert "No space left" in info.value.message
    assert info.value.where == str(path)
    assert written, "the write did start"
    assert path.read_text() == "old contents"
    assert os.listdir(tmp_path) == ["project.mlp.json"]


def test_interrupt_during_write_also_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("old")

    def interrupted_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(path, "new")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(MLPError) as info:
        write_text_atomic(tmp_path / "no" / "such" / "a.txt", "x")
    assert "cannot write" in info.value.message
