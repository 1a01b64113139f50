package io.corsguard.servlet;

import static io.corsguard.servlet.FakeHandler.ACAC;
import static io.corsguard.servlet.FakeHandler.ACAO;
import static io.corsguard.servlet.FakeHandler.TRUSTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.bootstrap.CapturedRequest;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Tomcat commit hook at prepareResponse()")
class TomcatCommitHookTest extends TomcatServletTestSupport {

    static final String UNTRUSTED = "Origin: https://evil.example";
    static final String FROM_TRUSTED = "Origin: " + TRUSTED;

    @Override
    boolean commitHook() {
        return true;
    }

    @Test
    @DisplayName("is woven into the HTTP/1.1, HTTP/2 and AJP processors without errors")
    void isWovenIntoAllThreeProcessors() throws Exception {
        for (String processor : TomcatInstrumentation.PROCESSORS) {
            Class.forName(processor, false, getClass().getClassLoader());
            assertTrue(weaver.transformed.contains(processor), processor);
        }
        // a Tomcat stopped by an earlier test class refuses to read its classes' files: not ours
        List<String> errors = new java.util.ArrayList<>(weaver.errors);
        errors.removeIf(e -> e.contains("has been stopped already"));
        assertEquals(List.of(), errors);
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
    @DisplayName("sees Authorization as a credentials hint and no hint without Cookie or Authorization")
    void seesAuthorizationAsACredentialsHint() throws Exception {
        RawHttp.head(port, "GET", "/cors", UNTRUSTED, "Authorization: Basic eDp5");
        RawHttp.head(port, "GET", "/cors", UNTRUSTED);
        assertTrue(handler.calls.get(0).request.credentialsHint);
        assertFalse(handler.calls.get(1).request.credentialsHint);
        assertEquals(null, handler.calls.get(1).request.requestMethod);
    }

    @Test
    @DisplayName("reads request lines in any case, and the first of repeated request-method and request-headers lines")
    void readsRequestLinesInAnyCase() throws Exception {
        RawHttp.head(port, "OPTIONS", "/cors", "ORIGIN: https://a.example", "access-control-request-method: PUT",
            "Access-Control-Request-Method: DELETE", "ACCESS-CONTROL-REQUEST-HEADERS: x-a",
            "Access-Control-Request-Headers: x-b", "COOKIE: s=1");
        CapturedRequest facts = handler.lastCall().request;
        assertEquals("https://a.example", facts.origin);
        assertEquals("PUT", facts.requestMethod);
        assertEquals("x-a", facts.requestHeaders);
        assertTrue(facts.credentialsHint);
    }

    @Test
    @DisplayName("joins several Origin lines with a comma")
    void joinsSeveralOriginLines() throws Exception {
        RawHttp.head(port, "GET", "/cors", "Origin: https://a.example", "origin: https://b.example");
        assertEquals("https://a.example, https://b.example", handler.lastCall().request.origin);
    }

    @Test
    @DisplayName("hands over the CORS lines in order with duplicates, and nothing else")
    void handsOverTheCorsLinesInOrder() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: add Access-Control-Allow-Origin https://a.example", "X-Write: add Vary Accept-Encoding",
            "X-Write: add X-Other 1", "X-Write: set Access-Control-Allow-Methods GET",
            "X-Write: add Access-Control-Allow-Origin https://b.example");
        List<String> expected = List.of("Access-Control-Allow-Origin: https://a.example", "Vary: Accept-Encoding",
            "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Origin: https://b.example");
        assertEquals(expected, handler.lastCall().lines);
        assertEquals(expected, RawHttp.corsLines(head));
    }

    @Test
    @DisplayName("removes an untrusted origin's credentials")
    void removesAnUntrustedOriginsCredentials() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED, "Cookie: s=1",
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Vary Origin");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("https://evil.example"), RawHttp.values(head, ACAO));
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
    }

    @Test
    @DisplayName("replaces both of two ACAO lines by the trusted origin and appends Vary: Origin")
    void rewritesDuplicateAcaoLinesAndAppendsVary() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", FROM_TRUSTED,
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Origin *",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: set Vary Accept-Encoding");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of("Accept-Encoding", "Origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("does not call the handler for a request without Origin")
    void doesNotCallTheHandlerWithoutOrigin() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(0, handler.calls.size());
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("judges an async response whose headers are written from another thread after service()")
    void judgesAnAsyncResponse() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/async", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(1, handler.calls.size());
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example", "Access-Control-Allow-Credentials: true"),
            handler.lastCall().lines);
        assertEquals(List.of(), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("judges writes through an HttpServletResponseWrapper once")
    void judgesWrapperWritesOnce() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/wrapped/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(1, handler.calls.size());
        assertEquals(List.of(), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("judges what an error page sends after sendError, once, with the error status")
    void judgesTheErrorPage() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example", "X-Send-Error: 404",
            "X-Error-Write: set Access-Control-Allow-Credentials true");
        assertEquals(1, handler.calls.size());
        assertEquals(404, handler.lastCall().status);
        assertTrue(head.get(0).startsWith("HTTP/1.1 404"), head.get(0));
        assertEquals(RawHttp.corsLines(head), handler.lastCall().lines);
        assertTrue(handler.lastCall().lines.contains("Access-Control-Allow-Credentials: true"));
    }

    @Test
    @DisplayName("corrects the headers an error page writes")
    void correctsTheErrorPage() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED, "X-Send-Error: 404",
            "X-Error-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Error-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("after reset() judges only the headers written afterwards")
    void judgesOnlyTheHeadersAfterReset() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: set Access-Control-Allow-Origin *",
            "X-Reset: 1", "X-Write-After: set Access-Control-Allow-Origin https://evil.example");
        assertEquals(1, handler.calls.size());
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example"), handler.lastCall().lines);
        assertEquals(handler.lastCall().lines, RawHttp.corsLines(head));
    }

    @Test
    @DisplayName("judges a flushed response once, with the headers written before the flush")
    void judgesAFlushedResponseOnce() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/cors", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Flush: 1",
            "X-Write-After: set Access-Control-Max-Age 60");
        assertEquals(1, handler.calls.size());
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of(), RawHttp.values(head, "Access-Control-Max-Age"));
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
        assertEquals(1, handler.failures.size());
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
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
    }

    @Test
    @DisplayName("handles header names written in lower case")
    void handlesLowerCaseNames() throws Exception {
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
    @DisplayName("leaves the generic layer observing only: one decision per response")
    void leavesTheGenericLayerObserving() throws Exception {
        RawHttp.head(port, "GET", "/wrapped/cors", FROM_TRUSTED, "X-Write: set Access-Control-Allow-Origin *",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Vary Accept-Encoding",
            "X-Flush: 1");
        RawHttp.head(port, "GET", "/cors", UNTRUSTED, "X-Write: set Access-Control-Allow-Credentials true",
            "X-Send-Error: 404");
        RawHttp.head(port, "GET", "/async", UNTRUSTED, "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(3, handler.calls.size(), handler.calls.toString());
        assertEquals(List.of(), handler.previews);
        assertEquals(0, layer().trackedResponses());
    }
}
