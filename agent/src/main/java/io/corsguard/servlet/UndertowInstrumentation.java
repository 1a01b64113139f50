package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.ServerInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Undertow's commit hook: {@code HttpServerExchange.startResponse()}, which the exchange calls
 * once, from {@code getResponseChannel()}, before the response commit listeners run and the head
 * is written (checked with javap on undertow-core 2.3.21.Final). Live only while
 * {@code CorsGuardBridge.enabled("undertow-commit-hook")}.
 */
public final class UndertowInstrumentation implements ServerInstrumentation {

    static final String EXCHANGE = "io.undertow.server.HttpServerExchange";

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader) {
        return CommitHook.weave(builder, adviceLoader, CommitHook.names(EXCHANGE),
            isMethod().and(named("startResponse")).and(takesNoArguments()),
            "io.corsguard.servlet.UndertowCommitHookAdvice", ServletBridge::markUndertowCommitHook);
    }
}
