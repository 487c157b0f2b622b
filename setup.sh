#!/usr/bin/env bash
# Installs thamquyen into .venv (Python packages, and YASGUI from npm for the /sparql page).
# With --test also the test tools: the Python `test` extra, Debian's Chromium for browser tests and
# Debian's Virtuoso (virtuoso-opensource-7) as a second real SPARQL store.
set -euo pipefail
cd "$(dirname "$0")"
want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
if [ "$want_tests" = 1 ]; then
  .venv/bin/pip install --quiet -e '.[test]'
else
  .venv/bin/pip install --quiet -e .
fi
if [ -f package.json ] && command -v npm >/dev/null 2>&1; then
  npm ci --silent --ignore-scripts --no-audit --no-fund
fi
if [ "$want_tests" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup.sh: Chromium is missing; browser tests will be skipped (apt-get install chromium chromium-driver)" >&2
  fi
fi
if [ "$want_tests" = 1 ] && ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7 >/dev/null; } \
      || echo "setup.sh: virtuoso-opensource-7 not installed; Virtuoso tests will be skipped" >&2
  else
    echo "setup.sh: Virtuoso is missing; its tests will be skipped (apt-get install virtuoso-opensource-7)" >&2
  fi
fi
