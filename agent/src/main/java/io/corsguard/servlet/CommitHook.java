package io.corsguard.servlet;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import java.util.Arrays;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/** What the container commit hooks (Tomcat, Jetty 12, Undertow) share: one advice on named classes. */
final class CommitHook {
    private CommitHook() {
    }

    /**
     * Weaves {@code advice} into {@code method} of the classes named {@code typeNames}, and runs
     * {@code woven} once such a class is really transformed: the generic servlet layer stands back
     * on a container's responses only then, so a hook that failed to weave leaves it judging.
     */
    static AgentBuilder weave(AgentBuilder builder, ClassLoader adviceLoader, final List<String> typeNames,
                              ElementMatcher<? super MethodDescription> method, String advice, final Runnable woven) {
        return builder
            .with(new AgentBuilder.Listener.Adapter() {
                @Override
                public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                             boolean loaded, DynamicType dynamicType) {
                    if (typeNames.contains(type.getName())) {
                        woven.run();
                    }
                }
            })
            .type(namedOneOf(typeNames.toArray(new String[0])))
            .transform(new AgentBuilder.Transformer.ForAdvice().include(adviceLoader).advice(method, advice));
    }

    static List<String> names(String... typeNames) {
        return Arrays.asList(typeNames);
    }
}
