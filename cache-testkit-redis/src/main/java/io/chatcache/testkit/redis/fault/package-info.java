/**
 * A load for fault tests and fault benchmarks, with nothing Redis-specific in it: writers that give every key a
 * version that only grows ({@link io.chatcache.testkit.redis.fault.FaultLoad#writers}), readers that note which
 * version they saw ({@link io.chatcache.testkit.redis.fault.FaultLoad#readers}), both timing every call into a
 * {@link io.chatcache.testkit.redis.fault.CallLog}, and {@link io.chatcache.testkit.redis.fault.FaultReport},
 * which tells from two logs and the fault's times how long callers waited during the fault, when they started
 * to fail fast and how stale the reads were after recovery.
 *
 * <p>The logs hold {@link System#nanoTime()} stamps; on Linux they are comparable between processes of one
 * machine (the monotonic clock), so a reader in a child JVM can be judged against a writer in the parent.
 */
package io.chatcache.testkit.redis.fault;
