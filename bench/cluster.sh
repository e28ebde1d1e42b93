#!/usr/bin/env bash
# bench/cluster.sh — pub/sub across three nodes: a 3-node Redis Cluster (Debian's
# redis-server) against a 3-node RedisClone cluster (gRPC gossip), driven by the
# project's load tool (RedisClone.Benchmarks pubsub), on this machine.
#
# Usage (from anywhere):   bash bench/cluster.sh
# Quick validation run:    CBENCH_SUBSCRIBERS=30 CBENCH_MESSAGES=2000 CBENCH_RATE_MESSAGES=2000 \
#                          CBENCH_TRAFFIC_MESSAGES=2000 CBENCH_R=1 bash bench/cluster.sh
#
# Scenarios (run against each cluster; publishers always on node 1):
#   1  subscribers spread round-robin over nodes 1, 2, 3; unpaced, pipelined publishers
#   2  the same with subscribers on nodes 2 and 3 only (every delivery crosses the cluster)
#   3  subscribers on nodes 1, 2, 3; paced at CBENCH_RATE messages/s in total (latency under load)
#   4  subscribers on node 2 only; what node 3 (no subscribers) receives meanwhile
#
# Environment variables (defaults in brackets):
#   CBENCH_SUBSCRIBERS      subscriber connections (scenarios 1-4)            [300]
#   CBENCH_CHANNELS         channels; subscriber i subscribes to i % C         [10]
#   CBENCH_PUBLISHERS       publisher connections, all on node 1              [2]
#   CBENCH_PIPELINE         PUBLISH in flight per publisher                   [16]
#   CBENCH_SIZE             payload bytes                                     [64]
#   CBENCH_MESSAGES         messages per run of scenarios 1 and 2             [200000]
#   CBENCH_RATE             messages/s in total in scenario 3                 [5000]
#   CBENCH_RATE_MESSAGES    messages per run of scenario 3                    [50000: 10 s at 5000/s]
#   CBENCH_TRAFFIC_MESSAGES messages per run of scenario 4                    [20000]
#   CBENCH_R                repetitions of every run; medians are shown       [3]
#   CBENCH_WARMUP           warm-up runs of scenario 1 per cluster, not counted [2]
#   CBENCH_WARMUP_MESSAGES  messages per warm-up run                          [100000]
#   CBENCH_SCENARIOS        which scenarios to run                            ["1 2 3 4"]
#   CBENCH_CLUSTERS         which clusters: redis and/or clone                ["redis clone"]
#   CBENCH_DURATION_LIMIT   the tool stops publishing after S seconds         [60]
#   CBENCH_DRAIN_TIMEOUT    the tool stops waiting after S s without delivery [5]
#   CBENCH_STEP_TIMEOUT     seconds allowed for one run of the tool           [150]
#   CBENCH_START_TIMEOUT    seconds a cluster has to form                     [60]
#   CBENCH_TOTAL_TIMEOUT    seconds for the whole script (watchdog)           [900]
#   CBENCH_SKIP_BUILD       if 1, do not rebuild (uses the existing Release builds) [0]
#   CBENCH_OUT              also write the Markdown report to this file       [unset]
#   CBENCH_WORKDIR          logs, raw results, server dirs                    [mktemp -d /tmp/redisclone-cbench.XXXXXX]
#
# Progress goes to stderr; the Markdown report goes to stdout (and CBENCH_OUT).
# Only 127.0.0.1 is ever contacted. Every server the script starts is stopped on
# exit (normal end, error, Ctrl-C, watchdog), by PID.

set -u -o pipefail

