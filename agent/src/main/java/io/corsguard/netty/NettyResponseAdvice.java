package io.corsguard.netty;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.RequestQueue;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code HttpObjectEncoder.encode(ChannelHandlerContext, Object, List)}
 * (Netty 4.1 and 4.2; {@code HttpObjectEncoder.write} sends every outbound message there): when
 * the message is a response head ({@code FullHttpResponse} or a {@code DefaultHttpResponse} whose
 * content follows), its headers are complete and still editable. The oldest pending request of
 * the channel is taken from its {@link RequestQueue}, the response's CORS lines go to
 * {@link CorsGuardBridge#decide}, and the returned operations are applied to the headers before
 * Netty serialises them.
 *
 * <p>Interim 1xx responses ({@code 100 Continue}, {@code 103}) do not answer the request, so they
 * leave its entry in place; {@code 101 Switching Protocols} is final. A {@code 101} to {@code h2c}
 * is not judged: its request's facts are left in the channel's {@code io.corsguard.h2upgrade}
 * attribute for the response on HTTP/2 stream 1 ({@link Http2ResponseAdvice}). A request without
 * {@code Origin} costs one poll and no allocation.
 *
 * <p>May reference only Netty, java.* and {@code io.corsguard.bootstrap} types (it is copied
 * into Netty's class).
 */
public final class NettyResponseAdvice {

    private NettyResponseAdvice() {
    }

    @SuppressWarnings("unchecked")
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) ChannelHandlerContext ctx,
                             @Advice.Argument(1) Object msg) {
        // client encoders see HttpRequest, body parts are HttpContent / ByteBuf: all skipped here
        if (!(msg instanceof HttpResponse) || !CorsGuardBridge.tracking()) {
            return;
        }
        HttpResponse response = (HttpResponse) msg;
        HttpHeaders headers = null;
        String[] ops = null;
        try {
            int status = response.status().code();
            if (status >= 100 && status < 200 && status != 101) {
                return;
            }
            Channel channel = ctx.channel();
            Object cachedKey = RequestQueue.nettyKey;
            AttributeKey<Object> key;
            if (cachedKey instanceof AttributeKey) {
                key = (AttributeKey<Object>) cachedKey;
            } else {
                key = AttributeKey.valueOf("io.corsguard.requests");
                RequestQueue.nettyKey = key;
            }
            if (!channel.hasAttr(key)) {
                return;
            }
            Object queue = channel.attr(key).get();
            if (!(queue instanceof RequestQueue)) {
                return;
            }
            // polled in off mode too, so the connection stays paired (see NettyRequestAdvice.keepSlots)
            CapturedRequest request = ((RequestQueue) queue).poll();
            if (request == null || request.origin == null || !CorsGuardBridge.active()) {
                return;
            }
            headers = response.headers();
            if (status == 101 && headers.containsValue(HttpHeaderNames.UPGRADE, "h2c", true)) {
                // h2c upgrade: the answer to this request comes as HTTP/2 stream 1, judged there
                channel.attr(AttributeKey.valueOf("io.corsguard.h2upgrade")).set(request);
                headers = null;
                return;
            }
            // CharSequence iteration: no per-entry String wrapper; names are mostly AsciiString
            // constants whose toString() is cached
            String[] lines = AdviceSupport.corsLines(headers.iteratorCharSequence());
            ops = CorsGuardBridge.decide("netty", request, status, lines, AdviceSupport.lineCount(lines));
        } catch (Throwable t) {
            ops = CorsGuardBridge.adviceFailed("netty-encode", t);
            headers = response.headers();
        }
        // second round only for the on-error ops, if applying the first set itself failed
        for (int attempt = 0; attempt < 2 && ops != null && headers != null; attempt++) {
            try {
                for (int i = 0; i + 1 < ops.length; i += 2) {
                    String name = ops[i];
                    String value = ops[i + 1];
                    if (name == null || !AdviceSupport.isSafeValue(name)) {
                        continue;
                    }
                    if (value == null) {
                        headers.remove(name);
                    } else if (AdviceSupport.isSafeValue(value)) {
                        headers.add(name, value);
                    }
                }
                ops = null;
            } catch (Throwable t) {
                ops = attempt == 0 ? CorsGuardBridge.adviceFailed("netty-encode", t) : null;
            }
        }
    }
}
