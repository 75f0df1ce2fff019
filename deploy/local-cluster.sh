#!/usr/bin/env bash
# A TokenIM cluster on loopback: PostgreSQL (two shard databases), Redis, three nodes on 127.0.0.1:5101-5103 (their
# metrics on 127.0.0.1:9501-9503, deploy/prometheus.yml) and HAProxy on 127.0.0.1:5100 (deploy/haproxy.cfg as is).
#
#   deploy/local-cluster.sh up       installs what is missing (apt), builds once, starts everything, waits until
#                                    HAProxy sees every node ready, prints the URL
#   deploy/local-cluster.sh status   each process, each node's /health/ready, HAProxy's view of each node
#   deploy/local-cluster.sh down     stops exactly what `up` started (by the recorded pids), nothing else
#   deploy/local-cluster.sh start-node N    starts node N (1-3) again after a crash or kill -9, waits until
#                                    HAProxy sees it ready
#   deploy/local-cluster.sh restart-redis   kills Redis (-9) if it runs and starts it again on the same port, as
#                                    after a crash; the nodes reconnect and resubscribe by themselves
#   deploy/local-cluster.sh stop-redis      stops Redis cleanly (SHUTDOWN NOSAVE: it closes every client
#                                    connection), as an operator would; restart-redis starts it again
#   deploy/local-cluster.sh kill-postgres   kills PostgreSQL's postmaster (-9) during whatever it is doing
#   deploy/local-cluster.sh start-postgres  starts PostgreSQL again on its data (crash recovery replays its WAL)
#
# All state lives in one run directory (TOKENIM_CLUSTER_DIR, default .cluster/ in the repository, gitignored): the
# published server, PostgreSQL's cluster, the nodes' shared data and key folders, each node's environment file and
# log, and `pids` (name pid per line). `up` starts from a fresh run directory. Ports: TOKENIM_CLUSTER_PG_PORT
# (default 55100) and TOKENIM_CLUSTER_REDIS_PORT (default 56100); the node and HAProxy ports are those of
# deploy/haproxy.cfg. TOKENIM_CLUSTER_NODE_ENV: extra KEY=value lines for every node's environment file.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run=${TOKENIM_CLUSTER_DIR:-$repo/.cluster}
pg_port=${TOKENIM_CLUSTER_PG_PORT:-55100}
redis_port=${TOKENIM_CLUSTER_REDIS_PORT:-56100}
pg_bin=/usr/lib/postgresql/15/bin
node_ports=(5101 5102 5103)
lb_url=http://127.0.0.1:5100
stats_url='http://127.0.0.1:5109/stats;csv'
pids=$run/pids
# The commands that act on a running cluster use the ports `up` chose, whatever this shell's variables say.
if [ "${1:-}" != up ] && [ -f "$run/ports" ]; then . "$run/ports"; fi

say() { printf '%s\n' "$*"; }
die() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, its commands run as the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

# Alive and not a zombie (a stopped child whose parent has not reaped it still answers kill -0).
alive() {
  local pid=$1 state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [ "$state" != Z ]
}

# One line per name: a process started again replaces its line, so `down` still stops each once, in order.
record() {
  if grep -q "^$1 " "$pids"; then sed -i "s/^$1 .*/$1 $2/" "$pids"; else printf '%s %s\n' "$1" "$2" >>"$pids"; fi
}

recorded() { awk -v name="$1" '$1 == name { print $2 }' "$pids"; }

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
  local check=$1 seconds=$2 i
  for ((i = 0; i < seconds * 5; i++)); do
    if eval "$check"; then return 0; fi
    sleep 0.2
  done
  return 1
}

http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true; }

