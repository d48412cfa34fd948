/**
 * Real Redis servers for JUnit 5 tests: {@link io.chatcache.testkit.redis.RedisServers} (the extension),
 * {@link io.chatcache.testkit.redis.RedisServer} (one server, with kill, pause and restart for fault tests),
 * {@link io.chatcache.testkit.redis.RedisCluster} (three masters, optionally with replicas, shaped by
 * {@link io.chatcache.testkit.redis.ClusterOptions}; which node is master of a key, waiting for a failover),
 * {@link io.chatcache.testkit.redis.RedisSentinel} (a master, a replica and three sentinels) and
 * {@link io.chatcache.testkit.redis.RedisServerOptions} (password, TLS, extra arguments);
 * {@link io.chatcache.testkit.redis.RedisServer#clients()} and
 * {@link io.chatcache.testkit.redis.RedisServer#killClient(long)} drop a single client connection. The
 * {@code fault} subpackage drives and judges a writer and a reader through such faults.
 *
 * <p>Depends on the JDK, the JUnit Jupiter API and SLF4J; Testcontainers is touched only where a Docker
 * engine is found. Local servers need {@code redis-server} and {@code redis-cli} on the PATH, TLS servers
 * also {@code openssl}. The shared Redis on 127.0.0.1:6379 is never used.
 */
package io.chatcache.testkit.redis;
