package io.corsguard.report;

/**
 * What the reporter keeps with a memoized {@link io.corsguard.policy.Outcome} (its
 * {@code reportCache()}), so that a repeated response is reported without looking anything up:
 * the dedupe windows its violations were last counted into, with the server and path they were
 * for. Immutable: a change stores a new one; two threads storing at once only cost one of them a
 * lookup next time.
 */
final class OutcomeCache {
    static final OutcomeCache EMPTY = new OutcomeCache(null, null, null);

    final String server;
    final String path;
    /** One window per violation, in the decision's order; {@code null} until reported. */
    final Dedupe.Window[] windows;

    OutcomeCache(String server, String path, Dedupe.Window[] windows) {
        this.server = server;
        this.path = path;
        this.windows = windows;
    }

    static OutcomeCache of(Object cached) {
        return cached instanceof OutcomeCache ? (OutcomeCache) cached : EMPTY;
    }

    /** The windows, when they were counted for this server and path. */
    Dedupe.Window[] windowsFor(String forServer, String forPath) {
        Dedupe.Window[] w = windows;
        return w != null && same(server, forServer) && same(path, forPath) ? w : null;
    }

    OutcomeCache withWindows(String forServer, String forPath, Dedupe.Window[] used) {
        return new OutcomeCache(forServer, forPath, used);
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
