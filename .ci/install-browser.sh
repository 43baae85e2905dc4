#!/usr/bin/env bash
# CI: what the dashboard's browser test (tests/test_dashboard.py) needs: Debian's Chromium,
# driven headless by playwright-core (never a downloaded browser), node, and the web/
# packages pinned by web/package-lock.json. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Debian's node is enough for the test (the committed build needs no vite); a newer
# node already on the machine is kept.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
(cd web && npm ci --no-audit --no-fund)
