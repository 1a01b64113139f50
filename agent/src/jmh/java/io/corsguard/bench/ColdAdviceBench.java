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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.coyote.Response;
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
 */
public class ColdAdviceBench extends AdviceBench {

    @Param({"warm", "cold"})
    public String cache;

    @Param({"2048"})
    public int evictKb;

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
        return nettyResponse;
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
        return nettyResponse;
    }

    @Setup(Level.Invocation)
    public void evictCaches() {
        if (!"cold".equals(cache)) {
            return;
        }
        long[] e = evict;
        long s = sink;
        // a store per line leaves it modified: the lines the call then needs were really evicted
        for (int i = 0; i < e.length; i += 8) {
            e[i] = s + i;
        }
        sink = s + e[e.length - 8];
    }
}
