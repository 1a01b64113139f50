package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.Rule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's counters, for {@code status} and the MBean. Rules and actions are counted in arrays
 * indexed by enum ordinal: no map lookup and no boxing on the hot path. Agent error kinds come
 * from the agent's own code (a handful), so a map is fine there; it is capped all the same.
 */
public final class Counters {
    private static final Rule[] RULES = Rule.values();
    private static final Action[] ACTIONS = Action.values();
    /** Error kinds are agent-chosen names; the cap only guards against a bug that makes them unique. */
    static final int MAX_ERROR_KINDS = 64;
    static final String OTHER_KIND = "other";

    /**
     * One counter per (rule, action) pair, index {@code rule * ACTIONS.length + action}: a violation
     * costs one atomic update instead of two, and a rule's and an action's totals are sums over
     * the same cells, so they always agree (192 cells, ~6 KB per configuration).
     */
    private final LongAdder[] pairs = adders(RULES.length * ACTIONS.length);
    private final LongAdder judged = new LongAdder();
    private final LongAdder corrected = new LongAdder();
    private final LongAdder violationLines = new LongAdder();
    private final LongAdder dedupeOverflow = new LongAdder();
    private final LongAdder learnedOverflow = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void violation(Rule rule, Action action) {
        pairs[rule.ordinal() * ACTIONS.length + action.ordinal()].increment();
    }

    void countJudged() {
        judged.increment();
    }

    void countCorrected() {
        corrected.increment();
    }

    void lineWritten() {
        violationLines.increment();
    }

    void dedupeOverflow() {
        dedupeOverflow.increment();
    }

    void learnedOverflow() {
        learnedOverflow.increment();
    }

    /** Counts one failure of {@code kind}; {@code true} when it is the first of its kind. */
    boolean error(String kind) {
        LongAdder a = errors.get(kind);
        boolean first = false;
        if (a == null) {
            String k = errors.size() >= MAX_ERROR_KINDS ? OTHER_KIND : kind;
            a = errors.get(k);
            if (a == null) {
                LongAdder fresh = new LongAdder();
                a = errors.putIfAbsent(k, fresh);
                if (a == null) {
                    a = fresh;
                    first = true;
                }
            }
        }
        a.increment();
        return first;
    }

    public long rule(Rule rule) {
        long n = 0;
        int row = rule.ordinal() * ACTIONS.length;
        for (int a = 0; a < ACTIONS.length; a++) {
            n += pairs[row + a].sum();
        }
        return n;
    }

    public long action(Action action) {
        long n = 0;
        for (int r = 0; r < RULES.length; r++) {
            n += pairs[r * ACTIONS.length + action.ordinal()].sum();
        }
        return n;
    }

    /** Responses the policy judged (requests with {@code Origin}). */
    public long judged() {
        return judged.sum();
    }

    /** Responses correct mode changed. */
    public long corrected() {
        return corrected.sum();
    }

    public long errors(String kind) {
        LongAdder a = errors.get(kind);
        return a == null ? 0 : a.sum();
    }

    /**
     * All counters by name, every rule and action included (zeros too, so the shape is stable):
     * {@code responses.judged}, {@code responses.corrected}, {@code rule.CG003},
     * {@code action.strip-credentials}, {@code errors.total}, {@code error.<kind>},
     * {@code report.lines}, {@code report.dedupe-overflow}, {@code learned-origins.overflow}.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("responses.judged", judged.sum());
        out.put("responses.corrected", corrected.sum());
        // each cell read once, so the rule and action totals of one snapshot agree exactly
        long[] byRule = new long[RULES.length];
        long[] byAction = new long[ACTIONS.length];
        for (int r = 0; r < RULES.length; r++) {
            for (int a = 0; a < ACTIONS.length; a++) {
                long n = pairs[r * ACTIONS.length + a].sum();
                byRule[r] += n;
                byAction[a] += n;
            }
        }
        for (Rule r : RULES) {
            out.put("rule." + r.code(), byRule[r.ordinal()]);
        }
        for (Action a : ACTIONS) {
            out.put("action." + a.label(), byAction[a.ordinal()]);
        }
        long total = 0;
        Map<String, Long> byKind = new TreeMap<>();
        for (Map.Entry<String, LongAdder> e : errors.entrySet()) {
            long n = e.getValue().sum();
            total += n;
            byKind.put("error." + e.getKey(), n);
        }
        out.put("errors.total", total);
        out.putAll(byKind);
        out.put("report.lines", violationLines.sum());
        out.put("report.dedupe-overflow", dedupeOverflow.sum());
        out.put("learned-origins.overflow", learnedOverflow.sum());
        return out;
    }
}