SCRIPT_START=$(date +%s)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUBSCRIBERS=${CBENCH_SUBSCRIBERS:-300}
CHANNELS=${CBENCH_CHANNELS:-10}
PUBLISHERS=${CBENCH_PUBLISHERS:-2}
PIPELINE=${CBENCH_PIPELINE:-16}
SIZE=${CBENCH_SIZE:-64}
MESSAGES=${CBENCH_MESSAGES:-200000}
RATE=${CBENCH_RATE:-5000}
RATE_MESSAGES=${CBENCH_RATE_MESSAGES:-50000}
TRAFFIC_MESSAGES=${CBENCH_TRAFFIC_MESSAGES:-20000}
R=${CBENCH_R:-3}
WARMUP=${CBENCH_WARMUP:-2}
WARMUP_MESSAGES=${CBENCH_WARMUP_MESSAGES:-100000}
SCENARIOS=${CBENCH_SCENARIOS:-"1 2 3 4"}
CLUSTERS=${CBENCH_CLUSTERS:-"redis clone"}
DURATION_LIMIT=${CBENCH_DURATION_LIMIT:-60}
DRAIN_TIMEOUT=${CBENCH_DRAIN_TIMEOUT:-5}
STEP_TIMEOUT=${CBENCH_STEP_TIMEOUT:-150}
START_TIMEOUT=${CBENCH_START_TIMEOUT:-60}
TOTAL_TIMEOUT=${CBENCH_TOTAL_TIMEOUT:-900}
SKIP_BUILD=${CBENCH_SKIP_BUILD:-0} SKIP_BUILD_KNOB=CBENCH_SKIP_BUILD
OUT=${CBENCH_OUT:-}
WORK=${CBENCH_WORKDIR:-$(mktemp -d /tmp/redisclone-cbench.XXXXXX)}
mkdir -p "$WORK"
RESULTS=$WORK/results
mkdir -p "$RESULTS"
# A reused work directory must not mix an earlier run's results into this report.
: >"$RESULTS/runs.txt"

# Progress goes to the script's own stderr, kept on fd 9, and the report to its
# own stdout, kept on fd 8: a trap can fire while a step's output is redirected
# to a file.
exec 9>&2 8>&1

for v in SUBSCRIBERS CHANNELS PUBLISHERS PIPELINE SIZE R WARMUP RATE DURATION_LIMIT DRAIN_TIMEOUT STEP_TIMEOUT START_TIMEOUT TOTAL_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "CBENCH_$v must be a whole number (got '${!v}')"
done
for v in MESSAGES RATE_MESSAGES TRAFFIC_MESSAGES WARMUP_MESSAGES; do
  [[ ${!v} =~ ^[0-9]+[kKmM]?$ ]] || die "CBENCH_$v must be a number, optionally with k or m (got '${!v}')"
done
(( R >= 1 )) || die "CBENCH_R must be at least 1"
for c in $CLUSTERS; do [[ $c == redis || $c == clone ]] || die "unknown cluster '$c' in CBENCH_CLUSTERS (use redis, clone)"; done
for s in $SCENARIOS; do [[ $s =~ ^[1-4]$ ]] || die "unknown scenario '$s' in CBENCH_SCENARIOS (use 1 2 3 4)"; done

declare -A PID=() PORT=() GPORT=() NOTES=() STATUS=()
declare -A LABEL=([redis]="Redis Cluster" [clone]="RedisClone")
WATCHDOG_PID=""
STEP_PID=""
REPORTED=0
STOP_REASON=""
RUNNING=()
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_END=""

# ---------------------------------------------------------------- cleanup
stop_server() {   # stop_server NAME (redis1..3, clone1..3) — TERM, up to 10 s, then KILL; only our own PID
  local s=$1
  stop_pid "${PID[$s]:-}" "$s" || NOTES[${s%[0-9]}]+="$s did not stop within 10 s of SIGTERM (killed). "
  PID[$s]=""
}
stop_cluster() { local c=$1 k; for k in 1 2 3; do stop_server "$c$k"; done; }
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local s
  if [[ -n $STEP_PID ]]; then kill -TERM "$STEP_PID" 2>/dev/null; wait "$STEP_PID" 2>/dev/null; fi
  for s in "${!PID[@]}"; do stop_server "$s"; done
  if [[ $REPORTED == 0 && -s $RESULTS/runs.txt ]]; then
    LOAD_END=${LOAD_END:-$(cut -d' ' -f1-3 /proc/loadavg)}
    report "${STOP_REASON:-stopped (exit code $rc)}" >"$WORK/report.md" 2>/dev/null
    cat "$WORK/report.md" >&8
    if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT"; fi
  fi
  if [[ -n $WATCHDOG_PID ]]; then kill -TERM "$WATCHDOG_PID" 2>/dev/null; wait "$WATCHDOG_PID" 2>/dev/null; fi
  log "logs and raw results kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'STOP_REASON="interrupted (SIGINT)"; log "interrupted"; exit 130' INT
