#!/usr/bin/env bash
# bench/core.sh — RedisClone node vs Redis 7 vs Microsoft Garnet, side by side,
# with redis-benchmark, on this machine (issue 2).
#
# Usage (from anywhere):   bash bench/core.sh
# Quick validation run:    BENCH_N=20000 BENCH_N_PIPE=200000 BENCH_R=1 BENCH_MEM_KEYS=100000 bash bench/core.sh
#
# Everything is configurable with environment variables (defaults in brackets):
#   BENCH_N            requests per test, unpipelined                  [200000]
#   BENCH_N_PIPE       requests per test, pipelined                    [2000000]
#   BENCH_PIPELINE     pipeline depth of the pipelined runs            [16]
#   BENCH_CLIENTS      parallel connections (-c)                       [50]
#   BENCH_R            repetitions of every run; the median is shown   [3]
#   BENCH_RANDOM_KEYS  if set, passed as -r (keyspace) to redis-benchmark [unset: one key, as in the issue]
#   BENCH_MEM_KEYS     distinct keys loaded for the memory rows        [1000000]
#   BENCH_SERVERS      which servers to run                            ["redis garnet node"]
#   BENCH_OUT          also write the Markdown report to this file     [unset]
#   BENCH_GARNET_VERSION  pin the garnet-server NuGet tool version     [unset: newest the feed has]
#   BENCH_TOOLS_DIR    where garnet-server is installed                [bench/.tools]
#   BENCH_STEP_TIMEOUT seconds allowed for one redis-benchmark run     [240]
#   BENCH_START_TIMEOUT seconds a server has to answer PING            [60]
#   BENCH_TOTAL_TIMEOUT seconds for the whole script (watchdog)        [1800]
#   BENCH_LOADER       memory loader: pipe (redis-cli --pipe) or python   [pipe]
#   BENCH_SKIP_BUILD   if 1, do not rebuild the node                   [0]
#   BENCH_WORKDIR      logs and server working dirs                    [mktemp -d /tmp/redisclone-bench.XXXXXX]
#
# Progress goes to stderr; the Markdown report goes to stdout (and BENCH_OUT).
# Only 127.0.0.1 is ever contacted. Every server the script starts is stopped on
# exit, by PID.

set -u -o pipefail

