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
 * mode (no agent, monitor, correct). Undertow is judged by its commit hook; Jetty 12 and 9.4
 * have none yet, so the generic servlet layer judges them.
 */
@ExtendWith(DemoServers.Lifecycle.class)
class OtherContainersRulesTest {

    static final List<App> APPS = List.of(App.JETTY12, App.UNDERTOW, App.JETTY94);
    static final List<Setup> SETUPS = List.of(Setup.NO_AGENT, Setup.MONITOR, Setup.CORRECT);
    private static final Map<List<Object>, Exchange> SENT = new ConcurrentHashMap<>();

    /**
     * Sends every case to every container and mode before the tests assert: one thread per child
     * JVM (requests to one JVM stay sequential, so its report lines belong to one request), which
     * keeps the class's wall time near that of a single container.
     */
    @BeforeAll
    static void sendEveryCaseToEveryServer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(APPS.size() * SETUPS.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (App app : APPS) {
                for (Setup setup : SETUPS) {
                    done.add(pool.submit(() -> {
                        DemoServers.Running server = DemoServers.get(app, setup);
                        for (Case c : CorsRulesTest.cases()) {
                            SENT.put(List.of(app, setup, c), Exchange.send(server, "servlet", c.method(), "/api/" + c.endpoint(), c.headers()));
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : done) {
                f.get();
            }
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
     * Documented limit (README, "What the generic servlet layer cannot correct", 2): Jetty 12's
     * {@code CrossOriginHandler} writes its lines on the core response, below the servlet API, so
     * without a Jetty commit hook a badly configured one (every origin, credentials) goes out
     * unjudged even in correct mode. A Jetty 12 commit hook must turn this into CG003.
     */
    @Test
    void jetty12CrossOriginHandlerIsNotSeenByTheGenericLayer() throws Exception {
        Exchange x = Exchange.send(DemoServers.get(App.JETTY12, Setup.CORRECT), "servlet", "GET", "/xo/data",
            "Origin: " + CorsRulesTest.U, "Cookie: session=demo");
        assertEquals(200, x.head.status());
        assertEquals(List.of("Vary: Origin", "Access-Control-Allow-Origin: " + CorsRulesTest.U, "Access-Control-Allow-Credentials: true"),
            x.corsLines(), "CrossOriginHandler's lines, unjudged");
        assertEquals(List.of(), x.reportLines);
    }

    /**
     * Undertow's commit hook ({@code HttpServerExchange.startResponse()}) judges lines written
     * below the servlet API: a plain handler reflecting every origin with credentials.
     */
    @Test
    void undertowCommitHookJudgesAPlainHandler() throws Exception {
        String[] request = {"Origin: " + CorsRulesTest.U, "Cookie: session=demo"};
        List<String> asWritten = List.of("Access-Control-Allow-Origin: " + CorsRulesTest.U, "Access-Control-Allow-Credentials: true", "Vary: Origin");
        Exchange control = Exchange.send(DemoServers.get(App.UNDERTOW, Setup.NO_AGENT), "servlet", "GET", "/handler/data", request);
        assertEquals(CorsRulesTest.normalised(asWritten), CorsRulesTest.normalised(control.corsLines()));
        Exchange m = Exchange.send(DemoServers.get(App.UNDERTOW, Setup.MONITOR), "servlet", "GET", "/handler/data", request);
        assertEquals(control.corsLines(), m.corsLines(), "monitor mode must not change a byte");
        assertEquals(List.of("CG003:strip-credentials"), m.rulesAndActions(), "report lines: " + m.reportLines);
        Json.assertReportLine(m.reportLines.get(0), "monitor", "servlet", "GET", "/handler/data", CorsRulesTest.U);
        Exchange x = Exchange.send(DemoServers.get(App.UNDERTOW, Setup.CORRECT), "servlet", "GET", "/handler/data", request);
        assertEquals(200, x.head.status());
        assertEquals(CorsRulesTest.normalised(List.of("Access-Control-Allow-Origin: " + CorsRulesTest.U, "Vary: Origin")),
            CorsRulesTest.normalised(x.corsLines()), "credentials stripped; raw: " + x.corsLines());
        assertEquals(List.of("CG003:strip-credentials"), x.rulesAndActions(), "report lines: " + x.reportLines);
    }
}
