// Writes docs/benchmarks.md from the JSON files scripts/bench.sh leaves in artifacts/bench/.
// Usage: node scripts/bench-table.mjs artifacts/bench [artifacts/bench-cluster] > docs/benchmarks.md
import { readFileSync, existsSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execSync } from 'node:child_process'

const dir = process.argv[2] ?? 'artifacts/bench'
const clusterDir = process.argv[3]
const loadFrom = (d, name) => (d && existsSync(join(d, `${name}.json`)) ? JSON.parse(readFileSync(join(d, `${name}.json`), 'utf8')) : null)
const load = (name) => loadFrom(dir, name)
const figure = (run, name) => run?.figures.find((f) => f.name === name)?.value
const fmt = (v, digits = 0) =>
  v === undefined ? 'not run' : v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 2 : digits })

const runs = Object.fromEntries(['connect', 'connections', 'direct', 'direct-5000', 'direct-half', 'group', 'history'].map((n) => [n, load(n)]))

// figure, run, name in the run, unit, target, floor, higher is better
const rows = [
  ['`direct` persisted messages/s', 'direct', 'direct.persisted_per_second', 'msg/s', 25000, 15000, true],
  ['server CPU per persisted message', 'direct', 'direct.server_cpu_per_message', 'µs', 40, 80, false],
  ['p99 send→deliver at an offered 5,000 msg/s', 'direct-5000', 'direct.deliver_p99', 'ms', 10, 50, false],
  ['p99 send→deliver at half the measured maximum', 'direct-half', 'direct.deliver_p99', 'ms', undefined, undefined, false],
  ['`group` deliveries/s (1,000 members)', 'group', 'group.deliveries_per_second', 'deliveries/s', 200000, 100000, true],
  ['memory per idle socket (working set)', 'connections', 'connections.working_set_per_socket', 'bytes', 8192, 16384, false],
  ['memory per idle socket (managed heap)', 'connections', 'connections.heap_per_socket', 'bytes', 8192, 16384, false],
  ['`history` page of 50, p99', 'history', 'history.page_p99', 'ms', 2, 5, false],
  ['`connect` set-ups/s', 'connect', 'connect.per_second', 'set-ups/s', 5000, 1000, true],
]

const verdict = (v, target, floor, higher) => {
  if (v === undefined || target === undefined) return ''
  const better = (a, b) => (higher ? a >= b : a <= b)
  return better(v, target) ? 'target met' : better(v, floor) ? 'floor met' : '**below floor**'
}

const cpu = cpus()[0]?.model ?? 'unknown CPU'
let os = ''
try { os = readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]+)"/)?.[1] ?? '' } catch { /* not Linux */ }
let dotnet = ''
try { dotnet = execSync('dotnet --version').toString().trim() } catch { /* no SDK on PATH */ }
const when = runs.direct?.startedAt ?? new Date().toISOString()

const out = []
out.push('# Benchmarks', '')
out.push('Written by `scripts/bench.sh` (do not edit by hand): a Release server with a fresh data directory on loopback,')
out.push('request-rate limits off, and the load generator (`tokenim bench`) **on the same machine**, sharing its cores.')
out.push('Each run starts with a warm-up that is not reported. Reports with charts: `artifacts/bench/*.html`.')
out.push('What changed to get here, before and after, and where the time and memory go: [performance.md](performance.md).', '')
out.push(`Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${os}, .NET SDK ${dotnet}. Run ${when}.`, '')
out.push('| figure | measured | target | floor | |', '| --- | ---: | ---: | ---: | --- |')
for (const [label, run, name, unit, target, floor, higher] of rows) {
  const v = figure(runs[run], name)
  out.push(`| ${label} | ${fmt(v)} ${unit} | ${target === undefined ? '' : fmt(target)} | ${floor === undefined ? '' : fmt(floor)} | ${verdict(v, target, floor, higher)} |`)
}
out.push('')

// Three nodes behind HAProxy (scripts/bench-cluster.sh), beside one node.
const cluster = Object.fromEntries(['direct', 'group'].map((n) => [n, loadFrom(clusterDir, n)]))
if (cluster.direct || cluster.group) {
  out.push('## Three nodes behind HAProxy', '')
  out.push('Written by `scripts/bench-cluster.sh`: `deploy/local-cluster.sh up` — three nodes, PostgreSQL with two shard')
  out.push('databases, Redis, HAProxy on 127.0.0.1:5100 — **all on this one machine with the load generator**, so the')
  out.push('cluster shares the same cores the single node had to itself, plus PostgreSQL, Redis and HAProxy. These figures')
  out.push('show that the cluster path works under load and what it costs per message; they are not a scaling curve, which')
  out.push('needs one machine per node.', '')
  out.push(`Run ${cluster.direct?.startedAt ?? cluster.group?.startedAt}.`, '')
  const pairs = [
    ['`direct` persisted messages/s', 'direct', 'direct.persisted_per_second', 'msg/s'],
    ['`direct` p50 send→deliver', 'direct', 'direct.deliver_p50', 'ms'],
    ['`direct` p99 send→deliver', 'direct', 'direct.deliver_p99', 'ms'],
    ['`direct` lost / duplicated', 'direct', ['direct.lost', 'direct.duplicated'], 'msg'],
    ['`group` deliveries/s (1,000 members)', 'group', 'group.deliveries_per_second', 'deliveries/s'],
    ['`group` p99 send→last member delivered', 'group', 'group.last_delivery_p99', 'ms'],
    ['`group` lost / duplicated', 'group', ['group.lost', 'group.duplicated'], 'deliveries'],
  ]
  const show = (run, name) => (Array.isArray(name) ? name.map((n) => fmt(figure(run, n))).join(' / ') : fmt(figure(run, name)))
  out.push('| figure | one node (SQLite, in-memory bus) | three nodes (PostgreSQL, Redis, HAProxy) |', '| --- | ---: | ---: |')
  for (const [label, run, name, unit] of pairs) out.push(`| ${label} | ${show(runs[run], name)} ${unit} | ${show(cluster[run], name)} ${unit} |`)
  out.push('')
  for (const [name, run] of Object.entries(cluster)) {
    if (!run) continue
    out.push(`### cluster ${name}`, '')
    out.push(`\`tokenim bench ${run.scenario} ${Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`).join(' ')}\` through HAProxy`, '')
    out.push('| figure | value |', '| --- | ---: |')
    for (const f of run.figures) out.push(`| ${f.name} | ${fmt(f.value, 1)} ${f.unit} |`)
    out.push('')
  }
}

for (const [name, run] of Object.entries(runs)) {
  if (!run) continue
  out.push(`## ${name}`, '')
  out.push(`\`tokenim bench ${run.scenario} ${Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`).join(' ')}\``, '')
  out.push('| figure | value |', '| --- | ---: |')
  for (const f of run.figures) out.push(`| ${f.name} | ${fmt(f.value, 1)} ${f.unit} |`)
  out.push('')
}
// Sections measured by other scripts (docs/benchmarks-search.md: scripts/search-bench.py), kept across runs.
const search = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks-search.md')
if (existsSync(search)) out.push('', readFileSync(search, 'utf8').trimEnd(), '')
process.stdout.write(out.join('\n'))
