package io.corsguard.report;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every request origin whose response left with {@code Access-Control-Allow-Credentials: true},
 * with counts: what a team reviews before switching from monitor to correct mode.
 *
 * <p>Bounded: at most {@link #MAX_ORIGINS} distinct origins (an app that reflects any origin would
 * otherwise let random {@code Origin} headers grow the map); later new ones are only counted.
 * Keys are stored text-escaped and cut at {@link #MAX_KEY} characters, so whatever prints them
 * (CLI, MBean) gets one printable ASCII line. A real serialized origin is never that long.
 */
final class LearnedOrigins {
    static final int MAX_ORIGINS = 1000;
    static final int MAX_KEY = 300;

    /**
     * What {@link #counterFor} returns for an origin beyond {@link #MAX_ORIGINS}: its credentialed
     * responses count as {@code learned-origins.overflow}.
     */
    static final Object OVERFLOW = new Object();
    /** What {@link #counterFor} returns for no origin: counted nowhere. */
    static final Object NOWHERE = new Object();

    /** One origin's counter, with the key it is stored under (counts held elsewhere are shown under it). */
    static final class Count extends LongAdder {
        private static final long serialVersionUID = 1L;
        final String key;

        Count(String key) {
            this.key = key;
        }
    }

    private final ConcurrentHashMap<String, Count> origins = new ConcurrentHashMap<>();
    private final Counters counters;

    LearnedOrigins(Counters counters) {
        this.counters = counters;
    }

    /** Counts one response to {@code origin} that sent credentials (nothing for {@code null}). */
    void credentialsSent(String origin) {
        add(counterFor(origin), 1);
    }

    /**
     * Where the credentialed responses to {@code origin} are counted, counting nothing yet: its
     * {@link Count} (registered now if new; an entry is never removed, so a caller may keep it),
     * {@link #OVERFLOW} beyond {@link #MAX_ORIGINS}, {@link #NOWHERE} for {@code null}.
     */
    Object counterFor(String origin) {
        if (origin == null) {
            return NOWHERE;
        }
        // common case: a known, clean origin: one lookup, no allocation
        Count a = origins.get(origin);
        if (a == null) {
            String key = clean(origin) ? origin : LineFormat.textEscaped(origin, MAX_KEY);
            a = origins.get(key);
            if (a == null) {
                if (origins.size() >= MAX_ORIGINS) {
                    return OVERFLOW;
                }
                Count fresh = new Count(key);
                a = origins.putIfAbsent(key, fresh);
                if (a == null) {
                    a = fresh;
                }
            }
        }
        return a;
    }

    /** Adds {@code n} responses to a {@link #counterFor} result. */
    void add(Object counter, long n) {
        if (counter instanceof Count) {
            ((Count) counter).add(n);
        } else if (counter == OVERFLOW) {
            counters.learnedOverflow(n);
        }
    }

    /** Every origin's count as stored here, into {@code out} (key as stored). */
    void sums(Map<String, Long> out) {
        for (Count c : origins.values()) {
            out.put(c.key, c.sum());
        }
    }

    /** Printable ASCII, no backslash or quote (which escaping would change), short enough. */
    private static boolean clean(String s) {
        int n = s.length();
        if (n > MAX_KEY) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code allowed-origins=} followed by the learned origins that parse as serialized http(s)
     * origins, normalised (lower case, default port dropped), sorted, comma-separated. The literal
     * {@code null} and anything else (paths, user info, junk) are left out: they cannot be listed.
     */
    String suggestedAllowedOrigins() {
        TreeSet<String> ok = new TreeSet<>();
        for (String o : origins.keySet()) {
            String n = serializedOrigin(o);
            if (n != null) {
                ok.add(n);
            }
        }
        StringBuilder sb = new StringBuilder("allowed-origins=");
        boolean first = true;
        for (String o : ok) {
            if (!first) {
                sb.append(',');
            }
            sb.append(o);
            first = false;
        }
        return sb.toString();
    }

    /** The normalised serialized origin {@code scheme://host[:port]}, or null when {@code s} is not one. */
    static String serializedOrigin(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        String scheme;
        int defaultPort;
        if (lower.startsWith("https://")) {
            scheme = "https";
            defaultPort = 443;
        } else if (lower.startsWith("http://")) {
            scheme = "http";
            defaultPort = 80;
        } else {
            return null;
        }
        String rest = lower.substring(scheme.length() + 3);
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = rest.substring(0, close + 1);
            if (!ipv6(host.substring(1, host.length() - 1))) {
                return null;
            }
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                return null;
            }
        } else {
            int colon = rest.indexOf(':');
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
            if (!hostName(host)) {
                return null;
            }
        }
        int port = -1;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5) {
                return null;
            }
            for (int i = 0; i < portText.length(); i++) {
                if (portText.charAt(i) < '0' || portText.charAt(i) > '9') {
                    return null;
                }
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                return null;
            }
        }
        return scheme + "://" + host + (port < 0 || port == defaultPort ? "" : ":" + port);
    }

    /** DNS-style host or IPv4 literal: dot-separated labels of [a-z0-9-], no empty label, no edge hyphen. */
    private static boolean hostName(String h) {
        if (h.isEmpty() || h.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= h.length(); i++) {
            char c = i == h.length() ? '.' : h.charAt(i);
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63 || h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipv6(String h) {
        if (h.length() < 2) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
                return false;
            }
        }
        return h.indexOf(':') >= 0;
    }
}
