"""`mlp-studio lesson FILE --check`: run a lesson's actions headless and check its questions."""

from __future__ import annotations

import argparse
import sys

from mlp_studio.cli_support import add_command
from mlp_studio.errors import MLPError


def run(args: argparse.Namespace) -> int:
    """Handler of ``lesson``: 0 when every step passes; otherwise names the failing steps."""
    from mlp_studio.io.lesson_file import check_lesson, load_lesson

    lesson = load_lesson(args.file)
    if not args.check:
        print(f"{lesson.title}: {len(lesson.steps)} steps; add --check to run them")
        return 0
    failures = check_lesson(lesson)
    if failures:
        raise MLPError("; ".join(str(f) for f in failures), where=args.file)
    questions = sum(step.question is not None for step in lesson.steps)
    print(f"{lesson.title}: all {len(lesson.steps)} steps run, {questions} questions answered "
          "by the trace", file=sys.stdout)
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``lesson`` command to an argparse subparsers object."""
    p = add_command(
        subparsers, "lesson", "check a lesson file (*.mlp-lesson.json): run every step headless",
        "Read a lesson file; with --check run every action on its project and check that every "
        "question's value is in the trace (and equals the stated answer). Exits 0 when all pass, "
        "2 naming the failing step otherwise.",
        ["lesson xor-2-2-1.mlp-lesson.json --check"])
    p.add_argument("file", help="the lesson file")
    p.add_argument("--check", action="store_true", help="run every step and check every question")
    p.set_defaults(func=run)
    return p
