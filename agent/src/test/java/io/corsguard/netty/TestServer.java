package io.corsguard.netty;

import io.corsguard.bootstrap.RequestQueue;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty HTTP/1.1 server on an ephemeral loopback port whose app writes the same CORS
 * headers on every response ({@code ACAO: *}, {@code ACAC: true}, two {@code Vary} lines, an
 * expose line); the path picks how the response is written.
 */
final class TestServer implements AutoCloseable {

    static {
        // keep Netty's debug chatter out of the test output (logback is on the test class path)
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
            io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    }

    final List<Throwable> appExceptions = new CopyOnWriteArrayList<>();
    /** Queue size and overflow seen by {@code /hold} when its last request arrived. */
    final List<String> queueSnapshots = new CopyOnWriteArrayList<>();
    /** Requests the app has read (decoded, so the decoder advice has run for them). */
    final java.util.concurrent.atomic.AtomicInteger requestsRead = new java.util.concurrent.atomic.AtomicInteger();
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final ScheduledExecutorService appThread = Executors.newSingleThreadScheduledExecutor();
    private final Channel server;

    private TestServer(boolean combinedCodec) throws InterruptedException {
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (combinedCodec) {
                        ch.pipeline().addLast(new HttpServerCodec());
                    } else {
                        ch.pipeline().addLast(new HttpRequestDecoder(), new HttpResponseEncoder());
                    }
                    ch.pipeline().addLast(new App());
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    static TestServer start(boolean combinedCodec) throws InterruptedException {
        return new TestServer(combinedCodec);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        appThread.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static void addAppCorsHeaders(HttpHeaders h) {
        h.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        h.add("Access-Control-Allow-Credentials", "true");
        h.add(HttpHeaderNames.VARY, "Accept-Encoding");
        h.add("X-Other", "1");
        h.add("vary", "Origin");
        h.add("access-control-expose-headers", "X-A");
    }

    private static FullHttpResponse full(HttpRequest request) {
        // a bare HttpResponseEncoder (unlike HttpServerCodec) does not know the request was HEAD
        boolean head = HttpMethod.HEAD.equals(request.method());
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        addAppCorsHeaders(r.headers());
        HttpUtil.setContentLength(r, 2);
        return r;
    }

    private final class App extends ChannelInboundHandlerAdapter {
        private HttpRequest current;
        private final List<HttpRequest> held = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    current = request;
                    requestsRead.incrementAndGet();
                    if (HttpUtil.is100ContinueExpected(request)) {
                        FullHttpResponse cont = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
                        cont.headers().add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                        ctx.writeAndFlush(cont);
                    }
                }
                if (msg instanceof LastHttpContent) {
                    respond(ctx, current);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest request) {
            QueryStringDecoder q = new QueryStringDecoder(request.uri());
            switch (q.path()) {
                case "/hold" -> {
                    // answer nothing until n requests are in, as a slow pipelining server would
                    held.add(request);
                    int n = Integer.parseInt(q.parameters().get("n").get(0));
                    if (held.size() == n) {
                        Object queue = ctx.channel().attr(AttributeKey.valueOf("io.corsguard.requests")).get();
                        RequestQueue rq = (RequestQueue) queue;
                        queueSnapshots.add("size=" + rq.size() + " overflow=" + rq.overflow());
                        for (HttpRequest r : held) {
                            ctx.write(full(r));
                        }
                        held.clear();
                        ctx.flush();
                    }
                }
                case "/thread" -> appThread.schedule(() -> {
                    ctx.channel().writeAndFlush(full(request));
                }, 20, TimeUnit.MILLISECONDS);
                case "/chunked" -> {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    addAppCorsHeaders(head.headers());
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("hel", StandardCharsets.US_ASCII)));
                    ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("lo", StandardCharsets.US_ASCII)));
                }
                case "/upgrade" -> {
                    // the codec stays in place: the connection goes on speaking HTTP/1.1 for the test
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
                    addAppCorsHeaders(r.headers());
                    ctx.writeAndFlush(r);
                }
                default -> ctx.writeAndFlush(full(request));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            appExceptions.add(cause);
            ctx.close();
        }
    }
}
