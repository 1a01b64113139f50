package io.corsguard.bootstrap;

import java.util.Enumeration;

/**
 * The generic servlet layer's logic, called by the thin javax/jakarta advice shells. Implemented in
 * the agent's class loader ({@code io.corsguard.servlet.GenericServletLayer}); only java.* types
 * cross it, so one implementation serves both namespaces (STYLE anti-pattern 1).
 *
 * <p>Responses are passed as {@code Object}: the unwrapped response the outermost
 * {@code service()}/{@code doFilter()} saw, or {@code this} of a response implementation.
 * Methods returning a plan return {@code null} when the shell has nothing to do, else triples
 * {@code [kind, name, value, ...]} with kind {@link ServletBridge#SET} ({@code setHeader}; a
 * {@code null} value asks for removal, which Servlet 6 containers honour) or
 * {@link ServletBridge#ADD} ({@code addHeader}). A shell that applies a plan asks
 * {@link #settle} for a follow-up plan after it and calls {@link #applied} afterwards, in a {@code finally}.
 */
public interface ServletLayer {

    /**
     * The outermost {@code service()}/{@code doFilter()} of a request carrying {@code Origin} began.
     *
     * @param fresh   {@code true} for a {@code REQUEST} dispatch: state left on the (possibly
     *                recycled) response object is discarded; {@code false} for async/error
     *                dispatches, which continue the response's existing state
     * @param origins every {@code Origin} line, read only when there are several
     */
    void begin(Object response, boolean fresh, String origin, Enumeration<String> origins, String method,
               String path, String requestMethod, String requestHeaders, boolean credentialsHint);

    /**
     * A CORS header write ({@code setHeader}/{@code addHeader}), or with {@code value == null} a
     * {@code setHeader(name, null)} the container did perform as a removal (reported after the
     * call). Returns {@code null} to let the call proceed, else a plan to apply instead of it.
     */
    String[] onWrite(Object response, String name, String value, boolean add, int status);

    /**
     * A point before commit the layer can see ({@code getOutputStream}, {@code getWriter},
     * {@code flushBuffer}, {@code sendError}, ...): the first one makes the response's one
     * decision; later ones only correct what changed since, unreported.
     */
    String[] beforeCommit(Object response, int status);

    /**
     * The outermost {@code service()} returned. Judges unless the request went async (then
     * {@link #beforeCommit} at {@code AsyncContext.complete()} or a later dispatch does), and
     * releases the response's state once the plan is applied.
     */
    String[] end(Object response, int status, boolean asyncStarted);

    /** {@code AsyncContext.complete()}: judge and release. */
    String[] complete(Object response, int status);

    /**
     * Called by a shell after applying a plan (before {@link #applied}): {@code null} when the
     * container now holds what the plan meant, else a further plan for what it does hold (a
     * removal the container ignored, as containers before Servlet 6 do). Shells call it at most
     * a few times per plan.
     */
    String[] settle(Object response, int status);

    /** The shell finished applying a plan (or {@link #end}/{@link #complete} returned none). */
    void applied(Object response);

    /** {@code reset()}: every header is gone, judge afresh what is written next. */
    void reset(Object response);
}
