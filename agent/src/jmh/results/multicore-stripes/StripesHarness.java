import io.corsguard.concurrent.StripedCount;
import java.util.concurrent.CyclicBarrier;

/** Throw-away: two threads count on one spread StripedCount; thread ids chosen by residue. */
public class StripesHarness extends StripedCount {
    StripesHarness() { super(true); }
    boolean inc() { return tryIncrement(); }

    public static void main(String[] a) throws Exception {
        int residueA = Integer.parseInt(a[0]), residueB = Integer.parseInt(a[1]);
        long n = Long.parseLong(a[2]);
        int stripes = Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1);
        stripes = Math.min(8, stripes);
        for (int round = 0; round < 7; round++) {
            StripesHarness c = new StripesHarness();
            // spread: two threads collide once
            for (int i = 0; i < 1000 && !spread(c); i++) { }
            CyclicBarrier go = new CyclicBarrier(2);
            long[] ns = new long[2];
            Thread ta = make(c, go, n, ns, 0, residueA, stripes);
            Thread tb = make(c, go, n, ns, 1, residueB, stripes);
            ta.start(); tb.start(); ta.join(); tb.join();
            System.out.printf("round %d ids %d/%d (stripes %d): %.2f / %.2f ns per increment%n", round,
                ta.getId() % stripes, tb.getId() % stripes, stripes, ns[0] / (double) n, ns[1] / (double) n);
        }
    }

    static boolean spread(StripesHarness c) throws Exception {
        Thread t1 = new Thread(() -> { for (int i = 0; i < 100000; i++) c.inc(); });
        Thread t2 = new Thread(() -> { for (int i = 0; i < 100000; i++) c.inc(); });
        t1.start(); t2.start(); t1.join(); t2.join();
        return true;
    }

    static Thread make(StripesHarness c, CyclicBarrier go, long n, long[] ns, int slot, int residue, int stripes) {
        for (;;) {
            Thread t = new Thread(() -> {
                try { go.await(); } catch (Exception e) { throw new RuntimeException(e); }
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) c.inc();
                ns[slot] = System.nanoTime() - t0;
            });
            if (t.getId() % stripes == residue) return t;
        }
    }
}
