package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The memo answers exactly what the policy answers: every input of {@link PolicyTest}'s rule
 * table, asked in several orders, through a memo with many slots and through one with a single
 * slot (every entry evicts the last), against the policy asked directly.
 */
class DecisionMemoTest {
    private static final String ACAO = PolicyTest.ACAO;
    private static final String ACAC = PolicyTest.ACAC;

    private static String describe(Decision d) {
        if (d == null) {
            return "none";
        }
        return d.violations().stream().map(Violation::toString).collect(Collectors.toList())
            + " " + Arrays.toString(d.patch().operations());
    }

    /** Everything an outcome says, in words. */
    private static String describe(Outcome o) {
        return describe(o.decision()) + " ops=" + Arrays.toString(o.operations()) + " sent=" + o.corrected().asLines()
            + " credentials=" + o.credentialsAsWritten() + "/" + o.credentialsAsCorrected();
    }

    /** What the outcome must say, worked out from the policy's decision without the memo. */
    private static String expected(Decision d, HeaderLines written) {
        HeaderPatch patch = d == null ? HeaderPatch.empty() : d.patch();
        HeaderLines sent = written.apply(patch);
        return describe(d) + " ops=" + (patch.isEmpty() ? "null" : Arrays.toString(patch.operations())) + " sent="
            + sent.asLines() + " credentials=" + credentials(written) + "/" + credentials(sent);
    }

    private static boolean credentials(HeaderLines h) {
        return h.asLines().stream().anyMatch(l -> l.regionMatches(true, 0, ACAC + ": ", 0, ACAC.length() + 2)
            && l.substring(ACAC.length() + 2).equals("true"));
    }

    /** The same strings as new objects, as a server hands them over on each request. */
    private static RequestFacts copy(RequestFacts r) {
        return new RequestFacts(fresh(r.origin()), fresh(r.method()), fresh(r.path()), fresh(r.requestMethod()),
            fresh(r.requestHeaders()), r.credentialsHint());
    }

    private static HeaderLines copy(HeaderLines h) {
        String[] pairs = new String[2 * h.size() + 2];
        for (int i = 0; i < h.size(); i++) {
            pairs[2 * i] = fresh(h.name(i));
            pairs[2 * i + 1] = fresh(h.value(i));
        }
        return HeaderLines.ofPairs(h.status(), pairs, h.size());
    }

    private static String fresh(String s) {
        return s == null ? null : new String(s.toCharArray());
    }

    private static void sameAnswers(int slots, long seed) {
        Policy policy = PolicyTest.settings().grant().methods("GET", "PUT").headers("X-Token").exposed("X-Request-Id").policy();
        DecisionMemo memo = new DecisionMemo(policy, slots);
        List<PolicyTest.Case> cases = PolicyTest.cases().collect(Collectors.toList());
        List<PolicyTest.Case> order = new ArrayList<>(cases);
        order.addAll(cases);
        Collections.shuffle(order, new Random(seed));
        order.addAll(cases);
        for (PolicyTest.Case k : order) {
            RequestFacts request = copy(k.request());
            HeaderLines response = copy(k.response());
            Outcome found = find(memo, request, response);
            Outcome judged = memo.judge(request, response);
            assertEquals(expected(policy.evaluate(k.request(), k.response()), k.response()), describe(judged),
                () -> k.name() + " (slots=" + slots + ")");
            if (found != null) {
                assertSame(judged, found, () -> "find and judge agree: " + k.name());
            }
            if (request.origin() != null) {
                assertSame(judged, find(memo, copy(k.request()), copy(k.response())),
                    () -> "found once judged: " + k.name() + " (slots=" + slots + ")");
            }
        }
    }

    /** {@link DecisionMemo#find} with what an advice hands the engine (null origins are never looked up). */
    private static Outcome find(DecisionMemo memo, RequestFacts r, HeaderLines h) {
        if (r.origin() == null) {
            return null;
        }
        String[] pairs = new String[2 * h.size() + 3]; // longer than needed, as the advice's array
        for (int i = 0; i < h.size(); i++) {
            pairs[2 * i] = h.name(i);
            pairs[2 * i + 1] = h.value(i);
        }
        return memo.find(r.origin(), r.method(), r.requestMethod(), r.requestHeaders(), r.credentialsHint(), h.status(),
            pairs, h.size());
    }

