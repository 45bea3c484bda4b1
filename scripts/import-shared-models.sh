#!/usr/bin/env bash
# Installs the detector models of ../shared/models into the model cache with `./maskwatch models import`
# (each file identified by its pinned SHA-256, copied into <cache>/<backend>/), so that developers and CI,
# who have ../shared, can use every backend from the cache without downloading anything.
#
#   scripts/import-shared-models.sh                     # into ${MASKWATCH_MODEL_CACHE:-~/.cache/maskwatch/models}
#   MASKWATCH_SHARED_DIR=/data/shared MASKWATCH_MODEL_CACHE=/opt/models scripts/import-shared-models.sh
#
# Exits 0 with a message when ../shared/models is absent (nothing to import).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${MASKWATCH_SHARED_DIR:-$ROOT/../shared}"
MODELS="$SHARED/models"

if [[ ! -d "$MODELS" ]]; then
  echo "import-shared-models: $MODELS not found; nothing to import (set MASKWATCH_SHARED_DIR to its location)"
  exit 0
fi
# Only the catalogue's detector files (the classifier's ImageNet weights are not a detector model).
files=()
for f in retinaface-mobilenet0.25.onnx ultraface-RFB-640-masked_face-v2.onnx face_detection_yunet_2026may.onnx \
         opencv_face_detector_uint8.pb opencv_face_detector.pbtxt; do
  [[ -f "$MODELS/$f" ]] && files+=("$MODELS/$f")
done
if ((${#files[@]} == 0)); then
  echo "import-shared-models: no detector model files in $MODELS"
  exit 0
fi
"$ROOT/maskwatch" models import "${files[@]}"
