package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.Decision;
import io.corsguard.policy.DecisionMemo;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.HeaderPatch;
import io.corsguard.policy.OriginAllowlist;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.Policy;
import io.corsguard.policy.PolicySettings;
import io.corsguard.policy.Rule;
import io.corsguard.policy.Violation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountersAndLearnedOriginsTest {

    @Test
    void countsPerRuleAndActionJudgedAndCorrected() {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            r.responseJudged();
            r.responseJudged();
            r.responseJudged();
            f.cg003("https://evil.example", "/a");
            f.cg003("https://evil.example", "/a"); // folded in the log, still counted
            HeaderLines written = Fixture.reflected("https://evil.example");
            Decision d = new Decision(List.of(new Violation(Rule.CG003, Action.STRIP_CREDENTIALS),
                new Violation(Rule.CG007, Action.ADD_VARY)),
                HeaderPatch.builder().remove("Access-Control-Allow-Credentials").set("Vary", "Origin").build());
            r.violations("correct", "servlet", Fixture.get("https://evil.example", "/b"), written,
                written.apply(d.patch()), d);
            // correct mode, report-only violation: not a corrected response
            r.violations("correct", "servlet", Fixture.get("https://a.example", "/c"), written, written,
                Fixture.decision(Rule.CG013, Action.REPORTED));

            Counters c = r.counters();
            assertEquals(3, c.rule(Rule.CG003));
            assertEquals(1, c.rule(Rule.CG007));
            assertEquals(1, c.rule(Rule.CG013));
            assertEquals(0, c.rule(Rule.CG001));
            assertEquals(3, c.action(Action.STRIP_CREDENTIALS));
            assertEquals(1, c.action(Action.ADD_VARY));
            assertEquals(1, c.action(Action.REPORTED));
            assertEquals(3, c.judged());
            assertEquals(1, c.corrected());

            Map<String, Long> s = c.snapshot();
            assertEquals(3L, s.get("rule.CG003"));
            assertEquals(3L, s.get("action.strip-credentials"));
            assertEquals(3L, s.get("responses.judged"));
            assertEquals(1L, s.get("responses.corrected"));
            assertEquals(0L, s.get("rule.CG016"), "every rule is present, zeros included");
            assertEquals(0L, s.get("action.strip-private-network"));
            assertEquals(0L, s.get("errors.total"));
            assertEquals(4L, s.get("report.lines"), "CG003 /a once, CG003 and CG007 /b, CG013 /c");
            long byRule = 0;
            long byAction = 0;
            for (Map.Entry<String, Long> e : s.entrySet()) {
                byRule += e.getKey().startsWith("rule.") ? e.getValue() : 0;
                byAction += e.getKey().startsWith("action.") ? e.getValue() : 0;
            }
            assertEquals(5, byRule, "five violations, each counted under its rule");
            assertEquals(5, byAction, "and under its action");
        }
    }

    @Test
    void noDecisionOrNoViolationsWritesNothing() {
        try (Fixture f = Fixture.json()) {
            f.reporter.violations("monitor", "servlet", Fixture.get("https://a.example", "/"),
                HeaderLines.of(200), null, null);
            f.reporter.violations("monitor", "servlet", Fixture.get("https://a.example", "/"),
                HeaderLines.of(200), null, new Decision(List.of(), HeaderPatch.empty()));
            assertEquals(List.of(), f.lines());
        }
    }

    @Test
    void learnedOriginsCountEveryOriginSentCredentials() {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            r.credentialsSent("https://app.example.com");
            r.credentialsSent("https://app.example.com");
            r.credentialsSent("http://localhost:3000");
            r.credentialsSent("null");
            r.credentialsSent(null);
            assertEquals(Map.of("https://app.example.com", 2L, "http://localhost:3000", 1L, "null", 1L),
                r.learnedOrigins());
            assertEquals(List.of("http://localhost:3000", "https://app.example.com", "null"),
                List.copyOf(r.learnedOrigins().keySet()), "sorted");
        }
    }

    /**
     * A memoized outcome keeps its origin's counter, and the responses it counted reach the
     * learned origins with its count: shown while it is held, handed over when it leaves its memo,
     * never twice.
     */
    @Test
    void aMemoizedOutcomeKeepsItsOriginsCounterAndItsCountReachesTheLearnedOrigins() throws Exception {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            DecisionMemo memo = new DecisionMemo(new Policy(new PolicySettings(
                OriginAllowlist.parse(List.of("https://app.example.com")), false, List.of(), List.of(), List.of(), false)),
                (outcome, n) -> r.counters().add(outcome, false, n));
            r.counters().addPending(tally -> memo.forEachCounted((outcome, n) -> tally.add(outcome, false, n)));
            Outcome trusted = null;
            for (int i = 0; i < 3; i++) {
                // a fresh origin string each time, as a server hands it over
                String origin = new String("https://app.example.com".toCharArray());
                Outcome o = memo.judge(Fixture.get(origin, "/"), HeaderLines.ofPairs(200,
                    new String[] {"Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true"}, 2));
                assertTrue(o.credentialsAsWritten());
                if (trusted != null) {
                    assertSame(trusted, o, "the memo's outcome for the same inputs");
                }
                trusted = o;
                Object counter = r.learnedCounter(origin, o);
                assertSame(counter, o.learnedCounter(), "the origin's counter is kept with the outcome");
                assertTrue(o.countResponse());
            }
            r.credentialsSent("http://localhost:3000");
            assertEquals(Map.of("https://app.example.com", 3L, "http://localhost:3000", 1L), r.learnedOrigins(),
                "held on the outcome, shown all the same");
            memo.close();
            assertFalse(trusted.countResponse(), "closed: a later response counts elsewhere");
            r.counters().credentialsSent(r.learnedCounter("https://app.example.com", trusted));
            assertEquals(Map.of("https://app.example.com", 4L, "http://localhost:3000", 1L), r.learnedOrigins(),
                "handed over once, and counted directly after");
        }
    }

    @Test
    void anOriginBeyondTheCapCountsAsOverflowWhereverItIsCounted() {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            for (int i = 0; i < LearnedOrigins.MAX_ORIGINS; i++) {
                r.credentialsSent("https://o" + i + ".example");
            }
            DecisionMemo memo = new DecisionMemo(new Policy(new PolicySettings(OriginAllowlist.empty(), false,
                List.of(), List.of(), List.of(), false)));
            Outcome o = memo.judge(Fixture.get("https://late.example", "/"), HeaderLines.ofPairs(200,
                new String[] {"Access-Control-Allow-Origin", "https://late.example", "Access-Control-Allow-Credentials", "true"}, 2));
            Object counter = r.learnedCounter("https://late.example", o);
            assertSame(counter, r.learnedCounter("https://late.example", o), "looked up once");
            r.counters().credentialsSent(counter);
            r.counters().credentialsSent(counter);
            r.counters().addPending(tally -> tally.credentialsSent(counter, 5));
            r.credentialsSent("https://later.example");
            assertEquals(8L, r.counters().snapshot().get("learned-origins.overflow"));
            assertEquals(LearnedOrigins.MAX_ORIGINS, r.learnedOrigins().size());
            assertNull(r.learnedOrigins().get("https://late.example"));
        }
    }

    @Test
    void noOriginIsCountedNowhere() {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            DecisionMemo memo = new DecisionMemo(new Policy(new PolicySettings(OriginAllowlist.empty(), false,
                List.of(), List.of(), List.of(), false)));
            Outcome o = memo.judge(Fixture.get("https://a.example", "/"), HeaderLines.ofPairs(200,
                new String[] {"Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"}, 2));
            Object nowhere = r.learnedCounter(null, o);
            r.counters().credentialsSent(nowhere);
            r.counters().addPending(tally -> tally.credentialsSent(nowhere, 3));
            assertEquals(Map.of(), r.learnedOrigins());
            assertEquals(0L, r.counters().snapshot().get("learned-origins.overflow"));
        }
    }

    @Test
    void hostileLearnedOriginsAreStoredEscapedAndCut() {
        try (Fixture f = Fixture.json()) {
            f.reporter.credentialsSent("https://e.example\r\nX: y");
            f.reporter.credentialsSent("https://" + "a".repeat(8000));
            for (String key : f.reporter.learnedOrigins().keySet()) {
                assertTrue(key.length() <= LearnedOrigins.MAX_KEY + 32, key);
                for (char c : key.toCharArray()) {
                    assertTrue(c >= 0x20 && c < 0x7f, key);
                }
            }
            assertTrue(f.reporter.learnedOrigins().containsKey("https://e.example\\r\\nX: y"));
        }
    }

    @Test
    void suggestedLineListsOnlySerializedOriginsNormalisedAndSorted() {
        try (Fixture f = Fixture.json()) {
            Reporter r = f.reporter;
            for (String o : new String[] {"https://b.example.com", "https://App.Example.com", "http://localhost:3000",
                "https://a.example.com:443", "https://a.example.com", "http://[::1]:8080", "http://10.0.0.1",
                "null", "https://evil.example/path", "https://user@evil.example", "file://", "ftp://x.example",
                "https://bad_host.example", "https://x.example:99999", "https://x.example:", "https://-x.example",
                "https://e.example\r\n", "chrome-extension://abcdef"}) {
                r.credentialsSent(o);
            }
            assertEquals("allowed-origins=http://10.0.0.1,http://[::1]:8080,http://localhost:3000,"
                + "https://a.example.com,https://app.example.com,https://b.example.com", r.suggestedAllowedOrigins());
        }
    }

    @Test
    void suggestedLineIsEmptyWithoutLearnedOrigins() {
        try (Fixture f = Fixture.json()) {
            assertEquals("allowed-origins=", f.reporter.suggestedAllowedOrigins());
        }
    }

    @Test
    void serializedOriginParsing() {
        assertEquals("https://a.example", LearnedOrigins.serializedOrigin("HTTPS://A.EXAMPLE"));
        assertEquals("http://a.example:8080", LearnedOrigins.serializedOrigin("http://a.example:8080"));
        assertEquals("http://a.example", LearnedOrigins.serializedOrigin("http://a.example:80"));
        assertNull(LearnedOrigins.serializedOrigin("https://a.example/"));
        assertNull(LearnedOrigins.serializedOrigin("https://"));
        assertNull(LearnedOrigins.serializedOrigin("https://a..example"));
        assertNull(LearnedOrigins.serializedOrigin("https://[zz]"));
        assertNull(LearnedOrigins.serializedOrigin("https://[::1]x"));
    }

    @Test
    void restartKeepsCountersAndLearnedOrigins() {
        Fixture f = Fixture.json();
        f.cg003("https://evil.example", "/a");
        f.reporter.credentialsSent("https://app.example");
        Reporter next = f.reporter.restart(Fixture.settings(ReportSettings.Format.TEXT, 0));
        try {
            assertEquals(1, next.counters().rule(Rule.CG003));
            assertEquals(Map.of("https://app.example", 1L), next.learnedOrigins());
            assertEquals(ReportSettings.Format.TEXT, next.settings().format());
        } finally {
            next.close();
        }
    }

    /**
     * The three ways a response is counted agree: where it is judged (the reporter), folded in from
     * a memoized outcome ({@link Counters#add}), and shown while still held on one ({@link
     * Counters.Tally#add}, what a read adds from an engine's memo).
     */
    @Test
    void aResponseCountsTheSameWhereverItIsCounted() {
        Decision strip = Fixture.stripDecision();
        Decision two = new Decision(List.of(new Violation(Rule.CG003, Action.STRIP_CREDENTIALS),
            new Violation(Rule.CG007, Action.ADD_VARY)),
            HeaderPatch.builder().remove("Access-Control-Allow-Credentials").set("Vary", "Origin").build());
        Decision reportOnly = Fixture.decision(Rule.CG013, Action.REPORTED);
        Decision compliant = new Decision(List.of(), HeaderPatch.empty());
        HeaderLines written = Fixture.reflected("https://evil.example");
        for (boolean correctMode : new boolean[] {false, true}) {
            for (Decision d : new Decision[] {strip, two, reportOnly, compliant, null}) {
                String what = (correctMode ? "correct" : "monitor") + " mode, " + (d == null ? "no decision" : d.violations());
                try (Fixture judged = Fixture.json(); Fixture folded = Fixture.json(); Fixture held = Fixture.json()) {
                    for (int i = 0; i < 3; i++) {
                        judged.reporter.responseJudged();
                        judged.reporter.violations(correctMode ? "correct" : "monitor", "servlet",
                            Fixture.get("https://evil.example", "/"), written,
                            correctMode && d != null ? written.apply(d.patch()) : null, d);
                    }
                    folded.reporter.counters().add(d, correctMode, 3);
                    held.reporter.counters().addPending(tally -> tally.add(d, correctMode, 3));
                    Map<String, Long> expected = judged.reporter.counters().snapshot();
                    expected.remove("report.lines"); // lines are written only where the response is judged
                    Map<String, Long> f = folded.reporter.counters().snapshot();
                    f.remove("report.lines");
                    Map<String, Long> h = held.reporter.counters().snapshot();
                    h.remove("report.lines");
                    assertEquals(3L, expected.get("responses.judged"), what);
                    assertEquals(expected, f, what + ": folded in");
                    assertEquals(expected, h, what + ": held on the outcome");
                }
            }
        }
        try (Fixture f = Fixture.json()) {
            f.reporter.counters().add(two, true, 3);
            Counters c = f.reporter.counters();
            assertEquals(3, c.corrected());
            assertEquals(3, c.rule(Rule.CG003));
            assertEquals(3, c.action(Action.ADD_VARY));
        }
    }

    /**
     * A memo hands its counts over while reads run (a reload does this with every outcome at
     * once): no read may show more corrected responses than judged ones. Reading the judged cell
     * before the corrected one showed a hand-over's corrected responses without its judged ones.
     */
    @Test
    void aReadNeverShowsMoreCorrectedThanJudged() throws Exception {
        Counters c = new Counters();
        Decision d = new Decision(List.of(new Violation(Rule.CG003, Action.STRIP_CREDENTIALS)),
            HeaderPatch.builder().remove("Access-Control-Allow-Credentials").build());
        AtomicBoolean done = new AtomicBoolean();
        Thread handOver = new Thread(() -> {
            while (!done.get()) {
                c.add(d, true, 100_000);
            }
        });
        handOver.start();
        try {
            for (int i = 0; i < 200_000; i++) {
                Map<String, Long> s = c.snapshot();
                long judged = s.get("responses.judged");
                long corrected = s.get("responses.corrected");
                assertTrue(corrected <= judged, "read " + i + ": corrected " + corrected + " > judged " + judged);
                assertTrue(s.get("rule.CG003") <= judged, "read " + i + ": CG003 " + s.get("rule.CG003") + " > judged " + judged);
            }
        } finally {
            done.set(true);
            handOver.join();
        }
    }
}
