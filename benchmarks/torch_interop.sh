#!/usr/bin/env bash
# The PyTorch export checked against MLP Studio for real: the tests in
# tests/interop/test_pytorch_export.py with torch required (they fail instead of skipping),
# including a 2-process torchrun on CPU with gloo. CI does not install torch (a large
# download); run this where the `torch` extra is installed:
#     pip install -e ".[test,torch]"   # torch==2.13.0, a CPU build
#     bash benchmarks/torch_interop.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" -c "import torch; print('torch', torch.__version__)"
MLP_STUDIO_REQUIRE_TORCH=1 QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1 \
    "$PYTHON" -m pytest -q -p no:cacheprovider tests/interop/test_pytorch_export.py "$@"
