/**
 * Benchmarks of chat-cache's stores against their rivals: JMH benchmarks ({@link
 * io.chatcache.bench.GetPutBenchmark}, {@link io.chatcache.bench.EvictionBenchmark} and the Redis ones) run from
 * {@code target/benchmarks.jar}, and main classes for what JMH does not measure well ({@link
 * io.chatcache.bench.HitRates}, {@link io.chatcache.bench.MemoryFootprint}, {@link
 * io.chatcache.bench.InvalidationLatency}, {@link io.chatcache.bench.LoadPathBenchmark}) plus {@link io.chatcache.bench.GetPutChart}, which draws the GetPut
 * results. Nothing here is published; see {@code cache-bench/RESULTS.md} for the commands and the numbers.
 */
package io.chatcache.bench;
