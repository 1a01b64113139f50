package io.corsguard.netty;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code DefaultHttp2ConnectionDecoder$FrameReadListener.onHeadersRead} (the
 * eight-argument overload, which the five-argument one calls; Netty 4.1 and 4.2), which every
 * inbound HEADERS frame of an {@code Http2ConnectionHandler} ({@code Http2FrameCodec},
 * {@code HttpToHttp2ConnectionHandler}, Vert.x's handler) passes. On a server connection, the
 * HEADERS frame that opens a stream is a request: when it carries {@code origin}, its facts are
 * recorded for that stream.
 *
 * <p>The stream does not exist yet on entry, and the application may answer inside the call
 * (the listener delivers the headers to it). So the facts are first parked in the channel's
 * one-slot {@code io.corsguard.h2pending} attribute, where {@link Http2ResponseAdvice} finds a
 * response written during the call; on exit, if no response took them, they move onto the
 * {@link Http2Stream} as a property, and so die with the stream. Per connection: one property
 * key and one slot; per open stream: one property.
 *
 * <p>Trailers (a HEADERS frame on an existing stream) and the h2c upgrade's stream 1 (opened by
 * the HTTP/1.1 request, see {@link NettyResponseAdvice}) are not requests here. Client
 * connections ({@code isServer() == false}) are skipped.
 *
 * <p>May reference only Netty, java.* and {@code io.corsguard.bootstrap} types (it is copied
 * into Netty's class).
 */
public final class Http2RequestAdvice {

    private Http2RequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object[] enter(@Advice.Argument(0) ChannelHandlerContext ctx,
                                 @Advice.Argument(1) int streamId,
                                 @Advice.Argument(2) Http2Headers headers) {
        if (!CorsGuardBridge.active() || headers == null) {
            return null;
        }
        ChannelHandler handler = ctx.handler();
        if (!(handler instanceof Http2ConnectionHandler)) {
            return null;
        }
        Http2Connection connection = ((Http2ConnectionHandler) handler).connection();
        if (!connection.isServer() || connection.stream(streamId) != null || !headers.contains("origin")) {
            return null;
        }
        CapturedRequest captured;
        try {
            CharSequence method = headers.method();
            CharSequence path = headers.path();
            // one walk over the fields instead of a lookup (and getAll's list) per name, as on HTTP/1
            captured = AdviceSupport.captureRequest(headers.iterator(),
                method == null ? null : method.toString(),
                path == null ? null : AdviceSupport.pathOf(path.toString()));
        } catch (Throwable t) {
            CorsGuardBridge.adviceFailed("netty-h2-headers-read", t);
            return null;
        }
        Object[] pending = new Object[] {Integer.valueOf(streamId), captured};
        ctx.channel().attr(AttributeKey.<Object>valueOf("io.corsguard.h2pending")).set(pending);
        return pending;
    }

    // also on throwable: the slot is cleared whatever happened
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Argument(0) ChannelHandlerContext ctx,
                            @Advice.Argument(1) int streamId,
                            @Advice.Enter Object[] pending) {
        if (pending == null) {
            return;
        }
        Attribute<Object> slot = ctx.channel().attr(AttributeKey.<Object>valueOf("io.corsguard.h2pending"));
        if (slot.get() != pending) {
            return; // a response written during the call took the facts
        }
        slot.set(null);
        ChannelHandler handler = ctx.handler();
        if (!(handler instanceof Http2ConnectionHandler)) {
            return;
        }
        Http2Connection connection = ((Http2ConnectionHandler) handler).connection();
        Http2Stream stream = connection.stream(streamId);
        if (stream == null) {
            return; // refused or already closed: nothing will answer it
        }
        Attribute<Object> keyAttr = ctx.channel().attr(AttributeKey.<Object>valueOf("io.corsguard.h2key"));
        Object key = keyAttr.get();
        if (!(key instanceof Http2Connection.PropertyKey)) {
            key = connection.newKey();
            Object raced = keyAttr.setIfAbsent(key);
            if (raced instanceof Http2Connection.PropertyKey) {
                key = raced;
            }
        }
        stream.setProperty((Http2Connection.PropertyKey) key, pending[1]);
    }
}
