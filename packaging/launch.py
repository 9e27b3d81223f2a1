"""PyInstaller entry script: the same ``main`` as the ``mlp-studio`` console script."""

import sys

from mlp_studio.cli import main

if __name__ == "__main__":
    sys.exit(main())
