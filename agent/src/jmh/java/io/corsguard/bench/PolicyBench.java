package io.corsguard.bench;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.engine.Engine;
import io.corsguard.policy.Decision;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.Policy;
import io.corsguard.policy.RequestFacts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The policy decision (issue 9, 1a-1c), at two depths: {@code Policy.evaluate} alone, and
 * {@code Engine.decide} (what the bridge calls: facts, header lines, policy, reporter, counters).
 * Every request carries {@code Origin} (requests without it never reach the policy: see
 * {@link BridgeBench} for that path).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyBench {

    // (a) a response with no CORS header: the app answered a cross-origin request without CORS
    static final String[] NO_CORS = new String[0];
    // (b) compliant credentialed response to a trusted origin (what /api/correct sends)
    static final String[] COMPLIANT = {
        "Access-Control-Allow-Origin", Fixtures.TRUSTED,
        "Access-Control-Allow-Credentials", "true",
        "Vary", "Origin"};
    // (c) violating: reflected untrusted origin with credentials, no Vary (what /api/reflect sends)
    static final String[] VIOLATING = {
        "Access-Control-Allow-Origin", Fixtures.UNTRUSTED,
        "Access-Control-Allow-Credentials", "true"};

    Policy policy;
    Engine correct;
    RequestFacts trustedFacts;
    RequestFacts untrustedFacts;
    HeaderLines noCorsLines;
    HeaderLines compliantLines;
    HeaderLines violatingLines;
    CapturedRequest trusted;
    CapturedRequest untrusted;

    @Setup(Level.Trial)
    public void setUp() {
        correct = Fixtures.engine("correct");
        policy = new Policy(correct.config().policySettings());
        trustedFacts = new RequestFacts(Fixtures.TRUSTED, "GET", "/api/correct", null, null, true);
        untrustedFacts = new RequestFacts(Fixtures.UNTRUSTED, "GET", "/api/reflect", null, null, true);
        noCorsLines = HeaderLines.ofPairs(200, NO_CORS, 0);
        compliantLines = HeaderLines.ofPairs(200, COMPLIANT, 3);
        violatingLines = HeaderLines.ofPairs(200, VIOLATING, 2);
        trusted = new CapturedRequest(Fixtures.TRUSTED, "GET", "/api/correct", null, null, true);
        untrusted = new CapturedRequest(Fixtures.UNTRUSTED, "GET", "/api/reflect", null, null, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        correct.reporter().close();
    }

    @Benchmark
    public Decision a_policyNoCorsHeader() {
        return policy.evaluate(trustedFacts, noCorsLines);
    }

    @Benchmark
    public Decision b_policyCompliant() {
        return policy.evaluate(trustedFacts, compliantLines);
    }

    @Benchmark
    public Decision c_policyViolating() {
        return policy.evaluate(untrustedFacts, violatingLines);
    }

    @Benchmark
    public String[] a_engineNoCorsHeader() {
        return correct.decide("netty", trusted, 200, NO_CORS, 0);
    }

    @Benchmark
    public String[] b_engineCompliant() {
        return correct.decide("netty", trusted, 200, COMPLIANT, 3);
    }

    /** Correct mode: strip credentials, add Vary; the report line is deduplicated after the first. */
    @Benchmark
    public String[] c_engineViolatingCorrect() {
        return correct.decide("netty", untrusted, 200, VIOLATING, 2);
    }
}
