package io.corsguard.cli;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The JDK attach API ({@code com.sun.tools.attach}), by reflection: the CLI runs in the agent's
 * hidden class loader, whose parent is the bootstrap loader, and the attach API lives in module
 * {@code jdk.attach} (Java 9+, defined to the system loader) or in {@code tools.jar} (Java 8).
 */
final class Jvms {

    /** A failure to reach or attach to the target JVM: exit code 1 with this message. */
    static final class TargetException extends Exception {
        private static final long serialVersionUID = 1L;

        TargetException(String message) {
            super(message);
        }
    }

    /** One running JVM as {@code VirtualMachine.list()} sees it. */
    static final class Jvm {
        final String pid;
        final String displayName;

        Jvm(String pid, String displayName) {
            this.pid = pid;
            this.displayName = displayName;
        }

        /** The main class or jar, without arguments, as {@code jps -l} prints it. */
        String mainClass() {
            String d = displayName == null ? "" : displayName.trim();
            int sp = d.indexOf(' ');
            return sp < 0 ? d : d.substring(0, sp);
        }
    }

    private final Class<?> vmType;
    private final Class<?> descriptorType;

    private Jvms(Class<?> vmType, Class<?> descriptorType) {
        this.vmType = vmType;
        this.descriptorType = descriptorType;
    }

    static Jvms load() throws TargetException {
        ClassLoader[] candidates = {ClassLoader.getSystemClassLoader(), toolsJarLoader()};
        for (ClassLoader cl : candidates) {
            if (cl == null) {
                continue;
            }
            try {
                return new Jvms(Class.forName("com.sun.tools.attach.VirtualMachine", false, cl),
                    Class.forName("com.sun.tools.attach.VirtualMachineDescriptor", false, cl));
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next
            }
        }
        throw new TargetException("the JDK attach API (module jdk.attach) is not available in this Java ("
            + System.getProperty("java.home") + "); run the CLI with a JDK, not a JRE");
    }

    /** Java 8: the attach API is in the JDK's lib/tools.jar, next to the jre directory. */
    private static ClassLoader toolsJarLoader() {
        File home = new File(System.getProperty("java.home"));
        File[] jars = {new File(home, "lib/tools.jar"), new File(home.getParentFile(), "lib/tools.jar")};
        for (File jar : jars) {
            if (jar.isFile()) {
                try {
                    return new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getSystemClassLoader());
                } catch (Exception e) {
                    return null;
                }
            }
        }
        return null;
    }

    List<Jvm> list() throws TargetException {
        List<Jvm> out = new ArrayList<Jvm>();
        try {
            List<?> descriptors = (List<?>) vmType.getMethod("list").invoke(null);
            Method id = descriptorType.getMethod("id");
            Method name = descriptorType.getMethod("displayName");
            for (Object d : descriptors) {
                out.add(new Jvm((String) id.invoke(d), (String) name.invoke(d)));
            }
        } catch (InvocationTargetException e) {
            throw new TargetException("cannot list JVMs: " + reason(e.getCause()));
        } catch (ReflectiveOperationException e) {
            throw new TargetException("cannot list JVMs: " + reason(e));
        }
        return out;
    }

    /**
     * Attaches to {@code pid}. A pid missing from {@link #list()} is refused before any attempt:
     * HotSpot's attach signals the target (SIGQUIT) to start its listener, which would end a
     * process that is not a JVM.
     */
    Target attach(String pid) throws TargetException {
        boolean listed = false;
        for (Jvm j : list()) {
            if (j.pid.equals(pid)) {
                listed = true;
                break;
            }
        }
        if (!listed) {
            if (new File("/proc").isDirectory() && !new File("/proc/" + pid).exists()) {
                throw new TargetException("no process with pid " + pid);
            }
            throw new TargetException("pid " + pid + " is not a JVM this user can attach to (it is not in `list`: not a Java process, "
                + "another user's, or started with -XX:-UsePerfData)");
        }
        try {
            return new Target(pid, vmType.getMethod("attach", String.class).invoke(null, pid));
        } catch (InvocationTargetException e) {
            throw new TargetException("cannot attach to pid " + pid + ": " + reason(e.getCause()));
        } catch (ReflectiveOperationException e) {
            throw new TargetException("cannot attach to pid " + pid + ": " + reason(e));
        }
    }

    static String reason(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    /** One attached target JVM; {@link #close()} detaches the attach API connection (not the agent). */
    final class Target implements AutoCloseable {
        final String pid;
        private final Object vm;

        Target(String pid, Object vm) {
            this.pid = pid;
            this.vm = vm;
        }

        void loadAgent(String jar, String args) throws TargetException {
            call("load the agent into", "loadAgent", new Class<?>[] {String.class, String.class}, jar, args);
        }

        Properties systemProperties() throws TargetException {
            return (Properties) call("read the system properties of", "getSystemProperties", new Class<?>[0]);
        }

        /** The JMX service URL of the target's local connector (loopback only), started if need be. */
        String localJmxUrl() throws TargetException {
            return (String) call("start the local JMX connector of", "startLocalManagementAgent", new Class<?>[0]);
        }

        private Object call(String what, String method, Class<?>[] types, Object... args) throws TargetException {
            try {
                return vmType.getMethod(method, types).invoke(vm, args);
            } catch (InvocationTargetException e) {
                throw new TargetException("cannot " + what + " pid " + pid + ": " + reason(e.getCause()));
            } catch (ReflectiveOperationException e) {
                throw new TargetException("cannot " + what + " pid " + pid + ": " + reason(e));
            }
        }

        @Override
        public void close() {
            try {
                vmType.getMethod("detach").invoke(vm);
            } catch (Exception ignored) {
                // the target went away; nothing to release
            }
        }
    }
}
