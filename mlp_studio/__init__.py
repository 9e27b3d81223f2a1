"""MLP Studio: see how a multi-layer perceptron learns."""

__version__ = "0.1.0"
