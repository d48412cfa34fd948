package io.chatcache.chat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs at most one load per key at a time: callers that miss while a load of the same key is running
 * wait for it and share its result or its exception.
 *
 * <p>This is the domain's one single-flight: {@link ChatCacheService#getOrLoad} on every backend, and
 * {@link HybridCacheStore#getOrLoad} for callers of the hybrid store itself (which used to inherit the port's
 * uncoordinated default). In the service it sits
 * above the store, so it covers REDIS (whose store cannot coordinate loads in-process), HYBRID (L1 and L2
 * together) and stores handed in, and it keeps loading when Redis fails. The memory store's own
 * {@code getOrLoad} is not a second copy of it but the port operation's implementation inside that store:
 * it is atomic with the store's writes (a put, delete or clear of the key while the loader runs wins over the
 * load), which only code holding the store's map can be, and it serves callers of the store itself.
 */
final class SingleFlight {

    /** The outcome of a load; {@code value} may be null. */
    private record Outcome(Object value) {
    }

    /** A running load and the thread running it. */
    private record Flight(Thread owner, CompletableFuture<Outcome> future) {
    }

    private final ConcurrentHashMap<String, Flight> running = new ConcurrentHashMap<>();
    /** Loads finished, any key; tells an owner whether a load may have stored its key since it looked. */
    private final AtomicLong finished = new AtomicLong();
    /** Callers waiting for another caller's load; for tests. */
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * Returns the cached value if {@code lookup} finds one, else the result of the one running (or a new)
     * load of {@code key}.
     *
     * @param lookup reads the cache; called again once this caller owns the load if any load finished
     *     since the first read, because that load may have stored this key (a second read counts a second
     *     miss, so it is skipped when it cannot find anything new)
     * @param load loads and stores; its exception reaches every waiting caller
     * @throws IllegalStateException if {@code load} (on the thread running it) asks for the same key
     *     again: waiting for itself would never end
     */
    <T> T run(String key, Supplier<Optional<T>> lookup, Supplier<T> load, Class<?> expected) {
        long finishedBefore = finished.get();
        Optional<T> cached = lookup.get();
        if (cached.isPresent()) {
            return cached.get();
        }
        Flight mine = new Flight(Thread.currentThread(), new CompletableFuture<>());
        Flight theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            if (theirs.owner() == Thread.currentThread()) {
                throw new IllegalStateException("the loader of key '" + key + "' asked for the same key again; "
                        + "a load cannot wait for itself");
            }
            Object shared;
            waiting.incrementAndGet();
            try {
                shared = await(theirs.future());
            } finally {
                waiting.decrementAndGet();
            }
            if (shared == null || expected.isInstance(shared)) {
                @SuppressWarnings("unchecked")
                T value = (T) shared;
                return value;
            }
            // The running load was for another type under the same key: it is no answer for this caller.
            return load.get();
        }
        try {
            Optional<T> again = finished.get() == finishedBefore ? Optional.empty() : lookup.get();
            T value = again.isPresent() ? again.get() : load.get();
            finished.incrementAndGet();
            running.remove(key, mine);
            mine.future().complete(new Outcome(value));
            return value;
        } catch (RuntimeException | Error e) {
            finished.incrementAndGet();
            running.remove(key, mine);
            mine.future().completeExceptionally(e);
            throw e;
        }
    }

    /** How many callers wait for a load another caller runs; for tests. */
    int waiting() {
        return waiting.get();
    }

    /** How many loads are running; for tests. */
    int running() {
        return running.size();
    }

    private static Object await(CompletableFuture<Outcome> future) {
        try {
            return future.join().value();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
