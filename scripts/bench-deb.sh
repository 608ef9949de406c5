#!/usr/bin/env bash
# Prints the figures of a built installer: package size, installed size (dpkg -x into a scratch
# folder, du), and start of the installed app to its unlock screen under Xvfb, several runs.
# Figures, not pass/fail (docs/benchmarks.md).
#   bash scripts/bench-deb.sh path/to/Skranke_X.Y.Z_amd64.deb [other bundles to size…]
# RUNS (default 7) starts are timed; each first drops the page cache when this may (root), so
# the start reads the installed files from disk ("cold"); otherwise it says "warm".
set -euo pipefail
deb="$1"
shift
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$deb" "$@"
fi
RUNS="${RUNS:-7}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== installer figures ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
for f in "$deb" "$@"; do
  size=$(stat -c %s "$f")
  echo "$(basename "$f"): $size bytes ($(awk "BEGIN{printf \"%.1f\", $size/1048576}") MiB)"
done

dpkg -x "$deb" "$work/root"
echo "installed size (du of dpkg -x): $(du -sk "$work/root" | cut -f1) KiB in $(find "$work/root" -type f | wc -l) files; Installed-Size field: $(dpkg-deb --field "$deb" Installed-Size) KiB"
for bin in skranke-app skranke-cli; do
  echo "  /usr/bin/$bin: $(stat -c %s "$work/root/usr/bin/$bin") bytes"
done

app="$work/root/usr/bin/skranke-app"
export SKRANKE_DATA_DIR="$work/data" XDG_DATA_HOME="$work/xdg-data" XDG_CACHE_HOME="$work/xdg-cache"
# A register first (so every timed start shows the unlock screen of a real one).
"$work/root/usr/bin/skranke-app" --demo --measure-startup >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; exit 1; }
cold=warm
times=()
for _ in $(seq "$RUNS"); do
  if sync && echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then cold=cold; fi
  start=$(date +%s%3N)
  "$app" --measure-startup >"$work/run.log" 2>&1
  ready=$(sed -n 's/.*ready_unix_ms=\([0-9]*\).*/\1/p' "$work/run.log")
  [ -n "$ready" ] || { cat "$work/run.log" >&2; exit 1; }
  times+=($((ready - start)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(((RUNS + 1) / 2))p")
echo "installed app, exec to unlock screen interactive ($cold file cache, $RUNS runs): median $median ms; all: $(echo $sorted)"
