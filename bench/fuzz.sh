#!/usr/bin/env bash
# Protocol fuzzing for a given time: random bytes, valid frames of every command the server lists (with random
# arguments) and mutated frames, in batches on fresh connections; between batches a canary connection checks that
# PING and a MULTI/SET/GET/EXEC round trip still answer right and times PING. Prints what it did and what it found
# (a wrong or missing canary answer, an "internal error" reply, connections the server still counts afterwards).
#
#   bash bench/fuzz.sh [seconds] [seed]            # a fresh node, in the test process (default 60 s, random seed)
#   REDISCLONE_FUZZ_TARGET=127.0.0.1:6379 bash bench/fuzz.sh 300    # a server already running (redis-server too)
#
# The fuzzer is RedisClone.Tests/Fuzz/ProtocolFuzzer.cs; CI runs the same test for 5 s with every test run.
# Exit code 0: nothing found. The seed in the report replays the same frames.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
dotnet build RedisClone.Tests -c Debug -v quiet -nologo >/dev/null
echo "fuzzing ${REDISCLONE_FUZZ_TARGET:-a fresh node} for ${seconds} s ..." >&2
status=0
REDISCLONE_FUZZ_SECONDS="$seconds" REDISCLONE_FUZZ_SEED="${2:-}" REDISCLONE_FUZZ_REPORT="$report" \
  dotnet test RedisClone.Tests --no-build -c Debug --nologo \
  --filter "FullyQualifiedName~RedisClone.Tests.Fuzz.ProtocolFuzzTests" >/dev/null 2>&1 || status=$?
if [[ -s "$report" ]]; then
  cat "$report"
else
  echo "fuzz: the run produced no report (the test host failed before the end: a crash?); rerun with dotnet test to see why" >&2
  status=1
fi
exit "$status"
