"""NumPy-only maths: networks, backpropagation, training, scaling. No Qt, no files.

The main classes are importable from here: ``from mlp_studio.core import Network``.
"""

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.scaling import Scaler
from mlp_studio.core.trace import StepTrace
from mlp_studio.core.training import TrainingConfig, TrainResult

__all__ = ["Dataset", "Layer", "Network", "Project", "Scaler", "StepTrace", "TrainingConfig",
           "TrainResult"]