install_missing() {
  local need=()
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v redis-server >/dev/null || need+=(redis-server)
  [ -x "$pg_bin/initdb" ] || need+=(postgresql-15)
  command -v curl >/dev/null || need+=(curl)
  ((${#need[@]} == 0)) && return 0
  [ "$(id -u)" = 0 ] || die "missing ${need[*]}: run as root once, or apt-get install them"
  say "installing ${need[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Trust on loopback only: listen_addresses is 127.0.0.1 and the socket is in the run directory. fsync=off risks only
# an operating-system crash (the machine's page cache holds every commit); synchronous_commit stays on, because off
# acknowledges a commit before its WAL leaves PostgreSQL's memory, so a PostgreSQL crash (kill -9) loses messages the
# nodes already acked (found by Cluster/ClusterStoreFaultTests: the checker counted lost=87 after one kill).
pg_start() {
  as_postgres "$pg_bin/pg_ctl -D '$run/pg/data' -l '$run/pg/postgres.log' -w -o \"-p $pg_port -k '$run/pg' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300\" start" >/dev/null 2>&1
}

start_postgres() {
  local pg=$run/pg
  mkdir -p "$pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg"
  as_postgres "$pg_bin/initdb -D '$pg/data' -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8" >"$run/pg-initdb.log" 2>&1 \
    || { tail -n 20 "$run/pg-initdb.log"; die "initdb failed"; }
  pg_start || { tail -n 20 "$pg/postgres.log"; die "PostgreSQL did not start on 127.0.0.1:$pg_port"; }
  record postgres "$(head -n 1 "$pg/data/postmaster.pid")"
  local psql=(psql -qX -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres)
  "${psql[@]}" -c "create role tokenim login password 'tokenim'" >/dev/null
  "${psql[@]}" -c "create database tokenim_shard0 owner tokenim" >/dev/null
  "${psql[@]}" -c "create database tokenim_shard1 owner tokenim" >/dev/null
  say "postgres  127.0.0.1:$pg_port  databases tokenim_shard0, tokenim_shard1"
}

start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$run" --pidfile "$run/redis.pid" --logfile "$run/redis.log"
  wait_for '[ -s "$run/redis.pid" ] && [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ]' 10 \
    || { tail -n 20 "$run/redis.log"; die "Redis did not start on 127.0.0.1:$redis_port"; }
  record redis "$(cat "$run/redis.pid")"
  say "redis     127.0.0.1:$redis_port"
}

publish_server() {
  say "building src/TokenIM.Server (Release) into $run/app"
  dotnet publish "$repo/src/TokenIM.Server" -c Release -o "$run/app" -v quiet -nologo >"$run/publish.log" 2>&1 \
    || { tail -n 30 "$run/publish.log"; die "dotnet publish failed"; }
}

# The node's environment, as a systemd EnvironmentFile would hold it (deploy/tokenim.env.example); values with ';'
# are quoted, which both systemd and the shell that sources it here read the same way.
write_env() {
  # Three nodes × two databases × 40 connections stay under the server's max_connections (300).
  local n=$1 port=$2 cs="Host=127.0.0.1;Port=$pg_port;Username=tokenim;Password=tokenim;Maximum Pool Size=40"
  cat >"$run/node$n.env" <<EOF
# Urls, not ASPNETCORE_URLS: appsettings.json sets Urls, and plain environment variables come after it.
Urls=http://127.0.0.1:$port
ASPNETCORE_ENVIRONMENT=Production
TokenIM__DataDirectory=$run/data
TokenIM__Tokens__KeyDirectory=$run/keys
TokenIM__Storage__Provider=Postgres
TokenIM__Storage__Postgres__Directory="$cs;Database=tokenim_shard0"
TokenIM__Storage__Postgres__Shards__0="$cs;Database=tokenim_shard0"
TokenIM__Storage__Postgres__Shards__1="$cs;Database=tokenim_shard1"
TokenIM__Bus__Provider=Redis
TokenIM__Bus__RedisConfiguration=127.0.0.1:$redis_port
TokenIM__Network__TrustedProxies__0=127.0.0.1
TokenIM__Health__DrainDelay=00:00:03
# Prometheus scrapes each node here (deploy/prometheus.yml): node port + 4400, loopback only.
TokenIM__Telemetry__MetricsUrl=http://127.0.0.1:$((port + 4400))
DOTNET_CLI_TELEMETRY_OPTOUT=1
DOTNET_NOLOGO=1
EOF
  # Extra settings for every node (scripts/bench-cluster.sh turns request-rate limits off this way).
  if [ -n "${TOKENIM_CLUSTER_NODE_ENV:-}" ]; then printf '%s\n' "$TOKENIM_CLUSTER_NODE_ENV" >>"$run/node$n.env"; fi
  chmod 600 "$run/node$n.env"
}

start_node() {
  write_env "$1" "$2"
  launch_node "$1"
}

launch_node() {
  local n=$1
  # Its own session, so it outlives this script; the working directory is the content root (wwwroot, appsettings).
  (cd "$run/app" && set -a && . "$run/node$n.env" && set +a \
    && exec setsid dotnet "$run/app/TokenIM.Server.dll" >"$run/node$n.log" 2>&1 </dev/null) &
  record "node$n" $!
}

wait_node_ready() {
  local n=$1 port=$2
  wait_for '[ "$(http_code "http://127.0.0.1:$port/health/ready")" = 200 ]' 60 \
    || { tail -n 30 "$run/node$n.log"; die "node$n did not become ready on 127.0.0.1:$port"; }
  say "node$n     http://127.0.0.1:$port  ready"
}

haproxy_up_count() {
  curl -s -m 2 "$stats_url" 2>/dev/null | awk -F, '$1 == "tokenim_nodes" && $2 ~ /^node/ && $18 == "UP" { n++ } END { print n + 0 }'
}

up() {
  if [ -f "$pids" ]; then
    for pid in $(awk '{ print $2 }' "$pids"); do alive "$pid" && die "already up (see: $0 status; $0 down)"; done
  fi
  install_missing
  for port in 5100 5109 "${node_ports[@]}" 9501 9502 9503 "$pg_port" "$redis_port"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "127.0.0.1:$port is in use by something else"
  done
  rm -rf "$run"
  mkdir -p "$run/data" "$run/keys"
  chmod 700 "$run/data" "$run/keys"
  chmod 755 "$run"
  : >"$pids"
  printf 'pg_port=%s\nredis_port=%s\n' "$pg_port" "$redis_port" >"$run/ports"
  publish_server
  start_postgres
  start_redis
  # The first node alone: it migrates the store and makes the first signing key; then the others.
  start_node 1 "${node_ports[0]}"
  wait_node_ready 1 "${node_ports[0]}"
  for i in 1 2; do start_node $((i + 1)) "${node_ports[$i]}"; done
  for i in 1 2; do wait_node_ready $((i + 1)) "${node_ports[$i]}"; done
  haproxy -c -q -f "$repo/deploy/haproxy.cfg" || die "deploy/haproxy.cfg does not parse"
  haproxy -D -f "$repo/deploy/haproxy.cfg" -p "$run/haproxy.pid"
  wait_for '[ -s "$run/haproxy.pid" ]' 10 || die "HAProxy did not start"
  record haproxy "$(head -n 1 "$run/haproxy.pid")"
  wait_for '[ "$(haproxy_up_count)" = 3 ]' 30 || die "HAProxy does not see three ready nodes (see: $0 status)"
  say "haproxy   $lb_url  3 of 3 nodes up"
  say ""
  say "TokenIM cluster: $lb_url"
}

status() {
  [ -f "$pids" ] || { say "not up (no $pids)"; return 0; }
  local name pid up_count
  while read -r name pid; do
    if alive "$pid"; then printf '%-9s pid %-7s running' "$name" "$pid"; else printf '%-9s pid %-7s stopped' "$name" "$pid"; fi
    case $name in
      node*) printf '  /health/ready %s' "$(http_code "http://127.0.0.1:${node_ports[${name#node} - 1]}/health/ready")" ;;
      haproxy) up_count=$(haproxy_up_count); printf '  %s  %s of 3 nodes up' "$lb_url" "$up_count" ;;
    esac
    printf '\n'
  done <"$pids"
  curl -s -m 2 "$stats_url" 2>/dev/null | awk -F, '$1 == "tokenim_nodes" && $2 ~ /^node/ { printf "  haproxy sees %s: %s (%s)\n", $2, $18, $37 }' || true
}

# Stops one recorded process: TERM, then KILL if it is still there after $2 seconds.
stop_pid() {
  local name=$1 pid=$2 seconds=$3
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "! alive $pid" "$seconds"; then
    say "$name (pid $pid) did not stop in ${seconds}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for "! alive $pid" 5 || true
  fi
  say "stopped $name (pid $pid)"
}

down() {
  [ -f "$pids" ] || { say "not up (no $pids)"; return 0; }
  local name pid
  # Reverse order: the load balancer first, then the nodes (each drains), then Redis and PostgreSQL.
  while read -r name pid; do
    case $name in
      postgres)
        if alive "$pid"; then
          as_postgres "$pg_bin/pg_ctl -D '$run/pg/data' -m fast -w stop" >/dev/null 2>&1 || stop_pid "$name" "$pid" 10
          say "stopped postgres (pid $pid)"
        fi
        ;;
      node*) stop_pid "$name" "$pid" 30 ;;
      *) stop_pid "$name" "$pid" 10 ;;
    esac
  done < <(tac "$pids")
  rm -f "$pids"
  say "down (state kept in $run)"
}

