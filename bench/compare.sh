#!/usr/bin/env bash
# bench/compare.sh — one command, one report: RedisClone beside Redis 7 (Debian's
# redis-server) and Microsoft Garnet on this machine (issue 7). It builds in
# Release once and then, in one run:
#
#   core     bench/core.sh: redis-benchmark loads and memory after 1M keys
#            (Redis | Garnet | RedisClone)
#   pubsub   standalone pub/sub with the load tool (RedisClone.Benchmarks pubsub):
#            N subscribers over C channels, then the same with PSUBSCRIBE patterns,
#            against Redis, Garnet and one RedisClone node
#   idle     memory per idle subscriber: the load tool's idle mode holds 10,000
#            subscribed connections; the server's VmRSS before and while held
#   cluster  bench/cluster.sh: 3-node Redis Cluster vs 3-node RedisClone cluster
#   tracing  tracing overhead on the node: bench/tracing.sh (off, OTLP export with the default sampler, always_on)
#
# and prints one Markdown report (machine, versions, exact command, every
# section, ratios to Redis). Every server and tool it starts (itself or through
# core.sh / cluster.sh) is stopped on exit, Ctrl-C or the watchdog, by PID.
#
# Usage (from anywhere):   bash bench/compare.sh                     # about 8 minutes on 2 cores
#                          COMPARE_OUT=/tmp/compare.md bash bench/compare.sh
# Quick validation run:    COMPARE_QUICK=1 bash bench/compare.sh     # under 2 minutes; numbers are noise
#
# Environment variables (defaults in brackets):
#   COMPARE_OUT              also write the report to this file              [unset: stdout only]
#   COMPARE_PARTS            parts to run, in this order                      ["core pubsub idle cluster tracing"]
#   COMPARE_SERVERS          servers of the core, pubsub and idle parts       ["redis garnet node"]
#   COMPARE_QUICK            1: small sizes everywhere (a check, not a measurement) [0]
#   COMPARE_PS_SUBSCRIBERS   pubsub: subscriber connections                   [100]
#   COMPARE_PS_CHANNELS      pubsub: channels (subscriber i on channel i % C) [10]
#   COMPARE_PS_PUBLISHERS    pubsub: publisher connections                    [2]
#   COMPARE_PS_PIPELINE      pubsub: PUBLISH in flight per publisher          [16]
#   COMPARE_PS_MESSAGES      pubsub: messages per run (k/m suffixes)          [100k]
#   COMPARE_PS_SIZE          pubsub: payload bytes                            [64]
#   COMPARE_PS_VARIANTS      pubsub: "channels" and/or "patterns"             ["channels patterns"]
#   COMPARE_PS_R             pubsub: repetitions; medians are shown           [3]
#   COMPARE_PS_DURATION_LIMIT pubsub: the tool stops publishing after S s     [30]
#   COMPARE_PS_DRAIN_TIMEOUT pubsub: the tool stops waiting after S s without a delivery [5]
#   COMPARE_PS_STEP_TIMEOUT  pubsub: seconds allowed for one run of the tool  [90]
#   COMPARE_IDLE_CONNECTIONS idle: idle subscribers                           [10000]
#   COMPARE_IDLE_SETTLE      idle: seconds to settle before reading VmRSS     [3]
#   COMPARE_IDLE_TIMEOUT     idle: seconds allowed to open and confirm them   [90]
#   COMPARE_CORE_CAP         most seconds for the core part (core.sh's watchdog) [420]
#   COMPARE_PUBSUB_CAP       most seconds for the pubsub part                 [200]
#   COMPARE_IDLE_CAP         most seconds for the idle part                   [120]
#   COMPARE_CLUSTER_CAP      most seconds for the cluster part (cluster.sh's watchdog) [420]
#   COMPARE_TOTAL_TIMEOUT    seconds for the whole script (watchdog)          [1000]
#   COMPARE_START_TIMEOUT    seconds a server has to answer PING              [60]
#   COMPARE_SKIP_BUILD       1: do not build (use the existing Release builds) [0]
#   COMPARE_TOOLS_DIR        where garnet-server is installed (BENCH_TOOLS_DIR) [bench/.tools, else the
#                            main worktree's bench/.tools if Garnet is installed there]
#   COMPARE_WORKDIR          logs, raw results, sub-reports                   [mktemp -d /tmp/redisclone-compare.XXXXXX]
#
# core.sh and cluster.sh run at their own default sizes; their BENCH_* / CBENCH_*
# variables (see their headers), set in the environment, go through unchanged.
# compare.sh builds once itself (BENCH_SKIP_BUILD=1, CBENCH_SKIP_BUILD=1) and
# sets their watchdogs (BENCH_TOTAL_TIMEOUT, CBENCH_TOTAL_TIMEOUT) from its
# budget: each part gets at most its cap and never more than the time left
# minus a reserve for the parts after it.
#
# Progress goes to stderr; the Markdown report goes to stdout (and COMPARE_OUT).
# Only 127.0.0.1 is contacted.

set -u -o pipefail

SCRIPT_START=$(date +%s)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The exact command: the knobs set in the environment, then the script.
INVOKED_ENV=$(env | grep -E '^(COMPARE|BENCH|CBENCH)_[A-Z_]*=' | sort | awk -F= '{ v = substr($0, length($1) + 2); if (v ~ /[^A-Za-z0-9._\/:,+-]/ || v == "") v = "\"" v "\""; printf "%s=%s ", $1, v }')
CMD="${INVOKED_ENV}bash bench/compare.sh"

QUICK=${COMPARE_QUICK:-0}
q() { if [[ $QUICK == 1 ]]; then echo "$2"; else echo "$1"; fi; }   # q FULL QUICK

