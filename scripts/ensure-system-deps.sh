#!/usr/bin/env bash
# Make sure the programs the test suites drive are installed: redis-server (real Redis for the
# cache/report tests), node and npm (the extension's unit tests, web-ext lint), chromium and
# firefox-esr (the browser tests).
# Missing ones are installed with apt-get when we are root (or have sudo) and
# LINKGUARD_NO_APT is unset; otherwise we stop and say what to install.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)  # also jsdom and Stryker (package.json)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "system-deps: missing: ${need[*]}"
if [ -n "${LINKGUARD_NO_APT:-}" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: install them with your package manager (Debian: apt-get install ${need[*]})" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
    echo "system-deps: not root and no sudo; run: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
