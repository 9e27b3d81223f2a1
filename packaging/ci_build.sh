#!/usr/bin/env bash
# CI: build the Linux bundle, the .tar.gz and the .deb, and run the packaged program's
# --self-test offscreen, under Xvfb and from the .deb (all in packaging/build_linux.sh).
# Fails on any missing Qt plugin, library or data file. About 3 minutes on 2 cores from a
# fresh clone (venv, PyInstaller, archives, apt-get install of Xvfb, three self-tests).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash packaging/build_linux.sh
echo "packaging/ci_build.sh: Linux bundle built and self-tested in $(( $(date +%s) - start )) s"
