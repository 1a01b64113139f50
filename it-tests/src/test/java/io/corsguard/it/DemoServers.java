package io.corsguard.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo app in child JVMs, one per agent configuration, shared by every test class of the run
 * (starting a JVM costs seconds; sharing keeps the suite fast) and killed when the run ends.
 */
public final class DemoServers {

    /** The agent configurations the suite runs the demo under. */
    public enum Setup {
        /** No agent at all: the control. */
        NO_AGENT(null),
        MONITOR("mode=monitor;grant-credentials=true;exposed-headers=X-Request-Id"),
        CORRECT("mode=correct;grant-credentials=true;exposed-headers=X-Request-Id"),
        OFF("mode=off"),
        /** correct mode with the Tomcat commit hook switched off: servlet responses go through the generic layer. */
        CORRECT_GENERIC("mode=correct;grant-credentials=true;exposed-headers=X-Request-Id;test.commit-hook=false"),
        MONITOR_GENERIC("mode=monitor;grant-credentials=true;exposed-headers=X-Request-Id;test.commit-hook=false"),
        FAULT_PASS("mode=correct;test.fault=throw;on-error=pass"),
        FAULT_STRIP("mode=correct;test.fault=throw;on-error=strip"),
        /** the judge runs out of memory on every response (an OutOfMemoryError thrown where it allocates). */
        FAULT_OOM_PASS("mode=correct;test.fault=oom;on-error=pass"),
        FAULT_OOM_STRIP("mode=correct;test.fault=oom;on-error=strip"),
        /** the judge takes 50 ms per response, then decides as CORRECT does. */
        FAULT_SLOW("mode=correct;test.fault=slow;on-error=strip;grant-credentials=true;exposed-headers=X-Request-Id");

        final String agentArgs;

        Setup(String agentArgs) {
            this.agentArgs = agentArgs;
        }
    }

    /** Settings every agent-run shares: the demo allowlist, JSON reports on stderr, every violation logged. */
    static final String COMMON = "allowed-origins=https://app.example.com,http://localhost:8082,https://*.partner.example"
        + ";log.format=json;report.dedupe-window=0;reload.interval=0";

    /**
     * Which application: the demo jar (Tomcat 11 jakarta + Netty 4.2), the legacy fixture (Tomcat 9
     * javax + Netty 4.1), or a fixture app on another container (servlet port only), each started
     * from a class path of its own since container versions cannot share one.
     */
    public enum App {
        DEMO, LEGACY,
        /** it-tests/spring-boot-app: the Boot fat jar (nested-jar class loader), embedded Tomcat 10.1. */
        SPRING_BOOT,
        /** it-tests/spring-boot27-app: the Boot 2.7 (javax) twin, embedded Tomcat 9.0. */
        SPRING_BOOT27,
        /** it-tests/jakarta-containers-app on Jetty 12.1 ee10 (plus a CrossOriginHandler at /xo): judged by the Jetty 12 commit hook. */
        JETTY12,
        /** the same fixture on Undertow 2.3 servlet (plus a plain handler at /handler): judged by the Undertow commit hook. */
        UNDERTOW,
        /** it-tests/javax-containers-app on Jetty 9.4 (javax.servlet 3.1, plus a plain handler at /handler): judged by the Jetty 9.4/10 commit hook. */
        JETTY94,
        /** it-tests/tomcat101-app: the jakarta-containers-app servlets on a plain embedded Tomcat 10.1: judged by the Tomcat commit hook. */
        TOMCAT101,
        /** the same fixture classes on Jetty 10 (javax.servlet 4.0), from it-tests/jetty10-app/target/lib: judged by the Jetty 9.4/10 commit hook. */
        JETTY10,
        /** fixtures.FuzzEchoServers: Tomcat 9 and Netty 4.1 answering with the lines each request asks for (wire fuzzing). */
        FUZZ_ECHO,
        /** fixtures.TomcatCorsFilterServer on the demo jar's Tomcat 11 (jakarta): Tomcat's CorsFilter at /cf. */
        TOMCAT11_CORS_FILTER
    }

