#!/usr/bin/env bash
# The soak (not in CI, not in scripts/test.sh): the local cluster (deploy/local-cluster.sh: three nodes, PostgreSQL
# with two shards, Redis, HAProxy) under steady SDK traffic through HAProxy at half the cluster's `direct` benchmark
# (docs/benchmarks.md), a node killed (-9) and restarted every 5 minutes, each node's resident memory and managed heap
# sampled every 10 seconds. At the end: the checker's totals (lost, duplicated, order violations must be 0) and each
# node process's memory slope in MB per hour (least squares). The run is tests/…/Cluster/SoakTests.cs.
#
#   scripts/soak.sh                              30 minutes
#   TOKENIM_SOAK_MINUTES=6 scripts/soak.sh       shorter (one kill at minute 5)
#
# Other knobs: TOKENIM_SOAK_KILL_MINUTES (5), TOKENIM_SOAK_SAMPLE_SECONDS (10), TOKENIM_SOAK_RATE (4500 messages a
# second offered). Output: artifacts/soak/ (progress.log, memory.csv, figures.txt, test.log). Ports: those of
# deploy/local-cluster.sh (5100-5103, 5109), so no other cluster may run meanwhile.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/artifacts/soak
rm -rf "$out"
mkdir -p "$out"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false \
  DOTNET_CLI_USE_MSBUILD_SERVER=0 NUGET_CERT_REVOCATION_MODE=offline DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export TOKENIM_SOAK_MINUTES=${TOKENIM_SOAK_MINUTES:-30}
export TOKENIM_SOAK_DIR=$out
export TOKENIM_FIGURES=$out/figures.txt
export TOKENIM_CLUSTER_TESTS=1
# As scripts/bench-cluster.sh: no request-rate limits (one machine holds every client), diagnostics on (the managed
# heap samples), quieter logs.
export TOKENIM_CLUSTER_NODE_ENV='TokenIM__RateLimits__Enabled=false
TokenIM__Diagnostics__Enabled=true
Logging__LogLevel__Default=Warning'
ulimit -n "$(ulimit -Hn)"

echo "soak: ${TOKENIM_SOAK_MINUTES} minutes, a node kill every ${TOKENIM_SOAK_KILL_MINUTES:-5} minutes; building"
dotnet build tests/TokenIM.IntegrationTests -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
: >"$out/progress.log"
tail -n +1 -f "$out/progress.log" &
tail_pid=$!
trap 'kill "$tail_pid" 2>/dev/null || true' EXIT
set +e
dotnet test --project tests/TokenIM.IntegrationTests -c Release --no-build -- --filter-class '*.SoakTests' >"$out/test.log" 2>&1
rc=$?
set -e
kill "$tail_pid" 2>/dev/null || true
echo
echo "figures:"
sed 's/^/  /' "$out/figures.txt" 2>/dev/null || echo "  (none)"
if [ "$rc" -ne 0 ]; then
  grep -v '^ *at ' "$out/test.log" | tail -n 40
  echo "soak FAILED (exit $rc; see $out/test.log)"
  exit "$rc"
fi
echo "soak passed; memory samples in $out/memory.csv"
