package io.corsguard.policy;

import java.util.Collections;
import java.util.List;

/** The configuration the policy needs, already validated and normalised (built by {@code config}). */
public final class PolicySettings {
    private final OriginAllowlist allowedOrigins;
    private final boolean allowNullOrigin;
    private final List<String> allowedMethods;
    private final List<String> allowedHeaders;
    private final List<String> exposedHeaders;
    private final boolean grantCredentials;

    public PolicySettings(OriginAllowlist allowedOrigins, boolean allowNullOrigin, List<String> allowedMethods,
                          List<String> allowedHeaders, List<String> exposedHeaders, boolean grantCredentials) {
        this.allowedOrigins = allowedOrigins;
        this.allowNullOrigin = allowNullOrigin;
        this.allowedMethods = Collections.unmodifiableList(allowedMethods);
        this.allowedHeaders = Collections.unmodifiableList(allowedHeaders);
        this.exposedHeaders = Collections.unmodifiableList(exposedHeaders);
        this.grantCredentials = grantCredentials;
    }

    public OriginAllowlist allowedOrigins() {
        return allowedOrigins;
    }

    public boolean allowNullOrigin() {
        return allowNullOrigin;
    }

    /** Replaces {@code *} in ACAM for trusted credentialed preflights; empty = echo the request. */
    public List<String> allowedMethods() {
        return allowedMethods;
    }

    /** Replaces {@code *} in ACAH; empty = echo {@code Access-Control-Request-Headers}. */
    public List<String> allowedHeaders() {
        return allowedHeaders;
    }

    /** Replaces {@code *} in ACEH; empty = leave it and report (CG010). */
    public List<String> exposedHeaders() {
        return exposedHeaders;
    }

    public boolean grantCredentials() {
        return grantCredentials;
    }
}
