#!/usr/bin/env bash
# bench/tracing.sh — cost of tracing on the node: redis-benchmark throughput with tracing off (no OTLP endpoint), with
# OTLP export and the default sampler (parent-based always-on), and with OTEL_TRACES_SAMPLER=always_on, exporting to
# a local OTLP/HTTP receiver (a small python3 server that accepts and discards). Median of R runs per setting.
# Usage: bash bench/tracing.sh   (env: TRACE_N [200000], TRACE_N_PIPE [2000000], TRACE_R [3]); ports on 127.0.0.1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
N=${TRACE_N:-200000}; N_PIPE=${TRACE_N_PIPE:-2000000}; R=${TRACE_R:-3}
build_node_quiet
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port; RECEIVER=$FREE_PORT
python3 - "$RECEIVER" <<'PY' >/dev/null 2>&1 &
import sys, http.server
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
pids+=($!)

run() { # label, env...
  local label=$1; shift
  local port; free_port; port=$FREE_PORT
  env "$@" dotnet "$NODE_DLL" --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
  local pid=$!; pids+=($pid)
  wait_ping "$port" "$pid" $(( $(date +%s) + 10 )) || true
  timeout 120 redis-benchmark -p "$port" -c 50 -n 100000 -t set,get -q >/dev/null 2>&1 # warm-up
  local line="| $label"
  for spec in "$N -t set" "$N -t get" "$N_PIPE -P 16 -t set" "$N_PIPE -P 16 -t get"; do
    local values=()
    for r in $(seq "$R"); do
      values+=("$(timeout 240 redis-benchmark -p "$port" -c 50 -n $spec -q --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"' | cut -d. -f1)")
    done
    line="$line | $(printf '%s\n' "${values[@]}" | median | cut -d. -f1)"
  done
  echo "$line |"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

OTLP=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RECEIVER" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_SERVICE_NAME=bench)
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); nproc=$(nproc); command: TRACE_N=$N TRACE_N_PIPE=$N_PIPE TRACE_R=$R bash bench/tracing.sh"
echo
echo "| tracing (ops/s, median of $R) | SET | GET | SET -P 16 | GET -P 16 |"
echo "| --- | ---: | ---: | ---: | ---: |"
run "off (no OTLP endpoint)" X=1
run "OTLP export, default sampler" "${OTLP[@]}"
run "OTLP export, always_on" "${OTLP[@]}" OTEL_TRACES_SAMPLER=always_on
