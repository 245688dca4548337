#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, and nothing that is already there.
#   ensure-deps.sh npm                 node_modules from package-lock.json (npm ci) when missing or stale
#   ensure-deps.sh debian PKG [PKG…]   Debian packages whose binaries are missing (apt-get, as root or via sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

# Binary that shows a Debian package is installed.
declare -A PACKAGE_BINARY=([influxdb]=/usr/bin/influxd [mosquitto]=/usr/sbin/mosquitto [victoria-metrics]=/usr/bin/victoria-metrics [chromium]=/usr/bin/chromium [openssl]=/usr/bin/openssl [postgresql]=/usr/lib/postgresql/15/bin/initdb [redis-server]=/usr/bin/redis-server [redis-sentinel]=/usr/bin/redis-sentinel [haproxy]=/usr/sbin/haproxy)

ensure_npm() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund
  elif [ -n "$(find patches -newer node_modules/.package-lock.json -type f 2>/dev/null)" ]; then
    # A patch added since the last install (npm ci applies them through postinstall; an existing tree needs it said).
    echo "==> patch-package"
    npx --no-install patch-package
    touch node_modules/.package-lock.json
  fi
}

ensure_debian() {
  local missing=()
  for package in "$@"; do
    local binary=${PACKAGE_BINARY[$package]:-}
    if [ -n "$binary" ] && [ -x "$binary" ]; then continue; fi
    if [ -z "$binary" ] && dpkg -s "$package" >/dev/null 2>&1; then continue; fi
    missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "==> apt-get install ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

case "${1:-}" in
  npm) ensure_npm ;;
  debian) shift; ensure_debian "$@" ;;
  *) echo "usage: $0 npm | debian PKG [PKG…]" >&2; exit 2 ;;
esac
