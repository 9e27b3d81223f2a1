"""What the ``mlp-studio`` commands share: warnings on stderr, a project's data, and
the layout of a command's ``--help`` (what it does, each argument, an example)."""

from __future__ import annotations

import argparse
import sys
import textwrap

from mlp_studio.errors import MLPError

PROG = "mlp-studio"
HELP_WIDTH = 78


def warn(message: str) -> None:
    """Say ``message`` once on stderr (stdout stays clean for JSON and CSV)."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def note(message: str) -> None:
    """Say on stderr a choice made for the user."""
    print(f"{PROG}: {message}", file=sys.stderr)


def require_data(project, path: str):
    """The project's dataset; its target-range warning goes to stderr."""
    if project.data is None:
        raise MLPError("the project has no data: open a CSV in the app, or make the project "
                       "with `mlp-studio new --csv FILE`", where=path)
    for warning in project.data.target_range_warnings(project.network.layers[-1].activation):
        warn(warning)
    return project.data


def wrapped(text: str) -> str:
    """``text`` wrapped for ``--help``; blank lines keep paragraphs apart."""
    return "\n\n".join(textwrap.fill(p, HELP_WIDTH) for p in text.split("\n\n"))


def examples_epilog(examples: list[str]) -> str:
    """The ``--help`` section listing command lines (after ``mlp-studio``)."""
    lines = "\n".join(f"  {PROG} {example}".rstrip() for example in examples)
    return f"example{'s' if len(examples) > 1 else ''}:\n{lines}"


def add_command(subparsers, name: str, summary: str, description: str,
                examples: list[str]) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` shows ``description`` and the ``examples``."""
    return subparsers.add_parser(
        name, help=summary, description=wrapped(description), epilog=examples_epilog(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter)
