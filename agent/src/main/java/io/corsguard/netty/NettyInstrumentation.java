package io.corsguard.netty;

import io.corsguard.install.NamedTypesInstrumentation;
import io.corsguard.install.Weaving;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Plain Netty HTTP/1.x servers, 4.1 and 4.2 ({@code HttpServerCodec}, or
 * {@code HttpRequestDecoder} + {@code HttpResponseEncoder}): request facts are recorded when
 * {@code HttpObjectDecoder.decode} emits a request, and each response is judged when
 * {@code HttpObjectEncoder.encode} receives its head. Both methods have the same signature in
 * 4.1.128 and 4.2.18 (4.2 moved the generic codec base classes to {@code netty-codec-base}, the
 * HTTP ones stay in {@code netty-codec-http}). Matched by exact class name: shaded Netty copies
 * (gRPC, Elasticsearch) are not covered.
 *
 * <p>HTTP/2 ({@code Http2FrameCodec}, {@code Http2ConnectionHandler} and its subclasses, h2c
 * prior knowledge or upgrade, h2 over TLS): request facts from the stream-opening HEADERS frame in
 * {@code DefaultHttp2ConnectionDecoder$FrameReadListener.onHeadersRead}, responses judged and
 * patched in {@code DefaultHttp2ConnectionEncoder.writeHeaders0}, same signatures in 4.1.128 and
 * 4.2; see {@link Http2RequestAdvice} and {@link Http2ResponseAdvice}. Reported as server
 * {@code netty}, like HTTP/1.x.
 *
 * <p>4.2's {@code HttpServerCodec} caps pipelining ({@code maxPipelineDepth}, default 128): its
 * decoder subclass drops requests beyond that after {@code HttpObjectDecoder.decode} returned, so
 * they are already recorded; they sit at the tail of the queue, no response ever takes them, and
 * Netty closes the connection after the pending responses, so no response is mis-paired.
 */
public final class NettyInstrumentation extends NamedTypesInstrumentation {

    static final String DECODER = "io.netty.handler.codec.http.HttpObjectDecoder";
    static final String ENCODER = "io.netty.handler.codec.http.HttpObjectEncoder";
    static final String H2_DECODER_LISTENER = "io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder$FrameReadListener";
    static final String H2_ENCODER = "io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder";

    public NettyInstrumentation() {
        super(DECODER, ENCODER, H2_DECODER_LISTENER, H2_ENCODER);
        // Netty's own classes load as the server is built; its HTTP/1.x codec (servers and clients
        // alike) at the first connection. HTTP/2 is woven when it loads
        preWeave("io/netty/", DECODER, ENCODER);
    }

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public void weave(Weaving weaving) {
        String name = weaving.internalName().replace('/', '.');
        if (name.equals(DECODER)) {
            weaving.advice(isMethod().and(named("decode")).and(takesArguments(3))
                    .and(takesArgument(0, named("io.netty.channel.ChannelHandlerContext")))
                    .and(takesArgument(1, named("io.netty.buffer.ByteBuf")))
                    .and(takesArgument(2, named("java.util.List"))),
                "io.corsguard.netty.NettyRequestAdvice");
        } else if (name.equals(ENCODER)) {
            weaving.advice(isMethod().and(named("encode")).and(takesArguments(3))
                    .and(takesArgument(0, named("io.netty.channel.ChannelHandlerContext")))
                    .and(takesArgument(1, named("java.lang.Object")))
                    .and(takesArgument(2, named("java.util.List"))),
                "io.corsguard.netty.NettyResponseAdvice");
        } else if (name.equals(H2_DECODER_LISTENER)) {
            weaving.advice(isMethod().and(named("onHeadersRead")).and(takesArguments(8))
                    .and(takesArgument(0, named("io.netty.channel.ChannelHandlerContext")))
                    .and(takesArgument(1, int.class))
                    .and(takesArgument(2, named("io.netty.handler.codec.http2.Http2Headers"))),
                "io.corsguard.netty.Http2RequestAdvice");
        } else if (name.equals(H2_ENCODER)) {
            weaving.advice(isMethod().and(named("writeHeaders0")).and(takesArguments(10))
                    .and(takesArgument(0, named("io.netty.channel.ChannelHandlerContext")))
                    .and(takesArgument(1, int.class))
                    .and(takesArgument(2, named("io.netty.handler.codec.http2.Http2Headers"))),
                "io.corsguard.netty.Http2ResponseAdvice");
        }
    }
}