    /** it-tests/jakarta-containers-app/target: classes/ and lib/ (its dependency set). */
    static final java.nio.file.Path JAKARTA_CONTAINERS = java.nio.file.Paths.get(
        System.getProperty("corsguard.jakarta.containers", "jakarta-containers-app/target")).toAbsolutePath();

    /** it-tests/javax-containers-app/target. */
    static final java.nio.file.Path JAVAX_CONTAINERS = java.nio.file.Paths.get(
        System.getProperty("corsguard.javax.containers", "javax-containers-app/target")).toAbsolutePath();

    /** it-tests/jetty10-app/target: lib/ holds the javax fixture's jar and Jetty 10. */
    static final java.nio.file.Path JETTY10_CONTAINERS = java.nio.file.Paths.get(
        System.getProperty("corsguard.jetty10.containers", "jetty10-app/target")).toAbsolutePath();

    /** it-tests/tomcat101-app/target: classes/ and lib/ (Tomcat 10.1 and the jakarta fixture servlets). */
    static final java.nio.file.Path TOMCAT101_CONTAINERS = java.nio.file.Paths.get(
        System.getProperty("corsguard.tomcat101.containers", "tomcat101-app/target")).toAbsolutePath();

    static String fixtureClasspath(java.nio.file.Path target) {
        return target.resolve("classes") + java.io.File.pathSeparator + target.resolve("lib") + java.io.File.separator + "*";
    }

    /** The fat jar it-tests/spring-boot-app builds. */
    static final java.nio.file.Path SPRING_BOOT_JAR = java.nio.file.Paths.get(
        System.getProperty("corsguard.spring.jar", "spring-boot-app/target/spring-cors-app.jar")).toAbsolutePath();

    /** The fat jar it-tests/spring-boot27-app builds. */
    static final java.nio.file.Path SPRING_BOOT27_JAR = java.nio.file.Paths.get(
        System.getProperty("corsguard.spring27.jar", "spring-boot27-app/target/spring27-cors-app.jar")).toAbsolutePath();

    private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static final Pattern READY = Pattern.compile("READY servlet=(\\d+)(?: netty=(\\d+))?");

    private DemoServers() {
    }

    /** One running demo: its ports and its output. */
    public static final class Running implements ExtensionContext.Store.CloseableResource {
        public final ChildJvm jvm;
        public final int servletPort;
        public final int nettyPort;

        Running(ChildJvm jvm, int servletPort, int nettyPort) {
            this.jvm = jvm;
            this.servletPort = servletPort;
            this.nettyPort = nettyPort;
        }

        public int port(String server) {
            return server.equals("netty") ? nettyPort : servletPort;
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

    public static Running get(Setup setup) {
        return get(App.DEMO, setup);
    }

    /**
     * The running server for app and setup, started on first use. Locked per app and setup, so
     * a test may start several at once from threads of its own.
     */
    public static Running get(App app, Setup setup) {
        String key = app + "/" + setup;
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            return getLocked(app, setup, key);
        }
    }

