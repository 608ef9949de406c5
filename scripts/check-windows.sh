#!/usr/bin/env bash
# Type-checks the whole workspace for Windows (x86_64-pc-windows-gnu) on Linux, so a Unix-only
# call in a cfg(windows) path fails here and not on a shop's computer. Installs the Rust target
# and the MinGW C compiler (SQLCipher's vendored OpenSSL is C) when missing. See docs/release.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi

target=x86_64-pc-windows-gnu
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64 \
    || { as_root apt-get update && as_root apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64; }
fi
cargo check --target "$target" --workspace