OUT=${COMPARE_OUT:-}
PARTS=${COMPARE_PARTS:-"core pubsub idle cluster tracing"}
SERVERS=${COMPARE_SERVERS:-"redis garnet node"}
PS_SUBSCRIBERS=${COMPARE_PS_SUBSCRIBERS:-100}
PS_CHANNELS=${COMPARE_PS_CHANNELS:-10}
PS_PUBLISHERS=${COMPARE_PS_PUBLISHERS:-2}
PS_PIPELINE=${COMPARE_PS_PIPELINE:-16}
PS_MESSAGES=${COMPARE_PS_MESSAGES:-$(q 100k 5k)}
PS_SIZE=${COMPARE_PS_SIZE:-64}
PS_VARIANTS=${COMPARE_PS_VARIANTS:-"channels patterns"}
PS_R=${COMPARE_PS_R:-$(q 3 1)}
PS_DURATION_LIMIT=${COMPARE_PS_DURATION_LIMIT:-30}
PS_DRAIN_TIMEOUT=${COMPARE_PS_DRAIN_TIMEOUT:-5}
PS_STEP_TIMEOUT=${COMPARE_PS_STEP_TIMEOUT:-90}
IDLE_N=${COMPARE_IDLE_CONNECTIONS:-$(q 10000 1000)}
IDLE_SETTLE=${COMPARE_IDLE_SETTLE:-3}
IDLE_TIMEOUT=${COMPARE_IDLE_TIMEOUT:-90}
CORE_CAP=${COMPARE_CORE_CAP:-420}
PUBSUB_CAP=${COMPARE_PUBSUB_CAP:-200}
IDLE_CAP=${COMPARE_IDLE_CAP:-120}
CLUSTER_CAP=${COMPARE_CLUSTER_CAP:-420}
TOTAL_TIMEOUT=${COMPARE_TOTAL_TIMEOUT:-1000}
START_TIMEOUT=${COMPARE_START_TIMEOUT:-60}
SKIP_BUILD=${COMPARE_SKIP_BUILD:-0} SKIP_BUILD_KNOB=COMPARE_SKIP_BUILD
WORK=${COMPARE_WORKDIR:-$(mktemp -d /tmp/redisclone-compare.XXXXXX)}
mkdir -p "$WORK"
RESULTS=$WORK/results
mkdir -p "$RESULTS"
# A reused work directory must not mix an earlier run's results into this report.
: >"$RESULTS/pubsub.txt"; : >"$RESULTS/idle.txt"

