#!/usr/bin/env bash
# The cluster benchmark: deploy/local-cluster.sh up (three nodes, PostgreSQL with two shards, Redis, HAProxy on
# 127.0.0.1:5100), then `tokenim bench direct` and `group` through HAProxy, then down. Results go to
# artifacts/bench-cluster/, and docs/benchmarks.md is rewritten with them beside the single-node ones
# (artifacts/bench/ from scripts/bench.sh). Everything runs on this machine, generator included.
#
#   scripts/bench-cluster.sh                     the standard sizes (a few minutes)
#   BENCH_QUICK=1 scripts/bench-cluster.sh       small sizes, for trying the script; does not touch docs/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/artifacts/bench-cluster
mkdir -p "$out"
export TOKENIM_CLUSTER_DIR=${TOKENIM_CLUSTER_DIR:-/tmp/tokenim-bench-cluster}
# As scripts/bench.sh: request-rate limits off, diagnostics on, cheap password hashing, hour-long access tokens.
export TOKENIM_CLUSTER_NODE_ENV='TokenIM__RateLimits__Enabled=false
TokenIM__Diagnostics__Enabled=true
TokenIM__Passwords__Pbkdf2Iterations=1000
TokenIM__Tokens__AccessTokenLifetime=01:00:00
Logging__LogLevel__Default=Warning'
trap 'deploy/local-cluster.sh down >/dev/null 2>&1 || true' EXIT
ulimit -n "$(ulimit -Hn)"

dotnet build src/TokenIM.Cli -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
deploy/local-cluster.sh up
tokenim=$root/src/TokenIM.Cli/bin/Release/net10.0/tokenim
server=http://127.0.0.1:5100/

bench() {
  local name=$1; shift
  echo "== cluster $name: tokenim bench $*"
  "$tokenim" bench "$@" --server "$server" --out "$out/$name.json" --report "$out/$name.html" | tee "$out/$name.txt"
}

# Warm-up (not reported): every node's hot path compiled, every pool filled.
"$tokenim" bench direct --server "$server" --users 60 --messages "${BENCH_WARMUP:-60000}" --quiet --out "$out/warmup.json" >/dev/null
if [ -n "${BENCH_QUICK:-}" ]; then
  bench direct direct --users 40 --messages 10000
  bench group group --members 100 --senders 5 --messages 300
  exit 0
fi
bench direct direct --users 200 --messages 150000 --window 16
bench group group --members 1000 --senders 10 --messages 3000 --window 8
deploy/local-cluster.sh down
node "$root/scripts/bench-table.mjs" "$root/artifacts/bench" "$out" >"$root/docs/benchmarks.md"
echo "wrote docs/benchmarks.md"
