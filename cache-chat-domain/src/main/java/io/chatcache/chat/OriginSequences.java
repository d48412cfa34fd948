package io.chatcache.chat;

import io.chatcache.core.Ticker;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last sequence number heard from each publisher on the invalidation bus, bounded: anyone who may
 * publish on the channel can invent a new origin per message, so the map must not grow with them. An
 * origin silent for longer than {@code forgetAfter} is forgotten, and beyond {@code maxOrigins} the one
 * heard from longest ago goes. A forgotten origin that speaks again is taken as new (its next message
 * is not checked for a gap), as an origin heard for the first time always was; the L1 TTL ceiling bounds
 * what a message missed at that moment can cost. Thread-safe.
 */
final class OriginSequences {

    private final int maxOrigins;
    private final long forgetAfterNanos;
    private final Ticker ticker;
    /** In the order origins were last heard from, oldest first. */
    private final LinkedHashMap<String, Heard> heard = new LinkedHashMap<>(16, 0.75f, true);

    private record Heard(long sequence, long atNanos) {
    }

    OriginSequences(int maxOrigins, long forgetAfterNanos, Ticker ticker) {
        this.maxOrigins = maxOrigins;
        this.forgetAfterNanos = forgetAfterNanos;
        this.ticker = ticker;
    }

    /**
     * Records {@code sequence} from {@code origin} and tells whether it breaks the order: not the one
     * after the last heard from a remembered origin (a gap, or a publisher that started over).
     */
    synchronized boolean broken(String origin, long sequence) {
        long now = ticker.read();
        forgetSilent(now);
        Heard last = heard.put(origin, new Heard(sequence, now));
        if (heard.size() > maxOrigins) {
            Iterator<String> oldest = heard.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return last != null && sequence != last.sequence() + 1;
    }

    /** Forgets every origin. */
    synchronized void clear() {
        heard.clear();
    }

    /** How many origins are remembered now. */
    synchronized int size() {
        forgetSilent(ticker.read());
        return heard.size();
    }

    private void forgetSilent(long now) {
        Iterator<Map.Entry<String, Heard>> oldestFirst = heard.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            if (now - oldestFirst.next().getValue().atNanos() <= forgetAfterNanos) {
                return;
            }
            oldestFirst.remove();
        }
    }
}
