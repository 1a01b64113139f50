package io.corsguard.bench;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.engine.Engine;
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

/** The bridge's fast paths, what every response pays before the policy is reached (or not). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BridgeBench {

    Engine engine;
    String contentType = "Content-Type";
    String contentLength = "Content-Length";
    String acao = "Access-Control-Allow-Origin";
    String[] none = new String[0];

    @Setup(Level.Trial)
    public void setUp() {
        engine = Fixtures.engine("correct");
        CorsGuardBridge.setHandler(engine);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        CorsGuardBridge.setHandler(null);
        engine.reporter().close();
    }

    @Benchmark
    public boolean active() {
        return CorsGuardBridge.active();
    }

    @Benchmark
    public boolean isCorsHeader_nonCors() {
        return CorsGuardBridge.isCorsHeader(contentType) | CorsGuardBridge.isCorsHeader(contentLength);
    }

    @Benchmark
    public boolean isCorsHeader_acao() {
        return CorsGuardBridge.isCorsHeader(acao);
    }

    /** A request without Origin: the bridge returns before the handler is called. */
    @Benchmark
    public String[] decide_noOrigin() {
        return CorsGuardBridge.decide("netty", CapturedRequest.NO_ORIGIN, 200, none, 0);
    }
}
