#!/usr/bin/env bash
# Wrap the PyInstaller app bundle (packaging/dist/MLP Studio.app, built from
# packaging/mlp_studio.spec on macOS) in packaging/dist/mlp-studio-VERSION-macos-ARCH.dmg,
# with a link to /Applications to drag it onto. Then mount the image and run the copy
# inside it with --self-test (offscreen). Untested on the Linux development machine; CI runs
# it (.github/workflows/installers.yml). packaging/macos/sign.sh signs and notarises when
# certificate secrets are set.
set -euo pipefail
cd "$(dirname "$0")/../.."
APP="packaging/dist/MLP Studio.app"
VERSION="${1:-$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')}"
DMG="packaging/dist/mlp-studio-$VERSION-macos-$(uname -m).dmg"
[ -d "$APP" ] || { echo "make_dmg.sh: $APP not found: run PyInstaller first" >&2; exit 1; }

STAGE="$(mktemp -d)"
MOUNT="$(mktemp -d)"
trap 'hdiutil detach "$MOUNT" -quiet 2>/dev/null || true; rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "MLP Studio $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
ls -l "$DMG"

hdiutil attach "$DMG" -nobrowse -readonly -mountpoint "$MOUNT" -quiet
QT_QPA_PLATFORM=offscreen "$MOUNT/MLP Studio.app/Contents/MacOS/mlp-studio" --self-test
