#!/usr/bin/env bash
# The one test command: installs what the tests need, builds, checks style and migrations, runs every suite,
# and ends with one line `N passed, N failed`. Exits non-zero if anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false \
  DOTNET_CLI_USE_MSBUILD_SERVER=0 NUGET_CERT_REVOCATION_MODE=offline DOTNET_GENERATE_ASPNET_CERTIFICATE=false

log=$(mktemp -d /tmp/tokenim-test.XXXXXX)
redis_pid=
pg_dir=
pg_bin=/usr/lib/postgresql/15/bin
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then su postgres -c "$pg_bin/pg_ctl -D $pg_dir/data -m immediate -w stop" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; fi
  rm -rf "$log"
}
trap cleanup EXIT
passed=0
failed=0

# A check that is not a test runner counts as one test: passed or failed.
check() {
  local name=$1; shift
  if "$@" >"$log/$name.out" 2>&1; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAILED: $name"; tail -n 40 "$log/$name.out"
  fi
}

# 1. Tools and packages (each step is a no-op when already done).
if ! command -v dotnet >/dev/null; then
  echo "FAILED: the .NET SDK 10 is required (dotnet on PATH)"; echo "0 passed, 1 failed"; exit 1
fi
# The browser tests drive Debian's Chromium (never a downloaded browser); fonts-noto-cjk gives it Chinese glyphs for
# the 简体中文 screenshots; the multi-node tests join two servers through a real Redis. Only what is missing is
# installed; a second try covers a busy dpkg lock.
apt_need=()
[ -x /usr/bin/chromium ] || apt_need+=(chromium)
command -v redis-server >/dev/null || apt_need+=(redis-server)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || apt_need+=(fonts-noto-cjk)
[ -x "$pg_bin/initdb" ] || apt_need+=(postgresql-15)
command -v haproxy >/dev/null || apt_need+=(haproxy)
# The curl echo bot of docs/integration.md (samples/echo-bot.sh) is run by a test; it needs jq.
command -v jq >/dev/null || apt_need+=(jq)
install_apt() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_need[@]}"; }
if ((${#apt_need[@]})); then
  install_apt >"$log/apt.out" 2>&1 || { sleep 30; install_apt >>"$log/apt.out" 2>&1; }
  if [ ! -x /usr/bin/chromium ]; then
    tail -n 20 "$log/apt.out"; echo "FAILED: apt-get install chromium (the browser tests need /usr/bin/chromium)"
    echo "0 passed, 1 failed"; exit 1
  fi
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || echo "warning: fonts-noto-cjk missing: Chinese shows as boxes in screenshots"
  if ! command -v redis-server >/dev/null; then
    tail -n 20 "$log/apt.out"; echo "FAILED: apt-get install redis-server (the multi-node tests need it)"
    echo "0 passed, 1 failed"; exit 1
  fi
fi
# A throwaway Redis on loopback for the multi-node tests, stopped by the trap (apt's package starts no service here).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port 2>/dev/null || echo 56379)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile "$log/redis.log" >/dev/null 2>&1 &
redis_pid=$!
for _ in $(seq 1 50); do
  [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
  sleep 0.1
done
if [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" != PONG ]; then
  tail -n 20 "$log/redis.log"; echo "FAILED: redis-server did not start on 127.0.0.1:$redis_port"; echo "0 passed, 1 failed"; exit 1
fi
export TOKENIM_REDIS="127.0.0.1:$redis_port"
# A throwaway PostgreSQL 15 on loopback for the PostgreSQL store tests (each test class creates and drops its own
# databases), owned by the postgres user as initdb requires, stopped by the trap. Durability is off: it is scratch.
pg_port=$(free_port 2>/dev/null || echo 55432)
pg_dir=$(mktemp -d /tmp/tokenim-pg.XXXXXX)
chown postgres:postgres "$pg_dir"
if ! su postgres -c "$pg_bin/initdb -D $pg_dir/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8" >"$log/pg-init.out" 2>&1 \
  || ! su postgres -c "$pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/log -w start -o \"-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400\"" >>"$log/pg-init.out" 2>&1; then
  tail -n 20 "$log/pg-init.out" "$pg_dir/log" 2>/dev/null; echo "FAILED: PostgreSQL did not start on 127.0.0.1:$pg_port"; echo "0 passed, 1 failed"; exit 1
fi
export TOKENIM_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
export TOKENIM_FIGURES="$log/figures.txt" # each fault test's line of figures, printed at the end
export TOKENIM_CLUSTER_TESTS=1 # tests/…/Cluster start their own deploy/local-cluster.sh (PostgreSQL, Redis, 3 nodes, HAProxy)
dotnet tool restore >/dev/null || { echo "FAILED: dotnet tool restore"; echo "0 passed, 1 failed"; exit 1; }
if ! dotnet build TokenIM.slnx -c Release -v quiet -nologo 2>&1 | tee "$log/build.out" | grep -E ' error |^Build FAILED' ; then :; fi
if ! grep -q "Build succeeded" "$log/build.out"; then
  tail -n 60 "$log/build.out"; echo "0 passed, 1 failed"; exit 1
fi

# 2. Static checks.
check format dotnet format TokenIM.slnx --verify-no-changes --no-restore
check migrations-sqlite dotnet ef migrations has-pending-model-changes --no-build --configuration Release \
  --project src/TokenIM.Server --context SqliteTokenImDbContext
check migrations-postgres dotnet ef migrations has-pending-model-changes --no-build --configuration Release \
  --project src/TokenIM.Server --context PostgresTokenImDbContext

# 3. Test suites (xunit v3 on Microsoft.Testing.Platform). Each prints "total/failed/succeeded" lines.
dotnet test --solution TokenIM.slnx -c Release --no-build 2>&1 | tee "$log/test.out"
test_rc=${PIPESTATUS[0]}
read -r t_passed t_failed < <(awk '/^ *succeeded:/{p+=$2} /^ *failed:/{f+=$2} END{print p+0, f+0}' "$log/test.out")
passed=$((passed + t_passed))
failed=$((failed + t_failed))
if [ "$test_rc" -ne 0 ] && [ "$t_failed" -eq 0 ]; then
  echo "FAILED: dotnet test exited $test_rc without a failed test (crash or no tests ran)"
  failed=$((failed + 1))
fi

# 4. Web client: lint and unit tests (its build already ran inside the server's build).
(cd web && npm run lint) >"$log/web-lint.out" 2>&1 && { passed=$((passed + 1)); echo "ok: web-lint"; } \
  || { failed=$((failed + 1)); echo "FAILED: web-lint"; tail -n 40 "$log/web-lint.out"; }
(cd web && npx vitest run --reporter=default --reporter=json --outputFile.json="$log/vitest.json") >"$log/vitest.out" 2>&1
vitest_rc=$?
read -r w_passed w_failed < <(node -e 'try { const r = require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests) } catch { console.log(0, 0) }' "$log/vitest.json")
passed=$((passed + w_passed))
failed=$((failed + w_failed))
echo "web: $w_passed passed, $w_failed failed"
if [ "$vitest_rc" -ne 0 ]; then
  tail -n 60 "$log/vitest.out"
  [ "$w_failed" -eq 0 ] && failed=$((failed + 1))
fi

# 5. Interop suite: an independent Node client (jose) against the real Release server, from the docs only.
(cd tests/interop && npm ci --no-audit --no-fund && node --test --test-reporter=tap) >"$log/interop.out" 2>&1
interop_rc=$?
read -r i_passed i_failed < <(awk '/^# pass /{p+=$3} /^# (fail|cancelled) /{f+=$3} END{print p+0, f+0}' "$log/interop.out")
passed=$((passed + i_passed))
failed=$((failed + i_failed))
echo "interop: $i_passed passed, $i_failed failed"
if [ "$i_failed" -gt 0 ]; then grep -A 12 '^ *not ok' "$log/interop.out" | head -n 80; fi
if [ "$interop_rc" -ne 0 ] && [ "$i_failed" -eq 0 ]; then
  echo "FAILED: the interop suite exited $interop_rc without a failed test (npm ci or node did not run)"
  tail -n 40 "$log/interop.out"
  failed=$((failed + 1))
fi

# The interop suite's checker lines (one named, one per direction of the socket test).
grep -ho '\(kill9: \)\?attempted=.*' "$log/interop.out" | sed 's/^attempted=/interop-socket-kills: attempted=/; s/^kill9:/interop-kill9:/' \
  | sort -u >>"$log/figures.txt" 2>/dev/null || true
if [ -s "$log/figures.txt" ]; then echo "figures:"; sort -u "$log/figures.txt" | sed 's/^/  /'; fi
# The failed tests again, last, where a reader of the log's tail sees them: each name and the first lines of its error.
if [ "$t_failed" -gt 0 ]; then
  echo "failed tests:"
  awk '/^failed [A-Za-z]/{n=12} n>0{print "  " substr($0, 1, 300); n--}' "$log/test.out" | head -n 120
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
