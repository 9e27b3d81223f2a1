"""PyInstaller entry script: the same ``main`` as the ``mlp-studio`` console script."""

import multiprocessing
import sys

from mlp_studio.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the training process is this program started again
    sys.exit(main())
