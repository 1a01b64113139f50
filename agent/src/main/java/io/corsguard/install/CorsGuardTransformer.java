package io.corsguard.install;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The agent's one class file transformer. The JVM hands it every class it loads; almost all are
 * dismissed by name ({@link IgnoredTypes}) or by the families' cheap {@link ServerInstrumentation#matches}
 * without Byte Buddy. Only a matched class is handed to the {@link Weaver}, created on first need,
 * so the Byte Buddy machinery is loaded and compiled for the handful of server classes it rewrites,
 * not run for the thousands it does not. At start-up the classes each server needs at its first
 * request are woven ahead on another thread ({@link PreWeaving}) and taken when the JVM loads them.
 *
 * <p>Never throws into the JVM: a class that cannot be woven is reported to the {@link Listener}
 * and loaded as it was. Classes loaded while a class is matched or woven (on the same thread) are left alone.
 */
public final class CorsGuardTransformer implements ClassFileTransformer {

    /** What the transformer tells its owner. */
    public interface Listener {
        /** {@code className} (binary name, {@code a.b.C}) was woven. */
        void woven(String className);

        /** {@code className} could not be woven and was left as it was. */
        void failed(String className, Throwable error);
    }

    private final ServerInstrumentation[] families;
    private final ClassLoader adviceLoader;
    private final Listener listener;
    /** Set while this thread matches or weaves a class. */
    private final ThreadLocal<Boolean> busy = new ThreadLocal<>();
    private final Object weaverLock = new Object();
    private volatile Weaver weaver;
    /** Set at start-up only ({@link #preWeave()}): the server classes woven ahead of their first request. */
    private volatile PreWeaving preWeaving;
    /** Woven classes by loader (weak keys), so that detach restores exactly those. */
    private final Map<ClassLoader, Set<String>> woven = new WeakHashMap<>();
    private final Set<String> wovenByBootLoader = new HashSet<>();

    public CorsGuardTransformer(List<ServerInstrumentation> families, ClassLoader adviceLoader, Listener listener) {
        this.families = families.toArray(new ServerInstrumentation[0]);
        this.adviceLoader = adviceLoader;
        this.listener = listener;
    }

    /**
     * Weaves the classes each server family needs at its first request on a background thread as
     * soon as a class loader shows it holds that server ({@link PreWeaving}). Called at start-up
     * before {@link #install}; not at attach, where those classes are mostly loaded already.
     */
    public void preWeave() {
        preWeaving = new PreWeaving(families, this::weaveAhead);
    }

    /** On the pre-weaving thread, marked busy as a transformation is: classes it loads are left alone. */
    private byte[] weaveAhead(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation family) {
        busy.set(Boolean.TRUE);
        try {
            return weaver().weave(loader, internalName, classFile, new ServerInstrumentation[] {family});
        } finally {
            busy.remove();
        }
    }

    /** Test only: waits for the classes being woven ahead. */
    boolean awaitPreWeaving(long millis) throws InterruptedException {
        PreWeaving p = preWeaving;
        return p == null || p.awaitIdle(millis);
    }

