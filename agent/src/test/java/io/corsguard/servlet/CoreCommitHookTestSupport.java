package io.corsguard.servlet;

import static io.corsguard.servlet.FakeHandler.ACAC;
import static io.corsguard.servlet.FakeHandler.ACAO;
import static io.corsguard.servlet.FakeHandler.TRUSTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A container commit hook woven in as the agent would (retransformation), a fake handler on the
 * bridge, and a real embedded server whose core handler (below the servlet API) writes the
 * response lines a request asks for: {@code X-Write: set|add NAME VALUE} or {@code del NAME},
 * in order; {@code X-Status: n} (otherwise the status is never set); the path {@code /async}
 * writes lines and body from another thread after the handler returned. The tests are the same
 * for each container; subclasses start the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CoreCommitHookTestSupport {

    static final String UNTRUSTED = "Origin: https://evil.example";
    static final String FROM_TRUSTED = "Origin: " + TRUSTED;

    final FakeHandler handler = new FakeHandler();
    Weaver weaver;
    int port;

    /** Starts the server; returns its port. */
    abstract int start() throws Exception;

    abstract void stop() throws Exception;

    /** The class the hook is woven into. */
    abstract String hookedClass();

    /** Whether the server sends header names in the order they were written (Undertow orders them by its own hash). */
    abstract boolean keepsWriteOrder();

    @BeforeAll
    void weaveAndStart() throws Exception {
        weaver = new Weaver().weave();
        CorsGuardBridge.setHandler(handler);
        port = start();
    }

    @AfterAll
    void stopAndRestore() throws Exception {
        stop();
        CorsGuardBridge.setHandler(null);
        ServletBridge.reset();
        weaver.restore();
    }

    @BeforeEach
    void freshHandler() {
        handler.calls.clear();
        handler.previews.clear();
        handler.failures.clear();
        handler.script = FakeHandler::miniPolicy;
        handler.commitHook = true;
    }

    /** Applies one {@code X-Write} op through {@code set}/{@code add}/{@code del}. */
    interface Writer {
        void write(String op, String name, String value);
    }

    static void apply(List<String> ops, Writer w) {
        for (String op : ops) {
            String[] p = op.split(" ", 3);
            w.write(p[0], p[1], p.length > 2 ? p[2] : null);
        }
    }

    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @DisplayName("is woven into the container's commit point without errors")
    void isWoven() throws Exception {
        RawHttp.head(port, "GET", "/", UNTRUSTED);
        assertTrue(weaver.transformed.contains(hookedClass()), weaver.transformed.toString());
        assertEquals(List.of(), weaver.errors);
    }

    @Test
    @DisplayName("hands the handler the request facts and the status")
    void handsTheHandlerTheRequestFacts() throws Exception {
        RawHttp.head(port, "OPTIONS", "/cors/item?q=1", FROM_TRUSTED, "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: x-token", "Cookie: s=1", "X-Status: 204");
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
        assertEquals(204, call.status);
    }

    @Test
    @DisplayName("hands over 200 for a response whose status was never set")
    void unsetStatusIs200() throws Exception {
        List<String> head = RawHttp.head(port, "OPTIONS", "/", FROM_TRUSTED, "Access-Control-Request-Method: PUT");
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
        assertEquals(200, handler.lastCall().status);
    }

    @Test
    @DisplayName("sees Authorization as a credentials hint and no hint without Cookie or Authorization")
    void seesAuthorizationAsACredentialsHint() throws Exception {
        RawHttp.head(port, "GET", "/", UNTRUSTED, "Authorization: Basic eDp5");
        RawHttp.head(port, "GET", "/", UNTRUSTED);
        assertTrue(handler.calls.get(0).request.credentialsHint);
        assertFalse(handler.calls.get(1).request.credentialsHint);
        assertEquals(null, handler.calls.get(1).request.requestMethod);
    }

    @Test
    @DisplayName("joins several Origin lines with a comma")
    void joinsSeveralOriginLines() throws Exception {
        RawHttp.head(port, "GET", "/", "Origin: https://a.example", "origin: https://b.example");
        assertEquals("https://a.example, https://b.example", handler.lastCall().request.origin);
    }

    @Test
    @DisplayName("hands over the CORS lines with duplicates, and nothing else, as they are sent")
    void handsOverTheCorsLines() throws Exception {
        handler.script = (r, s, l) -> null;
        List<String> head = RawHttp.head(port, "GET", "/", UNTRUSTED,
            "X-Write: add Access-Control-Allow-Origin https://a.example", "X-Write: add Vary Accept-Encoding",
            "X-Write: add X-Other 1", "X-Write: set Access-Control-Allow-Methods GET",
            "X-Write: add Access-Control-Allow-Origin https://b.example");
        List<String> seen = handler.lastCall().lines;
        assertEquals(RawHttp.corsLines(head), seen, "the lines judged are the lines sent");
        List<String> expected = List.of("Access-Control-Allow-Origin: https://a.example", "Vary: Accept-Encoding",
            "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Origin: https://b.example");
        if (keepsWriteOrder()) {
            assertEquals(expected, seen);
        } else {
            assertEquals(sorted(expected), sorted(seen));
            assertEquals(List.of("https://a.example", "https://b.example"), RawHttp.values(head, ACAO), "same-name lines in write order");
        }
    }

    static List<String> sorted(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        out.sort(null);
        return out;
    }

    @Test
    @DisplayName("removes an untrusted origin's credentials")
    void removesAnUntrustedOriginsCredentials() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/", UNTRUSTED, "Cookie: s=1",
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: add Vary Origin");
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("https://evil.example"), RawHttp.values(head, ACAO));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"));
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
    }

    @Test
    @DisplayName("replaces both of two ACAO lines by the trusted origin and appends Vary: Origin")
    void rewritesDuplicateAcaoLinesAndAppendsVary() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/", FROM_TRUSTED,
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Origin *",
            "X-Write: set Access-Control-Allow-Credentials true", "X-Write: set Vary Accept-Encoding");
        assertEquals(List.of(TRUSTED), RawHttp.values(head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(List.of("Accept-Encoding", "Origin"), RawHttp.values(head, "Vary"));
    }

    @Test
    @DisplayName("does not call the handler for a request without Origin")
    void doesNotCallTheHandlerWithoutOrigin() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/", "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(0, handler.calls.size());
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
    }

    @Test
    @DisplayName("judges a response written from another thread after the handler returned")
    void judgesAResponseWrittenLater() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/async", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(1, handler.calls.size());
        assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example", "Access-Control-Allow-Credentials: true"),
            sortedLike(handler.lastCall().lines));
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
    }

    /** ACAO before ACAC, whatever order the server keeps. */
    static List<String> sortedLike(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        out.sort((a, b) -> Boolean.compare(a.contains("Credentials"), b.contains("Credentials")));
        return out;
    }

    @Test
    @DisplayName("handles header names written in any case, and a removal before commit")
    void handlesLowerCaseNamesAndRemovals() throws Exception {
        List<String> head = RawHttp.head(port, "GET", "/", UNTRUSTED,
            "X-Write: add access-control-allow-origin https://evil.example",
            "X-Write: add ACCESS-CONTROL-ALLOW-CREDENTIALS true", "X-Write: add Vary Origin", "X-Write: del vary");
        assertEquals(2, handler.lastCall().lines.size(), handler.lastCall().lines.toString());
        assertTrue(handler.lastCall().lines.stream().anyMatch(l -> l.equalsIgnoreCase("access-control-allow-credentials: true")),
            handler.lastCall().lines.toString());
        assertEquals(List.of(), RawHttp.values(head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(head, "Vary"), "Vary: Origin added back by the policy");
    }

    @Test
    @DisplayName("sends the response as written when the handler throws and on-error is pass")
    void passesWhenTheHandlerThrows() throws Exception {
        handler.script = (r, s, l) -> {
            throw new IllegalStateException("boom");
        };
        List<String> head = RawHttp.head(port, "GET", "/", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
        assertEquals(1, handler.failures.size());
    }

    @Test
    @DisplayName("leaves the response alone while the hook is switched off")
    void switchedOffLeavesTheResponseAlone() throws Exception {
        handler.commitHook = false;
        List<String> head = RawHttp.head(port, "GET", "/", UNTRUSTED,
            "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(0, handler.calls.size());
        assertEquals(List.of("true"), RawHttp.values(head, ACAC));
    }
}
