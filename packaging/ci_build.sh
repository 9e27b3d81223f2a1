#!/usr/bin/env bash
# CI: build the Linux bundle, the .tar.gz and the .deb, run lintian on it and the packaged
# program's --self-test offscreen, under Xvfb and from the .deb, then install the .deb,
# check the file type, self-test and remove it (all in packaging/build_linux.sh). Fails on
# any missing Qt plugin, library or data file, RUNPATH into the build machine, lintian error
# or file left behind. About 4-5 minutes on 2 idle cores from a fresh clone (venv,
# PyInstaller, archives, lintian ~1 min, self-tests); 8 minutes with the cores busy.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash packaging/build_linux.sh
echo "packaging/ci_build.sh: Linux bundle built and self-tested in $(( $(date +%s) - start )) s"
