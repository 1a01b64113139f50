package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.it.DemoServers.App;
import io.corsguard.it.DemoServers.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Spring Boot 3 MVC app (it-tests/spring-boot-app) run as its fat jar with {@code -javaagent}:
 * Tomcat's classes come from the nested-jar class loader, judged by the Tomcat commit hook. The
 * app's {@code WebMvcConfigurer} says {@code allowedOriginPatterns("*")} + {@code allowCredentials(true)}
 * (Spring reflects every origin with credentials: CG003), and its Security chain has no
 * {@code cors()}, so a preflight to {@code /secure/**} is answered 401 (CG012). One child JVM per
 * mode (no agent, monitor, correct), shared by the tests. {@link SpringBoot27MvcTest} runs the same
 * tests on the Boot 2.7 (javax) twin.
 */
@ExtendWith(DemoServers.Lifecycle.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootMvcTest {
    static final String T = CorsRulesTest.T;
    static final String U = CorsRulesTest.U;
    static final String[] VARY = {"Vary: Origin", "Vary: Access-Control-Request-Method", "Vary: Access-Control-Request-Headers"};

    /** The fixture under test. */
    App app() {
        return App.SPRING_BOOT;
    }

    /** Starts the three Boot JVMs at once (each takes seconds to start). */
    @BeforeAll
    void startAllModes() throws Exception {
        List<Thread> starting = new ArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        for (Setup setup : List.of(Setup.NO_AGENT, Setup.MONITOR, Setup.CORRECT)) {
            Thread t = new Thread(() -> {
                try {
                    DemoServers.get(app(), setup);
                } catch (Throwable e) {
                    failed.add(e);
                }
            }, "start-spring-boot-" + setup);
            t.start();
            starting.add(t);
        }
        for (Thread t : starting) {
            t.join();
        }
        if (!failed.isEmpty()) {
            throw new AssertionError("cannot start the Spring Boot app", failed.get(0));
        }
    }

    /** The Boot JVMs are the heaviest fixtures and no other class uses them: gone before the next class starts its own. */
    @AfterAll
    void stopAllModes() {
        DemoServers.stop(app());
    }

    static String[] get(String origin) {
        return new String[] {"Origin: " + origin, "Cookie: JSESSIONID=demo"};
    }

    static String[] preflight(String origin) {
        return new String[] {"Origin: " + origin, "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type,x-token"};
    }

    /** What Spring writes for a reflected origin on a GET, in wire order. */
    static List<String> reflected(String origin, boolean credentials) {
        return credentials
            ? List.of(VARY[0], VARY[1], VARY[2], "Access-Control-Allow-Origin: " + origin, "Access-Control-Allow-Credentials: true")
            : List.of(VARY[0], VARY[1], VARY[2], "Access-Control-Allow-Origin: " + origin);
    }

    static List<String> preflightLines(String origin, boolean credentials) {
        return credentials
            ? List.of(VARY[0], VARY[1], VARY[2], "Access-Control-Allow-Origin: " + origin, "Access-Control-Allow-Methods: GET,PUT,POST",
                "Access-Control-Allow-Headers: content-type, x-token", "Access-Control-Allow-Credentials: true", "Access-Control-Max-Age: 1800")
            : List.of(VARY[0], VARY[1], VARY[2], "Access-Control-Allow-Origin: " + origin, "Access-Control-Allow-Methods: GET,PUT,POST",
                "Access-Control-Allow-Headers: content-type, x-token", "Access-Control-Max-Age: 1800");
    }

    Exchange send(Setup setup, int expectedReports, String method, String path, String... headers) throws Exception {
        return Exchange.send(DemoServers.get(app(), setup), "servlet", expectedReports, method, path, headers);
    }

    @Test
    void withoutTheAgentSpringReflectsAnUntrustedOriginWithCredentials() throws Exception {
        Exchange x = send(Setup.NO_AGENT, 0, "GET", "/api/data", get(U));
        assertEquals(200, x.head.status());
        assertEquals(reflected(U, true), x.corsLines(), "the origin-reflection hole, as Spring writes it");
        assertEquals(List.of(), x.reportLines);
        Exchange p = send(Setup.NO_AGENT, 0, "OPTIONS", "/secure/data", preflight(T));
        assertEquals(401, p.head.status(), "Spring Security answers the preflight before MVC's CORS handling");
        assertEquals(List.of(), p.reportLines);
    }

    @Test
    void monitorModeSendsSpringsBytesAndReportsCG003() throws Exception {
        Exchange x = send(Setup.MONITOR, 1, "GET", "/api/data", get(U));
        assertEquals(reflected(U, true), x.corsLines(), "monitor mode must not change a byte");
        assertEquals(List.of("CG003:strip-credentials"), x.rulesAndActions(), "report lines: " + x.reportLines);
        Json.assertReportLine(x.reportLines.get(0), "monitor", "servlet", "GET", "/api/data", U);

        Exchange p = send(Setup.MONITOR, 1, "OPTIONS", "/api/data", preflight(U));
        assertEquals(preflightLines(U, true), p.corsLines());
        assertEquals(List.of("CG003:strip-credentials"), p.rulesAndActions(), "report lines: " + p.reportLines);
        Json.assertReportLine(p.reportLines.get(0), "monitor", "servlet", "OPTIONS", "/api/data", U);
    }

    @Test
    void correctModeStripsCredentialsForAnUntrustedOrigin() throws Exception {
        Exchange x = send(Setup.CORRECT, 1, "GET", "/api/data", get(U));
        assertEquals(200, x.head.status());
        assertEquals(reflected(U, false), x.corsLines(), "ACAC removed, the rest as Spring wrote it");
        assertEquals(List.of("CG003:strip-credentials"), x.rulesAndActions(), "report lines: " + x.reportLines);
        Json.assertReportLine(x.reportLines.get(0), "correct", "servlet", "GET", "/api/data", U);

        Exchange p = send(Setup.CORRECT, 1, "OPTIONS", "/api/data", preflight(U));
        assertEquals(preflightLines(U, false), p.corsLines());
        assertEquals(List.of("CG003:strip-credentials"), p.rulesAndActions(), "report lines: " + p.reportLines);
    }

    @Test
    void aTrustedOriginKeepsItsCredentialsUnreported() throws Exception {
        for (Setup setup : List.of(Setup.MONITOR, Setup.CORRECT)) {
            Exchange x = send(setup, 0, "GET", "/api/data", get(T));
            assertEquals(reflected(T, true), x.corsLines(), setup.toString());
            assertEquals(List.of(), x.reportLines, setup.toString());
        }
    }

    /**
     * The app's own logging (Boot's logback from the nested jar, its {@code logging.pattern.console})
     * is untouched by the agent: the same lines in the same format as without the agent, on stdout,
     * and no agent line among them (the agent's reports go to stderr through its shaded logback).
     */
    @Test
    void theBootAppsOwnLoggingIsUntouched() throws Exception {
        List<List<String>> appLines = new ArrayList<>();
        for (Setup setup : List.of(Setup.NO_AGENT, Setup.CORRECT)) {
            DemoServers.Running r = DemoServers.get(app(), setup);
            send(setup, setup == Setup.NO_AGENT ? 0 : 1, "GET", "/api/data", get(U));
            String main = app() == App.SPRING_BOOT27 ? "SpringCorsApp27" : "SpringCorsApp";
            String mine = "BOOTLOG INFO " + main + "$Api - data for origin " + U;
            r.jvm.awaitLine(mine::equals, java.time.Duration.ofSeconds(10));
            String started = r.jvm.awaitLine(l -> l.startsWith("BOOTLOG INFO " + main + " - Started " + main + " in "),
                java.time.Duration.ofSeconds(10));
            String logback = r.jvm.awaitLine(l -> l.startsWith("logback from "), java.time.Duration.ofSeconds(10));
            // Boot 3.5 bundles logback 1.5, Boot 2.7 logback 1.2
            String bundled = app() == App.SPRING_BOOT27 ? "BOOT-INF/lib/logback-classic-1.2." : "BOOT-INF/lib/logback-classic-1.5.";
            assertTrue(logback.contains(bundled), "Boot's own logback, from the nested jar: " + logback);
            appLines.add(List.of(mine, started.replaceAll("[0-9.]+ seconds.*", ""), logback));
            for (String l : r.jvm.stdout()) {
                assertTrue(!HostileAppsTest.agentLine(l), setup + ": agent line in the app's log: " + l);
            }
            assertTrue(r.jvm.stderr().stream().noneMatch(l -> l.startsWith("BOOTLOG")), setup + ": " + r.jvm.describe());
        }
        assertEquals(appLines.get(0), appLines.get(1), "the app's lines with and without the agent");
    }

    @Test
    void aPreflightAnsweredBySpringSecurityWith401IsReportedAsCG012() throws Exception {
        for (Setup setup : List.of(Setup.MONITOR, Setup.CORRECT)) {
            Exchange p = send(setup, 1, "OPTIONS", "/secure/data", preflight(T));
            assertEquals(401, p.head.status(), setup.toString());
            assertEquals(List.of("CG012:reported"), p.rulesAndActions(), setup + " report lines: " + p.reportLines);
            Json.assertReportLine(p.reportLines.get(0), setup.toString().toLowerCase(), "servlet", "OPTIONS", "/secure/data", T);
        }
    }

    /** The fixture's fat jar. */
    java.nio.file.Path jar() {
        return app() == App.SPRING_BOOT ? DemoServers.SPRING_BOOT_JAR : DemoServers.SPRING_BOOT27_JAR;
    }

    /**
     * Spring's filters and servlets are held back while Tomcat's commit hook judges (they would
     * only stand back). When the hook fails to weave ({@code test.fault=weave-hook}) at the first
     * request, they are woven before that request goes on, with Tomcat's responses, so the
     * generic layer judges the very first response from the outermost filter.
     */
    @Test
    void whenTheCommitHookFailsSpringsHeldBackFiltersAreWovenBeforeTheFirstResponse() throws Exception {
        try (ChildJvm jvm = ChildJvm.startJar(List.of(ChildJvm.javaagent(
                DemoServers.COMMON + ";mode=correct;log.level=debug;test.fault=weave-hook")), jar(), "--server.port=0")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("READY servlet=(\\d+)").matcher(
                jvm.awaitLine(l -> l.startsWith("READY"), java.time.Duration.ofSeconds(180)));
            assertTrue(m.find(), jvm.describe());
            List<String> before = jvm.stderr();
            assertTrue(before.stream().anyMatch(l -> l.contains("held back org.springframework.web.filter.OncePerRequestFilter: every "
                + "container its class loader sees has its responses judged by a commit hook (tomcat-commit-hook)")), jvm.describe());
            assertTrue(before.stream().noneMatch(l -> l.contains("instrumented org.springframework.")), jvm.describe());

            Exchange x = Exchange.send(jvm, Integer.parseInt(m.group(1)), 1, "GET", "/api/data", get(U));
            assertEquals(200, x.head.status(), jvm.describe());
            assertEquals(reflected(U, false), x.corsLines(), "stripped by the generic layer on the first response\n" + jvm.describe());
            assertEquals(List.of("CG003:strip-credentials"), x.rulesAndActions(), "report lines: " + x.reportLines);
            Json.assertReportLine(x.reportLines.get(0), "correct", "servlet", "GET", "/api/data", U);
            List<String> err = jvm.stderr();
            assertTrue(err.stream().anyMatch(l -> l.contains("generic servlet layer woven into ")
                && l.contains("held back: the tomcat-commit-hook is not woven into org.apache.coyote.http11.Http11Processor")), jvm.describe());
            assertTrue(err.stream().anyMatch(l -> l.contains("instrumented org.springframework.web.filter.OncePerRequestFilter")),
                jvm.describe());
        }
    }
}
