package io.corsguard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One whole HTTP/1.1 exchange through a real Netty server pipeline ({@code HttpServerCodec},
 * {@code HttpObjectAggregator} and a handler that answers like the demo app's {@code /api/correct}
 * and {@code /api/reflect}), on an {@code EmbeddedChannel}: request bytes in, response bytes out,
 * on one thread with no socket. Nothing here refers to the agent: run it once plain and once with
 * the agent jar attached ({@code -jvmArgsAppend -javaagent:...}, see {@code run-pipeline.sh}); the
 * difference is what the woven decoder and encoder cost per request, free of the scheduling and
 * loopback noise that dominates the wrk runs on two cores.
 *
 * <p>{@code kind}: {@code noOrigin} (no Origin: nothing judged), {@code compliant} (trusted origin,
 * ACAO + ACAC + Vary), {@code violating} (untrusted origin reflected with ACAC: correct mode
 * strips ACAC and adds Vary). With {@code -Dbench.expectAgent=correct} the set-up checks that the
 * violating response really leaves corrected, so an agent that failed to weave cannot pass for a
 * cheap one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NettyPipelineBench {

    @Param({"noOrigin", "compliant", "violating"})
    public String kind;

    EmbeddedChannel channel;
    ByteBuf request;

    static final String TRUSTED = "https://app.example.com";
    static final String UNTRUSTED = "https://evil.example";

    /** Answers as the demo's Netty server does: the app's own CORS headers, then type and length. */
    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(BODY));
            String origin = req.headers().get("Origin");
            if (origin != null) {
                if (req.uri().startsWith("/api/reflect")) {
                    res.headers().add("Access-Control-Allow-Origin", origin);
                    res.headers().add("Access-Control-Allow-Credentials", "true");
                } else if (TRUSTED.equals(origin)) {
                    res.headers().add("Access-Control-Allow-Origin", TRUSTED);
                    res.headers().add("Access-Control-Allow-Credentials", "true");
                    res.headers().add("Vary", "Origin");
                }
            }
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            ctx.writeAndFlush(res);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
        String head;
        switch (kind) {
            case "noOrigin":
                head = "GET /api/correct HTTP/1.1\r\nHost: 127.0.0.1:18081\r\n";
                break;
            case "compliant":
                head = "GET /api/correct HTTP/1.1\r\nHost: 127.0.0.1:18081\r\nOrigin: " + TRUSTED
                    + "\r\nCookie: session=demo\r\n";
                break;
            case "violating":
                head = "GET /api/reflect HTTP/1.1\r\nHost: 127.0.0.1:18081\r\nOrigin: " + UNTRUSTED
                    + "\r\nCookie: session=demo\r\n";
                break;
            default:
                throw new IllegalArgumentException(kind);
        }
        request = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(head + "\r\n", StandardCharsets.US_ASCII));
        String response = exchangeText();
        checkAgent(kind, response);
    }

    /**
     * With {@code -Dbench.expectAgent=correct} the violating response must leave without
     * credentials, without it with them: a build that did not weave cannot pass for a cheap one.
     * Shared by the pipeline benchmarks.
     */
    static void checkAgent(String kind, String response) {
        String expect = System.getProperty("bench.expectAgent", "none");
        boolean hasAcac = response.toLowerCase().contains("access-control-allow-credentials: true");
        if ("violating".equals(kind)) {
            boolean corrected = !hasAcac;
            if (corrected != "correct".equals(expect)) {
                throw new IllegalStateException("expected agent " + expect + " but the violating response was "
                    + (corrected ? "corrected" : "left as written") + ":\n" + response);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    private String exchangeText() {
        StringBuilder out = new StringBuilder();
        channel.writeInbound(request.duplicate());
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            if (msg instanceof ByteBuf) {
                out.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
        return out.toString();
    }

    @Benchmark
    public int exchange() {
        channel.writeInbound(request.duplicate());
        int bytes = 0;
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            if (msg instanceof ByteBuf) {
                bytes += ((ByteBuf) msg).readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }
        return bytes;
    }
}