SCRIPT_START=$(date +%s)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${BENCH_N:-200000}
N_PIPE=${BENCH_N_PIPE:-2000000}
PIPELINE=${BENCH_PIPELINE:-16}
CLIENTS=${BENCH_CLIENTS:-50}
R=${BENCH_R:-3}
RANDOM_KEYS=${BENCH_RANDOM_KEYS:-}
MEM_KEYS=${BENCH_MEM_KEYS:-1000000}
SERVERS=${BENCH_SERVERS:-"redis garnet node"}
OUT=${BENCH_OUT:-}
GARNET_VERSION=${BENCH_GARNET_VERSION:-}
TOOLS_DIR=${BENCH_TOOLS_DIR:-$REPO_ROOT/bench/.tools}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-240}
START_TIMEOUT=${BENCH_START_TIMEOUT:-60}
TOTAL_TIMEOUT=${BENCH_TOTAL_TIMEOUT:-1800}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0} SKIP_BUILD_KNOB=BENCH_SKIP_BUILD
WORK=${BENCH_WORKDIR:-$(mktemp -d /tmp/redisclone-bench.XXXXXX)}
mkdir -p "$WORK"
RESULTS=$WORK/results
mkdir -p "$RESULTS"
# A reused work directory must not mix an earlier run's results into this report.
rm -f "$RESULTS"/*.rps

GARNET_BIN=$TOOLS_DIR/garnet/garnet-server

# Progress goes to the script's own stderr, kept on fd 9: a trap can fire while
# a step's output is redirected to a file.
exec 9>&2

declare -A PID=() PORT=() LABEL=() STATUS=() NOTES=()
LABEL[redis]="Redis"; LABEL[garnet]="Garnet"; LABEL[node]="RedisClone"
WATCHDOG_PID=""
STEP_PID=""

# ---------------------------------------------------------------- cleanup
stop_server() {   # stop_server NAME — TERM, wait up to 10 s, then KILL; only our own PID
  local s=$1
  stop_pid "${PID[$s]:-}" "${LABEL[$s]}" || NOTES[$s]+="${LABEL[$s]} did not stop within 10 s of SIGTERM (killed). "
  PID[$s]=""
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local s
  if [[ -n $STEP_PID ]]; then kill -TERM "$STEP_PID" 2>/dev/null; wait "$STEP_PID" 2>/dev/null; fi
  for s in "${!PID[@]}"; do stop_server "$s"; done
  if [[ -n $WATCHDOG_PID ]]; then kill -TERM "$WATCHDOG_PID" 2>/dev/null; wait "$WATCHDOG_PID" 2>/dev/null; fi
  log "logs and raw results kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated (watchdog or signal)"; exit 143' TERM

# Watchdog: the whole script is bounded in time whatever happens.
start_watchdog "$TOTAL_TIMEOUT"

# ---------------------------------------------------------------- prerequisites
GARNET_VERSION_STR="n/a"
ensure_garnet() {
  if [[ ! -x $GARNET_BIN ]]; then
    log "installing Garnet: dotnet tool install --tool-path $TOOLS_DIR/garnet garnet-server ${GARNET_VERSION:+--version $GARNET_VERSION}"
    mkdir -p "$TOOLS_DIR/garnet"
    if ! timeout 300 dotnet tool install --tool-path "$TOOLS_DIR/garnet" garnet-server ${GARNET_VERSION:+--version "$GARNET_VERSION"} >"$WORK/garnet-install.log" 2>&1; then
      log "GARNET NOT AVAILABLE: 'dotnet tool install garnet-server' failed (the NuGet feed may lack the package); see $WORK/garnet-install.log. Continuing without Garnet (n/a)."
      sed 's/^/    /' "$WORK/garnet-install.log" | tail -5 >&2
      STATUS[garnet]="not installed"
      NOTES[garnet]="Garnet not installed: dotnet tool install garnet-server failed"
      return 1
    fi
  fi
  GARNET_VERSION_STR=$(garnet_version)
  [[ -n $GARNET_VERSION_STR ]] || GARNET_VERSION_STR="garnet-server (version unknown)"
  return 0
}

# ---------------------------------------------------------------- servers
rcli() { timeout 30 redis-cli -h 127.0.0.1 -p "${PORT[$1]}" "${@:2}"; }

start_server() {   # start_server NAME — starts it on a fresh free port and waits for PING
  local s=$1 p dir
  free_port || { log "could not find a free loopback port for ${LABEL[$s]}"; return 1; }; p=$FREE_PORT
  PORT[$s]=$p
  dir=$WORK/$s-data; mkdir -p "$dir"
  local logf=$WORK/$s.log
  echo "=== start $(date) port $p" >>"$logf"
  start_server_process "$s" "$p" "$dir" >>"$logf" 2>&1
  PID[$s]=$SERVER_PID
  wait_ping "$p" "${PID[$s]}" $(( $(date +%s) + START_TIMEOUT ))
  case $? in
    0) log "${LABEL[$s]} up: pid ${PID[$s]}, port $p"; return 0 ;;
    1) log "${LABEL[$s]} exited during startup; last log lines:"; tail -5 "$logf" >&2; PID[$s]=""; return 1 ;;
    *) log "${LABEL[$s]} did not answer PING within ${START_TIMEOUT}s"; stop_server "$s"; return 1 ;;
  esac
}

rss_mb() {   # VmRSS of the server process, in MiB with one decimal
  awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/${PID[$1]}/status" 2>/dev/null || echo "?"
}

# ---------------------------------------------------------------- loads
# redis-benchmark has no built-in "mget" test (its -t list is ping, set, get,
# incr, lpush, ..., mset), so MGET runs as a custom command with 10 keys, the
# counterpart of the built-in "MSET (10 keys)".
MGET_KEYS=10
mget_cmd() { local i k="key:__rand_int__"; echo -n "MGET"; for ((i=0;i<MGET_KEYS;i++)); do echo -n " $k"; done; }

# bench_once SERVER MODE REP — one redis-benchmark round of all loads; appends "LOAD rps" lines
bench_once() {
  local s=$1 mode=$2 rep=$3 n pflag=() rflag=()
  if [[ $mode == pipe ]]; then n=$N_PIPE; pflag=(-P "$PIPELINE"); else n=$N; fi
  [[ -n $RANDOM_KEYS ]] && rflag=(-r "$RANDOM_KEYS")
  local base=(-h 127.0.0.1 -p "${PORT[$s]}" -c "$CLIENTS" -n "$n" "${pflag[@]}" "${rflag[@]}")
  local raw=$RESULTS/$s.$mode.$rep
  rcli "$s" flushall >/dev/null 2>&1 || log "FLUSHALL failed on ${LABEL[$s]}"
  run_step timeout -k 5 "$STEP_TIMEOUT" redis-benchmark "${base[@]}" -t set,get,incr -q --csv >"$raw.csv" 2>"$raw.err"
  local rc1=$?
  # shellcheck disable=SC2046
  run_step timeout -k 5 "$STEP_TIMEOUT" redis-benchmark "${base[@]}" -q --csv $(mget_cmd) >>"$raw.csv" 2>>"$raw.err"
  local rc2=$?
  if (( rc1 != 0 || rc2 != 0 )); then
    log "redis-benchmark on ${LABEL[$s]} ($mode, rep $rep) exit codes $rc1/$rc2 (124 = timeout); stderr: $(head -c 300 "$raw.err" | tr '\n' ' ')"
    NOTES[$s]+="redis-benchmark $mode rep $rep exited $rc1/$rc2 (124 = timed out after ${STEP_TIMEOUT}s). "
  fi
  # "SET","45558.09",... ; custom command rows are named after the command text
  awk -F'"' -v m="$mode" '
    NR>0 && $2 != "test" && $4 ~ /^[0-9.]+$/ {
      t=toupper($2); if (t ~ /^MGET/) t="MGET (10 keys)"
      print m "|" t "|" $4 }' "$raw.csv" >>"$RESULTS/$s.rps"
  if ! alive "$s"; then
    log "${LABEL[$s]} DIED during the $mode run (rep $rep); see $WORK/$s.log"
    STATUS[$s]="crashed"; NOTES[$s]+="${LABEL[$s]} crashed during $mode rep $rep. "
  fi
  grep -v '^$' "$raw.err" | grep -qv 'Could not fetch server CONFIG' && log "stderr from redis-benchmark on ${LABEL[$s]}: $(head -c 300 "$raw.err" | tr '\n' ' ')"
  return 0
}

# ---------------------------------------------------------------- memory
# Exactly MEM_KEYS distinct keys "key:%012d" (16 bytes) with 100-byte values,
# sent as pipelined RESP through redis-cli --pipe (python fallback).
gen_resp() {
  awk -v n="$MEM_KEYS" 'BEGIN {
    v = ""; for (i = 0; i < 10; i++) v = v "0123456789";   # 100 bytes
    for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$100\r\n%s\r\n", i, v }'
}
pipe_load() {   # pipe_load PORT — the keys through redis-cli --pipe; its exit code
  gen_resp | timeout -k 5 "$STEP_TIMEOUT" redis-cli -h 127.0.0.1 -p "$1" --pipe --pipe-timeout 10
  return "${PIPESTATUS[1]}"
}
python_loader() {   # python_loader PORT — the same keys and values over a raw socket, 1000 SETs per round trip
  timeout -k 5 "$STEP_TIMEOUT" python3 -c '
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
val = b"0123456789" * 10
s = socket.create_connection(("127.0.0.1", port))
ok = err = 0
for start in range(0, n, 1000):
    end = min(n, start + 1000)
    s.sendall(b"".join(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$100\r\n%s\r\n" % (i, val) for i in range(start, end)))
    buf = b""
    while buf.count(b"\r\n") < end - start:
        chunk = s.recv(65536)
        if not chunk: sys.exit("connection closed by the server")
        buf += chunk
    lines = buf.split(b"\r\n")[:-1]
    ok += lines.count(b"+OK"); err += len(lines) - lines.count(b"+OK")
print("errors: %d, replies: %d" % (err, ok + err))' "$1" "$MEM_KEYS"
}

measure_memory() {   # measure_memory NAME — fresh process, load, read VmRSS and DBSIZE
  local s=$1
  start_server "$s" || { STATUS[$s]="${STATUS[$s]:-failed to start}"; return 1; }
  sleep 1
  echo "$(rss_mb "$s")" >"$RESULTS/$s.rss0"
  local out=$WORK/$s.memload.out
  log "loading $MEM_KEYS keys into ${LABEL[$s]}"
  local rc=0
  if [[ ${BENCH_LOADER:-pipe} == pipe ]]; then
    run_step pipe_load "${PORT[$s]}" >"$out" 2>&1
    rc=$?
  else
    rc=99; echo "BENCH_LOADER=${BENCH_LOADER}: redis-cli --pipe skipped" >"$out"
  fi
  if (( rc != 0 )) || ! grep -q 'errors: 0, replies: '"$MEM_KEYS" "$out"; then
    if (( rc == 99 )); then
      log "BENCH_LOADER=${BENCH_LOADER}: loading ${LABEL[$s]} with the python loader"
    else
      log "redis-cli --pipe on ${LABEL[$s]} failed (rc=$rc): $(tail -3 "$out" | tr '\n' ' '); restarting it and loading with the python loader instead"
      NOTES[$s]+="redis-cli --pipe of $MEM_KEYS SETs failed on ${LABEL[$s]} ($(grep -E 'errors:|No replies' "$out" | tr '\n' ' ')); memory measured on a fresh process loaded by the python loader (1000 SETs per round trip). "
      # a fresh process, so the failed attempt does not inflate the RSS
      stop_server "$s"
      start_server "$s" || { STATUS[$s]="failed to restart"; return 1; }
      sleep 1
      echo "$(rss_mb "$s")" >"$RESULTS/$s.rss0"
    fi
    run_step python_loader "${PORT[$s]}" >"$out" 2>&1 || log "python loader failed on ${LABEL[$s]}: $(tail -3 "$out" | tr '\n' ' ')"
  fi
  sleep 2   # let background work (GC, rehashing) settle
  local dbsize rk klen vlen
  dbsize=$(rcli "$s" dbsize 2>/dev/null | tr -d '\r')
  # a sample key from the server itself (SCAN: Garnet has no RANDOMKEY)
  rk=$(rcli "$s" --raw scan 0 count 10 2>/dev/null | tr -d '\r' | sed -n 2p)
  klen=${#rk}; vlen=$(rcli "$s" strlen "$rk" 2>/dev/null | tr -d '\r')
  echo "$(rss_mb "$s")" >"$RESULTS/$s.rss1"
  echo "${dbsize:-?}" >"$RESULTS/$s.dbsize"
  log "${LABEL[$s]}: DBSIZE=$dbsize, sample key '$rk' ($klen bytes, value $vlen bytes), RSS $(cat "$RESULTS/$s.rss0") -> $(cat "$RESULTS/$s.rss1") MB"
  [[ $dbsize == "$MEM_KEYS" ]] || NOTES[$s]+="DBSIZE after loading $MEM_KEYS keys was '$dbsize'. "
  [[ $klen == 16 && $vlen == 100 ]] || NOTES[$s]+="sample key '$rk' has length $klen and value length '$vlen' (expected 16/100). "
  alive "$s" || { STATUS[$s]="crashed"; NOTES[$s]+="${LABEL[$s]} crashed during the memory load. "; }
  stop_server "$s"
}

# ================================================================= main
log "work dir: $WORK"
ensure_redis
ACTIVE=()
for s in $SERVERS; do
  case $s in
    redis|node) ACTIVE+=("$s") ;;
    garnet) ensure_garnet && ACTIVE+=("$s") ;;
    *) die "unknown server '$s' in BENCH_SERVERS (use redis, garnet, node)" ;;
  esac
done
[[ " $SERVERS " == *" node "* ]] && build RedisClone.Node "$NODE_DLL"

# Throughput: all servers up at once; each repetition visits every server in
# turn (interleaved), so slow drift of the machine hits all of them alike.
RUNNING=()
for s in "${ACTIVE[@]}"; do
  if start_server "$s"; then RUNNING+=("$s"); else STATUS[$s]="failed to start"; NOTES[$s]+="${LABEL[$s]} failed to start (log $WORK/$s.log). "; fi
done
for mode in plain pipe; do
  for rep in $(seq 1 "$R"); do
    for s in "${RUNNING[@]}"; do
      alive "$s" || continue
      log "redis-benchmark: ${LABEL[$s]} $mode rep $rep/$R"
      bench_once "$s" "$mode" "$rep"
    done
  done
done
for s in "${RUNNING[@]}"; do stop_server "$s"; done

# Memory: one fresh server at a time.
for s in "${ACTIVE[@]}"; do
  [[ ${STATUS[$s]:-} == "failed to start" ]] && continue
  measure_memory "$s"
done

# ---------------------------------------------------------------- report
cell() {   # cell SERVER MODE LOAD — median ops/s, or n/a / err
  local s=$1
  if [[ " ${ACTIVE[*]} " != *" $s "* ]]; then echo "n/a"; return; fi
  local v
  # whole ops/s: the ratio column is computed from these rounded figures
  v=$(awk -F'|' -v m="$2" -v t="$3" '$1==m && $2==t {print $3}' "$RESULTS/$s.rps" 2>/dev/null | median | awk '{ printf "%.0f", $1 }')
  echo "${v:-err}"
}
memcell() { local s=$1 f=$RESULTS/$1.$2; if [[ " ${ACTIVE[*]} " != *" $s "* ]]; then echo "n/a"; elif [[ -s $f ]]; then cat "$f"; else echo "err"; fi; }

CMD="BENCH_N=$N BENCH_N_PIPE=$N_PIPE BENCH_PIPELINE=$PIPELINE BENCH_CLIENTS=$CLIENTS BENCH_R=$R BENCH_MEM_KEYS=$MEM_KEYS${RANDOM_KEYS:+ BENCH_RANDOM_KEYS=$RANDOM_KEYS} BENCH_SERVERS=\"$SERVERS\" bash bench/core.sh"
RFLAG=${RANDOM_KEYS:+ -r $RANDOM_KEYS}
NODE_COMMIT=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
ELAPSED=$(( $(date +%s) - SCRIPT_START ))

report() {
  echo "## RedisClone vs Redis vs Garnet (redis-benchmark)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: nproc=$(nproc), memory total $(memory_total), CPU: $(cpu_model)"
  echo "- kernel: $(uname -sr)"
  echo "- Redis: $(redis-server --version | head -1)"
  echo "- Garnet: $GARNET_VERSION_STR"
  echo "- dotnet: $(dotnet_versions)"
  echo "- RedisClone: commit $NODE_COMMIT, Release build, \`dotnet RedisClone.Node.dll --port P --bind 127.0.0.1\`"
  echo "- command: \`$CMD\` (took ${ELAPSED}s)"
  echo "- loads: \`redis-benchmark -h 127.0.0.1 -p P -c $CLIENTS -n $N$RFLAG -t set,get,incr -q --csv\` and \`redis-benchmark -h 127.0.0.1 -p P -c $CLIENTS -n $N$RFLAG -q --csv $(mget_cmd)\` (redis-benchmark has no built-in mget test), then the same with \`-n $N_PIPE -P $PIPELINE\`; each run $R time(s), median shown; FLUSHALL before every server's run; servers interleaved per repetition"
  echo "- memory: fresh server, $(fmt "$MEM_KEYS") distinct keys \`key:%012d\` (16 bytes) with 100-byte values loaded through \`redis-cli --pipe\` (or, where a note says so, a python loader sending 1000 SETs per round trip), then VmRSS from /proc/PID/status (MiB) and DBSIZE"
  echo
  echo "| load | Redis ops/s | Garnet ops/s | RedisClone ops/s | RedisClone/Redis |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  local mode t r g n label
  for mode in plain pipe; do
    for t in SET GET INCR "MGET (10 keys)"; do
      r=$(cell redis "$mode" "$t"); g=$(cell garnet "$mode" "$t"); n=$(cell node "$mode" "$t")
      if [[ $mode == plain ]]; then label="$t, -c $CLIENTS, no pipeline"; else label="$t, -c $CLIENTS, -P $PIPELINE"; fi
      echo "| $label | $(fmt "$r") | $(fmt "$g") | $(fmt "$n") | $(ratio "$n" "$r" n/a) |"
    done
  done
  r=$(memcell redis rss0); g=$(memcell garnet rss0); n=$(memcell node rss0)
  echo "| memory: RSS empty, MiB | $r | $g | $n | $(ratio "$n" "$r" n/a) |"
  r=$(memcell redis rss1); g=$(memcell garnet rss1); n=$(memcell node rss1)
  echo "| memory: RSS with $(fmt "$MEM_KEYS") keys, MiB | $r | $g | $n | $(ratio "$n" "$r" n/a) |"
  r=$(memcell redis dbsize); g=$(memcell garnet dbsize); n=$(memcell node dbsize)
  echo "| memory: DBSIZE after load | $(fmt "$r") | $(fmt "$g") | $(fmt "$n") | |"
  echo
  local s any=0
  for s in redis garnet node; do
    if [[ -n ${STATUS[$s]:-} || -n ${NOTES[$s]:-} ]]; then
      [[ $any == 0 ]] && { echo "Notes:"; any=1; }
      echo "- ${LABEL[$s]}: ${STATUS[$s]:-ok}. ${NOTES[$s]:-}"
    fi
  done
  if grep -qs 'Could not fetch server CONFIG' "$RESULTS"/node.*; then
    [[ $any == 0 ]] && { echo "Notes:"; any=1; }
    echo "- redis-benchmark warned \"Could not fetch server CONFIG\" against RedisClone (its CONFIG GET save/appendonly replies are empty arrays)."
  fi
}

report >"$WORK/report.md"
cat "$WORK/report.md"
if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT" && log "report written to $OUT"; fi
log "done in ${ELAPSED}s"
