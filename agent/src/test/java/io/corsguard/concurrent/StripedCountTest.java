package io.corsguard.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StripedCountTest {

    private static final class Count extends StripedCount {
        Count(boolean open) {
            super(open);
        }
    }

    /**
     * Threads of every thread-id residue count on stripes: none writes the array's first 64 bytes
     * (its header's line, read by every increment's bounds check), no two written elements are
     * closer than a cache line, and every increment is shown.
     */
    @Test
    void stripesKeepOffTheHeadersLineAndOffEachOther() throws Exception {
        Count c = new Count(true);
        c.spread();
        int threads = 16; // at least every residue of the 8 stripes at most
        for (int t = 0; t < threads; t++) {
            final int n = t + 1;
            Thread counter = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    c.tryIncrement();
                }
            });
            counter.start();
            counter.join();
        }
        AtomicLongArray s = c.stripesArray();
        List<Integer> written = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            if (s.get(i) != 0) {
                written.add(i);
            }
        }
        assertTrue(written.size() >= 2, "several stripes used: " + written);
        for (int k = 0; k < written.size(); k++) {
            int index = written.get(k);
            assertTrue(index >= 8, "element " + index + " shares its line with the array's header");
            if (k > 0) {
                assertTrue(index - written.get(k - 1) >= 8, "elements closer than a cache line: " + written);
            }
        }
        assertEquals(threads * (threads + 1) / 2, c.pending());
    }

    @Test
    void aClosedCountRefusesUntilOpened() {
        Count c = new Count(false);
        assertFalse(c.tryIncrement());
        assertEquals(0, c.pending());
        c.open();
        assertTrue(c.tryIncrement());
        assertEquals(1, c.pending());
    }

    /** Base and stripes are shown, drained and closed as one count; after close nothing counts. */
    @Test
    void aSpreadCountIsShownDrainedAndClosedWhole() throws Exception {
        Count c = new Count(true);
        assertTrue(c.tryIncrement());
        assertTrue(c.tryIncrement());
        assertFalse(c.striped());
        c.spread();
        assertTrue(c.striped());
        for (int i = 0; i < 3; i++) {
            assertTrue(c.tryIncrement());
        }
        AtomicLong byOther = new AtomicLong();
        Thread other = new Thread(() -> {
            for (int i = 0; i < 4; i++) {
                if (c.tryIncrement()) {
                    byOther.incrementAndGet();
                }
            }
        });
        other.start();
        other.join();
        assertEquals(4, byOther.get());
        assertEquals(9, c.pending(), "two on the count itself, seven on stripes");
        assertEquals(9, c.drain());
        assertEquals(0, c.pending());
        assertTrue(c.tryIncrement(), "a drained count stays open");
        assertEquals(1, c.close());
        assertEquals(-1, c.close(), "closed already: not this caller's to hand over");
        assertFalse(c.tryIncrement(), "closed: a stripe refuses too");
        assertEquals(0, c.pending());
        assertEquals(0, c.drain());
    }

    @Test
    void noStripeIsMadeAfterClose() {
        Count c = new Count(true);
        assertEquals(0, c.close());
        c.spread();
        assertFalse(c.striped());
        assertFalse(c.tryIncrement());
    }

    /**
     * Threads count while one closes the count at a random moment, with the count spread at
     * another random moment (before or after the close): every increment is returned by the
     * close or refused, never both, never neither.
     */
    @Test
    void closingLosesNoIncrementUnderContention() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Count c = new Count(true);
            int threads = 3;
            int perThread = 2_000;
            int closeAfter = random.nextInt(threads * perThread);
            int spreadAfter = random.nextInt(threads * perThread);
            AtomicLong attempts = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicReference<Long> closed = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            long a = attempts.incrementAndGet();
                            if (a == spreadAfter) {
                                c.spread();
                            }
                            if (!c.tryIncrement()) {
                                refused.incrementAndGet();
                            }
                            if (a == closeAfter) {
                                closed.set(c.close());
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                workers.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : workers) {
                t.join();
            }
            assertEquals(List.of(), failures);
            long handed = closed.get();
            assertEquals((long) threads * perThread, handed + refused.get(),
                "round " + round + ": closed with " + handed + ", refused " + refused);
            assertEquals(-1, c.close());
        }
    }
}
