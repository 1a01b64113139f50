package io.corsguard.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RequestQueueTest {

    private static CapturedRequest req(int i) {
        return new CapturedRequest("https://o" + i + ".example", "GET", "/", null, null, false);
    }

    @AfterEach
    void clearHandler() {
        CorsGuardBridge.setHandler(null);
    }

    @Test
    void responses_take_requests_in_arrival_order() {
        RequestQueue q = new RequestQueue();
        CapturedRequest a = req(1);
        q.push(a);
        q.push(CapturedRequest.NO_ORIGIN);
        CapturedRequest c = req(3);
        q.push(c);
        assertSame(a, q.poll());
        assertSame(CapturedRequest.NO_ORIGIN, q.poll());
        assertSame(c, q.poll());
        assertEquals(0, q.size());
    }

    /**
     * Bursts of pipelined requests of random length (beyond capacity too), each answered in part
     * or whole before the next burst, against a plain model: a request is held when fewer than
     * CAPACITY were pending at its arrival, and its response then gets it, else nothing.
     */
    @Test
    void random_bursts_pair_as_a_bounded_fifo_would() {
        Random random = new Random(42);
        RequestQueue q = new RequestQueue();
        ArrayDeque<CapturedRequest> model = new ArrayDeque<>();
        List<CapturedRequest> expected = new ArrayList<>();
        List<CapturedRequest> got = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 2_000; round++) {
            int burst = random.nextInt(4) == 0 ? random.nextInt(RequestQueue.CAPACITY + 20) : random.nextInt(3);
            for (int i = 0; i < burst; i++) {
                CapturedRequest r = random.nextInt(5) == 0 ? CapturedRequest.NO_ORIGIN : req(next++);
                // ArrayDeque holds no null: an overflowed request is modelled by a marker
                model.add(model.size() < RequestQueue.CAPACITY ? r : OVERFLOWED);
                q.push(r);
            }
            int answers = random.nextBoolean() ? model.size() : random.nextInt(model.size() + 1);
            for (int i = 0; i < answers; i++) {
                CapturedRequest m = model.poll();
                expected.add(m == OVERFLOWED ? null : m);
                got.add(q.poll());
            }
            assertEquals(model.size() - Collections.frequency(model, OVERFLOWED), q.size(), "round " + round);
        }
        assertEquals(expected, got);
        assertFalse(q.isBroken());
    }

    private static final CapturedRequest OVERFLOWED = req(-1);

    @Test
    void the_ring_wraps_around_without_losing_order() {
        RequestQueue q = new RequestQueue();
        for (int round = 0; round < 3 * RequestQueue.CAPACITY; round++) {
            CapturedRequest r = req(round);
            q.push(r);
            q.push(CapturedRequest.NO_ORIGIN);
            assertSame(r, q.poll());
            assertSame(CapturedRequest.NO_ORIGIN, q.poll());
        }
        assertFalse(q.isBroken());
    }

    @Test
    void requests_beyond_capacity_are_counted_and_their_responses_go_unjudged_then_pairing_resumes() {
        RequestQueue q = new RequestQueue();
        int n = RequestQueue.CAPACITY + 10;
        for (int i = 0; i < n; i++) {
            q.push(req(i));
        }
        assertEquals(RequestQueue.CAPACITY, q.size());
        assertEquals(10, q.overflow());
        for (int i = 0; i < RequestQueue.CAPACITY; i++) {
            assertEquals("https://o" + i + ".example", q.poll().origin);
            // a request arriving while older ones are uncounted must wait behind them
            if (i == 3) {
                q.push(req(999));
            }
        }
        for (int i = 0; i < 11; i++) {
            assertNull(q.poll(), "overflowed response " + i);
        }
        CapturedRequest next = req(1000);
        q.push(next);
        assertSame(next, q.poll());
        assertFalse(q.isBroken());
    }

    @Test
    void a_decoder_thread_and_an_encoder_thread_pair_every_request_in_order() throws Exception {
        RequestQueue q = new RequestQueue();
        CapturedRequest[] reqs = new CapturedRequest[256];
        for (int i = 0; i < reqs.length; i++) {
            reqs[i] = i % 3 == 0 ? CapturedRequest.NO_ORIGIN : req(i);
        }
        int total = 200_000;
        // requests decoded and responses sent: a response never comes before its request, and at
        // most CAPACITY requests wait (no overflow), as on a connection whose client waits
        java.util.concurrent.atomic.AtomicLong decoded = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        Thread decoder = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                while (i - answered.get() >= RequestQueue.CAPACITY) {
                    Thread.onSpinWait();
                }
                q.push(reqs[i % reqs.length]);
                decoded.lazySet(i + 1);
            }
        });
        decoder.start();
        int mismatches = 0;
        for (int i = 0; i < total; i++) {
            while (decoded.get() <= i) {
                Thread.onSpinWait();
            }
            if (q.poll() != reqs[i % reqs.length]) {
                mismatches++;
            }
            answered.lazySet(i + 1);
        }
        decoder.join();
        assertEquals(0, mismatches);
        assertFalse(q.isBroken());
        assertEquals(0, q.size());
        assertEquals(0, q.overflow());
    }

    @Test
    void a_response_without_a_pending_request_breaks_the_queue_for_good() {
        RequestQueue q = new RequestQueue();
        assertNull(q.poll());
        assertTrue(q.isBroken());
        q.push(req(1));
        assertNull(q.poll());
    }

    @Test
    void a_queue_from_before_a_detach_is_stale() {
        CorsGuardBridge.setHandler(new NoopHandler());
        RequestQueue q = new RequestQueue();
        q.push(req(1));
        CorsGuardBridge.setHandler(null);
        CorsGuardBridge.setHandler(new NoopHandler());
        assertNull(q.poll());
        assertTrue(q.isBroken());
    }

    @Test
    void an_off_period_of_an_installed_agent_keeps_queues_valid() {
        CorsGuardBridge.setInstalled(true);
        try {
            CorsGuardBridge.setHandler(new NoopHandler());
            RequestQueue q = new RequestQueue();
            CapturedRequest r = req(1);
            q.push(r);
            CorsGuardBridge.setHandler(null);
            CorsGuardBridge.setHandler(new NoopHandler());
            assertSame(r, q.poll());
            assertFalse(q.isBroken());
            // a detach and a new attach: from then on the queue cannot be trusted
            CorsGuardBridge.setInstalled(false);
            CorsGuardBridge.setHandler(null);
            CorsGuardBridge.setInstalled(true);
            assertNull(q.poll());
            assertTrue(q.isBroken());
        } finally {
            CorsGuardBridge.setInstalled(false);
        }
    }

    @Test
    void replacing_one_handler_by_another_keeps_queues_valid() {
        CorsGuardBridge.setHandler(new NoopHandler());
        RequestQueue q = new RequestQueue();
        CapturedRequest r = req(1);
        q.push(r);
        CorsGuardBridge.setHandler(new NoopHandler());
        assertSame(r, q.poll());
    }

    static final class NoopHandler implements CorsGuardHandler {
        @Override
        public String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
            return null;
        }

        @Override
        public void adviceFailed(String where, Throwable failure) {
        }

        @Override
        public boolean stripOnError() {
            return false;
        }

        @Override
        public boolean enabled(String feature) {
            return false;
        }
    }
}
