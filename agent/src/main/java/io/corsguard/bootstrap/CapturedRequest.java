package io.corsguard.bootstrap;

/**
 * The facts of one request that carries an {@code Origin} header, captured by the advice when the
 * server has decoded the request. Immutable; only java.* types so any class loader can hold it.
 */
public final class CapturedRequest {
    /** Marks a request without {@code Origin} in per-connection queues: nothing to judge. */
    public static final CapturedRequest NO_ORIGIN = new CapturedRequest(null, null, null, null, null, false);

    public final String origin;
    public final String method;
    public final String path;
    /** {@code Access-Control-Request-Method}, or null. */
    public final String requestMethod;
    /** {@code Access-Control-Request-Headers}, or null. */
    public final String requestHeaders;
    /** The request carries {@code Cookie} or {@code Authorization}. */
    public final boolean credentialsHint;

    public CapturedRequest(String origin, String method, String path, String requestMethod,
                           String requestHeaders, boolean credentialsHint) {
        this.origin = origin;
        this.method = method;
        this.path = path;
        this.requestMethod = requestMethod;
        this.requestHeaders = requestHeaders;
        this.credentialsHint = credentialsHint;
    }
}