    private static Running getLocked(App app, Setup setup, String key) {
        Running r = RUNNING.get(key);
        if (r != null && r.jvm.alive()) {
            return r;
        }
        try {
            List<String> jvmArgs = new ArrayList<>();
            if (setup.agentArgs != null) {
                jvmArgs.add(ChildJvm.javaagent(setup.agentArgs + ";" + COMMON));
            }
            ChildJvm jvm;
            switch (app) {
                case DEMO:
                    jvm = ChildJvm.startJar(jvmArgs, ChildJvm.DEMO_JAR, "--serve", "--servlet-port", "0", "--netty-port", "0");
                    break;
                case LEGACY:
                    jvm = ChildJvm.start(jvmArgs, ChildJvm.testClasspath(), "io.corsguard.it.fixtures.LegacyServers");
                    break;
                case SPRING_BOOT:
                    jvm = ChildJvm.startJar(jvmArgs, SPRING_BOOT_JAR);
                    break;
                case SPRING_BOOT27:
                    jvm = ChildJvm.startJar(jvmArgs, SPRING_BOOT27_JAR);
                    break;
                case JETTY12:
                    jvm = ChildJvm.start(jvmArgs, fixtureClasspath(JAKARTA_CONTAINERS), "io.corsguard.it.containers.Jetty12DemoServer");
                    break;
                case UNDERTOW:
                    jvm = ChildJvm.start(jvmArgs, fixtureClasspath(JAKARTA_CONTAINERS), "io.corsguard.it.containers.UndertowDemoServer");
                    break;
                case JETTY94:
                    jvm = ChildJvm.start(jvmArgs, fixtureClasspath(JAVAX_CONTAINERS), "io.corsguard.it.containers.Jetty94DemoServer");
                    break;
                case FUZZ_ECHO:
                    jvm = ChildJvm.start(jvmArgs, ChildJvm.testClasspath(), "io.corsguard.it.fixtures.FuzzEchoServers");
                    break;
                case TOMCAT11_CORS_FILTER:
                    // the demo jar's Tomcat 11, and the fixture from the test classes (it uses no servlet API type)
                    jvm = ChildJvm.start(jvmArgs, ChildJvm.DEMO_JAR + java.io.File.pathSeparator + ChildJvm.IT_DIR.resolve("test-classes"),
                        "io.corsguard.it.fixtures.TomcatCorsFilterServer");
                    break;
                case TOMCAT101:
                    jvm = ChildJvm.start(jvmArgs, fixtureClasspath(TOMCAT101_CONTAINERS), "io.corsguard.it.containers.Tomcat101DemoServer");
                    break;
                case JETTY10:
                    jvm = ChildJvm.start(jvmArgs, fixtureClasspath(JETTY10_CONTAINERS), "io.corsguard.it.containers.Jetty94DemoServer");
                    break;
                default:
                    throw new IllegalArgumentException(app.toString());
            }
            // generous: only a failing start waits that long, and three Boot JVMs starting at once
            // on a loaded two-core machine took over 90 s
            String line = jvm.awaitLine(l -> READY.matcher(l).find(), Duration.ofSeconds(180));
            Matcher m = READY.matcher(line);
            m.find();
            r = new Running(jvm, Integer.parseInt(m.group(1)), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
            warmUp(r.servletPort);
            RUNNING.put(key, r);
            return r;
        } catch (Exception e) {
            throw new AssertionError("cannot start " + app + " for " + setup, e);
        }
    }

    /**
     * One judged request before the measured ones: a fresh agent JVM's first report loads the
     * report machinery, which on a loaded 2-core machine has outlasted the client's 10 s read
     * timeout. Retried once; its report line ({@code reports}: the request causes one) is waited
     * for, so it cannot count for the next request.
     */
    public static void warmUp(Running r, boolean reports, String path, String origin) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                Exchange.send(r, "servlet", reports ? 1 : 0, "GET", path,
                    "Origin: " + origin, "Cookie: session=demo");
                return;
            } catch (java.io.IOException e) {
                if (attempt > 0) {
                    throw e;
                }
                ChildJvm.sleep(5_000);
            }
        }
    }

    /** Stops the JVMs of {@code app} (every setup): for heavy fixtures that one test class alone uses. */
    public static void stop(App app) {
        for (Setup setup : Setup.values()) {
            String key = app + "/" + setup;
            synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
                Running r = RUNNING.remove(key);
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    /**
     * Waits for every one of the futures before failing with the first failure: a task still
     * sending to a shared JVM after its class failed would put report lines into the next class's
     * exchanges with that JVM.
     */
    public static void awaitAll(List<? extends java.util.concurrent.Future<?>> futures) throws Exception {
        Exception first = null;
        for (java.util.concurrent.Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * One request without {@code Origin} (so no report line) and with a long timeout: the first
     * request loads, and the agent weaves, most of the server's request path, which on a loaded
     * two-core machine took longer than a test request's 10 s socket timeout.
     */
    static void warmUp(int port) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            s.getOutputStream().write("GET /warm-up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            java.io.InputStream in = s.getInputStream();
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // the answer (often 404) does not matter: only that the server has served a request
            }
        }
    }

    /** Registers the shared JVMs with the root context so they are killed when the whole run ends. */
    public static final class Lifecycle implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("corsguard-demo-servers", k -> (ExtensionContext.Store.CloseableResource) () -> {
                    for (Running r : RUNNING.values()) {
                        r.close();
                    }
                    RUNNING.clear();
                });
        }
    }
}
