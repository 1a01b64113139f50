package io.corsguard.policy;

/** What the policy knows of the request a response answers. */
public final class RequestFacts {
    private final String origin;
    private final String method;
    private final String path;
    private final String requestMethod;
    private final String requestHeaders;
    private final boolean credentialsHint;

    /**
     * @param origin          the {@code Origin} header as received (not null: requests without it are
     *                        never judged)
     * @param method          the request method as received
     * @param path            the request path (for reports and path filters)
     * @param requestMethod   {@code Access-Control-Request-Method}, or null
     * @param requestHeaders  {@code Access-Control-Request-Headers}, or null
     * @param credentialsHint the request carries {@code Cookie} or {@code Authorization}
     */
    public RequestFacts(String origin, String method, String path, String requestMethod,
                        String requestHeaders, boolean credentialsHint) {
        this.origin = origin;
        this.method = method;
        this.path = path;
        this.requestMethod = requestMethod;
        this.requestHeaders = requestHeaders;
        this.credentialsHint = credentialsHint;
    }

    public String origin() {
        return origin;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String requestMethod() {
        return requestMethod;
    }

    public String requestHeaders() {
        return requestHeaders;
    }

    public boolean credentialsHint() {
        return credentialsHint;
    }

    /** A CORS preflight: {@code OPTIONS} with {@code Access-Control-Request-Method}. */
    public boolean preflight() {
        return requestMethod != null && "OPTIONS".equalsIgnoreCase(method);
    }
}
