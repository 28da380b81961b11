#!/usr/bin/env bash
# Installs the Cosmos DB protocol server used by local runs and the Cosmos tests: `npm ci` from the
# committed lockfile. Idempotent: skips the install when node_modules was installed from this very
# lockfile (a stamp copy of it is kept in node_modules).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tools/cosmos-emulator: Node.js 20+ with npm is required (Debian 12's own nodejs package is 18: use a Node.js 20+ build)." >&2
  exit 1
fi
stamp=node_modules/.installed-from-package-lock.json
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -f node_modules/@vercel/cosmosdb-server/package.json ]; then
  echo "tools/cosmos-emulator: node_modules is up to date"
  exit 0
fi
npm ci --no-audit --no-fund
cp package-lock.json "$stamp"