trap 'STOP_REASON="stopped by the watchdog (CBENCH_TOTAL_TIMEOUT=${TOTAL_TIMEOUT}s) or SIGTERM"; log "terminated (watchdog or signal)"; exit 143' TERM

# Watchdog: the whole script is bounded in time whatever happens.
start_watchdog "$TOTAL_TIMEOUT" "[watchdog] CBENCH_TOTAL_TIMEOUT=${TOTAL_TIMEOUT}s reached: stopping"

# ---------------------------------------------------------------- ports
# Every server gets a port P with P+10000 free too (Redis's cluster bus is
# always P+10000; RedisClone's gossip port is given explicitly as P+10000):
# free_port 10000.

# ---------------------------------------------------------------- servers
cluster_alive() { local c=$1 k; for k in 1 2 3; do alive "$c$k" || return 1; done; }
ep() { echo "127.0.0.1:${PORT[$1$2]}"; }   # ep CLUSTER K

launch() {   # launch NAME COMMAND... — in its own dir, output to NAME.log
  local s=$1; shift
  local dir=$WORK/$s; mkdir -p "$dir"
  echo "=== start $(date) : $*" >>"$WORK/$s.log"
  (cd "$dir" && exec "$@") >>"$WORK/$s.log" 2>&1 8>&- 9>&- &
  PID[$s]=$!
}

wait_up() {   # wait_up NAME DEADLINE
  local s=$1
  wait_ping "${PORT[$s]}" "${PID[$s]:-}" "$2"
  case $? in
    0) return 0 ;;
    1) log "$s exited during startup; last log lines:"; tail -5 "$WORK/$s.log" >&9; return 1 ;;
    *) log "$s did not answer PING in time"; return 1 ;;
  esac
}

start_redis_cluster() {
  local k p deadline=$(( $(date +%s) + START_TIMEOUT ))
  for k in 1 2 3; do
    free_port 10000 || { log "no free loopback port pair"; return 1; }; p=$FREE_PORT
    PORT[redis$k]=$p; GPORT[redis$k]=$((p + 10000))
    launch "redis$k" redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$WORK/redis$k/nodes-$p.conf" --save "" --appendonly no --daemonize no
  done
  for k in 1 2 3; do wait_up "redis$k" "$deadline" || return 1; done
  log "Redis nodes up on ports ${PORT[redis1]} ${PORT[redis2]} ${PORT[redis3]} (bus +10000); redis-cli --cluster create"
  if ! run_step timeout -k 5 "$START_TIMEOUT" redis-cli --cluster create "$(ep redis 1)" "$(ep redis 2)" "$(ep redis 3)" \
        --cluster-replicas 0 --cluster-yes >"$WORK/redis-cluster-create.log" 2>&1; then
    log "redis-cli --cluster create failed; see $WORK/redis-cluster-create.log"; tail -5 "$WORK/redis-cluster-create.log" >&9; return 1
  fi
  while (( $(date +%s) < deadline )); do
    local ok=0
    for k in 1 2 3; do
      local info; info=$(cli "redis$k" cluster info)
      [[ $info == *cluster_state:ok* && $info == *cluster_known_nodes:3* ]] && ok=$((ok + 1))
    done
    (( ok == 3 )) && { log "Redis Cluster formed: cluster_state:ok on all three nodes (pids ${PID[redis1]} ${PID[redis2]} ${PID[redis3]})"; return 0; }
    cluster_alive redis || { log "a Redis node died while the cluster formed"; return 1; }
    sleep 0.3
  done
  log "Redis Cluster: no cluster_state:ok on all three nodes within ${START_TIMEOUT}s"; return 1
}