# Garnet: this checkout's bench/.tools, or (a git worktree has no untracked
# files of its own) the main worktree's, if Garnet is installed there.
if [[ -n ${COMPARE_TOOLS_DIR:-} ]]; then TOOLS_DIR=$COMPARE_TOOLS_DIR
elif [[ -n ${BENCH_TOOLS_DIR:-} ]]; then TOOLS_DIR=$BENCH_TOOLS_DIR
else
  TOOLS_DIR=$REPO_ROOT/bench/.tools
  if [[ ! -x $TOOLS_DIR/garnet/garnet-server ]]; then
    common=$(git -C "$REPO_ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
    main_root=${common%/.git}
    if [[ -n $common && -x $main_root/bench/.tools/garnet/garnet-server ]]; then TOOLS_DIR=$main_root/bench/.tools; fi
  fi
fi
GARNET_BIN=$TOOLS_DIR/garnet/garnet-server

# Progress goes to the script's own stderr, kept on fd 9, and the report to its
# own stdout, kept on fd 8: a trap can fire while a step's output is redirected.
exec 9>&2 8>&1

for v in PS_SUBSCRIBERS PS_CHANNELS PS_PUBLISHERS PS_PIPELINE PS_SIZE PS_R PS_DURATION_LIMIT PS_DRAIN_TIMEOUT PS_STEP_TIMEOUT \
         IDLE_N IDLE_SETTLE IDLE_TIMEOUT CORE_CAP PUBSUB_CAP IDLE_CAP CLUSTER_CAP TOTAL_TIMEOUT START_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "COMPARE_$v must be a whole number (got '${!v}')"
done
[[ $PS_MESSAGES =~ ^[0-9]+[kKmM]?$ ]] || die "COMPARE_PS_MESSAGES must be a number, optionally with k or m (got '$PS_MESSAGES')"
(( PS_R >= 1 )) || die "COMPARE_PS_R must be at least 1"
for p in $PARTS; do [[ $p =~ ^(core|pubsub|idle|cluster|tracing)$ ]] || die "unknown part '$p' in COMPARE_PARTS (use core pubsub idle cluster tracing)"; done
for s in $SERVERS; do [[ $s =~ ^(redis|garnet|node)$ ]] || die "unknown server '$s' in COMPARE_SERVERS (use redis garnet node)"; done
for v in $PS_VARIANTS; do [[ $v =~ ^(channels|patterns)$ ]] || die "unknown variant '$v' in COMPARE_PS_VARIANTS (use channels patterns)"; done

declare -A PID=() PORT=() LABEL=([redis]="Redis" [garnet]="Garnet" [node]="RedisClone") STATUS=()
declare -A PART_STATUS=() PART_TOOK=() PART_T0=()
NOTES=()
WATCHDOG_PID=""
STEP_PID=""
IDLE_PID=""
REPORTED=0
STOP_REASON=""
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_END=""
DEADLINE=$(( SCRIPT_START + TOTAL_TIMEOUT ))
note() { NOTES+=("$*"); log "NOTE: $*"; }
begin_part() { PART_T0[$1]=$(date +%s); PART_STATUS[$1]=running; }
end_part() { PART_TOOK[$1]=$(( $(date +%s) - ${PART_T0[$1]} )); PART_STATUS[$1]=$2; }

# ---------------------------------------------------------------- cleanup
stop_noted() {   # stop_noted PID WHAT — stop_pid, with a note if it took a KILL
  stop_pid "$1" "$2" || NOTES+=("$2 did not stop within 10 s of SIGTERM (killed).")
}
stop_server() { stop_noted "${PID[$1]:-}" "${LABEL[$1]}"; PID[$1]=""; }
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local s
  # a sub-script (core.sh, cluster.sh) stops its own servers on TERM
  if [[ -n $STEP_PID ]]; then kill -TERM "$STEP_PID" 2>/dev/null; wait "$STEP_PID" 2>/dev/null; fi
  if [[ -n $IDLE_PID ]]; then stop_noted "$IDLE_PID" "the idle-mode load tool"; IDLE_PID=""; fi
  for s in "${!PID[@]}"; do stop_server "$s"; done
  local p
  for p in "${!PART_STATUS[@]}"; do
    [[ ${PART_STATUS[$p]} == running ]] && end_part "$p" "cut short: ${STOP_REASON:-stopped (exit code $rc)}; what finished is shown"
  done
  if [[ $REPORTED == 0 ]]; then
    LOAD_END=${LOAD_END:-$(cut -d' ' -f1-3 /proc/loadavg)}
    report "${STOP_REASON:-stopped (exit code $rc)}" >"$WORK/report.md" 2>/dev/null
    cat "$WORK/report.md" >&8
    if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT"; fi
  fi
  if [[ -n $WATCHDOG_PID ]]; then kill -TERM "$WATCHDOG_PID" 2>/dev/null; wait "$WATCHDOG_PID" 2>/dev/null; fi
  log "logs, raw results and sub-reports kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'STOP_REASON="interrupted (SIGINT)"; log "interrupted"; exit 130' INT
trap 'STOP_REASON="stopped by the watchdog (COMPARE_TOTAL_TIMEOUT=${TOTAL_TIMEOUT}s) or SIGTERM"; log "terminated (watchdog or signal)"; exit 143' TERM

# Watchdog: the whole script is bounded in time whatever happens.
start_watchdog "$TOTAL_TIMEOUT" "[watchdog] COMPARE_TOTAL_TIMEOUT=${TOTAL_TIMEOUT}s reached: stopping"

# ---------------------------------------------------------------- time budget
RESERVE_PER_PART=60   # kept back for every part still to come
REPORT_RESERVE=20
parts_after() {   # parts_after PART — how many measuring parts come after PART in COMPARE_PARTS
  local seen=0 n=0 p
  for p in $PARTS; do
    [[ $p == tracing ]] && continue
    (( seen )) && n=$((n + 1))
    [[ $p == "$1" ]] && seen=1
  done
  echo "$n"
}
budget() {   # budget PART CAP — seconds this part may use
  local left=$(( DEADLINE - $(date +%s) - REPORT_RESERVE - RESERVE_PER_PART * $(parts_after "$1") ))
  (( left < $2 )) && echo "$left" || echo "$2"
}

# Open files: the idle part holds IDLE_N sockets in the tool and in the server.
ULIMIT_NOTE=""
if ulimit -n 65536 2>/dev/null; then ULIMIT_NOTE="raised to 65536"
else
  hard=$(ulimit -Hn)
  if [[ $hard == unlimited ]] || (( hard > $(ulimit -n) )); then ulimit -n "$hard" 2>/dev/null; fi
  ULIMIT_NOTE="65536 not allowed (hard limit $hard); using $(ulimit -n)"
fi
NOFILE=$(ulimit -n)

# ---------------------------------------------------------------- ports and servers
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/${PID[$1]}/status" 2>/dev/null; }

start_server() {   # start_server NAME TAG [MAXCLIENTS] — fresh process on a free port; waits for PING
  local s=$1 tag=$2 maxclients=${3:-} p extra=()
  free_port || { log "no free loopback port for ${LABEL[$s]}"; return 1; }; p=$FREE_PORT
  PORT[$s]=$p
  local dir=$WORK/$s-$tag; mkdir -p "$dir"
  local logf=$WORK/$s-$tag.log
  case $s in
    redis)  [[ -n $maxclients ]] && extra=(--maxclients "$maxclients")
            echo "=== start $(date): redis-server --port $p --bind 127.0.0.1 --save \"\" --appendonly no --daemonize no ${extra[*]}" >>"$logf" ;;
    garnet) [[ -n $maxclients ]] && extra=(--network-connection-limit "$maxclients")   # Garnet's default limit is 10000
            echo "=== start $(date): $GARNET_BIN --port $p --bind 127.0.0.1 ${extra[*]}" >>"$logf" ;;
    node)   [[ -n $maxclients ]] && extra=(--maxclients "$maxclients")
            echo "=== start $(date): dotnet RedisClone.Node.dll --port $p --bind 127.0.0.1 ${extra[*]}" >>"$logf" ;;
  esac
  start_server_process "$s" "$p" "$dir" "${extra[@]}" >>"$logf" 2>&1
  PID[$s]=$SERVER_PID
  wait_ping "$p" "${PID[$s]}" $(( $(date +%s) + START_TIMEOUT ))
  case $? in
    0) log "${LABEL[$s]} up: pid ${PID[$s]}, port $p"; return 0 ;;
    1) log "${LABEL[$s]} exited during startup; last log lines:"; tail -5 "$logf" >&9; PID[$s]=""; return 1 ;;
    *) log "${LABEL[$s]} did not answer PING within ${START_TIMEOUT}s"; stop_server "$s"; return 1 ;;
  esac
}

