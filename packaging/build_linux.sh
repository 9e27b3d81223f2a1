#!/usr/bin/env bash
# Build MLP Studio for Linux and check the result.
#
#   packaging/build_linux.sh            build venv packaging/build/venv (created if missing)
#   BUILD_VENV=/path packaging/build_linux.sh    use (or create) that venv instead
#
# Steps: make sure the system packages for the build and the checks are there (apt-get,
# as root or with sudo), install the project (non-editable) with its `package` extra into
# the build venv, run PyInstaller on packaging/mlp_studio.spec -> packaging/dist/mlp-studio/,
# remove RUNPATHs into the build machine, check the bundle's contents, make
# packaging/dist/mlp-studio-VERSION-linux-x86_64.tar.gz and
# packaging/dist/mlp-studio_VERSION_amd64.deb, run lintian on it, print the sizes, then run
# the packaged binary's --self-test offscreen and under Xvfb, and the .deb's launcher's
# --self-test; as root, install the .deb with apt, check that the system knows the project
# file type, self-test the installed app and remove it again.
# Any failure (a missing Qt plugin, library or data file) stops the script non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PKG="$ROOT/packaging"
DIST="$PKG/dist"
WORK="$PKG/build"
BUILD_VENV="${BUILD_VENV:-$WORK/venv}"
# Xvfb for the real-X self-test, and the xcb libraries Qt's xcb plugin needs that Debian's
# base image lacks: installed before PyInstaller runs, so the bundle carries them.
# patchelf, lintian and the desktop tools check and fix the bundle and the .deb.
BUILD_PACKAGES=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0
                patchelf lintian desktop-file-utils shared-mime-info xdg-utils libfile-mimeinfo-perl
                libglib2.0-bin)
# What the bundle leaves to the system: glibc (the version is read from the bundle), the C++
# runtime (see bundle_config.DROPPED_FILES), the OpenGL/EGL and Wayland client libraries
# PyInstaller never bundles (they must match the system's drivers and compositor), and
# fontconfig's configuration and fonts.
DEB_DEPENDS="libstdc++6, libgcc-s1, libegl1, libgl1, libxcb1, libfontconfig1, libwayland-client0, libwayland-cursor0, libwayland-egl1"
# Libraries that may be absent here (no Wayland on a build machine) but are .deb Depends.
SYSTEM_ONLY='libwayland-cursor.so.0|libwayland-egl.so.1'

elapsed() { python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.2f}")' "$1"; }
step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'build_linux.sh: FAILED: %s\n' "$*" >&2; exit 1; }
# the type GIO gives a file (by name, and by content when names do not decide)
gio_type() { gio info -a standard::content-type "$1" | sed -n 's/^ *standard::content-type: //p'; }

step "system packages"
missing=()
for pkg in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n);
    else fail "install these packages first (as root): apt-get install ${missing[*]}"; fi
    echo "apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "all there: ${BUILD_PACKAGES[*]}"
fi

step "build venv: $BUILD_VENV"
mkdir -p "$WORK"
if [ ! -x "$BUILD_VENV/bin/python" ]; then
    python3 -m venv "$BUILD_VENV"
    "$BUILD_VENV/bin/python" -m pip install -q --upgrade pip
fi
# non-editable: PyInstaller then sees the package exactly as a wheel installs it
pip_log="$WORK/pip.log"
{ "$BUILD_VENV/bin/python" -m pip install -q --force-reinstall --no-deps . &&
  "$BUILD_VENV/bin/python" -m pip install -q ".[package]"; } >"$pip_log" 2>&1 \
    || { cat "$pip_log" >&2; fail "pip install .[package]"; }
VERSION="$("$BUILD_VENV/bin/python" -c 'import mlp_studio; print(mlp_studio.__version__)')"
echo "mlp-studio $VERSION"

step "PyInstaller (a few minutes)"
start=$(date +%s)
rm -rf "$DIST/mlp-studio"
"$BUILD_VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" "$PKG/mlp_studio.spec"
echo "PyInstaller took $(( $(date +%s) - start )) s"
BUNDLE="$DIST/mlp-studio"
[ -x "$BUNDLE/mlp-studio" ] || fail "no executable $BUNDLE/mlp-studio"

INTERNAL="$BUNDLE/_internal"
# This Python carries debug info and symbol tables (~20 MB in libpython). Strip only the
# interpreter's own files: PyInstaller's strip=True also strips numpy's bundled OpenBLAS,
# which then fails to load ("ELF load command address/offset not page-aligned").
find "$INTERNAL" -maxdepth 3 \( -name 'libpython3*.so*' -o -path '*/lib-dynload/*.so' \) -type f \
    -exec strip --strip-unneeded {} +
# Shared libraries need no execute permission (wheels ship some with it).
find "$INTERNAL" -type f -name '*.so*' -exec chmod 644 {} +

