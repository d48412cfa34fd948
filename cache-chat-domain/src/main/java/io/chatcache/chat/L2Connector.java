package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.LogText;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid store's connection to L2: takes up an L2 handed in, or opens one through the connector, and while
 * the connector fails retries it on the store's background thread; then holds the {@link L2Link} until close.
 * Taking up a link subscribes the store to L2's removals and its bus and tells the store ({@link Owner}), which
 * starts its heartbeats and its probe.
 *
 * <p>Thread-safe: the link is one volatile read; connecting and closing are serialised.
 */
final class L2Connector {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** What the connector needs from the store. */
    interface Owner {
        /** The store's listener on {@code bus}. */
        InvalidationListener listenerFor(InvalidationBus bus);

        /** The store's listener on L2's removals. */
        RemovalListener removalCollector();

        /** {@code link} is in use from now on (also when it was handed in). */
        void installed(L2Link link);

        /** The connector reached L2 after it failed at start-up: L1 holds values L2 lacks. */
        void connectedLate(L2Link link);
    }

    private final Owner owner;
    private final BackgroundTasks background;
    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private volatile L2Link link;
    /** The retry schedule while the connector has not reached L2; guarded by lock. */
    private Future<?> retries;

    L2Connector(Owner owner, BackgroundTasks background) {
        this.owner = owner;
        this.background = background;
    }

    /** The link in use; null until L2 is reached, and after close. */
    L2Link link() {
        return link;
    }

    /** Takes up an L2 store (and bus) handed in; they stay the caller's. */
    void takeUp(CacheStore store, InvalidationBus bus) {
        install(store, bus, null);
    }

    /**
     * Opens L2 through {@code connector}; if it is unreachable, the store runs on L1 and the connector is called
     * again every {@code reconnectInterval} until it succeeds.
     *
     * @throws CacheConfigurationException as the connector throws it (a wrong password, a malformed address)
     */
    void connect(Supplier<ProvidedStore> connector, Duration reconnectInterval) {
        try {
            install(open(connector));
        } catch (CacheUnavailableException e) {
            // A fresh instance has nothing of its own in L1 yet; what it writes before L2 is reached is journaled
            // and replayed.
            LOG.warn("L2 cache unreachable at start-up ({}); serving from L1 only, retrying every {}",
                    LogText.escape(e.getMessage()), reconnectInterval);
            synchronized (lock) {
                retries = background.every(reconnectInterval, reconnectInterval, "L2 connector",
                        () -> retry(connector));
            }
        }
    }

    /** Stops the retries and forgets the link, which it returns for the store to close. */
    L2Link close() {
        synchronized (lock) {
            closed.set(true);
            background.close();
            L2Link last = link;
            link = null;
            return last;
        }
    }

    private static ProvidedStore open(Supplier<ProvidedStore> connector) {
        ProvidedStore provided = connector.get();
        if (provided == null) {
            throw new CacheConfigurationException("l2Connector returned null; it must return an open store "
                    + "or throw CacheUnavailableException");
        }
        return provided;
    }

    private void retry(Supplier<ProvidedStore> connector) {
        if (closed.get()) {
            return;
        }
        ProvidedStore provided;
        try {
            provided = open(connector);
        } catch (CacheUnavailableException e) {
            LOG.debug("L2 cache still unreachable: {}", LogText.escape(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // close() interrupts a connection attempt; that failure is nobody's concern.
            if (!closed.get() && failureLogged.compareAndSet(false, true)) {
                LOG.error("Connecting to the L2 cache failed; still serving from L1 only and retrying", e);
            }
            return;
        }
        L2Link installed;
        synchronized (lock) {
            if (closed.get()) {
                provided.close();
                return;
            }
            try {
                installed = install(provided);
            } catch (RuntimeException e) {
                // Thrown out of a scheduled task it would end the retries silently.
                if (failureLogged.compareAndSet(false, true)) {
                    LOG.error("Taking up the L2 cache failed; still serving from L1 only and retrying", e);
                }
                return;
            }
            retries.cancel(false);
        }
        owner.connectedLate(installed);
    }

    /** Takes up what the connector opened; closes it if that fails. */
    private L2Link install(ProvidedStore provided) {
        try {
            return install(provided.store(), provided.invalidationBus().orElse(null), provided);
        } catch (RuntimeException e) {
            provided.close();
            throw e;
        }
    }

    private L2Link install(CacheStore store, InvalidationBus bus, ProvidedStore owned) {
        Subscription removals = store.addRemovalListener(owner.removalCollector());
        Subscription messages = null;
        try {
            if (bus != null) {
                messages = bus.subscribe(owner.listenerFor(bus));
            }
        } catch (RuntimeException e) {
            removals.close();
            throw e;
        }
        L2Link installed = new L2Link(store, bus, owned, messages, removals);
        link = installed;
        owner.installed(installed);
        return installed;
    }
}
