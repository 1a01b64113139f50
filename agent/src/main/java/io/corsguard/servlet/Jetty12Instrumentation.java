package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.Weaving;

/**
 * Jetty 12's commit hook: {@code lockedPrepareResponse(HttpChannelState, boolean)} of the core
 * {@code HttpChannelState.ChannelResponse}, called once per response under the channel's lock
 * when the head is committed, with the response {@code HttpFields} still mutable (checked with
 * javap on jetty-server 12.1.14). Every handler writes through it: ee10 servlets, error pages and
 * {@code CrossOriginHandler} alike. Live only while {@code CorsGuardBridge.enabled("jetty12-commit-hook")}.
 */
public final class Jetty12Instrumentation extends CommitHook {

    static final String CHANNEL_RESPONSE = "org.eclipse.jetty.server.internal.HttpChannelState$ChannelResponse";

    public Jetty12Instrumentation() {
        this(CommitHookCoverage.none());
    }

    /** @param coverage told when this hook's class is matched but not woven */
    public Jetty12Instrumentation(CommitHookCoverage coverage) {
        super(ServletBridge::markJetty12CommitHook, coverage, CHANNEL_RESPONSE);
        // Jetty's server classes load as the server is built; the channel's response at the
        // first request (looked for in vain on Jetty 9.4/10, which has none)
        preWeave("org/eclipse/jetty/server/", CHANNEL_RESPONSE);
    }

    @Override
    public String name() {
        return "jetty12";
    }

    @Override
    void weaveHook(Weaving weaving) {
        weaving.advice(isMethod().and(named("lockedPrepareResponse")).and(takesArguments(2)),
            "io.corsguard.servlet.Jetty12CommitHookAdvice");
    }
}
