# bench/lib.sh — helpers the bench scripts share; `source` it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# It defines functions and the paths below and runs nothing else. Functions that log write to fd 9 (the script's
# own stderr, kept there so a trap can still report while a step's output goes to a file) and use SCRIPT_START.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_DLL=$REPO_ROOT/RedisClone.Node/bin/Release/net10.0/RedisClone.Node.dll
TOOL_DLL=$REPO_ROOT/RedisClone.Benchmarks/bin/Release/net10.0/RedisClone.Benchmarks.dll
declare -gA USED_PORTS=()

# ---------------------------------------------------------------- progress
log() { printf '[%s +%4ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - SCRIPT_START ))" "$*" >&9; }
die() { log "FATAL: $*"; exit 1; }

# Long steps run in the background and are waited for, so that a signal (the watchdog's TERM, Ctrl-C) is handled at
# once instead of after the step; the cleanup trap stops STEP_PID.
run_step() { "$@" </dev/null 8>&- 9>&- & STEP_PID=$!; wait "$STEP_PID"; local rc=$?; STEP_PID=""; return "$rc"; }

# start_watchdog SECONDS [MESSAGE] — TERM to this script after SECONDS (MESSAGE to fd 9 first); sets WATCHDOG_PID.
# On TERM the watchdog kills its own sleep, so nothing is left behind.
start_watchdog() {
  ( trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    sleep "$1" & sp=$!
    wait "$sp" && { [[ -n ${2:-} ]] && echo "$2" >&9; kill -TERM $$ 2>/dev/null; } ) >/dev/null 2>&1 8>&- &
  WATCHDOG_PID=$!
}

# ---------------------------------------------------------------- numbers
# Median of the numbers on stdin, one a line; with an even count the mean of the middle two; empty if none.
# %.15g keeps a large mean exact (awk's own print would turn 1234567.5 into 1.23457e+06).
median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else printf "%.15g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() {   # ratio A B [FALLBACK] — A/B with two decimals; FALLBACK (default empty) if either is not a number or B is 0
  awk -v a="$1" -v b="$2" -v f="${3:-}" 'BEGIN { if (a ~ /^-?[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a/b; else print f }'
}
fmt() {   # fmt X [keep] — thousands separators, rounded to a whole number (keep: one decimal stays); not a number: as is
  awk -v x="$1" -v keep="${2:-}" 'BEGIN { if (x ~ /^-?[0-9]+(\.[0-9]+)?$/) { neg = x < 0; if (neg) x = -x; f = ""
      if (keep != "" && x ~ /\./) { f = sprintf("%.1f", x); f = substr(f, index(f, ".")); x = int(x) } else x = sprintf("%.0f", x)
      o = ""; while (length(x) > 3) { o = "," substr(x, length(x)-2) o; x = substr(x, 1, length(x)-3) } print (neg ? "-" : "") x o f } else print x }'
}

# ---------------------------------------------------------------- ports
port_free() {   # port_free P — nobody listens on 127.0.0.1:P and we can bind it
  local p=$1
  if command -v python3 >/dev/null; then
    python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$p" 2>/dev/null || return 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  return 0
}
# free_port [OFFSET] — sets FREE_PORT to a free loopback port in 20000-44999 (never 6379) not handed out before; with
# OFFSET, FREE_PORT+OFFSET is free and reserved too (Redis's cluster bus is always P+10000). Not echoed: USED_PORTS
# must be updated in the calling shell.
free_port() {
  local off=${1:-} p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 25000 ))
    [[ -n ${USED_PORTS[$p]:-} ]] && continue
    if [[ -n $off ]]; then
      [[ -n ${USED_PORTS[$((p + off))]:-} || -n ${USED_PORTS[$((p - off))]:-} ]] && continue
      port_free "$p" && port_free $((p + off)) || continue
      USED_PORTS[$((p + off))]=1
    else
      port_free "$p" || continue
    fi
    USED_PORTS[$p]=1; FREE_PORT=$p; return 0
  done
  return 1
}