# No build paths: libpython and lib-dynload of a pyenv or python.org interpreter carry a
# RUNPATH into its installation on the build machine. Remove every RUNPATH/RPATH that
# leads outside the bundle (those of Qt, "$ORIGIN/...", stay).
foreign_rpaths() {
    find "$BUNDLE" -type f \( -name '*.so*' -o -name mlp-studio \) -print0 |
    while IFS= read -r -d '' file; do
        rpath="$(readelf -d "$file" 2>/dev/null | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]$/\2/p')"
        [ -z "$rpath" ] || ! tr ':' '\n' <<<"$rpath" | grep -qv '^\$ORIGIN' || printf '%s\t%s\n' "$file" "$rpath"
    done
}
foreign_rpaths | while IFS=$'\t' read -r file rpath; do
    echo "removing RUNPATH $rpath from ${file#"$BUNDLE/"}"
    patchelf --remove-rpath "$file"
done
left="$(foreign_rpaths)"
[ -z "$left" ] || fail "RUNPATHs outside the bundle are left (readelf -d): $left"

step "bundle contents"
"$BUILD_VENV/bin/python" - "$INTERNAL" <<'EOF'
import sys
from pathlib import Path
sys.path.insert(0, "packaging")
from bundle_config import resource_datas
internal = Path(sys.argv[1])
missing = [src for src, dest in resource_datas()
           if not (internal / dest / Path(src).name).is_file()]
if missing:
    sys.exit(f"resources missing from the bundle: {missing}")
print(f"{len(resource_datas())} resource files present")
EOF
for plugin in platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqwayland.so \
              imageformats/libqsvg.so iconengines/libqsvgicon.so; do
    [ -f "$INTERNAL/PySide6/Qt/plugins/$plugin" ] || fail "Qt plugin $plugin missing"
done
unwanted="$(cd "$INTERNAL" && find . \( -iname '*torch*' -o -iname 'sklearn' -o -iname 'scipy' \
    -o -iname 'matplotlib' -o -iname 'pytest*' -o -iname 'hypothesis' -o -name 'tests' \
    -o -name 'libQt6Quick*' -o -name 'libQt6Qml*' -o -name 'libQt6WebEngine*' \
    -o -name 'libQt6Pdf*' -o -name 'libQt63D*' -o -name 'libQt6Multimedia*' \) -print)"
[ -z "$unwanted" ] || fail "unwanted files in the bundle: $unwanted"
# Every shared library in the bundle must find its dependencies in the bundle or on this
# system, except those the .deb depends on that this build machine may lack.
ldd_out="$(find "$INTERNAL" -name '*.so*' -type f -print0 \
    | xargs -0 env LD_LIBRARY_PATH="$INTERNAL:$INTERNAL/PySide6/Qt/lib" ldd 2>/dev/null || true)"
notfound="$(awk '/not found/ {print $1}' <<<"$ldd_out" | sort -u)"
unexpected="$(grep -Ev "^($SYSTEM_ONLY)\$" <<<"$notfound" || true)"
[ -z "$unexpected" ] || fail "bundled libraries need libraries found nowhere: $unexpected"
[ -z "$notfound" ] || echo "left to the system (.deb Depends): $(echo $notfound)"

# the newest glibc symbol version any bundled binary needs (that of the build machine)
GLIBC="$(find "$BUNDLE" -type f \( -name '*.so*' -o -name mlp-studio \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2 -n -u | tail -1 || true)"
[ -n "$GLIBC" ] || fail "could not read the bundle's glibc version (objdump from binutils?)"
echo "needs glibc >= ${GLIBC#GLIBC_}"

step "artefacts"
TARBALL="$DIST/mlp-studio-$VERSION-linux-x86_64.tar.gz"
tar -C "$DIST" -czf "$TARBALL" mlp-studio

DEB_ROOT="$WORK/deb/mlp-studio_${VERSION}_amd64"
rm -rf "$DEB_ROOT"
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" \
    "$DEB_ROOT/usr/share/applications" "$DEB_ROOT/usr/share/icons/hicolor/256x256/apps" \
    "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$DEB_ROOT/opt/mlp-studio"
ln -s /opt/mlp-studio/mlp-studio "$DEB_ROOT/usr/bin/mlp-studio"
install -m 644 resources/mlp-studio.desktop "$DEB_ROOT/usr/share/applications/mlp-studio.desktop"
install -m 644 resources/mlp-studio.png "$DEB_ROOT/usr/share/icons/hicolor/256x256/apps/mlp-studio.png"
install -m 644 resources/mlp-studio.svg "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps/mlp-studio.svg"
# The MIME types: dpkg triggers of shared-mime-info and desktop-file-utils run
# update-mime-database and update-desktop-database when files land in (or leave) these folders.
install -D -m 644 resources/mlp-studio.xml "$DEB_ROOT/usr/share/mime/packages/mlp-studio.xml"
DOC="$DEB_ROOT/usr/share/doc/mlp-studio"
install -D -m 644 packaging/debian/copyright "$DOC/copyright"
[ "$(sed -n '1s/^mlp-studio (\([^)]*\)).*/\1/p' packaging/debian/changelog)" = "$VERSION" ] \
    || fail "packaging/debian/changelog has no entry for $VERSION at the top"
