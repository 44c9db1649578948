#!/usr/bin/env bash
# Times the dashboard's task list over a spool of N terminal tasks (by hand, never in CI).
#   bench/dashboard-bench.sh [N] [DIR]     (default N=100000, DIR=/tmp/spool-dash-bench-N)
# Seeds N done/ tasks with one result each (bench/DashboardSeed.java writes the files directly;
# resumable, so a second run reuses the spool), starts `spool dashboard` (the shaded jar, built
# if missing), waits for it to listen (it listens only once its first index scan is complete),
# then GETs the list page 20 times after 5 warm-up requests and prints one line per page:
#   workload=dashboard-list tasks=N p50_ms=.. p99_ms=.. runs=20
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
dir=${2:-/tmp/spool-dash-bench-$n}
runs=20
jar=deploy/target/spool.jar
if [ ! -f "$jar" ]; then
  mvn -B -q -ntp -DskipTests package -pl deploy -am
fi
if [ ! -f "$dir/spool.json" ]; then
  deploy/bin/spool init "$dir" >/dev/null
fi
java -Xmx256m bench/DashboardSeed.java "$dir" "$n"
port=$((20000 + RANDOM % 20000))
log=$(mktemp /tmp/dashboard-bench.XXXXXX.log)
SPOOL_JAVA_OPTS=${SPOOL_JAVA_OPTS:--Xmx2g} deploy/bin/spool dashboard --spool "$dir" \
  --port "$port" --rescan-seconds 3600 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
start=$(date +%s.%N)
for _ in $(seq 1 1200); do
  if curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "spool dashboard exited; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
listening=$(echo "$(date +%s.%N) - $start" | bc)
echo "# dashboard listening after ${listening} s (first index scan included); log: $log" >&2

time_page() { # workload path
  local workload=$1 path=$2 url="http://127.0.0.1:$port$2" t
  for _ in 1 2 3 4 5; do curl -fsS -o /dev/null --max-time 30 "$url"; done
  local times=()
  for _ in $(seq 1 "$runs"); do
    t=$(curl -fsS -o /dev/null --max-time 30 -w '%{time_total}' "$url")
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk -v w="$workload" -v n="$n" -v p="$path" '
    { v[NR] = $1 * 1000 }
    END {
      i50 = int(0.50 * NR + 0.5); if (i50 < 1) i50 = 1
      i99 = int(0.99 * NR + 0.999); if (i99 > NR) i99 = NR
      printf "workload=%s tasks=%d p50_ms=%.1f p99_ms=%.1f runs=%d path=%s\n", w, n, v[i50], v[i99], NR, p
    }'
}

time_page dashboard-list "/tasks"
time_page dashboard-list-done "/tasks?state=done"
time_page dashboard-list-deep "/tasks?state=done&after=done%3Abench-$(printf %07d $((n / 2)))"
time_page dashboard-overview "/"
