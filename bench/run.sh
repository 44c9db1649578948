#!/usr/bin/env bash
# Spool's benchmark harness (BENCHMARKS.md): builds the jar, runs the workloads against real
# daemons, each with its baseline measured in the same run, and rewrites the generated block of
# BENCHMARKS.md. Not part of the test command (CI runs a smoke size of it in verify).
#
#   bench/run.sh                          # W1..W6 at full size, 3 runs each (about an hour)
#   bench/run.sh --workloads W1,W2 --runs 5
#   bench/run.sh --size smoke --runs 1 --report /tmp/smoke.md
#   bench/run.sh --peers DIR [--peer-scripts nq.sh,tsp.sh]   # also run the peers' scripts (root)
#
# Run it on a quiet machine: other load slows Spool and its baselines alike, but not equally.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ -z "${SPOOL_BENCH_NO_BUILD:-}" ]; then
  mvn -B -ntp -q -DskipTests package -pl bench -am
fi
args=("$@")
case " $* " in
  *" --report "*) ;;
  *) args+=(--report "$repo/BENCHMARKS.md") ;;
esac
exec java -Xmx1g -cp "$repo/bench/target/classes:$repo/deploy/target/spool.jar" \
  dev.spool.bench.Bench --repo "$repo" "${args[@]}"
