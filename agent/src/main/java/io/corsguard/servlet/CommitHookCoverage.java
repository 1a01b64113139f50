package io.corsguard.servlet;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Where the generic servlet layer is held back: on a container whose commit hook judges its
 * responses the generic layer would only stand back (DESIGN §5), so weaving it there costs
 * start-up and gains nothing per request. On embedded Tomcat that was {@code HttpServlet},
 * {@code Response} and {@code ResponseFacade} (~100 ms of a ~350 ms addition); on a Spring Boot
 * application it is also every filter and servlet of Spring's (some thirty classes, ~0.4 s of a
 * ~1 s addition, BENCHMARKS.md section 23).
 *
 * <p>While the commit hooks are on, a class the generic layer would weave is held back when its
 * class loader finds a commit hook's class (its container is there to serve it):
 * <ul>
 *   <li>a response implementation only under the package the generic layer stands back on for
 *       that container ({@link ServletBridge#commitHookJudges}): then the container's hook judges
 *       every response of that class;</li>
 *   <li>a servlet, filter or async context of any package: it runs on whichever container serves
 *       it, and every container loads its response class before it serves a request, which is
 *       seen here (see below).</li>
 * </ul>
 *
 * <p>A guess that turns out wrong weaves the held classes at once (a retransformation, see
 * {@link Release}), so the generic layer judges again wherever the hook does not:
 * <ul>
 *   <li>the hook's class is matched but not woven (it failed, or no method matched): that
 *       container's responses, and every servlet and filter, held back from then on no more;</li>
 *   <li>a response implementation no hook covers is loaded (another container, or an application's own
 *       response class): every held class, and nothing is held back from then on;</li>
 *   <li>the hooks are switched off ({@code test.commit-hook=false}) by a reload or attach: every held class,
 *       before the new configuration takes effect.</li>
 * </ul>
 * With the hooks off at start, nothing is held back.
 */
public final class CommitHookCoverage {

    /** Weaves classes held back: the transformer's retransformation, wired by the installer. */
    public interface Release {
        /** @param classes binary names per class loader; returns when they are woven (or it gave up waiting) */
        void weave(Map<ClassLoader, Set<String>> classes);
    }

    /** What the coverage tells the reporter. */
    public interface Listener {
        /**
         * {@code className} is not woven now. A response class ({@code response}): {@code hook}
         * judges its container's responses. A servlet, filter or async context: {@code hook} names
         * the hooks of every container its class loader sees ({@code ", "} between them).
         */
        void heldBack(String className, String hook, boolean response);

        /** Held classes are woven after all, for {@code reason}. */
        void released(String reason, int classes);
    }

    /** A container with a commit hook: its feature name, its hook classes, the package of its servlet responses. */
    private static final class Container {
        final String hook;
        final String[] hookClassFiles;
        final String responsePackage;

        Container(String hook, String responsePackage, String... hookClasses) {
            this.hook = hook;
            this.responsePackage = responsePackage;
            this.hookClassFiles = new String[hookClasses.length];
            for (int i = 0; i < hookClasses.length; i++) {
                hookClassFiles[i] = hookClasses[i].replace('.', '/') + ".class";
            }
        }
    }

    /** The same containers, hook classes and response packages as {@link ServletBridge#commitHookJudges}. */
    private static final Container[] CONTAINERS = {
        new Container("tomcat-commit-hook", "org/apache/catalina/", TomcatInstrumentation.PROCESSORS),
        new Container("undertow-commit-hook", "io/undertow/servlet/", UndertowInstrumentation.EXCHANGE),
        new Container("jetty12-commit-hook", "org/eclipse/jetty/ee", Jetty12Instrumentation.CHANNEL_RESPONSE),
        new Container("jetty-channel-commit-hook", "org/eclipse/jetty/server/", JettyChannelInstrumentation.HTTP_CHANNEL),
    };

    /** What the bootstrap loader sees: no container's hook class. */
    private static final boolean[] NO_HOOKS = new boolean[CONTAINERS.length];

    private static final Listener QUIET = new Listener() {
        @Override
        public void heldBack(String className, String hook, boolean response) {
        }

        @Override
        public void released(String reason, int classes) {
        }
    };

    /** Whether each container's classes are still held back; guarded by {@code this}. */
    private final boolean[] holding = new boolean[CONTAINERS.length];
    /** Held response classes per container, binary names per loader (weak keys); guarded by {@code this}. */
    private final Map<ClassLoader, Set<String>>[] held;
    /** Whether servlets, filters and async contexts are still held back; guarded by {@code this}. */
    private boolean holdingServed;
    /** Held servlets, filters and async contexts, binary names per loader (weak keys); guarded by {@code this}. */
    private final Map<ClassLoader, Set<String>> heldServed = new WeakHashMap<>();
    /** Per class loader, whether it finds each container's hook classes. */
    private final Map<ClassLoader, boolean[]> hooksSeen = new WeakHashMap<>();
    private final Listener listener;
    private final boolean hookWeavingFails;
    private volatile Release release;

    /**
     * @param hooksOn whether the commit hooks judge ({@code test.commit-hook}); if not, nothing is held back
     */
    public CommitHookCoverage(boolean hooksOn, Listener listener) {
        this(hooksOn, false, listener);
    }

    /**
     * @param hookWeavingFails test only ({@code test.fault=weave-hook}): weaving each commit hook
     *                         throws, as a hook that does not fit its container's version would
     */
    @SuppressWarnings("unchecked")
    public CommitHookCoverage(boolean hooksOn, boolean hookWeavingFails, Listener listener) {
        this.hookWeavingFails = hookWeavingFails;
        this.listener = listener == null ? QUIET : listener;
        held = new Map[CONTAINERS.length];
        for (int i = 0; i < CONTAINERS.length; i++) {
            holding[i] = hooksOn;
            held[i] = new WeakHashMap<>();
        }
        holdingServed = hooksOn;
    }

    /** A coverage that never holds anything back (the generic layer woven everywhere, as in tests). */
    public static CommitHookCoverage none() {
        return new CommitHookCoverage(false, null);
    }

    /** Test only: whether the commit hooks are to fail when woven ({@code test.fault=weave-hook}). */
    boolean hookWeavingFails() {
        return hookWeavingFails;
    }

    /** Set before the transformer is installed: how held classes get woven. */
    public void onRelease(Release release) {
        this.release = release;
    }

    /**
     * Whether the generic layer holds back from a class it would weave. A response implementation
     * that no hook covers releases everything instead (and is woven).
     *
     * @param internalName {@code a/b/C}
     * @param response     whether the class is a response implementation (no wrapper)
     */
    boolean holdBack(ClassLoader loader, String internalName, boolean response) {
        if (!anyHolding()) {
            return false;
        }
        String className = internalName.replace('/', '.');
        boolean[] hooks = loader == null ? NO_HOOKS : hooksSeen(loader);
        int c = -1;
        for (int i = 0; i < CONTAINERS.length && c < 0; i++) {
            if (hooks[i] && (!response || internalName.startsWith(CONTAINERS[i].responsePackage))) {
                c = i;
            }
        }
        if (c < 0) {
            if (response) {
                releaseAll("the response class " + className + " is not judged by a commit hook");
            }
            return false;
        }
        synchronized (this) {
            if (response ? !holding[c] : !holdingServed) {
                return false;
            }
            Map<ClassLoader, Set<String>> into = response ? held[c] : heldServed;
            Set<String> names = into.get(loader);
            if (names == null) {
                names = new HashSet<>();
                into.put(loader, names);
            }
            names.add(className);
        }
        listener.heldBack(className, response ? CONTAINERS[c].hook : hookNames(hooks), response);
        return true;
    }

    /**
     * A hook class was matched but not woven (it failed, or none of its methods matched): its
     * container's responses are the generic layer's again.
     */
    void hookNotWoven(String hookClassName) {
        for (int c = 0; c < CONTAINERS.length; c++) {
            for (String file : CONTAINERS[c].hookClassFiles) {
                if (file.equals(hookClassName.replace('.', '/') + ".class")) {
                    release(c, "the " + CONTAINERS[c].hook + " is not woven into " + hookClassName);
                }
            }
        }
    }

    /** Weaves every held class and holds nothing back from now on. */
    public void releaseAll(String reason) {
        Map<ClassLoader, Set<String>> classes = new WeakHashMap<>();
        synchronized (this) {
            for (int c = 0; c < CONTAINERS.length; c++) {
                holding[c] = false;
                take(held[c], classes);
            }
            holdingServed = false;
            take(heldServed, classes);
        }
        weave(reason, classes);
    }

    /**
     * A container's responses are the generic layer's again: its response classes, and the
     * servlets and filters (which may run on it; they are not told apart by container).
     */
    private void release(int c, String reason) {
        Map<ClassLoader, Set<String>> classes = new WeakHashMap<>();
        synchronized (this) {
            if (!holding[c]) {
                return;
            }
            holding[c] = false;
            take(held[c], classes);
            holdingServed = false;
            take(heldServed, classes);
        }
        weave(reason, classes);
    }

    private static void take(Map<ClassLoader, Set<String>> from, Map<ClassLoader, Set<String>> into) {
        copy(from, into);
        from.clear();
    }

    private static void copy(Map<ClassLoader, Set<String>> from, Map<ClassLoader, Set<String>> into) {
        for (Map.Entry<ClassLoader, Set<String>> e : from.entrySet()) {
            Set<String> names = into.get(e.getKey());
            if (names == null) {
                names = new HashSet<>();
                into.put(e.getKey(), names);
            }
            names.addAll(e.getValue());
        }
    }

    private void weave(String reason, Map<ClassLoader, Set<String>> classes) {
        int n = 0;
        for (Set<String> names : classes.values()) {
            n += names.size();
        }
        if (n == 0) {
            return;
        }
        listener.released(reason, n);
        Release r = release;
        if (r != null) {
            r.weave(classes);
        }
    }

    /** Classes held back now, per loader (for tests). */
    synchronized Map<ClassLoader, Set<String>> held() {
        Map<ClassLoader, Set<String>> all = new HashMap<>();
        for (int c = 0; c < CONTAINERS.length; c++) {
            copy(held[c], all);
        }
        copy(heldServed, all);
        return Collections.unmodifiableMap(all);
    }

    private synchronized boolean anyHolding() {
        for (boolean h : holding) {
            if (h) {
                return true;
            }
        }
        return holdingServed;
    }

    /** The hooks seen, by name: {@code tomcat-commit-hook}, or several joined by {@code ", "}. */
    private static String hookNames(boolean[] hooks) {
        StringBuilder names = new StringBuilder();
        for (int c = 0; c < CONTAINERS.length; c++) {
            if (hooks[c]) {
                names.append(names.length() == 0 ? "" : ", ").append(CONTAINERS[c].hook);
            }
        }
        return names.toString();
    }

    /** Per container, whether the class loader finds one of its hook classes (asked once per loader). */
    private boolean[] hooksSeen(ClassLoader loader) {
        boolean[] known;
        synchronized (hooksSeen) {
            known = hooksSeen.get(loader);
        }
        if (known != null) {
            return known;
        }
        // looked up outside the lock: getResource may take the loader's own locks
        known = new boolean[CONTAINERS.length];
        for (int c = 0; c < CONTAINERS.length; c++) {
            for (String file : CONTAINERS[c].hookClassFiles) {
                if (!known[c]) {
                    known[c] = finds(loader, file);
                }
            }
        }
        synchronized (hooksSeen) {
            hooksSeen.put(loader, known);
        }
        return known;
    }

    private static boolean finds(ClassLoader loader, String classFile) {
        try {
            return loader.getResource(classFile) != null;
        } catch (Throwable t) {
            return false; // a loader that cannot tell: its classes are simply woven
        }
    }
}
