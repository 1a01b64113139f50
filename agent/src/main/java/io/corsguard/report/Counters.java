package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.Decision;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.Rule;
import io.corsguard.policy.Violation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's counters, for {@code status} and the MBean. Rules and actions are counted in arrays
 * indexed by enum ordinal: no map lookup and no boxing on the hot path. Agent error kinds come
 * from the agent's own code (a handful), so a map is fine there; it is capped all the same.
 *
 * <p>Responses judged with a memoized outcome are counted on the outcome and folded in here when it
 * leaves its memo ({@link #add}); until then the {@link Pending} source shows them, so every read
 * includes them. Reads never go down and never show a response twice: a count handed over while
 * a read runs can be missed by that read, and is shown by the next. The same holds for the
 * learned origins ({@link LearnedOrigins}), kept here with the counters so that one read shows
 * both: a memoized outcome that sends credentials counts its origin's responses with its own
 * count, handed over with it ({@link #credentialsSent}).
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
    private final LearnedOrigins learned = new LearnedOrigins(this);
    /** Copy on write: an engine adds itself once, reads walk the array. */
    private volatile Pending[] pending = new Pending[0];
    /** What the last read showed, so the next never shows less; guarded by {@code this}. */
    private final Tally shown = new Tally();

    /** Responses counted elsewhere and not yet folded in: the engine's decision memo. */
    public interface Pending {
        void addTo(Tally tally);
    }

    /** Where {@link #count} puts one decision's counts: the shared cells, or one read's tally. */
    interface Sink {
        void corrected(long n);

        /** {@code n} violations of the (rule, action) pair at {@code cell}, see {@link #pairs}. */
        void violation(int cell, long n);
    }

    /** The shared cells as a {@link Sink}. */
    private final Sink cells = new Sink() {
        @Override
        public void corrected(long n) {
            corrected.add(n);
        }

        @Override
        public void violation(int cell, long n) {
            pairs[cell].add(n);
        }
    };

    /**
     * The counting rule, the one place it is written: {@code n} responses judged with {@code
     * decision} are corrected when it has violations, {@code correctMode} is set and its patch is
     * not empty; and each of its violations counts once per response, in the cell of its (rule,
     * action) pair. Judged responses are counted by the callers, since a response without CORS
     * lines is judged without a decision.
     */
    static void count(Decision decision, boolean correctMode, long n, Sink sink) {
        List<Violation> vs = decision == null ? null : decision.violations();
        if (vs == null || vs.isEmpty()) {
            return;
        }
        if (correctMode && !decision.patch().isEmpty()) {
            sink.corrected(n);
        }
        for (int i = 0; i < vs.size(); i++) {
            Violation v = vs.get(i);
            sink.violation(v.rule().ordinal() * ACTIONS.length + v.action().ordinal(), n);
        }
    }

    /** Response counts by kind: the shared cells, plus what {@link Pending} adds, at one read. */
    public static final class Tally implements Sink {
        long judged;
        long corrected;
        final long[] pairs = new long[RULES.length * ACTIONS.length];
        long learnedOverflow;
        /** Responses that sent credentials, by learned origin (its key as stored). */
        final Map<String, Long> learned = new HashMap<>();

        /** {@code n} responses judged with {@code decision}, see {@link Counters#add}. */
        public void add(Decision decision, boolean correctMode, long n) {
            judged += n;
            Counters.count(decision, correctMode, n, this);
        }

        /** {@code n} responses held on a memoized {@code outcome}, see {@link Counters#add(Outcome, boolean, long)}. */
        public void add(Outcome outcome, boolean correctMode, long n) {
            add(outcome.decision(), correctMode, n);
            if (outcome.credentialsSent(correctMode)) {
                credentialsSent(outcome.learnedCounter(), n);
            }
        }

        /** {@code n} responses that sent credentials, where {@code learnedCounter} says ({@link Reporter#learnedCounter}). */
        public void credentialsSent(Object learnedCounter, long n) {
            if (learnedCounter instanceof LearnedOrigins.Count) {
                String key = ((LearnedOrigins.Count) learnedCounter).key;
                Long had = learned.get(key);
                learned.put(key, had == null ? n : had + n);
            } else if (learnedCounter == LearnedOrigins.OVERFLOW) {
                learnedOverflow += n;
            }
        }

        @Override
        public void corrected(long n) {
            corrected += n;
        }

        @Override
        public void violation(int cell, long n) {
            pairs[cell] += n;
        }

        void atLeast(Tally other) {
            judged = Math.max(judged, other.judged);
            corrected = Math.max(corrected, other.corrected);
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = Math.max(pairs[i], other.pairs[i]);
            }
            learnedOverflow = Math.max(learnedOverflow, other.learnedOverflow);
            for (Map.Entry<String, Long> e : other.learned.entrySet()) {
                Long mine = learned.get(e.getKey());
                if (mine == null || mine < e.getValue()) {
                    learned.put(e.getKey(), e.getValue());
                }
            }
        }

        void copy(Tally other) {
            judged = other.judged;
            corrected = other.corrected;
            System.arraycopy(other.pairs, 0, pairs, 0, pairs.length);
            learnedOverflow = other.learnedOverflow;
            learned.clear();
            learned.putAll(other.learned);
        }
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Adds a source of responses counted elsewhere (an engine, for as long as it lives). */
    public synchronized void addPending(Pending source) {
        Pending[] now = pending;
        for (Pending p : now) {
            if (p == source) {
                return;
            }
        }
        Pending[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = source;
        pending = next;
    }

    /**
     * Folds in {@code n} responses judged with {@code decision} (see {@link #count}): the outcome
     * of a memo that counted them, or one response not counted on an outcome.
     */
    public void add(Decision decision, boolean correctMode, long n) {
        if (n <= 0) {
            return;
        }
        judged.add(n);
        count(decision, correctMode, n, cells);
    }

    /**
     * Folds in {@code n} responses counted on a memoized {@code outcome}: {@link #add(Decision,
     * boolean, long)} with its decision, and, when they left with credentials, their origin's
     * learned count ({@link Outcome#learnedCounter()}).
     */
    public void add(Outcome outcome, boolean correctMode, long n) {
        add(outcome.decision(), correctMode, n);
        if (n > 0 && outcome.credentialsSent(correctMode)) {
            learned.add(outcome.learnedCounter(), n);
        }
    }

    /**
     * One response that sent credentials and was not counted on its outcome: counted where
     * {@code learnedCounter} says ({@link Reporter#learnedCounter}).
     */
    public void credentialsSent(Object learnedCounter) {
        learned.add(learnedCounter, 1);
    }

    LearnedOrigins learned() {
        return learned;
    }

    /** {@link #add} without counting the response as judged (already counted by {@link #countJudged()}). */
    void violations(Decision decision, boolean correctMode) {
        count(decision, correctMode, 1, cells);
    }

    /** The cells and what is pending, at least what the last read showed. */
    private synchronized Tally read() {
        Tally t = new Tally();
        // judged last: every writer adds to judged before corrected and the pairs (add, and
        // countJudged before violations), so a read in the other order can never show more
        // corrected than judged, not even when a memo hands over its counts in between
        t.corrected = corrected.sum();
        for (int i = 0; i < pairs.length; i++) {
            t.pairs[i] = pairs[i].sum();
        }
        t.judged = judged.sum();
        t.learnedOverflow = learnedOverflow.sum();
        learned.sums(t.learned);
        // the cells first: a count handed over between the two reads is missed by this one
        // (and shown by the next), where the other order would show it twice
        for (Pending p : pending) {
            p.addTo(t);
        }
        t.atLeast(shown);
        shown.copy(t);
        return t;
    }

    void countJudged() {
        judged.increment();
    }

    void lineWritten() {
        violationLines.increment();
    }

    void dedupeOverflow() {
        dedupeOverflow.increment();
    }

    void learnedOverflow(long n) {
        learnedOverflow.add(n);
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
        long[] cells = read().pairs;
        long n = 0;
        int row = rule.ordinal() * ACTIONS.length;
        for (int a = 0; a < ACTIONS.length; a++) {
            n += cells[row + a];
        }
        return n;
    }

    public long action(Action action) {
        long[] cells = read().pairs;
        long n = 0;
        for (int r = 0; r < RULES.length; r++) {
            n += cells[r * ACTIONS.length + action.ordinal()];
        }
        return n;
    }

    /** Responses the policy judged (requests with {@code Origin}). */
    public long judged() {
        return read().judged;
    }

    /** Responses correct mode changed. */
    public long corrected() {
        return read().corrected;
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
        Tally t = read();
        out.put("responses.judged", t.judged);
        out.put("responses.corrected", t.corrected);
        // each cell read once, so the rule and action totals of one snapshot agree exactly
        long[] byRule = new long[RULES.length];
        long[] byAction = new long[ACTIONS.length];
        for (int r = 0; r < RULES.length; r++) {
            for (int a = 0; a < ACTIONS.length; a++) {
                long n = t.pairs[r * ACTIONS.length + a];
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
        out.put("learned-origins.overflow", t.learnedOverflow);
        return out;
    }

    /**
     * Origins that were sent credentials (as {@link LearnedOrigins} stores them), with the
     * responses that did, sorted; pending counts included, as for every read here.
     */
    Map<String, Long> learnedOrigins() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Long> e : read().learned.entrySet()) {
            // an origin registered by a response whose count is not yet visible: shown once it is
            if (e.getValue() > 0) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
