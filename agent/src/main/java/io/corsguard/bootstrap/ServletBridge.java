package io.corsguard.bootstrap;

/**
 * What the generic servlet layer's advice shells and the Tomcat commit hook share: the
 * {@link ServletLayer} holder, a per-thread call depth for "outermost {@code service()}", and
 * whether a container commit hook (Tomcat, Undertow, Jetty 12, Jetty 9.4/10) has been woven in. java.* only.
 */
public final class ServletBridge {

    /** Plan kind: {@code setHeader(name, value)}. Compare by identity: it is a constant. */
    public static final String SET = "set";
    /** Plan kind: {@code addHeader(name, value)}. */
    public static final String ADD = "add";

    private static volatile ServletLayer layer;
    private static volatile boolean tomcatCommitHook;
    private static volatile boolean undertowCommitHook;
    private static volatile boolean jetty12CommitHook;
    private static volatile boolean jettyChannelCommitHook;

    /** int[1] rather than Integer: counting must not box (hot path, every request). */
    private static final ThreadLocal<int[]> DEPTH = new ThreadLocal<int[]>() {
        @Override
        protected int[] initialValue() {
            return new int[1];
        }
    };

    private ServletBridge() {
    }

    /** The layer, or {@code null} when the agent is off or detached (advice then does nothing). */
    public static ServletLayer layer() {
        return CorsGuardBridge.active() ? layer : null;
    }

    public static void setLayer(ServletLayer newLayer) {
        layer = newLayer;
    }

    /** Counts a {@code service()}/{@code doFilter()} entry; returns the depth, 1 = outermost. */
    public static int enterService() {
        return ++DEPTH.get()[0];
    }

    /** Counts the matching exit (decrement first, so a throwing call cannot drift the count). */
    public static boolean exitService() {
        int[] depth = DEPTH.get();
        if (depth[0] > 0) {
            depth[0]--;
        }
        return depth[0] == 0;
    }

    /** Called when the Tomcat commit hook is woven into a processor class. */
    public static void markTomcatCommitHook() {
        tomcatCommitHook = true;
    }

    /** Called when the Undertow commit hook is woven into {@code HttpServerExchange}. */
    public static void markUndertowCommitHook() {
        undertowCommitHook = true;
    }

    /** Called when the Jetty 12 commit hook is woven into the core {@code ChannelResponse}. */
    public static void markJetty12CommitHook() {
        jetty12CommitHook = true;
    }

    /** Called when the Jetty 9.4/10 commit hook is woven into {@code HttpChannel}. */
    public static void markJettyChannelCommitHook() {
        jettyChannelCommitHook = true;
    }

    /**
     * Whether a container's commit hook judges this response, so the generic layer must only
     * observe: the hook is woven in, switched on, and the response is that container's own.
     */
    public static boolean commitHookJudges(Object response) {
        if (response == null) {
            return false;
        }
        if (tomcatCommitHook && response.getClass().getName().startsWith("org.apache.catalina.")) {
            return CorsGuardBridge.enabled("tomcat-commit-hook");
        }
        if (undertowCommitHook && response.getClass().getName().startsWith("io.undertow.servlet.")) {
            return CorsGuardBridge.enabled("undertow-commit-hook");
        }
        // Jetty 9.4/10's servlet response is org.eclipse.jetty.server.Response; Jetty 12's servlet
        // responses live in org.eclipse.jetty.ee*, each judged by its own generation's hook
        String name = response.getClass().getName();
        if (jetty12CommitHook && name.startsWith("org.eclipse.jetty.ee")) {
            return CorsGuardBridge.enabled("jetty12-commit-hook");
        }
        if (jettyChannelCommitHook && name.startsWith("org.eclipse.jetty.server.")) {
            return CorsGuardBridge.enabled("jetty-channel-commit-hook");
        }
        return false;
    }

    /** Detach and tests: forget the layer and the hook mark. */
    public static void reset() {
        layer = null;
        tomcatCommitHook = false;
        undertowCommitHook = false;
        jetty12CommitHook = false;
        jettyChannelCommitHook = false;
    }
}
