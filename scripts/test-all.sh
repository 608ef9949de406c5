#!/usr/bin/env bash
# Installs what is missing and runs every check: formatting, lints, the build, unit and
# integration tests, and the end-to-end tests of the real app under Xvfb.
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

step "cargo test --workspace (end-to-end tests under Xvfb)"
xvfb-run -a -s '-screen 0 1280x800x24' cargo test --workspace

step "all checks passed"
