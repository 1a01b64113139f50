package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.it.fixtures.PlainApp;
import io.corsguard.it.fixtures.TwoWebappsTomcat;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and odd applications (issue 10, point 5), each in a child JVM with {@code -javaagent} in
 * correct mode: the app works, its CORS is judged (report lines, the correction on the wire), and
 * its own logging is untouched (its lines in its own format, no agent line among them, its own
 * library versions). The Spring Boot fat jar is covered by {@link SpringBootMvcTest}.
 */
class HostileAppsTest {
    static final String T = "https://app.example.com";
    static final String U = "https://evil.example";
    static final String ACAC = "Access-Control-Allow-Credentials";
    static final String AGENT = "mode=correct;allowed-origins=" + T + ";log.format=json;report.dedupe-window=0;reload.interval=0";
    static final Duration START = Duration.ofSeconds(90);
    static final Pattern READY = Pattern.compile("READY servlet=(\\d+)");

    /** it-tests/hostile-app/target: classes/ and lib/ (byte-buddy 1.12.19, slf4j 1.7.36, logback 1.2.13, Tomcat 9). */
    static final Path HOSTILE = Paths.get(System.getProperty("corsguard.hostile.app", "hostile-app/target")).toAbsolutePath();

    @TempDir
    Path tmp;

