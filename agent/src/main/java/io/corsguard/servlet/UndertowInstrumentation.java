package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.Weaving;

/**
 * Undertow's commit hook: {@code HttpServerExchange.startResponse()}, which the exchange calls
 * once, from {@code getResponseChannel()}, before the response commit listeners run and the head
 * is written (checked with javap on undertow-core 2.3.21.Final). Live only while
 * {@code CorsGuardBridge.enabled("undertow-commit-hook")}.
 */
public final class UndertowInstrumentation extends CommitHook {

    static final String EXCHANGE = "io.undertow.server.HttpServerExchange";

    public UndertowInstrumentation() {
        super(ServletBridge::markUndertowCommitHook, EXCHANGE);
    }

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    public void weave(Weaving weaving) {
        weaving.advice(isMethod().and(named("startResponse")).and(takesNoArguments()),
            "io.corsguard.servlet.UndertowCommitHookAdvice");
    }
}
