#!/usr/bin/env bash
# Builds skranke-cli for the target `cargo tauri build` is bundling and puts it where Tauri's
# externalBin expects it (src-tauri/binaries/skranke-cli-<target triple>[.exe]), so every
# installer (deb, rpm, AppImage, NSIS, dmg) installs the CLI beside the app. Run before
# `cargo tauri build --config tauri.bundle.json` (scripts/build-deb.sh, release.yml), with
# TAURI_ENV_TARGET_TRIPLE naming a cross target and SKRANKE_BUNDLE_PROFILE the cargo profile.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi

host=$(rustc -vV | sed -n 's/^host: //p')
triple="${TAURI_ENV_TARGET_TRIPLE:-$host}"
profile="${SKRANKE_BUNDLE_PROFILE:-release}"
case "$profile" in dev) dir=debug ;; *) dir="$profile" ;; esac

target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
if command -v cygpath >/dev/null 2>&1; then target_dir=$(cygpath -u "$target_dir"); fi

ext=""
case "$triple" in *windows*) ext=".exe" ;; esac
out="$root/src-tauri/binaries/skranke-cli-$triple$ext"
mkdir -p "$root/src-tauri/binaries"

build() { # $1: triple; prints the built binary's path
  if [ "$1" = "$host" ] && [ "$profile" = dev ]; then
    # The test command's own build (same selection, so the same features): a no-op after it,
    # where `-p skranke-cli` would rebuild shared dependencies with other features.
    cargo build --workspace --all-targets >&2
    echo "$target_dir/$dir/skranke-cli$ext"
  elif [ "$1" = "$host" ]; then
    cargo build --profile "$profile" -p skranke-cli >&2
    echo "$target_dir/$dir/skranke-cli$ext"
  else
    cargo build --profile "$profile" -p skranke-cli --target "$1" >&2
    echo "$target_dir/$1/$dir/skranke-cli$ext"
  fi
}

if [ "$triple" = "universal-apple-darwin" ]; then
  arm=$(build aarch64-apple-darwin)
  intel=$(build x86_64-apple-darwin)
  lipo -create -output "$out" "$arm" "$intel"
else
  cp "$(build "$triple")" "$out"
fi
echo "stage-cli: $out" >&2
