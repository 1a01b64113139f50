package io.corsguard.bench;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.RequestQueue;
import io.corsguard.engine.Engine;
import io.corsguard.netty.NettyResponseAdvice;
import io.corsguard.servlet.TomcatCommitHookAdvice;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The advice bodies around real server objects: a Tomcat (coyote, Tomcat 9 classes; the same in
 * 10.1/11) response whose headers the app sets with {@code setHeader}, and a Netty
 * {@code DefaultFullHttpResponse}'s {@code HttpHeaders}. The advice's static {@code enter} is
 * called directly, which is what Byte Buddy inlines into {@code prepareResponse()} /
 * {@code HttpObjectEncoder.encode}. Each benchmark has a {@code baseline_*} twin doing the same
 * header writes without the advice: the advice costs the difference.
 *
 * <p>{@code kind}: {@code noOrigin} (request without Origin: the early return),
 * {@code compliant} (trusted origin, compliant credentialed headers),
 * {@code violating} (untrusted origin, reflected ACAO + ACAC: true; correct mode strips ACAC and
 * adds Vary).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AdviceBench {

    @Param({"noOrigin", "compliant", "violating"})
    public String kind;

    Engine engine;

    // Tomcat
    Request coyoteRequest;
    Response coyoteResponse;

    // Netty
    EmbeddedChannel channel;
    ChannelHandlerContext ctx;
    RequestQueue queue;
    FullHttpResponse nettyResponse;
    CapturedRequest captured;

    String origin;
    /**
     * The request's {@code Origin} as the server's parser made it: {@link #origin} itself here;
     * a new string per request in {@link ColdAdviceBench} with {@code freshOrigin}. An app that
     * reflects the origin (kind {@code violating}) writes this one back.
     */
    String requestOrigin;
    /** The Tomcat request's {@code Origin} value. */
    MessageBytes tomcatOrigin;

    /** Keeps the benchmarks' reads of the request's lines (Tomcat's here, Netty's in ColdAdviceBench) from being optimised away. */
    int touched;

    @Setup(Level.Trial)
    public void setUp() {
        engine = Fixtures.engine("correct");
        CorsGuardBridge.setHandler(engine);
        origin = "violating".equals(kind) ? Fixtures.UNTRUSTED : Fixtures.TRUSTED;
        requestOrigin = origin;
        String path = "violating".equals(kind) ? "/api/reflect" : "/api/correct";

        coyoteRequest = new Request();
        coyoteResponse = new Response();
        coyoteRequest.setResponse(coyoteResponse);
        coyoteRequest.method().setString("GET");
        coyoteRequest.requestURI().setString(path);
        MimeHeaders in = coyoteRequest.getMimeHeaders();
        in.addValue("Host").setString("127.0.0.1:8080");
        in.addValue("User-Agent").setString("wrk");
        in.addValue("Accept").setString("*/*");
        if (!"noOrigin".equals(kind)) {
            tomcatOrigin = in.addValue("Origin");
            tomcatOrigin.setString(origin);
            in.addValue("Cookie").setString("session=demo");
        }

        channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ctx = channel.pipeline().firstContext();
        queue = new RequestQueue(); // after setHandler: a queue from before activation is stale
        channel.attr(AttributeKey.<Object>valueOf("io.corsguard.requests")).set(queue);
        nettyResponse = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        captured = "noOrigin".equals(kind) ? CapturedRequest.NO_ORIGIN
            : new CapturedRequest(origin, "GET", path, null, null, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        CorsGuardBridge.setHandler(null);
        engine.reporter().close();
        channel.finishAndReleaseAll();
    }

    void tomcatAppWrites() {
        // Tomcat parsed these lines for this request, and the app read some: touched, as in a
        // server (it matters only where the caches are emptied between calls, ColdAdviceBench)
        MimeHeaders in = coyoteRequest.getMimeHeaders();
        for (int i = 0; i < in.size(); i++) {
            touched += in.getName(i).getLength() + in.getValue(i).getLength();
        }
        touched += coyoteRequest.method().getLength() + coyoteRequest.requestURI().getLength();
        Response r = coyoteResponse;
        r.getMimeHeaders().recycle();
        r.setStatus(200);
        r.setHeader("Content-Type", "application/json");
        r.setHeader("Cache-Control", "no-store");
        if (!"noOrigin".equals(kind)) {
            r.setHeader("Access-Control-Allow-Origin", "violating".equals(kind) ? requestOrigin : origin);
            r.setHeader("Access-Control-Allow-Credentials", "true");
            if ("compliant".equals(kind)) {
                r.setHeader("Vary", "Origin");
            }
        }
    }

    void nettyAppWrites() {
        nettyHeaderWrites();
        // what NettyRequestAdvice recorded when the request came in
        queue.push(captured);
    }

    void nettyHeaderWrites() {
        HttpHeaders h = nettyResponse.headers();
        h.clear();
        h.set("Content-Type", "application/json");
        h.set("Content-Length", "2");
        if (!"noOrigin".equals(kind)) {
            h.set("Access-Control-Allow-Origin", "violating".equals(kind) ? requestOrigin : origin);
            h.set("Access-Control-Allow-Credentials", "true");
            if ("compliant".equals(kind)) {
                h.set("Vary", "Origin");
            }
        }
    }

    /** What the server does with the response head after the advice: nothing here (see ColdAdviceBench). */
    Response tomcatHead(Response r) {
        return r;
    }

    /** What the server does with the response head after the advice: nothing here (see ColdAdviceBench). */
    FullHttpResponse nettyHead(FullHttpResponse r) {
        return r;
    }

    @Benchmark
    public Response baseline_tomcat() {
        tomcatAppWrites();
        return tomcatHead(coyoteResponse);
    }

    @Benchmark
    public Response tomcat() {
        tomcatAppWrites();
        TomcatCommitHookAdvice.enter(coyoteResponse);
        return tomcatHead(coyoteResponse);
    }

    @Benchmark
    public FullHttpResponse baseline_netty() {
        nettyAppWrites();
        queue.poll(); // keep the queue balanced, as the advice would
        return nettyHead(nettyResponse);
    }

    @Benchmark
    public FullHttpResponse netty() {
        nettyAppWrites();
        NettyResponseAdvice.enter(ctx, nettyResponse);
        return nettyHead(nettyResponse);
    }
}
