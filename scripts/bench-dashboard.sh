#!/usr/bin/env bash
# By hand, never in CI: times the dashboard's task list (and its other pages) over a spool of N
# terminal tasks (default 1,000,000), generated once into DIR (default /tmp/spool-bench-N).
#   scripts/bench-dashboard.sh [N] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl coordinator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
cp="coordinator/target/test-classes:coordinator/target/classes:protocol/target/classes:protocol/target/test-classes:$(cat coordinator/target/bench.cp)"
exec java -Xmx2g -Dlogback.configurationFile=/dev/null -cp "$cp" dev.spool.coordinator.dashboard.ListPageBenchmark "$@"