start_clone_cluster() {
  local k p deadline=$(( $(date +%s) + START_TIMEOUT ))
  for k in 1 2 3; do
    free_port 10000 || { log "no free loopback port pair"; return 1; }; p=$FREE_PORT
    PORT[clone$k]=$p; GPORT[clone$k]=$((p + 10000))
  done
  launch clone1 dotnet "$NODE_DLL" --port "${PORT[clone1]}" --bind 127.0.0.1 --node-name n1 --cluster-port "${GPORT[clone1]}"
  for k in 2 3; do
    launch "clone$k" dotnet "$NODE_DLL" --port "${PORT[clone$k]}" --bind 127.0.0.1 --node-name "n$k" \
      --cluster-port "${GPORT[clone$k]}" --cluster-peers "127.0.0.1:${GPORT[clone1]}"
  done
  for k in 1 2 3; do wait_up "clone$k" "$deadline" || return 1; done
  while (( $(date +%s) < deadline )); do
    local ok=0
    for k in 1 2 3; do [[ $(cli "clone$k" info gossip) == *gossip_peers_alive:2* ]] && ok=$((ok + 1)); done
    (( ok == 3 )) && { log "RedisClone cluster formed: gossip_peers_alive:2 on all three nodes (ports ${PORT[clone1]} ${PORT[clone2]} ${PORT[clone3]}, gossip +10000, pids ${PID[clone1]} ${PID[clone2]} ${PID[clone3]})"; return 0; }
    cluster_alive clone || { log "a RedisClone node died while the cluster formed"; return 1; }
    sleep 0.3
  done
  log "RedisClone cluster: no gossip_peers_alive:2 on all three nodes within ${START_TIMEOUT}s"; return 1
}

# ---------------------------------------------------------------- counters
tcp_bytes_in() {   # bytes received by all established TCP sockets of a process (ss tcp_info bytes_received)
  local p=${PID[$1]:-}
  [[ -n $p ]] && command -v ss >/dev/null || { echo "?"; return; }
  ss -tinpH state established 2>/dev/null | awk -v pat="pid=$p," '
    /^[^ \t]/ { mine = index($0, pat) > 0; next }
    mine && match($0, /bytes_received:[0-9]+/) { s += substr($0, RSTART + 15, RLENGTH - 15); mine = 0 }
    END { printf "%.0f\n", s }'
}
info_field() { awk -F: -v k="$1" '$1 == k { print $2; exit }'; }
gossip_sum() {   # gossip_sum FIELD [PEERNAME] — sum over the peer lines of INFO gossip on stdin
  awk -v f="$1" -v peer="${2:-}" '
    /^peer[0-9]+:/ { line = substr($0, index($0, ":") + 1); n = split(line, kv, ","); ok = (peer == ""); v = 0
      for (i = 1; i <= n; i++) { split(kv[i], a, "="); if (a[1] == "name" && a[2] == peer) ok = 1; if (a[1] == f) v = a[2] }
      if (ok) s += v }
    END { printf "%.0f\n", s }'
}
snapshot() {   # snapshot CLUSTER FILE — the node-3 traffic counters, key=value per line
  local c=$1 f=$2 i1 i3
  {
    echo "tcp_in3=$(tcp_bytes_in "${c}3")"
    if [[ $c == redis ]]; then
      i1=$(cli redis1 cluster info); i3=$(cli redis3 cluster info)
      echo "pub_sent1=$(info_field cluster_stats_messages_publish_sent <<<"$i1")"
      echo "pub_recv3=$(info_field cluster_stats_messages_publish_received <<<"$i3")"
      echo "all_recv3=$(info_field cluster_stats_messages_received <<<"$i3")"
    else
      i1=$(cli clone1 info gossip); i3=$(cli clone3 info gossip)
      echo "pub_sent1=$(gossip_sum messages_out <<<"$i1")"
      echo "to3_msgs=$(gossip_sum messages_out n3 <<<"$i1")"
      echo "to3_bytes=$(gossip_sum bytes_out n3 <<<"$i1")"
      echo "to2_bytes=$(gossip_sum bytes_out n2 <<<"$i1")"
      echo "pub_recv3=$(gossip_sum messages_in <<<"$i3")"
      echo "bytes_in3=$(gossip_sum bytes_in <<<"$i3")"
    fi
  } >"$f"
}
cpu_ticks() {   # cpu_ticks PID — user+system clock ticks of one process
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
delta() {   # delta KEY BEFORE AFTER
  local a b
  a=$(awk -F= -v k="$1" '$1 == k { print $2 }' "$2"); b=$(awk -F= -v k="$1" '$1 == k { print $2 }' "$3")
  if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]]; then echo $(( b - a )); else echo "?"; fi
}

