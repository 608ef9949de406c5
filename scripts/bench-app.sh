#!/usr/bin/env bash
# Prints the desktop app's figures: release binary size, cold start to the first interactive
# screen, and idle memory of the app with its WebKit processes. Figures, not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
./scripts/setup.sh >/dev/null
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi

cargo build --release -p skranke-app >&2
app="$(pwd)/${CARGO_TARGET_DIR:-target}/release/skranke-app"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SKRANKE_DATA_DIR="$work/data" XDG_DATA_HOME="$work/xdg-data" XDG_CACHE_HOME="$work/xdg-cache"

under_x() { xvfb-run -a -s '-screen 0 1280x800x24' "$@"; }

echo "== Skranke desktop app figures ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
size=$(stat -c %s "$app")
echo "release binary: $app"
echo "release binary size: $((size / 1024)) KiB ($(awk "BEGIN{printf \"%.1f\", $size/1048576}") MiB)"

# A demo vault first, so every timed start opens the unlock screen of a real register.
under_x "$app" --demo --measure-startup >"$work/demo.log" 2>&1
grep -q "interactive" "$work/demo.log" || { cat "$work/demo.log" >&2; echo "the app did not start" >&2; exit 1; }

# Start to first interactive screen: from exec to the page's ready signal (unix ms printed by the app).
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%3N)
  under_x "$app" --measure-startup >"$work/run.log" 2>&1
  ready=$(sed -n 's/.*ready_unix_ms=\([0-9]*\).*/\1/p' "$work/run.log")
  [ -n "$ready" ] || { cat "$work/run.log" >&2; exit 1; }
  times+=($((ready - start)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "start to unlock screen interactive (ms, $RUNS runs incl. Xvfb start): median $median, all: $(echo $sorted | tr '\n' ' ')"

# Idle memory: the app at its unlock screen for 10 s, RSS and PSS summed over it and its children.
xvfb-run -a -s '-screen 0 1280x800x24' "$app" >"$work/idle.log" 2>&1 &
runner=$!
for _ in $(seq 100); do grep -q interactive "$work/idle.log" 2>/dev/null && break; sleep 0.2; done
sleep 10
pid=$(pgrep -n -f "^$app" || true)
if [ -n "$pid" ]; then
  pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
  for child in $(pgrep -P "$pid"); do pids="$pids $(pgrep -P "$child" | tr '\n' ' ')"; done
  rss=0; pss=0; names=""
  for p in $pids; do
    [ -r "/proc/$p/status" ] || continue
    r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status"); rss=$((rss + ${r:-0}))
    s=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null); pss=$((pss + ${s:-0}))
    names="$names $(cat "/proc/$p/comm")"
  done
  echo "idle memory at the unlock screen (processes:$names): RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
  kill -TERM "$pid" 2>/dev/null || true
fi
wait "$runner" 2>/dev/null || true
