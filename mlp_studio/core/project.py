"""A project: the network, its loss, an optional dataset and the training settings.

This is the in-memory model that project files (``mlp_studio.io``) read and
write and that the app's document wraps. No file formats here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.losses import check_pairing
from mlp_studio.core.network import Network
from mlp_studio.core.timeline import History
from mlp_studio.core.trace import StepTrace, step_trace
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError


@dataclass
class Project:
    network: Network
    loss: str = "half_squared_error"
    data: Dataset | None = None
    training: TrainingConfig = field(default_factory=TrainingConfig)
    history: History | None = None  # the session's timeline, saved for a teacher to scrub

    def validate(self) -> None:
        """Check that the parts fit together; raise MLPError saying what does not."""
        self.network.validate()
        check_pairing(self.loss, self.network.layers[-1].activation, self.network.n_outputs)
        self.training.validate()
        if self.data is not None:
            self.network.check_fits(len(self.data.inputs), len(self.data.targets))

    def predict(self, raw_inputs: np.ndarray) -> np.ndarray:
        """Outputs for rows of inputs in the data's own units, returned in the targets' units
        (the inputs scaled and the outputs unscaled with the data's scalers; as they are
        when the project has no data)."""
        raw = np.atleast_2d(np.asarray(raw_inputs, dtype=np.float64))
        if raw.shape[1] != self.network.n_inputs:
            raise MLPError(f"expected rows of {self.network.n_inputs} inputs, got {raw.shape[1]}")
        if self.data is None:
            return self.network.forward(raw)
        return self.data.target_scaler.inverse(self.network.forward(self.data.input_scaler.transform(raw)))

    def step(self, row: int | None = None) -> StepTrace:
        """One traced update with the project's settings on ``row`` (None: the mode's first
        batch); the project is left as it was (``trace.network_after()`` has the new weights)."""
        if self.data is None:
            raise MLPError("the project has no data")
        rows = self.rows_for_update(row)
        cfg = self.training
        return step_trace(self.network, self.data.X[rows], self.data.Z[rows], self.loss,
                          cfg.rate_at(0, self.data.n_rows), cfg.batch_reduction, rows=rows.tolist(),
                          optimizer=cfg.optimizer_rule(), penalty=cfg.penalty_rule())

    def _repr_svg_(self) -> str:
        """The network drawn as on the canvas, named with the data's columns (for Jupyter)."""
        from mlp_studio.core.network_svg import network_svg

        data = self.data
        return network_svg(self.network, data.inputs if data else None, data.targets if data else None)

    def copy(self) -> "Project":
        return replace(self, network=self.network.copy(), training=replace(self.training))

    def _checked_rows(self, row: int | None) -> int:
        """The data's number of rows, once the project is known to have data and ``row``
        (unless None) to be one of its rows."""
        if self.data is None:
            raise MLPError("the project has no data")
        n = self.data.n_rows
        if row is not None and not 0 <= row < n:
            raise MLPError(f"row {row} is out of range: the data has rows 0 to {n - 1}")
        return n

    def batch_rows(self, row: int) -> np.ndarray:
        """Row indices of the mode's batch that holds ``row``: the rows cut, in the data's
        order, into batches of ``rows_per_update`` (the last one may be shorter)."""
        n = self._checked_rows(row)
        size = self.training.rows_per_update(n)
        start = row // size * size
        return np.arange(start, min(start + size, n))

    def rows_for_update(self, row: int | None) -> np.ndarray:
        """Row indices of one update: the given row, or the mode's first batch."""
        n = self._checked_rows(row)
        return np.array([row]) if row is not None else np.arange(self.training.rows_per_update(n))
