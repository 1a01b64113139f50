package io.corsguard.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started for one test class: the java of the running tests (so JAVA_HOME picks 17 or 25),
 * optionally with the built agent. Its output is collected line by line; it is always killed,
 * also when a test fails (close() and a shutdown hook).
 */
public final class ChildJvm implements AutoCloseable {
    public static final Path AGENT_JAR = Paths.get(System.getProperty("corsguard.agent.jar", "../agent/target/corsguard-agent.jar")).toAbsolutePath();
    public static final Path DEMO_JAR = Paths.get(System.getProperty("corsguard.demo.jar", "../demo-app/target/demo-app.jar")).toAbsolutePath();
    public static final Path IT_DIR = Paths.get(System.getProperty("corsguard.it.dir", "target")).toAbsolutePath();

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread killer;

    private ChildJvm(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("CORSGUARD_") || k.equals("JAVA_TOOL_OPTIONS"));
        process = pb.start();
        pump(process.getInputStream(), stdout, "out");
        pump(process.getErrorStream(), stderr, "err");
        killer = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** {@code java [jvmArgs] -cp classpath mainClass args}. */
    public static ChildJvm start(List<String> jvmArgs, String classpath, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        Collections.addAll(cmd, args);
        return new ChildJvm(cmd);
    }

    /** {@code java [jvmArgs] -jar jar args}. */
    public static ChildJvm startJar(List<String> jvmArgs, Path jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        Collections.addAll(cmd, args);
        return new ChildJvm(cmd);
    }

    /** The -javaagent option for the built jar with the given agent arguments (may be empty). */
    public static String javaagent(String agentArgs) {
        return "-javaagent:" + AGENT_JAR + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs);
    }

    /** The test JVM's own class path: fixture apps run from it. */
    public static String testClasspath() {
        return System.getProperty("java.class.path");
    }

    public static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void pump(InputStream in, List<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "child-" + name);
        t.setDaemon(true);
        t.start();
    }

    public List<String> stdout() {
        return stdout;
    }

    public List<String> stderr() {
        return stderr;
    }

    /** Waits for a line on stdout or stderr matching {@code p}; fails with both outputs if it never comes. */
    public String awaitLine(Predicate<String> p, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String l : stdout) {
                if (p.test(l)) {
                    return l;
                }
            }
            for (String l : stderr) {
                if (p.test(l)) {
                    return l;
                }
            }
            if (!process.isAlive() && System.nanoTime() > end - timeout.toNanos() / 2) {
                break;
            }
            sleep(20);
        }
        throw new AssertionError("no matching line within " + timeout + "\n--- stdout\n" + String.join("\n", stdout)
            + "\n--- stderr\n" + String.join("\n", stderr));
    }

    /** Waits for the process to end; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child JVM still running after " + timeout + "\n--- stdout\n" + String.join("\n", stdout)
                + "\n--- stderr\n" + String.join("\n", stderr));
        }
        sleep(100); // let the pumps drain
        return process.exitValue();
    }

    public String describe() {
        return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + String.join("\n", stderr);
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String fileUrl(File f) {
        return f.toURI().toString();
    }
}
