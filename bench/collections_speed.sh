#!/usr/bin/env bash
# bench/collections_speed.sh — redis-benchmark's set and hash loads (issue 20) on the node and redis-server 7.0 in the
# same run: `redis-benchmark -t sadd,hset,spop -n 100000 -q`, unpipelined and with -P 16, two rounds (the first one
# includes the node's JIT warm-up). Both servers are fresh processes on free loopback ports, stopped by PID on exit.
#
# Usage: bash bench/collections_speed.sh          # about a minute on 2 cores
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
dotnet build "$root/RedisClone.Node" -c Release -v q -nologo >&2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(free_port); nport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 & pids+=($!)
dotnet "$root/RedisClone.Node/bin/Release/net10.0/RedisClone.Node.dll" --port "$nport" --bind 127.0.0.1 >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$nport" ping >/dev/null 2>&1 && redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.2; done
for round in 1 2; do
  for pipeline in 1 16; do
    for server in redis-server node; do
      port=$([ "$server" = node ] && echo "$nport" || echo "$rport")
      result=$(redis-benchmark -p "$port" -t sadd,hset,spop -n 100000 -P "$pipeline" -q 2>&1 | tr '\r' '\n' | grep 'requests per second' | sed 's/ requests per second, p50=/ rps p50=/' | tr '\n' ' ')
      echo "round $round -P $pipeline $server: $result"
    done
  done
done
