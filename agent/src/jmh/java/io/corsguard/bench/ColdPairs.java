package io.corsguard.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The advice on cold caches, measured in pairs: {@link ColdAdviceBench} under JMH swings by 2x
 * from one second to the next once the caches are emptied (a cache miss costs what the host's
 * other tenants leave of its memory bandwidth), far more than the advice's cost. Here each call is
 * timed alone, right after its own eviction, and the baseline and the advice variant alternate
 * call by call (ABBA order), so both see the same phase of the machine and their per-pair
 * difference is the agent's cost on cold caches.
 *
 * <pre>
 * java -cp ... io.corsguard.bench.ColdPairs [kinds=compliant,violating,noOrigin] [pairs=40000]
 *     [evictKb=2048] [warm=1|0] [freshOrigin=0|1] [writeHead=0|1]
 * </pre>
 *
 * Prints, per server and kind, the median time of each variant and the median (with its 95 %
 * interval) and mean of the paired differences, in ns; {@code warm=1} (default) adds the same
 * pairs without eviction. {@code tomcat-engine} pairs the baseline with
 * {@link ColdAdviceBench#bridge_tomcat}: the bridge's decision on inputs read beforehand, so
 * {@code tomcat} minus {@code tomcat-engine} is what the advice's own reading costs.
 * {@code netty} is the response's advice alone (its baseline pushes and polls the queue the
 * request's advice would have filled); {@code netty-exchange} is both Netty advices of one
 * exchange against no agent at all. Not a JMH benchmark: JMH times whole iterations, not single
 * calls paired with another benchmark's. {@code freshOrigin} and {@code writeHead}: see
 * {@link ColdAdviceBench}.
 */
public final class ColdPairs {

    private ColdPairs() {
    }

    public static void main(String[] args) {
        String[] kinds = {"compliant", "violating", "noOrigin"};
        int pairs = 40_000;
        int evictKb = 2048;
        boolean warmToo = true;
        boolean freshOrigin = false;
        boolean writeHead = false;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "kinds": kinds = kv[1].split(","); break;
                case "pairs": pairs = Integer.parseInt(kv[1]); break;
                case "evictKb": evictKb = Integer.parseInt(kv[1]); break;
                case "warm": warmToo = "1".equals(kv[1]); break;
                case "freshOrigin": freshOrigin = "1".equals(kv[1]); break;
                case "writeHead": writeHead = "1".equals(kv[1]); break;
                default: throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        System.out.printf(Locale.ROOT, "# pairs=%d evictKb=%d freshOrigin=%d writeHead=%d java=%s%n", pairs, evictKb,
            freshOrigin ? 1 : 0, writeHead ? 1 : 0, System.getProperty("java.version"));
        System.out.println("server\tkind\tcache\tbaseline_ns\tadvice_ns\tadded_median_ns\tadded_mean_ns\tmedian_ci95_ns");
        for (String kind : kinds) {
            ColdAdviceBench b = new ColdAdviceBench();
            b.kind = kind;
            b.cache = "cold";
            b.evictKb = evictKb;
            b.freshOrigin = freshOrigin;
            b.writeHead = writeHead;
            b.setUp();
            b.allocateEvictionBuffer();
            b.prepareBridgeInputs();
            b.prepareNettyRequest();
            try {
                LongSupplier tomcatBase = () -> b.baseline_tomcat().getStatus();
                LongSupplier tomcat = () -> b.tomcat().getStatus();
                LongSupplier nettyBase = () -> b.baseline_netty().status().code();
                LongSupplier netty = () -> b.netty().status().code();
                LongSupplier bridge = () -> b.bridge_tomcat().hashCode();
                LongSupplier exchangeBase = () -> b.baseline_netty_exchange().status().code();
                LongSupplier exchange = () -> b.netty_exchange().status().code();
                // compile both variants before timing (C2 after ~10k calls; plenty more here)
                for (int i = 0; i < 200_000; i++) {
                    // with freshOrigin, compiled as it is timed: a new Origin string per request
                    b.nextRequest();
                    tomcatBase.getAsLong();
                    tomcat.getAsLong();
                    nettyBase.getAsLong();
                    netty.getAsLong();
                    bridge.getAsLong();
                    exchangeBase.getAsLong();
                    exchange.getAsLong();
                }
                for (boolean cold : warmToo ? new boolean[] {true, false} : new boolean[] {true}) {
                    run("tomcat", kind, b, tomcatBase, tomcat, pairs, cold);
                    run("tomcat-engine", kind, b, tomcatBase, bridge, pairs, cold);
                    run("netty", kind, b, nettyBase, netty, pairs, cold);
                    run("netty-exchange", kind, b, exchangeBase, exchange, pairs, cold);
                }
            } finally {
                b.tearDown();
            }
        }
    }

    private static void run(String server, String kind, ColdAdviceBench b, LongSupplier base, LongSupplier advice,
                            int pairs, boolean cold) {
        long[] baseNs = new long[pairs];
        long[] adviceNs = new long[pairs];
        long sink = 0;
        for (int i = 0; i < pairs; i++) {
            // ABBA: which variant runs first alternates, so neither always follows the other
            boolean baseFirst = (i & 1) == 0;
            for (int k = 0; k < 2; k++) {
                boolean isBase = (k == 0) == baseFirst;
                if (cold) {
                    b.evictCaches();
                } else {
                    b.nextRequest();
                }
                long t0 = System.nanoTime();
                sink += (isBase ? base : advice).getAsLong();
                long t = System.nanoTime() - t0;
                if (isBase) {
                    baseNs[i] = t;
                } else {
                    adviceNs[i] = t;
                }
            }
        }
        double[] diff = new double[pairs];
        double sum = 0;
        for (int i = 0; i < pairs; i++) {
            diff[i] = adviceNs[i] - baseNs[i];
            sum += diff[i];
        }
        double mean = sum / pairs;
        // the median's 95 % interval from order statistics (sign test): robust to the GC pauses
        // and interrupts that land in a few calls and drag the mean
        double[] sorted = diff.clone();
        Arrays.sort(sorted);
        int half = (int) Math.ceil(1.96 * Math.sqrt(pairs) / 2);
        System.out.printf(Locale.ROOT, "%s\t%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f-%.0f%s%n", server, kind,
            cold ? "cold" : "warm", median(baseNs), median(adviceNs), sorted[pairs / 2], mean,
            sorted[Math.max(0, pairs / 2 - half)], sorted[Math.min(pairs - 1, pairs / 2 + half)], sink == 42 ? " " : "");
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