# ---------------------------------------------------------------- runs
sub_nodes() { case $1 in 1|3) echo "1 2 3" ;; 2) echo "2 3" ;; 4) echo "2" ;; esac; }
scenario_messages() { case $1 in 1|2) echo "$MESSAGES" ;; 3) echo "$RATE_MESSAGES" ;; 4) echo "$TRAFFIC_MESSAGES" ;; esac; }
scenario_rate() { [[ $1 == 3 ]] && echo "$RATE" || echo 0; }

tool_args() {   # tool_args CLUSTER SCENARIO — the pubsub options, endpoints included
  local c=$1 s=$2 k subs=""
  for k in $(sub_nodes "$s"); do subs+="${subs:+,}$(ep "$c" "$k")"; done
  echo "pubsub --publish-endpoints $(ep "$c" 1) --subscribe-endpoints $subs --subscribers $SUBSCRIBERS --channels $CHANNELS" \
       "--publishers $PUBLISHERS --pipeline $PIPELINE --messages $(scenario_messages "$s") --size $SIZE --rate $(scenario_rate "$s")" \
       "--duration-limit $DURATION_LIMIT --drain-timeout $DRAIN_TIMEOUT"
}

run_once() {   # run_once CLUSTER SCENARIO REP — one run of the tool; appends a result line
  local c=$1 s=$2 rep=$3 base=$RESULTS/$1.s$2.r$3
  # shellcheck disable=SC2046
  local args; args=$(tool_args "$c" "$s")
  echo "dotnet $TOOL_DLL $args" >"$base.cmd"
  [[ $s == 4 ]] && snapshot "$c" "$base.before"
  local k cpu_before=()
  for k in 1 2 3; do cpu_before[k]=$(cpu_ticks "${PID[$c$k]}"); done
  # shellcheck disable=SC2086
  run_step timeout -k 5 "$STEP_TIMEOUT" dotnet "$TOOL_DLL" $args >"$base.out" 2>"$base.err"
  local rc=$?
  # CPU milliseconds of each node during the run (the tool reports its own as tool_cpu_ms)
  local hz; hz=$(getconf CLK_TCK)
  local cpu_extra="" nodes_ms=0 ms
  for k in 1 2 3; do
    ms=$(( ( $(cpu_ticks "${PID[$c$k]}") - cpu_before[k] ) * 1000 / hz )); nodes_ms=$(( nodes_ms + ms ))
    cpu_extra+=" cpu_node${k}_ms=$ms"
  done
  cpu_extra+=" cpu_nodes_ms=$nodes_ms"
  [[ $s == 4 ]] && { sleep 0.5; snapshot "$c" "$base.after"; }
  local summary; summary=$(grep '^SUMMARY ' "$base.out" | tail -1)
  local extra="tool_rc=$rc$cpu_extra"
  if [[ $s == 4 ]]; then
    for k in tcp_in3 pub_sent1 pub_recv3 all_recv3 to3_msgs to3_bytes to2_bytes bytes_in3; do
      grep -q "^$k=" "$base.before" && extra+=" d_$k=$(delta "$k" "$base.before" "$base.after")"
    done
  fi
  echo "cluster=$c scenario=$s rep=$rep $extra ${summary#SUMMARY }" >>"$RESULTS/runs.txt"
  local brief; brief=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(deliveries_per_sec|lost|p50_us|p99_us|p999_us|closed_subscribers)=/) printf "%s ", $i }' <<<"$summary")
  if [[ -z $summary ]]; then
    log "  ${LABEL[$c]} scenario $s rep $rep: NO SUMMARY (tool exit $rc; 124 = timed out after ${STEP_TIMEOUT}s); stderr: $(tail -3 "$base.err" | tr '\n' ' ')"
    NOTES[$c]+="scenario $s rep $rep: the tool printed no SUMMARY (exit $rc). "
  else
    log "  ${LABEL[$c]} scenario $s rep $rep: ${brief}exit $rc"
    (( rc != 0 )) && NOTES[$c]+="scenario $s rep $rep: tool exit $rc ($(grep -o 'lost=[0-9]* duplicates=[0-9]* out_of_order=[0-9]* unexpected=[0-9]* publish_errors=[0-9]* closed_subscribers=[0-9]*' <<<"$summary"), stopped=$(grep -o 'stopped=[^ ]*' <<<"$summary" | cut -d= -f2)). "
  fi
  if ! cluster_alive "$c"; then
    log "  ${LABEL[$c]}: a node DIED during scenario $s rep $rep (logs in $WORK)"
    STATUS[$c]="crashed"; NOTES[$c]+="a node died during scenario $s rep $rep. "
  fi
  sleep 1   # let the subscribers' disconnects settle before the next run
}

