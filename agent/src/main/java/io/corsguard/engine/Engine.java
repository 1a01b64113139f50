package io.corsguard.engine;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardHandler;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.config.Mode;
import io.corsguard.config.OnError;
import io.corsguard.config.TestFault;
import io.corsguard.policy.Decision;
import io.corsguard.policy.DecisionMemo;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.Policy;
import io.corsguard.policy.RequestFacts;
import io.corsguard.report.Counters;
import io.corsguard.report.Reporter;

/**
 * The bridge handler: turns what an advice read into a policy decision, records it, and hands back
 * the header operations correct mode applies. The configuration is swapped atomically on reload,
 * so each response sees one consistent configuration.
 */
public final class Engine implements CorsGuardHandler, Counters.Pending {

    /** One configuration with the policy and reporter built from it; replaced as a whole on reload. */
    private static final class State implements DecisionMemo.Fold {
        final CorsGuardConfig config;
        final Mode mode;
        final boolean off;
        final boolean correctMode;
        /** No {@code paths.include} or {@code paths.exclude}: every path is judged. */
        final boolean everyPath;
        final TestFault fault;
        final Policy policy;
        /**
         * The policy's decisions by their inputs: a new configuration starts with an empty memo.
         * Its outcomes count the responses judged with them, handed to the reporter's counters
         * when they leave it.
         */
        final DecisionMemo memo;
        final Reporter reporter;

        State(CorsGuardConfig config, Reporter reporter) {
            this.config = config;
            this.mode = config.mode();
            this.off = mode == Mode.OFF;
            this.correctMode = mode == Mode.CORRECT;
            this.everyPath = config.pathsUnfiltered();
            this.fault = config.testFault();
            this.policy = new Policy(config.policySettings());
            this.memo = new DecisionMemo(policy, this);
            this.reporter = reporter;
        }

        @Override
        public void responses(Outcome outcome, long responses) {
            reporter.counters().add(outcome, correctMode, responses);
        }
    }

    private volatile State state;

    public Engine(CorsGuardConfig config, Reporter reporter) {
        this.state = new State(config, reporter);
        reporter.counters().addPending(this);
    }

    public void reconfigure(CorsGuardConfig config) {
        replace(new State(config, state.reporter));
    }

    /** A new configuration whose log settings changed: the reporter (same counters) changes with it. */
    public void reconfigure(CorsGuardConfig config, Reporter reporter) {
        replace(new State(config, reporter));
    }

    private void replace(State next) {
        State old = state;
        // the old memo's counts go to the counters before its state leaves the pending view;
        // responses still judged under the old state are then counted in the shared counters
        old.memo.close();
        if (next.reporter.counters() != old.reporter.counters()) {
            next.reporter.counters().addPending(this);
        }
        state = next;
    }

    /** The responses the current memo's outcomes counted and have not handed over yet. */
    @Override
    public void addTo(Counters.Tally tally) {
        final State s = state;
        s.memo.forEachCounted(new DecisionMemo.Fold() {
            @Override
            public void responses(Outcome outcome, long responses) {
                tally.add(outcome, s.correctMode, responses);
            }
        });
    }

    public CorsGuardConfig config() {
        return state.config;
    }

    public Reporter reporter() {
        return state.reporter;
    }

    @Override
    public String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        State s = state;
        // the state's own fields: one object read for what every response checks first
        if (s.off || !(s.everyPath || s.config.pathAllowed(request.path))) {
            return null;
        }
        Faults.inject(s.fault);
        Reporter reporter = s.reporter;
        if (lineCount == 0 && !(request.requestMethod != null && "OPTIONS".equalsIgnoreCase(request.method))) {
            // no CORS line and not a preflight: Policy.evaluate returns null without looking
            // further (only CG012 fires without CORS lines, on preflights), and nothing carries
            // credentials; skip building the facts and lines
            reporter.responseJudged();
            return null;
        }
        // a repeated response is found from what the advice read, without building its facts
        // and lines; the memoized outcome holds the operations, the corrected lines and the
        // credentials flags: nothing is copied, patched or scanned
        RequestFacts facts = null;
        HeaderLines written = null;
        Outcome outcome = request.origin == null ? null : s.memo.find(request.origin, request.method,
            request.requestMethod, request.requestHeaders, request.credentialsHint, status, lines, lineCount);
        if (outcome == null) {
            facts = facts(request);
            written = HeaderLines.ofPairs(status, lines, lineCount);
            outcome = s.memo.judge(facts, written);
        }
        boolean credentials = outcome.credentialsSent(s.correctMode);
        // found before the response is counted on the outcome, so that its count has a place to go
        Object learnedCounter = credentials ? reporter.learnedCounter(request.origin, outcome) : null;
        // one update on the outcome instead of the shared judged, corrected and violation counters
        // and the origin's learned count: they get it when the outcome's count is folded in
        boolean counted = outcome.countResponse();
        if (!counted) {
            reporter.responseJudged();
            if (credentials) {
                reporter.counters().credentialsSent(learnedCounter);
            }
        }
        Decision decision = outcome.decision();
        String[] ops = null;
        if (decision != null) {
            boolean correct = s.correctMode && outcome.operations() != null;
            if (correct) {
                ops = outcome.operations();
            }
            if (facts == null) {
                facts = facts(request);
                written = HeaderLines.ofPairs(status, lines, lineCount);
            }
            reporter.violations(s.mode.label(), server, facts, written, correct ? outcome.corrected() : null, decision,
                outcome, counted);
        }
        return ops;
    }

    private static RequestFacts facts(CapturedRequest request) {
        return new RequestFacts(request.origin, request.method, request.path, request.requestMethod,
            request.requestHeaders, request.credentialsHint);
    }

    /** What {@link #decide} would return, without reporting or counting (generic servlet layer, write time). */
    @Override
    public String[] preview(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        State s = state;
        CorsGuardConfig config = s.config;
        if (config.mode() != Mode.CORRECT || !config.pathAllowed(request.path)) {
            return null;
        }
        Faults.inject(config.testFault());
        return s.memo.judge(new RequestFacts(request.origin, request.method, request.path, request.requestMethod,
            request.requestHeaders, request.credentialsHint), HeaderLines.ofPairs(status, lines, lineCount)).operations();
    }

    @Override
    public void adviceFailed(String where, Throwable failure) {
        state.reporter.agentFailure(where, failure);
    }

    @Override
    public boolean stripOnError() {
        return state.config.onError() == OnError.STRIP;
    }

    @Override
    public boolean enabled(String feature) {
        if ("tomcat-commit-hook".equals(feature) || "undertow-commit-hook".equals(feature)
            || "jetty12-commit-hook".equals(feature) || "jetty-channel-commit-hook".equals(feature)) {
            return state.config.testCommitHook();
        }
        return false;
    }
}
