#!/usr/bin/env bash
# Installs the Debian packages that tests, the demo and the camera simulator need:
# ffmpeg, redis-server, mosquitto and a GStreamer RTSP server usable from /usr/bin/python3.
# Idempotent and quiet when everything is already present.
set -euo pipefail

PACKAGES=(
  ffmpeg
  redis-server
  mosquitto
  python3
  python3-gi
  gir1.2-glib-2.0
  gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0
  gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-tools
  gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
)

missing_reasons=()

# Daemons such as mosquitto live in /usr/sbin, which is not on a normal user's PATH.
need_command() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]] || missing_reasons+=("command $1")
}

# The python3 on PATH may be a non-Debian build without gi; the simulator runs on Debian's.
check_gstreamer() {
  if [[ ! -x /usr/bin/python3 ]]; then
    missing_reasons+=("/usr/bin/python3")
    return
  fi
  /usr/bin/python3 - >/dev/null 2>&1 <<'PY' || missing_reasons+=("GStreamer RTSP server for /usr/bin/python3")
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer
Gst.init(None)
for element in ("matroskademux", "qtdemux", "h264parse", "rtph264pay", "filesrc", "decodebin"):
    if Gst.ElementFactory.find(element) is None:
        raise SystemExit("missing element " + element)
PY
}

need_command ffmpeg
need_command ffprobe
need_command redis-server
need_command redis-cli
need_command mosquitto
check_gstreamer

if [[ ${#missing_reasons[@]} -eq 0 ]]; then
  exit 0
fi

install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES[*]}"

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing system dependencies: ${missing_reasons[*]}" >&2
  echo "Run as root:" >&2
  echo "  $install_command" >&2
  exit 1
fi

echo "Installing system dependencies (missing: ${missing_reasons[*]})" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2

# Re-check so a package that installed but did not provide what we need fails loudly.
missing_reasons=()
need_command ffmpeg
need_command ffprobe
need_command redis-server
need_command redis-cli
need_command mosquitto
check_gstreamer
if [[ ${#missing_reasons[@]} -ne 0 ]]; then
  echo "Still missing after install: ${missing_reasons[*]}" >&2
  exit 1
fi
echo "System dependencies installed" >&2
