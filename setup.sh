#!/usr/bin/env bash
# Installs thamquyen into .venv (Python packages) and the browser assets from npm (YASGUI,
# Swagger UI, ReDoc; axe-core for the accessibility tests) into node_modules/.
# With --test also the test tools: the Python `test` extra and, from Debian, Chromium for the
# browser tests, nginx for the deployment tests and Virtuoso (virtuoso-opensource-7) as a second
# real SPARQL store. Where apt is not available, the tests that need them are skipped with a reason.
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

# Debian packages the tests use: command that tells it is there -> package(s).
debian_missing() {
  command -v chromium >/dev/null 2>&1 || echo chromium chromium-driver
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || echo nginx
  command -v virtuoso-t >/dev/null 2>&1 || echo virtuoso-opensource-7
}
if [ "$want_tests" = 1 ]; then
  missing="$(debian_missing | tr '\n' ' ')"
  if [ -n "${missing// /}" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq
      # shellcheck disable=SC2086  # one word per package
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      echo "setup.sh: missing Debian packages: $missing; the tests that need them will be skipped" >&2
    fi
  fi
fi
