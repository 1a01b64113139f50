package io.corsguard.netty;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.RequestQueue;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import net.bytebuddy.asm.Advice;

import java.util.List;

/**
 * Inlined into {@code HttpObjectDecoder.decode(ChannelHandlerContext, ByteBuf, List)} (Netty 4.1
 * and 4.2): every {@code HttpRequest} the call added to {@code out} — one or several, when a
 * client pipelines requests in one packet — is recorded, in order, in the channel's
 * {@link RequestQueue}; one without {@code Origin} as {@link CapturedRequest#NO_ORIGIN}, since it
 * still takes a response slot in the FIFO.
 *
 * <p>Hooked on the base class, not {@code HttpServerCodec}'s decoder (which calls it), so
 * {@code HttpServerCodec} and a plain {@code HttpRequestDecoder} both count once. Client-side
 * decoders produce {@code HttpResponse}s and are skipped by the type check.
 *
 * <p>May reference only Netty, java.* and {@code io.corsguard.bootstrap} types (it is copied
 * into Netty's class).
 */
public final class NettyRequestAdvice {

    private NettyRequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.Argument(2) List<Object> out) {
        return CorsGuardBridge.tracking() ? out.size() : -1;
    }

    // also on throwable: ByteToMessageDecoder still fires what is in out when decode throws
    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Argument(0) ChannelHandlerContext ctx,
                            @Advice.Argument(2) List<Object> out,
                            @Advice.Enter int start) {
        if (start < 0) {
            return;
        }
        int end = out.size();
        boolean off = !CorsGuardBridge.active();
        RequestQueue queue = null;
        AttributeKey<Object> key = null;
        for (int i = start; i < end; i++) {
            Object msg = out.get(i);
            if (!(msg instanceof HttpRequest)) {
                continue;
            }
            if (key == null) {
                Object cachedKey = RequestQueue.nettyKey;
                if (cachedKey instanceof AttributeKey) {
                    key = (AttributeKey<Object>) cachedKey;
                } else {
                    key = AttributeKey.valueOf("io.corsguard.requests");
                    RequestQueue.nettyKey = key;
                }
            }
            if (off) {
                // off mode: nothing captured, but a connection that already has a queue keeps one
                // slot per request, so its responses stay paired when the mode changes back
                Object existing = ctx.channel().hasAttr(key) ? ctx.channel().attr(key).get() : null;
                if (existing instanceof RequestQueue) {
                    ((RequestQueue) existing).push(CapturedRequest.NO_ORIGIN);
                }
                continue;
            }
            if (queue == null) {
                Attribute<Object> attr = ctx.channel().attr(key);
                Object existing = attr.get();
                if (existing instanceof RequestQueue) {
                    queue = (RequestQueue) existing;
                } else {
                    queue = new RequestQueue();
                    attr.set(queue);
                }
            }
            HttpRequest request = (HttpRequest) msg;
            HttpHeaders headers = request.headers();
            CapturedRequest captured = CapturedRequest.NO_ORIGIN;
            try {
                // one hash lookup for the common request without Origin; with one, a single walk
                // over the headers instead of a lookup (and getAll's list) per name
                if (headers.contains(HttpHeaderNames.ORIGIN)) {
                    captured = AdviceSupport.captureRequest(headers.iteratorCharSequence(),
                        request.method().name(), AdviceSupport.pathOf(request.uri()));
                }
            } catch (Throwable t) {
                // the slot must still be taken, or every later response would get the wrong facts
                CorsGuardBridge.adviceFailed("netty-decode", t);
                captured = CapturedRequest.NO_ORIGIN;
            }
            queue.push(captured);
        }
    }
}
