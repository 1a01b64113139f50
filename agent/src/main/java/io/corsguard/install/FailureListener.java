package io.corsguard.install;

import io.corsguard.report.Reporter;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
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
        reporter.agentFailure("instrument " + typeName, throwable);
    }
}
