#!/usr/bin/env bash
# Makes a long video from a short H.264 clip by repeating it, without re-encoding,
# for the simulated cameras (tools/rtsp-camera.py).
#
#   tools/make-loop-video.sh CLIP OUT.mkv [MIN_SECONDS]
#
# The clip is repeated until the result lasts at least MIN_SECONDS (default 600).
# Only the first video stream is kept. Write Matroska (.mkv) or MP4 (.mp4): with
# -stream_loop and -c copy both keep timestamps continuous and monotonic across the
# joins for our clips (checked with ffprobe and by serving them over RTSP); MPEG-TS
# is not used.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 CLIP OUT.mkv [MIN_SECONDS]" >&2
  exit 2
fi
clip=$1
out=$2
min_seconds=${3:-600}

clip_seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$clip")
# -stream_loop N plays the clip N+1 times; one play more covers a format duration that is a little longer than the stream.
loops=$(awk -v total="$min_seconds" -v clip="$clip_seconds" \
  'BEGIN { n = int(total / clip); if (n * clip < total) n++; if (n < 1) n = 1; print n }')

tmp="${out%.*}.partial.${out##*.}"
ffmpeg -v error -y -stream_loop "$loops" -i "$clip" -map 0:v:0 -c copy -an "$tmp"
mv -f "$tmp" "$out"
