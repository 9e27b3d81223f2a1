"""What each column of a CSV table is for, and the dataset that choice makes.

A column's role is one of :data:`ROLES`. By default the last column is the
target (all of the last class column's 0/1 columns when it held class names)
and every other column an input. "target classes" reads a column of class
numbers (0, 1, 2) as classes: one 0/1 target per class. The app's column dialog
and ``mlp-studio new`` both choose columns through this module.
"""

from __future__ import annotations

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.derived import DerivedColumn
from mlp_studio.errors import MLPError, listed, shown
from mlp_studio.io.csv_table import Table, class_column, with_classes

INPUT, TARGET, TARGET_CLASSES, IGNORE = "input", "target", "target classes", "ignore"
ROLES = (INPUT, TARGET, TARGET_CLASSES, IGNORE)


def roles_of(columns: list[str], inputs: list[str], targets: list[str]) -> list[str]:
    """One role per column: input, target, or ignore for a column in neither list."""
    inputs, targets = set(inputs), set(targets)
    return [INPUT if c in inputs else TARGET if c in targets else IGNORE for c in columns]


def default_roles(table: Table) -> list[str]:
    """The last column (or last class column) the target, all others inputs."""
    targets = table.default_targets
    return roles_of(table.columns, [c for c in table.columns if c not in targets], targets)


def _class_columns(table: Table) -> set[str]:
    """The 0/1 columns that class-name columns of the file became."""
    return {class_column(k, n) for k, names in table.classes.items() for n in names}


def _expand(table: Table, name: str) -> list[str]:
    """The table's columns for ``name``: itself, or a class-name column's 0/1 columns."""
    if name in table.columns:
        return [name]
    if name in table.classes:
        return [class_column(name, k) for k in table.classes[name]]
    split = _class_columns(table)
    names = [c for c in table.columns if c not in split] + list(table.classes)
    raise MLPError(f"no column named {shown(name)}; the columns are {listed(names)}",
                   where=table.path)


def named_roles(table: Table, inputs: list[str] | None = None, targets: list[str] | None = None,
                classes: list[str] | None = None) -> list[str]:
    """Roles from column names (a class-name column's name stands for its 0/1 columns).

    ``classes`` are numeric columns read as class numbers (role "target classes").
    Targets not given: none besides ``classes`` if those are given, else the default
    targets (which must not be among ``inputs``). Inputs not given: every other column.
    """
    named = [name for name in classes or [] if name in table.classes]
    if named:
        raise MLPError(f"the column {shown(named[0])} holds class names, which are classes already: "
                       f"choose it as a target", where=table.path)
    wanted_classes = [c for name in classes or [] for c in _expand(table, name)]
    if targets is not None:
        wanted_targets = [c for name in targets for c in _expand(table, name)]
    elif classes:
        wanted_targets = []
    else:
        given = [c for name in inputs or [] for c in _expand(table, name)]
        wanted_targets = [c for c in table.default_targets if c not in given]
        if not wanted_targets:
            raise MLPError("the default target column is among the inputs: choose the targets",
                           where=table.path)
    chosen = wanted_targets + wanted_classes
    if inputs is None:
        wanted_inputs = [c for c in table.columns if c not in chosen]
    else:
        wanted_inputs = [c for name in inputs for c in _expand(table, name)]
    twice = sorted({c for c in wanted_inputs + chosen if (wanted_inputs + chosen).count(c) > 1})
    if twice:
        raise MLPError(f"a column can have one role only: {listed(twice)} named twice",
                       where=table.path)
    return [TARGET_CLASSES if c in wanted_classes else role
            for c, role in zip(table.columns, roles_of(table.columns, wanted_inputs, wanted_targets))]


def dataset_for_roles(table: Table, roles: list[str], input_scaling: str = "minmax01",
                      target_scaling: str = "minmax01",
                      derived: tuple[DerivedColumn, ...] = ()) -> Dataset:
    """The dataset of ``table`` for one role per column (MLPError if the choice is impossible).
    ``derived``: the derived columns the table's last columns were made from; when other
    columns now follow them they stay plain numbers."""
    expanded, inputs, targets = table, [], []
    for name, role in zip(table.columns, roles):
        if role == TARGET_CLASSES:
            expanded = with_classes(expanded, name)
            targets += [class_column(name, k) for k in expanded.classes[name]]
        elif role == INPUT:
            inputs.append(name)
        elif role == TARGET:
            targets.append(name)
    names = [d.name for d in derived]
    if expanded.columns[len(expanded.columns) - len(names):] != names:
        derived = ()
    return Dataset(expanded.columns, expanded.values, inputs, targets, input_scaling,
                   target_scaling, source=table.path, derived=derived)
