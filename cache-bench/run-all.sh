#!/usr/bin/env bash
# Runs every measurement of RESULTS.md in one session: raw results to cache-bench/results/, the chart to
# cache-bench/getput.png, and the tables (ResultsReport) to results/tables.md. Build first:
#   ./mvnw -B -pl cache-bench package -DskipTests
# Takes about 15 minutes on 2 cores; run it on a quiet machine (check `uptime` first).
# QUICK=1 runs everything with one tiny iteration into target/results-quick/ (a dry run of this script).
set -euo pipefail
cd "$(dirname "$0")"
jar=target/benchmarks.jar
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -B -pl cache-bench package -DskipTests" >&2; exit 1; }
if [ "${QUICK:-0}" = 1 ]; then
  out=target/results-quick; chart=$out/getput.png
  quick=(-f 1 -wi 0 -i 1 -r 100ms); memory=(--entries 1000 --runs 1); invalidation=(--writes 200 --warmup 50)
  loadpath=(--instances 2 --threads 2 --keys 100 --ttl-ms 500 --seconds 2 --warmup-seconds 1)
else
  out=results; chart=getput.png
  quick=(); memory=(); invalidation=(); loadpath=()
fi
mkdir -p "$out"
{ date -u; uptime; echo "cores: $(nproc)"; java -version 2>&1; } > "$out/machine.txt"

failed=()
jmh() { # file name, then JMH arguments; a failure is reported at the end, the other measurements still run
  local name=$1; shift
  java -jar "$jar" "$@" "${quick[@]}" -foe true -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.txt" \
    || failed+=("$name")
}

jmh getput-t1 GetPutBenchmark -t 1 -prof gc
jmh getput-t2 GetPutBenchmark -t 2 -prof gc
java -cp "$jar" io.chatcache.bench.GetPutChart "$out/getput-t1.json" "$out/getput-t2.json" "$chart" || failed+=(chart)
jmh eviction EvictionBenchmark -prof gc
java --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED -Djdk.attach.allowAttachSelf=true \
  -cp "$jar" io.chatcache.bench.MemoryFootprint "${memory[@]}" --detail chatcache-lru 2>&1 | tee "$out/memory.txt" \
  || failed+=(memory)
java -cp "$jar" io.chatcache.bench.HitRates 2>&1 | tee "$out/hitrates.txt" || failed+=(hitrates)
jmh redis-store RedisStoreBenchmark -prof gc
jmh redis-write RedisWriteBenchmark
jmh hybrid-read HybridReadBenchmark -t 1 -prof gc
jmh hybrid-mix-t1 HybridMixBenchmark -t 1
jmh hybrid-mix-t2 HybridMixBenchmark -t 2
jmh spring-cacheable SpringCacheableBenchmark -t 1 -prof gc
java -cp "$jar" io.chatcache.bench.InvalidationLatency "${invalidation[@]}" 2>&1 | tee "$out/invalidation.txt" \
  || failed+=(invalidation)
java -cp "$jar" io.chatcache.bench.InvalidationLatency "${invalidation[@]}" --poll true 2>&1 \
  | tee "$out/invalidation-poll.txt" || failed+=(invalidation-poll)
java -cp "$jar" io.chatcache.bench.LoadPathBenchmark "${loadpath[@]}" 2>&1 | tee "$out/load-path.txt" \
  || failed+=(load-path)
{ date -u; uptime; } >> "$out/machine.txt"
java -cp "$jar" io.chatcache.bench.ResultsReport "$out" | tee "$out/tables.md"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
