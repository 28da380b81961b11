#!/usr/bin/env bash
# Regenerates the Kiota C# client (TicketingFunctions.Client/Generated) from TicketingFunctions/openapi.yaml, with the
# Kiota version pinned in .config/dotnet-tools.json. Run it after every change to openapi.yaml and commit the result.
#   bash clients/dotnet/generate.sh           regenerate in place
#   bash clients/dotnet/generate.sh --check   regenerate into a scratch copy and fail if it differs from
#                                             TicketingFunctions.Client/Generated (CI's drift check)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_CLI_TELEMETRY_OPTOUT=true
generated=clients/dotnet/TicketingFunctions.Client/Generated

# generate ROOT: Kiota run from ROOT, on ROOT's openapi.yaml, into ROOT's $generated (paths relative to ROOT, so
# kiota-lock.json records the same relative description path wherever ROOT is).
generate() {
  local log
  log="$(mktemp)"
  if ! (cd "$1" && dotnet tool run kiota generate --language CSharp --openapi TicketingFunctions/openapi.yaml \
      --class-name TicketingClient --namespace-name TicketingFunctions.Client --output "$generated" \
      --exclude-backward-compatible --clean-output --exclude-path /openapi.yaml --exclude-path /openapi.json --exclude-path /docs --exclude-path "/docs/{asset}") >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "clients/dotnet/generate.sh: kiota generate failed" >&2
    return 1
  fi
  rm -f "$log" "$1/$generated/.kiota.log"
}

cd "$root"
dotnet tool restore >/dev/null
if [ "${1:-}" = "--check" ]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/TicketingFunctions"
  cp TicketingFunctions/openapi.yaml "$scratch/TicketingFunctions/"
  cp -r .config "$scratch/"
  generate "$scratch"
  if ! diff -r "$generated" "$scratch/$generated"; then
    echo "clients/dotnet: the committed client differs from a fresh generation from openapi.yaml: run bash clients/dotnet/generate.sh and commit the result" >&2
    exit 1
  fi
  echo "clients/dotnet: the committed client matches openapi.yaml"
else
  generate "$root"
  echo "clients/dotnet: regenerated $generated from TicketingFunctions/openapi.yaml"
fi
