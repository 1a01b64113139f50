package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.DecisionMemo;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.Rule;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupeTest {

    private static long count(String jsonLine) {
        return (Long) Json.object(jsonLine).get("count");
    }

    @Test
    void identicalViolationsWithinTheWindowAreFoldedAndTheNextOneAfterItCarriesTheCount() {
        try (Fixture f = Fixture.json()) {
            f.cg003("https://evil.example", "/a");
            for (int i = 0; i < 9; i++) {
                f.advance(1000);
                f.cg003("https://evil.example", "/a");
            }
            assertEquals(1, f.lines().size());
            assertEquals(1L, count(f.lines().get(0)));

            f.advance(60_000);
            f.cg003("https://evil.example", "/a");
            List<String> lines = f.lines();
            assertEquals(2, lines.size());
            assertEquals(10L, count(lines.get(1)), "9 folded plus this one");

            f.advance(1000);
            f.cg003("https://evil.example", "/a");
            assertEquals(2, f.lines().size(), "a new window started with the folded line");
        }
    }

    @Test
    void afterAQuietWindowTheNextOccurrenceIsAPlainLine() {
        try (Fixture f = Fixture.text()) {
            f.cg003("https://evil.example", "/a");
            f.advance(61_000);
            f.cg003("https://evil.example", "/a");
            List<String> lines = f.lines();
            assertEquals(2, lines.size());
            assertTrue(!lines.get(1).contains("count="), lines.get(1));
        }
    }

    @Test
    void flushWritesPendingCountsOnceAndKeepsTheWindow() {
        try (Fixture f = Fixture.text()) {
            for (int i = 0; i < 5; i++) {
                f.cg003("https://evil.example", "/a");
            }
            f.reporter.flush();
            List<String> lines = f.lines();
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).endsWith(" count=4"), lines.get(1));
            assertEquals(lines.get(0) + " count=4", lines.get(1), "the folded line repeats the first one");

            f.reporter.flush();
            assertEquals(2, f.lines().size(), "nothing pending any more");
            f.cg003("https://evil.example", "/a");
            assertEquals(2, f.lines().size(), "still inside the window");
        }
    }

    @Test
    void closeWritesPendingCounts() {
        Fixture f = Fixture.json();
        f.cg003("https://evil.example", "/a");
        f.cg003("https://evil.example", "/a");
        f.cg003("https://evil.example", "/a");
        f.close();
        List<String> lines = f.lines();
        assertEquals(2, lines.size());
        assertEquals(2L, count(lines.get(1)));
        f.close(); // idempotent
        f.cg003("https://evil.example", "/b"); // after close: dropped, not thrown
    }

    @Test
    void expiredWindowsAreSweptByLaterTrafficAndTheirCountsWritten() {
        try (Fixture f = Fixture.json()) {
            f.cg003("https://a.example", "/a");
            f.cg003("https://a.example", "/a");
            f.cg003("https://a.example", "/a");
            f.advance(60_000);
            f.cg003("https://b.example", "/b"); // different key; its arrival sweeps
            List<String> lines = f.lines();
            assertEquals(3, lines.size(), String.join("\n", lines));
            Map<String, Object> folded = Json.object(lines.get(2));
            assertEquals("https://a.example", folded.get("origin"));
            assertEquals(2L, folded.get("count"));
            assertEquals(1, dedupeSize(f), "the expired window was dropped");
        }
    }

    @Test
    void differentRuleOriginPathServerOrActionAreNotFolded() {
        try (Fixture f = Fixture.json()) {
            f.cg003("https://evil.example", "/a");
            f.cg003("https://evil.example", "/b");
            f.cg003("https://other.example", "/a");
            f.reporter.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
                Fixture.reflected("https://evil.example"), null, Fixture.decision(Rule.CG007, Action.ADD_VARY));
            f.reporter.violations("monitor", "netty", Fixture.get("https://evil.example", "/a"),
                Fixture.reflected("https://evil.example"), null, Fixture.stripDecision());
            f.reporter.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
                Fixture.reflected("https://evil.example"), null, Fixture.decision(Rule.CG003, Action.REPORTED));
            assertEquals(6, f.lines().size());
            f.cg003("https://evil.example", "/a");
            assertEquals(6, f.lines().size());
        }
    }

    @Test
    void longOriginsDifferingOnlyAfterTheKeptPrefixAreStillDistinct() {
        String prefix = "https://" + "a".repeat(5000);
        try (Fixture f = Fixture.json()) {
            f.cg003(prefix + "1.example", "/");
            f.cg003(prefix + "2.example", "/");
            f.cg003(prefix + "1.example", "/");
            assertEquals(2, f.lines().size());
        }
    }

    @Test
    void aZeroWindowWritesEveryOccurrence() {
        try (Fixture f = new Fixture(Fixture.settings(ReportSettings.Format.JSON, 0))) {
            for (int i = 0; i < 3; i++) {
                f.cg003("https://evil.example", "/a");
            }
            assertEquals(3, f.lines().size());
            assertEquals(0, dedupeSize(f));
        }
    }

    @Test
    void randomHostileOriginsCannotGrowMemoryBeyondTheCaps() {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        AtomicLong clock = new AtomicLong(Fixture.T0);
        Reporter r = Reporter.start(Fixture.settings(ReportSettings.Format.JSON, 60_000), sink, clock::get,
            Dedupe.MAX_KEYS);
        try {
            Random random = new Random(1);
            for (int i = 0; i < 100_000; i++) {
                String origin = "https://" + Long.toHexString(random.nextLong()) + ".evil.example";
                r.violations("monitor", "servlet", Fixture.get(origin, "/"), Fixture.reflected(origin), null,
                    Fixture.stripDecision());
                r.credentialsSent(origin);
            }
            assertTrue(dedupeSize(r) <= Dedupe.MAX_KEYS, "dedupe windows " + dedupeSize(r));
            Map<String, Long> c = r.counters().snapshot();
            assertEquals(100_000L - dedupeSize(r), c.get("report.dedupe-overflow"));
            assertEquals(100_000L, c.get("report.lines"), "beyond the cap every violation is still written");
            assertEquals(LearnedOrigins.MAX_ORIGINS, r.learnedOrigins().size());
            assertEquals(100_000L - LearnedOrigins.MAX_ORIGINS, c.get("learned-origins.overflow"));
        } finally {
            r.close();
        }
    }

    @Test
    void responsesOfOneMemoizedOutcomeAreCountedIntoTheWindowsKeptWithIt() {
        DecisionMemo memo = Fixture.memo();
        try (Fixture f = Fixture.json()) {
            Outcome first = f.corrected(memo, "servlet", "https://evil.example", "/a");
            assertEquals(2, first.decision().violations().size(), "CG003 and CG007");
            assertNotNull(first.reportCache(), "the windows are kept with the outcome");
            for (int i = 0; i < 9; i++) {
                f.advance(1000);
                assertSame(first, f.corrected(memo, "servlet", "https://evil.example", "/a"));
            }
            assertEquals(2, f.lines().size(), "one line per rule");
            f.reporter.flush();
            List<String> lines = f.lines();
            assertEquals(4, lines.size(), String.join("\n", lines));
            assertEquals(9L, count(lines.get(2)));
            assertEquals(9L, count(lines.get(3)));

            // the kept windows expired: this response opens new ones, carrying nothing (flushed)
            f.advance(60_000);
            f.corrected(memo, "servlet", "https://evil.example", "/a");
            assertEquals(6, f.lines().size());
            assertEquals(1L, count(f.lines().get(4)));
            for (int i = 0; i < 3; i++) {
                f.corrected(memo, "servlet", "https://evil.example", "/a");
            }
            f.reporter.flush();
            lines = f.lines();
            assertEquals(8, lines.size(), String.join("\n", lines));
            assertEquals(3L, count(lines.get(6)));
            long total = 0;
            for (String line : lines) {
                if ("CG003".equals(Json.object(line).get("rule"))) {
                    total += count(line);
                }
            }
            assertEquals(14L, total, "every response counted once per rule");
            assertEquals(14L, f.reporter.counters().rule(Rule.CG003));
            assertEquals(2, dedupeSize(f));
        }
    }

    @Test
    void anotherPathOrServerIsNotCountedIntoTheWindowsKeptWithTheOutcome() {
        DecisionMemo memo = Fixture.memo();
        try (Fixture f = Fixture.json()) {
            Outcome o = f.corrected(memo, "servlet", "https://evil.example", "/a");
            assertSame(o, f.corrected(memo, "servlet", "https://evil.example", "/b"));
            assertSame(o, f.corrected(memo, "netty", "https://evil.example", "/b"));
            assertSame(o, f.corrected(memo, "servlet", "https://evil.example", "/a"));
            assertEquals(6, f.lines().size(), "a first line per rule for each of three sites");
            f.reporter.flush();
            List<String> lines = f.lines();
            assertEquals(8, lines.size(), String.join("\n", lines));
            for (String line : lines.subList(6, 8)) {
                Map<String, Object> folded = Json.object(line);
                assertEquals("/a", folded.get("path"));
                assertEquals("servlet", folded.get("server"));
                assertEquals(1L, folded.get("count"));
            }
            assertEquals(6, dedupeSize(f));
        }
    }

    @Test
    void aKeptWindowThatWasSweptAwayIsNotCountedInto() {
        DecisionMemo memo = Fixture.memo();
        try (Fixture f = Fixture.json()) {
            f.corrected(memo, "servlet", "https://evil.example", "/a");
            f.corrected(memo, "servlet", "https://evil.example", "/a");
            f.advance(60_000);
            f.cg003("https://other.example", "/z"); // its arrival sweeps the expired windows
            assertEquals(1 + 2 + 2, f.lines().size(), "two first lines, the other one, two folded counts");
            assertEquals(1, dedupeSize(f));
            f.advance(1000);
            f.corrected(memo, "servlet", "https://evil.example", "/a"); // the kept windows are closed
            List<String> lines = f.lines();
            assertEquals(7, lines.size(), String.join("\n", lines));
            assertEquals(1L, count(lines.get(5)), "a plain first line in a new window");
            assertEquals(3, dedupeSize(f));
            f.corrected(memo, "servlet", "https://evil.example", "/a");
            f.reporter.flush();
            assertEquals(1L, count(f.lines().get(7)), "and the new windows are kept and counted into");
            assertEquals(9, f.lines().size());
        }
    }

    @Test
    void concurrentResponsesOfOneMemoizedOutcomeAreAllCounted() throws Exception {
        DecisionMemo memo = Fixture.memo();
        try (Fixture f = Fixture.json()) {
            int threads = 8;
            int each = 20_000;
            inThreads(threads, t -> {
                String path = t % 2 == 0 ? "/a" : "/b";
                for (int i = 0; i < each; i++) {
                    f.corrected(memo, "servlet", "https://evil.example", path);
                    if (i % 5000 == 0) {
                        f.advance(30_000); // windows expire and are swept while others count
                        f.cg003("https://other.example", "/z");
                    }
                }
            });
            f.reporter.flush();
            long cg003 = 0;
            long cg007 = 0;
            for (String line : f.lines()) {
                Map<String, Object> l = Json.object(line);
                if ("https://evil.example".equals(l.get("origin"))) {
                    if ("CG003".equals(l.get("rule"))) {
                        cg003 += count(line);
                    } else if ("CG007".equals(l.get("rule"))) {
                        cg007 += count(line);
                    }
                }
            }
            assertEquals((long) threads * each, cg003);
            assertEquals((long) threads * each, cg007);
        }
    }

    @Test
    void concurrentIdenticalViolationsAreAllCounted() throws Exception {
        try (Fixture f = Fixture.json()) {
            int threads = 8;
            int each = 20_000;
            inThreads(threads, t -> {
                for (int i = 0; i < each; i++) {
                    f.cg003("https://evil.example", "/a");
                    if (i % 5000 == 0) {
                        f.advance(30_000); // windows expire while others count
                    }
                }
            });
            f.reporter.flush();
            long total = 0;
            for (String line : f.lines()) {
                total += count(line);
            }
            assertEquals((long) threads * each, total);
        }
    }

    /** Runs {@code body} (given the thread's index) on that many threads, started together; waits for all. */
    static void inThreads(int threads, IntConsumer body) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int index = t;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                body.accept(index);
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    }

    static int dedupeSize(Fixture f) {
        return dedupeSize(f.reporter);
    }

    static int dedupeSize(Reporter r) {
        try {
            java.lang.reflect.Field d = Reporter.class.getDeclaredField("dedupe");
            d.setAccessible(true);
            return ((Dedupe) d.get(r)).size();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