gzip -9n -c packaging/debian/changelog > "$DOC/changelog.gz"
chmod 644 "$DOC/changelog.gz"
install -D -m 644 packaging/debian/lintian-overrides "$DEB_ROOT/usr/share/lintian/overrides/mlp-studio"
cat > "$DEB_ROOT/DEBIAN/control" <<EOF
Package: mlp-studio
Version: $VERSION
Section: education
Priority: optional
Architecture: amd64
Maintainer: MLP Studio developers <mlp-studio@users.noreply.github.com>
Installed-Size: $(du -sk "$DEB_ROOT" | cut -f1)
Depends: libc6 (>= ${GLIBC#GLIBC_}), $DEB_DEPENDS
Description: see how a multi-layer perceptron learns
 MLP Studio draws a small neural network, steps through forward passes and
 backpropagation one update at a time, and trains it with a live loss plot.
EOF
(cd "$DEB_ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$DEB_ROOT/DEBIAN/md5sums"
DEB="$DIST/mlp-studio_${VERSION}_amd64.deb"
# gzip: xz takes minutes on two cores for a few MB less
dpkg-deb --root-owner-group -Zgzip --build "$DEB_ROOT" "$DEB" >/dev/null
listing="$(dpkg-deb -c "$DEB")"
for f in ./opt/mlp-studio/mlp-studio ./usr/bin/mlp-studio ./usr/share/applications/mlp-studio.desktop \
         ./usr/share/icons/hicolor/256x256/apps/mlp-studio.png ./usr/share/mime/packages/mlp-studio.xml \
         ./usr/share/doc/mlp-studio/copyright ./usr/share/doc/mlp-studio/changelog.gz \
         ./opt/mlp-studio/_internal/licenses/README.txt; do
    grep -q " $f\( ->.*\)\?$" <<<"$listing" || fail "$f missing from $DEB"
done

if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$DEB_ROOT/usr/share/applications/mlp-studio.desktop" \
        || fail "the desktop entry is not valid"
fi

step "lintian"
# Errors other than those inherent to a PyInstaller bundle under /opt (overridden, with
# reasons, in packaging/debian/lintian-overrides) fail the build.
start=$(date +%s)
lintian --fail-on error "$DEB" || fail "lintian found errors in $DEB"
echo "lintian took $(( $(date +%s) - start )) s"

step "sizes"
du -sh "$BUNDLE"
ls -l "$TARBALL" "$DEB" | awk '{printf "%6.1f MB  %s\n", $5 / 1048576, $9}'

# Run a packaged program with a clean environment, from an empty folder, so nothing of the
# build venv or the source tree is used by accident.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
run_clean() {
    (cd "$TMP" && env -i HOME="$TMP" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@")
}

step "self-test: packaged binary, offscreen"
start=$(date +%s.%N)
run_clean QT_QPA_PLATFORM=offscreen "$BUNDLE/mlp-studio" --self-test \
    || fail "packaged --self-test (offscreen)"
echo "wall time $(elapsed "$start") s"

step "self-test: packaged binary, real X server (Xvfb)"
start=$(date +%s.%N)
run_clean QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" \
    "$BUNDLE/mlp-studio" --self-test || fail "packaged --self-test under Xvfb"
echo "wall time $(elapsed "$start") s"

step "start-up: the packaged app to its shown window and out (MLP_STUDIO_EXIT_AFTER_SHOW=1)"
# also checks the plain GUI start (run_app), which --self-test does not go through
for platform in offscreen offscreen offscreen xcb; do
    start=$(date +%s.%N)
    if [ "$platform" = xcb ]; then
        out="$(run_clean MLP_STUDIO_EXIT_AFTER_SHOW=1 QT_QPA_PLATFORM=xcb xvfb-run -a "$BUNDLE/mlp-studio" 2>&1)" \
            || fail "the packaged app did not start under Xvfb: $out"
    else
        out="$(run_clean MLP_STUDIO_EXIT_AFTER_SHOW=1 QT_QPA_PLATFORM=offscreen "$BUNDLE/mlp-studio" 2>&1)" \
            || fail "the packaged app did not start: $out"
    fi
    grep -q "window shown" <<<"$out" || fail "the packaged app showed no window: $out"
    echo "$platform: $(elapsed "$start") s$([ "$platform" = xcb ] && echo ' (with starting Xvfb)')"
done

step "the packaged app on a lesson file given on its command line"
# a lesson it could not open would wait in a dialog (no terminal): timeout ends that
cp "$BUNDLE/_internal/mlp_studio/resources/lessons/xor-2-2-1.mlp-lesson.json" "$TMP/x.mlp-lesson.json"
out="$(run_clean MLP_STUDIO_EXIT_AFTER_SHOW=1 QT_QPA_PLATFORM=offscreen timeout 120 "$BUNDLE/mlp-studio" \
       x.mlp-lesson.json 2>&1)" || fail "the packaged app on a lesson file: $out"
grep -q "window shown: XOR: why a network needs a hidden layer (lesson)" <<<"$out" \
    || fail "the packaged app did not open the lesson: $out"
echo "opened: $(grep "window shown" <<<"$out")"

step "self-test: the .deb's program (dpkg-deb -x)"
dpkg-deb -x "$DEB" "$TMP/deb"
[ "$(readlink "$TMP/deb/usr/bin/mlp-studio")" = /opt/mlp-studio/mlp-studio ] \
    || fail "the .deb's /usr/bin/mlp-studio does not lead to /opt/mlp-studio/mlp-studio"
run_clean QT_QPA_PLATFORM=offscreen "$TMP/deb/opt/mlp-studio/mlp-studio" --self-test \
    || fail "the .deb's /opt/mlp-studio/mlp-studio --self-test"

step "install the .deb, the file type, self-test, remove"
if [ "$(id -u)" = 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(); fi
if [ "$(id -u)" != 0 ] && [ ${#sudo[@]} = 0 ]; then
    echo "skipped: needs root (or sudo -n) to install the .deb"
elif dpkg-query -W -f='${Status}' mlp-studio 2>/dev/null | grep -q 'install ok installed'; then
    echo "skipped: mlp-studio is installed on this machine; this check would replace and remove it"
else
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null \
        || fail "apt-get install $DEB"
    cp "$BUNDLE/_internal/mlp_studio/resources/reference.mlp.json" "$TMP/x.mlp.json"
    cp "$BUNDLE/_internal/mlp_studio/resources/lessons/xor-2-2-1.mlp-lesson.json" "$TMP/x.mlp-lesson.json"
    # Two resolvers of file names to types. GIO follows shared-mime-info's rule (the longest
    # glob wins), as GNOME's file manager, xdg-mime on GNOME, KDE and Qt do: both types.
    # File::MimeInfo (xdg-mime on other desktops) takes only globs of word characters as
    # extensions, so there *.json beats *.mlp-lesson.json: checked for projects only.
    for pair in x.mlp.json:application/x-mlp-studio-project x.mlp-lesson.json:application/x-mlp-studio-lesson; do
        file="${pair%%:*}" type="${pair#*:}"
        [ "$(gio_type "$TMP/$file")" = "$type" ] \
            || fail "installed, but GIO says $file is $(gio_type "$TMP/$file")"
        [ "$(xdg-mime query default "$type")" = mlp-studio.desktop ] \
            || fail "installed, but $type does not open with mlp-studio.desktop"
        echo "GIO: $file is $type; xdg-mime: $type opens with mlp-studio.desktop"
    done
    [ "$(xdg-mime query filetype "$TMP/x.mlp.json")" = application/x-mlp-studio-project ] \
        || fail "installed, but xdg-mime says x.mlp.json is $(xdg-mime query filetype "$TMP/x.mlp.json")"
    echo "xdg-mime (File::MimeInfo): x.mlp.json is application/x-mlp-studio-project"
    run_clean QT_QPA_PLATFORM=offscreen /usr/bin/mlp-studio --self-test \
        || fail "the installed /usr/bin/mlp-studio --self-test"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq mlp-studio >/dev/null \
        || fail "apt-get purge mlp-studio"
    for f in /opt/mlp-studio /usr/bin/mlp-studio /usr/share/applications/mlp-studio.desktop \
             /usr/share/mime/packages/mlp-studio.xml /usr/share/doc/mlp-studio; do
        [ ! -e "$f" ] || fail "$f is left after removing the package"
    done
    for file in x.mlp.json x.mlp-lesson.json; do
        [ "$(gio_type "$TMP/$file")" = application/json ] \
            || fail "removed, but GIO says $file is still $(gio_type "$TMP/$file")"
    done
    [ "$(xdg-mime query filetype "$TMP/x.mlp.json")" = application/json ] \
        || fail "removed, but xdg-mime says x.mlp.json is still $(xdg-mime query filetype "$TMP/x.mlp.json")"
    echo "removed cleanly: no files left, x.mlp.json and x.mlp-lesson.json are application/json again"
fi

step "done"
ls -l "$TARBALL" "$DEB"