    @Test
    void answersLikeThePolicyForEveryCaseOfTheRuleTable() {
        sameAnswers(256, 1);
        sameAnswers(256, 2);
    }

    @Test
    void answersLikeThePolicyWhenEveryEntryEvictsTheLast() {
        sameAnswers(1, 3);
        sameAnswers(2, 4);
    }

    @Test
    void aRepeatedInputGetsTheRememberedDecisionWhateverItsPath() {
        Policy policy = PolicyTest.settings().policy();
        DecisionMemo memo = new DecisionMemo(policy);
        Decision first = memo.evaluate(PolicyTest.getWithCookie(PolicyTest.E),
            PolicyTest.lines(ACAO, PolicyTest.E, ACAC, "true"));
        Decision again = memo.evaluate(new RequestFacts(fresh(PolicyTest.E), "GET", "/other", null, null, true),
            copy(PolicyTest.lines(ACAO, PolicyTest.E, ACAC, "true")));
        assertSame(first, again, "the policy does not read the path: the same decision");
        assertSame(memo.judge(PolicyTest.getWithCookie(PolicyTest.E), PolicyTest.lines(ACAO, PolicyTest.E, ACAC, "true")).operations(),
            memo.judge(PolicyTest.getWithCookie(fresh(PolicyTest.E)), copy(PolicyTest.lines(ACAO, PolicyTest.E, ACAC, "true"))).operations(),
            "a repeated response shares the operations: nothing copied");
        assertEquals("[CG003, CG007]", first.violations().stream().map(v -> v.rule().code()).collect(Collectors.toList()).toString());
        assertNull(memo.evaluate(PolicyTest.getWithCookie(PolicyTest.T), PolicyTest.lines(ACAO, PolicyTest.T, ACAC, "true", "Vary", "Origin")),
            "a compliant response: no decision, remembered as such");
        assertNull(memo.evaluate(PolicyTest.getWithCookie(fresh(PolicyTest.T)),
            copy(PolicyTest.lines(ACAO, PolicyTest.T, ACAC, "true", "Vary", "Origin"))));
    }

    @Test
    void everyInputThePolicyReadsIsPartOfTheKey() {
        Policy policy = PolicyTest.settings().methods("GET").headers("X-Token").policy();
        DecisionMemo memo = new DecisionMemo(policy);
        HeaderLines lines = PolicyTest.lines(ACAO, PolicyTest.T, ACAC, "true", "Access-Control-Allow-Methods", "GET",
            "Vary", "Origin");
        RequestFacts[] requests = {
            PolicyTest.preflight(PolicyTest.T, "GET", null),
            PolicyTest.preflight(PolicyTest.T, "DELETE", null),
            PolicyTest.preflight(PolicyTest.T, "GET", "X-Token"),
            PolicyTest.preflight(PolicyTest.T, "GET", "X-Other"),
            new RequestFacts(PolicyTest.T, "GET", "/api", "GET", null, false),
            PolicyTest.preflight(PolicyTest.E, "GET", null),
            PolicyTest.get(PolicyTest.T),
            PolicyTest.getWithCookie(PolicyTest.T),
        };
        HeaderLines[] responses = {
            lines,
            PolicyTest.status(403, ACAO, PolicyTest.T, ACAC, "true", "Access-Control-Allow-Methods", "GET", "Vary", "Origin"),
            PolicyTest.lines(ACAO, PolicyTest.T, ACAC, "True", "Access-Control-Allow-Methods", "GET", "Vary", "Origin"),
            PolicyTest.lines(ACAO, PolicyTest.T, ACAC, "true", "Access-Control-Allow-Methods", "GET"),
            PolicyTest.lines(ACAO.toLowerCase(), PolicyTest.T, ACAC, "true", "Access-Control-Allow-Methods", "GET", "Vary", "Origin"),
        };
        for (int round = 0; round < 2; round++) {
            for (RequestFacts r : requests) {
                for (HeaderLines h : responses) {
                    assertEquals(describe(policy.evaluate(r, h)), describe(memo.evaluate(copy(r), copy(h))),
                        r.origin() + " " + r.method() + " " + r.requestMethod() + " " + r.requestHeaders() + " " + h.asLines());
                    Outcome found = find(memo, copy(r), copy(h));
                    assertEquals(describe(policy.evaluate(r, h)), found == null ? "miss" : describe(found.decision()),
                        "found by the same key: " + r.origin() + " " + r.method() + " " + r.requestMethod() + " "
                            + r.requestHeaders() + " " + h.asLines());
                }
            }
        }
    }