# ---------------------------------------------------------------- helpers for the report
kv() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "="); if (n && substr($i, 1, n - 1) == k) { print substr($i, n + 1); exit } } }'; }   # kv KEY <<< "k=v k=v"
server_active() { [[ " $SERVERS " == *" $1 "* ]]; }

# ================================================================= part: core (bench/core.sh)
# core.sh and cluster.sh run at their own default sizes (about 3.5 and 2.5
# minutes here), or at what BENCH_* / CBENCH_* in the environment say (inherited
# as they are); COMPARE_QUICK=1 gives them the small sizes of their quick checks.
core_defaults() {
  if [[ $QUICK == 1 ]]; then
    echo "BENCH_N=${BENCH_N:-20000}"; echo "BENCH_N_PIPE=${BENCH_N_PIPE:-200000}"
    echo "BENCH_R=${BENCH_R:-1}"; echo "BENCH_MEM_KEYS=${BENCH_MEM_KEYS:-100000}"
  fi
  echo "BENCH_SERVERS=${BENCH_SERVERS:-$SERVERS}"
}
cluster_defaults() {
  if [[ $QUICK == 1 ]]; then
    echo "CBENCH_SUBSCRIBERS=${CBENCH_SUBSCRIBERS:-30}"; echo "CBENCH_MESSAGES=${CBENCH_MESSAGES:-2000}"
    echo "CBENCH_RATE_MESSAGES=${CBENCH_RATE_MESSAGES:-2000}"; echo "CBENCH_TRAFFIC_MESSAGES=${CBENCH_TRAFFIC_MESSAGES:-2000}"
    echo "CBENCH_R=${CBENCH_R:-1}"; echo "CBENCH_WARMUP_MESSAGES=${CBENCH_WARMUP_MESSAGES:-2000}"
  fi
}

run_sub() {   # run_sub PART CAP SCRIPT ENV... — runs a sub-script under its own watchdog; report to $WORK/PART.md
  local part=$1 cap=$2 script=$3; shift 3
  local b; b=$(budget "$part" "$cap")
  if (( b < 30 )); then PART_STATUS[$part]="skipped: only ${b}s left in the time budget"; log "$part: ${PART_STATUS[$part]}"; return 0; fi
  begin_part "$part"
  local a shown=""
  for a in "$@"; do if [[ $a == *" "* ]]; then shown+="${a%%=*}=\"${a#*=}\" "; else shown+="$a "; fi; done
  echo "${shown}bash bench/$script" >"$WORK/$part.cmd"
  log "$part: ${shown}bash bench/$script (its watchdog: ${b}s)"
  # its own watchdog (…_TOTAL_TIMEOUT) stops it and its servers; timeout is the backstop
  run_step env "$@" timeout -k 15 $((b + 30)) bash "$REPO_ROOT/bench/$script" >"$WORK/$part.md" 2> >(tee "$WORK/$part.stderr" | sed -u "s/^/  [$part] /" >&9)
  local rc=$?
  if (( rc == 0 )); then end_part "$part" ok
  else
    end_part "$part" "bench/$script exited with code $rc after $(( $(date +%s) - ${PART_T0[$part]} ))s (its watchdog was ${b}s; 124/143 = stopped for time); log $WORK/$part.stderr"
    note "$part: ${PART_STATUS[$part]}"
  fi
}

part_core() {
  local envs=() line
  while read -r line; do envs+=("$line"); done < <(core_defaults)
  envs+=(BENCH_SKIP_BUILD=1 "BENCH_TOOLS_DIR=$TOOLS_DIR" "BENCH_WORKDIR=$WORK/core" BENCH_OUT=)
  # its watchdog: the budget, unless the caller set a shorter one
  local cap=$CORE_CAP
  [[ -n ${BENCH_TOTAL_TIMEOUT:-} && ${BENCH_TOTAL_TIMEOUT} -lt $cap ]] && cap=$BENCH_TOTAL_TIMEOUT
  local b; b=$(budget core "$cap")
  envs+=("BENCH_TOTAL_TIMEOUT=$b")
  run_sub core "$cap" core.sh "${envs[@]}"
}

part_cluster() {
  local envs=() line
  while read -r line; do envs+=("$line"); done < <(cluster_defaults)
  envs+=(CBENCH_SKIP_BUILD=1 "CBENCH_WORKDIR=$WORK/cluster" CBENCH_OUT=)
  local cap=$CLUSTER_CAP
  [[ -n ${CBENCH_TOTAL_TIMEOUT:-} && ${CBENCH_TOTAL_TIMEOUT} -lt $cap ]] && cap=$CBENCH_TOTAL_TIMEOUT
  local b; b=$(budget cluster "$cap")
  envs+=("CBENCH_TOTAL_TIMEOUT=$b")
  run_sub cluster "$cap" cluster.sh "${envs[@]}"
}

