#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages (install scripts skipped, see
# .npmrc) and, for the end-to-end tests, Debian's Chromium (Playwright cannot download browsers).
# Usage: scripts/setup.sh [--app]   (--app: only what the playground needs, no browser)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" != "--app" ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "setup: installing Debian's chromium for the end-to-end tests"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# The bundled pipeline-check model (random weights, built from the weight formula; not committed).
if [ -f src/cli/build-tiny-model.ts ]; then npx tsx src/cli/build-tiny-model.ts public/models/tiny; fi
