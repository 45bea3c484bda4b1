#!/bin/sh
# Publishes to this mediamtx path (MTX_PATH) the N-th video of /samples (wrapping around), looping
# forever; with no video there, an animated test pattern (no faces: nothing to detect).
#   publish.sh N
set -eu
n="${1:-1}"
target="rtsp://127.0.0.1:${RTSP_PORT:-8554}/${MTX_PATH:-sample}"
count=$(find /samples -maxdepth 1 -type f \( -iname '*.mp4' -o -iname '*.mkv' -o -iname '*.mov' -o -iname '*.avi' -o -iname '*.webm' \) 2>/dev/null | wc -l)
if [ "$count" -gt 0 ]; then
  index=$(( (n - 1) % count + 1 ))
  clip=$(find /samples -maxdepth 1 -type f \( -iname '*.mp4' -o -iname '*.mkv' -o -iname '*.mov' -o -iname '*.avi' -o -iname '*.webm' \) | sort | sed -n "${index}p")
  echo "sample camera: looping $clip -> $target"
  exec ffmpeg -hide_banner -loglevel warning -re -stream_loop -1 -i "$clip" \
    -an -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -g 50 \
    -f rtsp -rtsp_transport tcp "$target"
fi
echo "sample camera: no clip in /samples (see deploy/camera/samples/README.md); publishing a test pattern -> $target"
exec ffmpeg -hide_banner -loglevel warning -re -f lavfi -i "testsrc2=size=1280x720:rate=15" \
  -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -g 30 \
  -f rtsp -rtsp_transport tcp "$target"
