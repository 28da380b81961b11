#!/usr/bin/env bash
# Installs the pinned OpenAPI linters: `npm ci` from the committed lockfile (no install scripts). Idempotent: skips
# the install when node_modules was installed from this very lockfile (a stamp copy of it is kept in node_modules).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tools/openapi-lint: Node.js 20+ with npm is required." >&2
  exit 1
fi
stamp=node_modules/.installed-from-package-lock.json
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -x node_modules/.bin/redocly ] && [ -x node_modules/.bin/spectral ]; then
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
cp package-lock.json "$stamp"
