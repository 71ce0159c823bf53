#!/usr/bin/env bash
# Every check the project has, in the order a failure is cheapest to find:
# install -> typecheck -> lint/format -> unit (Vitest, Node) -> production build -> e2e (Playwright,
# Chromium with software WebGPU). Ends with one "N passed, M failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

step() { echo; echo "=== $1"; }
fail() { echo "FAILED: $1"; FAILED_STEPS+=("$1"); }
FAILED_STEPS=()

step "typecheck"; npx tsc -p tsconfig.json --noEmit || fail typecheck
step "lint"; npx eslint . --max-warnings=0 || fail eslint
step "format"; npx prettier --check . >/dev/null || { npx prettier --check . | tail -20; fail prettier; }
step "unit tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=artifacts/vitest.json || fail vitest
step "build"; npx vite build --logLevel warn || fail build
step "end-to-end tests (playwright, chromium + WebGPU)"
PLAYWRIGHT_JSON_OUTPUT_NAME=artifacts/playwright.json npx playwright test --reporter=list,json || fail playwright

node scripts/summarize-tests.mjs artifacts/vitest.json artifacts/playwright.json "${#FAILED_STEPS[@]}"
if [ ${#FAILED_STEPS[@]} -gt 0 ]; then echo "failed steps: ${FAILED_STEPS[*]}"; exit 1; fi
