"""Names of earlier runs kept on the loss plot: the run's number and the settings in which
it differed from the run drawn now, e.g. ``run 1: L2 0`` beside an L2 run."""

from __future__ import annotations

from mlp_studio.core.training import TrainingConfig

#: the settings compared, each with the word put before its value ("" for none)
_COMPARED = (("learning_rate", "η"), ("mode", ""), ("batch_size", "batch"), ("momentum", "momentum"),
             ("optimizer", ""), ("l1", "L1"), ("l2", "L2"), ("schedule", ""), ("shuffle", "shuffle"),
             ("seed", "seed"), ("holdout", "hold out"))


def _shown(field: str, value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if field == "schedule":
        return f"{value} η"
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_label(number: int, earlier: TrainingConfig, now: TrainingConfig) -> str:
    """``run N`` and, after a colon, ``earlier``'s settings that ``now`` does not share."""
    changes = [" ".join(filter(None, (word, _shown(field, getattr(earlier, field)))))
               for field, word in _COMPARED
               if getattr(earlier, field) != getattr(now, field)
               and (field != "batch_size" or "minibatch" in (earlier.mode, now.mode))]
    return f"run {number}" + (": " + ", ".join(changes) if changes else "")
