package io.corsguard.install;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One server family's instrumentation (OpenTelemetry's "instrumentation module"): the narrow type
 * matchers and the advice it adds to the agent builder. Advice classes are named by string and
 * reference only bootstrap ({@code io.corsguard.bootstrap}) and server types, so the agent's own
 * classes never leak into application class loaders.
 */
public interface ServerInstrumentation {

    /** Kebab-case name used in logs ({@code tomcat}, {@code servlet}, {@code netty}). */
    String name();

    /**
     * Adds this family's type matchers and advice.
     *
     * @param builder      the builder so far
     * @param adviceLoader the class loader that holds the advice classes' bytes (the agent's)
     */
    AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader);
}
