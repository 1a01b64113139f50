package io.corsguard.servlet;

import static io.corsguard.servlet.FakeHandler.ACAC;
import static io.corsguard.servlet.FakeHandler.ACAO;
import static io.corsguard.servlet.FakeHandler.TRUSTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.bootstrap.CapturedRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The same app as the commit hook tests, with the hook switched off. */
@DisplayName("Generic servlet layer on Tomcat 9 with the commit hook off")
class GenericServletLayerTest extends TomcatServletTestSupport {

    static final String UNTRUSTED = "Origin: https://evil.example";
    static final String FROM_TRUSTED = "Origin: " + TRUSTED;

    @Override
    boolean commitHook() {
        return false;
    }

    @AfterEach
    void releasesEveryResponsesState() {
        assertEquals(0, layer().trackedResponses());
    }

    @Test
    @DisplayName("hands the handler the request facts and the status")
    void handsTheHandlerTheRequestFacts() throws Exception {
        RawHttp.head(port, "OPTIONS", "/cors/item?q=1", FROM_TRUSTED, "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: x-token", "Cookie: s=1");
        assertEquals(1, handler.calls.size());
        FakeHandler.Call call = handler.lastCall();
        CapturedRequest facts = call.request;
        assertEquals("servlet", call.server);
        assertEquals(TRUSTED, facts.origin);
        assertEquals("OPTIONS", facts.method);
        assertEquals("/cors/item", facts.path);
        assertEquals("PUT", facts.requestMethod);
        assertEquals("x-token", facts.requestHeaders);
        assertTrue(facts.credentialsHint);
        assertEquals(200, call.status);
    }

    @Test
    @DisplayName("joins several Origin lines with a comma")
    void joinsSeveralOriginLines() throws Exception {
        RawHttp.head(port, "GET", "/cors", "Origin: https://a.example", "origin: https://b.example");
        assertEquals("https://a.example, https://b.example", handler.lastCall().request.origin);
    }

