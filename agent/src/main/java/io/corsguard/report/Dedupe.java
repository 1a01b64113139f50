package io.corsguard.report;

import io.corsguard.concurrent.StripedCount;
import io.corsguard.policy.Action;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Rule;
import io.corsguard.policy.Violation;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Folds identical violations (same rule, action, server, origin and path) within the dedupe
 * window: the first occurrence is written at once with count 1; later ones in the window only
 * bump a counter; the first occurrence after the window (or a sweep, {@link #flush}) writes one
 * folded line whose count is the occurrences since the previous line.
 *
 * <p>Lock-free: a {@link ConcurrentHashMap} of windows, each a {@link StripedCount} of pending
 * occurrences that is closed when the window is, so an increment never races into a window whose
 * count was already written, and that server threads repeating one violation do not all write
 * on one cache line. Bounded: at most {@link #MAX_KEYS} windows and
 * {@link #MAX_CHARS} characters of kept line bodies; beyond that a violation is written
 * without dedupe and counted as overflow, so random hostile origins cannot grow memory.
 *
 * <p>Expired windows are swept at most once per window length by whichever caller notices first
 * (no background thread): their pending counts are written and the windows dropped.
 */
final class Dedupe {
    static final int MAX_KEYS = 10_000;
    static final long MAX_CHARS = 4_000_000L;
    /** Keys keep at most this many characters of origin and path (plus full length and hash). */
    static final int MAX_KEY_PART = 256;

    /** Where lines go: the reporter frames the body with ts and count. */
    interface Sink {
        void write(String body, long count, boolean folded);
    }

    private final long window;
    private final LineFormat format;
    private final Sink sink;
    private final Counters counters;
    private final LongSupplier clock;
    private final int maxKeys;
    private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong keptChars = new AtomicLong();
    private final AtomicLong lastSweep;

    Dedupe(long windowMillis, LineFormat format, Sink sink, Counters counters, LongSupplier clock, int maxKeys) {
        this.window = windowMillis;
        this.format = format;
        this.sink = sink;
        this.counters = counters;
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.lastSweep = new AtomicLong(clock.getAsLong());
    }

    /**
     * Records the violations of one response. The clock is read, and the server, origin and path
     * are cut and hashed, once per response rather than once per violation (a corrected response
     * usually has two).
     *
     * @param hint the windows an earlier response with the same violations, server, origin and
     *             path was counted into (what this method returned for it), or {@code null}: while
     *             they are all open, each violation only bumps its window, with no key built or
     *             looked up
     * @return the window each violation was counted into, in order; {@code null} when one was
     *         written without a window (no dedupe, or over the bounds)
     */
    Window[] record(String mode, String server, RequestFacts request, List<Violation> violations, HeaderLines written,
                    HeaderLines corrected, Window[] hint) {
        int n = violations.size();
        if (window <= 0) {
            for (int i = 0; i < n; i++) {
                sink.write(format.body(mode, server, request, violations.get(i), written, corrected), 1, false);
            }
            return null;
        }
        long now = clock.getAsLong();
        int i = 0;
        if (hint != null && hint.length == n) {
            // an open window is always its key's current one: replacing or dropping it closes it first
            while (i < n && now - hint[i].start < window && hint[i].count()) {
                i++;
            }
            if (i == n) {
                sweepIfDue(now);
                return hint;
            }
        }
        Window[] used = new Window[n];
        boolean all = true;
        Site site;
        if (i > 0) {
            System.arraycopy(hint, 0, used, 0, i);
            site = hint[0].site;
        } else {
            site = new Site(server, request.origin(), request.path());
        }
        for (; i < n; i++) {
            Violation v = violations.get(i);
            Window w = record(mode, server, request, v, written, corrected, new Key(v.rule(), v.action(), site), now);
            if (w == null) {
                all = false;
            } else {
                used[i] = w;
                // the site of an open window from now on: the response's other violations were
                // usually opened by the same earlier response, so their keys compare by identity
                site = w.site;
            }
        }
        sweepIfDue(now);
        return all ? used : null;
    }

    private void sweepIfDue(long now) {
        if (now - lastSweep.get() >= window) {
            long last = lastSweep.get();
            if (now - last >= window && lastSweep.compareAndSet(last, now)) {
                sweep(now, false);
            }
        }
    }

    /** Counts one violation into its window (or opens one); returns that window, {@code null} when written without one. */
    private Window record(String mode, String server, RequestFacts request, Violation v, HeaderLines written,
                          HeaderLines corrected, Key key, long now) {
        for (;;) {
            Window w = windows.get(key);
            if (w == null) {
                if (windows.size() >= maxKeys || keptChars.get() >= MAX_CHARS) {
                    counters.dedupeOverflow();
                    sink.write(format.body(mode, server, request, v, written, corrected), 1, false);
                    return null;
                }
                String body = format.body(mode, server, request, v, written, corrected);
                Window fresh = new Window(now, body, key.site);
                if (windows.putIfAbsent(key, fresh) == null) {
                    keptChars.addAndGet(body.length());
                    sink.write(body, 1, false);
                    return fresh;
                }
                continue; // another thread opened this window first: count into it
            }
            if (now - w.start < window) {
                if (w.count()) {
                    return w;
                }
                // closed by another thread that is replacing or dropping it: look again
                Thread.yield();
                continue;
            }
            long pending = w.closeWindow();
            if (pending < 0) {
                Thread.yield();
                continue;
            }
            // this occurrence opens the next window and carries the folded ones with it
            String body = format.body(mode, server, request, v, written, corrected);
            // the map keeps its key object on replace, so the new window keeps that key's site
            Window next = new Window(now, body, w.site);
            windows.replace(key, w, next);
            keptChars.addAndGet(body.length() - w.body.length());
            sink.write(body, pending + 1, pending > 0);
            return next;
        }
    }

    /** Writes every pending folded count now (windows stay open) and drops expired windows. */
    void flush() {
        sweep(clock.getAsLong(), true);
    }

    int size() {
        return windows.size();
    }

    private void sweep(long now, boolean all) {
        for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Window> e = it.next();
            Window w = e.getValue();
            if (now - w.start >= window) {
                long pending = w.closeWindow();
                if (pending >= 0) {
                    // only the closer removes a window, so this cannot drop a fresh one
                    windows.remove(e.getKey(), w);
                    keptChars.addAndGet(-w.body.length());
                    if (pending > 0) {
                        sink.write(w.body, pending, true);
                    }
                }
            } else if (all) {
                long pending = w.drainWindow();
                if (pending > 0) {
                    sink.write(w.body, pending, true);
                }
            }
        }
    }

    /** One open window: the kept line body and the occurrences folded since its last line (-1: closed). */
    static final class Window extends StripedCount {
        final long start;
        final String body;
        /** The site of the key the window was opened under. */
        final Site site;

        Window(long start, String body, Site site) {
            super(true);
            this.start = start;
            this.body = body;
            this.site = site;
        }

        /** Counts one occurrence; {@code false} when the window is closed. */
        boolean count() {
            return tryIncrement();
        }

        /** Closes the window; returns its pending count, or -1 when another thread closed it. */
        long closeWindow() {
            return close();
        }

        /** Takes the pending count, leaving the window open. */
        long drainWindow() {
            return drain();
        }
    }

    /**
     * Where a response went: server, origin and path. Long origins and paths are kept as a prefix
     * plus full length and hash: an 8 KB origin must not pin 8 KB per window. Two different long
     * values that share prefix, length and hash would fold together; that is acceptable for a
     * report. Built once per response and shared by the keys of its violations.
     */
    static final class Site {
        private final String server;
        private final String origin;
        private final String path;
        private final int originLength;
        private final int pathLength;
        private final int originHash;
        private final int pathHash;
        private final int hash;

        Site(String server, String origin, String path) {
            this.server = server == null ? "" : server;
            String o = origin == null ? "" : origin;
            String p = path == null ? "" : path;
            this.originLength = o.length();
            this.pathLength = p.length();
            this.originHash = o.hashCode();
            this.pathHash = p.hashCode();
            this.origin = o.length() > MAX_KEY_PART ? o.substring(0, MAX_KEY_PART) : o;
            this.path = p.length() > MAX_KEY_PART ? p.substring(0, MAX_KEY_PART) : p;
            int h = this.server.hashCode();
            h = 31 * h + originHash;
            h = 31 * h + pathHash;
            this.hash = h;
        }

        boolean same(Site k) {
            return this == k || (hash == k.hash && originLength == k.originLength && pathLength == k.pathLength
                && originHash == k.originHash && pathHash == k.pathHash
                && server.equals(k.server) && origin.equals(k.origin) && path.equals(k.path));
        }
    }

    /** What makes two violations identical: rule, action and {@link Site}. */
    static final class Key {
        private final Rule rule;
        private final Action action;
        private final Site site;
        private final int hash;

        Key(Rule rule, Action action, Site site) {
            this.rule = rule;
            this.action = action;
            this.site = site;
            // ordinals, not the enums' identity hashes: the same key hashes the same in every run
            this.hash = 31 * (31 * rule.ordinal() + action.ordinal()) + site.hash;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return hash == k.hash && rule == k.rule && action == k.action && site.same(k.site);
        }
    }
}