# ================================================================= part: standalone pub/sub
PS_ACTIVE=()
ps_args() {   # ps_args SERVER VARIANT
  local a="pubsub --endpoints 127.0.0.1:${PORT[$1]} --subscribers $PS_SUBSCRIBERS --channels $PS_CHANNELS --publishers $PS_PUBLISHERS"
  a+=" --pipeline $PS_PIPELINE --messages $PS_MESSAGES --size $PS_SIZE --duration-limit $PS_DURATION_LIMIT --drain-timeout $PS_DRAIN_TIMEOUT"
  [[ $2 == patterns ]] && a+=" --patterns"
  echo "$a"
}
ps_once() {   # ps_once SERVER VARIANT REP PART_DEADLINE
  local s=$1 v=$2 rep=$3 base=$RESULTS/pubsub.$1.$2.r$3
  local t=$(( $4 - $(date +%s) )); (( t > PS_STEP_TIMEOUT )) && t=$PS_STEP_TIMEOUT
  if (( t < 10 )); then note "pubsub: ${LABEL[$s]} $v rep $rep skipped: the part's time budget is spent"; return 0; fi
  local args; args=$(ps_args "$s" "$v")
  echo "dotnet $TOOL_DLL $args" >"$base.cmd"
  # shellcheck disable=SC2086
  run_step timeout -k 5 "$t" dotnet "$TOOL_DLL" $args >"$base.out" 2>"$base.err"
  local rc=$?
  local summary; summary=$(grep '^SUMMARY ' "$base.out" | tail -1)
  local dup_ooo; dup_ooo=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "duplicates" || a[1] == "out_of_order") { t += a[2]; n++ } } } END { if (n) print t }' <<<"$summary")
  echo "server=$s variant=$v rep=$rep tool_rc=$rc ${summary#SUMMARY }${dup_ooo:+ dup_ooo=$dup_ooo}" >>"$RESULTS/pubsub.txt"
  if [[ -z $summary ]]; then
    note "pubsub: ${LABEL[$s]} $v rep $rep: the tool printed no SUMMARY (exit $rc; 124 = timed out after ${t}s): $(tail -2 "$base.err" | tr '\n' ' ')"
  else
    log "  ${LABEL[$s]} $v rep $rep: $(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(deliveries_per_sec|lost|p50_us|p99_us|p999_us|closed_subscribers|stopped)=/) printf "%s ", $i }' <<<"$summary")exit $rc"
    (( rc != 0 )) && note "pubsub: ${LABEL[$s]} $v rep $rep: tool exit $rc ($(grep -o 'lost=[0-9]* duplicates=[0-9]* out_of_order=[0-9]* unexpected=[0-9]* publish_errors=[0-9]* closed_subscribers=[0-9]* failures=[0-9]*' <<<"$summary"), stopped=$(kv stopped <<<"$summary"))"
  fi
  if ! alive "$s"; then note "pubsub: ${LABEL[$s]} DIED during $v rep $rep (log $WORK/$s-pubsub.log)"; STATUS[$s]="crashed"; fi
  sleep 1   # let the subscribers' disconnects settle before the next run
}
part_pubsub() {
  local t0; t0=$(date +%s)
  local b; b=$(budget pubsub "$PUBSUB_CAP")
  if (( b < 30 )); then PART_STATUS[pubsub]="skipped: only ${b}s left in the time budget"; log "pubsub: ${PART_STATUS[pubsub]}"; return 0; fi
  local part_deadline=$(( t0 + b ))
  local s v rep
  begin_part pubsub
  for s in $SERVERS; do
    if start_server "$s" pubsub; then PS_ACTIVE+=("$s"); else STATUS[$s]="failed to start"; note "pubsub: ${LABEL[$s]} failed to start (log $WORK/$s-pubsub.log)"; fi
  done
  # every repetition visits every server in turn (interleaved), as core.sh does
  for v in $PS_VARIANTS; do
    for rep in $(seq 1 "$PS_R"); do
      for s in "${PS_ACTIVE[@]}"; do
        [[ -n ${STATUS[$s]:-} ]] && continue
        log "pubsub ($v), rep $rep/$PS_R: ${LABEL[$s]}"
        ps_once "$s" "$v" "$rep" "$part_deadline"
      done
    done
  done
  for s in "${PS_ACTIVE[@]}"; do
    local obl; obl=$(cli "$s" info stats | awk -F: '$1 == "client_output_buffer_limit_disconnections" { print $2 }')
    [[ -n $obl && $obl != 0 ]] && note "pubsub: ${LABEL[$s]}: client_output_buffer_limit_disconnections=$obl"
    stop_server "$s"
  done
  end_part pubsub ok
}

