#!/usr/bin/env bash
# Installs what is missing and runs every check: formatting, lints, the build, unit and
# integration tests, the end-to-end tests of the real app under Xvfb, and the .deb installed
# into a scratch root and started from there.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*" >&2; }

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo build --workspace --all-targets"
cargo build --workspace --all-targets

# The installer as a shop gets it, but from the dev profile: it packs the build above, where a
# release build would add an optimised build of every dependency (about 20 minutes on 2 cores;
# docs/release.md). The release workflow and `bash scripts/build-deb.sh` use the release profile.
step "tauri bundle --bundles deb (dev profile)"
deb=$(SKRANKE_BUNDLE_PROFILE=dev bash scripts/build-deb.sh | tail -n 1)

# One run of every test, the installed-.deb test included (it is #[ignore]d only so that a
# plain `cargo test` without a built package passes).
step "cargo test --workspace -- --include-ignored (end-to-end tests and the installed .deb under Xvfb)"
SKRANKE_DEB="$deb" xvfb-run -a -s '-screen 0 1280x800x24' cargo test --workspace -- --include-ignored

step "all checks passed"
