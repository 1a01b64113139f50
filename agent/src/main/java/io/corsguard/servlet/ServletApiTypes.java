package io.corsguard.servlet;

import java.security.ProtectionDomain;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/**
 * Which servlet API types of one namespace ({@code javax.servlet} or {@code jakarta.servlet}) a
 * class is or extends: the generic layer's type matchers. Byte Buddy's {@code hasSuperType} read
 * every super type's class file again for every class loaded, JDK types included; here
 * <ul>
 *   <li>a class loader that cannot see the API's {@code Servlet} is looked at once and its classes
 *       are skipped without parsing anything,</li>
 *   <li>{@code java.*} super types are never read (the JDK implements no servlet API type),</li>
 *   <li>each type's answer is remembered per class loader (a weak key; the values are names and
 *       bits only, so no class loader is kept alive), and since super types load before their
 *       subclasses, a class costs a look at its own direct super types.</li>
 * </ul>
 * Nothing is locked while a class file is read (two threads may compute the same answer).
 */
final class ServletApiTypes {
    static final int SERVLET_OR_FILTER = 1;
    static final int RESPONSE = 2;
    static final int RESPONSE_WRAPPER = 4;
    static final int ASYNC_CONTEXT = 8;

    /**
     * Never a servlet, filter, response or async context, decided before any class file is read:
     * the JDK, Byte Buddy, the agent's bridge, and libraries that have no servlet API types
     * (Netty's classes are most of what a Netty server loads).
     */
    private static final String[] SKIPPED = {
        "java.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "io.corsguard.shaded.", "io.corsguard.bootstrap.",
        "io.netty.", "org.slf4j.", "com.fasterxml.jackson.", "kotlin.", "scala.",
    };

    private final Map<String, Integer> own = new ConcurrentHashMap<>();
    private final String probe;
    private final Map<ClassLoader, Seen> byLoader = new WeakHashMap<>();
    /** The bootstrap loader (null): nothing to probe, its answers are remembered like any other's. */
    private final Seen bootstrap = new Seen(true);

    /** @param api {@code javax.servlet} or {@code jakarta.servlet} */
    ServletApiTypes(String api) {
        own.put(api + ".Servlet", SERVLET_OR_FILTER);
        own.put(api + ".Filter", SERVLET_OR_FILTER);
        own.put(api + ".http.HttpServletResponse", RESPONSE);
        own.put(api + ".ServletResponseWrapper", RESPONSE_WRAPPER);
        own.put(api + ".AsyncContext", ASYNC_CONTEXT);
        probe = api.replace('.', '/') + "/Servlet.class";
    }

    /** Concrete classes (not interfaces) that are or extend {@code role} and none of {@code unless}. */
    AgentBuilder.RawMatcher matcher(final int role, final int unless) {
        return new AgentBuilder.RawMatcher() {
            @Override
            public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module,
                                   Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
                if (skipped(type.getName())) {
                    return false;
                }
                Seen seen = seen(loader);
                if (!seen.apiVisible || type.isInterface()) {
                    return false;
                }
                int roles = roles(type, seen.roles);
                return (roles & role) != 0 && (roles & unless) == 0;
            }

            @Override
            public String toString() {
                return "servletApiType(" + probe + ", role=" + role + ", unless=" + unless + ")";
            }
        };
    }

    private static boolean skipped(String name) {
        for (String prefix : SKIPPED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private Seen seen(ClassLoader loader) {
        if (loader == null) {
            return bootstrap;
        }
        Seen seen;
        synchronized (byLoader) {
            seen = byLoader.get(loader);
        }
        if (seen == null) {
            // asked outside the lock: getResource may take the loader's own locks
            seen = new Seen(loader.getResource(probe) != null);
            synchronized (byLoader) {
                Seen first = byLoader.get(loader);
                if (first != null) {
                    return first;
                }
                byLoader.put(loader, seen);
            }
        }
        return seen;
    }

    private int roles(TypeDescription type, ConcurrentMap<String, Integer> known) {
        String name = type.getName();
        if (name.startsWith("java.")) {
            return 0;
        }
        Integer r = known.get(name);
        if (r != null) {
            return r;
        }
        Integer mine = own.get(name);
        int roles = mine == null ? 0 : mine;
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            roles |= roles(superClass.asErasure(), known);
        }
        for (TypeDescription.Generic i : type.getInterfaces()) {
            roles |= roles(i.asErasure(), known);
        }
        known.put(name, roles);
        return roles;
    }

    private static final class Seen {
        final boolean apiVisible;
        final ConcurrentMap<String, Integer> roles = new ConcurrentHashMap<>();

        Seen(boolean apiVisible) {
            this.apiVisible = apiVisible;
        }
    }
}
