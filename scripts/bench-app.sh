#!/usr/bin/env bash
# Prints the desktop app's figures: release binary size, start to the first interactive screen,
# and idle memory of the app with its WebKit processes. Figures, not pass/fail.
# Runs itself under Xvfb when there is no display (one X server for every run).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ]; then
  ./scripts/setup.sh >/dev/null
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@"
fi

RUNS="${RUNS:-7}"
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
cargo build --release -p skranke-app >&2
app="$(pwd)/${CARGO_TARGET_DIR:-target}/release/skranke-app"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SKRANKE_DATA_DIR="$work/data" XDG_DATA_HOME="$work/xdg-data" XDG_CACHE_HOME="$work/xdg-cache"

echo "== Skranke desktop app figures ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), $(rustc --version))"
size=$(stat -c %s "$app")
echo "release binary size: $((size / 1024)) KiB ($(awk "BEGIN{printf \"%.1f\", $size/1048576}") MiB), stripped, $app"

# A demo register first (timed: what `--demo` costs on first start), so every timed start below
# opens the unlock screen of a real register.
start=$(date +%s%3N)
"$app" --demo --measure-startup >"$work/demo.log" 2>&1
end=$(date +%s%3N)
grep -q "interactive" "$work/demo.log" || { cat "$work/demo.log" >&2; echo "the app did not start" >&2; exit 1; }
echo "first start with --demo (creates the demo shop, then shows the unlock screen): $((end - start)) ms"

# Start to first interactive screen: from exec to the page's ready signal (unix ms printed by the app).
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%3N)
  "$app" --measure-startup >"$work/run.log" 2>&1
  ready=$(sed -n 's/.*ready_unix_ms=\([0-9]*\).*/\1/p' "$work/run.log")
  [ -n "$ready" ] || { cat "$work/run.log" >&2; exit 1; }
  times+=($((ready - start)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "start to unlock screen interactive, warm file cache ($RUNS runs): median $median ms; all: $(echo $sorted)"

# Idle memory: the app at its unlock screen for 10 s; RSS and PSS summed over it and its
# descendants (WebKitWebProcess, WebKitNetworkProcess).
"$app" >"$work/idle.log" 2>&1 &
pid=$!
for _ in $(seq 150); do grep -q interactive "$work/idle.log" 2>/dev/null && break; sleep 0.2; done
sleep 10
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
rss=0; pss=0; names=""
for p in "$pid" $(descendants "$pid"); do
  [ -r "/proc/$p/status" ] || continue
  r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" || true); rss=$((rss + ${r:-0}))
  s=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true); pss=$((pss + ${s:-0}))
  names="$names $(cat "/proc/$p/comm")"
done
echo "idle memory at the unlock screen (${names# }): RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