# ---------------------------------------------------------------- report
values() {   # values CLUSTER SCENARIO KEY — one value per run
  awk -v c="cluster=$1" -v s="scenario=$2" -v k="$3" '
    $1 == c && $2 == s { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k && a[2] ~ /^-?[0-9.]+$/) print a[2] } }' "$RESULTS/runs.txt" 2>/dev/null
}
cell() {   # cell CLUSTER SCENARIO KEY [sum] — median (or sum) over the runs; n/a if not run
  local c=$1 s=$2 k=$3 how=${4:-median} v
  if [[ " ${RUNNING[*]} " != *" $c "* ]]; then echo "n/a"; return; fi
  grep -q "^cluster=$c scenario=$s " "$RESULTS/runs.txt" 2>/dev/null || { echo "not run"; return; }
  if [[ $how == sum ]]; then v=$(values "$c" "$s" "$k" | awk '{ s += $1; n++ } END { if (n) printf "%d", s }')
  else v=$(values "$c" "$s" "$k" | median); fi
  # a counter this cluster does not have: n/a; a run that gave no number: err
  if [[ -z $v && $k == d_* ]] && grep -q "^cluster=$c scenario=$s " "$RESULTS/runs.txt" 2>/dev/null \
     && ! grep "^cluster=$c scenario=$s " "$RESULTS/runs.txt" | grep -q " $k="; then v="n/a"; fi
  echo "${v:-err}"
}
gcd() { local a=$1 b=$2 t; while (( b )); do t=$((a % b)); a=$b; b=$t; done; echo "$a"; }
row() {   # row LABEL SCENARIO KEY [sum]
  local r n; r=$(cell redis "$2" "$3" "${4:-}"); n=$(cell clone "$2" "$3" "${4:-}")
  echo "| $1 | $(fmt "$r") | $(fmt "$n") | $(ratio "$n" "$r") |"
}
scenario_title() {
  local s=$1 e; e=$(sub_nodes "$s" | wc -w)
  local spread="each channel's subscribers on $(( e / $(gcd "$CHANNELS" "$e") )) of the $e subscribe node(s)"
  case $s in
    1) echo "(1) publishers on node 1, $SUBSCRIBERS subscribers on nodes 1-3 ($spread), $(fmt "$MESSAGES") messages, unpaced" ;;
    2) echo "(2) publishers on node 1, $SUBSCRIBERS subscribers on nodes 2-3 ($spread), $(fmt "$MESSAGES") messages, unpaced" ;;
    3) echo "(3) publishers on node 1, $SUBSCRIBERS subscribers on nodes 1-3, $(fmt "$RATE") messages/s fixed rate, $(fmt "$RATE_MESSAGES") messages" ;;
    4) echo "(4) publishers on node 1, $SUBSCRIBERS subscribers on node 2 only, $(fmt "$TRAFFIC_MESSAGES") messages unpaced; node 3 has no subscriber" ;;
  esac
}

CMD="CBENCH_WARMUP=$WARMUP CBENCH_WARMUP_MESSAGES=$WARMUP_MESSAGES CBENCH_SUBSCRIBERS=$SUBSCRIBERS CBENCH_CHANNELS=$CHANNELS CBENCH_PUBLISHERS=$PUBLISHERS CBENCH_PIPELINE=$PIPELINE CBENCH_SIZE=$SIZE CBENCH_MESSAGES=$MESSAGES CBENCH_RATE=$RATE CBENCH_RATE_MESSAGES=$RATE_MESSAGES CBENCH_TRAFFIC_MESSAGES=$TRAFFIC_MESSAGES CBENCH_R=$R CBENCH_SCENARIOS=\"$SCENARIOS\" CBENCH_CLUSTERS=\"$CLUSTERS\" bash bench/cluster.sh"
COMMIT=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")

