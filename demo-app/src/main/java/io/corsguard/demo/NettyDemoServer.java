package io.corsguard.demo;

import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The demo API on a plain Netty HttpServerCodec pipeline, headers written into HttpHeaders. */
public final class NettyDemoServer {
    private final int port;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel channel;

    public NettyDemoServer(int port) {
        this.port = port;
    }

    @SuppressWarnings("deprecation") // NioEventLoopGroup: deprecated in 4.2, the one API 4.1 and 4.2 share
    public int start() throws InterruptedException {
        boss = new NioEventLoopGroup(1);
        workers = new NioEventLoopGroup(2);
        channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
                }
            })
            .bind("127.0.0.1", port).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.method().name(), req.uri(),
                req.headers().get("Origin"), req.headers().get("Access-Control-Request-Method"),
                req.headers().get("Access-Control-Request-Headers"), req.headers().get("Cookie")));
            boolean head = HttpMethod.HEAD.equals(req.method());
            byte[] body = answer.status == 204 ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            for (String[] h : answer.headers) {
                res.headers().add(h[0], h[1]);
            }
            if (req.uri().contains("login=")) {
                res.headers().add("Set-Cookie", DemoEndpoints.LOGIN_COOKIE);
            }
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
