package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
            assertEquals(expected(policy.evaluate(k.request(), k.response()), k.response()), describe(memo.judge(request, response)),
                () -> k.name() + " (slots=" + slots + ")");
        }
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
}
