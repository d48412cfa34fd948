package io.chatcache.bench;

/** TEMPORARY: wired to MemoryCacheStore once cache-adapter-memory is installed. */
final class ChatCacheLru implements BenchCache {

    ChatCacheLru(int maximumSize) {
        throw new UnsupportedOperationException("chatcache-lru is not wired yet (cache-adapter-memory pending), "
                + "asked for " + maximumSize + " entries");
    }

    @Override
    public Boolean get(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void put(String key, Boolean value) {
        throw new UnsupportedOperationException();
    }
}
