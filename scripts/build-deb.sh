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
# Installed here, not in setup.sh: the test command does not build installers yet, and a cold
# install of tauri-cli costs about 11 minutes of CI time on a 2-core machine.
if ! command -v cargo-tauri >/dev/null 2>&1; then
  echo "build-deb: installing tauri-cli" >&2
  cargo install tauri-cli --version '^2' --locked
fi

profile="${SKRANKE_BUNDLE_PROFILE:-release}"
bundles="${SKRANKE_BUNDLES:-deb}"
case "$profile" in dev) dir=debug ;; *) dir="$profile" ;; esac
export SKRANKE_BUNDLE_PROFILE="$profile"

bash scripts/stage-cli.sh
cd src-tauri
args=(build --bundles "$bundles" --config tauri.bundle.json --ci)
case "$profile" in
  release) ;;
  dev) args+=(--debug) ;;
  *) args+=(-- --profile "$profile") ;;
esac
cargo tauri "${args[@]}" >&2

target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")
deb="$target_dir/$dir/bundle/deb/Skranke_${version}_amd64.deb"
[ -f "$deb" ] || { echo "build-deb: expected $deb" >&2; ls -R "$target_dir/$dir/bundle" >&2 || true; exit 1; }
echo "$deb"
