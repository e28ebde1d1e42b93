#!/usr/bin/env bash
# bench/cpu_per_op.sh — what a request costs, RedisClone node vs redis-server, and who is the bottleneck.
#   Part 1: CPU time per request (user and kernel) of the server and of redis-benchmark itself, from /proc/PID/stat
#   and the shell's `time` around the runs. On two cores the single-threaded redis-benchmark is usually the busier
#   process, and then throughput says more about it than about the server.
#   Part 2: throughput with the load generator on both cores (`redis-benchmark --threads 2`), median of CPU_R runs,
#   servers alternating and which one goes first swapped each time: the machine is then saturated, so the server's
#   CPU per request counts for more. Runs are twice as long as in part 1 because redis-benchmark's threaded mode
#   times a run coarsely (its rates come in steps of a few per cent).
# Usage: bash bench/cpu_per_op.sh   (builds the node in Release first; free ports on 127.0.0.1; about 8 minutes)
#   CPU_R=5  repetitions per load in part 2
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
build_node_quiet
TICK=$(getconf CLK_TCK)
REPS=${CPU_R:-5}
TMP=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

# Runs redis-benchmark with the given arguments; prints "<ops/s> <tool user s> <tool sys s>".
run_tool() {
  local TIMEFORMAT="%U %S"
  { time timeout 240 redis-benchmark "$@" -q 2>&1 | tr '\r' '\n' | grep "requests per second" | tail -1 >"$TMP/out"; } 2>"$TMP/time"
  local rate
  rate=$(sed -E 's/^[^:]*: ([0-9.]+) requests.*/\1/' "$TMP/out")
  echo "${rate%%.*} $(cat "$TMP/time")"
}

ns_per_op() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%d", s * 1e9 / n }'; }

measure() { # name port pid
  local name=$1 port=$2 pid=$3
  timeout 120 redis-benchmark -p "$port" -c 50 -n 200000 -t set,get -q >/dev/null 2>&1 # warm-up
  for spec in "300000 -t set" "300000 -t get" "3000000 -P 16 -t set" "3000000 -P 16 -t get"; do
    local n=${spec%% *} u0 s0 u1 s1 rate tu ts
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    # shellcheck disable=SC2086 # spec is a list of arguments
    read -r rate tu ts < <(run_tool -p "$port" -c 50 -n $spec)
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    echo "| $name | -c 50 -n $spec | $rate | $(( (u1-u0)*1000000000/TICK/n )) | $(( (s1-s0)*1000000000/TICK/n )) | $(ns_per_op "$tu" "$n") | $(ns_per_op "$ts" "$n") |"
  done
}

free_port; REDIS_PORT=$FREE_PORT
free_port; NODE_PORT=$FREE_PORT
start_server_process redis "$REDIS_PORT" "$TMP" >/dev/null 2>&1
pids+=("$SERVER_PID"); redis_pid=$SERVER_PID
start_server_process node "$NODE_PORT" "$REPO_ROOT" >/dev/null 2>&1
pids+=("$SERVER_PID"); node_pid=$SERVER_PID
wait_ping "$REDIS_PORT" "$redis_pid" $(( $(date +%s) + 10 )) || true
wait_ping "$NODE_PORT" "$node_pid" $(( $(date +%s) + 10 )) || true

echo "## Part 1: CPU per request (ns), server and load generator"
echo
echo "| server | load | ops/s | server user | server kernel | redis-benchmark user | redis-benchmark kernel |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
measure redis "$REDIS_PORT" "$redis_pid"
measure redisclone "$NODE_PORT" "$node_pid"

echo
echo "## Part 2: ops/s with redis-benchmark on both cores (--threads 2), median of $REPS, servers alternating"
echo
echo "| load | Redis | RedisClone | RedisClone/Redis |"
echo "| --- | ---: | ---: | ---: |"
for spec in "600000 -t set" "600000 -t get" "6000000 -P 16 -t set" "6000000 -P 16 -t get"; do
  : >"$TMP/redis"; : >"$TMP/node"
  for i in $(seq "$REPS"); do
    # Which server goes first swaps every repetition, so neither always runs right after the other.
    order="$REDIS_PORT:redis $NODE_PORT:node"
    (( i % 2 == 0 )) && order="$NODE_PORT:node $REDIS_PORT:redis"
    for target in $order; do
      # shellcheck disable=SC2086
      run_tool -p "${target%%:*}" --threads 2 -c 50 -n $spec | cut -d' ' -f1 >>"$TMP/${target#*:}"
    done
  done
  r=$(median <"$TMP/redis" | cut -d. -f1); c=$(median <"$TMP/node" | cut -d. -f1)
  echo "| -c 50 -n $spec | $r | $c | $(awk -v a="$c" -v b="$r" 'BEGIN { printf "%.2f", a / b }') |"
done
