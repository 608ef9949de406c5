#!/usr/bin/env bash
# Installs everything Skranke needs to build, run and test on Debian/Ubuntu.
# Idempotent: when everything is present it only checks and returns within a second or two.
set -euo pipefail

APT_PACKAGES=(
  build-essential pkg-config perl curl ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libdbus-1-dev dbus-daemon
  xvfb xauth webkit2gtk-driver xdg-utils imagemagick librsvg2-bin
  fonts-dejavu-core poppler-utils qpdf
  nodejs openssl
  cups cups-client printer-driver-cups-pdf tesseract-ocr tesseract-ocr-eng
)

log() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; exit 1; fi
}

# --- system packages -------------------------------------------------------
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y --no-install-recommends "${missing[@]}"; then
      as_root apt-get update
      as_root apt-get install -y --no-install-recommends "${missing[@]}"
    fi
  fi
else
  log "not a Debian/Ubuntu system: install the equivalents of ${APT_PACKAGES[*]} yourself"
fi

# --- CUPS with virtual PDF printers (the printing end-to-end test) ----------
# SkrankeTest (cups-pdf) takes jobs and writes each as a PDF under /var/spool/cups-pdf/<user>/
# named ...job_<id>...pdf; SkrankeStopped is disabled, as a printer out of paper is. A plain
# container has no systemd, so cupsd is started directly when it is not running.
if command -v lpstat >/dev/null 2>&1 && [ -x /usr/sbin/cupsd ]; then
  if ! lpstat -r 2>/dev/null | grep -q "is running"; then
    log "starting cupsd"
    as_root /usr/sbin/cupsd
    for _ in $(seq 1 50); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.1; done
  fi
  conf=/etc/cups/cups-pdf.conf
  if [ -f "$conf" ] && ! grep -q '^Out /var/spool/cups-pdf/\${USER}$' "$conf"; then
    log "cups-pdf writes to /var/spool/cups-pdf/<user>, each file labelled with its job id"
    as_root sed -i -e 's|^#\?Out .*|Out /var/spool/cups-pdf/${USER}|' -e 's|^#\?Label .*|Label 1|' "$conf"
  fi
  ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
  if ! lpstat -v SkrankeTest >/dev/null 2>&1; then
    log "adding the CUPS test printer SkrankeTest (cups-pdf)"
    as_root lpadmin -p SkrankeTest -E -v cups-pdf:/ -P "$ppd" 2>/dev/null
  fi
  if ! lpstat -v SkrankeStopped >/dev/null 2>&1; then
    log "adding the stopped CUPS test printer SkrankeStopped"
    as_root lpadmin -p SkrankeStopped -E -v cups-pdf:/ -P "$ppd" 2>/dev/null
    as_root cupsdisable -r "Out of paper (Skranke test printer)" SkrankeStopped
  fi
fi

# --- Rust toolchain --------------------------------------------------------
if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
if ! command -v cargo >/dev/null 2>&1; then
  log "installing Rust via rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  . "$HOME/.cargo/env"
fi
if command -v rustup >/dev/null 2>&1; then
  installed=$(rustup component list --installed 2>/dev/null || true)
  for c in rustfmt clippy; do
    if ! grep -q "^$c" <<<"$installed"; then
      log "adding Rust component $c"
      rustup component add "$c"
    fi
  done
fi

# --- tauri-driver (WebDriver bridge for the end-to-end tests) ---------------
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  log "installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

log "ok"
