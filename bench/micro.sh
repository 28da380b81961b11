#!/usr/bin/env bash
# Micro-benchmarks (BenchmarkDotNet) of the create path. Arguments go to BenchmarkDotNet, e.g.
#   bench/micro.sh                         every benchmark
#   bench/micro.sh --filter '*Token*'      one class
#   bench/micro.sh --job short             fewer iterations
#   bench/micro.sh --webhooks-probe [N]     webhook delivery: store calls and allocated bytes per delivered event (3
#                                          subscriptions, N creates each; Node receiver)
#   bench/micro.sh --probe [N] [--create-only] [--log]   quick probe: allocation and process CPU per create (one at a
#                                          time and from 32 concurrent callers), then (without --create-only) stages and
#                                          list pages. --log keeps the console log as deployed (two lines per create) on
#                                          stdout and prints the figures on stderr: bench/micro.sh --probe --log >/dev/null
# Results: BenchmarkDotNet.Artifacts/results/ under the current directory.
set -euo pipefail
cd "$(dirname "$0")/TicketingFunctions.Benchmarks"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ $# -eq 0 ] && set -- --filter '*'
dotnet run -c Release -- "$@"
