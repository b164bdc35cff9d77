#!/usr/bin/env bash
# The test suite as `make test` and CI run it: lint, start the services the tests need
# (PostgreSQL, Chromium), run pytest, stop what was started.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

"$VENV/bin/ruff" check src tests benchmarks

if [ -z "${NEWSPRISM_TEST_PG_URL:-}" ]; then
  pg_env=$(bash scripts/postgres-test-server.sh start)  # a failed start stops the run here
  eval "$pg_env"
  trap 'bash scripts/postgres-test-server.sh stop' EXIT
fi

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Chromium (Debian package) for the report's browser test..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 \
    || echo "could not install chromium: browser tests will skip" >&2
fi

"$VENV/bin/pytest" -q "$@"