    /**
     * Registers the transformer and weaves the matching classes already loaded (an attach, or
     * classes loaded before {@code premain} by another agent).
     */
    public void install(Instrumentation inst) {
        inst.addTransformer(this, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (matchesLoaded(type) && inst.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        retransform(inst, loaded);
    }

    /**
     * Unregisters the transformer and restores the classes it wove to their original class files.
     *
     * @return whether every woven class still loaded was restored
     */
    public boolean uninstall(Instrumentation inst) {
        inst.removeTransformer(this);
        PreWeaving p = preWeaving;
        if (p != null) {
            p.stop();
        }
        List<Class<?>> restore = new ArrayList<>();
        synchronized (woven) {
            for (Class<?> type : inst.getAllLoadedClasses()) {
                Set<String> names = type.getClassLoader() == null ? wovenByBootLoader : woven.get(type.getClassLoader());
                if (names != null && names.contains(type.getName())) {
                    restore.add(type);
                }
            }
            woven.clear();
            wovenByBootLoader.clear();
        }
        return retransform(inst, restore);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (internalName == null || IgnoredTypes.byInternalName(internalName)) {
            return null;
        }
        if (busy.get() != null) {
            // a class loaded by this thread while it matches or weaves another (a class loader
            // reading a super type's class file, Byte Buddy's own classes): left alone, as Byte
            // Buddy's circularity lock did, so that matching can never recurse into itself
            return null;
        }
        busy.set(Boolean.TRUE);
        ServerInstrumentation[] matched = null;
        try {
            PreWeaving ahead = preWeaving;
            if (ahead != null && classBeingRedefined == null) {
                ahead.loading(loader, internalName);
            }
            matched = match(loader, internalName, classFile);
            if (matched == null) {
                return null;
            }
            byte[][] taken = ahead == null ? null : ahead.take(loader, internalName, classFile, matched);
            byte[] out = taken != null ? taken[0] : weaver().weave(loader, internalName, classFile, matched);
            if (out == null) {
                // no method of the class is one the families advise
                notWoven(matched, internalName);
                return null;
            }
            String className = internalName.replace('/', '.');
            record(loader, className);
            for (ServerInstrumentation family : matched) {
                family.woven(className);
            }
            listener.woven(className);
            return out;
        } catch (Throwable t) {
            try {
                listener.failed(internalName.replace('/', '.'), t);
                if (matched != null) {
                    notWoven(matched, internalName);
                }
            } catch (Throwable ignored) {
                // never into the JVM's class loading
            }
            return null;
        } finally {
            busy.remove();
        }
    }

    private static void notWoven(ServerInstrumentation[] matched, String internalName) {
        String className = internalName.replace('/', '.');
        for (ServerInstrumentation family : matched) {
            family.notWoven(className);
        }
    }

    /**
     * Retransforms the loaded classes named (binary names per class loader), so that the families
     * weave them now (classes held back at first). Called while this thread transforms a class,
     * the work runs on another thread (nested transformations on this one are left alone), and
     * this thread waits for it at most {@code waitMillis}: the classes are woven before the class
     * being loaded is used, unless that takes longer.
     */
    public void retransform(Instrumentation inst, Map<ClassLoader, Set<String>> classes, long waitMillis) {
        if (busy.get() == null) {
            retransform(inst, loaded(inst, classes));
            return;
        }
        Thread t = new Thread(() -> {
            try {
                retransform(inst, loaded(inst, classes));
            } catch (Throwable e) {
                listener.failed("(retransformation)", e);
            }
        }, "corsguard-weave");
        t.setDaemon(true);
        t.start();
        try {
            t.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Class<?>> loaded(Instrumentation inst, Map<ClassLoader, Set<String>> classes) {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            Set<String> names = classes.get(type.getClassLoader());
            if (names != null && names.contains(type.getName()) && inst.isModifiableClass(type)) {
                found.add(type);
            }
        }
        return found;
    }

    private ServerInstrumentation[] match(ClassLoader loader, String internalName, byte[] classFile) {
        ServerInstrumentation[] matched = null;
        int n = 0;
        for (ServerInstrumentation family : families) {
            if (family.matches(loader, internalName, classFile)) {
                if (matched == null) {
                    matched = new ServerInstrumentation[families.length];
                }
                matched[n++] = family;
            }
        }
        if (matched == null || n == matched.length) {
            return matched;
        }
        ServerInstrumentation[] exact = new ServerInstrumentation[n];
        System.arraycopy(matched, 0, exact, 0, n);
        return exact;
    }

    private boolean matchesLoaded(Class<?> type) {
        String name = type.getName();
        if (type.isArray() || type.isPrimitive() || IgnoredTypes.byName(name)) {
            return false;
        }
        for (ServerInstrumentation family : families) {
            try {
                if (family.matches(type)) {
                    return true;
                }
            } catch (Throwable t) {
                // e.g. a class whose super types cannot be loaded: not one of ours
            }
        }
        return false;
    }

    private Weaver weaver() {
        Weaver w = weaver;
        if (w == null) {
            synchronized (weaverLock) {
                w = weaver;
                if (w == null) {
                    w = new Weaver(adviceLoader);
                    weaver = w;
                }
            }
        }
        return w;
    }

    private void record(ClassLoader loader, String className) {
        synchronized (woven) {
            if (loader == null) {
                wovenByBootLoader.add(className);
            } else {
                Set<String> names = woven.get(loader);
                if (names == null) {
                    names = new HashSet<>();
                    woven.put(loader, names);
                }
                names.add(className);
            }
        }
    }

    /** Retransforms the classes, all at once, or one by one when the batch fails. */
    private boolean retransform(Instrumentation inst, List<Class<?>> types) {
        if (types.isEmpty()) {
            return true;
        }
        try {
            inst.retransformClasses(types.toArray(new Class<?>[0]));
            return true;
        } catch (Throwable batch) {
            boolean all = true;
            for (Class<?> type : types) {
                try {
                    inst.retransformClasses(type);
                } catch (Throwable t) {
                    all = false;
                    listener.failed(type.getName(), t);
                }
            }
            return all;
        }
    }
}
