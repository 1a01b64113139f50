package io.corsguard.servlet;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Both servlet instrumentations woven into this JVM as the agent would (retransformation, no
 * class format changes), a fake handler on the bridge and a real embedded Tomcat 9.
 */
abstract class TomcatServletTestSupport {

    static final FakeHandler handler = new FakeHandler();
    static Weaver weaver;
    static JavaxTestApp app;
    static int port;

    @BeforeAll
    static void weaveAndStart() throws Exception {
        weaver = new Weaver().weave();
        CorsGuardBridge.setHandler(handler);
        app = new JavaxTestApp();
        port = app.start();
    }

    @AfterAll
    static void stopAndRestore() throws Exception {
        app.stop();
        CorsGuardBridge.setHandler(null);
        ServletBridge.reset();
        weaver.restore();
    }

    @BeforeEach
    void freshHandler() {
        handler.calls.clear();
        handler.previews.clear();
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
