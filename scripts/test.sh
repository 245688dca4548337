#!/usr/bin/env bash
# The one command that runs every test on a fresh machine: installs what is missing (npm packages, Debian's
# influxdb, mosquitto, victoria-metrics, chromium, openssl, python3-aiosmtpd (the SMTP server of the contact point tests), postgresql, and redis-server, redis-sentinel and haproxy for the cluster tests), builds, then runs the unit tier and the integration tier (real influxd, real
# MQTT, the real service process). Lint (type-aware rules, import boundaries) runs after the build, before jest.
# Extra arguments go to jest, e.g. `bash scripts/test.sh test/integration/ingest`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh debian influxdb mosquitto victoria-metrics chromium openssl python3-aiosmtpd postgresql redis-server redis-sentinel haproxy
bash scripts/ensure-deps.sh npm
echo "==> build"
npm run --silent build
npm run --silent docs -- --check
# After the build (lint reads the same tsconfig paths), before jest: an error stops the run (set -e).
echo "==> lint"
npm run --silent lint

mkdir -p artifacts
echo "==> jest"
status=0
npx jest --ci --json --outputFile=artifacts/jest-results.json "$@" || status=$?
# One plain closing line that any CI reads the same way.
node -e '
  const r = require("./artifacts/jest-results.json");
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
