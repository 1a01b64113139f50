package io.corsguard.netty;

import io.corsguard.install.CorsGuardTransformer;
import io.corsguard.install.ServerInstrumentation;
import java.util.Collections;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.RequestQueue;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.corsguard.netty.RawClient.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Netty advice installed into this JVM, a real Netty 4.1 server on loopback, a raw socket
 * client: asserts what leaves the socket and what the judge was asked.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NettyInstrumentationTest {

    static final List<String> APP_CORS_LINES = List.of(
        "access-control-allow-origin: *",
        "Access-Control-Allow-Credentials: true",
        "vary: Accept-Encoding",
        "vary: Origin",
        "access-control-expose-headers: X-A");

    static Instrumentation instrumentation;
    static CorsGuardTransformer transformer;
    static final Set<String> transformed = ConcurrentHashMap.newKeySet();
    static final List<String> transformErrors = new ArrayList<>();
    static final RecordingHandler judge = new RecordingHandler();

    TestServer server;

    @BeforeAll
    static void installAgent() throws Exception {
        instrumentation = ByteBuddyAgent.install();
        transformer = new CorsGuardTransformer(Collections.<ServerInstrumentation>singletonList(new NettyInstrumentation()),
            NettyInstrumentationTest.class.getClassLoader(), new CorsGuardTransformer.Listener() {
                @Override
                public void woven(String className) {
                    transformed.add(className);
                }

                @Override
                public void failed(String className, Throwable error) {
                    transformErrors.add(className + ": " + error);
                }
            });
        transformer.install(instrumentation);
        CorsGuardBridge.setHandler(judge);
    }

    @AfterAll
    static void removeAgent() {
        CorsGuardBridge.setHandler(null);
        transformer.uninstall(instrumentation);
    }

    @BeforeEach
    void startServer() throws Exception {
        judge.reset();
        server = TestServer.start(true);
    }

    @AfterEach
    void stopServer() {
        server.close();
        assertTrue(transformErrors.isEmpty(), transformErrors::toString);
    }

    private static String[] echoOrigin(CapturedRequest r, List<String> lines) {
        return new String[] {"Access-Control-Allow-Origin", null, "Access-Control-Allow-Origin", r.origin};
    }

    @Test
    void both_HTTP_codec_base_classes_are_transformed() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors"));
            c.read();
        }
        assertTrue(transformed.contains(NettyInstrumentation.DECODER), transformed::toString);
        assertTrue(transformed.contains(NettyInstrumentation.ENCODER), transformed::toString);
    }

    @Test
    void a_key_cached_by_another_copy_of_Netty_is_replaced_and_the_request_still_judged() throws Exception {
        // what advice woven into a second Netty (another class loader) leaves in the shared cache
        RequestQueue.nettyKey = "an AttributeKey of another class";
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            c.read();
            c.send(request("GET", "/cors", "Origin: https://b.example"));
            c.read();
        }
        assertEquals(2, judge.calls.size());
        assertEquals("https://app.example", judge.calls.get(0).request().origin);
        assertEquals("https://b.example", judge.calls.get(1).request().origin);
        assertEquals(AttributeKey.valueOf("io.corsguard.requests"), RequestQueue.nettyKey);
    }

    @Test
    void the_response_advice_also_replaces_a_key_cached_by_another_copy_of_Netty() {
        // in one copy the request's advice always runs first and replaces it; with two copies
        // serving at once, the response's advice can be the first to find the other's key
        EmbeddedChannel channel = new EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter());
        try {
            RequestQueue queue = new RequestQueue();
            channel.attr(AttributeKey.valueOf("io.corsguard.requests")).set(queue);
            queue.push(new CapturedRequest("https://app.example", "GET", "/cors", null, null, false));
            RequestQueue.nettyKey = "an AttributeKey of another class";
            io.netty.handler.codec.http.FullHttpResponse response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK);
            response.headers().set("Access-Control-Allow-Origin", "*");
            NettyResponseAdvice.enter(channel.pipeline().firstContext(), response);
            assertEquals(1, judge.calls.size());
            assertEquals("https://app.example", judge.calls.get(0).request().origin);
            assertEquals(List.of("Access-Control-Allow-Origin: *"), judge.calls.get(0).lines());
            assertEquals(AttributeKey.valueOf("io.corsguard.requests"), RequestQueue.nettyKey);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void request_facts_are_captured_when_the_request_is_decoded() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("OPTIONS", "/cors?x=1#f", "Origin: https://app.example",
                "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-a, x-b",
                "Cookie: s=1"));
            c.read();
        }
        assertEquals(1, judge.calls.size());
        RecordingHandler.Call call = judge.calls.get(0);
        assertEquals("netty", call.server());
        assertEquals(200, call.status());
        CapturedRequest r = call.request();
        assertEquals("https://app.example", r.origin);
        assertEquals("OPTIONS", r.method);
        assertEquals("/cors", r.path);
        assertEquals("PUT", r.requestMethod);
        assertEquals("x-a, x-b", r.requestHeaders);
        assertTrue(r.credentialsHint);
    }

    @Test
    void authorization_counts_as_credentials_and_absent_preflight_headers_are_null() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example", "Authorization: Bearer x"));
            c.read();
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            c.read();
        }
        CapturedRequest first = judge.calls.get(0).request();
        assertTrue(first.credentialsHint);
        assertNull(first.requestMethod);
        assertNull(first.requestHeaders);
        assertFalse(judge.calls.get(1).request().credentialsHint);
    }

    @Test
    void several_Origin_lines_reach_the_judge_all_joined_never_only_the_first() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://trusted.example", "Origin: https://evil.example"));
            c.read();
        }
        assertEquals("https://trusted.example, https://evil.example", judge.calls.get(0).request().origin);
    }

    @Test
    void the_CORS_lines_reach_the_judge_in_order_with_duplicates_and_nothing_else() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            RawClient.Response response = c.read();
            assertEquals(APP_CORS_LINES, response.corsLines());
        }
        assertEquals(APP_CORS_LINES, judge.calls.get(0).lines());
    }

    @Test
    void operations_are_applied_to_a_full_response_before_it_leaves_the_socket() throws Exception {
        judge.script = (r, l) -> new String[] {
            "Access-Control-Allow-Credentials", null,
            "Access-Control-Allow-Origin", null,
            "Access-Control-Allow-Origin", r.origin,
            "Vary", "Origin"};
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            RawClient.Response response = c.read();
            assertEquals(List.of(
                "vary: Accept-Encoding",
                "vary: Origin",
                "access-control-expose-headers: X-A",
                "Access-Control-Allow-Origin: https://app.example",
                "Vary: Origin"), response.corsLines());
            assertEquals("ok", response.body());
            assertEquals(List.of("1"), response.values("X-Other"));
        }
    }

    @Test
    void a_request_without_Origin_is_never_judged_and_its_response_goes_out_as_written() throws Exception {
        judge.script = (r, l) -> new String[] {"Access-Control-Allow-Credentials", null};
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Cookie: s=1"));
            assertEquals(APP_CORS_LINES, c.read().corsLines());
        }
        assertTrue(judge.calls.isEmpty());
    }

    @Test
    void pipelined_requests_are_each_judged_with_their_own_request_facts() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            // the third carries no Origin: it still takes its place in the FIFO
            burst.append(i == 2 ? request("GET", "/cors?i=2") : request("GET", "/cors?i=" + i, "Origin: https://o" + i + ".example"));
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send(burst.toString());
            for (int i = 0; i < 5; i++) {
                List<String> acao = c.read().values("Access-Control-Allow-Origin");
                assertEquals(List.of(i == 2 ? "*" : "https://o" + i + ".example"), acao, "response " + i);
            }
        }
        assertEquals(List.of("https://o0.example", "https://o1.example", "https://o3.example", "https://o4.example"),
            judge.calls.stream().map(call -> call.request().origin).toList());
    }

    @Test
    void a_keep_alive_connection_judges_every_request_with_its_own_origin() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            for (int i = 0; i < 10; i++) {
                c.send(request("GET", "/cors", "Origin: https://k" + i + ".example"));
                assertEquals(List.of("https://k" + i + ".example"), c.read().values("Access-Control-Allow-Origin"));
            }
        }
        assertEquals(10, judge.calls.size());
    }

    @Test
    void a_chunked_response_is_judged_on_its_head_and_its_body_is_intact() throws Exception {
        judge.script = (r, l) -> new String[] {"Access-Control-Allow-Credentials", null};
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/chunked", "Origin: https://app.example"));
            RawClient.Response response = c.read();
            assertEquals(List.of(), response.values("Access-Control-Allow-Credentials"));
            assertEquals("hello", response.body());
            c.send(request("GET", "/cors", "Origin: https://next.example"));
            c.read();
        }
        assertEquals(2, judge.calls.size(), "one decision per response, not per chunk");
        assertEquals("https://next.example", judge.calls.get(1).request().origin);
    }

    @Test
    void a_HEAD_request_is_judged_and_the_connection_stays_in_step() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("HEAD", "/cors", "Origin: https://head.example"));
            assertEquals(List.of("https://head.example"), c.read(true).values("Access-Control-Allow-Origin"));
            c.send(request("GET", "/cors", "Origin: https://get.example"));
            assertEquals(List.of("https://get.example"), c.read().values("Access-Control-Allow-Origin"));
        }
        assertEquals("HEAD", judge.calls.get(0).request().method);
    }

    @Test
    void an_interim_100_Continue_is_not_judged_and_leaves_the_request_for_the_final_response() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("POST", "/cors", "Origin: https://post.example", "Expect: 100-continue", "Content-Length: 5"));
            RawClient.Response interim = c.read();
            assertEquals(100, interim.status());
            assertEquals(List.of("*"), interim.values("Access-Control-Allow-Origin"));
            c.send("hello");
            RawClient.Response last = c.read();
            assertEquals(200, last.status());
            assertEquals(List.of("https://post.example"), last.values("Access-Control-Allow-Origin"));
            c.send(request("GET", "/cors", "Origin: https://after.example"));
            assertEquals(List.of("https://after.example"), c.read().values("Access-Control-Allow-Origin"));
        }
        assertEquals(List.of(200, 200), judge.calls.stream().map(RecordingHandler.Call::status).toList());
    }

    @Test
    void a_101_Switching_Protocols_is_final_and_takes_its_request() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/upgrade", "Origin: https://ws.example", "Connection: Upgrade", "Upgrade: x-test"));
            RawClient.Response switching = c.read();
            assertEquals(101, switching.status());
            assertEquals(List.of("https://ws.example"), switching.values("Access-Control-Allow-Origin"));
            c.send(request("GET", "/cors", "Origin: https://next.example"));
            assertEquals(List.of("https://next.example"), c.read().values("Access-Control-Allow-Origin"));
        }
        assertEquals(List.of(101, 200), judge.calls.stream().map(RecordingHandler.Call::status).toList());
    }

    @Test
    void a_Netty_HTTP_client_in_the_same_JVM_is_left_alone() {
        judge.script = (r, l) -> {
            throw new AssertionError("a client channel must not be judged");
        };
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec());
        DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        out.headers().add(HttpHeaderNames.ORIGIN, "https://app.example");
        assertTrue(client.writeOutbound(out));
        ReferenceCountUtil.release(client.readOutbound());
        assertTrue(client.writeInbound(Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n", StandardCharsets.US_ASCII)));
        for (Object in; (in = client.readInbound()) != null; ) {
            ReferenceCountUtil.release(in);
        }
        assertFalse(client.hasAttr(AttributeKey.valueOf("io.corsguard.requests")));
        assertTrue(judge.calls.isEmpty());
        client.finishAndReleaseAll();
    }

    @Test
    void a_response_written_from_another_thread_is_judged_with_its_request() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/thread", "Origin: https://t1.example")
                + request("GET", "/thread", "Origin: https://t2.example"));
            assertEquals(List.of("https://t1.example"), c.read().values("Access-Control-Allow-Origin"));
            assertEquals(List.of("https://t2.example"), c.read().values("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void separate_HttpRequestDecoder_and_HttpResponseEncoder_handlers_are_covered_too() throws Exception {
        server.close();
        server = TestServer.start(false);
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://s1.example")
                + request("GET", "/cors", "Origin: https://s2.example")
                + request("GET", "/chunked", "Origin: https://s3.example"));
            for (int i = 1; i <= 3; i++) {
                assertEquals(List.of("https://s" + i + ".example"), c.read().values("Access-Control-Allow-Origin"));
            }
        }
        assertEquals(3, judge.calls.size());
    }

    @Test
    void a_failing_judge_leaves_the_response_as_written_when_on_error_is_pass() throws Exception {
        judge.script = (r, l) -> {
            throw new IllegalStateException("boom");
        };
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            assertEquals(APP_CORS_LINES, c.read().corsLines());
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            assertEquals(APP_CORS_LINES, c.read().corsLines());
        }
        assertEquals(2, judge.failures.size());
        assertTrue(server.appExceptions.isEmpty(), server.appExceptions::toString);
    }

    @Test
    void a_failing_judge_strips_credentials_when_on_error_is_strip() throws Exception {
        judge.strip = true;
        judge.script = (r, l) -> {
            throw new IllegalStateException("boom");
        };
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            RawClient.Response response = c.read();
            assertEquals(List.of(), response.values("Access-Control-Allow-Credentials"));
            assertEquals(List.of("*"), response.values("Access-Control-Allow-Origin"));
        }
        assertEquals(1, judge.failures.size());
        assertTrue(server.appExceptions.isEmpty(), server.appExceptions::toString);
    }

    @Test
    void an_operation_Netty_rejects_is_reported_as_an_advice_failure_and_on_error_applies() throws Exception {
        judge.strip = true;
        judge.script = (r, l) -> new String[] {"Bad Name", "x"};
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            assertEquals(List.of(), c.read().values("Access-Control-Allow-Credentials"));
        }
        assertEquals(1, judge.failures.size());
        assertTrue(judge.failures.get(0).startsWith("netty-encode: java.lang.IllegalArgumentException"), judge.failures::toString);
        assertTrue(server.appExceptions.isEmpty(), server.appExceptions::toString);
    }

    @Test
    void a_value_with_CR_or_LF_is_never_written() throws Exception {
        judge.script = (r, l) -> new String[] {"Vary", "Origin\r\nX-Evil: 1", "Vary", "Cookie"};
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            RawClient.Response response = c.read();
            assertEquals(List.of(), response.values("X-Evil"));
            assertEquals(List.of("Accept-Encoding", "Origin", "Cookie"), response.values("Vary"));
        }
    }

    @Test
    void more_pipelined_requests_than_the_queue_holds_are_left_unjudged_never_mis_paired() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        // above our capacity (64), below Netty 4.2's own HttpServerCodec limit (maxPipelineDepth
        // 128, beyond which it drops requests and closes), so the test runs on 4.1 and 4.2
        int n = 120;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < n; i++) {
            burst.append(request("GET", "/hold?n=" + n, "Origin: https://p" + i + ".example"));
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send(burst.toString());
            for (int i = 0; i < n; i++) {
                String expected = i < RequestQueue.CAPACITY ? "https://p" + i + ".example" : "*";
                assertEquals(List.of(expected), c.read().values("Access-Control-Allow-Origin"), "response " + i);
            }
            // the backlog has drained: the connection is judged again
            c.send(request("GET", "/cors", "Origin: https://again.example"));
            assertEquals(List.of("https://again.example"), c.read().values("Access-Control-Allow-Origin"));
        }
        assertEquals(List.of("size=" + RequestQueue.CAPACITY + " overflow=" + (n - RequestQueue.CAPACITY)),
            server.queueSnapshots);
        assertEquals(RequestQueue.CAPACITY + 1, judge.calls.size());
        for (int i = 0; i < RequestQueue.CAPACITY; i++) {
            assertEquals("https://p" + i + ".example", judge.calls.get(i).request().origin);
        }
    }

    @Test
    void nothing_is_recorded_or_judged_while_no_handler_is_set() throws Exception {
        CorsGuardBridge.setHandler(null);
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://app.example"));
            assertEquals(APP_CORS_LINES, c.read().corsLines());
        } finally {
            CorsGuardBridge.setHandler(judge);
        }
        assertTrue(judge.calls.isEmpty());
    }

    @Test
    void a_connection_that_lived_through_an_off_period_is_judged_again_with_its_own_requests() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        CorsGuardBridge.setInstalled(true);
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://before.example"));
            assertEquals(List.of("https://before.example"), c.read().values("Access-Control-Allow-Origin"));
            CorsGuardBridge.setHandler(null); // mode=off: nothing judged, slots still kept
            c.send(request("GET", "/cors", "Origin: https://during.example"));
            assertEquals(List.of("*"), c.read().values("Access-Control-Allow-Origin"));
            // pipelined across the switch back: a request read while off, answered after it
            int read = server.requestsRead.get();
            c.send(request("GET", "/hold?n=2", "Origin: https://during2.example"));
            while (server.requestsRead.get() == read) {
                Thread.onSpinWait();
            }
            CorsGuardBridge.setHandler(judge);
            c.send(request("GET", "/hold?n=2", "Origin: https://after.example"));
            assertEquals(List.of("*"), c.read().values("Access-Control-Allow-Origin"));
            assertEquals(List.of("https://after.example"), c.read().values("Access-Control-Allow-Origin"));
        } finally {
            CorsGuardBridge.setInstalled(false);
            CorsGuardBridge.setHandler(judge);
        }
        assertEquals(2, judge.calls.size());
        assertEquals("https://after.example", judge.calls.get(1).request().origin);
    }

    @Test
    void a_connection_that_lived_through_a_detach_is_no_longer_judged() throws Exception {
        judge.script = NettyInstrumentationTest::echoOrigin;
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("GET", "/cors", "Origin: https://before.example"));
            assertEquals(List.of("https://before.example"), c.read().values("Access-Control-Allow-Origin"));
            CorsGuardBridge.setHandler(null); // not installed and no handler: detached
            c.send(request("GET", "/thread", "Origin: https://during.example"));
            CorsGuardBridge.setHandler(judge);
            // its request went unrecorded: better unjudged than judged with another's facts
            assertEquals(List.of("*"), c.read().values("Access-Control-Allow-Origin"));
            c.send(request("GET", "/cors", "Origin: https://after.example"));
            assertEquals(List.of("*"), c.read().values("Access-Control-Allow-Origin"));
        } finally {
            CorsGuardBridge.setHandler(judge);
        }
        assertEquals(1, judge.calls.size());
    }
}