# ================================================================= part: memory per idle subscriber
IDLE_ACTIVE=()
idle_one() {   # idle_one SERVER PART_DEADLINE — fresh server, warm-up, RSS before / held / after release
  local s=$1 f=$RESULTS/idle.$1
  local left=$(( $2 - $(date +%s) ))
  if (( left < IDLE_SETTLE * 3 + 20 )); then note "idle: ${LABEL[$s]} skipped: the part's time budget is spent"; return 0; fi
  start_server "$s" idle $(( IDLE_N + 1000 )) || { note "idle: ${LABEL[$s]} failed to start (log $WORK/$s-idle.log)"; return 0; }
  IDLE_ACTIVE+=("$s")
  # warm-up: 100 idle subscribers for 1 s, so the code paths are loaded (JIT) before "before"
  run_step timeout -k 5 60 dotnet "$TOOL_DLL" idle --subscribe-endpoints "127.0.0.1:${PORT[$s]}" --idle-connections 100 --hold 1 \
    >"$f.warmup.out" 2>"$f.warmup.err" || note "idle: ${LABEL[$s]}: the warm-up run failed: $(tail -2 "$f.warmup.err" | tr '\n' ' ')"
  sleep "$IDLE_SETTLE"
  local before; before=$(rss_kib "$s")
  # CLIENT LIST, not INFO clients: Garnet 2.2.8 reports connected_clients:0 whatever is connected
  local clients0; clients0=$(cli "$s" client list | grep -c '^id=')
  local setup=$(( left - IDLE_SETTLE * 3 - 15 )); (( setup > IDLE_TIMEOUT )) && setup=$IDLE_TIMEOUT
  local args="idle --subscribe-endpoints 127.0.0.1:${PORT[$s]} --idle-connections $IDLE_N --setup-timeout $setup"
  echo "dotnet $TOOL_DLL $args" >"$f.cmd"
  log "idle: ${LABEL[$s]}: RSS before $((before / 1024)) MiB; opening $IDLE_N idle subscribers"
  # shellcheck disable=SC2086
  dotnet "$TOOL_DLL" $args >"$f.out" 2>"$f.err" </dev/null 8>&- 9>&- &
  IDLE_PID=$!
  local t_end=$(( $(date +%s) + setup + 10 )) ready=0
  while (( $(date +%s) < t_end )); do
    grep -q '^READY ' "$f.out" 2>/dev/null && { ready=1; break; }
    kill -0 "$IDLE_PID" 2>/dev/null || break
    sleep 0.2
  done
  local held="" clients=""
  if (( ready )); then
    sleep "$IDLE_SETTLE"
    held=$(rss_kib "$s")
    clients=$(cli "$s" client list | grep -c '^id=')
  else
    note "idle: ${LABEL[$s]}: the tool printed no READY line ($(tail -2 "$f.err" | tr '\n' ' '))"
  fi
  stop_noted "$IDLE_PID" "the idle-mode load tool"; IDLE_PID=""
  sleep "$IDLE_SETTLE"
  local after; after=$(rss_kib "$s")
  local summary; summary=$(grep '^SUMMARY ' "$f.out" | tail -1)
  local confirmed; confirmed=$(kv confirmed <<<"$summary"); [[ -z $confirmed ]] && confirmed=$(grep '^READY ' "$f.out" | kv confirmed)
  local closed; closed=$(kv closed_by_server <<<"$summary")
  [[ -n $closed && $closed != 0 ]] && note "idle: ${LABEL[$s]} closed $closed of the idle subscribers while they were held"
  alive "$s" || { note "idle: ${LABEL[$s]} DIED during the idle run (log $WORK/$s-idle.log)"; STATUS[$s]="crashed"; }
  echo "server=$s before_kib=$before held_kib=${held:-?} after_kib=${after:-?} confirmed=${confirmed:-?} closed=${closed:-?} clients_before=${clients0:-?} clients_held=${clients:-?} ready=$ready" >>"$RESULTS/idle.txt"
  log "idle: ${LABEL[$s]}: RSS before $before KiB, held ${held:-?} KiB, after release ${after:-?} KiB; confirmed ${confirmed:-?}, CLIENT LIST lines ${clients:-?}"
  stop_server "$s"
}
part_idle() {
  local t0; t0=$(date +%s)
  local b; b=$(budget idle "$IDLE_CAP")
  if (( b < 30 )); then PART_STATUS[idle]="skipped: only ${b}s left in the time budget"; log "idle: ${PART_STATUS[idle]}"; return 0; fi
  if (( NOFILE < IDLE_N + 256 )); then
    local n=$(( NOFILE - 256 ))
    note "idle: ulimit -n is $NOFILE, too low for $IDLE_N idle subscribers (tool and server each need one descriptor per connection); using $n"
    IDLE_N=$n
  fi
  local s
  begin_part idle
  for s in $SERVERS; do idle_one "$s" $(( t0 + b )); done
  end_part idle ok
}

# ================================================================= report
ps_values() {   # ps_values SERVER VARIANT KEY — one value per run
  awk -v s="server=$1" -v v="variant=$2" -v k="$3" '
    $1 == s && $2 == v { for (i = 1; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k && substr($i, n + 1) ~ /^-?[0-9.]+$/) print substr($i, n + 1) } }' "$RESULTS/pubsub.txt" 2>/dev/null
}
ps_cell() {   # ps_cell SERVER VARIANT KEY [sum|clean]
  local s=$1 v=$2 k=$3 how=${4:-median} x
  server_active "$s" || { echo "n/a"; return; }
  grep -q "^server=$s variant=$v " "$RESULTS/pubsub.txt" 2>/dev/null || { echo "not run"; return; }
  case $how in
    sum) x=$(ps_values "$s" "$v" "$k" | awk '{ t += $1; n++ } END { if (n) printf "%d", t }') ;;
    clean) x=$(awk -v s="server=$s" -v v="variant=$v" '$1 == s && $2 == v { n++; if ($4 == "tool_rc=0") c++ } END { printf "%d of %d", c, n }' "$RESULTS/pubsub.txt") ;;
    *) x=$(ps_values "$s" "$v" "$k" | median) ;;
  esac
  echo "${x:-err}"
}
row3() {   # row3 LABEL REDIS GARNET NODE [noratio] — formatted values and ratios to Redis
  local k=""; [[ $1 == *MiB* ]] && k=1
  if [[ ${5:-} == noratio ]]; then echo "| $1 | $(fmt "$2" $k) | $(fmt "$3" $k) | $(fmt "$4" $k) | | |"
  else echo "| $1 | $(fmt "$2" $k) | $(fmt "$3" $k) | $(fmt "$4" $k) | $(ratio "$3" "$2") | $(ratio "$4" "$2") |"; fi
}
ps_expected() { local s x; for s in $SERVERS; do x=$(ps_values "$s" "$1" expected | head -1); [[ -n $x ]] && { echo "$x"; return; }; done; echo "?"; }
ps_row() { row3 "$1" "$(ps_cell redis "$2" "$3" "${4:-}")" "$(ps_cell garnet "$2" "$3" "${4:-}")" "$(ps_cell node "$2" "$3" "${4:-}")" "${5:-}"; }
idle_cell() {   # idle_cell SERVER KEY — from results/idle.txt; bytes = per subscriber; mib_* = KiB -> MiB
  local s=$1 k=$2 line
  server_active "$s" || { echo "n/a"; return; }
  line=$(grep "^server=$s " "$RESULTS/idle.txt" 2>/dev/null | tail -1)
  [[ -z $line ]] && { echo "not run"; return; }
  case $k in
    bytes) awk -v b="$(kv before_kib <<<"$line")" -v h="$(kv held_kib <<<"$line")" -v n="$(kv confirmed <<<"$line")" \
             'BEGIN { if (b ~ /^[0-9]+$/ && h ~ /^[0-9]+$/ && n ~ /^[0-9]+$/ && n > 0) printf "%.0f", (h - b) * 1024 / n; else print "err" }' ;;
    mib_*) awk -v x="$(kv "${k#mib_}_kib" <<<"$line")" 'BEGIN { if (x ~ /^[0-9]+$/) printf "%.1f", x / 1024; else print "err" }' ;;
    *) v=$(kv "$k" <<<"$line"); echo "${v:-err}" ;;
  esac
}
idle_row() { row3 "$1" "$(idle_cell redis "$2")" "$(idle_cell garnet "$2")" "$(idle_cell node "$2")" "${3:-}"; }
part_ran() { [[ " $PARTS " == *" $1 "* ]]; }
part_head() {   # part_head PART — status line under a section title
  local st=${PART_STATUS[$1]:-}
  if ! part_ran "$1"; then echo "_not run (not in COMPARE_PARTS)._"; echo; return 1; fi
  if [[ -z $st ]]; then echo "_not reached: ${STOP_REASON:-the run stopped before this part}._"; echo; return 1; fi
  [[ $st == skipped* ]] && { echo "_${st}._"; echo; return 1; }
  echo "_took ${PART_TOOK[$1]:-?}s${st:+; $( [[ $st == ok ]] && echo "completed" || echo "$st")}._"; echo
  return 0
}
embed() {   # embed FILE — a sub-report, its headings one level down
  if [[ -s $1 ]]; then sed -e 's/^## /### /' "$1"; else echo "_the script printed no report (see its log in $WORK)._"; fi
  echo
}

