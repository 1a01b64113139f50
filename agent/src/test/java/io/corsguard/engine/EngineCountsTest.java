package io.corsguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.config.ConfigLoader;
import io.corsguard.config.ConfigResult;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.report.ReportSettings;
import io.corsguard.report.Reporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters the engine keeps (what {@code status} and the MBean show): a repeated response is
 * counted on its memoized outcome and folded in later, and the totals are the same as if every
 * response had been counted where it was judged, across evictions and reloads.
 */
class EngineCountsTest {
    private static final String TRUSTED = "https://app.example.com";
    private static final String EVIL = "https://evil.example";

    @TempDir
    Path tmp;

    private static CorsGuardConfig config(String agentArgs) {
        ConfigResult r = ConfigLoader.load(agentArgs + ";allowed-origins=" + TRUSTED + ";reload.interval=0;jmx=false",
            Map.of(), Map.of());
        assertTrue(r.ok(), () -> agentArgs + ": " + r.errorMessages());
        return r.config();
    }

    private Reporter reporter() {
        return Reporter.start(new ReportSettings(ReportSettings.Format.JSON, tmp.resolve("reports.log").toString(), "warn",
            60_000));
    }

    /** A reflected origin with credentials: CG003 (strip credentials) in correct mode. */
    private static String[] reflected(Engine engine, String origin) {
        String[] lines = {"Access-Control-Allow-Origin", new String(origin.toCharArray()),
            "Access-Control-Allow-Credentials", "true", "Vary", "Origin"};
        return engine.decide("netty", request(origin), 200, lines, 3);
    }

    /** The trusted origin, answered correctly: judged, nothing to change. */
    private static String[] compliant(Engine engine) {
        String[] lines = {"Access-Control-Allow-Origin", TRUSTED, "Access-Control-Allow-Credentials", "true",
            "Vary", "Origin"};
        return engine.decide("servlet", request(TRUSTED), 200, lines, 3);
    }

    private static CapturedRequest request(String origin) {
        return new CapturedRequest(new String(origin.toCharArray()), "GET", "/api", null, null, true);
    }

    @Test
    void countsAreTheSameWhetherAResponseIsCountedOnItsOutcomeOrWhereItWasJudged() {
        try (Reporter reporter = reporter()) {
            Engine engine = new Engine(config("mode=correct"), reporter);
            for (int i = 0; i < 10; i++) {
                assertNotNull(reflected(engine, EVIL), "corrected");
            }
            for (int i = 0; i < 5; i++) {
                assertNull(compliant(engine));
            }
            for (int i = 0; i < 3; i++) {
                // no CORS line: judged, counted in the shared counter directly
                assertNull(engine.decide("netty", request(EVIL), 200, new String[0], 0));
            }
            Map<String, Long> c = reporter.counters().snapshot();
            assertEquals(18L, c.get("responses.judged"));
            assertEquals(10L, c.get("responses.corrected"));
            long cg003 = c.get("rule.CG003");
            assertEquals(10L, cg003, c.toString());
            assertEquals(c.get("action.strip-credentials"), cg003, "rule and action totals agree");
            assertEquals(Map.of(TRUSTED, 5L), reporter.learnedOrigins(),
                "credentials sent: the trusted origin's responses; the reflected ones left without them");

            // a reload hands the memo's counts over; monitor mode corrects nothing
            engine.reconfigure(config("mode=monitor"));
            c = reporter.counters().snapshot();
            assertEquals(18L, c.get("responses.judged"), "nothing lost or doubled by the reload");
            assertEquals(10L, c.get("responses.corrected"));
            for (int i = 0; i < 4; i++) {
                assertNull(reflected(engine, EVIL), "monitor mode changes nothing");
            }
            c = reporter.counters().snapshot();
            assertEquals(22L, c.get("responses.judged"));
            assertEquals(10L, c.get("responses.corrected"), "monitor-mode responses are not counted as corrected");
            assertEquals(14L, c.get("rule.CG003"));
            assertEquals(22L, reporter.counters().judged());
            assertEquals(14L, reporter.counters().action(io.corsguard.policy.Action.STRIP_CREDENTIALS));
            assertEquals(Map.of(TRUSTED, 5L, EVIL, 4L), reporter.learnedOrigins(),
                "monitor mode: the reflected responses left with credentials");
            engine.reconfigure(config("mode=monitor"));
            assertEquals(Map.of(TRUSTED, 5L, EVIL, 4L), reporter.learnedOrigins(), "handed over once");
        }
    }

