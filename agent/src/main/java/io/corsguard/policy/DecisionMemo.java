package io.corsguard.policy;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Remembers the policy's recent decisions by their exact inputs. A server answers the same origin
 * with the same CORS lines over and over, and {@link Policy#evaluate} depends on nothing else, so
 * a repeated response costs a hash and an equality check of a few short strings instead of the
 * whole evaluation (which, in a real server between two requests, runs with cold caches: measured
 * at several times its micro-benchmark cost, BENCHMARKS.md section 6).
 *
 * <p>What the key holds is exactly what {@code evaluate} reads: the origin, whether the method is
 * {@code OPTIONS}, {@code Access-Control-Request-Method/-Headers}, the credentials hint, the
 * status and every CORS line (name and value, in order). The path is not read by the policy and
 * is not part of the key. A memo belongs to one {@link Policy}, so a reload (a new policy) starts
 * with an empty one.
 *
 * <p>What is remembered is an {@link Outcome}: the decision plus what follows from it and the
 * lines alone (the operations, the corrected lines, the credentials flags), so a repeated
 * corrected response is not patched again either.
 *
 * <p>Each memoized outcome also counts the responses it was used for ({@link
 * Outcome#countResponse()}), so a repeated response updates one counter on the outcome instead of
 * the shared ones. The count is handed to the {@link Fold} when the outcome leaves the memo (its
 * slot taken by another entry, or {@link #close()}), and {@link #forEachCounted} shows what is
 * still held, so the totals lose nothing.
 *
 * <p>Direct-mapped, a fixed number of slots, no lock: a slot holds an immutable entry, replaced
 * by compare-and-set so that the entry it replaces is the one handed over (final fields make an
 * entry safe to read from any thread). Its lines are a copy, never the caller's array.
 */
public final class DecisionMemo {
    private static final int SLOTS = 256;

    /** Where the responses an outcome counted go when it leaves the memo. */
    public interface Fold {
        /** {@code responses} (&gt; 0) were judged with {@code outcome} and counted nowhere else. */
        void responses(Outcome outcome, long responses);
    }

    private static final Fold DROP = new Fold() {
        @Override
        public void responses(Outcome outcome, long responses) {
        }
    };

    private final Policy policy;
    private final AtomicReferenceArray<Entry> slots;
    private final Fold fold;
    private volatile boolean closed;

    /** A memo whose outcomes' counts are not kept (nothing calls {@link Outcome#countResponse()}). */
    public DecisionMemo(Policy policy) {
        this(policy, SLOTS, DROP);
    }

    public DecisionMemo(Policy policy, Fold fold) {
        this(policy, SLOTS, fold);
    }

    DecisionMemo(Policy policy, int slots) {
        this(policy, slots, DROP);
    }

    /** @param slots a power of two (tests use one, so that every entry evicts the last) */
    DecisionMemo(Policy policy, int slots, Fold fold) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.policy = policy;
        this.slots = new AtomicReferenceArray<>(slots);
        this.fold = fold;
    }

    /** {@link Policy#evaluate}, remembered: the same decision object for the same inputs. */
    public Decision evaluate(RequestFacts request, HeaderLines response) {
        if (response == null) {
            return policy.evaluate(request, null);
        }
        return judge(request, response).decision();
    }

    /**
     * {@link Policy#evaluate} with what follows from it ({@link Outcome}), remembered: the same
     * outcome object for the same inputs. {@code response} must not be {@code null}.
     */
    public Outcome judge(RequestFacts request, HeaderLines response) {
        if (request == null || request.origin() == null) {
            return new Outcome(policy.evaluate(request, response), response);
        }
        String origin = request.origin();
        boolean options = options(request.method());
        int hash = hash(origin, options, request.credentialsHint(), request.requestMethod(), request.requestHeaders(),
            response.status(), response.pairs(), response.size());
        int slot = hash & (slots.length() - 1);
        Entry e = slots.get(slot);
        if (e != null && e.matches(hash, origin, options, request.credentialsHint(), request.requestMethod(),
            request.requestHeaders(), response.status(), response.pairs(), response.size())) {
            return e.outcome;
        }
        Entry fresh = new Entry(hash, request, response, policy);
        fresh.outcome.openCount();
        if (!slots.compareAndSet(slot, e, fresh)) {
            // another thread replaced the slot first: this outcome is never published, so it
            // counts nothing (its caller counts in the shared counters)
            fresh.outcome.closeCount();
            return fresh.outcome;
        }
        if (e != null) {
            handOver(e.outcome);
        }
        if (closed) {
            // close() ran while this entry was being made, and may have swept the slot before it
            // was there: the compare-and-set above and the read of closed are both ordered, so at
            // least one of the two sees the other
            handOver(fresh.outcome);
        }
        return fresh.outcome;
    }

    /**
     * Closes every outcome held, handing their counts to the fold; later outcomes are closed as
     * soon as they are made. For the configuration this memo belongs to being replaced.
     */
    public void close() {
        closed = true;
        for (int i = 0; i < slots.length(); i++) {
            Entry e = slots.get(i);
            if (e != null) {
                handOver(e.outcome);
            }
        }
    }

    /** Shows every held outcome with the responses it counted and has not handed over yet. */
    public void forEachCounted(Fold visitor) {
        for (int i = 0; i < slots.length(); i++) {
            Entry e = slots.get(i);
            if (e != null) {
                long n = e.outcome.responsesCounted();
                if (n > 0) {
                    visitor.responses(e.outcome, n);
                }
            }
        }
    }

    private void handOver(Outcome outcome) {
        long n = outcome.closeCount();
        if (n > 0) {
            fold.responses(outcome, n);
        }
    }

    /**
     * The remembered outcome for these inputs, or {@code null} when there is none: {@link #judge}
     * for a repeated response without building its {@link RequestFacts} and {@link HeaderLines}
     * first (the engine builds them only on a miss). {@code origin} must not be {@code null};
     * {@code pairs} holds name, value, name, value, ... of {@code lineCount} lines.
     */
    public Outcome find(String origin, String method, String requestMethod, String requestHeaders,
                        boolean credentialsHint, int status, String[] pairs, int lineCount) {
        boolean options = options(method);
        int hash = hash(origin, options, credentialsHint, requestMethod, requestHeaders, status, pairs, lineCount);
        Entry e = slots.get(hash & (slots.length() - 1));
        return e != null && e.matches(hash, origin, options, credentialsHint, requestMethod, requestHeaders, status,
            pairs, lineCount) ? e.outcome : null;
    }

    private static boolean options(RequestFacts request) {
        return options(request.method());
    }

    private static boolean options(String method) {
        return "OPTIONS".equalsIgnoreCase(method);
    }

    /** Over exactly what the key holds; a {@code null} value hashes as the empty one it reads as. */
    private static int hash(String origin, boolean options, boolean credentialsHint, String requestMethod,
                            String requestHeaders, int status, String[] pairs, int lineCount) {
        int h = origin.hashCode();
        h = 31 * h + status;
        h = 31 * h + (options ? 1 : 0);
        h = 31 * h + (credentialsHint ? 1 : 0);
        h = 31 * h + hash(requestMethod);
        h = 31 * h + hash(requestHeaders);
        for (int i = 0; i < lineCount; i++) {
            String name = pairs[2 * i];
            h = 31 * h + (name == null ? 0 : name.length());
            h = 31 * h + hash(pairs[2 * i + 1]);
        }
        return spread(h);
    }

    private static int spread(int h) {
        return h ^ (h >>> 16) ^ (h >>> 8);
    }

    private static int hash(String s) {
        return s == null ? 0 : s.hashCode();
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private static final class Entry {
        final int hash;
        final String origin;
        final boolean options;
        final boolean credentialsHint;
        final String requestMethod;
        final String requestHeaders;
        final int status;
        /** name, value, name, value, ... */
        final String[] lines;
        /** Final, like every field here: the entry is published by a plain store. */
        final Outcome outcome;

        Entry(int hash, RequestFacts request, HeaderLines response, Policy policy) {
            this.hash = hash;
            this.origin = request.origin();
            this.options = options(request);
            this.credentialsHint = request.credentialsHint();
            this.requestMethod = request.requestMethod();
            this.requestHeaders = request.requestHeaders();
            this.status = response.status();
            int n = response.size();
            this.lines = new String[2 * n];
            for (int i = 0; i < n; i++) {
                lines[2 * i] = response.name(i);
                lines[2 * i + 1] = response.value(i);
            }
            // evaluated on the entry's own copy of the lines: the outcome keeps its corrected
            // lines, and the caller's array must not be kept
            HeaderLines written = HeaderLines.ofPairs(response.status(), lines, n);
            this.outcome = new Outcome(policy.evaluate(request, written), written);
        }

        boolean matches(int hash, String origin, boolean options, boolean credentialsHint, String requestMethod,
                        String requestHeaders, int status, String[] pairs, int lineCount) {
            if (this.hash != hash || this.status != status || lines.length != 2 * lineCount
                || this.credentialsHint != credentialsHint || this.options != options || !this.origin.equals(origin)
                || !same(this.requestMethod, requestMethod) || !same(this.requestHeaders, requestHeaders)) {
                return false;
            }
            for (int i = 0; i < lineCount; i++) {
                // names compared exactly: the policy reads them case-insensitively, so another
                // spelling is only a miss, never a wrong hit; a null value is the empty one
                // HeaderLines reads (and the entry keeps)
                String value = pairs[2 * i + 1];
                if (!same(lines[2 * i], pairs[2 * i]) || !same(lines[2 * i + 1], value == null ? "" : value)) {
                    return false;
                }
            }
            return true;
        }
    }
}
