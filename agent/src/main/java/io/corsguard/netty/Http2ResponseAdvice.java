package io.corsguard.netty;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code DefaultHttp2ConnectionEncoder.writeHeaders0} (private; both
 * public {@code writeHeaders} overloads call it, Netty 4.1 and 4.2), before the HEADERS frame is
 * encoded: on a server connection, a HEADERS frame with a final {@code :status} is a response.
 * Its request's facts are taken from the stream (see {@link Http2RequestAdvice}), from the
 * pending slot when the response is written while the request's HEADERS frame is being read, or,
 * for stream 1 after an h2c upgrade, from what the HTTP/1.1 {@code 101} left
 * ({@link NettyResponseAdvice}). The CORS fields go to {@link CorsGuardBridge#decide} (names are
 * lower case on HTTP/2) and the returned operations are applied to the {@code Http2Headers},
 * names lower-cased.
 *
 * <p>Interim 1xx HEADERS leave the facts in place; trailers (no {@code :status}) and responses
 * whose facts were already taken are not judged; client connections are skipped.
 *
 * <p>May reference only Netty, java.* and {@code io.corsguard.bootstrap} types (it is copied
 * into Netty's class).
 */
public final class Http2ResponseAdvice {

    private Http2ResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Http2ConnectionEncoder encoder,
                             @Advice.Argument(0) ChannelHandlerContext ctx,
                             @Advice.Argument(1) int streamId,
                             @Advice.Argument(2) Http2Headers headers) {
        if (headers == null || !CorsGuardBridge.active()) {
            return;
        }
        String[] ops = null;
        try {
            Http2Connection connection = encoder.connection();
            if (!connection.isServer()) {
                return;
            }
            int status = AdviceSupport.statusCode(headers.status());
            if (status < 200) {
                return; // trailers (no :status) or interim
            }
            Channel channel = ctx.channel();
            CapturedRequest request = null;
            AttributeKey<Object> keyName = AttributeKey.valueOf("io.corsguard.h2key");
            if (channel.hasAttr(keyName)) {
                Object key = channel.attr(keyName).get();
                Http2Stream stream = connection.stream(streamId);
                if (key instanceof Http2Connection.PropertyKey && stream != null) {
                    Object facts = stream.removeProperty((Http2Connection.PropertyKey) key);
                    if (facts instanceof CapturedRequest) {
                        request = (CapturedRequest) facts;
                    }
                }
            }
            if (request == null) {
                AttributeKey<Object> pendingName = AttributeKey.valueOf("io.corsguard.h2pending");
                if (channel.hasAttr(pendingName)) {
                    Attribute<Object> slot = channel.attr(pendingName);
                    Object p = slot.get();
                    if (p instanceof Object[] && ((Object[]) p).length == 2
                            && Integer.valueOf(streamId).equals(((Object[]) p)[0])) {
                        slot.set(null);
                        Object facts = ((Object[]) p)[1];
                        if (facts instanceof CapturedRequest) {
                            request = (CapturedRequest) facts;
                        }
                    }
                }
            }
            if (request == null && streamId == 1) {
                AttributeKey<Object> upgradeName = AttributeKey.valueOf("io.corsguard.h2upgrade");
                if (channel.hasAttr(upgradeName)) {
                    Object facts = channel.attr(upgradeName).getAndSet(null);
                    if (facts instanceof CapturedRequest) {
                        request = (CapturedRequest) facts;
                    }
                }
            }
            if (request == null || request.origin == null) {
                return;
            }
            String[] lines = AdviceSupport.corsLines(headers.iterator());
            ops = CorsGuardBridge.decide("netty", request, status, lines, AdviceSupport.lineCount(lines));
        } catch (Throwable t) {
            ops = CorsGuardBridge.adviceFailed("netty-h2-encode", t);
        }
        // second round only for the on-error ops, if applying the first set itself failed
        for (int attempt = 0; attempt < 2 && ops != null; attempt++) {
            try {
                for (int i = 0; i + 1 < ops.length; i += 2) {
                    String name = ops[i];
                    String value = ops[i + 1];
                    if (name == null || !AdviceSupport.isSafeValue(name)) {
                        continue;
                    }
                    String lower = AdviceSupport.lowerName(name);
                    if (value == null) {
                        headers.remove(lower);
                    } else if (AdviceSupport.isSafeValue(value)) {
                        headers.add(lower, value);
                    }
                }
                ops = null;
            } catch (Throwable t) {
                ops = attempt == 0 ? CorsGuardBridge.adviceFailed("netty-h2-encode", t) : null;
            }
        }
    }
}