start_node_again() {
  local n=${1:-} pid
  [[ $n =~ ^[1-3]$ ]] || die "start-node takes a node number: 1, 2 or 3"
  [ -f "$pids" ] || die "not up (no $pids)"
  pid=$(recorded "node$n")
  alive "$pid" && die "node$n is running (pid $pid)"
  # The environment file as `up` wrote it, extra settings included, whatever this shell's variables say now.
  launch_node "$n"
  wait_node_ready "$n" "${node_ports[$n - 1]}"
  wait_for '[ "$(haproxy_up_count)" = 3 ]' 30 || die "HAProxy does not see three ready nodes (see: $0 status)"
  say "haproxy   $lb_url  3 of 3 nodes up"
}

restart_redis() {
  local pid
  [ -f "$pids" ] || die "not up (no $pids)"
  pid=$(recorded redis)
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_for "! alive $pid" 5 || die "Redis (pid $pid) did not die"
    say "killed redis (pid $pid)"
  fi
  # A killed Redis leaves its pid file behind, and start_redis waits for a fresh one.
  rm -f "$run/redis.pid"
  start_redis
}

stop_redis() {
  local pid
  [ -f "$pids" ] || die "not up (no $pids)"
  pid=$(recorded redis)
  alive "$pid" || die "redis (pid $pid) is not running"
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  wait_for "! alive $pid" 10 || die "Redis (pid $pid) did not stop"
  say "stopped redis (pid $pid)"
}

