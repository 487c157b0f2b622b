#!/usr/bin/env bash
# Installs thamquyen into .venv (Python packages) and the browser assets from npm (YASGUI,
# Swagger UI, ReDoc; axe-core for the accessibility tests) into node_modules/.
# With --test also the test tools: the Python `test` extra and Debian's Chromium for browser tests.
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
if [ "$want_tests" = 1 ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "setup.sh: nginx is missing; the deploy/nginx tests will be skipped (apt-get install nginx)" >&2
  fi
fi
