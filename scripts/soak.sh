#!/usr/bin/env bash
# Runs the fault-injection suite (chaos/) at soak size: every worker and coordinator crash point 10
# times, 2 minutes of random kill -9, 200-400 task workloads for the hostile-input, disk-full,
# libfiu and clock-skew scenarios, torn WAL tails at 60 offsets. Not part of CI (about 30-40
# minutes on two cores). One summary line per scenario is printed at the end and kept in
# chaos/target/chaos-summary.txt. Extra arguments go to Maven, e.g. -Dit.test=WorkerKillChaosIT.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-deps.sh
rm -f chaos/target/chaos-summary.txt
mvn -B -ntp -pl chaos -am verify -Psoak \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='**/chaos/*IT' -Dfailsafe.failIfNoSpecifiedTests=false "$@"
echo "--- chaos summary (soak) ---"
cat chaos/target/chaos-summary.txt
