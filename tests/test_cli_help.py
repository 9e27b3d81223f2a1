"""`--help` of every command: what it does, every argument explained, examples that parse."""

from __future__ import annotations

import argparse
import shlex

import pytest

from mlp_studio.cli import _split_gui_args, build_parser, main


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices


def examples(parser: argparse.ArgumentParser) -> list[list[str]]:
    lines = [line.strip() for line in (parser.epilog or "").splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("mlp-studio")]


def test_the_top_level_help_shows_the_file_form_and_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    text = capsys.readouterr().out
    assert info.value.code == 0
    assert text.startswith("usage: mlp-studio [FILE]\n       mlp-studio COMMAND [ARGUMENTS]")
    assert "FILE (a project, NAME.mlp.json, or a lesson, NAME.mlp-lesson.json," in " ".join(text.split())
    for name in commands():
        assert f"\n    {name}" in text
    assert ["two_moons.mlp.json"] in examples(build_parser())
    assert ["xor-2-2-1.mlp-lesson.json"] in examples(build_parser())


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_argument_is_explained_and_there_is_an_example(name):
    parser = commands()[name]
    assert parser.description and len(parser.description) > 40
    for action in parser._actions:
        assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
    found = examples(parser)
    assert found and all(argv[0] == name for argv in found)


@pytest.mark.parametrize("argv", [argv for parser in [build_parser(), *commands().values()]
                                  for argv in examples(parser)], ids=" ".join)
def test_every_example_is_a_valid_command_line(argv):
    if _split_gui_args(argv) is not None:  # opens the app
        return
    args = build_parser().parse_args(argv)
    assert callable(args.func)


def test_help_of_open_is_help_not_the_app(capsys):
    with pytest.raises(SystemExit):
        main(["open", "--help"])
    assert "usage: mlp-studio open [-h] [FILE]" in capsys.readouterr().out
