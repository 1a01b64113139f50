package io.corsguard.it;

import static io.corsguard.it.CorsRulesTest.ACAC_TRUE;
import static io.corsguard.it.CorsRulesTest.ACAO;
import static io.corsguard.it.CorsRulesTest.T;
import static io.corsguard.it.CorsRulesTest.U;
import static io.corsguard.it.CorsRulesTest.normalised;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corsguard.it.DemoServers.App;
import io.corsguard.it.DemoServers.Setup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The containers' own CORS filters, configured badly, as CorsGuard sees them in monitor mode
 * (the filter's lines unchanged, reported) and correct mode (corrected on the wire):
 * Tomcat's {@code CorsFilter} on Tomcat 9 (javax) and 11 (jakarta) listing {@code null} and an
 * {@code http:} origin with credentials (fixtures.TomcatCorsFilterServer), Jetty 9.4's
 * {@code CrossOriginFilter} and Jetty 12's {@code CrossOriginHandler} allowing every origin with
 * credentials (they reflect the request's origin).
 */
@ExtendWith(DemoServers.Lifecycle.class)
class ContainerCorsFiltersTest {

    static final String HTTP_APP = "http://app.example.com";
    static final String VARY = "Vary: Origin";

    /** One request, the filter's lines as it writes them, the report and the corrected lines. */
    record Case(App app, String method, String path, String origin, int status, List<String> asWritten, List<String> rules,
                List<String> corrected) {
        @Override
        public String toString() {
            return app + " " + method + " " + path + " from " + origin;
        }

        String[] headers() {
            return method.equals("OPTIONS")
                ? new String[] {"Origin: " + origin, "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type,x-token"}
                : new String[] {"Origin: " + origin, "Cookie: session=demo"};
        }
    }

    static List<Case> tomcat(App app) {
        String p = "/cf/data.txt";
        return List.of(
            // the app's own origin: right as configured
            new Case(app, "GET", p, T, 200, List.of(VARY, ACAO + T, ACAC_TRUE), List.of(), List.of(VARY, ACAO + T, ACAC_TRUE)),
            // "null" in cors.allowed.origins: sandboxed iframes and file: pages get credentials
            new Case(app, "GET", p, "null", 200, List.of(VARY, ACAO + "null", ACAC_TRUE),
                List.of("CG003:strip-credentials", "CG004:strip-credentials"), List.of(VARY, ACAO + "null")),
            // the http: twin of the app's origin: a network attacker's page gets credentials
            new Case(app, "GET", p, HTTP_APP, 200, List.of(VARY, ACAO + HTTP_APP, ACAC_TRUE),
                List.of("CG003:strip-credentials"), List.of(VARY, ACAO + HTTP_APP)),
            // an origin not listed: CorsFilter answers 403 without CORS lines, nothing to judge
            new Case(app, "GET", p, U, 403, List.of(), List.of(), List.of()),
            // PUT and X-Token not allowed: the trusted origin's preflight is answered 403 (CG012, report only)
            new Case(app, "OPTIONS", p, T, 403, List.of(), List.of("CG012:reported"), List.of()));
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.addAll(tomcat(App.LEGACY));
        out.addAll(tomcat(App.TOMCAT11_CORS_FILTER));
        // Jetty 9.4 CrossOriginFilter, allowedOrigins=* and allowCredentials=true: it reflects every
        // origin; its preflights carry no Vary: Origin. Judged by the generic layer (a servlet filter).
        out.add(new Case(App.JETTY94, "GET", "/xo/data", U, 200, List.of(ACAO + U, VARY, ACAC_TRUE),
            List.of("CG003:strip-credentials"), List.of(ACAO + U, VARY)));
        List<String> preflight94 = List.of("Access-Control-Max-Age: 1800", "Access-Control-Allow-Methods: GET,POST,PUT",
            "Access-Control-Allow-Headers: content-type,x-token");
        out.add(new Case(App.JETTY94, "OPTIONS", "/xo/data", U, 200, plus(List.of(ACAO + U, ACAC_TRUE), preflight94),
            List.of("CG003:strip-credentials", "CG007:add-vary"), plus(List.of(ACAO + U, VARY), preflight94)));
        out.add(new Case(App.JETTY94, "OPTIONS", "/xo/data", T, 200, plus(List.of(ACAO + T, ACAC_TRUE), preflight94),
            List.of("CG007:add-vary"), plus(List.of(ACAO + T, ACAC_TRUE, VARY), preflight94)));
        // Jetty 12 CrossOriginHandler (below the servlet API, judged by the commit hook), every origin
        // with credentials; its default methods and headers do not cover a PUT with X-Token
        List<String> preflight12 = List.of(VARY, "Access-Control-Allow-Methods: GET,POST,HEAD", "Access-Control-Allow-Headers: Content-Type",
            "Access-Control-Max-Age: 60");
        out.add(new Case(App.JETTY12, "OPTIONS", "/xo/data", U, 200, plus(List.of(ACAO + U, ACAC_TRUE), preflight12),
            List.of("CG003:strip-credentials"), plus(List.of(ACAO + U), preflight12)));
        out.add(new Case(App.JETTY12, "OPTIONS", "/xo/data", T, 200, plus(List.of(ACAO + T, ACAC_TRUE), preflight12),
            List.of("CG015:reported", "CG016:reported"), plus(List.of(ACAO + T, ACAC_TRUE), preflight12)));
        return out;
    }

    static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * Jetty 12's CrossOriginHandler keeps its methods in a {@code Set.of}, whose iteration order
     * changes from JVM to JVM: the methods are compared as a sorted list.
     */
    static List<String> methodsSorted(List<String> normalised) {
        List<String> out = new ArrayList<>();
        for (String l : normalised) {
            if (l.startsWith("access-control-allow-methods: ")) {
                List<String> m = new ArrayList<>(List.of(l.substring(l.indexOf(':') + 2).split(",")));
                m.replaceAll(String::trim);
                m.sort(null);
                l = "access-control-allow-methods: " + String.join(",", m);
            }
            out.add(l);
        }
        return out;
    }

    static Stream<Arguments> casesAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : cases()) {
            out.add(Arguments.of(Setup.MONITOR, c));
            out.add(Arguments.of(Setup.CORRECT, c));
        }
        return out.stream();
    }

    private static final Map<List<Object>, Exchange> SENT = new ConcurrentHashMap<>();

    /** Every case in both modes before the tests assert, three JVMs at a time (requests to one JVM in sequence). */
    @BeforeAll
    static void sendEveryCase() throws Exception {
        Map<List<Object>, List<Case>> byServer = new LinkedHashMap<>();
        for (Case c : cases()) {
            for (Setup setup : List.of(Setup.MONITOR, Setup.CORRECT)) {
                byServer.computeIfAbsent(List.of(c.app(), setup), k -> new ArrayList<>()).add(c);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Map.Entry<List<Object>, List<Case>> e : byServer.entrySet()) {
                App app = (App) e.getKey().get(0);
                Setup setup = (Setup) e.getKey().get(1);
                done.add(pool.submit(() -> {
                    DemoServers.Running server = DemoServers.get(app, setup);
                    if (app == App.TOMCAT11_CORS_FILTER) {
                        DemoServers.warmUp(server, true, "/cf/data.txt", "null");
                    } else {
                        DemoServers.warmUp(server, true, "/api/reflect", U);
                    }
                    for (Case c : e.getValue()) {
                        SENT.put(List.of(setup, c), Exchange.send(server, "servlet", c.rules().size(), c.method(), c.path(), c.headers()));
                    }
                    return null;
                }));
            }
            DemoServers.awaitAll(done);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesAndModes")
    void theFiltersLinesAreReportedAndCorrected(Setup setup, Case c) {
        boolean monitor = setup == Setup.MONITOR;
        Exchange x = SENT.get(List.of(setup, c));
        assertEquals(c.status(), x.head.status(), x.head.lines.toString());
        assertEquals(methodsSorted(normalised(monitor ? c.asWritten() : c.corrected())), methodsSorted(normalised(x.corsLines())),
            "raw: " + x.corsLines());
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
        for (String line : x.reportLines) {
            Json.assertReportLine(line, monitor ? "monitor" : "correct", "servlet", c.method(), c.path(), c.origin());
        }
    }
}
