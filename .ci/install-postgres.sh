#!/usr/bin/env bash
# Install Debian's PostgreSQL server binaries for the store's tests (tests/test_store.py
# starts its own server from them in a temporary folder; no system service is used).
# Idempotent: does nothing when the binaries are already there.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null \
    && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" > /dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends postgresql
