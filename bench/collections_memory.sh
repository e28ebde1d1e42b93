#!/usr/bin/env bash
# bench/collections_memory.sh — memory of hashes and sets (issue 20): the node beside redis-server 7.0.
# For each shape, a fresh redis-server and a fresh node (Release build) are started on loopback ports, the same data
# is loaded into both with `redis-cli --pipe`, and VmRSS (/proc/PID/status) is read before loading and 5 s after.
#
#   hash1    one hash of 1,000,000 fields   (field:N -> value:N; hashtable encoding)
#   hash100  10,000 hashes of 100 fields    (listpack encoding)
#   set1     one set of 1,000,000 members   (member:N; hashtable encoding)
#   set100   10,000 sets of 100 members     (hashtable encoding: 7.0 has no listpack sets)
#
# Usage: bash bench/collections_memory.sh [shape...]      # all four by default; about a minute on 2 cores
# Every server it starts is stopped by PID on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
dotnet build "$root/RedisClone.Node" -c Release -v q -nologo >&2
node_dll="$root/RedisClone.Node/bin/Release/net10.0/RedisClone.Node.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

generate() {
  python3 - "$1" > "$work/$1.resp" <<'PY'
import sys
shape, out = sys.argv[1], sys.stdout.buffer
def cmd(*args):
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args)))
if shape == "hash1":
    for b in range(10000):
        cmd("HSET", "bighash", *[s for i in range(b * 100, b * 100 + 100) for s in ("field:%d" % i, "value:%d" % i)])
elif shape == "hash100":
    for k in range(10000):
        cmd("HSET", "hash:%d" % k, *[s for i in range(100) for s in ("field:%d" % i, "value:%d" % i)])
elif shape == "set1":
    for b in range(10000):
        cmd("SADD", "bigset", *["member:%d" % i for i in range(b * 100, b * 100 + 100)])
elif shape == "set100":
    for k in range(10000):
        cmd("SADD", "set:%d" % k, *["member:%d" % i for i in range(100)])
PY
}

echo "| shape | redis-server RSS before -> after (delta) | node RSS before -> after (delta) | node/redis total | node/redis delta |"
echo "|---|---|---|---|---|"
for shape in "${@:-hash1 hash100 set1 set100}"; do
  for s in $shape; do
    generate "$s"
    rport=$(free_port); nport=$(free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 & rpid=$!; pids+=("$rpid")
    dotnet "$node_dll" --port "$nport" --bind 127.0.0.1 >"$work/node.log" 2>&1 & npid=$!; pids+=("$npid")
    for _ in $(seq 1 100); do redis-cli -p "$nport" ping >/dev/null 2>&1 && redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.2; done
    sleep 1
    r0=$(rss "$rpid"); n0=$(rss "$npid")
    redis-cli -p "$rport" --pipe < "$work/$s.resp" >/dev/null
    redis-cli -p "$nport" --pipe < "$work/$s.resp" >/dev/null
    sleep 5
    r1=$(rss "$rpid"); n1=$(rss "$npid")
    printf '| %s | %d -> %d kB (%d) | %d -> %d kB (%d) | %.2f | %.2f |\n' "$s" "$r0" "$r1" $((r1 - r0)) "$n0" "$n1" $((n1 - n0)) \
      "$(echo "$n1 / $r1" | bc -l)" "$(echo "($n1 - $n0) / ($r1 - $r0)" | bc -l)"
    kill "$rpid" "$npid"; wait "$rpid" "$npid" 2>/dev/null || true
  done
done