report() {   # report [INCOMPLETE-REASON]
  local elapsed=$(( $(date +%s) - SCRIPT_START ))
  echo "## Pub/sub across three nodes: Redis Cluster vs RedisClone"
  echo
  [[ -n ${1:-} ]] && { echo "**INCOMPLETE: $1 after ${elapsed}s; only the runs that finished are shown.**"; echo; }
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: nproc=$(nproc), memory total $(memory_total), CPU: $(cpu_model), kernel $(uname -sr); load average at start $LOAD_START, at end $LOAD_END (other work shares the machine)"
  echo "- Redis: $(redis-server --version | head -1), \`redis-server --port P --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file DIR/nodes-P.conf --save \"\" --appendonly no --daemonize no\` x3, \`redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes\`"
  echo "- RedisClone: commit $COMMIT, Release build, \`dotnet RedisClone.Node.dll --port P --bind 127.0.0.1 --node-name nK --cluster-port P+10000\`, nodes 2 and 3 with \`--cluster-peers 127.0.0.1:<node 1's cluster port>\`"
  echo "- dotnet: $(dotnet_versions)"
  echo "- load: \`dotnet RedisClone.Benchmarks.dll pubsub --publish-endpoints NODE1 --subscribe-endpoints <nodes> --subscribers $SUBSCRIBERS --channels $CHANNELS --publishers $PUBLISHERS --pipeline $PIPELINE --messages M --size $SIZE --rate RATE --duration-limit $DURATION_LIMIT --drain-timeout $DRAIN_TIMEOUT\` (subscriber i on channel i % $CHANNELS and subscribe node i % <number of nodes>; the tool runs on the same 2 cores as the servers); the exact command of every run is in $RESULTS/*.cmd"
  echo "- before the measured runs, each cluster gets $WARMUP warm-up run(s) of scenario 1 with $(fmt "$WARMUP_MESSAGES") messages, not counted (RedisClone's JIT tiers its code up over the first few hundred thousand messages)"
  echo "- every run $R time(s), clusters interleaved per repetition; rates and latencies are medians over the runs, lost is summed over them; latency is publish -> delivery as the tool measures it"
  echo "- command: \`$CMD\` (took ${elapsed}s)"
  echo
  echo "| scenario | Redis Cluster | RedisClone | ratio RedisClone/Redis |"
  echo "| --- | ---: | ---: | ---: |"
  local s t
  for s in $SCENARIOS; do
    t=$(scenario_title "$s")
    echo "| **$t** | | | |"
    if [[ $s != 4 ]]; then
      row "deliveries/s" "$s" deliveries_per_sec
      row "published/s" "$s" published_per_sec
      row "lost (of $(fmt "$(cell redis "$s" expected)") / $(fmt "$(cell clone "$s" expected)") expected per run; sum of $R runs)" "$s" lost sum
      row "latency p50, us" "$s" p50_us
      row "latency p99, us" "$s" p99_us
      row "latency p99.9, us" "$s" p999_us
      row "CPU of the three nodes during the run, ms" "$s" cpu_nodes_ms
      row "CPU of the load tool during the run, ms" "$s" tool_cpu_ms
    else
      row "deliveries/s (to node 2)" "$s" deliveries_per_sec
      row "lost (sum of $R runs)" "$s" lost sum
      row "node 3: publish messages received from the cluster (Redis: Δ cluster_stats_messages_publish_received; RedisClone: Δ Σ peers' messages_in)" "$s" d_pub_recv3
      row "node 3: TCP bytes received, all its sockets (Δ Σ ss bytes_received; pings/heartbeats included)" "$s" d_tcp_in3
      local r n
      r=$(cell redis "$s" d_tcp_in3); n=$(cell clone "$s" d_tcp_in3)
      r=$(awk -v b="$r" -v m="$(cell redis "$s" published)" 'BEGIN { if (b ~ /^[0-9.]+$/ && m ~ /^[0-9.]+$/ && m > 0) printf "%.1f", b/m; else print b }')
      n=$(awk -v b="$n" -v m="$(cell clone "$s" published)" 'BEGIN { if (b ~ /^[0-9.]+$/ && m ~ /^[0-9.]+$/ && m > 0) printf "%.1f", b/m; else print b }')
      echo "| node 3: TCP bytes received per published message | $r | $n | $(ratio "$n" "$r") |"
      row "node 1: publish messages sent to the cluster, all peers (Redis: Δ cluster_stats_messages_publish_sent; RedisClone: Δ Σ peers' messages_out)" "$s" d_pub_sent1
      row "node 1 -> node 3: messages_out (RedisClone INFO gossip, peer n3; Redis Cluster has no per-peer counter)" "$s" d_to3_msgs
      echo "| node 1 -> node 3 bytes_out / node 1 -> node 2 bytes_out (RedisClone INFO gossip) | | $(fmt "$(cell clone "$s" d_to3_bytes)") / $(fmt "$(cell clone "$s" d_to2_bytes)") | |"
    fi
  done
  echo
  echo "Ratio: RedisClone divided by Redis Cluster (for rates higher is better for RedisClone, for latencies and traffic lower is)."
  echo
  local c any=0
  for c in redis clone; do
    if [[ -n ${STATUS[$c]:-} || -n ${NOTES[$c]:-} ]]; then
      [[ $any == 0 ]] && { echo "Notes:"; any=1; }
      echo "- ${LABEL[$c]}: ${STATUS[$c]:-ok}. ${NOTES[$c]:-}"
    fi
  done
  return 0
}

