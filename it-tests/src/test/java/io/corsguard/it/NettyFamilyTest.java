package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.demo.RawHttp;
import io.corsguard.it.CorsRulesTest.Case;
import io.corsguard.it.DemoServers.Setup;
import io.corsguard.it.NettyFamilyServers.Running;
import io.corsguard.it.NettyFamilyServers.Server;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Netty-based servers people run, with the agent's Netty hooks (HttpObjectDecoder.decode /
 * HttpObjectEncoder.encode; for HTTP/2 DefaultHttp2ConnectionDecoder/Encoder) and nothing server-specific: Reactor Netty 1.2 and 1.3 used directly,
 * Vert.x 4.5 and 5.0 with headers set by hand, then the CORS handlers of the frameworks
 * (Spring WebFlux CorsWebFilter, vertx-web CorsHandler, Netty's CorsHandler) configured to trust
 * every origin with credentials. Each server runs in child JVMs without the agent, in monitor and
 * in correct mode; raw header lines and JSON report lines are asserted.
 */
class NettyFamilyTest {
    static final String T = CorsRulesTest.T;
    static final String U = CorsRulesTest.U;
    static final String N = CorsRulesTest.N;

    @AfterAll
    static void stopServers() {
        NettyFamilyServers.closeAll();
    }

    // ---------------------------------------------------------------- hand-written headers

    /** A representative part of CorsRulesTest's table: reflection, '*' + credentials, two ACAOs, preflight wildcards, right ones. */
    static final Set<String> SUBSET = Set.of("reflect", "wildcard-credentials", "duplicate-acao", "preflight-wildcards", "correct", "public");

    static Stream<Arguments> handWritten() {
        List<Arguments> out = new ArrayList<>();
        for (Server s : List.of(Server.REACTOR_NETTY_12, Server.REACTOR_NETTY_13, Server.VERTX_45, Server.VERTX_5)) {
            for (Case c : CorsRulesTest.cases()) {
                if (SUBSET.contains(c.endpoint())) {
                    out.add(Arguments.of(s, c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("handWritten")
    void withoutTheAgentTheLinesGoOutAsWritten(Server server, Case c) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.NO_AGENT);
        Exchange x = Exchange.send(r.jvm, r.port, c.method(), "/api/" + c.endpoint(), c.headers());
        assertEquals(CorsRulesTest.asWritten(c), x.corsLines(), "raw lines on the wire (" + r.jars + ")");
        assertEquals(List.of(), x.reportLines);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("handWritten")
    void monitorModeKeepsTheBytesAndReports(Server server, Case c) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.MONITOR);
        Exchange x = Exchange.send(r.jvm, r.port, c.rules().size(), c.method(), "/api/" + c.endpoint(), c.headers());
        assertEquals(CorsRulesTest.asWritten(c), x.corsLines(), "monitor mode must not change a byte (" + r.jars + ")");
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
        for (String line : x.reportLines) {
            Json.assertReportLine(line, "monitor", "netty", c.method(), "/api/" + c.endpoint(), c.origin());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("handWritten")
    void correctModeSendsTheCorrectedLines(Server server, Case c) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.CORRECT);
        Exchange x = Exchange.send(r.jvm, r.port, c.rules().size(), c.method(), "/api/" + c.endpoint(), c.headers());
        assertEquals(CorsRulesTest.normalised(c.corrected()), CorsRulesTest.normalised(x.corsLines()),
            "corrected lines on the wire; raw: " + x.corsLines() + " (" + r.jars + ")");
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
    }

    // ---------------------------------------------------------------- framework CORS handlers

    /**
     * A request to a framework's CORS handler that trusts every origin with credentials, and what
     * CorsGuard makes of it: the rules it reports, and whether correct mode removes the
     * credentials line (it must change nothing else: the framework's lines stay as they were).
     */
    record HandlerCase(Server server, String path, String origin, boolean preflight, List<String> rules, boolean strip, boolean addVary) {
        @Override
        public String toString() {
            return server + " " + (preflight ? "OPTIONS " : "GET ") + path + " from " + origin;
        }

        String[] headers() {
            return preflight
                ? new String[] {"Origin: " + origin, "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type,x-token"}
                : new String[] {"Origin: " + origin, "Cookie: session=demo"};
        }

        String method() {
            return preflight ? "OPTIONS" : "GET";
        }
    }

    static final List<String> CG003 = List.of("CG003:strip-credentials");
    static final List<String> CG003_CG004 = List.of("CG003:strip-credentials", "CG004:strip-credentials");

    static Stream<HandlerCase> handlerCases() {
        List<HandlerCase> out = new ArrayList<>();
        // Spring Boot 3 WebFlux: CorsWebFilter with allowedOriginPatterns("*") + allowCredentials(true)
        // Vert.x web: CorsHandler.create().addOriginWithRegex(".*").allowCredentials(true)
        // Netty: CorsConfigBuilder.forAnyOrigin().allowCredentials()
        for (Server s : List.of(Server.WEBFLUX, Server.VERTX_45, Server.VERTX_5, Server.NETTY_CORS_HANDLER)) {
            String path = s == Server.WEBFLUX ? "/account/me" : s == Server.NETTY_CORS_HANDLER ? "/app" : "/web/me";
            // vertx-web's CorsHandler answers a preflight without Vary: Origin (CG007)
            boolean noVary = s == Server.VERTX_45 || s == Server.VERTX_5;
            out.add(new HandlerCase(s, path, U, false, CG003, true, false));
            out.add(new HandlerCase(s, path, U, true, noVary ? List.of("CG003:strip-credentials", "CG007:add-vary") : CG003, true, noVary));
            out.add(new HandlerCase(s, path, T, false, List.of(), false, false));
            out.add(new HandlerCase(s, path, T, true, noVary ? List.of("CG007:add-vary") : List.of(), false, noVary));
            out.add(new HandlerCase(s, path, "https://a.partner.example", false, List.of(), false, false));
        }
        // Netty's CorsHandler echoes even the null origin with credentials
        out.add(new HandlerCase(Server.NETTY_CORS_HANDLER, "/app", N, false, CG003_CG004, true, false));
        return out.stream();
    }

    /** What correct mode must send: the framework's lines, less the credentials line, plus Vary: Origin where it was missing. */
    static List<String> corrected(HandlerCase c, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (!(c.strip() && l.toLowerCase().startsWith("access-control-allow-credentials:"))) {
                out.add(l);
            }
        }
        if (c.addVary()) {
            out.add("Vary: Origin");
        }
        return CorsRulesTest.normalised(out);
    }

    /**
     * The lines with the tokens of Access-Control-Allow-Methods/-Headers sorted: vertx-web 5 keeps
     * them in hash sets, so their order differs from one JVM to the next (not a change CorsGuard made).
     */
    static List<String> tokenOrderFree(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String lower = l.toLowerCase();
            if (lower.startsWith("access-control-allow-methods:") || lower.startsWith("access-control-allow-headers:")) {
                int colon = l.indexOf(':');
                List<String> tokens = new ArrayList<>();
                for (String t : l.substring(colon + 1).split(",")) {
                    tokens.add(t.trim());
                }
                tokens.sort(null);
                l = l.substring(0, colon + 1) + " " + String.join(",", tokens);
            }
            out.add(l);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handlerCases")
    void frameworkCorsHandlersAreJudgedOnTheWire(HandlerCase c) throws Exception {
        Running plain = NettyFamilyServers.get(c.server(), Setup.NO_AGENT);
        Exchange base = Exchange.send(plain.jvm, plain.port, c.method(), c.path(), c.headers());
        // the hole as the framework opens it: the request's own origin, with credentials
        assertEquals(List.of(c.origin()), base.head.values("Access-Control-Allow-Origin"), "without the agent: " + base.head.lines);
        assertEquals(List.of("true"), base.head.values("Access-Control-Allow-Credentials"), "without the agent: " + base.head.lines);
        assertEquals(List.of(), base.reportLines);

        Running monitor = NettyFamilyServers.get(c.server(), Setup.MONITOR);
        Exchange m = Exchange.send(monitor.jvm, monitor.port, c.rules().size(), c.method(), c.path(), c.headers());
        assertEquals(tokenOrderFree(base.corsLines()), tokenOrderFree(m.corsLines()), "monitor mode must not change a byte (" + monitor.jars + ")");
        assertEquals(c.rules(), m.rulesAndActions(), "report lines: " + m.reportLines);
        for (String line : m.reportLines) {
            Json.assertReportLine(line, "monitor", "netty", c.method(), c.path(), c.origin());
        }

        Running correct = NettyFamilyServers.get(c.server(), Setup.CORRECT);
        Exchange x = Exchange.send(correct.jvm, correct.port, c.rules().size(), c.method(), c.path(), c.headers());
        assertEquals(corrected(c, tokenOrderFree(base.corsLines())), CorsRulesTest.normalised(tokenOrderFree(x.corsLines())),
            "correct mode: only the credentials line may go, Vary: Origin may come; raw: " + x.corsLines() + " (" + correct.jars + ")");
        assertEquals(c.rules(), x.rulesAndActions(), "report lines: " + x.reportLines);
        assertEquals(base.head.statusLine, x.head.statusLine);
    }

    /** Netty's CorsHandler replaces the app's Vary; behind it the final response still carries Vary: Origin, and CorsGuard adds nothing else. */
    @Test
    void nettyCorsHandlerOverwritesTheAppsVaryAndTheFinalResponseStillVariesOnOrigin() throws Exception {
        for (Setup setup : List.of(Setup.NO_AGENT, Setup.CORRECT)) {
            Running r = NettyFamilyServers.get(Server.NETTY_CORS_HANDLER, setup);
            Exchange x = Exchange.send(r.jvm, r.port, "GET", "/app", "Origin: " + T, "Cookie: session=demo");
            // the app wrote "Vary: Accept-Encoding"; CorsHandler set "Vary: Origin" over it (a Netty
            // behaviour CorsGuard does not undo: it never touches non-CORS values)
            assertEquals(List.of("origin"), lower(x.head.values("Vary")), setup + ": " + x.head.lines);
            assertEquals(List.of(T), x.head.values("Access-Control-Allow-Origin"));
            assertEquals(List.of("true"), x.head.values("Access-Control-Allow-Credentials"));
            assertEquals(List.of(), x.reportLines);
        }
    }

    static final Pattern RULE_ORIGIN = Pattern.compile("\"rule\":\"(CG\\d{3})\".*\"action\":\"([a-z-]+)\".*\"origin\":\"([^\"]*)\"");

    /**
     * Netty's CorsHandler keeps only the last request it read: pipelined requests answered after
     * the whole read get the last origin echoed with credentials. CorsGuard pairs each response
     * with its own request (its queue), so each gets its own correction.
     */
    @Test
    void nettyCorsHandlerPipelinedResponsesEachGetTheirOwnCorrection() throws Exception {
        String[] origins = {U, T, N, T, U};
        Running plain = NettyFamilyServers.get(Server.NETTY_CORS_HANDLER, Setup.NO_AGENT);
        List<RawHttp.Head> base = WireTest.pipelined(plain.port, requests(origins, plain.port));
        for (int i = 0; i < origins.length; i++) {
            // without the agent every response echoes the last request's origin, with credentials
            assertEquals(List.of(U), base.get(i).values("Access-Control-Allow-Origin"), "response " + i + ": " + base.get(i).lines);
            assertEquals(List.of("true"), base.get(i).values("Access-Control-Allow-Credentials"), "response " + i);
        }

        Running r = NettyFamilyServers.get(Server.NETTY_CORS_HANDLER, Setup.CORRECT);
        int mark = r.jvm.stderr().size();
        List<RawHttp.Head> heads = WireTest.pipelined(r.port, requests(origins, r.port));
        List<String> reports = NettyFamilyServers.reportLinesSince(r.jvm, mark);
        for (int i = 0; i < origins.length; i++) {
            RawHttp.Head h = heads.get(i);
            boolean trusted = origins[i].equals(T);
            if (trusted) {
                // CG005 repaired: the trusted request gets its own origin back, with credentials
                assertEquals(List.of(T), h.values("Access-Control-Allow-Origin"), "response " + i + ": " + h.lines);
                assertEquals(List.of("true"), h.values("Access-Control-Allow-Credentials"), "response " + i + ": " + h.lines);
                assertEquals(List.of("origin"), lower(h.values("Vary")), "response " + i + ": " + h.lines);
            } else {
                assertEquals(List.of(), h.values("Access-Control-Allow-Credentials"),
                    "response " + i + " to " + origins[i] + " judged with another request's origin? " + h.lines);
            }
        }
        List<String> seen = new ArrayList<>();
        for (String line : reports) {
            Matcher m = RULE_ORIGIN.matcher(line);
            assertTrue(m.find(), line);
            seen.add(m.group(1) + ":" + m.group(2) + "@" + m.group(3));
        }
        assertEquals(List.of("CG003:strip-credentials@" + U, "CG005:set-origin@" + T, "CG005:strip-credentials@" + N,
            "CG005:set-origin@" + T, "CG003:strip-credentials@" + U), seen, "report lines: " + reports);
    }

    // ---------------------------------------------------------------- HTTP/2 (h2c)

    /** One JDK HTTP/2 client per server port: its first request upgrades (stream 1), later ones are HTTP/2 streams. */
    static final Map<Integer, HttpClient> H2_CLIENTS = new ConcurrentHashMap<>();

    static HttpResponse<String> sendH2(Running r, String method, String path, String... headers) throws Exception {
        HttpClient client = H2_CLIENTS.computeIfAbsent(r.h2cPort,
            p -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.h2cPort + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
        for (String h : headers) {
            int colon = h.indexOf(':');
            b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, res.version(), method + " " + path);
        return res;
    }

    /** The CORS fields of an HTTP/2 response as "name: value" lines (names lower case, as on the wire). */
    static List<String> h2CorsLines(HttpResponse<?> res) {
        List<String> out = new ArrayList<>();
        res.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase();
            if (lower.startsWith("access-control-") || lower.equals("vary")) {
                for (String v : values) {
                    out.add(lower + ": " + v);
                }
            }
        });
        return out;
    }

    static List<String> rulesAndActions(List<String> reportLines) {
        List<String> out = new ArrayList<>();
        for (String line : reportLines) {
            Matcher m = RULE_ORIGIN.matcher(line);
            assertTrue(m.find(), line);
            out.add(m.group(1) + ":" + m.group(2));
        }
        return out;
    }

    static Stream<Arguments> h2c() {
        List<Arguments> out = new ArrayList<>();
        for (Server s : List.of(Server.REACTOR_NETTY_12, Server.REACTOR_NETTY_13)) {
            for (Case c : CorsRulesTest.cases()) {
                if (SUBSET.contains(c.endpoint())) {
                    out.add(Arguments.of(s, c));
                }
            }
        }
        return out.stream();
    }

    /**
     * Turned round from the gap this test used to pin: on a Reactor Netty server with h2c enabled,
     * the upgrading request (answered on stream 1) and a plain HTTP/2 stream are judged, reported
     * and corrected like HTTP/1.1 on the same port.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("reactorNetty")
    void http2OnNettyIsJudgedAndCorrectedLikeHttp11OnTheSamePort(Server server) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.CORRECT);
        Exchange h1 = Exchange.send(r.jvm, r.h2cPort, "GET", "/api/reflect", "Origin: " + U, "Cookie: session=demo");
        assertEquals(List.of(), h1.head.values("Access-Control-Allow-Credentials"), "HTTP/1.1 is judged: " + h1.head.lines);
        assertEquals(List.of("CG003:strip-credentials", "CG007:add-vary"), h1.rulesAndActions());

        // a client of its own: its first request is the h2c upgrade
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.h2cPort + "/api/reflect"))
            .header("Origin", U).header("Cookie", "session=demo").build();
        for (int i = 0; i < 2; i++) { // the upgrading request, then a plain HTTP/2 stream
            int mark = r.jvm.stderr().size();
            HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, res.version(), "request " + i);
            assertEquals(List.of(U), res.headers().allValues("access-control-allow-origin"), "request " + i);
            assertEquals(List.of(), res.headers().allValues("access-control-allow-credentials"), "request " + i);
            assertTrue(lower(res.headers().allValues("vary")).contains("origin"), "request " + i + ": " + res.headers());
            List<String> reports = NettyFamilyServers.reportLinesSince(r.jvm, mark);
            assertEquals(List.of("CG003:strip-credentials", "CG007:add-vary"), rulesAndActions(reports), "request " + i);
            for (String line : reports) {
                Json.assertReportLine(line, "correct", "netty", "GET", "/api/reflect", U);
            }
        }
    }

    static Stream<Server> reactorNetty() {
        return Stream.of(Server.REACTOR_NETTY_12, Server.REACTOR_NETTY_13);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("h2c")
    void http2MonitorModeKeepsTheFieldsAndReports(Server server, Case c) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.MONITOR);
        sendH2(r, "GET", "/api/public"); // the connection's upgrade, so the case goes on a plain stream
        int mark = r.jvm.stderr().size();
        HttpResponse<String> res = sendH2(r, c.method(), "/api/" + c.endpoint(), c.headers());
        List<String> reports = NettyFamilyServers.reportLinesSince(r.jvm, mark);
        assertEquals(CorsRulesTest.normalised(CorsRulesTest.asWritten(c)), CorsRulesTest.normalised(h2CorsLines(res)),
            "monitor mode must not change a field (" + r.jars + ")");
        assertEquals(c.rules(), rulesAndActions(reports), "report lines: " + reports);
        for (String line : reports) {
            Json.assertReportLine(line, "monitor", "netty", c.method(), "/api/" + c.endpoint(), c.origin());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("h2c")
    void http2CorrectModeSendsTheCorrectedFields(Server server, Case c) throws Exception {
        Running r = NettyFamilyServers.get(server, Setup.CORRECT);
        sendH2(r, "GET", "/api/public");
        int mark = r.jvm.stderr().size();
        HttpResponse<String> res = sendH2(r, c.method(), "/api/" + c.endpoint(), c.headers());
        List<String> reports = NettyFamilyServers.reportLinesSince(r.jvm, mark);
        assertEquals(CorsRulesTest.normalised(c.corrected()), CorsRulesTest.normalised(h2CorsLines(res)),
            "corrected fields on the wire (" + r.jars + ")");
        assertEquals(c.rules(), rulesAndActions(reports), "report lines: " + reports);
    }

    // ---------------------------------------------------------------- plain Netty: how a response is written

    static Stream<Arguments> plainNettyWrites() {
        List<Arguments> out = new ArrayList<>();
        for (Setup setup : List.of(Setup.MONITOR, Setup.CORRECT)) {
            for (String[] mp : List.of(new String[] {"GET", "/full"}, new String[] {"HEAD", "/full"},
                new String[] {"GET", "/chunked"}, new String[] {"GET", "/thread"})) {
                out.add(Arguments.of(setup, mp[0], mp[1]));
            }
        }
        return out.stream();
    }

    /**
     * A plain Netty HttpServerCodec server (no aggregator), one response to an untrusted origin with
     * credentials written as a FullHttpResponse, as DefaultHttpResponse + HttpContent +
     * LastHttpContent, to HEAD, and from a thread outside the event loop: each judged once on its
     * head (CG003 + CG007), credentials removed only in correct mode; a trusted origin keeps them.
     */
    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("plainNettyWrites")
    void plainNettyResponsesAreJudgedHoweverTheyAreWritten(Setup setup, String method, String path) throws Exception {
        Running r = NettyFamilyServers.get(Server.PLAIN_NETTY, setup);
        Exchange x = Exchange.send(r.jvm, r.port, method, path, "Origin: " + U, "Cookie: session=demo");
        assertEquals(200, x.head.status(), x.head.lines.toString());
        assertEquals(List.of(U), x.head.values("Access-Control-Allow-Origin"), x.head.lines.toString());
        boolean correct = setup == Setup.CORRECT;
        assertEquals(correct ? List.of() : List.of("true"), x.head.values("Access-Control-Allow-Credentials"), x.head.lines.toString());
        assertEquals(correct ? List.of("origin") : List.of(), lower(x.head.values("Vary")), x.head.lines.toString());
        assertEquals(List.of("CG003:strip-credentials", "CG007:add-vary"), x.rulesAndActions(), "report lines: " + x.reportLines);
        for (String line : x.reportLines) {
            Json.assertReportLine(line, correct ? "correct" : "monitor", "netty", method, path, U);
        }

        Exchange trusted = Exchange.send(r.jvm, r.port, method, path, "Origin: " + T, "Cookie: session=demo");
        assertEquals(List.of("true"), trusted.head.values("Access-Control-Allow-Credentials"), trusted.head.lines.toString());
        assertEquals(List.of("CG007:add-vary"), trusted.rulesAndActions(), "report lines: " + trusted.reportLines);
    }

    @Test
    void aCorrectedChunkedResponseKeepsItsBody() throws Exception {
        Running r = NettyFamilyServers.get(Server.PLAIN_NETTY, Setup.CORRECT);
        try (Socket s = new Socket("127.0.0.1", r.port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /chunked HTTP/1.1\r\nHost: x\r\nOrigin: " + U + "\r\nCookie: session=demo\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.endsWith("\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"), all);
            assertTrue(!all.toLowerCase().contains("access-control-allow-credentials"), all);
        }
    }

    // ---------------------------------------------------------------- per-channel state

    /**
     * Live instances of a class in the child's heap, by {@code jcmd <pid> GC.class_histogram}
     * (which runs a full GC first, so only reachable objects count).
     */
    static long liveInstances(ChildJvm jvm, String className) throws Exception {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(jvm.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + out);
        assertTrue(out.contains("java.lang.String "), "not a class histogram: " + out);
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // " 123:   instances   bytes  class.name (module)"
            if (f.length >= 4 && f[0].endsWith(":") && f[3].equals(className)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

    static final String QUEUE = "io.corsguard.bootstrap.RequestQueue";
    static final String CAPTURED = "io.corsguard.bootstrap.CapturedRequest";

    /**
     * The per-channel request queue lives in the channel's attribute map, bounded, and goes with the
     * channel: with 40 connections open the heap holds at least 40 queues; 150 requests pipelined on
     * one connection and held by the app keep at most RequestQueue.CAPACITY (64) request facts;
     * after 300 more connections opened and closed (some before their response was read) and all
     * sockets closed, no queue and no request facts remain reachable.
     */
    @Test
    void perChannelQueuesAreBoundedAndGoWithTheirConnection() throws Exception {
        Running r = NettyFamilyServers.get(Server.NETTY_CORS_HANDLER, Setup.CORRECT);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                Socket s = new Socket("127.0.0.1", r.port);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(WireTest.get("/app", i % 2 == 0 ? U : T, r.port).getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.readHead(s.getInputStream());
                open.add(s);
            }
            assertTrue(liveInstances(r.jvm, QUEUE) >= 40, "a queue per open connection (the method sees them)");

            // 150 pipelined requests the app holds for 3 s: at most 64 are kept
            Socket held = new Socket("127.0.0.1", r.port);
            held.setSoTimeout(20_000);
            open.add(held);
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 150; i++) {
                many.append(WireTest.get("/hold", U, r.port));
            }
            held.getOutputStream().write(many.toString().getBytes(StandardCharsets.ISO_8859_1));
            // the server decodes them while the app holds them; on a loaded machine that can take a while
            long captured = liveInstances(r.jvm, CAPTURED);
            for (long end = System.nanoTime() + 2_500_000_000L; captured < 2 && System.nanoTime() < end; ) {
                ChildJvm.sleep(100);
                captured = liveInstances(r.jvm, CAPTURED);
            }
            // + 1: CapturedRequest.NO_ORIGIN, the shared static entry for requests without Origin
            assertTrue(captured <= 64 + 1, "request facts held: " + captured);
            assertTrue(captured >= 2, "the held requests are recorded: " + captured);
            InputStream in = held.getInputStream();
            for (int i = 0; i < 150; i++) {
                RawHttp.Head h = RawHttp.readHead(in);
                in.readNBytes(Integer.parseInt(h.values("Content-Length").get(0)));
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("127.0.0.1", r.port)) {
                s.getOutputStream().write((WireTest.get("/app", U, r.port) + (i % 3 == 0 ? WireTest.get("/hold", T, r.port) : ""))
                    .getBytes(StandardCharsets.ISO_8859_1));
                if (i % 2 == 0) {
                    s.setSoTimeout(10_000);
                    RawHttp.readHead(s.getInputStream());
                }
            }
        }
        // the server notices the closes asynchronously; /hold answers still pending for 1.5-3 s
        long queues = -1;
        long facts = -1;
        for (int i = 0; i < 20 && (queues != 0 || facts != 1); i++) {
            ChildJvm.sleep(500);
            queues = liveInstances(r.jvm, QUEUE);
            facts = liveInstances(r.jvm, CAPTURED);
        }
        assertEquals(0, queues, "RequestQueue instances left after every connection closed");
        assertEquals(1, facts, "CapturedRequest instances left after every connection closed (1: the static NO_ORIGIN)");
    }

    static List<String> lower(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(v.toLowerCase());
        }
        return out;
    }

    static List<String> requests(String[] origins, int port) {
        List<String> out = new ArrayList<>();
        for (String o : origins) {
            out.add(WireTest.get("/app", o, port));
        }
        return out;
    }
}