report() {   # report [INCOMPLETE-REASON]
  local elapsed=$(( $(date +%s) - SCRIPT_START )) s v
  echo "# RedisClone vs Redis 7 vs Garnet: bench/compare.sh"
  echo
  [[ -n ${1:-} ]] && { echo "**INCOMPLETE: $1 after ${elapsed}s; only what finished is shown.**"; echo; }
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: nproc=$(nproc), memory total $(memory_total) ($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) kB), CPU: $(cpu_model), kernel $(uname -sr)"
  echo "- load average at start $LOAD_START, at end ${LOAD_END:-$(cut -d' ' -f1-3 /proc/loadavg)}; the load tools run on the same cores as the servers"
  echo "- Redis: $(redis-server --version 2>/dev/null | head -1)"
  echo "- Garnet: ${GARNET_VERSION_STR:-n/a} ($GARNET_BIN)"
  echo "- dotnet: $(dotnet_versions)"
  echo "- RedisClone: commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_ROOT" diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo ' (with uncommitted changes)'), Release build"
  echo "- open files (ulimit -n): $NOFILE ($ULIMIT_NOTE)"
  echo "- command: \`$CMD\` (took ${elapsed}s; watchdog ${TOTAL_TIMEOUT}s)"
  echo "- raw results, logs and the exact command of every run: $WORK"
  echo
  echo "Ratios are to Redis (Garnet/Redis, RedisClone/Redis): for rates higher is better, for latencies and memory lower is."
  echo

  local memkeys; memkeys=$(core_defaults | awk -F= '$1 == "BENCH_MEM_KEYS" { print $2 }')
  echo "## 1. Commands and memory with $(fmt "${memkeys:-1000000}") keys (bench/core.sh)"
  echo
  if part_head core; then
    echo "Run as \`$(cat "$WORK/core.cmd" 2>/dev/null)\`."
    echo
    embed "$WORK/core.md"
  fi

  echo "## 2. Pub/sub, one server (load tool)"
  echo
  if part_head pubsub; then
    echo "\`dotnet RedisClone.Benchmarks.dll pubsub --endpoints 127.0.0.1:P --subscribers $PS_SUBSCRIBERS --channels $PS_CHANNELS --publishers $PS_PUBLISHERS --pipeline $PS_PIPELINE --messages $PS_MESSAGES --size $PS_SIZE --duration-limit $PS_DURATION_LIMIT --drain-timeout $PS_DRAIN_TIMEOUT\` (and with \`--patterns\`: PSUBSCRIBE to a pattern matching only the subscriber's channel), against a fresh server of each kind (Redis: \`redis-server --port P --bind 127.0.0.1 --save \"\" --appendonly no\`; Garnet: \`garnet-server --port P --bind 127.0.0.1\`; RedisClone: \`dotnet RedisClone.Node.dll --port P --bind 127.0.0.1\`, one node, not clustered). Subscriber i on channel i % $PS_CHANNELS; each run $PS_R time(s), servers interleaved per repetition; rates and latencies are medians over the runs, lost is summed; latency is publish -> delivery as the tool measures it."
    echo
    echo "| measure | Redis | Garnet | RedisClone | Garnet/Redis | RedisClone/Redis |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for v in $PS_VARIANTS; do
      if [[ $v == channels ]]; then echo "| **SUBSCRIBE: $PS_SUBSCRIBERS subscribers over $PS_CHANNELS channels** | | | | | |"
      else echo "| **PSUBSCRIBE: $PS_SUBSCRIBERS pattern subscribers over $PS_CHANNELS channels** | | | | | |"; fi
      ps_row "deliveries/s" "$v" deliveries_per_sec
      ps_row "published/s" "$v" published_per_sec
      ps_row "delivered per run (expected $(fmt "$(ps_expected "$v")"))" "$v" delivered "" noratio
      ps_row "lost (sum of $PS_R runs)" "$v" lost sum noratio
      ps_row "duplicates + out of order (sum)" "$v" dup_ooo sum noratio
      ps_row "latency p50, us" "$v" p50_us
      ps_row "latency p99, us" "$v" p99_us
      ps_row "latency p99.9, us" "$v" p999_us
      echo "| clean runs (tool exit 0) | $(ps_cell redis "$v" x clean) | $(ps_cell garnet "$v" x clean) | $(ps_cell node "$v" x clean) | | |"
    done
    echo
  fi

  echo "## 3. Memory per idle subscriber"
  echo
  if part_head idle; then
    echo "A fresh server of each kind (Redis and RedisClone with \`--maxclients $(( IDLE_N + 1000 ))\`, Garnet with \`--network-connection-limit $(( IDLE_N + 1000 ))\`: its default is 10000), a warm-up of 100 idle subscribers for 1 s, ${IDLE_SETTLE} s to settle, VmRSS from /proc/PID/status; then \`dotnet RedisClone.Benchmarks.dll idle --subscribe-endpoints 127.0.0.1:P --idle-connections $IDLE_N\` (each connection SUBSCRIBEs to its own channel) until it prints READY (all confirmed), ${IDLE_SETTLE} s, VmRSS again; then SIGTERM to the tool, ${IDLE_SETTLE} s, VmRSS once more. Bytes per idle subscriber = (RSS held - RSS before) / confirmed subscribers. One run per server."
    echo
    echo "| measure | Redis | Garnet | RedisClone | Garnet/Redis | RedisClone/Redis |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    idle_row "**bytes per idle subscriber**" bytes
    idle_row "idle subscribers confirmed" confirmed noratio
    idle_row "connections in CLIENT LIST while held (redis-cli's included)" clients_held noratio
    idle_row "RSS before, MiB" mib_before
    idle_row "RSS with the idle subscribers held, MiB" mib_held
    idle_row "RSS ${IDLE_SETTLE} s after they disconnected, MiB" mib_after
    idle_row "closed by the server while held" closed noratio
    echo
  fi

  echo "## 4. Pub/sub across three nodes (bench/cluster.sh)"
  echo
  if part_head cluster; then
    echo "Run as \`$(cat "$WORK/cluster.cmd" 2>/dev/null)\`. Garnet is not in this comparison (cluster.sh compares a Redis Cluster with a RedisClone cluster)."
    echo
    embed "$WORK/cluster.md"
  fi

  echo "## 5. Tracing overhead"
  echo
  # part_head prints the part's status, so a failed tracing run reads as failed, not as an empty report.
  if part_head tracing; then
    echo "RedisClone only (Redis and Garnet have no OpenTelemetry tracing to compare); \`bash bench/tracing.sh\`:"
    echo
    if [[ -s $WORK/tracing.md ]]; then cat "$WORK/tracing.md"; else echo "_bench/tracing.sh printed no report._"; fi
    echo
  fi

  echo "## Notes"
  echo
  local n any=0
  [[ -n ${1:-} ]] && { echo "- the run did not finish: $1."; any=1; }
  for n in "${NOTES[@]}"; do echo "- $n"; any=1; done
  for s in redis garnet node; do [[ -n ${STATUS[$s]:-} ]] && { echo "- ${LABEL[$s]}: ${STATUS[$s]}"; any=1; }; done
  [[ $any == 0 ]] && echo "- nothing misbehaved: every part completed, every server stayed up, every tool run exited 0."
  return 0
}

