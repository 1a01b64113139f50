package io.corsguard.policy;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A decision together with everything that follows from it and the written lines alone: the
 * operations correct mode applies, the lines a corrected response leaves with, and whether the
 * response carries credentials as written and as corrected. {@link DecisionMemo} keeps it with the
 * decision, so a repeated corrected response costs no patch copy, no patched lines and no scan of
 * the lines for {@code Access-Control-Allow-Credentials} (BENCHMARKS.md section 9). Immutable,
 * except for what the reporter keeps on it ({@link #reportCache()}, {@link #learnedCounter()})
 * and its count of responses ({@link #countResponse()}).
 */
public final class Outcome {
    /**
     * {@link #responses} of a closed outcome: far enough below zero that no number of later
     * increments brings it back to a count.
     */
    private static final long CLOSED = Long.MIN_VALUE / 2;
    private static final AtomicLongFieldUpdater<Outcome> RESPONSES =
        AtomicLongFieldUpdater.newUpdater(Outcome.class, "responses");
    private static final AtomicReferenceFieldUpdater<Outcome, AtomicLongArray> STRIPES =
        AtomicReferenceFieldUpdater.newUpdater(Outcome.class, AtomicLongArray.class, "stripes");
    /**
     * Stripes of a contended count: a power of two, at least twice the processors (so that a
     * server's threads mostly get one each), at most 32.
     */
    private static final int STRIPE_COUNT =
        Math.min(32, Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));
    /** Longs between two stripes: 64 bytes, a cache line each. */
    private static final int STRIDE = 8;
    /** {@link #stripes} of a closed outcome that had none: no stripe may be made any more. */
    private static final AtomicLongArray CLOSED_STRIPES = new AtomicLongArray(0);

    private final Decision decision;
    private final String[] operations;
    private final HeaderLines corrected;
    private final boolean credentialsAsWritten;
    private final boolean credentialsAsCorrected;
    /** See {@link #reportCache()}; volatile, so whatever is stored is seen whole by other threads. */
    private volatile Object reportCache;
    /** See {@link #learnedCounter()}. */
    private volatile Object learnedCounter;
    /**
     * Responses counted with this outcome and not yet folded into the shared counters; or, once
     * {@link #close() closed}, {@link #CLOSED} plus the increments that came too late (their
     * callers count elsewhere). Open only while its memo holds it.
     */
    private volatile long responses = CLOSED;
    /**
     * The count spread over stripes once two threads collided on {@link #responses} (each stripe
     * open or closed like it, see {@link #close()}); {@code null} until then.
     */
    private volatile AtomicLongArray stripes;

    Outcome(Decision decision, HeaderLines written) {
        this.decision = decision;
        HeaderPatch patch = decision == null ? HeaderPatch.empty() : decision.patch();
        this.operations = patch.isEmpty() ? null : patch.operationsShared();
        this.corrected = written.apply(patch);
        this.credentialsAsWritten = written.allowsCredentials();
        this.credentialsAsCorrected = corrected == written ? credentialsAsWritten : corrected.allowsCredentials();
    }

    /** The policy's decision; {@code null} when there is nothing to report or change. */
    public Decision decision() {
        return decision;
    }

    /**
     * The patch's operations in the bridge's format ({@link HeaderPatch#operations()}), or
     * {@code null} when the patch is empty. Shared by every response with the same inputs: callers
     * only read it (the bridge contract).
     */
    public String[] operations() {
        return operations;
    }

    /** The lines as correct mode sends them (the written lines when the patch is empty). */
    public HeaderLines corrected() {
        return corrected;
    }

    /** {@code Access-Control-Allow-Credentials: true} among the written lines. */
    public boolean credentialsAsWritten() {
        return credentialsAsWritten;
    }

    /** {@code Access-Control-Allow-Credentials: true} among the corrected lines. */
    public boolean credentialsAsCorrected() {
        return credentialsAsCorrected;
    }

    /**
     * Whether a response judged with this outcome leaves with credentials: as corrected when
     * correct mode applies its operations, as written otherwise. The same for every response with
     * it under one configuration, so the responses it counted all sent credentials or none did.
     */
    public boolean credentialsSent(boolean correctMode) {
        return correctMode && operations != null ? credentialsAsCorrected : credentialsAsWritten;
    }

    /**
     * What the reporter keeps for this outcome so that the next response with it is counted
     * without lookups (its origin's learned-origin counter, the dedupe windows its violations were
     * counted into); {@code null} until then. Opaque here: the policy never reads it. A memoized
     * outcome stands for one origin (the memo's key holds it) and belongs to one memo, hence to
     * one configuration and one reporter. A lost race between two threads only costs one more
     * lookup.
     */
    public Object reportCache() {
        return reportCache;
    }

    public void reportCache(Object value) {
        this.reportCache = value;
    }

    /**
     * Where the reporter counts this outcome's responses that send credentials (its origin's
     * learned-origin counter); {@code null} until the first. Opaque here, and a field of its own
     * rather than part of {@link #reportCache()}: a repeated response reads it on the line it has
     * just read for its count, without following another reference. Set before the first such
     * response is counted here, so that the count handed over with this outcome finds it.
     */
    public Object learnedCounter() {
        return learnedCounter;
    }

    public void learnedCounter(Object counter) {
        this.learnedCounter = counter;
    }

    /**
     * Counts one more response with this outcome, here instead of in the shared counters: one
     * atomic update on a line the caller has just read, where the shared counters cost one per
     * counter (judged, corrected, one per violation). Once two threads collide on it, the count is
     * spread over stripes, one cache line each, as a {@code LongAdder}'s: a single count written
     * by every server thread made the compliant path 3-5 times slower with two threads
     * (BENCHMARKS.md section 16). {@code false} when the outcome is closed
     * (evicted from its memo, its configuration replaced, or never memoized): the caller then
     * counts the response in the shared counters itself. Lossless: an increment lands either
     * before {@link #close()}, which hands it over, or after, and is refused.
     */
    public boolean countResponse() {
        AtomicLongArray s = stripes;
        if (s == null) {
            long n = responses;
            if (n < 0) {
                return false;
            }
            if (RESPONSES.compareAndSet(this, n, n + 1)) {
                return true;
            }
            // another thread counted at the same moment (or the outcome was just closed): from
            // now on each thread counts on a stripe of its own, as a LongAdder does, so that
            // server threads answering the same origin do not all write one cache line
            s = stripes();
        }
        if (s == CLOSED_STRIPES) {
            return false;
        }
        // consecutive ids for a server's threads, made together: mostly a stripe each
        int stripe = (int) Thread.currentThread().getId() & (STRIPE_COUNT - 1);
        return s.incrementAndGet(stripe * STRIDE) > 0;
    }

    /** The stripes, made now if there are none yet ({@link #CLOSED_STRIPES} once closed). */
    AtomicLongArray stripes() {
        AtomicLongArray s = stripes;
        if (s == null) {
            AtomicLongArray fresh = new AtomicLongArray(STRIPE_COUNT * STRIDE);
            s = STRIPES.compareAndSet(this, null, fresh) ? fresh : stripes;
        }
        return s;
    }

    /** Responses counted here and not yet handed over; 0 once closed. */
    public long responsesCounted() {
        long n = responses;
        long total = n < 0 ? 0 : n;
        AtomicLongArray s = stripes;
        if (s != null) {
            for (int i = 0; i < s.length(); i += STRIDE) {
                long m = s.get(i);
                total += m < 0 ? 0 : m;
            }
        }
        return total;
    }

    /** Opens the count (the memo, before it publishes the outcome). */
    void open() {
        responses = 0;
    }

    /**
     * Stops counting here and returns the responses counted so far, for the caller to fold into
     * the shared counters; 0 when already closed, so that closing twice hands nothing over twice.
     */
    long close() {
        long n = RESPONSES.getAndSet(this, CLOSED);
        long total = n < 0 ? 0 : n;
        // no stripes may be made once this has looked: an increment lands on a cell closed here
        // (counted before, refused after) or finds CLOSED_STRIPES
        AtomicLongArray s = stripes;
        if (s == null && !STRIPES.compareAndSet(this, null, CLOSED_STRIPES)) {
            s = stripes;
        }
        if (s != null) {
            for (int i = 0; i < s.length(); i += STRIDE) {
                long m = s.getAndSet(i, CLOSED);
                total += m < 0 ? 0 : m;
            }
        }
        return total;
    }

    /** Whether the count was spread over stripes (for tests). */
    boolean striped() {
        AtomicLongArray s = stripes;
        return s != null && s != CLOSED_STRIPES;
    }
}
