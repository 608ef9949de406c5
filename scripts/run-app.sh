#!/usr/bin/env bash
# Installs what is missing, builds Skranke and starts it. Without a vault of your own it opens a
# demo register (fictional shop, passphrase shown on the unlock screen) in its own data folder,
# so the real register is never touched. Pass --real to start on the real data folder instead.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi

cargo build --release -p skranke-app
app="${CARGO_TARGET_DIR:-target}/release/skranke-app"

args=(--demo)
if [ "${1:-}" = "--real" ]; then args=(); shift; fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display; starting under Xvfb (nothing will be visible)" >&2
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$app" "${args[@]}" "$@"
fi
exec "$app" "${args[@]}" "$@"
