package io.corsguard.install;

/**
 * One server family's instrumentation (OpenTelemetry's "instrumentation module"): which classes it
 * weaves and the advice it weaves into them. Advice classes are named by string and reference only
 * bootstrap ({@code io.corsguard.bootstrap}) and server types, so the agent's own classes never
 * leak into application class loaders.
 *
 * <p>Matching is split from weaving on purpose: {@link #matches(ClassLoader, String, byte[])} runs
 * for every class the application loads and must be cheap and free of Byte Buddy (a name lookup,
 * at most a class file header); {@link #weave(Weaving)} runs only for the few classes matched, and
 * only then is Byte Buddy needed.
 */
public interface ServerInstrumentation {

    /** Kebab-case name used in logs ({@code tomcat}, {@code servlet}, {@code netty}). */
    String name();

    /**
     * Whether this family weaves a class being loaded or retransformed.
     *
     * @param loader       its class loader, null for the bootstrap loader
     * @param internalName its name in internal form ({@code a/b/C}), as the JVM gives it
     * @param classFile    its class file, for families that cannot decide by the name
     */
    boolean matches(ClassLoader loader, String internalName, byte[] classFile);

    /** The same for a class already loaded: which classes an attach retransforms. */
    boolean matches(Class<?> type);

    /** Adds this family's advice to a class it matched. */
    void weave(Weaving weaving);

    /** A class this family matched was woven (its new class file handed to the JVM). */
    void woven(String className);

    /**
     * A class this family matched was not woven: weaving failed, or no family advised any of its
     * methods. It loads as it was.
     */
    void notWoven(String className);
}
