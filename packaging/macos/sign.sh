#!/usr/bin/env bash
# Sign MLP Studio for macOS with a Developer ID certificate, and notarise the .dmg.
#
#   packaging/macos/sign.sh app          sign packaging/dist/MLP Studio.app (hardened runtime)
#   packaging/macos/sign.sh dmg FILE     sign FILE, notarise it with Apple and staple the ticket
#
# Reads (CI secrets, see packaging/README.md "Signing"): MACOS_CERT_P12 (the Developer ID
# Application certificate and key, .p12, base64), MACOS_CERT_PASSWORD, MACOS_SIGN_IDENTITY
# ("Developer ID Application: NAME (TEAMID)"); for notarising also APPLE_ID, APPLE_TEAM_ID
# and APPLE_APP_PASSWORD (an app-specific password of that Apple ID).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MACOS_CERT_P12:?}" "${MACOS_CERT_PASSWORD:?}" "${MACOS_SIGN_IDENTITY:?}"

KEYCHAIN="$RUNNER_TEMP/mlp-studio-signing.keychain-db"
if [ ! -f "$KEYCHAIN" ]; then  # a temporary keychain holding only the certificate
    password="$(uuidgen)"
    security create-keychain -p "$password" "$KEYCHAIN"
    security set-keychain-settings -lut 3600 "$KEYCHAIN"
    security unlock-keychain -p "$password" "$KEYCHAIN"
    echo "$MACOS_CERT_P12" | base64 --decode > "$RUNNER_TEMP/cert.p12"
    security import "$RUNNER_TEMP/cert.p12" -k "$KEYCHAIN" -P "$MACOS_CERT_PASSWORD" -T /usr/bin/codesign
    rm -f "$RUNNER_TEMP/cert.p12"
    security set-key-partition-list -S apple-tool:,apple: -s -k "$password" "$KEYCHAIN" >/dev/null
    security list-keychains -d user -s "$KEYCHAIN" $(security list-keychains -d user | tr -d '"')
fi

case "${1:-}" in
    app)
        APP="packaging/dist/MLP Studio.app"
        # every library and program inside first, then the bundle (hardened runtime, timestamped)
        find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' -o -perm -u+x \) -print0 |
            xargs -0 codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY"
        codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$APP"
        codesign --verify --deep --strict --verbose=2 "$APP"
        ;;
    dmg)
        DMG="${2:?the .dmg to sign}"
        codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
        : "${APPLE_ID:?}" "${APPLE_TEAM_ID:?}" "${APPLE_APP_PASSWORD:?}"
        xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD" --wait
        xcrun stapler staple "$DMG"
        spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
        ;;
    *) echo "usage: sign.sh app | sign.sh dmg FILE" >&2; exit 2 ;;
esac
