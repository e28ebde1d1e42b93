#!/usr/bin/env bash
# bench/cpu_per_op.sh — server CPU time per request (user and kernel), RedisClone node vs redis-server, measured from
# /proc/PID/stat around redis-benchmark runs. Less sensitive to other load on the machine than ops/s, and it shows
# where the time goes (kernel time is mostly the socket calls).
# Usage: bash bench/cpu_per_op.sh            (builds the node in Release first; ports 7500/7501 on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build RedisClone.Node -c Release -v q -nologo >/dev/null
TICK=$(getconf CLK_TCK)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

measure() { # name port pid
  local name=$1 port=$2 pid=$3
  for i in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  timeout 120 redis-benchmark -p "$port" -c 50 -n 200000 -t set,get -q >/dev/null 2>&1 # warm-up
  for spec in "300000 -t set" "300000 -t get" "3000000 -P 16 -t set" "3000000 -P 16 -t get"; do
    local n=${spec%% *}
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    local r
    r=$(timeout 240 redis-benchmark -p "$port" -c 50 -n $spec -q 2>&1 | tr '\r' '\n' | grep "requests per second" | tail -1)
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    echo "$name | -c 50 -n $spec | ${r%%,*} | user $(( (u1-u0)*1000000000/TICK/n )) ns/op | kernel $(( (s1-s0)*1000000000/TICK/n )) ns/op"
  done
}

echo "server | load | throughput | server user CPU | server kernel CPU"
redis-server --port 7501 --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
pids+=($!); measure redis 7501 $!
dotnet RedisClone.Node/bin/Release/net10.0/RedisClone.Node.dll --port 7500 --bind 127.0.0.1 >/dev/null 2>&1 &
pids+=($!); measure redisclone 7500 $!
