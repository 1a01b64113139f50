package io.corsguard.netty;

import io.corsguard.install.CorsGuardTransformer;
import io.corsguard.install.ServerInstrumentation;
import java.util.Collections;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Netty advice installed into this JVM, a real Netty HTTP/2 cleartext server on loopback
 * ({@code Http2FrameCodec} + {@code Http2MultiplexHandler}), the JDK's HTTP/2 client (whose
 * first request on a connection is an h2c upgrade, answered on stream 1; later ones are plain
 * HTTP/2 streams): asserts what the client received and what the judge was asked.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class Http2InstrumentationTest {

    static final List<String> APP_CORS_LINES = List.of(
        "access-control-allow-origin: *",
        "access-control-allow-credentials: true",
        "vary: accept-encoding",
        "vary: origin",
        "access-control-expose-headers: x-a");

    static Instrumentation instrumentation;
    static CorsGuardTransformer transformer;
    static final Set<String> transformed = ConcurrentHashMap.newKeySet();
    static final List<String> transformErrors = new ArrayList<>();
    static final RecordingHandler judge = new RecordingHandler();

    Http2TestServer server;
    HttpClient client;

    @BeforeAll
    static void installAgent() throws Exception {
        instrumentation = ByteBuddyAgent.install();
        transformer = new CorsGuardTransformer(Collections.<ServerInstrumentation>singletonList(new NettyInstrumentation()),
            Http2InstrumentationTest.class.getClassLoader(), new CorsGuardTransformer.Listener() {
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
        server = Http2TestServer.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    }

    @AfterEach
    void stopServer() {
        server.close();
        assertTrue(transformErrors.isEmpty(), transformErrors::toString);
        assertTrue(server.appExceptions.isEmpty(), server.appExceptions::toString);
    }

    private static String[] echoOrigin(CapturedRequest r, List<String> lines) {
        return new String[] {"Access-Control-Allow-Origin", null, "Access-Control-Allow-Origin", r.origin};
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
        for (String h : headers) {
            int colon = h.indexOf(':');
            b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, res.version());
        return res;
    }

    /** Opens the connection with the h2c upgrade (stream 1), so later requests are HTTP/2 streams. */
    private void upgrade() throws Exception {
        send("GET", "/cors");
    }

    private static List<String> corsLines(HttpResponse<?> res) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("access-control-allow-origin", "access-control-allow-credentials", "vary",
            "access-control-expose-headers")) {
            for (String v : res.headers().allValues(name)) {
                out.add(name + ": " + v);
            }
        }
        return out;
    }

    @Test
    void the_HTTP2_decoder_listener_and_encoder_are_transformed() throws Exception {
        upgrade();
        assertTrue(transformed.contains(NettyInstrumentation.H2_DECODER_LISTENER), transformed::toString);
        assertTrue(transformed.contains(NettyInstrumentation.H2_ENCODER), transformed::toString);
    }

    @Test
    void request_facts_come_from_the_streams_request_headers() throws Exception {
        upgrade();
        send("OPTIONS", "/cors?x=1", "Origin: https://app.example", "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: x-a, x-b", "Cookie: s=1");
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
    void authorization_counts_as_credentials_and_absent_preflight_fields_are_null() throws Exception {
        upgrade();
        send("GET", "/cors", "Origin: https://app.example", "Authorization: Bearer x");
        send("GET", "/cors", "Origin: https://app.example");
        CapturedRequest first = judge.calls.get(0).request();
        assertTrue(first.credentialsHint);
        assertNull(first.requestMethod);
        assertNull(first.requestHeaders);
        assertFalse(judge.calls.get(1).request().credentialsHint);
    }

    @Test
    void the_CORS_fields_reach_the_judge_in_order_lower_case_and_nothing_else() throws Exception {
        upgrade();
        HttpResponse<String> res = send("GET", "/cors", "Origin: https://app.example");
        assertEquals(APP_CORS_LINES, corsLines(res));
        assertEquals(List.of(APP_CORS_LINES), judge.calls.stream().map(RecordingHandler.Call::lines).toList());
    }

    @Test
    void operations_are_applied_to_the_response_headers_with_lower_case_names() throws Exception {
        judge.script = (r, l) -> new String[] {
            "Access-Control-Allow-Credentials", null,
            "Access-Control-Allow-Origin", null,
            "Access-Control-Allow-Origin", r.origin,
            "Vary", "Origin"};
        upgrade();
        HttpResponse<String> res = send("GET", "/cors", "Origin: https://app.example");
        assertEquals(List.of(
            "access-control-allow-origin: https://app.example",
            "vary: accept-encoding",
            "vary: origin",
            "vary: Origin",
            "access-control-expose-headers: x-a"), corsLines(res));
        assertEquals("ok", res.body());
        assertEquals(List.of("1"), res.headers().allValues("x-other"));
    }

    @Test
    void the_h2c_upgrade_request_is_judged_on_its_stream_1_response() throws Exception {
        judge.script = Http2InstrumentationTest::echoOrigin;
        HttpResponse<String> res = send("GET", "/cors?upgrade", "Origin: https://up.example", "Cookie: s=1");
        assertEquals(List.of("https://up.example"), res.headers().allValues("access-control-allow-origin"));
        assertEquals(1, judge.calls.size(), "the 101 itself is not judged: " + judge.calls);
        assertEquals(200, judge.calls.get(0).status());
        assertEquals("https://up.example", judge.calls.get(0).request().origin);
        assertEquals("/cors", judge.calls.get(0).request().path);
        assertTrue(judge.calls.get(0).request().credentialsHint);
    }

    @Test
    void a_request_without_origin_is_never_judged() throws Exception {
        judge.script = (r, l) -> new String[] {"Access-Control-Allow-Credentials", null};
        send("GET", "/cors", "Cookie: s=1");
        HttpResponse<String> res = send("GET", "/cors", "Cookie: s=1");
        assertEquals(APP_CORS_LINES, corsLines(res));
        assertTrue(judge.calls.isEmpty(), judge.calls::toString);
    }

    @Test
    void responses_written_later_or_from_another_thread_are_judged_with_their_own_stream() throws Exception {
        judge.script = Http2InstrumentationTest::echoOrigin;
        upgrade();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String path = (i % 3 == 0 ? "/later" : i % 3 == 1 ? "/thread" : "/cors") + "?i=" + i;
            futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Origin", "https://s" + i + ".example").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> res = futures.get(i).get();
            assertEquals(HttpClient.Version.HTTP_2, res.version());
            assertEquals(List.of("https://s" + i + ".example"), res.headers().allValues("access-control-allow-origin"),
                "response " + i);
        }
        assertEquals(6, judge.calls.size());
    }

    @Test
    void an_interim_103_is_not_judged_and_leaves_the_request_for_the_final_response() throws Exception {
        judge.script = Http2InstrumentationTest::echoOrigin;
        upgrade();
        HttpResponse<String> res = send("GET", "/interim", "Origin: https://early.example");
        assertEquals(200, res.statusCode());
        assertEquals(List.of("https://early.example"), res.headers().allValues("access-control-allow-origin"));
        assertEquals(List.of(200), judge.calls.stream().map(RecordingHandler.Call::status).toList());
    }

    @Test
    void trailers_are_not_judged_and_do_not_take_a_request() throws Exception {
        judge.script = Http2InstrumentationTest::echoOrigin;
        upgrade();
        HttpResponse<String> res = send("GET", "/trailers", "Origin: https://tr.example");
        assertEquals(List.of("https://tr.example"), res.headers().allValues("access-control-allow-origin"));
        assertEquals(1, judge.calls.size());
        assertEquals(200, judge.calls.get(0).status());
    }

    @Test
    void a_failing_judge_strips_credentials_when_on_error_is_strip() throws Exception {
        judge.strip = true;
        judge.script = (r, l) -> {
            throw new IllegalStateException("boom");
        };
        upgrade();
        HttpResponse<String> res = send("GET", "/cors", "Origin: https://app.example");
        assertEquals(List.of(), res.headers().allValues("access-control-allow-credentials"));
        assertEquals(List.of("*"), res.headers().allValues("access-control-allow-origin"));
        assertEquals(1, judge.failures.size(), "the upgrading request carried no origin");
        assertTrue(judge.failures.get(0).startsWith("netty: java.lang.IllegalStateException"), judge.failures::toString);
    }

    @Test
    void a_value_with_CR_or_LF_is_never_written() throws Exception {
        judge.script = (r, l) -> new String[] {"Vary", "Origin\r\nX-Evil: 1", "Vary", "Cookie"};
        upgrade();
        HttpResponse<String> res = send("GET", "/cors", "Origin: https://app.example");
        assertEquals(List.of("accept-encoding", "origin", "Cookie"), res.headers().allValues("vary"));
    }

    @Test
    void nothing_is_recorded_or_judged_while_no_handler_is_set() throws Exception {
        CorsGuardBridge.setHandler(null);
        try {
            upgrade();
            HttpResponse<String> res = send("GET", "/later", "Origin: https://app.example");
            assertEquals(APP_CORS_LINES, corsLines(res));
        } finally {
            CorsGuardBridge.setHandler(judge);
        }
        assertTrue(judge.calls.isEmpty());
    }

    @Test
    void a_Netty_HTTP2_client_in_the_same_JVM_is_left_alone() {
        judge.script = (r, l) -> {
            throw new AssertionError("a client connection must not be judged");
        };
        Http2ConnectionHandler handler = new Http2ConnectionHandlerBuilder()
            .server(false).frameListener(new Http2FrameAdapter()).build();
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        handler.encoder().writeHeaders(ch.pipeline().context(handler), 1, new DefaultHttp2Headers()
            .method("GET").path("/x").scheme("http").authority("a.example")
            .add("origin", "https://app.example")
            .add("access-control-allow-credentials", "true"), 0, true, ch.newPromise());
        ch.flush();
        for (Object out; (out = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
        }
        assertFalse(ch.hasAttr(AttributeKey.valueOf("io.corsguard.h2pending")));
        assertTrue(judge.calls.isEmpty());
        assertTrue(judge.failures.isEmpty(), judge.failures::toString);
        ch.finishAndReleaseAll();
    }
}
