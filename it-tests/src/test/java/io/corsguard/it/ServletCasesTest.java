package io.corsguard.it;

import static io.corsguard.it.CorsRulesTest.ACAC_TRUE;
import static io.corsguard.it.CorsRulesTest.ACAO;
import static io.corsguard.it.CorsRulesTest.T;
import static io.corsguard.it.CorsRulesTest.U;
import static io.corsguard.it.CorsRulesTest.VARY_ORIGIN;
import static io.corsguard.it.CorsRulesTest.normalised;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.demo.RawHttp;
import io.corsguard.it.DemoServers.App;
import io.corsguard.it.DemoServers.Running;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How an app writes CORS lines besides a plain addHeader in service(), on Jetty 12, Undertow 2.3
 * and Jetty 9.4 (each by its commit hook, and by the generic layer with the hook switched off): async responses written from another thread after service() returned, writes
 * through an HttpServletResponseWrapper, sendError, an exception mapped to an error page, reset()
 * then new lines, setHeader(name, null), lower-case names (the jakarta-containers-app's
 * JakartaCaseServlets and its javax twin). Each is judged once: exactly the expected report lines,
 * monitor sends the container's own bytes (the same container without the agent is the control),
 * correct sends the corrected lines.
 */
@ExtendWith(DemoServers.Lifecycle.class)
class ServletCasesTest {

    /** One request to /case/*, what the app (with its container) sends, and what the agent makes of it. */
    record Case(String path, String origin, int status, List<String> asWritten, List<String> rules, List<String> corrected) {
        @Override
        public String toString() {
            return path + " from " + origin;
        }
    }

    static final String REFLECTED = ACAO + U;
    static final List<String> REFLECT = List.of(REFLECTED, ACAC_TRUE, VARY_ORIGIN);
    static final List<String> STRIPPED = List.of(REFLECTED, VARY_ORIGIN);
    static final List<String> CG003 = List.of("CG003:strip-credentials");

    static List<Case> cases() {
        return List.of(
            new Case("/case/async", U, 200, REFLECT, CG003, STRIPPED),
            new Case("/case/wrapped", U, 200, REFLECT, CG003, STRIPPED),
            new Case("/case/lower", U, 200, List.of("access-control-allow-origin: " + U, "access-control-allow-credentials: true", "vary: Origin"),
                CG003, STRIPPED),
            // the lines before reset() do not count: CG002 on the lines written after it, no CG003
            new Case("/case/reset", U, 200, List.of(ACAO + "*", ACAC_TRUE), List.of("CG002:strip-credentials"), List.of(ACAO + "*")),
            // setHeader(name, null) removed ACAC and Vary: ACAO alone is left
            new Case("/case/null", U, 200, List.of(REFLECTED), List.of("CG007:add-vary"), STRIPPED),
            new Case("/case/throw", U, 500, REFLECT, CG003, STRIPPED),
            new Case("/case/send-error", U, 403, REFLECT, CG003, STRIPPED));
    }

    record Target(App app, Setup setup) {
        @Override
        public String toString() {
            return app + " " + setup;
        }

        boolean generic() {
            return setup == Setup.MONITOR_GENERIC || setup == Setup.CORRECT_GENERIC;
        }

        boolean monitor() {
            return setup == Setup.MONITOR || setup == Setup.MONITOR_GENERIC;
        }
    }

    static final List<App> APPS = List.of(App.JETTY12, App.UNDERTOW, App.JETTY94, App.JETTY10, App.TOMCAT101);
    /** Run through their commit hook only: the generic layer alone is covered on the other three. */
    static final List<App> HOOK_ONLY = List.of(App.JETTY10, App.TOMCAT101);