# ================================================================= main
log "work dir: $WORK; parts: $PARTS; servers: $SERVERS; time budget ${TOTAL_TIMEOUT}s"
log "open files: ulimit -n $NOFILE ($ULIMIT_NOTE)"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null \
  || die "redis-server / redis-cli / redis-benchmark missing (apt-get install redis-server redis-tools; core.sh does this on a machine with a network)"
command -v python3 >/dev/null || die "python3 missing (used to find free ports)"
GARNET_VERSION_STR="n/a"
if server_active garnet; then
  if [[ -x $GARNET_BIN ]]; then
    GARNET_VERSION_STR=$(garnet_version)
    [[ -n $GARNET_VERSION_STR ]] || GARNET_VERSION_STR="garnet-server (version unknown)"
  else
    note "Garnet is not installed at $GARNET_BIN: core.sh tries to install it (dotnet tool install garnet-server); the pubsub and idle parts show Garnet as n/a"
  fi
fi
build RedisClone.Node "$NODE_DLL"
build RedisClone.Benchmarks "$TOOL_DLL"
PART_TOOK[build]=$(( $(date +%s) - SCRIPT_START ))

for part in $PARTS; do
  case $part in
    core) part_core
          # core.sh may just have installed Garnet
          if server_active garnet && [[ $GARNET_VERSION_STR == n/a && -x $GARNET_BIN ]]; then
            GARNET_VERSION_STR=$(garnet_version)
          fi ;;
    pubsub|idle)
          if server_active garnet && [[ ! -x $GARNET_BIN ]]; then SERVERS=$(echo " $SERVERS " | sed 's/ garnet / /; s/^ *//; s/ *$//'); fi
          "part_$part" ;;
    cluster) part_cluster ;;
    tracing) begin_part tracing
             if timeout 600 bash "$REPO_ROOT/bench/tracing.sh" >"$WORK/tracing.md" 2>"$WORK/tracing.log"; then
               end_part tracing ok
             else
               end_part tracing "bench/tracing.sh exited with code $? (124 = stopped after 600 s); log $WORK/tracing.log"
             fi ;;
  esac
done

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
report >"$WORK/report.md"
REPORTED=1
cat "$WORK/report.md" >&8
if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT" && log "report written to $OUT"; fi
log "done in $(( $(date +%s) - SCRIPT_START ))s"
