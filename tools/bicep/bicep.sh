#!/usr/bin/env bash
# Runs the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in bicep.proj).
#
#   bash tools/bicep/bicep.sh <bicep arguments...>   run the CLI, e.g. `bash tools/bicep/bicep.sh --version`
#   bash tools/bicep/bicep.sh build-all OUTDIR       build infra/main.bicep to OUTDIR/main.json and lint
#                                                    every infra/**/*.bicep; exits non-zero on any error
#                                                    or warning from either step
#
# Needs only the .NET SDK and the NuGet registry; registry modules (br:) are never restored.
set -euo pipefail

BICEP_VERSION=0.49.2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
proj="$here/bicep.proj"

dotnet restore "$proj" --nologo --verbosity quiet >&2

# The package root NuGet actually used (honours NUGET_PACKAGES and NuGet.Config), with the usual default as fallback.
pkgroot="$(dotnet msbuild "$proj" -nologo -getProperty:NuGetPackageRoot 2>/dev/null || true)"
pkgroot="${pkgroot%/}"
if [ -z "$pkgroot" ]; then
  pkgroot="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
fi
bicep="$pkgroot/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "bicep.sh: the Bicep CLI is not at $bicep after restoring $proj" >&2
  exit 2
fi
# NuGet extracts the binary without the execute bit for group/other; make sure it can run.
[ -x "$bicep" ] || chmod +x "$bicep"

if [ "${1:-}" != "build-all" ]; then
  exec "$bicep" "$@"
fi

outdir="${2:?usage: bicep.sh build-all OUTDIR}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
cd "$root"

status=0
diag="$(mktemp)"
trap 'rm -f "$diag"' EXIT

# Runs one bicep command; fails on a non-zero exit (errors, including lint rules set to error)
# and also on any warning, so that the templates stay clean.
run() {
  local what="$1"
  shift
  local rc=0
  "$bicep" "$@" 2>"$diag" || rc=$?
  cat "$diag" >&2
  if [ "$rc" -ne 0 ]; then
    echo "bicep.sh: $what failed (exit $rc)" >&2
    status=1
  elif grep -Eq ' : (Warning|Error) ' "$diag"; then
    echo "bicep.sh: $what reported warnings; fix them" >&2
    status=1
  fi
}

run "build of infra/main.bicep" build infra/main.bicep --no-restore --outfile "$outdir/main.json"
run "lint of infra/**/*.bicep" lint --no-restore --pattern 'infra/**/*.bicep'

if [ "$status" -eq 0 ]; then
  count="$(find infra -name '*.bicep' | wc -l)"
  echo "bicep.sh: built $outdir/main.json and linted $count Bicep files: clean" >&2
fi
exit "$status"
