package io.corsguard.policy;

import io.corsguard.concurrent.StripedCount;

/**
 * A decision together with everything that follows from it and the written lines alone: the
 * operations correct mode applies, the lines a corrected response leaves with, and whether the
 * response carries credentials as written and as corrected. {@link DecisionMemo} keeps it with the
 * decision, so a repeated corrected response costs no patch copy, no patched lines and no scan of
 * the lines for {@code Access-Control-Allow-Credentials} (BENCHMARKS.md section 9). Immutable,
 * except for what the reporter keeps on it ({@link #reportCache()}, {@link #learnedCounter()})
 * and its count of responses ({@link #countResponse()}).
 */
public final class Outcome extends StripedCount {
    private final Decision decision;
    private final String[] operations;
    private final HeaderLines corrected;
    private final boolean credentialsAsWritten;
    private final boolean credentialsAsCorrected;
    /** See {@link #reportCache()}; volatile, so whatever is stored is seen whole by other threads. */
    private volatile Object reportCache;
    /** See {@link #learnedCounter()}. */
    private volatile Object learnedCounter;
    Outcome(Decision decision, HeaderLines written) {
        // closed until its memo opens it: an outcome that is not memoized counts nothing
        super(false);
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
     * counter (judged, corrected, one per violation); spread over stripes once server threads
     * collide on it ({@link StripedCount}). {@code false} when the outcome is closed (evicted
     * from its memo, its configuration replaced, or never memoized): the caller then counts the
     * response in the shared counters itself. Lossless: an increment lands either before
     * {@link #closeCount()}, which hands it over, or after, and is refused.
     */
    public boolean countResponse() {
        return tryIncrement();
    }

    /** Responses counted here and not yet handed over; 0 once closed. */
    public long responsesCounted() {
        return pending();
    }

    /** Opens the count (the memo, before it publishes the outcome). */
    void openCount() {
        open();
    }

    /**
     * Stops counting here and returns the responses counted so far, for the caller to fold into
     * the shared counters; 0 when already closed, so that closing twice hands nothing over twice.
     */
    long closeCount() {
        return Math.max(0, close());
    }
}
