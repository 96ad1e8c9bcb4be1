#!/usr/bin/env bash
# The main job: the desktop app on the default book (created from the embedded xAI example on
# first start; ROUNDBOOK_BOOK names another). Installs the build packages when run as root on a
# fresh Debian/Ubuntu machine, then `cargo run --release` at the workspace root, which builds ui/
# (npm) and the app. With no display (a server), it runs under a virtual one (xvfb-run).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null \
    && ! pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev mesa-vulkan-drivers \
        libvulkan1 xvfb xauth >/dev/null
    command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
command -v npm >/dev/null || { echo "roundbook: building the app needs Node.js (>= 20.19) and npm" >&2; exit 1; }

export NODEVICE_SELECT=1
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
    echo "roundbook: no display; running the app under xvfb-run" >&2
    exec xvfb-run -a -s "-screen 0 1280x800x24" cargo run --release "$@"
fi
exec cargo run --release "$@"
