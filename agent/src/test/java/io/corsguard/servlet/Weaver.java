package io.corsguard.servlet;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

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
    private ResettableClassFileTransformer transformer;

    Weaver weave(java.util.function.Consumer<String> listener) {
        this.listener = listener;
        return weave();
    }

    Weaver weave() {
        ClassLoader adviceLoader = Weaver.class.getClassLoader();
        AgentBuilder builder = new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            // describe loaded classes from their class files: reflection on a loaded class (the
            // HYBRID default) loads its field types, e.g. Tomcat's Response loads ResponseFacade,
            // inside the transformer, where Byte Buddy skips them for good
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_FIRST)
            .with(new AgentBuilder.Listener.Adapter() {
                @Override
                public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                             boolean loaded, DynamicType dynamicType) {
                    transformed.add(type.getName());
                    listener.accept("WOVEN " + type.getName());
                }

                @Override
                public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                    Throwable error) {
                    errors.add(typeName + ": " + error);
                    listener.accept("ERROR " + typeName + ": " + error);
                }
            });
        builder = new TomcatInstrumentation().extend(builder, adviceLoader);
        builder = new Jetty12Instrumentation().extend(builder, adviceLoader);
        builder = new UndertowInstrumentation().extend(builder, adviceLoader);
        builder = new ServletInstrumentation().extend(builder, adviceLoader);
        transformer = builder.installOn(instrumentation);
        return this;
    }

    void restore() {
        transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }
}