    @Test
    @DisplayName("judges the CORS lines as sent, in order with duplicates, at the end of service()")
    void judgesTheLinesAsWritten() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: add Access-Control-Allow-Origin https://a.example", "X-Write: add Vary Accept-Encoding",
            "X-Write: add X-Other 1", "X-Write: set Access-Control-Allow-Methods GET",
            "X-Write: add Access-Control-Allow-Origin https://b.example", "X-Write: set Access-Control-Max-Age 5",
            "X-Write: del Access-Control-Max-Age");
        // Tomcat 9 ignores setHeader(name, null), so Max-Age stays, in the view as on the wire
        List<String> expected = List.of("Access-Control-Allow-Origin: https://a.example", "Vary: Accept-Encoding",
            "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Origin: https://b.example",
            "Access-Control-Max-Age: 5");
        assertEquals(expected, handler.lastCall().lines);
        assertEquals(expected, RawHttp.corsLines(head));
    }

    @Test
    @DisplayName("skips an untrusted origin's ACAC write")
    void skipsAnUntrustedOriginsAcacWrite() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED, "Cookie: s=1",
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Vary Origin");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("https://evil.example"), RawHttp.values(head, ACAO));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("reports one decision per response; write-time corrections are previews")
    void reportsOneDecisionPerResponse() throws Exception {
        RawHttp.head(port, "GET", "/cors", UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Vary Accept-Encoding",
            "X-Write: set Access-Control-Allow-Methods GET");
        assertEquals(1, handler.calls.size(), handler.calls.toString());
        // every CORS write is previewed (a write whose lines the preview removes is skipped);
        // the decision at getWriter() is the one reported call
        assertEquals(4, handler.previews.size(), handler.previews.toString());
    }

    @Test
    @DisplayName("rewrites ACAO for a trusted origin as it is written, duplicates included")
    void rewritesAcaoAtWriteTime() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: set Access-Control-Allow-Credentials true",
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Origin *");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("rewrites ACAO written before ACAC at the end of service()")
    void rewritesAcaoAtTheEnd() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("keeps Origin in a Vary write and keeps the app's Vary values")
    void keepsOriginInVary() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Write: set vary Accept-Encoding");
        // the preview's lines (this script adds Origin as a line of its own), as the commit hook writes them
        assertEquals(List.of("Accept-Encoding", "Origin"), RawHttp.values(head, "Vary"));
    }

    /**
     * Closer to the real policy than miniPolicy: credentials go when an ACAC line is not exactly
     * {@code true} or the origin is untrusted; a trusted credentialed ACAO becomes the origin;
     * several ACAO lines for an untrusted origin go; an ACAO equal to the origin needs
     * {@code Vary: Origin}, which replaces the Vary lines as the policy does (Origin appended).
     */
    static String[] policyLike(CapturedRequest request, int status, List<String> lines) {
        List<String> acac = new ArrayList<>();
        List<String> acao = new ArrayList<>();
        List<String> vary = new ArrayList<>();
        for (String line : lines) {
            String name = line.substring(0, line.indexOf(':'));
            String value = line.substring(line.indexOf(':') + 2);
            (name.equalsIgnoreCase(ACAC) ? acac : name.equalsIgnoreCase(ACAO) ? acao : name.equalsIgnoreCase("Vary") ? vary : new ArrayList<String>()).add(value);
        }
        boolean trusted = TRUSTED.equals(request.origin);
        List<String> ops = new ArrayList<>();
        boolean setOrigin = false;
        if (!acac.isEmpty() && (!trusted || !acac.equals(List.of("true")))) {
            ops.addAll(Arrays.asList(ACAC, null));
        } else if (!acac.isEmpty() && !acao.equals(List.of(request.origin))) {
            setOrigin = true;
            ops.addAll(Arrays.asList(ACAO, null, ACAO, request.origin));
        }
        if (!trusted && acao.size() > 1) {
            ops.addAll(Arrays.asList(ACAO, null));
        }
        if ((setOrigin || acao.equals(List.of(request.origin))) && vary.stream().noneMatch(v -> v.toLowerCase().contains("origin"))) {
            ops.addAll(Arrays.asList("Vary", null));
            for (int i = 0; i < vary.size(); i++) {
                ops.addAll(Arrays.asList("Vary", i == vary.size() - 1 ? vary.get(i) + ", Origin" : vary.get(i)));
            }
            if (vary.isEmpty()) {
                ops.addAll(Arrays.asList("Vary", "Origin"));
            }
        }
        return ops.isEmpty() ? null : ops.toArray(new String[0]);
    }

    @Test
    @DisplayName("keeps Vary: Origin with an ACAO rewritten at write time when Tomcat 9 cannot remove the ACAC the decision strips")
    void keepsVaryWhenTheStrippedAcacStays() throws Exception {
        handler.script = GenericServletLayerTest::policyLike;
        // ACAO * becomes the origin as it is written; the later ACAC: 1 makes the decision strip
        // ACAC, which Tomcat 9 cannot remove: what is sent is made consistent instead
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Access-Control-Allow-Origin *",
            "X-Write: add Access-Control-Allow-Credentials 1");
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        // the one reported decision saw the lines as the app wrote them
        assertEquals(1, handler.calls.size());
        assertEquals(List.of(ACAC + ": true", ACAO + ": *", ACAC + ": 1"), handler.lastCall().lines);
    }

    @Test
    @DisplayName("adds Vary: Origin when Tomcat 9 keeps an ACAO line the decision removes")
    void addsVaryWhenAnAcaoLineStays() throws Exception {
        handler.script = GenericServletLayerTest::policyLike;
        // the second ACAO makes both go (untrusted, several lines); Tomcat 9 keeps the first,
        // which differs from what the app sent, so a cache must vary on Origin
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: add Access-Control-Allow-Origin null", "X-Write: add Access-Control-Allow-Origin https://evil.example");
        assertEquals(List.of("null"), RawHttp.values(head, ACAO));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("does not add Origin to one Vary line when another holds it")
    void doesNotAddOriginTwice() throws Exception {
        // Origin is appended to the first Vary line as it is written; the app's later Vary line
        // holds Origin itself, so the appended one goes again
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Write: add Vary Accept-Encoding",
            "X-Write: add Vary origin");
        assertEquals(List.of("Accept-Encoding", "origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("keeps Vary: * without adding Origin")
    void varyStarCoversOrigin() throws Exception {
        handler.script = GenericServletLayerTest::policyLike;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: add Access-Control-Allow-Origin null", "X-Write: add Vary *",
            "X-Write: add Access-Control-Allow-Origin https://evil.example");
        assertEquals(List.of("null"), RawHttp.values(head, ACAO));
        assertEquals(List.of("*"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("does not call the handler for a request without Origin")
    void doesNotCallTheHandlerWithoutOrigin() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(0, handler.calls.size());
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("corrects an async response written from another thread, judged last at complete()")
    void correctsAnAsyncResponse() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/async", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example", "Access-Control-Allow-Credentials: true"),
            handler.lastCall().lines);
    }

    @Test
    @DisplayName("judges writes through an HttpServletResponseWrapper once, as if written directly")
    void judgesWrapperWritesOnce() throws Exception {
        String[] request = {UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true"};
        List<String> direct = RawHttp.head(port, "GET", "/cors", request);
        List<String> directCalls = describe(handler.calls);
        handler.calls.clear();
        List<String> directPreviews = describe(handler.previews);
        handler.previews.clear();
        List<String> wrapped = RawHttp.head(port, "GET", "/wrapped/cors", request);
        assertEquals(1, handler.calls.size());
        assertEquals(directCalls, describe(handler.calls));
        assertEquals(directPreviews, describe(handler.previews));
        assertEquals(RawHttp.corsLines(direct), RawHttp.corsLines(wrapped));
        assertEquals(List.of(), RawHttp.values(wrapped, ACAC));
    }

    @Test
    @DisplayName("judges at sendError with the error status, and the error page's writes afresh")
    void judgesSendErrorAndTheErrorPage() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Send-Error: 404",
            "X-Error-Write: set Access-Control-Allow-Credentials true");
        assertTrue(head.get(0).startsWith("HTTP/1.1 404"), head.get(0));
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        FakeHandler.Call atSendError = handler.calls.stream().filter(c -> c.status == 404).findFirst().get();
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example"), atSendError.lines);
        assertEquals(List.of("Access-Control-Allow-Credentials: true"), handler.lastCall().lines);
    }

    @Test
    @DisplayName("after reset() judges only the headers written afterwards")
    void judgesOnlyTheHeadersAfterReset() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: set Access-Control-Allow-Origin *",
            "X-Reset: 1", "X-Write-After: set Access-Control-Allow-Origin https://evil.example");
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example"), handler.lastCall().lines);
        assertEquals(handler.lastCall().lines, RawHttp.corsLines(head));
    }

    @Test
    @DisplayName("judges at flushBuffer and ignores writes after the commit")
    void judgesAtFlushBuffer() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Flush: 1",
            "X-Write-After: set Access-Control-Allow-Credentials true");
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example"), handler.lastCall().lines);
    }

    @Test
    @DisplayName("judges at sendRedirect with status 302")
    void judgesAtSendRedirect() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Redirect: 1");
        assertTrue(head.get(0).startsWith("HTTP/1.1 302"), head.get(0));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(302, handler.lastCall().status);
    }

    @Test
    @DisplayName("sends the response as written when the handler throws and on-error is pass")
    void passesWhenTheHandlerThrows() throws Exception {
        handler.script = (r, s, l) -> {
            throw new IllegalStateException("boom");
        };
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertTrue(handler.failures.size() >= 1);
    }

    @Test
    @DisplayName("strips credentials when the handler throws and on-error is strip")
    void stripsWhenTheHandlerThrows() throws Exception {
        handler.stripOnError = true;
        handler.script = (r, s, l) -> {
            throw new IllegalStateException("boom");
        };
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: set Access-Control-Allow-Origin " + TRUSTED,
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
    }

    @Test
    @DisplayName("handles header names written in any case")
    void handlesAnyCase() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: add access-control-allow-origin https://evil.example",
            "X-Write: add access-control-allow-credentials true",
            "X-Write: add ACCESS-CONTROL-ALLOW-CREDENTIALS true");
        assertEquals(List.of("access-control-allow-origin: https://evil.example",
            "access-control-allow-credentials: true", "ACCESS-CONTROL-ALLOW-CREDENTIALS: true"),
            handler.lastCall().lines);
        assertEquals(List.of(), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("cannot remove a line already written on Tomcat 9, whose setHeader(name, null) does nothing")
    void cannotRemoveAWrittenLineOnTomcat9() throws Exception {
        // documented limit (README-generic-layer.md): removal needs Servlet 6 semantics. The
        // policy wants Allow-Methods gone only once Max-Age is there, so its write was kept.
        handler.script = (r, s, l) -> l.stream().anyMatch(x -> x.startsWith("Access-Control-Max-Age"))
            ? new String[] {"Access-Control-Allow-Methods", null} : null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Methods GET", "X-Write: set Access-Control-Max-Age 5");
        assertEquals(List.of("GET"), RawHttp.values(head, "Access-Control-Allow-Methods"));
    }

    @Test
    @DisplayName("skips any CORS write whose every line the preview removes (Allow-Private-Network to an untrusted origin)")
    void skipsAWriteThePreviewRemoves() throws Exception {
        handler.script = (r, s, l) -> TRUSTED.equals(r.origin) ? null
            : new String[] {"Access-Control-Allow-Private-Network", null};
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Private-Network true");
        assertEquals(List.of(), RawHttp.values(head, "Access-Control-Allow-Private-Network"));
        assertEquals(List.of("*"), RawHttp.values(head, ACAO));
        assertEquals(1, handler.calls.size(), handler.calls.toString());
    }

    @Test
    @DisplayName("decides at getOutputStream(), before a body of the declared length commits the response")
    void decidesWhenTheBodyChannelIsObtained() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Credentials true",
            "X-Exact-Body: 1");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(1, handler.calls.size(), handler.calls.toString());
    }

    @Test
    @DisplayName("after the decision corrects each CORS write as it comes, every name it touches, reported once")
    void correctsWritesAfterTheDecision() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: add Access-Control-Allow-Origin *", "X-Exact-Body: 1",
            "X-Write-After: add Access-Control-Allow-Credentials true");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(1, handler.calls.size(), handler.calls.toString());
        assertEquals(List.of("Access-Control-Allow-Origin: *"), handler.lastCall().lines);
    }

    @Test
    @DisplayName("after the decision skips an untrusted origin's ACAC write")
    void skipsUntrustedAcacAfterTheDecision() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Exact-Body: 1",
            "X-Write-After: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertEquals(1, handler.calls.size(), handler.calls.toString());
    }

    private static List<String> describe(List<FakeHandler.Call> calls) {
        List<String> out = new ArrayList<>();
        for (FakeHandler.Call c : calls) {
            out.add(c.toString());
        }
        return out;
    }
}
