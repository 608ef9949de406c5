#!/usr/bin/env bash
# Builds the Linux installer (.deb) with tauri-cli and prints its path on the last line.
#   bash scripts/build-deb.sh                 the release build (what a release ships)
#   SKRANKE_BUNDLE_PROFILE=bundle-ci bash …   the cheaper profile scripts/test-all.sh uses
# Other Linux bundles: SKRANKE_BUNDLES=deb,rpm,appimage (AppImage needs network, see docs/release.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
export PATH="$HOME/.cargo/bin:$PATH"
# tauri-cli: the official prebuilt one from the npm registry, checked against the integrity
# hashes npm publishes (a `cargo install tauri-cli` compiles for about 11 minutes on 2 cores).
# Set TAURI_CLI to use another (e.g. `cargo tauri`).
TAURI_CLI_VERSION=2.12.5
tauri_cli() {
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/skranke/tauri-cli-$TAURI_CLI_VERSION"
  if [ ! -f "$dir/ok" ]; then
    command -v node >/dev/null || { echo "build-deb: node is missing (apt package nodejs; scripts/setup.sh installs it)" >&2; exit 1; }
    rm -rf "$dir" && mkdir -p "$dir/node_modules/@tauri-apps"
    fetch() { # $1 package  $2 tarball name  $3 sha512 (base64)
      local tgz="$dir/$2.tgz"
      curl -fsSL "https://registry.npmjs.org/@tauri-apps/$1/-/$2-$TAURI_CLI_VERSION.tgz" -o "$tgz"
      [ "$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)" = "$3" ] \
        || { echo "build-deb: $2 does not match its published integrity hash" >&2; exit 1; }
      mkdir -p "$dir/node_modules/@tauri-apps/$1"
      tar -xzf "$tgz" -C "$dir/node_modules/@tauri-apps/$1" --strip-components=1
    }
    fetch cli cli 'Dm8s/4aiE52HsBh+Gz3uSrh+fEykRICA1VoAnQA80IqHoTRncPg+q4rGvuhmyNsHUPg3QrPjUrTUSfWmXLVVEw=='
    fetch cli-linux-x64-gnu cli-linux-x64-gnu 'OIun574QsULxaZ5SmPDX4D8bO95RBmYJshu8yGFy0RSyCMKEs/y+o3BThot4fbCv4ttC1Tq6Hzt0QRHXCIgp7w=='
    touch "$dir/ok"
  fi
  node "$dir/node_modules/@tauri-apps/cli/tauri.js" "$@"
}
if [ -n "${TAURI_CLI:-}" ]; then tauri_cli() { $TAURI_CLI "$@"; }; fi

profile="${SKRANKE_BUNDLE_PROFILE:-release}"
bundles="${SKRANKE_BUNDLES:-deb}"
case "$profile" in dev) dir=debug ;; *) dir="$profile" ;; esac
export SKRANKE_BUNDLE_PROFILE="$profile"

bash scripts/stage-cli.sh
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
cd src-tauri
args=(--config tauri.bundle.json --ci)
case "$profile" in
  release) tauri_cli build --bundles "$bundles" "${args[@]}" >&2 ;;
  dev)
    # The test command's build made the app (Tauri's custom-protocol is always on, see
    # src-tauri/Cargo.toml); `tauri build` would rebuild it and its dependencies with the
    # features of a bins-only selection. The package gets stripped copies; the build folder
    # keeps its binary as built.
    cargo build --workspace --all-targets >&2
    app="$target_dir/debug/skranke-app"
    cp -p "$app" "$app.unstripped"
    trap 'mv -f "$app.unstripped" "$app"' EXIT
    strip --strip-debug "$app" binaries/skranke-cli-*
    tauri_cli bundle --debug --bundles "$bundles" "${args[@]}" >&2
    ;;
  *) tauri_cli build --bundles "$bundles" "${args[@]}" -- --profile "$profile" >&2 ;;
esac

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")
deb="$target_dir/$dir/bundle/deb/Skranke_${version}_amd64.deb"
[ -f "$deb" ] || { echo "build-deb: expected $deb" >&2; ls -R "$target_dir/$dir/bundle" >&2 || true; exit 1; }
echo "$deb"
