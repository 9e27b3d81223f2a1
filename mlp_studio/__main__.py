"""`python -m mlp_studio` runs the same entry point as `mlp-studio`."""

import sys

from mlp_studio.cli import main

sys.exit(main())
