package io.corsguard.bench;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.netty.NettyRequestAdvice;
import io.corsguard.netty.NettyResponseAdvice;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.coyote.Response;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link AdviceBench} with the core's private caches emptied before every call: under wrk the
 * agent costs 3-5 times what it costs in a hot loop (BENCHMARKS.md sections 11-12), and the
 * explanation given there is that its data (memo entry, line strings, outcome, counters, the
 * channel's attribute and queue) are out of L1/L2 by the next request, after Netty, the kernel's
 * socket code and wrk have run on the core. This tests that in process: before each call (not
 * timed: {@code Level.Invocation}), {@code cache=cold} writes one word per 64-byte line of a
 * buffer of {@code evictKb} KiB, twice the L2 of this machine's cores, so that what the call
 * touches comes from L3 or memory; {@code cache=warm} does nothing there, so both pay the same
 * per-invocation timing overhead. The app's header writes and objects are evicted alike in the
 * baseline and the advice variants: their difference is the agent's cost on cold caches.
 *
 * <p>Two options bring the calls closer to a server's, both off by default (sections 15 and 16
 * were measured without them): {@code freshOrigin}, the request's {@code Origin} a new string
 * per request, as a parser makes it, so that the decision memo compares it by content and not
 * by identity; {@code writeHead}, the response head written out right after the advice, as the
 * server does next, in both variants, so that the lines the advice read first are not charged
 * to it alone (the server reads them anyway).
 */
public class ColdAdviceBench extends AdviceBench {

    @Param({"warm", "cold"})
    public String cache;

    @Param({"2048"})
    public int evictKb;

    @Param({"false"})
    public boolean freshOrigin;

    @Param({"false"})
    public boolean writeHead;

    /** Where {@code writeHead} writes the response head (a server's output buffer). */
    private final byte[] head = new byte[4096];

    private long[] evict;
    private long sink;

    @Setup(Level.Trial)
    public void allocateEvictionBuffer() {
        evict = new long[evictKb * 1024 / 8];
    }

    private CapturedRequest tomcatFacts;
    private String[] tomcatLines;

    @Setup(Level.Trial)
    public void prepareBridgeInputs() {
        tomcatFacts = "noOrigin".equals(kind) ? CapturedRequest.NO_ORIGIN
            : new CapturedRequest(origin, "GET", "violating".equals(kind) ? "/api/reflect" : "/api/correct", null,
                null, true);
        tomcatLines = "noOrigin".equals(kind) ? new String[0]
            : "compliant".equals(kind)
            ? new String[] {"Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true", "Vary", "Origin"}
            : new String[] {"Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true"};
    }

    /**
     * The app's writes and the bridge's decision on inputs read beforehand: what {@link #tomcat}
     * costs beyond this is the advice reading the request and the response (ops not applied).
     */
    @Benchmark
    public Object bridge_tomcat() {
        tomcatAppWrites();
        Response r = coyoteResponse;
        String[] ops = CorsGuardBridge.decide("servlet", tomcatFacts, r.getStatus(), tomcatLines, tomcatLines.length / 2);
        tomcatHead(r);
        return ops == null ? r : ops;
    }

    private HttpRequest nettyRequest;
    private final List<Object> decoded = new ArrayList<>();

