package io.corsguard.install;

/**
 * Types the agent never instruments, decided by the name alone: the JDK (except the servlet API,
 * which containers put in {@code javax.servlet}), Byte Buddy, and the agent itself (not the whole
 * {@code io.corsguard} namespace: the demo app lives there too). The transformer's first test,
 * run for every class the JVM loads: no allocation, no class file read.
 */
final class IgnoredTypes {
    private static final String[] PREFIXES = {
        "java.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "io.corsguard.shaded.",
        "io.corsguard.bootstrap.", "io.corsguard.launcher.", "io.corsguard.install.", "io.corsguard.engine.",
        "io.corsguard.cli.", "io.corsguard.config.", "io.corsguard.policy.", "io.corsguard.report.",
        "io.corsguard.servlet.", "io.corsguard.netty.",
    };
    /** The same in internal form ({@code java/}), as the JVM names classes to a transformer. */
    private static final String[] INTERNAL_PREFIXES = new String[PREFIXES.length];

    static {
        for (int i = 0; i < PREFIXES.length; i++) {
            INTERNAL_PREFIXES[i] = PREFIXES[i].replace('.', '/');
        }
    }

    private IgnoredTypes() {
    }

    /** @param name a binary name ({@code a.b.C}) */
    static boolean byName(String name) {
        if (name.startsWith("javax.")) {
            return !name.startsWith("javax.servlet.");
        }
        return startsWithAny(name, PREFIXES);
    }

    /** @param internalName a name in internal form ({@code a/b/C}) */
    static boolean byInternalName(String internalName) {
        if (internalName.startsWith("javax/")) {
            return !internalName.startsWith("javax/servlet/");
        }
        return startsWithAny(internalName, INTERNAL_PREFIXES);
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
