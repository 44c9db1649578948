#!/usr/bin/env bash
# Measures spool submit (workload W4). Builds nothing: expects deploy/target/spool.jar
# (mvn -B -q -DskipTests package). Prints two lines:
#   workload=W4-batch tasks=N median_per_s=X baseline_per_s=Y ratio=Z runs=3
#   workload=W4-single reps=30 p50_ms=.. p99_ms=.. baseline_p50_ms=..
# W4-batch: `spool submit --file F` of N tasks (argv ["true"]), JVM start included, median of 3
# runs, each into a fresh spool; baseline: the same number of 200-byte files written tmp + rename
# with NO fsync by a plain Java loop (bench/RenameFloor.java, loop time only): the floor.
# W4-single: `spool submit -- true` from the shell, 30 times; baseline: `java -version` with the
# launcher's flags (JVM start and exit, nothing else).
# Environment: TASKS (default 100000), REPS (default 30), SPOOL_BENCH_DIR (default a temp dir on
# the file system of the current directory, which is what the numbers are about).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
spool="$repo/deploy/bin/spool"
jar="$repo/deploy/target/spool.jar"
tasks=${TASKS:-100000}
reps=${REPS:-30}
if [ ! -f "$jar" ]; then
  echo "submit-bench: $jar not found; build it with: mvn -B -q -DskipTests package" >&2
  exit 2
fi
work=${SPOOL_BENCH_DIR:-$(mktemp -d "$PWD/.submit-bench.XXXXXX")}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# Every step is bounded: a submit that hangs fails the bench instead of stalling it.
run() { timeout 600 "$@"; }
now_ns() { date +%s%N; }

batch="$work/batch.jsonl"
# JSON lines: a {"tasks": [...]} document is limited to 1 MiB like every spool document.
awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) print "{\"argv\":[\"true\"]}" }' > "$batch"

rates=()
for r in 1 2 3; do
  dir="$work/spool-batch-$r"
  run "$spool" init "$dir" > /dev/null
  t0=$(now_ns)
  run "$spool" submit --spool "$dir" --file "$batch" > "$work/ids-$r"
  t1=$(now_ns)
  made=$(wc -l < "$work/ids-$r")
  if [ "$made" -ne "$tasks" ]; then
    echo "submit-bench: run $r printed $made ids, expected $tasks" >&2
    exit 1
  fi
  rates+=("$(( tasks * 1000000000 / (t1 - t0) ))")
  rm -rf "$dir"
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
floor_dir="$work/floor"
mkdir -p "$floor_dir"
baseline=$(run java -XX:+UseSerialGC "$repo/bench/RenameFloor.java" "$floor_dir" "$tasks")
rm -rf "$floor_dir"
ratio=$(awk -v a="$median" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')
echo "workload=W4-batch tasks=$tasks median_per_s=$median baseline_per_s=$baseline ratio=$ratio runs=3"

# p-th percentile (nearest rank) of the numbers on stdin.
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i] }'; }
single="$work/spool-single"
run "$spool" init "$single" > /dev/null
run "$spool" submit --spool "$single" -- true > /dev/null # first use may create the class archive
: > "$work/single-ms"
: > "$work/floor-ms"
for _ in $(seq "$reps"); do
  t0=$(now_ns)
  run "$spool" submit --spool "$single" -- true > /dev/null
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 )) >> "$work/single-ms"
  t0=$(now_ns)
  run java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -version 2> /dev/null
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 )) >> "$work/floor-ms"
done
p50=$(pct 50 < "$work/single-ms")
p99=$(pct 99 < "$work/single-ms")
floor50=$(pct 50 < "$work/floor-ms")
echo "workload=W4-single reps=$reps p50_ms=$p50 p99_ms=$p99 baseline_p50_ms=$floor50"
