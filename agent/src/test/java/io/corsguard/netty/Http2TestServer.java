package io.corsguard.netty;

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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty HTTP/2 cleartext server ({@code Http2FrameCodec} + {@code Http2MultiplexHandler},
 * prior knowledge and h2c upgrade next to HTTP/1.1) whose app writes the same CORS fields on
 * every response; the path picks how and when the response is written.
 */
final class Http2TestServer implements AutoCloseable {

    static {
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
            io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    }

    final List<Throwable> appExceptions = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final ScheduledExecutorService appThread = Executors.newSingleThreadScheduledExecutor();
    private final Channel server;

    private Http2TestServer() throws InterruptedException {
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    HttpServerCodec source = new HttpServerCodec();
                    HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(source, protocol ->
                        AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                            ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new StreamInit()))
                            : null);
                    ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(source, upgrade,
                        new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel c) {
                                c.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new StreamInit()));
                            }
                        }));
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    }

    static Http2TestServer start() throws InterruptedException {
        return new Http2TestServer();
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

    static Http2Headers appHeaders(String status) {
        return new DefaultHttp2Headers()
            .status(status)
            .add("access-control-allow-origin", "*")
            .add("access-control-allow-credentials", "true")
            .add("vary", "accept-encoding")
            .add("vary", "origin")
            .add("access-control-expose-headers", "x-a")
            .add("x-other", "1");
    }

    private final class StreamInit extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new App());
        }
    }

    private final class App extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof Http2HeadersFrame) || !((Http2HeadersFrame) msg).isEndStream()) {
                    return; // the tests send no bodies
                }
                CharSequence p = ((Http2HeadersFrame) msg).headers().path();
                String path = p == null ? "/" : p.toString();
                if (path.startsWith("/later")) {
                    // after the request's HEADERS frame was read: facts come from the stream
                    ctx.executor().execute(() -> respond(ctx, "200"));
                } else if (path.startsWith("/thread")) {
                    appThread.schedule(() -> respond(ctx, "200"), 20, TimeUnit.MILLISECONDS);
                } else if (path.startsWith("/interim")) {
                    ctx.write(new DefaultHttp2HeadersFrame(appHeaders("103")));
                    respond(ctx, "200");
                } else if (path.startsWith("/trailers")) {
                    ctx.write(new DefaultHttp2HeadersFrame(appHeaders("200")));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII)));
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().add("access-control-allow-origin", "https://trailer.example"), true));
                } else {
                    respond(ctx, "200");
                }
            } catch (Throwable t) {
                appExceptions.add(t);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, String status) {
            ctx.write(new DefaultHttp2HeadersFrame(appHeaders(status)));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            appExceptions.add(cause);
            ctx.close();
        }
    }
}
