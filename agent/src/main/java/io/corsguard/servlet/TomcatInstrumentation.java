package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.ServerInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Tomcat's commit hook: {@code prepareResponse()} of the coyote processors (Tomcat 9, 10.1, 11;
 * signatures checked with javap on tomcat-embed-core 9.0.112 and 11.0.27). Live only while
 * {@code CorsGuardBridge.enabled("tomcat-commit-hook")}.
 */
public final class TomcatInstrumentation implements ServerInstrumentation {

    static final String[] PROCESSORS = {
        "org.apache.coyote.http11.Http11Processor",
        "org.apache.coyote.http2.StreamProcessor",
        "org.apache.coyote.ajp.AjpProcessor",
    };

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader) {
        return CommitHook.weave(builder, adviceLoader, CommitHook.names(PROCESSORS),
            isMethod().and(named("prepareResponse")).and(takesNoArguments()),
            "io.corsguard.servlet.TomcatCommitHookAdvice", ServletBridge::markTomcatCommitHook);
    }
}
