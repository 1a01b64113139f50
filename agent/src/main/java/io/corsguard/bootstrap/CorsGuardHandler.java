package io.corsguard.bootstrap;

/**
 * What the agent plugs into the {@link CorsGuardBridge}. Implemented inside the agent's hidden
 * class loader; only java.* types cross this interface, so any class loader can call it.
 */
public interface CorsGuardHandler {

    /**
     * Judges one response at the moment its head is committed.
     *
     * @param server    server family ({@code servlet}, {@code netty}, ...), for the report
     * @param request   the request facts captured by the advice
     * @param status    the response status code
     * @param lines     the response's CORS-relevant header lines (names starting with
     *                  {@code Access-Control-} and {@code Vary}, any case) in order, duplicates
     *                  included, as name/value pairs: {@code [n0, v0, n1, v1, ...]}
     * @param lineCount number of lines (pairs) used in {@code lines}
     * @return {@code null} when the response must go out as written, else header operations as
     *         pairs: a {@code null} value removes every line of that name (case-insensitive),
     *         a non-null value appends a line; apply in order. The array is shared by every
     *         response with the same inputs: read it, never write to it
     */
    String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount);

    /**
     * The answer {@link #decide} would give for a response whose head is not complete yet, without
     * reporting: the generic servlet layer corrects some headers as they are written (it cannot
     * remove them later) and calls {@link #decide} once, at the first point before commit it sees.
     * The default delegates to {@link #decide}, which reports each preview too.
     */
    default String[] preview(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        return decide(server, request, status, lines, lineCount);
    }

    /** Counts and logs (once per kind) a failure of the agent inside an advice. */
    void adviceFailed(String where, Throwable failure);

    /** {@code true} when {@code on-error=strip}: a failure removes credentials from the response. */
    boolean stripOnError();

    /** Live option switches the advice consults (test-only hooks such as the commit hook switch). */
    boolean enabled(String feature);
}
