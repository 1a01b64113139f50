package io.corsguard.install;

import io.corsguard.engine.Engine;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;
import net.bytebuddy.agent.builder.AgentBuilder;

/** Counts instrumentation failures and logs the first of each; a class that fails stays as it was. */
final class FailureListener extends AgentBuilder.Listener.Adapter {
    /** The engine, not its reporter: a reload may replace the reporter (new log settings). */
    private final Engine engine;

    FailureListener(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
        engine.reporter().debug("instrumented " + type.getName());
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
        if (throwable instanceof TypePool.Resolution.NoSuchTypeException) {
            // a super type the class loader cannot see (optional dependency absent): the class is
            // simply not one of ours; counting it as an agent failure would be noise
            engine.reporter().debug("not instrumented " + typeName + ": " + throwable.getMessage());
            return;
        }
        engine.reporter().agentFailure("instrument " + typeName, throwable);
    }
}
