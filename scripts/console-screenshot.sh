#!/usr/bin/env bash
# The admin console under load, for docs/operations.md: builds Release, starts a throwaway server (rate limits off) on
# loopback, makes an admin through the local admin socket, drives `tokenim bench` traffic for about 30 s and takes a
# Chromium screenshot of the console's Overview into docs/images/admin-console.png. Outside CI; about a minute.
#   scripts/console-screenshot.sh
#   CONSOLE_LOAD_SECONDS=60 CONSOLE_RATE=3000 scripts/console-screenshot.sh
#   CONSOLE_SKIP_BUILD=1 scripts/console-screenshot.sh     when Release is built already
# Uses Debian's /usr/bin/chromium (TOKENIM_CHROMIUM overrides it) through the Playwright driver that the browser tests'
# build already unpacked (node + playwright-core under tests/TokenIM.BrowserTests/bin): nothing is downloaded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false \
  DOTNET_CLI_USE_MSBUILD_SERVER=0 NUGET_CERT_REVOCATION_MODE=offline DOTNET_GENERATE_ASPNET_CERTIFICATE=false

seconds=${CONSOLE_LOAD_SECONDS:-30}
rate=${CONSOLE_RATE:-1500}
port=${CONSOLE_PORT:-58090}
chromium=${TOKENIM_CHROMIUM:-/usr/bin/chromium}
out="$root/artifacts/console-screenshot"
mkdir -p "$out" "$root/docs/images"
data=$(mktemp -d /tmp/tokenim-console.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

if [ -z "${CONSOLE_SKIP_BUILD:-}" ]; then
  echo "building Release…"
  dotnet build TokenIM.slnx -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
fi
bin="$root/src/TokenIM.Server/bin/Release/net10.0/TokenIM.Server"
tokenim="$root/src/TokenIM.Cli/bin/Release/net10.0/tokenim"
driver="$root/tests/TokenIM.BrowserTests/bin/Release/net10.0/.playwright"
ulimit -n "$(ulimit -Hn)"

TokenIM__DataDirectory="$data" \
TokenIM__RateLimits__Enabled=false \
TokenIM__Diagnostics__Enabled=true \
TokenIM__Passwords__Pbkdf2Iterations=1000 \
TokenIM__Tokens__AccessTokenLifetime=01:00:00 \
Logging__LogLevel__Default=Warning \
  "$bin" --urls "http://127.0.0.1:$port" --contentRoot "$root/src/TokenIM.Server" >"$out/server.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$base/.well-known/jwks.json" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$out/server.log"; exit 1; }
  sleep 0.2
done

password='console screenshot passphrase'
curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"operator\",\"password\":\"$password\",\"displayName\":\"Operator\"}" \
  "$base/api/v1/auth/register" >/dev/null
id=$("$tokenim" admin --local "$data/admin.sock" users find operator | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).users[0].id))')
"$tokenim" admin --local "$data/admin.sock" users admin "$id" --on >/dev/null
echo "admin 'operator' made; driving ${seconds}s of load at ${rate} msg/s…"

# Open sockets for the sockets chart, and a steady message rate for the rest.
"$tokenim" bench connections --server "$base/" --sockets 400 --idle $((seconds + 20)) --quiet --out "$out/connections.json" >/dev/null 2>&1 &
pids+=($!)
"$tokenim" bench direct --server "$base/" --users 100 --messages $((rate * (seconds + 20))) --rate "$rate" --quiet --out "$out/direct.json" >/dev/null 2>&1 &
pids+=($!)

BASE="$base" PASSWORD="$password" CHROMIUM="$chromium" SECONDS_TO_WATCH="$seconds" SHOT="$root/docs/images/admin-console.png" \
NODE_PATH="$driver/package" "$driver/node/linux-x64/node" - <<'JS'
const { chromium } = require(process.env.NODE_PATH)
;(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'],
  })
  const page = await browser.newPage({ viewport: { width: 1400, height: 980 }, baseURL: process.env.BASE })
  await page.goto('/')
  await page.getByLabel('Username', { exact: true }).fill('operator')
  await page.getByLabel('Password', { exact: true }).fill(process.env.PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('button', { name: 'Admin console', exact: true }).click()
  // Let the five-minute window fill for the load's duration (the charts redraw every 2 s).
  const until = Date.now() + Number(process.env.SECONDS_TO_WATCH) * 1000
  while (Date.now() < until) await page.waitForTimeout(2000)
  const samples = await page.getByTestId('sample-count').getAttribute('data-samples')
  await page.screenshot({ path: process.env.SHOT })
  console.log(`screenshot with ${samples} samples: ${process.env.SHOT}`)
  await browser.close()
})().catch((e) => { console.error(e); process.exit(1) })
JS
