#!/usr/bin/env bash
# Runs every measurement of RESULTS.md in one session, writing raw results to cache-bench/results/ and the chart
# to cache-bench/getput.png, then prints the tables (ResultsReport). Build first: ./mvnw -B -pl cache-bench package
# Takes about 12 minutes on 2 cores. Run it on a quiet machine: check `uptime` first.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/benchmarks.jar
out=results
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -B -pl cache-bench package" >&2; exit 1; }
mkdir -p "$out"
{ date -u; uptime; nproc; java -version 2>&1; } > "$out/machine.txt"

jmh() { # name, then JMH arguments
  local name=$1; shift
  java -jar "$jar" "$@" -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.txt"
}

jmh getput-t1 GetPutBenchmark -t 1 -prof gc
jmh getput-t2 GetPutBenchmark -t 2 -prof gc
java -cp "$jar" io.chatcache.bench.GetPutChart "$out/getput-t1.json" "$out/getput-t2.json" getput.png
jmh eviction EvictionBenchmark -prof gc
java --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED -Djdk.attach.allowAttachSelf=true \
  -cp "$jar" io.chatcache.bench.MemoryFootprint --detail chatcache-lru 2>&1 | tee "$out/memory.txt"
java -cp "$jar" io.chatcache.bench.HitRates 2>&1 | tee "$out/hitrates.txt"
jmh redis-store RedisStoreBenchmark -prof gc
jmh hybrid-read HybridReadBenchmark -t 1 -prof gc
jmh hybrid-mix-t1 HybridMixBenchmark -t 1
jmh hybrid-mix-t2 HybridMixBenchmark -t 2
java -cp "$jar" io.chatcache.bench.InvalidationLatency 2>&1 | tee "$out/invalidation.txt"
{ date -u; uptime; } >> "$out/machine.txt"
java -cp "$jar" io.chatcache.bench.ResultsReport "$out" | tee "$out/tables.md"
