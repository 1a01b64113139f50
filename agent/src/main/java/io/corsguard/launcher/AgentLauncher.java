package io.corsguard.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.function.Consumer;
import java.util.jar.JarFile;

/**
 * Premain-Class, Agent-Class and Main-Class of the agent jar. Puts the jar on the bootstrap search
 * path (only the launcher and the bridge are plain class files in it, so that is all the bootstrap
 * loader gains), then starts the real agent inside its own hidden class loader. Touches nothing of
 * the agent before that, and never lets a failure escape into the host JVM.
 */
public final class AgentLauncher {
    /** {@code Installer.Entry}: starts the agent, called through {@link Consumer} from this class loader. */
    private static final String INSTALLER_ENTRY = "io.corsguard.install.Installer$Entry";
    private static final String CLI = "io.corsguard.cli.Cli";

    private static boolean bootstrapAppended;
    private static ClassLoader agentLoader;

    private AgentLauncher() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    public static void main(String[] args) {
        int code;
        try {
            Class<?> cli = loader(null).loadClass(CLI);
            Method run = cli.getMethod("run", String[].class);
            code = (Integer) run.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace();
            code = 1;
        } catch (Throwable t) {
            System.err.println("corsguard: cannot start the command line: " + t);
            code = 1;
        }
        System.exit(code);
    }

    private static synchronized void start(String args, Instrumentation inst, boolean attach) {
        try {
            ClassLoader loader = loader(inst);
            // a no-argument constructor and a JDK interface, not Method.invoke: on Java 18+ a
            // reflective call with this signature spins method handle classes, ~10 ms of premain
            @SuppressWarnings("unchecked")
            Consumer<Object[]> entry = (Consumer<Object[]>) loader.loadClass(INSTALLER_ENTRY).getDeclaredConstructor().newInstance();
            entry.accept(new Object[] {args, inst, attach});
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("[corsguard] the agent failed to start and is inert; the application runs without it: " + cause);
            try {
                // read by the CLI's attach (see Installer.STATE_PROPERTY)
                System.setProperty("io.corsguard.agent.state", "failed: " + cause);
            } catch (Throwable ignored) {
                // nothing more to tell
            }
        }
    }

    static synchronized ClassLoader loader(Instrumentation inst) throws Exception {
        File jar = agentJar();
        if (inst != null && !bootstrapAppended) {
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
            bootstrapAppended = true;
        }
        if (agentLoader == null) {
            agentLoader = new AgentClassLoader(jar);
        }
        return agentLoader;
    }

    private static File agentJar() throws URISyntaxException {
        File jar = new File(AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.isFile()) {
            // e.g. the agent's classes directory ahead of the jar on the class path: say so, rather
            // than the FileNotFoundException opening it as a jar would give
            throw new IllegalStateException("the agent's launcher was loaded from " + jar
                + ", not from the agent jar: the agent's own classes must not be on the application's class path");
        }
        return jar;
    }
}
