"""``mlp-studio train`` options that override the project's optimiser, penalties and schedule."""

from __future__ import annotations

import argparse
from dataclasses import replace

from mlp_studio.core.optimizers import OPTIMIZERS, SCHEDULES

#: option name -> (the training key, its type, help)
_OPTIONS = {
    "--optimizer": ("optimizer", str, f"one of {', '.join(OPTIMIZERS)}"),
    "--momentum": ("momentum", float, "sgd and nesterov momentum, in [0, 1)"),
    "--beta1": ("beta1", float, "adam's first-moment decay (0.9)"),
    "--beta2": ("beta2", float, "adam's second-moment decay (0.999)"),
    "--epsilon": ("epsilon", float, "adam's and rmsprop's epsilon (1e-8)"),
    "--rho": ("rho", float, "rmsprop's decay (0.9)"),
    "--l1": ("l1", float, "L1 penalty: l1 * sum |W| (weights only)"),
    "--l2": ("l2", float, "L2 penalty: l2/2 * sum W^2 (scikit-learn's alpha)"),
    "--schedule": ("schedule", str, f"learning-rate schedule: one of {', '.join(SCHEDULES)}"),
    "--power-t": ("power_t", float, "invscaling's exponent (0.5)"),
    "--gamma": ("gamma", float, "step's factor (0.1)"),
    "--step-epochs": ("step_epochs", int, "step's period in epochs (10)"),
}


def add_update_rule_options(parser: argparse.ArgumentParser) -> None:
    """Add the options; each left out keeps the project's setting."""
    group = parser.add_argument_group("optimiser, penalties and schedule (default: the project's)")
    for flag, (key, kind, text) in _OPTIONS.items():
        choices = OPTIMIZERS if key == "optimizer" else SCHEDULES if key == "schedule" else None
        group.add_argument(flag, dest=key, type=kind, choices=choices, help=text)


def with_update_rule_options(training, args: argparse.Namespace):
    """A copy of the ``TrainingConfig`` ``training`` with the given options applied, validated."""
    given = {key: getattr(args, key) for key, _, _ in _OPTIONS.values()
             if getattr(args, key, None) is not None}
    config = replace(training, **given)
    config.validate()
    return config
