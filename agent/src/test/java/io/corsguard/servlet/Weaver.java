package io.corsguard.servlet;

import io.corsguard.install.CorsGuardTransformer;
import io.corsguard.install.ServerInstrumentation;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Weaves the servlet instrumentations (the Tomcat, Jetty 12 and Undertow commit hooks and the
 * generic layer) into the running JVM as the agent does on attach
 * (retransformation, no class format changes), recording what was transformed and any error.
 */
final class Weaver {
    final List<String> transformed = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    /** Told of each woven type and each error as it happens (the child JVM prints them). */
    volatile java.util.function.Consumer<String> listener = line -> { };
    private final Instrumentation instrumentation = ByteBuddyAgent.install();
    private CorsGuardTransformer transformer;

    Weaver weave(java.util.function.Consumer<String> listener) {
        this.listener = listener;
        return weave();
    }

    Weaver weave() {
        List<ServerInstrumentation> families = java.util.Arrays.<ServerInstrumentation>asList(new TomcatInstrumentation(),
            new Jetty12Instrumentation(), new UndertowInstrumentation(), new ServletInstrumentation());
        transformer = new CorsGuardTransformer(families, Weaver.class.getClassLoader(), new CorsGuardTransformer.Listener() {
            @Override
            public void woven(String className) {
                transformed.add(className);
                listener.accept("WOVEN " + className);
            }

            @Override
            public void failed(String className, Throwable error) {
                errors.add(className + ": " + error);
                listener.accept("ERROR " + className + ": " + error);
            }
        });
        transformer.install(instrumentation);
        return this;
    }

    void restore() {
        transformer.uninstall(instrumentation);
    }
}