    static List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (App app : APPS) {
            for (Setup setup : HOOK_ONLY.contains(app) ? List.of(Setup.MONITOR, Setup.CORRECT)
                : List.of(Setup.MONITOR, Setup.CORRECT, Setup.MONITOR_GENERIC, Setup.CORRECT_GENERIC)) {
                out.add(new Target(app, setup));
            }
        }
        return out;
    }

    static final String NULL_CASE = "/case/null";

    /**
     * Tomcat 10.1 (Servlet 6.0) ignores {@code setHeader(name, null)} (Tomcat 11, Jetty and Undertow
     * remove the header): the lines the app wrote before stay, and are judged as such.
     */
    static boolean ignoresSetHeaderNull(App app) {
        return app == App.TOMCAT101;
    }

    /** Jetty's sendError (9.4, 10 and 12) drops the app's {@code Vary}; Undertow and Tomcat keep it. */
    static boolean sendErrorDropsVary(App app) {
        return app == App.JETTY12 || app == App.JETTY94 || app == App.JETTY10;
    }

    private static final Map<List<Object>, Exchange> SENT = new ConcurrentHashMap<>();

    static String[] headers(Case c) {
        return new String[] {"Origin: " + c.origin(), "Cookie: session=demo"};
    }

    /** Every case to every container without the agent and in each setup, three JVMs at a time (requests to one JVM in sequence). */
    @BeforeAll
    static void sendEveryCase() throws Exception {
        List<Target> all = new ArrayList<>();
        for (App app : APPS) {
            all.add(new Target(app, Setup.NO_AGENT));
        }
        all.addAll(targets());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Target t : all) {
                done.add(pool.submit(() -> {
                    Running server = DemoServers.get(t.app(), t.setup());
                    DemoServers.warmUp(server, t.setup() != Setup.NO_AGENT, "/case/wrapped", U);
                    for (Case c : cases()) {
                        try {
                            SENT.put(List.of(t, c), Exchange.send(server, "servlet", t.setup() == Setup.NO_AGENT ? 0 : rules(t, c).size(),
                                "GET", c.path(), headers(c)));
                        } catch (Exception e) {
                            throw new AssertionError(t + ": " + c + "\n" + server.jvm.describe(), e);
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

    static final String SEND_ERROR = "/case/send-error";

    /** Jetty's sendError (9.4 and 12) keeps the app's ACAO and ACAC but drops its {@code Vary}; Undertow keeps all three. */
    static List<String> asWritten(App app, Case c) {
        if (c.path().equals(NULL_CASE) && ignoresSetHeaderNull(app)) {
            return REFLECT;
        }
        return c.path().equals(SEND_ERROR) && sendErrorDropsVary(app) ? List.of(REFLECTED, ACAC_TRUE) : c.asWritten();
    }

    /**
     * On Jetty the commit hook sees the lines sendError left (CG007 too); the generic layer judges
     * at sendError(), before Jetty drops {@code Vary}: CG003 only.
     */
    static List<String> rules(Target t, Case c) {
        if (c.path().equals(NULL_CASE) && ignoresSetHeaderNull(t.app())) {
            return CG003;
        }
        return c.path().equals(SEND_ERROR) && sendErrorDropsVary(t.app()) && !t.generic() ? List.of("CG003:strip-credentials", "CG007:add-vary") : c.rules();
    }

    /**
     * The generic layer's corrections on Jetty are made at sendError(), and Jetty's error handling
     * then drops {@code Vary} (a documented limit: the container changes the head after the last
     * point the layer sees); the credentials are gone all the same.
     */
    static List<String> corrected(Target t, Case c) {
        return c.path().equals(SEND_ERROR) && sendErrorDropsVary(t.app()) && t.generic() ? List.of(REFLECTED) : c.corrected();
    }

    /**
     * An error page's response is reported with the error page's path where the request is seen
     * through the error dispatch: the generic layer (the servlet API's request URI on an ERROR
     * dispatch), Undertow, which rewrites the exchange's URI for it, and Jetty 9.4/10, whose
     * {@code Request} carries the dispatch's URI while the error page writes the response. Jetty
     * 12's hook reads the core request, which keeps the path the client sent.
     */
    static String reportedPath(Target t, Case c) {
        return c.path().equals("/case/throw") && (t.generic() || t.app() == App.UNDERTOW || t.app() == App.JETTY94 || t.app() == App.JETTY10) ? "/case/oops" : c.path();
    }

    static Stream<Arguments> targetsAndCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : targets()) {
            for (Case c : cases()) {
                out.add(Arguments.of(t, c));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> appsAndCases() {
        List<Arguments> out = new ArrayList<>();
        for (App app : APPS) {
            for (Case c : cases()) {
                out.add(Arguments.of(app, c));
            }
        }
        return out.stream();
    }

    static final String STATE = "io.corsguard.servlet.GenericServletLayer$State";
    static final String FACTS = "io.corsguard.bootstrap.CapturedRequest";

    static Stream<Target> correctTargets() {
        return targets().stream().filter(t -> !t.monitor());
    }

    /**
     * No per-request state is left after many async responses: 500 async requests from a trusted
     * origin (right lines, so nothing is reported), 8 at a time, then the live instances of the
     * generic layer's per-response state and of the request facts in the child's heap
     * ({@code jcmd GC.class_histogram}, after a full GC) must be 0. One async response held open
     * meanwhile shows the count sees the state: the generic layer keeps exactly one for it until it
     * completes; a commit hook keeps none (it reads the request facts at commit).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("correctTargets")
    void asyncResponsesLeaveNoPerRequestState(Target t) throws Exception {
        Running server = DemoServers.get(t.app(), t.setup());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Future<RawHttp.Head> held = pool.submit(() -> RawHttp.send("127.0.0.1", server.servletPort, "GET", "/case/hold", "Origin: " + T));
            List<Future<RawHttp.Head>> burst = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                burst.add(pool.submit(() -> RawHttp.send("127.0.0.1", server.servletPort, "GET", "/case/async", "Origin: " + T, "Cookie: s=1")));
            }
            for (Future<RawHttp.Head> f : burst) {
                RawHttp.Head h = f.get();
                assertEquals(200, h.status(), h.lines.toString());
                assertEquals(List.of(T), h.values("Access-Control-Allow-Origin"), h.lines.toString());
            }
            assertEquals(t.generic() ? 1 : 0, NettyFamilyTest.liveInstances(server.jvm, STATE), "state while one async response is held open");
            assertEquals(200, RawHttp.send("127.0.0.1", server.servletPort, "GET", "/case/release").status());
            assertEquals(200, held.get().status());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, NettyFamilyTest.liveInstances(server.jvm, STATE), "per-response state after completion");
        // one is the static CapturedRequest.NO_ORIGIN
        assertTrue(NettyFamilyTest.liveInstances(server.jvm, FACTS) <= 1, "request facts after completion");
    }

    @ParameterizedTest(name = "{0} without the agent: {1}")
    @MethodSource("appsAndCases")
    void withoutTheAgentTheContainerSendsTheLinesAsWritten(App app, Case c) {
        Exchange x = SENT.get(List.of(new Target(app, Setup.NO_AGENT), c));
        assertEquals(c.status(), x.head.status(), x.head.lines.toString());
        assertEquals(normalised(asWritten(app, c)), normalised(x.corsLines()), "raw: " + x.corsLines());
        assertEquals(List.of(), x.reportLines);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("targetsAndCases")
    void eachResponseIsJudgedOnceAndCorrectedOnTheWire(Target t, Case c) {
        Exchange x = SENT.get(List.of(t, c));
        Exchange control = SENT.get(List.of(new Target(t.app(), Setup.NO_AGENT), c));
        assertEquals(c.status(), x.head.status(), x.head.lines.toString());
        if (t.monitor()) {
            assertEquals(control.corsLines(), x.corsLines(), "monitor mode must not change a byte");
        } else {
            assertEquals(normalised(corrected(t, c)), normalised(x.corsLines()), "corrected lines on the wire; raw: " + x.corsLines());
        }
        assertEquals(rules(t, c), x.rulesAndActions(), "one decision, its report lines: " + x.reportLines);
        for (String line : x.reportLines) {
            Json.assertReportLine(line, t.monitor() ? "monitor" : "correct", "servlet", "GET", reportedPath(t, c), c.origin());
        }
    }
}
