package io.corsguard.bootstrap;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The requests of one HTTP/1.1 connection that still await their response, oldest first, so that
 * each response is judged with its own request's facts even when the client pipelines (a server
 * answers pipelined requests in order, RFC 9112 §9.3.2). Kept in the connection's own attribute
 * map, so it dies with the connection.
 *
 * <p>Bounded: at most {@link #CAPACITY} entries are held. A request that finds the ring full is
 * only counted; its response goes out unjudged, and pairing stays exact without unbounded memory.
 * The queue becomes <em>broken</em> (all later calls answer "unjudged") when pairing can no longer
 * be trusted: a response arrives with no request pending, or the agent was inactive for a while
 * (requests decoded then were not recorded).
 *
 * <p>No lock: every request of a connection passes here, with or without {@code Origin}, and the
 * path of a response without CORS header must not lock. One thread pushes (the decoder's), one
 * polls (the encoder's; in practice the same event loop, but a pipeline may bind them to
 * different executors), so a single-producer single-consumer ring suffices: request number
 * {@code t} goes to slot {@code t % CAPACITY} unless that slot still holds request
 * {@code t - CAPACITY}; {@code tail} counts requests pushed, {@code head} responses polled, each
 * written by one side only and published with an ordered store. When the consumer reaches request
 * {@code t}, its slot holds that request or, if it overflowed, nothing (request
 * {@code t + CAPACITY} cannot have been stored there before {@code t} was polled).
 */
public final class RequestQueue {

    public static final int CAPACITY = 64;

    /**
     * Netty's {@code AttributeKey} of a channel's queue ({@code io.corsguard.requests}), stored by
     * the advice after its first lookup so that later requests and responses skip
     * {@code AttributeKey.valueOf}'s map lookup (a few cache lines per request under load). An
     * {@code Object}: bootstrap classes see no Netty type. Advice woven into a second copy of Netty
     * (another class loader) finds a key of another class here, looks its own up and stores that:
     * still correct, only slower while both copies serve.
     */
    public static volatile Object nettyKey;

    private static final AtomicLongFieldUpdater<RequestQueue> HEAD =
        AtomicLongFieldUpdater.newUpdater(RequestQueue.class, "head");
    private static final AtomicLongFieldUpdater<RequestQueue> TAIL =
        AtomicLongFieldUpdater.newUpdater(RequestQueue.class, "tail");

    private final CapturedRequest[] ring = new CapturedRequest[CAPACITY];
    private final int activation;
    /** Responses polled (consumer only). */
    private volatile long head;
    /** Requests pushed, held or overflowed (producer only). */
    private volatile long tail;
    private volatile boolean broken;

    public RequestQueue() {
        activation = CorsGuardBridge.activations();
    }

    /** Records the next request's facts ({@link CapturedRequest#NO_ORIGIN} for a non-CORS one). */
    public void push(CapturedRequest request) {
        if (broken || stale()) {
            return;
        }
        long t = tail;
        if (t - head < CAPACITY) {
            // the slot of request t - CAPACITY, polled (and cleared) before head moved past it
            ring[(int) (t % CAPACITY)] = request;
        }
        // ordered store: the slot is visible to the consumer before the new tail
        TAIL.lazySet(this, t + 1);
    }

    /**
     * Takes the facts of the oldest request awaiting its response: {@code null} when the response
     * must go out unjudged (request beyond capacity, queue broken, or no request pending).
     */
    public CapturedRequest poll() {
        if (broken || stale()) {
            return null;
        }
        long h = head;
        if (h >= tail) {
            // a response nobody asked for (as far as we saw): pairing is lost for good
            breakQueue();
            return null;
        }
        int slot = (int) (h % CAPACITY);
        CapturedRequest r = ring[slot];
        ring[slot] = null;
        // ordered store: the cleared slot is seen before the producer may reuse it
        HEAD.lazySet(this, h + 1);
        return r;
    }

    /** Requests held (not counting overflow); at most {@link #CAPACITY}. For tests and diagnostics. */
    public int size() {
        int held = 0;
        long h = head;
        // requests from head + CAPACITY on cannot be held: their slots are those of pending ones
        for (long i = h, end = Math.min(tail, h + CAPACITY); i < end; i++) {
            if (ring[(int) (i % CAPACITY)] != null) {
                held++;
            }
        }
        return held;
    }

    /** Requests beyond capacity still awaiting their (unjudged) response. For tests and diagnostics. */
    public long overflow() {
        return tail - head - size();
    }

    public boolean isBroken() {
        return broken || stale();
    }

    private boolean stale() {
        if (activation != CorsGuardBridge.activations()) {
            breakQueue();
            return true;
        }
        return false;
    }

    private void breakQueue() {
        broken = true;
        for (int i = 0; i < CAPACITY; i++) {
            ring[i] = null;
        }
    }
}