    @Test
    void theCallersArrayIsNotKept() {
        Policy policy = PolicyTest.settings().policy();
        DecisionMemo memo = new DecisionMemo(policy);
        String[] pairs = {ACAO, PolicyTest.E, ACAC, "true"};
        Outcome outcome = memo.judge(PolicyTest.getWithCookie(PolicyTest.E), HeaderLines.ofPairs(200, pairs, 2));
        Decision first = outcome.decision();
        List<String> sent = outcome.corrected().asLines();
        pairs[1] = "*"; // the caller reuses its array
        assertEquals(sent, outcome.corrected().asLines(), "the remembered corrected lines are the memo's own");
        Decision changed = memo.evaluate(PolicyTest.getWithCookie(PolicyTest.E), HeaderLines.ofPairs(200, pairs, 2));
        assertNotSame(first, changed);
        assertEquals(describe(policy.evaluate(PolicyTest.getWithCookie(PolicyTest.E), PolicyTest.lines(ACAO, "*", ACAC, "true"))),
            describe(changed));
    }

    @Test
    void findReadsTheAdvicesArrayAsJudgeReadsItsLines() {
        DecisionMemo memo = new DecisionMemo(PolicyTest.settings().policy());
        String[] pairs = {ACAO, PolicyTest.E, "Vary", null, null, null};
        Outcome judged = memo.judge(PolicyTest.getWithCookie(PolicyTest.E), HeaderLines.ofPairs(200, pairs, 2));
        String[] again = {ACAO, fresh(PolicyTest.E), "Vary", null, "X-Unused", "x"};
        assertSame(judged, memo.find(fresh(PolicyTest.E), "GET", null, null, true, 200, again, 2),
            "a null value is the empty value HeaderLines reads; lines past the count are not read");
        assertNull(memo.find(PolicyTest.E, "GET", null, null, true, 200, again, 3), "one more line: another key");
        assertNull(memo.find(PolicyTest.E, "GET", null, null, false, 200, again, 2), "the credentials hint is in the key");
        assertNull(memo.find(PolicyTest.E, "OPTIONS", null, null, true, 200, again, 2), "so is OPTIONS");
        assertSame(judged, memo.find(PolicyTest.E, "POST", null, null, true, 200, again, 2),
            "another method that is not OPTIONS: the policy reads only whether it is OPTIONS");
        assertNull(memo.find(PolicyTest.E, "GET", null, null, true, 204, again, 2), "and the status");
    }

    /** A fold that records what it was handed, by outcome. */
    private static final class Handed implements DecisionMemo.Fold {
        final Map<Outcome, Long> byOutcome = Collections.synchronizedMap(new IdentityHashMap<>());
        final AtomicLong total = new AtomicLong();

        @Override
        public void responses(Outcome outcome, long responses) {
            assertTrue(responses > 0, "only counts are handed over");
            byOutcome.merge(outcome, responses, Long::sum);
            total.addAndGet(responses);
        }
    }

    private static Map<Outcome, Long> held(DecisionMemo memo) {
        Map<Outcome, Long> held = new IdentityHashMap<>();
        memo.forEachCounted((o, n) -> held.merge(o, n, Long::sum));
        return held;
    }

