package io.corsguard.install;

import io.corsguard.engine.Engine;
import net.bytebuddy.pool.TypePool;

/** Counts instrumentation failures and logs the first of each; a class that fails stays as it was. */
final class FailureListener implements CorsGuardTransformer.Listener {
    /** The engine, not its reporter: a reload may replace the reporter (new log settings). */
    private final Engine engine;

    FailureListener(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void woven(String className) {
        engine.reporter().debug("instrumented " + className);
    }

    @Override
    public void failed(String className, Throwable error) {
        if (error instanceof TypePool.Resolution.NoSuchTypeException) {
            // a super type the class loader cannot see (optional dependency absent): the class is
            // simply not one of ours; counting it as an agent failure would be noise
            engine.reporter().debug("not instrumented " + className + ": " + error.getMessage());
            return;
        }
        engine.reporter().agentFailure("instrument " + className, error);
    }
}