    @Test
    void manyOriginsEvictEachOtherAndEveryResponseIsCountedOnce() {
        try (Reporter reporter = reporter()) {
            Engine engine = new Engine(config("mode=correct"), reporter);
            int origins = 2_000; // far more than the memo's slots
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < origins; i++) {
                    reflected(engine, "https://o" + i + ".example");
                }
            }
            Map<String, Long> c = reporter.counters().snapshot();
            assertEquals(3L * origins, c.get("responses.judged"));
            assertEquals(3L * origins, c.get("responses.corrected"));
            assertEquals(3L * origins, c.get("rule.CG003"));
            assertEquals(Map.of(), reporter.learnedOrigins(), "correct mode stripped every one");
        }
    }

    /**
     * Monitor mode: every reflected response leaves with credentials. The first thousand origins
     * are learned (three responses each, whether counted on an evicted outcome or one still held),
     * the rest count as overflow.
     */
    @Test
    void learnedOriginsCountEveryCredentialedResponseOnceAcrossEvictions() {
        try (Reporter reporter = reporter()) {
            Engine engine = new Engine(config("mode=monitor"), reporter);
            int origins = 2_000;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < origins; i++) {
                    assertNull(reflected(engine, "https://o" + i + ".example"));
                }
            }
            Map<String, Long> learned = reporter.learnedOrigins();
            assertEquals(1_000, learned.size());
            for (int i = 0; i < 1_000; i++) {
                assertEquals(3L, learned.get("https://o" + i + ".example"), "o" + i);
            }
            assertEquals(3L * (origins - 1_000), reporter.counters().snapshot().get("learned-origins.overflow"));
        }
    }

    /**
     * Server threads judge while the configuration is reloaded over and over and a reader polls
     * the counters: each read is at least the last one, and once the threads stop the totals are
     * exact.
     */
    @Test
    void concurrentResponsesReloadsAndReadsLoseNothing() throws Exception {
        try (Reporter reporter = reporter()) {
            CorsGuardConfig correct = config("mode=correct");
            Engine engine = new Engine(correct, reporter);
            int threads = 3;
            int perThread = 40_000;
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int id = w;
                workers.add(new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            if ((i + id) % 3 == 0) {
                                compliant(engine);
                            } else {
                                reflected(engine, i % 7 == 0 ? "https://x" + (i % 300) + ".example" : EVIL);
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            Thread reloader = new Thread(() -> {
                try {
                    start.await();
                    while (!done.get()) {
                        engine.reconfigure(correct);
                        Thread.sleep(1);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            Thread reader = new Thread(() -> {
                try {
                    start.await();
                    long last = 0;
                    long lastCorrected = 0;
                    long lastLearned = 0;
                    while (!done.get()) {
                        long learned = reporter.learnedOrigins().getOrDefault(TRUSTED, 0L);
                        assertTrue(learned >= lastLearned, learned + " after " + lastLearned);
                        lastLearned = learned;
                        Map<String, Long> c = reporter.counters().snapshot();
                        long judged = c.get("responses.judged");
                        long corrected = c.get("responses.corrected");
                        assertTrue(judged >= last, judged + " after " + last);
                        assertTrue(corrected >= lastCorrected, corrected + " after " + lastCorrected);
                        assertTrue(corrected <= judged);
                        last = judged;
                        lastCorrected = corrected;
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            workers.forEach(Thread::start);
            reloader.start();
            reader.start();
            start.countDown();
            for (Thread t : workers) {
                t.join();
            }
            done.set(true);
            reloader.join();
            reader.join();
            assertEquals(List.of(), failures);
            long expectedCorrected = 0;
            for (int id = 0; id < threads; id++) {
                for (int i = 0; i < perThread; i++) {
                    if ((i + id) % 3 != 0) {
                        expectedCorrected++;
                    }
                }
            }
            Map<String, Long> c = reporter.counters().snapshot();
            assertEquals((long) threads * perThread, c.get("responses.judged"));
            assertEquals(expectedCorrected, c.get("responses.corrected"));
            assertEquals(expectedCorrected, c.get("rule.CG003"));
            assertEquals(Map.of(TRUSTED, (long) threads * perThread - expectedCorrected), reporter.learnedOrigins(),
                "every compliant response, once");
        }
    }
}