    private static Outcome judge(DecisionMemo memo, String origin) {
        return memo.judge(PolicyTest.getWithCookie(fresh(origin)), copy(PolicyTest.lines(ACAO, origin, ACAC, "true")));
    }

    @Test
    void anOutcomeCountsItsResponsesUntilItLeavesTheMemo() {
        Handed handed = new Handed();
        DecisionMemo memo = new DecisionMemo(PolicyTest.settings().policy(), 1, handed);
        Outcome e = judge(memo, PolicyTest.E);
        for (int i = 0; i < 3; i++) {
            assertSame(e, judge(memo, PolicyTest.E));
            assertTrue(e.countResponse(), "held by the memo: counted on the outcome");
        }
        assertEquals(Map.of(), handed.byOutcome, "nothing handed over while it is held");
        assertEquals(Map.of(e, 3L), held(memo));

        Outcome t = judge(memo, PolicyTest.T); // one slot: evicts e
        assertEquals(Map.of(e, 3L), handed.byOutcome, "handed over when its slot is taken");
        assertFalse(e.countResponse(), "a late response with the evicted outcome is counted by its caller");
        assertEquals(0, e.responsesCounted());
        assertTrue(t.countResponse());
        assertTrue(t.countResponse());
        assertEquals(Map.of(t, 2L), held(memo), "the evicted outcome is no longer shown");

        memo.close();
        assertEquals(Map.of(e, 3L, t, 2L), handed.byOutcome, "close hands over what is held");
        assertFalse(t.countResponse());
        memo.close();
        assertEquals(5L, handed.total.get(), "closing twice hands nothing over twice");
        Outcome late = judge(memo, "https://late.example");
        assertFalse(late.countResponse(), "an outcome made after close is closed at once");
        assertEquals(Map.of(), held(memo));
        assertEquals(5L, handed.total.get());
    }

    @Test
    void anOutcomeThatIsNotRememberedCountsNothing() {
        DecisionMemo memo = new DecisionMemo(PolicyTest.settings().policy(), 4, new Handed());
        Outcome o = memo.judge(new RequestFacts(null, "GET", "/", null, null, true), PolicyTest.lines(ACAO, "*"));
        assertFalse(o.countResponse(), "no origin: not memoized, so the caller counts");
    }

    /**
     * Threads judge and count through a memo with fewer slots than inputs, so entries are evicted
     * all the time, and a compare-and-set can be lost: every response is counted exactly once,
     * on an outcome (handed over or still held) or by its caller.
     */
    @Test
    void noResponseIsLostOrCountedTwiceWhileEntriesAreEvictedConcurrently() throws Exception {
        Handed handed = new Handed();
        DecisionMemo memo = new DecisionMemo(PolicyTest.settings().policy(), 2, handed);
        String[] origins = {PolicyTest.E, PolicyTest.T, "https://a.example", "https://b.example", "https://c.example"};
        int threads = 4;
        int perThread = 50_000;
        AtomicLong byCaller = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < threads; w++) {
            Random random = new Random(w);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long mine = 0;
                    for (int i = 0; i < perThread; i++) {
                        // mostly the same two inputs (kept), now and then the others (evicting)
                        String origin = origins[random.nextInt(8) < 6 ? random.nextInt(2) : 2 + random.nextInt(3)];
                        if (!judge(memo, origin).countResponse()) {
                            mine++;
                        }
                    }
                    byCaller.addAndGet(mine);
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            workers.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : workers) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        long held = held(memo).values().stream().mapToLong(Long::longValue).sum();
        assertTrue(handed.total.get() > 0 && held > 0, "both paths were taken: " + handed.total + " / " + held);
        assertEquals((long) threads * perThread, handed.total.get() + held + byCaller.get(),
            "handed over " + handed.total + ", held " + held + ", counted by callers " + byCaller);
        memo.close();
        assertEquals((long) threads * perThread, handed.total.get() + byCaller.get());
    }
}
