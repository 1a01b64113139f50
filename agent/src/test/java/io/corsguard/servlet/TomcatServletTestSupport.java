package io.corsguard.servlet;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Both servlet instrumentations woven into this JVM as the agent would (retransformation, no
 * class format changes), a fake handler on the bridge and a real embedded Tomcat 9.
 */
abstract class TomcatServletTestSupport {

    static final FakeHandler handler = new FakeHandler();
    static final List<String> transformed = new CopyOnWriteArrayList<>();
    static final List<String> transformErrors = new CopyOnWriteArrayList<>();
    static ResettableClassFileTransformer transformer;
    static Instrumentation instrumentation;
    static JavaxTestApp app;
    static int port;

    @BeforeAll
    static void weaveAndStart() throws Exception {
        instrumentation = ByteBuddyAgent.install();
        ClassLoader adviceLoader = TomcatServletTestSupport.class.getClassLoader();
        AgentBuilder builder = new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(new AgentBuilder.Listener.Adapter() {
                @Override
                public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                             boolean loaded, DynamicType dynamicType) {
                    transformed.add(type.getName());
                }

                @Override
                public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                    Throwable error) {
                    transformErrors.add(typeName + ": " + error);
                }
            });
        builder = new TomcatInstrumentation().extend(builder, adviceLoader);
        builder = new ServletInstrumentation().extend(builder, adviceLoader);
        transformer = builder.installOn(instrumentation);
        CorsGuardBridge.setHandler(handler);
        app = new JavaxTestApp();
        port = app.start();
    }

    @AfterAll
    static void stopAndRestore() throws Exception {
        app.stop();
        CorsGuardBridge.setHandler(null);
        ServletBridge.reset();
        transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }

    @BeforeEach
    void freshHandler() {
        handler.calls.clear();
        handler.failures.clear();
        handler.script = FakeHandler::miniPolicy;
        handler.stripOnError = false;
        handler.commitHook = commitHook();
    }

    abstract boolean commitHook();

    static GenericServletLayer layer() {
        return (GenericServletLayer) ServletBridge.layer();
    }
}
