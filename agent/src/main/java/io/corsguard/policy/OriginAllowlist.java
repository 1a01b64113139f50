package io.corsguard.policy;

import java.util.List;

/**
 * The trusted origins: exact serialized origins and {@code https://*.example.com} subdomain
 * patterns, compared as (scheme, host, port) tuples, never by string prefix/suffix or regex.
 */
public final class OriginAllowlist {

    /** Parses and normalises the entries; throws with a message saying what was expected. */
    public static OriginAllowlist parse(List<String> entries) throws InvalidOriginException {
        throw new UnsupportedOperationException("implemented by the policy work");
    }

    /** The normalised entries, in the order written (for configuration warnings and reports). */
    public List<Entry> entries() {
        throw new UnsupportedOperationException("implemented by the policy work");
    }

    /** Whether a request origin (as received) is trusted; never throws, never allocates for junk. */
    public boolean trusts(String requestOrigin) {
        throw new UnsupportedOperationException("implemented by the policy work");
    }

    /** One normalised allowlist entry. */
    public static final class Entry {
        /** The entry as written in the configuration. */
        public String original() {
            throw new UnsupportedOperationException();
        }

        /** {@code http} or {@code https}. */
        public String scheme() {
            throw new UnsupportedOperationException();
        }

        /** Lower-case ASCII host (punycode for IDN); for a pattern, the part after {@code *.}. */
        public String host() {
            throw new UnsupportedOperationException();
        }

        /** The explicit port, or -1 for the scheme's default port. */
        public int port() {
            throw new UnsupportedOperationException();
        }

        /** {@code true} for {@code scheme://*.host}: one or more labels in front of {@link #host()}. */
        public boolean pattern() {
            throw new UnsupportedOperationException();
        }

        /** The normalised serialization ({@code https://*.example.com}, {@code http://localhost:3000}). */
        @Override
        public String toString() {
            throw new UnsupportedOperationException();
        }
    }
}