    static int awaitReady(ChildJvm jvm) {
        Matcher m = READY.matcher(jvm.awaitLine(l -> READY.matcher(l).find(), START));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /**
     * The app reflects any origin with credentials: the untrusted origin loses ACAC on the wire and
     * is reported (CG003, with this path), the trusted one keeps it.
     */
    static Exchange assertJudgedAndCorrected(ChildJvm jvm, int port, String path) throws Exception {
        Exchange u = Exchange.send(jvm, port, 2, "GET", path, "Origin: " + U, "Cookie: s=1");
        assertEquals(200, u.head.status(), u.head.lines.toString());
        assertEquals(List.of(U), u.head.values("Access-Control-Allow-Origin"), u.head.lines.toString());
        assertEquals(List.of(), u.head.values(ACAC), "credentials removed for the untrusted origin: " + u.head.lines);
        assertEquals(List.of("CG003:strip-credentials", "CG007:add-vary"), u.rulesAndActions(), "report lines: " + u.reportLines);
        Json.assertReportLine(u.reportLines.get(0), "correct", "servlet", "GET", path, U);

        Exchange t = Exchange.send(jvm, port, 1, "GET", path, "Origin: " + T, "Cookie: s=1");
        assertEquals(List.of("true"), t.head.values(ACAC), "the trusted origin keeps its credentials: " + t.head.lines);
        assertEquals(List.of(T), t.head.values("Access-Control-Allow-Origin"));
        assertEquals(List.of("CG007:add-vary"), t.rulesAndActions(), "report lines: " + t.reportLines);
        return u;
    }

    /** The agent's own lines ({@code [corsguard] ...}) and report lines (text {@code CORSGUARD ...} or JSON). */
    static boolean agentLine(String l) {
        return l.contains("[corsguard]") || l.startsWith("CORSGUARD") || l.startsWith("{");
    }

    /** The app's log lines (prefix) are on stdout only; no agent line is among them. */
    static void assertLoggingUntouched(ChildJvm jvm, String appPrefix) {
        for (String l : jvm.stdout()) {
            assertTrue(!agentLine(l), "an agent line in the app's log: " + l + "\n" + jvm.describe());
        }
        assertTrue(jvm.stderr().stream().noneMatch(l -> l.contains(appPrefix)), "app lines moved to the agent's stream:\n" + jvm.describe());
        assertEquals(1, jvm.stderr().stream().filter(l -> l.startsWith("[corsguard]") && l.contains(" started: mode=correct")).count(),
            jvm.describe());
    }

    // ---------------------------------------------------------------- (a) own byte-buddy, slf4j 1.7, logback 1.2

    @Test
    void anAppBundlingItsOwnOldByteBuddySlf4jAndLogbackWorksAndKeepsItsLogging() throws Exception {
        String cp = HOSTILE.resolve("classes") + File.pathSeparator + HOSTILE.resolve("lib") + File.separator + "*";
        try (ChildJvm jvm = ChildJvm.start(List.of(ChildJvm.javaagent(AGENT)), cp, "io.corsguard.it.hostile.HostileApp")) {
            int port = awaitReady(jvm);
            Exchange u = assertJudgedAndCorrected(jvm, port, "/api/reflect");
            // the class the app generated at start-up with its own byte-buddy answers on every request
            assertEquals(List.of("generated by byte-buddy byte-buddy-1.12.19.jar"), u.head.values("X-Generated"));

            // its own versions (see it-tests/hostile-app/pom.xml), bound to its own logback, its own pattern
            assertTrue(jvm.stdout().contains("HOSTILELOG INFO [main] HostileApp - byte-buddy=byte-buddy-1.12.19.jar"
                + " slf4j=slf4j-api-1.7.36.jar logback=logback-classic-1.2.13.jar binding=ch.qos.logback.classic.LoggerContext"), jvm.describe());
            assertTrue(jvm.stdout().contains("HOSTILELOG INFO [main] HostileApp - class io.corsguard.it.hostile.Generated says:"
                + " generated by byte-buddy byte-buddy-1.12.19.jar"), jvm.describe());
            for (String origin : List.of(U, T)) {
                jvm.awaitLine(l -> l.matches("HOSTILELOG INFO \\[http-nio-[^\\]]+\\] HostileApp - request GET /api/reflect origin="
                    + Pattern.quote(origin)), Duration.ofSeconds(10));
            }
            assertLoggingUntouched(jvm, "HOSTILELOG");
        }
    }

    // ---------------------------------------------------------------- (b) security manager

    /**
     * Java 24+ cannot enable a security manager at all (JEP 486): the JVM refuses the option
     * before any agent runs. Checked, then the test is skipped with that reason.
     */
    private static void skipWhereNoSecurityManagerExists() throws Exception {
        int feature = Runtime.version().feature();
        if (feature < 24) {
            return;
        }
        try (ChildJvm jvm = ChildJvm.start(List.of("-Djava.security.manager", ChildJvm.javaagent(AGENT)), ChildJvm.testClasspath(),
                PlainApp.class.getName())) {
            assertNotEquals(0, jvm.awaitExit(START), jvm.describe());
            // the VM prints its initialisation error on stdout
            jvm.awaitLine(l -> l.contains("Enabling a Security Manager is not supported"), Duration.ofSeconds(5));
        }
        Assumptions.abort("Java " + feature + " cannot enable a security manager (JEP 486: the JVM refuses -Djava.security.manager,"
            + " checked); the security-manager cases run on Java 17");
    }

    private ChildJvm demoUnderSecurityManager(String policy) throws Exception {
        Path file = tmp.resolve("app.policy");
        Files.writeString(file, policy);
        return ChildJvm.startJar(List.of("-Djava.security.manager", "-Djava.security.policy==" + file, ChildJvm.javaagent(AGENT)),
            ChildJvm.DEMO_JAR, "--serve", "--servlet-port", "0", "--netty-port", "0");
    }

    private static int nettyPort(ChildJvm jvm) {
        Matcher m = Pattern.compile("READY servlet=\\d+ netty=(\\d+)").matcher(jvm.awaitLine(l -> l.startsWith("READY"), START));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /**
     * Two permissive policies: everything to all code, and everything to the application's jar and
     * the agent's jar only (the set-up to recommend: the agent needs its own grant).
     */
    @ParameterizedTest
    @ValueSource(strings = {"all code", "the app's and the agent's jars"})
    void underASecurityManagerWithAPermissivePolicyBothServersAreJudgedAndCorrected(String grantedTo) throws Exception {
        skipWhereNoSecurityManagerExists();
        String policy = grantedTo.equals("all code") ? "grant { permission java.security.AllPermission; };\n"
            : "grant codeBase \"file:" + ChildJvm.DEMO_JAR + "\" { permission java.security.AllPermission; };\n"
            + "grant codeBase \"file:" + ChildJvm.AGENT_JAR + "\" { permission java.security.AllPermission; };\n";
        try (ChildJvm jvm = demoUnderSecurityManager(policy)) {
            int servlet = awaitReady(jvm);
            int netty = nettyPort(jvm);
            assertTrue(jvm.stderr().stream().anyMatch(l -> l.contains("has enabled the Security Manager")), "a security manager is installed: "
                + jvm.describe());
            for (int port : new int[] {servlet, netty}) {
                String server = port == servlet ? "servlet" : "netty";
                Exchange u = Exchange.send(jvm, port, 2, "GET", "/api/reflect", "Origin: " + U, "Cookie: s=1");
                assertEquals(List.of(), u.head.values(ACAC), server + ": " + u.head.lines);
                assertEquals(List.of("CG003:strip-credentials", "CG007:add-vary"), u.rulesAndActions(), server + ": " + u.reportLines);
                Json.assertReportLine(u.reportLines.get(0), "correct", server, "GET", "/api/reflect", U);
                Exchange t = Exchange.send(jvm, port, 1, "GET", "/api/reflect", "Origin: " + T, "Cookie: s=1");
                assertEquals(List.of("true"), t.head.values(ACAC), server + ": " + t.head.lines);
            }
            // Tomcat's own (JULI) logging is still formatted by JULI, on its stream
            assertTrue(jvm.stderr().stream().anyMatch(l -> l.startsWith("INFO: Starting Servlet engine: [Apache Tomcat/")), jvm.describe());
            assertTrue(jvm.stdout().stream().noneMatch(HostileAppsTest::agentLine), jvm.describe());
        }
    }

    /**
     * A policy that grants the application's jar everything and the agent's jar nothing: the agent
     * cannot even read its own protection domain, says so in one line and stays inert; the app runs
     * as without it (the reflected credentials go out as written).
     */
    @Test
    void underASecurityManagerThatGrantsTheAgentNothingTheAgentStaysInertAndTheAppRuns() throws Exception {
        skipWhereNoSecurityManagerExists();
        try (ChildJvm jvm = demoUnderSecurityManager("grant codeBase \"file:" + ChildJvm.DEMO_JAR + "\" {\n"
                + "  permission java.security.AllPermission;\n};\n")) {
            int servlet = awaitReady(jvm);
            int netty = nettyPort(jvm);
            List<String> inert = jvm.stderr().stream().filter(l -> l.startsWith("[corsguard]")).collect(Collectors.toList());
            assertEquals(1, inert.size(), jvm.describe());
            assertTrue(inert.get(0).contains("failed to start and is inert") && inert.get(0).contains("AccessControlException"), inert.get(0));
            for (int port : new int[] {servlet, netty}) {
                Exchange u = Exchange.send(jvm, port, "GET", "/api/reflect", "Origin: " + U, "Cookie: s=1");
                assertEquals(200, u.head.status());
                assertEquals(List.of("true"), u.head.values(ACAC), "unjudged: sent as the app wrote it: " + u.head.lines);
                assertEquals(List.of(), u.reportLines);
            }
        }
    }

    // ---------------------------------------------------------------- (d) two webapps, (e) virtual threads

    private static ChildJvm twoWebapps(String... args) throws Exception {
        // the webapps log through slf4j + logback from the parent loader, with the APPLOG logback.xml
        String cp = ChildJvm.IT_DIR.resolve("test-classes/app-logging") + File.pathSeparator + ChildJvm.testClasspath();
        return ChildJvm.start(List.of(ChildJvm.javaagent(AGENT)), cp, TwoWebappsTomcat.class.getName(), args);
    }

    @Test
    void twoWebappsWithTheirOwnClassLoadersInOneTomcatAreEachJudgedUnderTheirOwnPath() throws Exception {
        try (ChildJvm jvm = twoWebapps()) {
            int port = awaitReady(jvm);
            Exchange a = assertJudgedAndCorrected(jvm, port, "/a/api/data");
            Exchange b = assertJudgedAndCorrected(jvm, port, "/b/api/data");
            assertEquals(List.of("/a"), a.head.values("X-Webapp"));
            assertEquals(List.of("/b"), b.head.values("X-Webapp"));
            String loaderA = a.head.values("X-Loader").get(0);
            String loaderB = b.head.values("X-Loader").get(0);
            assertTrue(loaderA.startsWith("ParallelWebappClassLoader@") && loaderB.startsWith("ParallelWebappClassLoader@"), loaderA + " " + loaderB);
            assertNotEquals(loaderA, loaderB, "each webapp's servlet comes from its own class loader");
            for (String app : List.of("/a", "/b")) {
                jvm.awaitLine(l -> l.equals("APPLOG INFO WebappServlet - " + app + " GET " + app + "/api/data origin=" + U + " thread=platform"),
                    Duration.ofSeconds(10));
            }
            assertLoggingUntouched(jvm, "APPLOG");
        }
    }

    @Test
    void requestsServedOnVirtualThreadsAreJudgedAndCorrected() throws Exception {
        int feature = Runtime.version().feature();
        Assumptions.assumeTrue(feature >= 21, "virtual threads need Java 21+; this JVM is Java " + feature
            + " (the java25 profile runs this test on Temurin 25)");
        try (ChildJvm jvm = twoWebapps("--virtual-threads")) {
            int port = awaitReady(jvm);
            Exchange a = assertJudgedAndCorrected(jvm, port, "/a/api/data");
            assertEquals(List.of("virtual"), a.head.values("X-Thread"), "served on a virtual thread: " + a.head.lines);
            assertJudgedAndCorrected(jvm, port, "/b/api/data");

            // a burst from several clients at once, each request on its own virtual thread
            int before = (int) jvm.stderr().stream().filter(l -> l.contains("\"rule\":\"CG003\"")).count();
            List<String> wrong = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String app = c % 2 == 0 ? "/a" : "/b";
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            var head = io.corsguard.demo.RawHttp.send("127.0.0.1", port, "GET", app + "/api/burst", "Origin: " + U, "Cookie: s=1");
                            if (head.status() != 200 || !head.values(ACAC).isEmpty() || !head.values("X-Thread").equals(List.of("virtual"))) {
                                wrong.add(head.statusLine + " " + head.lines);
                            }
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join(60_000);
            }
            assertEquals(List.of(), wrong);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (jvm.stderr().stream().filter(l -> l.contains("\"rule\":\"CG003\"")).count() < before + 40 && System.nanoTime() < end) {
                ChildJvm.sleep(20);
            }
            assertEquals(before + 40, jvm.stderr().stream().filter(l -> l.contains("\"rule\":\"CG003\"")).count(), "one CG003 per request");
            jvm.awaitLine(l -> l.equals("APPLOG INFO WebappServlet - /b GET /b/api/burst origin=" + U + " thread=virtual"), Duration.ofSeconds(10));
            assertLoggingUntouched(jvm, "APPLOG");
        }
    }
}