# ---------------------------------------------------------------- servers
# start_server_process KIND PORT DIR [ARG...] — redis-server, garnet-server (GARNET_BIN) or the Release node on
# 127.0.0.1:PORT, started in DIR in the background with the bench's standard options; sets SERVER_PID. The caller
# redirects its output.
start_server_process() {
  local kind=$1 port=$2 dir=$3; shift 3
  case $kind in
    redis)  (cd "$dir" && exec redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no "$@") 8>&- 9>&- & ;;
    garnet) (cd "$dir" && exec "$GARNET_BIN" --port "$port" --bind 127.0.0.1 "$@") 8>&- 9>&- & ;;
    node)   (cd "$dir" && exec dotnet "$NODE_DLL" --port "$port" --bind 127.0.0.1 "$@") 8>&- 9>&- & ;;
    *) return 1 ;;
  esac
  SERVER_PID=$!
}
# wait_ping PORT PID DEADLINE — 0 once 127.0.0.1:PORT answers PONG; 1 if PID exited first; 2 at DEADLINE (epoch s)
wait_ping() {
  while (( $(date +%s) < $3 )); do
    kill -0 "$2" 2>/dev/null || return 1
    [[ $(timeout 2 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | tr -d '\r') == PONG ]] && return 0
    sleep 0.2
  done
  return 2
}
# stop_pid PID WHAT — TERM, up to 10 s, then KILL; only a PID the script started. Returns 1 if it took a KILL.
stop_pid() {
  local p=$1 what=$2 i killed=0
  [[ -z $p ]] && return 0
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      log "$what (pid $p) did not stop within 10 s of TERM; sending KILL"
      kill -KILL "$p" 2>/dev/null; killed=1
    fi
  fi
  wait "$p" 2>/dev/null
  return "$killed"
}
# The servers of a script live in the associative arrays PID and PORT, keyed by the script's own names.
alive() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }
cli() { timeout 10 redis-cli -h 127.0.0.1 -p "${PORT[$1]}" "${@:2}" 2>/dev/null | tr -d '\r'; }

# ---------------------------------------------------------------- prerequisites
ensure_redis() {
  if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null; then return 0; fi
  log "redis-server/redis-tools missing: installing with apt-get"
  # Keep the package's init script from starting a service on 6379.
  local policy_added=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_added=1; fi
  timeout 300 apt-get update -q >&2 || log "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q redis-server redis-tools >&2
  local rc=$?
  [[ $policy_added == 1 ]] && rm -f /usr/sbin/policy-rc.d
  [[ $rc == 0 ]] || die "apt-get install redis-server redis-tools failed (rc=$rc)"
}
# build PROJECT DLL — dotnet build -c Release, log in WORK; skipped if SKIP_BUILD is 1 and DLL exists (SKIP_BUILD_KNOB
# names the script's variable for that, in the message)
build() {
  local proj=$1 dll=$2
  if [[ ${SKIP_BUILD:-0} == 1 && -f $dll ]]; then log "${SKIP_BUILD_KNOB:-SKIP_BUILD}=1: using existing $dll"; return 0; fi
  log "building: dotnet build $proj -c Release"
  if ! run_step timeout 600 dotnet build "$REPO_ROOT/$proj" -c Release -nologo --disable-build-servers >"$WORK/build-$proj.log" 2>&1; then
    tail -20 "$WORK/build-$proj.log" >&9
    die "build of $proj failed (log: $WORK/build-$proj.log)"
  fi
  [[ -f $dll ]] || die "build succeeded but $dll is missing"
}
# The quiet build of the short scripts (tracing.sh, cpu_per_op.sh): no log, fails the script on error.
build_node_quiet() { dotnet build "$REPO_ROOT/RedisClone.Node" -c Release -v q -nologo >/dev/null; }

# ---------------------------------------------------------------- machine description, for the reports
garnet_version() { timeout 20 "$GARNET_BIN" --version 2>/dev/null | head -1 | tr -d '\r'; }
cpu_model() { lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'; }
memory_total() { free -h | awk '/^Mem:/ {print $2}'; }
dotnet_versions() { echo "$(dotnet --version 2>/dev/null) (runtime $(dotnet --list-runtimes 2>/dev/null | awk '/NETCore.App/ {v=$2} END {print v}'))"; }
