package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.Weaving;

/**
 * Tomcat's commit hook: {@code prepareResponse()} of the coyote processors (Tomcat 9, 10.1, 11;
 * signatures checked with javap on tomcat-embed-core 9.0.112 and 11.0.27). Live only while
 * {@code CorsGuardBridge.enabled("tomcat-commit-hook")}.
 */
public final class TomcatInstrumentation extends CommitHook {

    static final String[] PROCESSORS = {
        "org.apache.coyote.http11.Http11Processor",
        "org.apache.coyote.http2.StreamProcessor",
        "org.apache.coyote.ajp.AjpProcessor",
    };

    public TomcatInstrumentation() {
        this(CommitHookCoverage.none());
    }

    /** @param coverage told when this hook's class is matched but not woven */
    public TomcatInstrumentation(CommitHookCoverage coverage) {
        super(ServletBridge::markTomcatCommitHook, coverage, PROCESSORS);
        // coyote's classes load as the connector is created; Http11Processor (HTTP/1.1, which
        // every connector serves) at the first request
        preWeave("org/apache/coyote/", PROCESSORS[0]);
    }

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    void weaveHook(Weaving weaving) {
        weaving.advice(isMethod().and(named("prepareResponse")).and(takesNoArguments()),
            "io.corsguard.servlet.TomcatCommitHookAdvice");
    }
}
