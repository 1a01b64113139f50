package io.corsguard.bootstrap;

/**
 * The one entry point inlined advice calls. Lives on the bootstrap class path, so advice woven
 * into classes of any class loader (system, Tomcat webapp, Spring Boot nested jars) resolves it;
 * it holds only java.* types and one volatile reference to the agent's handler.
 *
 * <p>Every method swallows its own throwables: the agent must never break the host app.
 */
public final class CorsGuardBridge {

    /** Remove-ACAC operations returned when the agent failed and {@code on-error=strip}. */
    private static final String[] STRIP_CREDENTIALS = {"Access-Control-Allow-Credentials", null};

    private static volatile CorsGuardHandler handler;

    /** The agent is installed, whatever its mode ({@code off} included); false before attach and after detach. */
    private static volatile boolean installed;

    /** Times the bridge went from not tracking to tracking; see {@link #activations()}. */
    private static volatile int activations;

    private CorsGuardBridge() {
    }

    /** Installs (or, with {@code null}, removes) the handler; {@code off} mode installs none. */
    public static void setHandler(CorsGuardHandler newHandler) {
        synchronized (CorsGuardBridge.class) {
            if (!installed && handler == null && newHandler != null) {
                activations++;
            }
            handler = newHandler;
        }
    }

    /**
     * Marks the agent installed (premain, attach) or gone (detach). While installed but
     * {@code off}, the advice judges nothing but still keeps per-connection bookkeeping (a request
     * decoded, a response sent), so a keep-alive connection that lived through an {@code off}
     * period is judged again, with its own requests' facts, once the mode changes back.
     */
    public static void setInstalled(boolean nowInstalled) {
        synchronized (CorsGuardBridge.class) {
            if (nowInstalled && !installed && handler == null) {
                activations++;
            }
            installed = nowInstalled;
        }
    }

    /**
     * Counts transitions to {@link #tracking()} (attach, or a handler set in tests). Per-connection
     * request queues remember the count they were created under: while not tracking, the advice
     * records nothing, so a queue from an earlier activation may have missed requests and must
     * not pair responses any more.
     */
    public static int activations() {
        return activations;
    }

    /** Whether the advice keeps per-connection bookkeeping: the agent is installed (even {@code off}) or a handler is set. */
    public static boolean tracking() {
        return installed || handler != null;
    }

    public static CorsGuardHandler handler() {
        return handler;
    }

    /** Cheap check the advice makes first: {@code false} when the agent is off or detached. */
    public static boolean active() {
        return handler != null;
    }

    /** Whether a live feature switch is on (see {@link CorsGuardHandler#enabled}). */
    public static boolean enabled(String feature) {
        CorsGuardHandler h = handler;
        if (h == null) {
            return false;
        }
        try {
            return h.enabled(feature);
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Judges a response; see {@link CorsGuardHandler#decide}. Returns {@code null} when nothing is
     * to change, also when the handler fails and {@code on-error=pass}.
     */
    public static String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        CorsGuardHandler h = handler;
        if (h == null || request == null || request.origin == null) {
            return null;
        }
        try {
            return h.decide(server, request, status, lines, lineCount);
        } catch (Throwable t) {
            return failed(h, server, t);
        }
    }

    /** {@link CorsGuardHandler#preview}, with the failure handling of {@link #decide}. */
    public static String[] preview(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        CorsGuardHandler h = handler;
        if (h == null || request == null || request.origin == null) {
            return null;
        }
        try {
            return h.preview(server, request, status, lines, lineCount);
        } catch (Throwable t) {
            return failed(h, server, t);
        }
    }

    /** For advice that caught its own throwable: count it, and say what on-error asks for. */
    public static String[] adviceFailed(String where, Throwable failure) {
        CorsGuardHandler h = handler;
        if (h == null) {
            return null;
        }
        return failed(h, where, failure);
    }

    private static String[] failed(CorsGuardHandler h, String where, Throwable failure) {
        try {
            h.adviceFailed(where, failure);
            return h.stripOnError() ? STRIP_CREDENTIALS.clone() : null;
        } catch (Throwable ignored) {
            return null;
        }
    }

    /** True for header names the judge needs: {@code Access-Control-*} and {@code Vary}, any case. */
    public static boolean isCorsHeader(String name) {
        if (name == null) {
            return false;
        }
        int n = name.length();
        if (n == 4) {
            return name.equals("Vary") || name.equals("vary") || name.equalsIgnoreCase("vary");
        }
        if (n <= 15) {
            return false;
        }
        // the two spellings servers use (Netty's and HTTP/2's lower case, the canonical one) are
        // compared exactly, which is cheaper than a case-insensitive walk; any other case after
        char c = name.charAt(0);
        if (c == 'A') {
            return name.startsWith("Access-Control-") || name.regionMatches(true, 0, "access-control-", 0, 15);
        }
        return c == 'a' && (name.startsWith("access-control-") || name.regionMatches(true, 0, "access-control-", 0, 15));
    }
}
