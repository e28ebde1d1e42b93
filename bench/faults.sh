#!/usr/bin/env bash
# A long randomized fault run against a 3-node cluster of node processes (loopback only), on the default timings:
# random SIGKILL/SIGTERM/SIGSTOP/link cuts of 1, 4, 12 or 30 s under a verified publishing workload, with every
# promise of README's Cluster section checked after each fault. Prints the seed first and a summary per fault kind.
#
#   bash bench/faults.sh --duration 600            # ten minutes, random seed
#   bash bench/faults.sh --seed 42 --duration 600  # replay a run
set -euo pipefail
cd "$(dirname "$0")/.."

seed="" duration=300
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    *) echo "usage: bash bench/faults.sh [--seed N] [--duration SECONDS]" >&2; exit 2 ;;
  esac
done

dotnet build RedisClone.Tests -c Debug -v quiet -nologo >&2
log=$(mktemp)
status=0
FAULTS_DURATION_S="$duration" FAULTS_SEED="$seed" dotnet test RedisClone.Tests --no-build -c Debug \
  --filter "FullyQualifiedName~RandomizedFaultTests" --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
# The test prints each line twice (live and in its output block); keep the first of each.
grep -E 'FAULTS seed|^ *(Kill|Terminate|Pause|Cut) +node|VIOLATIONS|FAULTS SUMMARY|FAULTS RESULT' "$log" | sed -E 's/^\[xUnit[^]]*\] *//; s/^ +//' | awk '!seen[$0]++'
echo "full log: $log (exit $status)"
exit "$status"
