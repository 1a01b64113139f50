package io.corsguard.install;

import io.corsguard.report.Reporter;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;
import net.bytebuddy.agent.builder.AgentBuilder;

/** Counts instrumentation failures and logs the first of each; a class that fails stays as it was. */
final class FailureListener extends AgentBuilder.Listener.Adapter {
    private final Reporter reporter;

    FailureListener(Reporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
        reporter.debug("instrumented " + type.getName());
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
        if (throwable instanceof TypePool.Resolution.NoSuchTypeException) {
            // a super type the class loader cannot see (optional dependency absent): the class is
            // simply not one of ours; counting it as an agent failure would be noise
            reporter.debug("not instrumented " + typeName + ": " + throwable.getMessage());
            return;
        }
        reporter.agentFailure("instrument " + typeName, throwable);
    }
}
