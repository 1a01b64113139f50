package io.corsguard.policy;

import java.net.IDN;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The trusted origins: exact serialized origins and {@code https://*.example.com} subdomain
 * patterns, compared as (scheme, host, port) tuples, never by string prefix/suffix or regex.
 *
 * <p>Immutable and thread-safe. {@link #trusts} parses the request origin in place (no substring,
 * no lower-cased copy) and looks the host, and each of its label-boundary suffixes for patterns,
 * up in small open-addressing tables keyed by a case-insensitive hash computed right to left, so
 * one pass over the host yields the hash of every suffix.
 */
public final class OriginAllowlist {
    /** cors-rules.md "Evaluation notes": longer request origins are untrusted without parsing. */
    static final int MAX_ORIGIN_LENGTH = 1024;

    private static final String EXPECTED =
            "expected a serialized origin scheme://host[:port] or https://*.domain; found ";

    private final List<Entry> entries;
    /** Exact entries; null slots are empty. Length is a power of two. */
    private final Entry[] exact;
    /** Pattern entries keyed by the host after {@code *.}. */
    private final Entry[] patterns;
    private final boolean havePatterns;

    private OriginAllowlist(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        int exactCount = 0;
        int patternCount = 0;
        for (Entry e : entries) {
            if (e.pattern) {
                patternCount++;
            } else {
                exactCount++;
            }
        }
        this.exact = new Entry[tableSize(exactCount)];
        this.patterns = new Entry[tableSize(patternCount)];
        this.havePatterns = patternCount > 0;
        for (Entry e : entries) {
            insert(e.pattern ? patterns : exact, e);
        }
    }

    private static int tableSize(int count) {
        int size = 2;
        while (size < count * 2) {
            size <<= 1;
        }
        return size;
    }

    private static void insert(Entry[] table, Entry e) {
        int mask = table.length - 1;
        for (int i = e.hash & mask; ; i = (i + 1) & mask) {
            Entry slot = table[i];
            if (slot == null) {
                table[i] = e;
                return;
            }
            if (slot.sameKey(e)) {
                return; // a duplicate entry trusts nothing more
            }
        }
    }

    /** An allowlist that trusts nothing. */
    public static OriginAllowlist empty() {
        return new OriginAllowlist(new ArrayList<Entry>());
    }

    /** Parses and normalises the entries; throws with a message saying what was expected. */
    public static OriginAllowlist parse(List<String> entries) throws InvalidOriginException {
        List<Entry> parsed = new ArrayList<>(entries.size());
        for (String raw : entries) {
            parsed.add(parseEntry(raw));
        }
        return new OriginAllowlist(parsed);
    }

    /** The normalised entries, in the order written (for configuration warnings and reports). */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Whether a request origin (as received) is trusted; never throws, never allocates.
     * Implements "trusted" of cors-rules.md except the literal {@code null}, which is the
     * policy's business ({@code allow-null-origin}).
     */
    public boolean trusts(String requestOrigin) {
        if (requestOrigin == null) {
            return false;
        }
        int start = 0;
        int end = requestOrigin.length();
        while (start < end && isSpaceOrTab(requestOrigin.charAt(start))) {
            start++;
        }
        while (end > start && isSpaceOrTab(requestOrigin.charAt(end - 1))) {
            end--;
        }
        if (end - start > MAX_ORIGIN_LENGTH) {
            return false;
        }
        // Visible ASCII only: browsers serialize hosts as punycode, so anything else (CR/LF, NUL,
        // spaces inside, UTF-8) is a forged or broken header, never a trusted origin.
        for (int i = start; i < end; i++) {
            char c = requestOrigin.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        boolean https;
        int p;
        if (requestOrigin.regionMatches(true, start, "https://", 0, 8)) {
            https = true;
            p = start + 8;
        } else if (requestOrigin.regionMatches(true, start, "http://", 0, 7)) {
            https = false;
            p = start + 7;
        } else {
            return false;
        }
        int hostStart = p;
        int hostEnd;
        if (p < end && requestOrigin.charAt(p) == '[') {
            hostEnd = scanIpv6(requestOrigin, p, end);
            if (hostEnd < 0) {
                return false;
            }
        } else {
            hostEnd = scanHostname(requestOrigin, p, end);
            if (hostEnd < 0) {
                return false;
            }
        }
        int port = -1;
        if (hostEnd < end) {
            if (requestOrigin.charAt(hostEnd) != ':') {
                return false; // '/', '@', '?', '#', '_' ...: path, userinfo or junk
            }
            port = parsePort(requestOrigin, hostEnd + 1, end);
            if (port < 0) {
                return false;
            }
            if (port == (https ? 443 : 80)) {
                port = -1; // the default port is the same origin (Fetch: URL serialization omits it)
            }
        }
        return matches(requestOrigin, hostStart, hostEnd, https, port);
    }

    private boolean matches(String s, int hostStart, int hostEnd, boolean https, int port) {
        // Right-to-left hash: after consuming s[i..hostEnd) h is the hash of that suffix, so
        // every label-boundary suffix is looked up in the pattern table on the way.
        int h = 0;
        for (int i = hostEnd - 1; i >= hostStart; i--) {
            char c = s.charAt(i);
            if (havePatterns && c == '.' && i > hostStart && i < hostEnd - 1) {
                // suffix s[i+1..hostEnd) with at least one label in front of it
                if (lookup(patterns, s, i + 1, hostEnd, h, https, port)) {
                    return true;
                }
            }
            h = h * 31 + lower(c);
        }
        return lookup(exact, s, hostStart, hostEnd, h, https, port);
    }

    private static boolean lookup(Entry[] table, String s, int from, int to, int hostHash, boolean https, int port) {
        int mask = table.length - 1;
        int hash = mix(hostHash, https, port);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = table[i];
            if (e == null) {
                return false;
            }
            if (e.hash == hash && e.https == https && e.port == port && e.host.length() == to - from
                    && e.host.regionMatches(true, 0, s, from, to - from)) {
                return true;
            }
        }
    }

    static int mix(int hostHash, boolean https, int port) {
        int h = hostHash * 31 + (port + 1);
        h = h * 2 + (https ? 1 : 0);
        return h ^ (h >>> 16);
    }

    static int hostHash(String host) {
        int h = 0;
        for (int i = host.length() - 1; i >= 0; i--) {
            h = h * 31 + lower(host.charAt(i));
        }
        return h;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    static boolean isSpaceOrTab(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    /** @return the end of a host of dot-separated non-empty labels starting at {@code p}, or -1 */
    private static int scanHostname(String s, int p, int end) {
        int labelStart = p;
        int i = p;
        for (; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (i == labelStart) {
                    return -1;
                }
                labelStart = i + 1;
            } else if (!isLabelChar(c)) {
                break;
            }
        }
        if (i == labelStart) {
            return -1; // empty host, empty last label (trailing dot)
        }
        return i;
    }

    /** @return the index after {@code ]} of a bracketed IPv6 address starting at {@code p}, or -1 */
    private static int scanIpv6(String s, int p, int end) {
        int colons = 0;
        for (int i = p + 1; i < end; i++) {
            char c = s.charAt(i);
            if (c == ']') {
                return colons >= 2 && i > p + 1 ? i + 1 : -1;
            }
            if (c == ':') {
                colons++;
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.')) {
                return -1;
            }
        }
        return -1;
    }

    /** A decimal port 1..65535 without a leading zero, or -1. */
    private static int parsePort(String s, int from, int to) {
        int len = to - from;
        if (len < 1 || len > 5 || s.charAt(from) == '0') {
            return -1;
        }
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : -1;
    }

    static Entry parseEntry(String raw) throws InvalidOriginException {
        if (raw == null) {
            throw new InvalidOriginException(null, EXPECTED + "nothing");
        }
        String s = raw.trim();
        if (s.isEmpty()) {
            throw new InvalidOriginException(raw, EXPECTED + "an empty entry");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                throw new InvalidOriginException(raw, EXPECTED + "whitespace or a control character");
            }
        }
        int sep = s.indexOf("://");
        if (sep <= 0) {
            throw new InvalidOriginException(raw, EXPECTED + "no scheme");
        }
        String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidOriginException(raw, EXPECTED + "the scheme '" + scheme + "' (only http and https)");
        }
        boolean https = scheme.equals("https");
        String rest = s.substring(sep + 3);
        int at = rest.indexOf('@');
        if (at >= 0) {
            throw new InvalidOriginException(raw, EXPECTED + "userinfo ('@')");
        }
        if (rest.indexOf('/') >= 0) {
            throw new InvalidOriginException(raw, EXPECTED + "a path");
        }
        if (rest.indexOf('?') >= 0) {
            throw new InvalidOriginException(raw, EXPECTED + "a query");
        }
        if (rest.indexOf('#') >= 0) {
            throw new InvalidOriginException(raw, EXPECTED + "a fragment");
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new InvalidOriginException(raw, EXPECTED + "an unclosed IPv6 bracket");
            }
            host = rest.substring(0, close + 1).toLowerCase(Locale.ROOT);
            if (scanIpv6(host, 0, host.length()) != host.length()) {
                throw new InvalidOriginException(raw, EXPECTED + "an invalid IPv6 address");
            }
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    throw new InvalidOriginException(raw, EXPECTED + "text after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                portText = rest.substring(colon + 1);
                host = rest.substring(0, colon);
            } else {
                host = rest;
            }
        }
        int port = -1;
        if (portText != null) {
            port = parsePort(portText, 0, portText.length());
            if (port < 0) {
                throw new InvalidOriginException(raw,
                        EXPECTED + "the port '" + portText + "' (decimal 1-65535, no leading zero)");
            }
            if (port == (https ? 443 : 80)) {
                port = -1;
            }
        }
        boolean pattern = false;
        if (!host.startsWith("[")) {
            if (host.startsWith("*.")) {
                pattern = true;
                host = host.substring(2);
            }
            if (host.indexOf('*') >= 0) {
                throw new InvalidOriginException(raw, EXPECTED + "'*' other than as the whole first label ('*.' in front)");
            }
            host = toAsciiHost(raw, host);
            if (scanHostname(host, 0, host.length()) != host.length()) {
                throw new InvalidOriginException(raw,
                        EXPECTED + "the host '" + host + "' (dot-separated labels of letters, digits and '-', none empty)");
            }
        }
        return new Entry(raw, scheme, host, port, pattern);
    }

    private static String toAsciiHost(String raw, String host) throws InvalidOriginException {
        boolean ascii = true;
        for (int i = 0; i < host.length(); i++) {
            if (host.charAt(i) > 0x7E) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return host.toLowerCase(Locale.ROOT);
        }
        try {
            // Browsers send IDN hosts as punycode (URL Standard, domain to ASCII); match that form.
            return IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidOriginException(raw, EXPECTED + "a host that is not a valid internationalized domain name");
        }
    }

    /** One normalised allowlist entry. */
    public static final class Entry {
        private final String original;
        private final String scheme;
        private final String host;
        private final int port;
        private final boolean pattern;
        private final boolean https;
        private final int hash;

        Entry(String original, String scheme, String host, int port, boolean pattern) {
            this.original = original;
            this.scheme = scheme;
            this.host = host;
            this.port = port;
            this.pattern = pattern;
            this.https = scheme.equals("https");
            this.hash = mix(hostHash(host), https, port);
        }

        boolean sameKey(Entry o) {
            return https == o.https && port == o.port && pattern == o.pattern && host.equals(o.host);
        }

        /** The entry as written in the configuration. */
        public String original() {
            return original;
        }

        /** {@code http} or {@code https}. */
        public String scheme() {
            return scheme;
        }

        /** Lower-case ASCII host (punycode for IDN); for a pattern, the part after {@code *.}. */
        public String host() {
            return host;
        }

        /** The explicit port, or -1 for the scheme's default port. */
        public int port() {
            return port;
        }

        /** {@code true} for {@code scheme://*.host}: one or more labels in front of {@link #host()}. */
        public boolean pattern() {
            return pattern;
        }

        /** The normalised serialization ({@code https://*.example.com}, {@code http://localhost:3000}). */
        @Override
        public String toString() {
            return scheme + "://" + (pattern ? "*." : "") + host + (port < 0 ? "" : ":" + port);
        }
    }
}
