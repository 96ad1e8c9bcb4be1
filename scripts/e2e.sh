#!/usr/bin/env bash
# End-to-end tests of the desktop app: the real binary in a real WebKit window under Xvfb,
# driven through tauri-driver and WebKitWebDriver (ui/e2e/app.e2e.mjs), on a fresh book in a
# temporary directory. Screenshots of each main view go to target/e2e-screens/.
# Needs: xvfb, webkit2gtk-driver, Node 20; tauri-driver is installed here if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SCREENS=${E2E_SCREENS:-target/e2e-screens}
PORT=${E2E_PORT:-4444}
DISPLAY_NUM=${E2E_DISPLAY:-97}

if ! command -v tauri-driver >/dev/null; then
    # A bare install takes the 3.0 alpha; the app is Tauri 2.
    cargo install tauri-driver --version '^2' --locked
fi

cargo build -p roundbook-app --locked
APP=$PWD/target/debug/roundbook-app

WORK=$(mktemp -d)
XVFB_PID=""
DRIVER_PID=""
cleanup() {
    # SIGTERM, not SIGKILL: a killed tauri-driver leaves its WebKitWebDriver child running.
    if [ -n "$DRIVER_PID" ]; then kill -TERM "$DRIVER_PID" 2>/dev/null || true; wait "$DRIVER_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill -TERM "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

Xvfb ":$DISPLAY_NUM" -screen 0 1280x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
sleep 1

# A fresh book and a private data directory: the user's own books and recent list are untouched.
export DISPLAY=":$DISPLAY_NUM"
export ROUNDBOOK_BOOK="$WORK/e2e.roundbook"
export XDG_DATA_HOME="$WORK/data"
export WEBKIT_DISABLE_DMABUF_RENDERER=1
# The test seam (docs/app.md): the import/export dialogs answer this path instead of opening.
mkdir -p "$WORK/export"
export E2E_EXPORT="$WORK/export/captable.csv"
export ROUNDBOOK_DIALOG_ANSWER="$E2E_EXPORT"
tauri-driver --port "$PORT" >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$PORT/status" >/dev/null && break
    sleep 0.2
done

rm -rf "$SCREENS"
if ! WEBDRIVER_URL="http://127.0.0.1:$PORT" node ui/e2e/app.e2e.mjs "$APP" "$SCREENS"; then
    echo "--- tauri-driver log"; tail -40 "$WORK/driver.log"
    exit 1
fi
echo "screenshots: $SCREENS"