# ================================================================= main
log "work dir: $WORK"
ensure_redis
build RedisClone.Benchmarks "$TOOL_DLL"
[[ " $CLUSTERS " == *" clone "* ]] && build RedisClone.Node "$NODE_DLL"

for c in $CLUSTERS; do
  log "starting the ${LABEL[$c]}"
  if start_${c}_cluster; then RUNNING+=("$c")
  else STATUS[$c]="failed to start"; NOTES[$c]+="the cluster did not form (logs in $WORK). "; stop_cluster "$c"; fi
done
(( ${#RUNNING[@]} > 0 )) || die "no cluster could be started"

# RedisClone's JIT tiers code up over its first few hundred thousand messages
# (and the rest of its start-up); both clusters get the same unmeasured runs.
warm_up() {   # warm_up CLUSTER
  local c=$1 i args
  for i in $(seq 1 "$WARMUP"); do
    args=$(MESSAGES=$WARMUP_MESSAGES tool_args "$c" 1)
    log "warm-up $i/$WARMUP: ${LABEL[$c]} (scenario 1, $WARMUP_MESSAGES messages, not counted)"
    # shellcheck disable=SC2086
    run_step timeout -k 5 "$STEP_TIMEOUT" dotnet "$TOOL_DLL" $args >"$RESULTS/$c.warmup$i.out" 2>&1 \
      || log "  warm-up run exited with $? (see $RESULTS/$c.warmup$i.out)"
    sleep 1
  done
}
for c in "${RUNNING[@]}"; do warm_up "$c"; done

# Each repetition visits every cluster in turn (interleaved), so slow drift of
# the machine (other work on it) hits both alike.
for s in $SCENARIOS; do
  for rep in $(seq 1 "$R"); do
    for c in "${RUNNING[@]}"; do
      [[ -n ${STATUS[$c]:-} ]] && continue
      log "scenario $s, rep $rep/$R: ${LABEL[$c]}"
      run_once "$c" "$s" "$rep"
    done
  done
done
# last words of the clusters: RedisClone's replay gaps, output-buffer disconnections on every node
for c in "${RUNNING[@]}"; do
  for k in 1 2 3; do
    alive "$c$k" || continue
    obl=$(cli "$c$k" info stats | info_field client_output_buffer_limit_disconnections)
    [[ -n $obl && $obl != 0 ]] && NOTES[$c]+="node $k: client_output_buffer_limit_disconnections=$obl. "
    if [[ $c == clone ]]; then
      gaps=$(cli "$c$k" info gossip | info_field gossip_replay_gaps)
      [[ -n $gaps && $gaps != 0 ]] && NOTES[$c]+="node $k: gossip_replay_gaps=$gaps. "
    fi
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
for c in "${RUNNING[@]}"; do stop_cluster "$c"; done

report >"$WORK/report.md"
REPORTED=1
cat "$WORK/report.md" >&8
if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT" && log "report written to $OUT"; fi
log "done in $(( $(date +%s) - SCRIPT_START ))s"
