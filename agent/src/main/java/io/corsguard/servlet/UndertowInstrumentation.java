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
        this(CommitHookCoverage.none());
    }

    /** @param coverage told when this hook's class is matched but not woven */
    public UndertowInstrumentation(CommitHookCoverage coverage) {
        super(ServletBridge::markUndertowCommitHook, coverage, EXCHANGE);
        // Undertow's classes load as the server is built; the exchange at the first request
        preWeave("io/undertow/", EXCHANGE);
    }

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    void weaveHook(Weaving weaving) {
        weaving.advice(isMethod().and(named("startResponse")).and(takesNoArguments()),
            "io.corsguard.servlet.UndertowCommitHookAdvice");
    }
}
