package io.chatcache.chat;

/**
 * Counters of the load path of a {@link ChatCacheService} since it was built, from
 * {@link ChatCacheService#loadCounters()}: how loads were coordinated across instances and how refresh-ahead
 * went. Cheap: never asks Redis.
 *
 * @param leasesAcquired loads this instance ran holding the cluster-wide lease on their key
 * @param loadedElsewhere loads that got the value another instance loaded instead of loading (found while waiting
 *     on that instance's lease, or on taking the lease just after it)
 * @param leaseWaitsExpired loads that found the lease held, waited the whole bound (the
 *     {@linkplain ChatCacheService.Builder#loadLease lease TTL}) without seeing a value, and loaded themselves
 * @param leaseUnavailable lease calls that could not reach Redis (down, breaker open): the load went ahead
 *     coordinated within this instance only
 * @param refreshes background reloads of refresh-ahead that stored a new value
 * @param refreshFailures background reloads that failed (the loader threw, or the executor refused the task);
 *     the old value stays until its TTL ends
 */
public record LoadCounters(long leasesAcquired, long loadedElsewhere, long leaseWaitsExpired, long leaseUnavailable,
                           long refreshes, long refreshFailures) {
}
