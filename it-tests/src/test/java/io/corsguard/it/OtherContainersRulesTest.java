package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corsguard.it.CorsRulesTest.Case;
import io.corsguard.it.DemoServers.App;
import io.corsguard.it.DemoServers.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CorsRulesTest's table on servlet containers other than Tomcat, each started from a class path
 * of its own (it-tests/*-app submodules) with {@code -javaagent}: one child JVM per container and
 * mode (no agent, monitor, correct). Each is judged by its commit hook: Undertow's, Jetty 12's, and
 * the one of Jetty 9.4 and 10 ({@code HttpChannel.sendResponse}); Undertow, Jetty 12 and Jetty 9.4
 * once more by the generic servlet layer alone (hook switched off).
 */
@ExtendWith(DemoServers.Lifecycle.class)
class OtherContainersRulesTest {

    static final List<App> APPS = List.of(App.TOMCAT101, App.JETTY12, App.UNDERTOW, App.JETTY94, App.JETTY10);
    static final List<Setup> SETUPS = List.of(Setup.NO_AGENT, Setup.MONITOR, Setup.CORRECT);
    /** The containers with a commit hook, run again with it switched off: the generic layer judges them. */
    static final List<App> HOOKED = List.of(App.JETTY12, App.UNDERTOW, App.JETTY94);
    static final List<Setup> GENERIC = List.of(Setup.MONITOR_GENERIC, Setup.CORRECT_GENERIC);
    private static final Map<List<Object>, Exchange> SENT = new ConcurrentHashMap<>();

    /**
     * Sends every case to every container and mode before the tests assert, three child JVMs at a
     * time (requests to one JVM stay sequential, so its report lines belong to one request).
     */
    @BeforeAll
    static void sendEveryCaseToEveryServer() throws Exception {
        // three at a time: CI machines may have two cores, and nine agent JVMs warming up at once
        // slowed single responses past the socket timeout
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            List<List<Object>> runs = new ArrayList<>();
            for (App app : APPS) {
                for (Setup setup : SETUPS) {
                    runs.add(List.of(app, setup));
                }
            }
            for (App app : HOOKED) {
                for (Setup setup : GENERIC) {
                    runs.add(List.of(app, setup));
                }
            }
            for (List<Object> run : runs) {
                App app = (App) run.get(0);
                Setup setup = (Setup) run.get(1);
                done.add(pool.submit(() -> {
                    DemoServers.Running server = DemoServers.get(app, setup);
                    for (Case c : CorsRulesTest.cases()) {
                        try {
                            SENT.put(List.of(app, setup, c), Exchange.send(server, "servlet", setup == Setup.NO_AGENT ? 0 : c.rules().size(),
                                c.method(), "/api/" + c.endpoint(), c.headers()));
                        } catch (Exception e) {
                            throw new AssertionError(app + " " + setup + ": " + c + "\n" + server.jvm.describe(), e);
                        }
                    }
                    return null;
                }));
            }
            DemoServers.awaitAll(done);
        } finally {
            pool.shutdownNow();
        }
    }

    static Exchange sent(App app, Setup setup, Case c) {
        return SENT.get(List.of(app, setup, c));
    }

    static Stream<Arguments> containersAndCases() {
        List<Arguments> out = new ArrayList<>();
        for (App app : APPS) {
            for (Case c : CorsRulesTest.cases()) {
                out.add(Arguments.of(app, c));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> hookedContainersAndCases() {
        List<Arguments> out = new ArrayList<>();
        for (App app : HOOKED) {
            for (Case c : CorsRulesTest.cases()) {
                out.add(Arguments.of(app, c));
            }
        }
        return out.stream();
    }

    /** The status the demo's code answers with: the agent never changes it. */
    static int status(Case c) {
        return io.corsguard.demo.DemoEndpoints.answer(new io.corsguard.demo.DemoEndpoints.DemoRequest(c.method(), "/api/" + c.endpoint(),
            c.origin(), c.preflight() ? "PUT" : null, c.preflight() ? "content-type,x-token" : null, c.preflight() ? null : "session=demo")).status;
    }

    @ParameterizedTest(name = "{0} no agent vs monitor: {1}")
    @MethodSource("containersAndCases")
    void monitorModeSendsTheSameBytesAndReportsEachViolation(App app, Case c) throws Exception {
        Exchange m = sent(app, Setup.MONITOR, c);
        assertEquals(status(c), m.head.status(), "status");
        // Undertow's HeaderMap sends header names in its own hash order (same-name lines in write
        // order), with or without the agent: the control is the same container without the agent.
        Exchange control = sent(app, Setup.NO_AGENT, c);
        assertEquals(CorsRulesTest.normalised(CorsRulesTest.asWritten(c)), CorsRulesTest.normalised(control.corsLines()), "the app's lines without the agent");
        assertEquals(List.of(), control.reportLines);
        assertEquals(control.corsLines(), m.corsLines(), "monitor mode must not change a byte");
        assertEquals(c.rules(), m.rulesAndActions(), "report lines: " + m.reportLines);
        for (String line : m.reportLines) {
            Json.assertReportLine(line, "monitor", "servlet", c.method(), "/api/" + c.endpoint(), c.origin());
        }
    }

    @ParameterizedTest(name = "{0} correct: {1}")
    @MethodSource("containersAndCases")
    void correctModeSendsTheCorrectedLines(App app, Case c) throws Exception {
        Exchange x = sent(app, Setup.CORRECT, c);
        assertEquals(status(c), x.head.status(), "status");
        assertEquals(CorsRulesTest.normalised(c.corrected()), CorsRulesTest.normalised(x.corsLines()), "corrected lines on the wire; raw: " + x.corsLines());
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
    }

    /**
     * The generic servlet layer alone on Jetty 12, Undertow and Jetty 9.4 (commit hook off,
     * {@code test.commit-hook=false}): the same bytes as without the agent, every violation reported.
     */
    @ParameterizedTest(name = "{0} generic layer, monitor: {1}")
    @MethodSource("hookedContainersAndCases")
    void genericLayerInMonitorModeSendsTheSameBytes(App app, Case c) throws Exception {
        Exchange m = sent(app, Setup.MONITOR_GENERIC, c);
        assertEquals(status(c), m.head.status(), "status");
        assertEquals(sent(app, Setup.NO_AGENT, c).corsLines(), m.corsLines(), "monitor mode must not change a byte");
        assertEquals(c.rules(), m.rulesAndActions(), "report lines: " + m.reportLines);
        for (String line : m.reportLines) {
            Json.assertReportLine(line, "monitor", "servlet", c.method(), "/api/" + c.endpoint(), c.origin());
        }
    }

    /**
     * The generic layer alone corrects every case in full on Jetty 12, Undertow and Jetty 9.4:
     * in each {@code setHeader(name, null)} removes a line already written
     * (README-generic-layer.md, limits 1 and 9, do not apply).
     */
    @ParameterizedTest(name = "{0} generic layer, correct: {1}")
    @MethodSource("hookedContainersAndCases")
    void genericLayerCorrectsEveryCase(App app, Case c) throws Exception {
        Exchange x = sent(app, Setup.CORRECT_GENERIC, c);
        assertEquals(status(c), x.head.status(), "status");
        assertEquals(CorsRulesTest.normalised(c.corrected()), CorsRulesTest.normalised(x.corsLines()), "corrected lines on the wire; raw: " + x.corsLines());
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
    }

    /**
     * Jetty 12's commit hook ({@code ChannelResponse.lockedPrepareResponse}) judges lines written
     * below the servlet API: a {@code CrossOriginHandler} allowing every origin with credentials.
     */
    @Test
    void jetty12CommitHookJudgesABadlyConfiguredCrossOriginHandler() throws Exception {
        belowTheServletApiIsJudged(App.JETTY12, "/xo/data");
    }

    /**
     * Undertow's commit hook ({@code HttpServerExchange.startResponse()}) judges lines written
     * below the servlet API: a plain handler reflecting every origin with credentials.
     */
    @Test
    void undertowCommitHookJudgesAPlainHandler() throws Exception {
        belowTheServletApiIsJudged(App.UNDERTOW, "/handler/data");
    }

    /**
     * The Jetty 9.4/10 commit hook ({@code HttpChannel.sendResponse}) judges lines written by a
     * plain Jetty handler, with no servlet or filter on the path (the generic servlet layer never
     * sees that request), once per response: a GET, a HEAD, lines followed by {@code sendError(403)}
     * (Jetty's error page keeps ACAO and ACAC but drops the app's {@code Vary}: CG007 too, and
     * {@code Vary: Origin} added in correct mode), and lines written from another thread after an
     * async start.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("jettyJavaxHandlerPaths")
    void jettyChannelCommitHookJudgesAPlainHandler(App app, String method, String path, int status) throws Exception {
        if (status == 403) {
            belowTheServletApiIsJudged(app, method, path, status,
                List.of("Access-Control-Allow-Origin: " + CorsRulesTest.U, "Access-Control-Allow-Credentials: true"),
                List.of("CG003:strip-credentials", "CG007:add-vary"));
        } else {
            belowTheServletApiIsJudged(app, method, path, status, REFLECTED, List.of("CG003:strip-credentials"));
        }
    }

    static Stream<Arguments> jettyJavaxHandlerPaths() {
        List<Arguments> out = new ArrayList<>();
        for (App app : List.of(App.JETTY94, App.JETTY10)) {
            out.add(Arguments.of(app, "GET", "/handler/data", 200));
            out.add(Arguments.of(app, "HEAD", "/handler/data", 200));
            out.add(Arguments.of(app, "GET", "/handler/error", 403));
            out.add(Arguments.of(app, "GET", "/handler/async", 200));
        }
        return out.stream();
    }

    /** The path answers every origin with ACAO = origin, ACAC: true and Vary: Origin, below the servlet API. */
    static void belowTheServletApiIsJudged(App app, String path) throws Exception {
        belowTheServletApiIsJudged(app, "GET", path, 200, REFLECTED, List.of("CG003:strip-credentials"));
    }

    static final List<String> REFLECTED = List.of("Access-Control-Allow-Origin: " + CorsRulesTest.U,
        "Access-Control-Allow-Credentials: true", "Vary: Origin");

    /** {@code asWritten}: the CORS lines the server sends without the agent; corrected, they are ACAO and {@code Vary: Origin}. */
    static void belowTheServletApiIsJudged(App app, String method, String path, int status, List<String> asWritten,
                                           List<String> rules) throws Exception {
        String[] request = {"Origin: " + CorsRulesTest.U, "Cookie: session=demo"};
        Exchange control = Exchange.send(DemoServers.get(app, Setup.NO_AGENT), "servlet", method, path, request);
        assertEquals(CorsRulesTest.normalised(asWritten), CorsRulesTest.normalised(control.corsLines()));
        Exchange m = Exchange.send(DemoServers.get(app, Setup.MONITOR), "servlet", rules.size(), method, path, request);
        assertEquals(control.corsLines(), m.corsLines(), "monitor mode must not change a byte");
        assertEquals(rules, m.rulesAndActions(), "report lines: " + m.reportLines);
        Json.assertReportLine(m.reportLines.get(0), "monitor", "servlet", method, path, CorsRulesTest.U);
        Exchange x = Exchange.send(DemoServers.get(app, Setup.CORRECT), "servlet", rules.size(), method, path, request);
        assertEquals(status, control.head.status());
        assertEquals(status, x.head.status());
        assertEquals(CorsRulesTest.normalised(List.of("Access-Control-Allow-Origin: " + CorsRulesTest.U, "Vary: Origin")),
            CorsRulesTest.normalised(x.corsLines()), "credentials stripped; raw: " + x.corsLines());
        assertEquals(rules, x.rulesAndActions(), "report lines: " + x.reportLines);
    }
}
