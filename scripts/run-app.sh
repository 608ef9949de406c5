#!/usr/bin/env bash
# Installs what is missing, builds Skranke and starts it.
#
# With a register of your own (in the OS app-data folder, or SKRANKE_DATA_DIR) it opens that.
# Without one it opens a demo shop of fictional customers in its own folder (the real folder is
# never touched); the demo passphrase is shown on the unlock screen. `--real` skips the demo and
# starts first-run setup of a real register instead.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi

cargo build --release -p skranke-app
app="${CARGO_TARGET_DIR:-target}/release/skranke-app"

real_dir="${SKRANKE_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/no.skranke.app}"
args=()
if [ "${1:-}" = "--real" ]; then
  shift
elif [ ! -f "$real_dir/skranke.keys" ]; then
  args=(--demo)
  echo "run-app: no register in $real_dir; opening the demo shop (pass --real to set one up)" >&2
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display; starting under Xvfb (nothing will be visible)" >&2
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$app" "${args[@]}" "$@"
fi
exec "$app" "${args[@]}" "$@"
