package io.corsguard.concurrent;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A count that server threads bump on every response and that can be closed without losing an
 * increment: the count of a memoized outcome, the pending occurrences of a dedupe window. An
 * increment lands either before {@link #close()}, which returns it, or after, and is refused (its
 * caller counts it elsewhere).
 *
 * <p>Uncontended, it is one field of the object that extends this class, on the line its caller
 * has just read. Once two threads collide on it (a failed compare-and-set), each thread counts
 * on a stripe of its own from then on, one cache line apart, as a {@code LongAdder} does: a
 * single count written by every server thread made the judged path 3-5 times slower with two
 * threads (BENCHMARKS.md section 16). Each stripe is opened and closed like the count itself, so
 * closing stays lossless.
 */
public abstract class StripedCount {
    /** A closed count: far enough below zero that no number of late increments brings it back. */
    private static final long CLOSED = Long.MIN_VALUE / 2;
    private static final AtomicLongFieldUpdater<StripedCount> COUNT =
        AtomicLongFieldUpdater.newUpdater(StripedCount.class, "count");
    private static final AtomicReferenceFieldUpdater<StripedCount, AtomicLongArray> STRIPES =
        AtomicReferenceFieldUpdater.newUpdater(StripedCount.class, AtomicLongArray.class, "stripes");
    /**
     * A power of two, at least twice the processors (so that a server's threads mostly get one
     * each), at most 8: a contended count then holds at most 592 bytes of stripes, and the dedupe
     * windows (up to 10 000) at most 6 MB if every one of them were contended.
     */
    private static final int STRIPE_COUNT =
        Math.min(8, Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));
    /**
     * Longs between two stripes: 64 bytes, a cache line each. Stripe {@code k} is element
     * {@code (k + 1) * STRIDE}: the first line of the array is left unwritten, because it holds
     * the array's header, whose length every increment reads for its bounds check (a stripe there
     * made every other thread's increment miss whenever its owner counted).
     */
    private static final int STRIDE = 8;
    /** {@link #stripes} of a count closed before it had any: none may be made any more. */
    private static final AtomicLongArray CLOSED_STRIPES = new AtomicLongArray(0);

    private volatile long count;
    /** {@code null} until two threads collided on {@link #count}. */
    private volatile AtomicLongArray stripes;

    /** @param open whether increments are taken from the start ({@link #open()} opens one later) */
    protected StripedCount(boolean open) {
        count = open ? 0 : CLOSED;
    }

    /** Opens a count made closed (before the object is published). */
    protected final void open() {
        count = 0;
    }

    /** Counts one; {@code false} when the count is closed and the caller must count elsewhere. */
    protected final boolean tryIncrement() {
        AtomicLongArray s = stripes;
        if (s == null) {
            long n = count;
            if (n < 0) {
                return false;
            }
            if (COUNT.compareAndSet(this, n, n + 1)) {
                return true;
            }
            // another thread counted at the same moment, or closed the count: stripes from now on
            s = stripes();
        }
        if (s == CLOSED_STRIPES) {
            return false;
        }
        // consecutive ids for a server's threads, made together: mostly a stripe each
        int stripe = (int) Thread.currentThread().getId() & (STRIPE_COUNT - 1);
        return s.incrementAndGet((stripe + 1) * STRIDE) > 0;
    }

    /** The stripes, made now if there are none yet ({@link #CLOSED_STRIPES} once closed before). */
    private AtomicLongArray stripes() {
        AtomicLongArray s = stripes;
        if (s == null) {
            AtomicLongArray fresh = new AtomicLongArray((STRIPE_COUNT + 1) * STRIDE);
            s = STRIPES.compareAndSet(this, null, fresh) ? fresh : stripes;
        }
        return s;
    }

    /** Spreads the count over stripes now, as a collision would (tests). */
    final void spread() {
        stripes();
    }

    /** The stripes' array as it is, {@code null} before any (tests). */
    final AtomicLongArray stripesArray() {
        return stripes;
    }

    /** Whether the count is spread over stripes (tests). */
    final boolean striped() {
        AtomicLongArray s = stripes;
        return s != null && s != CLOSED_STRIPES;
    }

    /** What is counted and not yet taken; 0 once closed. */
    protected final long pending() {
        long n = count;
        long total = n < 0 ? 0 : n;
        AtomicLongArray s = stripes;
        if (s != null) {
            for (int i = STRIDE; i < s.length(); i += STRIDE) {
                long m = s.get(i);
                total += m < 0 ? 0 : m;
            }
        }
        return total;
    }

    /**
     * Closes the count and returns what was counted and not yet taken; {@code -1} when it was
     * already closed (by another thread: the caller is not the one that closed it).
     */
    protected final long close() {
        long n = COUNT.getAndSet(this, CLOSED);
        if (n < 0) {
            return -1;
        }
        long total = n;
        // no stripes may be made once this has looked: an increment lands on a stripe closed
        // here (counted before, refused after) or finds CLOSED_STRIPES
        AtomicLongArray s = stripes;
        if (s == null && !STRIPES.compareAndSet(this, null, CLOSED_STRIPES)) {
            s = stripes;
        }
        if (s != null) {
            for (int i = STRIDE; i < s.length(); i += STRIDE) {
                long m = s.getAndSet(i, CLOSED);
                total += m < 0 ? 0 : m;
            }
        }
        return total;
    }

    /** Takes what was counted and not yet taken, leaving the count open; 0 when closed. */
    protected final long drain() {
        long total = take(this);
        AtomicLongArray s = stripes;
        if (s != null) {
            for (int i = STRIDE; i < s.length(); i += STRIDE) {
                for (;;) {
                    long m = s.get(i);
                    if (m <= 0) {
                        break;
                    }
                    if (s.compareAndSet(i, m, 0)) {
                        total += m;
                        break;
                    }
                }
            }
        }
        return total;
    }

    private static long take(StripedCount c) {
        for (;;) {
            long n = c.count;
            if (n <= 0) {
                return 0;
            }
            if (COUNT.compareAndSet(c, n, 0)) {
                return n;
            }
        }
    }
}
