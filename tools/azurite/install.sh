#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator) for local runs, the Blob attachment-store tests and the webhook queue tests: `npm ci` from the
# committed lockfile. Idempotent: skips the install when node_modules was installed from this very lockfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tools/azurite: Node.js 20+ with npm is required." >&2
  exit 1
fi
stamp=node_modules/.installed-from-package-lock.json
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -f node_modules/azurite/package.json ]; then
  echo "tools/azurite: node_modules is up to date"
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
cp package-lock.json "$stamp"
