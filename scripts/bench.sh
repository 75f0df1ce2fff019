#!/usr/bin/env bash
# The standard benchmark: builds Release, starts a server with a fresh data directory on loopback, runs every
# scenario of `tokenim bench` with fixed sizes, writes the table to docs/benchmarks.md and stops the server.
# Takes about 10 minutes on 2 cores. Results (JSON + HTML reports) go to artifacts/bench/.
#   scripts/bench.sh            the standard suite
#   BENCH_QUICK=1 scripts/bench.sh   small sizes (a minute), for trying the script itself; does not touch docs/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false \
  DOTNET_CLI_USE_MSBUILD_SERVER=0 NUGET_CERT_REVOCATION_MODE=offline DOTNET_GENERATE_ASPNET_CERTIFICATE=false

out="$root/artifacts/bench"
mkdir -p "$out"
data=$(mktemp -d /tmp/tokenim-bench.XXXXXX)
port=${BENCH_PORT:-58080}
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

echo "building Release…"
dotnet build TokenIM.slnx -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }

# Both processes hold one descriptor per socket.
ulimit -n "$(ulimit -Hn)"

# Bench-only settings: request-rate limits off (the generator sends from a few addresses as fast as it can), the
# diagnostics route on (memory and CPU figures), cheap password hashing (account creation is set-up, not measured),
# hour-long access tokens (so no socket outlives its token during a long run), warnings-only logs.
TokenIM__DataDirectory="$data" \
TokenIM__RateLimits__Enabled=false \
TokenIM__Diagnostics__Enabled=true \
TokenIM__Passwords__Pbkdf2Iterations=1000 \
TokenIM__Tokens__AccessTokenLifetime=01:00:00 \
Logging__LogLevel__Default=Warning \
  "$root/src/TokenIM.Server/bin/Release/net10.0/TokenIM.Server" --urls "http://127.0.0.1:$port" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/.well-known/jwks.json" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log"; exit 1; }
  sleep 0.2
done

bench() {
  local name=$1; shift
  echo "== $name: tokenim bench $*"
  "$root/src/TokenIM.Cli/bin/Release/net10.0/tokenim" bench "$@" --server "http://127.0.0.1:$port/" \
    --out "$out/$name.json" --report "$out/$name.html" | tee "$out/$name.txt"
}

warmup=${BENCH_WARMUP:-100000}
if [ -n "${BENCH_QUICK:-}" ]; then warmup=20000; fi
# Warm-up (not reported): tiered compilation settles the hot path's code before anything is measured.
"$root/src/TokenIM.Cli/bin/Release/net10.0/tokenim" bench direct --server "http://127.0.0.1:$port/" --users 20 \
  --messages "$warmup" --quiet --out "$out/warmup.json" >/dev/null

if [ -n "${BENCH_QUICK:-}" ]; then
  bench connect connect --connections 500
  bench connections connections --sockets 1000 --idle 2 --source-addresses 2
  bench direct direct --users 20 --messages 20000
  bench direct-5000 direct --users 20 --messages 10000 --rate 5000
  bench group group --members 100 --senders 5 --messages 500
  bench history history --messages 20000 --pages 500
  exit 0
fi

bench connect connect --connections 5000 --concurrency 32
bench connections connections --sockets 19000 --idle 10 --source-addresses 4
bench direct direct --users 200 --messages 300000 --window 16
max=$(node -e 'const r=require(process.argv[1]); console.log(Math.floor(r.figures.find(f=>f.name==="direct.persisted_per_second").value))' "$out/direct.json")
bench direct-5000 direct --users 200 --messages 150000 --rate 5000
bench direct-half direct --users 200 --messages 150000 --rate $((max / 2))
bench group group --members 1000 --senders 10 --messages 3000 --window 8
bench history history --messages 1000000 --pages 5000

node "$root/scripts/bench-table.mjs" "$out" >"$root/docs/benchmarks.md"
echo "wrote docs/benchmarks.md"
