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
            if len(self.data.inputs) != self.network.n_inputs:
                raise MLPError(f"the network has {self.network.n_inputs} inputs but "
                               f"{len(self.data.inputs)} input columns are chosen")
            if len(self.data.targets) != self.network.n_outputs:
                raise MLPError(f"the network has {self.network.n_outputs} outputs but "
                               f"{len(self.data.targets)} target columns are chosen")

    def copy(self) -> "Project":
        return replace(self, network=self.network.copy(), training=replace(self.training))

    def rows_for_update(self, row: int | None) -> np.ndarray:
        """Row indices of one update: the given row, or the mode's first batch."""
        if self.data is None:
            raise MLPError("the project has no data")
        n = self.data.n_rows
        if row is not None:
            if not 0 <= row < n:
                raise MLPError(f"row {row} is out of range: the data has rows 0 to {n - 1}")
            return np.array([row])
        return np.arange(self.training.rows_per_update(n))
