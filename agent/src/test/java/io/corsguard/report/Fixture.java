package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.Decision;
import io.corsguard.policy.DecisionMemo;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.HeaderPatch;
import io.corsguard.policy.InvalidOriginException;
import io.corsguard.policy.OriginAllowlist;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.Policy;
import io.corsguard.policy.PolicySettings;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Rule;
import io.corsguard.policy.Violation;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A reporter writing to memory with a hand-driven clock. */
final class Fixture implements AutoCloseable {
    static final long T0 = 1_795_000_000_000L;

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true);
    final AtomicLong now = new AtomicLong(T0);
    final Reporter reporter;

    Fixture(ReportSettings settings) {
        this(settings, Dedupe.MAX_KEYS);
    }

    Fixture(ReportSettings settings, int maxKeys) {
        reporter = Reporter.start(settings, err, now::get, maxKeys);
    }

    static Fixture json() {
        return new Fixture(settings(ReportSettings.Format.JSON, 60_000));
    }

    static Fixture text() {
        return new Fixture(settings(ReportSettings.Format.TEXT, 60_000));
    }

    static ReportSettings settings(ReportSettings.Format format, long window) {
        return new ReportSettings(format, null, "info", window);
    }

    String raw() {
        return new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    List<String> lines() {
        String r = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(Arrays.asList(r.split("\n", -1)));
        out.remove(out.size() - 1); // after the last newline
        return out;
    }

    void advance(long millis) {
        now.addAndGet(millis);
    }

    static RequestFacts get(String origin, String path) {
        return new RequestFacts(origin, "GET", path, null, null, true);
    }

    static HeaderLines reflected(String origin) {
        return HeaderLines.of(200, "Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true");
    }

    static Decision decision(Rule rule, Action action) {
        return new Decision(List.of(new Violation(rule, action)), HeaderPatch.empty());
    }

    static Decision stripDecision() {
        return new Decision(List.of(new Violation(Rule.CG003, Action.STRIP_CREDENTIALS)),
            HeaderPatch.builder().remove("Access-Control-Allow-Credentials").build());
    }

    /** CG003 in monitor mode for {@code origin} on {@code path}. */
    void cg003(String origin, String path) {
        reporter.violations("monitor", "servlet", get(origin, path), reflected(origin), null, stripDecision());
    }

    /** A memo over a policy that trusts only {@code https://app.example.com}, as the engine keeps one. */
    static DecisionMemo memo() {
        try {
            return new DecisionMemo(new Policy(new PolicySettings(OriginAllowlist.parse(List.of("https://app.example.com")),
                false, List.of(), List.of(), List.of(), false)));
        } catch (InvalidOriginException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A response reflecting {@code origin} with credentials, judged through {@code memo} and
     * reported in correct mode as the engine does (the outcome passed along); returns the outcome.
     * The origin is a fresh string each time, as a server hands it over.
     */
    Outcome corrected(DecisionMemo memo, String server, String origin, String path) {
        String fresh = new String(origin.toCharArray());
        RequestFacts facts = get(fresh, path);
        HeaderLines written = reflected(fresh);
        Outcome o = memo.judge(facts, written);
        reporter.violations("correct", server, facts, written, o.corrected(), o.decision(), o);
        return o;
    }

    @Override
    public void close() {
        reporter.close();
    }
}
