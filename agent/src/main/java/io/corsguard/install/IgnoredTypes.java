package io.corsguard.install;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Types the agent never instruments, decided by the name alone: the JDK (except the servlet API,
 * which containers put in {@code javax.servlet}), Byte Buddy, and the agent itself (not the whole
 * {@code io.corsguard} namespace: the demo app lives there too).
 */
final class IgnoredTypes {
    private static final String[] PREFIXES = {
        "java.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "io.corsguard.shaded.",
        "io.corsguard.bootstrap.", "io.corsguard.launcher.", "io.corsguard.install.", "io.corsguard.engine.",
        "io.corsguard.cli.", "io.corsguard.config.", "io.corsguard.policy.", "io.corsguard.report.",
        "io.corsguard.servlet.", "io.corsguard.netty.",
    };

    private IgnoredTypes() {
    }

    static boolean byName(String name) {
        if (name.startsWith("javax.")) {
            return !name.startsWith("javax.servlet.");
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The agent builder's ignore matcher: the names above. Not synthetic types: asking for the
     * modifiers here parsed the class file of every class not ignored by name (e.g. all of Netty),
     * though the families reject most of them by name; the one matcher that reads class files
     * anyway ({@code servlet.ServletApiTypes}) leaves synthetic types out, the others match named
     * server classes.
     */
    static ElementMatcher.Junction<TypeDescription> matcher() {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return byName(type.getName());
            }
        };
    }

    /**
     * Byte Buddy's {@code POOL_FIRST} parses the class file of every class it is offered before
     * the ignore matcher even sees the name: at start-up every JDK class already loaded, read back
     * from the runtime image, and then every class the application loads. Here nothing is parsed
     * until a matcher needs more than the name ({@code POOL_ONLY}: the agent builder's type pools
     * resolve lazily):
     * <ul>
     *   <li>types ignored by name are never read;</li>
     *   <li>a class being loaded ({@code type == null}) is always resolvable, since the pool reads
     *       the bytes being loaded, so {@code POOL_FIRST} would only have parsed it early;</li>
     *   <li>an already loaded class (retransformation) keeps {@code POOL_FIRST}: its class file
     *       may not be locatable (generated classes), and then it is described from the loaded
     *       class, as before.</li>
     * </ul>
     * Types are still never described by loading classes inside the transformer.
     */
    static final class NameFirstDescription implements AgentBuilder.DescriptionStrategy {
        @Override
        public boolean isLoadedFirst() {
            return AgentBuilder.DescriptionStrategy.Default.POOL_FIRST.isLoadedFirst();
        }

        @Override
        public TypeDescription apply(String name, Class<?> type, TypePool typePool,
                                     AgentBuilder.CircularityLock circularityLock, ClassLoader classLoader, JavaModule module) {
            if (type == null || (name != null && byName(name))) {
                return AgentBuilder.DescriptionStrategy.Default.POOL_ONLY.apply(name, type, typePool, circularityLock, classLoader, module);
            }
            return AgentBuilder.DescriptionStrategy.Default.POOL_FIRST.apply(name, type, typePool, circularityLock, classLoader, module);
        }
    }
}
