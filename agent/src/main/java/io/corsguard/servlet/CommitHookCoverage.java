package io.corsguard.servlet;

import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Where the generic servlet layer is held back: classes of a container whose commit hook judges
 * its responses, on which the generic layer would only stand back (DESIGN §5). Weaving them costs
 * start-up (on embedded Tomcat, {@code HttpServlet}, {@code Response} and {@code ResponseFacade}:
 * ~100 ms of a ~350 ms addition), and nothing per request is gained.
 *
 * <p>A class is held back only when it comes from the very jar (or class directory) that holds
 * the container's commit hook class, as its class loader finds both: then the class belongs to
 * that container, and the container's responses all pass through the hook. A response
 * implementation must also lie under the package the generic layer stands back on for that
 * container ({@link ServletBridge#commitHookJudges}). Everything else is woven as before.
 *
 * <p>A guess that turns out wrong weaves the held classes at once (a retransformation, see
 * {@link Release}), so the generic layer judges again wherever the hook does not:
 * <ul>
 *   <li>the hook's class is matched but not woven (it failed, or no method matched): that container's classes;</li>
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
        /** {@code className} is not woven now: {@code hook} judges its container's responses. */
        void heldBack(String className, String hook);

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

    private static final Listener QUIET = new Listener() {
        @Override
        public void heldBack(String className, String hook) {
        }

        @Override
        public void released(String reason, int classes) {
        }
    };

    /** Whether each container's classes are still held back; guarded by {@code this}. */
    private final boolean[] holding = new boolean[CONTAINERS.length];
    /** Held classes per container, binary names per loader (weak keys); guarded by {@code this}. */
    private final Map<ClassLoader, Set<String>>[] held;
    /** Per class loader, where it finds each container's hook classes (null: not found). */
    private final Map<ClassLoader, String[][]> hookLocations = new WeakHashMap<>();
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
        if (loader == null || !anyHolding()) {
            return false;
        }
        int c = coveringContainer(loader, internalName, response);
        if (c < 0) {
            if (response) {
                releaseAll("the response class " + internalName.replace('/', '.') + " is not judged by a commit hook");
            }
            return false;
        }
        String className = internalName.replace('/', '.');
        synchronized (this) {
            if (!holding[c]) {
                return false;
            }
            Set<String> names = held[c].get(loader);
            if (names == null) {
                names = new HashSet<>();
                held[c].put(loader, names);
            }
            names.add(className);
        }
        listener.heldBack(className, CONTAINERS[c].hook);
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
                takeHeld(c, classes);
            }
        }
        weave(reason, classes);
    }

    private void release(int c, String reason) {
        Map<ClassLoader, Set<String>> classes = new WeakHashMap<>();
        synchronized (this) {
            if (!holding[c]) {
                return;
            }
            holding[c] = false;
            takeHeld(c, classes);
        }
        weave(reason, classes);
    }

    private void takeHeld(int c, Map<ClassLoader, Set<String>> into) {
        copyHeld(c, into);
        held[c].clear();
    }

    private void copyHeld(int c, Map<ClassLoader, Set<String>> into) {
        for (Map.Entry<ClassLoader, Set<String>> e : held[c].entrySet()) {
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
            copyHeld(c, all);
        }
        return Collections.unmodifiableMap(all);
    }

    private synchronized boolean anyHolding() {
        for (boolean h : holding) {
            if (h) {
                return true;
            }
        }
        return false;
    }

    /** The container whose hook class comes from the same place as this class, or -1. */
    private int coveringContainer(ClassLoader loader, String internalName, boolean response) {
        String own = location(loader, internalName + ".class");
        if (own == null) {
            return -1;
        }
        String[][] hooks = hookLocations(loader);
        for (int c = 0; c < CONTAINERS.length; c++) {
            if (response && !internalName.startsWith(CONTAINERS[c].responsePackage)) {
                continue;
            }
            for (String hook : hooks[c]) {
                if (own.equals(hook)) {
                    return c;
                }
            }
        }
        return -1;
    }

    private String[][] hookLocations(ClassLoader loader) {
        String[][] known;
        synchronized (hookLocations) {
            known = hookLocations.get(loader);
        }
        if (known != null) {
            return known;
        }
        // looked up outside the lock: getResource may take the loader's own locks
        known = new String[CONTAINERS.length][];
        for (int c = 0; c < CONTAINERS.length; c++) {
            String[] files = CONTAINERS[c].hookClassFiles;
            known[c] = new String[files.length];
            for (int i = 0; i < files.length; i++) {
                known[c][i] = location(loader, files[i]);
            }
        }
        synchronized (hookLocations) {
            hookLocations.put(loader, known);
        }
        return known;
    }

    /**
     * Where a class file comes from: its URL without the class's own path, e.g.
     * {@code jar:file:/lib/tomcat-embed-core.jar!/} or {@code file:/app/classes/}; null if not found.
     */
    static String location(ClassLoader loader, String classFile) {
        try {
            URL url = loader.getResource(classFile);
            if (url == null) {
                return null;
            }
            String s = url.toString();
            return s.endsWith(classFile) ? s.substring(0, s.length() - classFile.length()) : null;
        } catch (Throwable t) {
            return null; // a loader that cannot tell: the class is simply woven
        }
    }
}