    @Setup(Level.Trial)
    public void prepareNettyRequest() {
        nettyRequest = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
            "violating".equals(kind) ? "/api/reflect" : "/api/correct");
        HttpHeaders h = nettyRequest.headers();
        h.add("Host", "127.0.0.1:8080");
        h.add("User-Agent", "wrk");
        h.add("Accept", "*/*");
        if (!"noOrigin".equals(kind)) {
            h.add("Origin", origin);
            h.add("Cookie", "session=demo");
        }
    }

    /**
     * The decoder's output, then the app's reads of the request as the demo's Netty handler makes
     * them (method, URI and four header lookups), then its writes. In a server the request was
     * just decoded, so its lines, hash table, method and URI are in the caches: touched here in
     * the baseline too, so that only what the agent adds is counted as its cold cost.
     */
    private void nettyExchange() {
        decoded.clear();
        decoded.add(nettyRequest);
        HttpHeaders h = nettyRequest.headers();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            touched += e.getKey().length() + e.getValue().length();
        }
        touched += nettyRequest.method().name().length() + nettyRequest.uri().length()
            + length(h.get("Origin")) + length(h.get("Access-Control-Request-Method"))
            + length(h.get("Access-Control-Request-Headers")) + length(h.get("Cookie"));
        nettyHeaderWrites();
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** {@link #netty_exchange} without the agent: no queue, no advice. */
    @Benchmark
    public FullHttpResponse baseline_netty_exchange() {
        nettyExchange();
        return nettyHead(nettyResponse);
    }

    /**
     * Both Netty advices of one exchange: the request's when it is decoded (the queue, the facts
     * captured), the response's when it is encoded, as woven into {@code HttpObjectDecoder.decode}
     * and {@code HttpObjectEncoder.encode}.
     */
    @Benchmark
    public FullHttpResponse netty_exchange() {
        decoded.clear();
        int start = NettyRequestAdvice.enter(decoded);
        nettyExchange();
        NettyRequestAdvice.exit(ctx, decoded, start);
        NettyResponseAdvice.enter(ctx, nettyResponse);
        return nettyHead(nettyResponse);
    }

    @Setup(Level.Invocation)
    public void evictCaches() {
        if ("cold".equals(cache)) {
            long[] e = evict;
            long s = sink;
            // a store per line leaves it modified: the lines the call then needs were really evicted
            for (int i = 0; i < e.length; i += 8) {
                e[i] = s + i;
            }
            sink = s + e[e.length - 8];
        }
        // after the eviction: the parser has just made it
        nextRequest();
    }

    /**
     * With {@code freshOrigin}, the next request's Origin: the same text, a new string, wherever
     * the request holds it; nothing otherwise.
     */
    void nextRequest() {
        if (!freshOrigin || "noOrigin".equals(kind)) {
            return;
        }
        String fresh = new String(origin.toCharArray());
        requestOrigin = fresh;
        tomcatOrigin.setString(fresh);
        nettyRequest.headers().set("Origin", fresh);
        String path = "violating".equals(kind) ? "/api/reflect" : "/api/correct";
        captured = new CapturedRequest(fresh, "GET", path, null, null, true);
        tomcatFacts = new CapturedRequest(fresh, "GET", path, null, null, true);
        if ("violating".equals(kind)) {
            tomcatLines[1] = fresh;
        }
    }

    /** With {@code writeHead}: the response's lines written out as Tomcat's output buffer does. */
    @Override
    Response tomcatHead(Response r) {
        if (writeHead) {
            MimeHeaders h = r.getMimeHeaders();
            int p = 0;
            for (int i = 0; i < h.size(); i++) {
                p = write(h.getName(i), p);
                p = write(h.getValue(i), p);
            }
            touched += p;
        }
        return r;
    }

    private int write(MessageBytes mb, int p) {
        if (mb.getType() == MessageBytes.T_BYTES) {
            ByteChunk bc = mb.getByteChunk();
            System.arraycopy(bc.getBuffer(), bc.getStart(), head, p, bc.getLength());
            return p + bc.getLength();
        }
        return write(mb.toString(), p);
    }

    /** With {@code writeHead}: the response's lines written out as Netty's encoder does. */
    @Override
    FullHttpResponse nettyHead(FullHttpResponse r) {
        if (writeHead) {
            int p = 0;
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = r.headers().iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                p = write(e.getKey(), p);
                p = write(e.getValue(), p);
            }
            touched += p;
        }
        return r;
    }

    private int write(CharSequence s, int p) {
        if (s instanceof AsciiString) {
            AsciiString a = (AsciiString) s;
            System.arraycopy(a.array(), a.arrayOffset(), head, p, a.length());
            return p + a.length();
        }
        for (int i = 0; i < s.length(); i++) {
            head[p++] = (byte) s.charAt(i);
        }
        return p;
    }
}
