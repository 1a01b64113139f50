package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.install.ServerInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The generic {@code HttpServletResponse} layer for containers without a commit hook (DESIGN §5),
 * for javax.servlet and jakarta.servlet alike: the same matchers per namespace prefix, thin advice
 * shells per namespace, one logic in {@link GenericServletLayer}. Installing it also installs the
 * layer on the bridge; {@link ServletBridge#reset()} removes it.
 */
public final class ServletInstrumentation implements ServerInstrumentation {

    private static final String[][] NAMESPACES = {{"javax.servlet", "Javax"}, {"jakarta.servlet", "Jakarta"}};

    @Override
    public String name() {
        return "servlet";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader) {
        ServletBridge.setLayer(new GenericServletLayer());
        AgentBuilder out = builder;
        for (String[] ns : NAMESPACES) {
            out = extend(out, adviceLoader, ns[0], "io.corsguard.servlet." + ns[1]);
        }
        return out;
    }

    private static AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader, String api, String shell) {
        ElementMatcher.Junction<TypeDescription> request = named(api + ".ServletRequest");
        ElementMatcher.Junction<TypeDescription> response = named(api + ".ServletResponse");
        ServletApiTypes types = new ServletApiTypes(api);
        return builder
            .type(types.matcher(ServletApiTypes.SERVLET_OR_FILTER, 0))
            .transform(new AgentBuilder.Transformer.ForAdvice()
                .include(adviceLoader)
                .advice(concrete().and(named("service")).and(takesArguments(2))
                        .and(takesArgument(0, request)).and(takesArgument(1, response)),
                    shell + "ServiceAdvice")
                .advice(concrete().and(named("doFilter")).and(takesArguments(3))
                        .and(takesArgument(0, request)).and(takesArgument(1, response)),
                    shell + "ServiceAdvice"))
            // wrappers delegate to the response they wrap, which is judged: excluding them
            // keeps each write counted once
            .type(types.matcher(ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER))
            .transform(new AgentBuilder.Transformer.ForAdvice()
                .include(adviceLoader)
                .advice(concrete().and(namedOneOf("setHeader", "addHeader")).and(takesArguments(String.class, String.class)),
                    shell + "HeaderAdvice")
                .advice(concrete().and(namedOneOf("getOutputStream", "getWriter", "flushBuffer", "reset")).and(takesNoArguments())
                        .or(concrete().and(named("sendError")).and(takesArgument(0, int.class)))
                        .or(concrete().and(named("sendRedirect")).and(takesArgument(0, String.class))),
                    shell + "ResponseAdvice"))
            .type(types.matcher(ServletApiTypes.ASYNC_CONTEXT, 0))
            .transform(new AgentBuilder.Transformer.ForAdvice()
                .include(adviceLoader)
                .advice(concrete().and(named("complete")).and(takesNoArguments()), shell + "AsyncCompleteAdvice"));
    }

    private static ElementMatcher.Junction<MethodDescription> concrete() {
        return isMethod().and(not(isAbstract()));
    }
}
