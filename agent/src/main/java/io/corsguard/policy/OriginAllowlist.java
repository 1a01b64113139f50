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

    /** Whether a request origin (as received) is trusted; never throws, never allocates for junk. */
    public boolean trusts(String requestOrigin) {
        throw new UnsupportedOperationException("implemented by the policy work");
    }
}
