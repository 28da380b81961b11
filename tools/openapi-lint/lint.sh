#!/usr/bin/env bash
# Lints the OpenAPI document as the API serves it (/api/openapi.yaml and /api/openapi.json of the standalone host)
# with the linters integrators run: Redocly CLI (recommended-strict: the recommended rules, every warning an
# error) and Spectral (spectral:oas, failing on warnings). Exits non-zero on any finding not in an ignore entry.
#   bash tools/openapi-lint/lint.sh             build the app, start it on a loopback port, fetch, lint
#   bash tools/openapi-lint/lint.sh --no-build  the same with the app as last built (CI, right after dotnet test)
#   bash tools/openapi-lint/lint.sh FILE...     lint these files instead (e.g. while editing openapi.yaml)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
bash "$here/install.sh"

build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
app="$root/TicketingFunctions/bin/Debug/net10.0/TicketingFunctions.dll"

if [ "$#" -gt 0 ]; then
  files=()
  for f in "$@"; do files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
else
  if [ "$build" -eq 1 ]; then
    dotnet build "$root/TicketingFunctions/TicketingFunctions.csproj" -nologo -v:q >/dev/null \
      || { echo "openapi-lint: the app does not build" >&2; exit 1; }
  fi
  [ -f "$app" ] || { echo "openapi-lint: $app is missing: build the app first" >&2; exit 1; }
  log="$(mktemp)"
  # Production settings with the embedded store and a throw-away dev key: only the document routes are used.
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production CosmosDb__Endpoint="" \
    Auth__IssuerTemplate="http://localhost:7071/realms/{realm}" Auth__AllowedRealms=demo Auth__Audience=ticketing-api \
    Auth__DevSigningKey="$(head -c 32 /dev/urandom | base64)" \
    dotnet "$app" --urls http://127.0.0.1:0 >"$log" 2>&1 &
  host=$!
  trap 'kill "$host" 2>/dev/null; wait "$host" 2>/dev/null; rm -f "$log"' EXIT
  url=""
  for _ in $(seq 300); do
    url="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 | sed 's/listening on //')" || true
    [ -n "$url" ] && break
    kill -0 "$host" 2>/dev/null || { cat "$log" >&2; echo "openapi-lint: the standalone host exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; echo "openapi-lint: the standalone host did not start" >&2; exit 1; }
  mkdir -p "$here/served"
  curl -fsS "$url/api/openapi.yaml" -o "$here/served/openapi.yaml"
  curl -fsS "$url/api/openapi.json" -o "$here/served/openapi.json"
  files=("$here/served/openapi.yaml" "$here/served/openapi.json")
fi

cd "$here"
status=0
# The ignore file's keys are paths relative to this folder: served/openapi.yaml and served/openapi.json.
node_modules/.bin/redocly lint --config redocly.yaml "${files[@]}" 2>&1 | grep -v -E '^ *(║|╔|╚)' || status=1
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn "${files[@]}" || status=1
[ "$status" -eq 0 ] && echo "openapi-lint: no findings (redocly recommended-strict, spectral:oas)"
exit "$status"
