#!/usr/bin/env bash
# Two gateway nodes on one PostgreSQL database behind HAProxy, on this machine (issue 22, decision 030).
#
#   scripts/two-nodes.sh start    builds the gateway, starts PostgreSQL (scripts/postgres.sh), two nodes and
#                                 the balancer, and waits until each node is ready
#   scripts/two-nodes.sh stop     stops the balancer and the nodes (the database stays)
#   scripts/two-nodes.sh kill N   kill -9 of node N (1 or 2), as a crash would
#
# Settings (environment, all optional):
#   ONECLICK_NODES_STATE   folder for the nodes' data folders, logs, pids and haproxy.cfg (default /tmp/oneclick-nodes)
#   ONECLICK_LB_PORT       the balancer's port (default 5180); the nodes listen on the two ports after it
#   ONECLICK_NODES_DB      the PostgreSQL connection string (default: database oneclick_nodes on scripts/postgres.sh's server)
#   ONECLICK_WEB_DLL       a built OneClick.Web.dll to run (default: a Release build of this repository)
#   OneClick__*            passed to both nodes as they are (seeded shop, rate limits, ...)
# The nodes share one master key, generated once into the state folder unless OneClick__MasterKey is set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

state=${ONECLICK_NODES_STATE:-/tmp/oneclick-nodes}
lb_port=${ONECLICK_LB_PORT:-5180}
ports=("$((lb_port + 1))" "$((lb_port + 2))")
database=${ONECLICK_NODES_DB:-"Host=127.0.0.1;Port=5432;Database=oneclick_nodes;Username=oneclick;Password=oneclick"}

stop() {
  for pidfile in "$state"/haproxy.pid "$state"/node1.pid "$state"/node2.pid; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2> /dev/null || true
      rm -f "$pidfile"
    fi
  done
}

case "${1:-}" in
  stop)
    stop
    exit 0
    ;;
  kill)
    node=${2:?"which node: 1 or 2"}
    kill -9 "$(cat "$state/node$node.pid")"
    rm -f "$state/node$node.pid"
    echo "node $node killed (kill -9)"
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 start | stop | kill N" >&2
    exit 2
    ;;
esac

if ! command -v haproxy > /dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
    || { $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy; }
fi
bash scripts/postgres.sh > /dev/null

dll=${ONECLICK_WEB_DLL:-}
if [ -z "$dll" ]; then
  dotnet build OneClick.Web -c Release -v q -nologo > /dev/null
  dll=$(pwd)/OneClick.Web/bin/Release/net10.0/OneClick.Web.dll
fi

mkdir -p "$state"
stop
if [ -z "${OneClick__MasterKey:-}" ]; then
  [ -f "$state/master.key" ] || head -c 32 /dev/urandom | base64 > "$state/master.key"
  OneClick__MasterKey=$(cat "$state/master.key")
fi

for i in 1 2; do
  port=${ports[$((i - 1))]}
  mkdir -p "$state/node$i"
  # The demo shop stays single-node: the first node runs it.
  demo=false
  if [ "$i" -eq 1 ]; then demo=${OneClick__DemoShop__Enabled:-false}; fi
  (
    cd "$(dirname "$dll")"
    ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production} \
    OneClick__DataDirectory="$state/node$i" \
    OneClick__Database__Provider=PostgreSql \
    OneClick__Database__ConnectionString="$database" \
    OneClick__MasterKey="$OneClick__MasterKey" \
    OneClick__DemoShop__Enabled=$demo \
    OneClick__ForwardedHeaders__KnownProxies__0=127.0.0.1 \
    nohup dotnet exec "$dll" > "$state/node$i.log" 2>&1 &
    echo $! > "$state/node$i.pid"
  )
done

cat > "$state/haproxy.cfg" << CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
frontend gateway
    bind 127.0.0.1:$lb_port
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /health/live
    server node1 127.0.0.1:${ports[0]} check inter 1s fall 2 rise 1
    server node2 127.0.0.1:${ports[1]} check inter 1s fall 2 rise 1
CFG

for i in 1 2; do
  port=${ports[$((i - 1))]}
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$state/node$i.pid")" 2> /dev/null; then
      echo "node $i stopped while starting; its log:" >&2
      tail -20 "$state/node$i.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" > /dev/null || { echo "node $i is not ready: see $state/node$i.log" >&2; exit 1; }
done

haproxy -D -p "$state/haproxy.pid" -f "$state/haproxy.cfg"
echo "Two nodes at http://127.0.0.1:${ports[0]} and http://127.0.0.1:${ports[1]}, balanced at http://127.0.0.1:$lb_port"
