package io.chatcache.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Records reads so that they can be replayed into the access-order list later, under the eviction lock,
 * instead of every read taking that lock. Modelled on Caffeine's {@code BoundedBuffer} /
 * {@code StripedBuffer}: a fixed set of stripes, each a bounded ring of node references with a
 * multi-producer, single-consumer protocol.
 *
 * <ul>
 *   <li>A thread always offers to the same stripe (chosen from its id), so reads from different
 *       threads rarely touch the same cache lines, and the reads of one thread keep their order in one
 *       ring.</li>
 *   <li>A producer claims a slot by one CAS on the stripe's write counter and then publishes the node
 *       with a release store. It never retries or blocks: on a lost CAS it tries the next stripe once,
 *       then gives up (the read is simply not recorded; LRU order is a hint under contention).</li>
 *   <li>The consumer is whoever holds the eviction lock. It takes published nodes in order and stops at
 *       a claimed slot whose node is not yet visible, leaving it for the next drain.</li>
 *   <li>Offering allocates nothing: the rings are preallocated arrays of references.</li>
 * </ul>
 *
 * Single-threaded, no read is ever lost: one thread's CAS cannot fail, and the store has a reader that
 * finds its ring full drain it under the lock before applying the read. The counters are padded
 * to separate cache lines so that one stripe's producer does not slow down another's.
 */
final class ReadBuffer {

    static final int SUCCESS = 0;
    static final int FULL = 1;
    static final int FAILED = -1;

    /** Slots per stripe; a power of two. Small, so a drain is short and a full ring is found quickly. */
    static final int STRIPE_SIZE = 16;
    private static final int STRIPE_MASK = STRIPE_SIZE - 1;

    private static final int MAX_STRIPES = 64;

    private final Stripe[] stripes;
    private final int stripeMask;

    ReadBuffer() {
        int wanted = Math.min(MAX_STRIPES, 4 * Runtime.getRuntime().availableProcessors());
        int count = Integer.highestOneBit(Math.max(1, wanted - 1)) << 1;
        stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe();
        }
        stripeMask = count - 1;
    }

    /**
     * Records a read of {@code node} in the calling thread's stripe.
     *
     * @return {@link #SUCCESS}, {@link #FULL} if the thread's stripe is full (drain, then apply the read
     *     directly), or {@link #FAILED} if it lost a race with other threads (drop the read)
     */
    int offer(Node node) {
        int index = stripeIndex();
        int result = stripes[index].offer(node);
        if (result == FAILED) {
            // Another thread shares this stripe right now; one try elsewhere, never a loop.
            result = stripes[(index + 1) & stripeMask].offer(node);
            if (result == FULL) {
                return FAILED;
            }
        }
        return result;
    }

    /** Replays every published read, stripe by stripe and in order within a stripe. Caller holds the lock. */
    void drainTo(Consumer<Node> consumer) {
        for (Stripe stripe : stripes) {
            stripe.drainTo(consumer);
        }
    }

    private int stripeIndex() {
        // Thread ids are small and sequential; mixing spreads neighbours over the stripes. Stable per
        // thread, which keeps a thread's reads in one ring and so in order.
        long id = Thread.currentThread().getId();
        int h = (int) (id * 0x9E3779B97F4A7C15L >>> 32);
        return h & stripeMask;
    }

    /** Padding before the read counter, so that it does not share a cache line with the object header's neighbours. */
    abstract static class PadReadCounter {
        long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    /** The consumer's position. */
    abstract static class ReadCounter extends PadReadCounter {
        volatile long readCounter;
    }

    /** Padding between the counters: the consumer writes one, producers CAS the other. */
    abstract static class PadWriteCounter extends ReadCounter {
        long p10, p11, p12, p13, p14, p15, p16, p17;
    }

    /** The producers' position. */
    abstract static class WriteCounter extends PadWriteCounter {
        volatile long writeCounter;
    }

    /** Padding after the write counter, so that the next stripe's fields sit on another line. */
    abstract static class PadEnd extends WriteCounter {
        long p20, p21, p22, p23, p24, p25, p26, p27;
    }

    static final class Stripe extends PadEnd {
        private static final VarHandle READ;
        private static final VarHandle WRITE;
        private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Node[].class);

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                READ = lookup.findVarHandle(ReadCounter.class, "readCounter", long.class);
                WRITE = lookup.findVarHandle(WriteCounter.class, "writeCounter", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Node[] slots = new Node[STRIPE_SIZE];

        int offer(Node node) {
            long head = (long) READ.getAcquire(this);
            long tail = (long) WRITE.getOpaque(this);
            if (tail - head >= STRIPE_SIZE) {
                return FULL;
            }
            if (WRITE.compareAndSet(this, tail, tail + 1)) {
                SLOTS.setRelease(slots, (int) (tail & STRIPE_MASK), node);
                return SUCCESS;
            }
            return FAILED;
        }

        void drainTo(Consumer<Node> consumer) {
            long head = (long) READ.getOpaque(this);
            long tail = (long) WRITE.getAcquire(this);
            if (head == tail) {
                return;
            }
            while (head != tail) {
                int index = (int) (head & STRIPE_MASK);
                Node node = (Node) SLOTS.getAcquire(slots, index);
                if (node == null) {
                    // Claimed by a producer that has not published yet; the next drain takes it.
                    break;
                }
                // Cleared before the counter moves on, so a producer that sees the new counter finds
                // the slot empty.
                SLOTS.setRelease(slots, index, null);
                consumer.accept(node);
                head++;
            }
            READ.setRelease(this, head);
        }
    }
}
