package io.corsguard.bootstrap;

/**
 * The requests of one HTTP/1.1 connection that still await their response, oldest first, so that
 * each response is judged with its own request's facts even when the client pipelines (a server
 * answers pipelined requests in order, RFC 9112 §9.3.2). Kept in the connection's own attribute
 * map, so it dies with the connection.
 *
 * <p>Bounded: at most {@link #CAPACITY} entries are held. Requests beyond that are only counted;
 * their responses go out unjudged, and the ones after them are judged again once the backlog has
 * drained, so pairing stays exact without unbounded memory. The queue becomes <em>broken</em> (all
 * later calls answer "unjudged") when pairing can no longer be trusted: a response arrives with no
 * request pending, or the agent was inactive for a while (requests decoded then were not recorded).
 *
 * <p>Push and poll normally run on the connection's event loop; they are synchronized anyway,
 * since a decoder and an encoder may be bound to different executors.
 */
public final class RequestQueue {

    public static final int CAPACITY = 64;

    private final CapturedRequest[] ring = new CapturedRequest[CAPACITY];
    private final int activation;
    private int head;
    private int size;
    /** Requests that arrived while the ring was full (or after such ones): unjudged, in order. */
    private long overflow;
    private boolean broken;

    public RequestQueue() {
        activation = CorsGuardBridge.activations();
    }

    /** Records the next request's facts ({@link CapturedRequest#NO_ORIGIN} for a non-CORS one). */
    public synchronized void push(CapturedRequest request) {
        if (broken || stale()) {
            return;
        }
        if (overflow > 0 || size == CAPACITY) {
            // later requests must queue behind the uncounted ones, so they are counted too
            overflow++;
            return;
        }
        ring[(head + size) % CAPACITY] = request;
        size++;
    }

    /**
     * Takes the facts of the oldest request awaiting its response: {@code null} when the response
     * must go out unjudged (request beyond capacity, queue broken, or no request pending).
     */
    public synchronized CapturedRequest poll() {
        if (broken || stale()) {
            return null;
        }
        if (size > 0) {
            CapturedRequest r = ring[head];
            ring[head] = null;
            head = (head + 1) % CAPACITY;
            size--;
            return r;
        }
        if (overflow > 0) {
            overflow--;
            return null;
        }
        // a response nobody asked for (as far as we saw): pairing is lost for good
        breakQueue();
        return null;
    }

    /** Requests held (not counting overflow); at most {@link #CAPACITY}. */
    public synchronized int size() {
        return size;
    }

    /** Requests beyond capacity still awaiting their (unjudged) response. */
    public synchronized long overflow() {
        return overflow;
    }

    public synchronized boolean isBroken() {
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
        size = 0;
        overflow = 0;
    }
}