kill_postgres() {
  local pid
  [ -f "$pids" ] || die "not up (no $pids)"
  pid=$(recorded postgres)
  alive "$pid" || die "postgres (pid $pid) is not running"
  kill -KILL "$pid"
  wait_for "! alive $pid" 5 || die "PostgreSQL (pid $pid) did not die"
  say "killed postgres (pid $pid)"
}

# The postmaster's orphaned backends exit once they notice it died; until then they hold its shared memory and a new
# postmaster refuses to start, so the start is retried for a while.
start_postgres_again() {
  local pg=$run/pg
  [ -f "$pids" ] || die "not up (no $pids)"
  alive "$(recorded postgres)" && die "postgres is running (pid $(recorded postgres))"
  wait_for pg_start 30 \
    || { tail -n 20 "$pg/postgres.log"; die "PostgreSQL did not start again on 127.0.0.1:$pg_port"; }
  record postgres "$(head -n 1 "$pg/data/postmaster.pid")"
  say "postgres  127.0.0.1:$pg_port  started again"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  start-node) start_node_again "${2:-}" ;;
  restart-redis) restart_redis ;;
  stop-redis) stop_redis ;;
  kill-postgres) kill_postgres ;;
  start-postgres) start_postgres_again ;;
  *) say "usage: $0 up|down|status|start-node N|restart-redis|stop-redis|kill-postgres|start-postgres"; exit 2 ;;
esac
