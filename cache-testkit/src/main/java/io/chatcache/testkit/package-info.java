/**
 * Test fixtures for chat-cache stores: the {@link io.chatcache.testkit.CacheStoreContract} suite that every
 * {@link io.chatcache.core.CacheStore} passes (run it against a store of your own), split by concern into
 * test interfaces (the groups, see {@link io.chatcache.testkit.ContractGroup}) that run together through
 * {@code CacheStoreContract} or one by one on a {@link io.chatcache.testkit.CacheStoreFixture}, which also
 * holds the hooks a store overrides; and {@link io.chatcache.testkit.ManualTicker}, a clock that moves only
 * when a test says so. Depend on this module in test scope.
 */
package io.chatcache.testkit;
