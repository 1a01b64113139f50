package io.corsguard.policy;

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
 * <p>Direct-mapped, a fixed number of slots, no lock: a slot holds an immutable entry, written
 * with a plain store (final fields make it safe to read from any thread; a lost update only costs
 * a later evaluation). Its lines are a copy, never the caller's array.
 */
public final class DecisionMemo {
    private static final int SLOTS = 256;

    private final Policy policy;
    private final Entry[] slots;

    public DecisionMemo(Policy policy) {
        this(policy, SLOTS);
    }

    /** @param slots a power of two (tests use one, so that every entry evicts the last) */
    DecisionMemo(Policy policy, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.policy = policy;
        this.slots = new Entry[slots];
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
        int hash = hash(request, response);
        int slot = hash & (slots.length - 1);
        Entry e = slots[slot];
        if (e != null && e.hash == hash && e.matches(request, response)) {
            return e.outcome;
        }
        Entry fresh = new Entry(hash, request, response, policy);
        slots[slot] = fresh;
        return fresh.outcome;
    }

    private static boolean options(RequestFacts request) {
        return "OPTIONS".equalsIgnoreCase(request.method());
    }

    private static int hash(RequestFacts request, HeaderLines response) {
        int h = request.origin().hashCode();
        h = 31 * h + response.status();
        h = 31 * h + (options(request) ? 1 : 0);
        h = 31 * h + (request.credentialsHint() ? 1 : 0);
        h = 31 * h + hash(request.requestMethod());
        h = 31 * h + hash(request.requestHeaders());
        int n = response.size();
        for (int i = 0; i < n; i++) {
            String name = response.name(i);
            h = 31 * h + (name == null ? 0 : name.length());
            h = 31 * h + hash(response.value(i));
        }
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

        boolean matches(RequestFacts request, HeaderLines response) {
            int n = response.size();
            if (status != response.status() || lines.length != 2 * n || credentialsHint != request.credentialsHint()
                || options != options(request) || !origin.equals(request.origin())
                || !same(requestMethod, request.requestMethod()) || !same(requestHeaders, request.requestHeaders())) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                // names compared exactly: the policy reads them case-insensitively, so another
                // spelling is only a miss, never a wrong hit
                if (!same(lines[2 * i], response.name(i)) || !same(lines[2 * i + 1], response.value(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
