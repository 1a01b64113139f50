package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which classes the generic layer holds back, on a class loader over the real Tomcat 9 jar (its
 * commit hook's processors, its responses and its servlet API in one jar) plus a directory of the
 * application's own classes; and what makes it weave them after all.
 */
class CommitHookCoverageTest {
    private static final String RESPONSE = "org/apache/catalina/connector/Response";
    private static final String FACADE = "org/apache/catalina/connector/ResponseFacade";
    private static final String HTTP_SERVLET = "javax/servlet/http/HttpServlet";

    @TempDir
    Path app;

    private final List<String> events = new ArrayList<>();
    private final List<Map<ClassLoader, Set<String>>> releases = new ArrayList<>();

    private CommitHookCoverage coverage(boolean hooksOn) {
        CommitHookCoverage c = new CommitHookCoverage(hooksOn, new CommitHookCoverage.Listener() {
            @Override
            public void heldBack(String className, String hook) {
                events.add("held " + className + " " + hook);
            }

            @Override
            public void released(String reason, int classes) {
                events.add("released " + classes + ": " + reason);
            }
        });
        c.onRelease(classes -> releases.add(new HashMap<>(classes)));
        return c;
    }

    /** Tomcat's jar, then a directory with the application's classes (only their files matter here). */
    private URLClassLoader loader() throws Exception {
        URL tomcat = org.apache.catalina.connector.Response.class.getProtectionDomain().getCodeSource().getLocation();
        Path own = app.resolve("com/example/MyServlet.class");
        Files.createDirectories(own.getParent());
        Files.write(own, new byte[] {(byte) 0xCA, (byte) 0xFE});
        Files.write(app.resolve("com/example/MyResponse.class"), new byte[] {(byte) 0xCA, (byte) 0xFE});
        return new URLClassLoader(new URL[] {tomcat, app.toUri().toURL()}, null);
    }

    private static Set<String> names(String... internalNames) {
        Set<String> s = new HashSet<>();
        for (String n : internalNames) {
            s.add(n.replace('/', '.'));
        }
        return s;
    }

    @Test
    void theContainersOwnClassesAreHeldBackWhileItsHookJudges() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            assertTrue(c.holdBack(loader, RESPONSE, true), "Tomcat's response, in the jar of Tomcat's processors");
            assertTrue(c.holdBack(loader, FACADE, true));
            assertTrue(c.holdBack(loader, HTTP_SERVLET, false), "the servlet API Tomcat's jar brings");
            assertFalse(c.holdBack(loader, "com/example/MyServlet", false), "the application's servlet, from elsewhere, is woven");
            assertFalse(c.holdBack(null, RESPONSE, true), "nothing of the bootstrap loader is held back");
            assertEquals(Collections.singletonMap(loader, names(RESPONSE, FACADE, HTTP_SERVLET)), c.held());
            assertEquals(Arrays.asList(
                "held org.apache.catalina.connector.Response tomcat-commit-hook",
                "held org.apache.catalina.connector.ResponseFacade tomcat-commit-hook",
                "held javax.servlet.http.HttpServlet tomcat-commit-hook"), events);
            assertTrue(releases.isEmpty());
        }
    }

    @Test
    void withTheHooksOffNothingIsHeldBack() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(false);
            assertFalse(c.holdBack(loader, RESPONSE, true));
            assertFalse(c.holdBack(loader, HTTP_SERVLET, false));
            assertTrue(c.held().isEmpty());
            assertFalse(CommitHookCoverage.none().holdBack(loader, RESPONSE, true));
        }
    }

    @Test
    void aResponseNoHookJudgesReleasesEverythingAndEndsHoldingBack() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            c.holdBack(loader, HTTP_SERVLET, false);
            assertFalse(c.holdBack(loader, "com/example/MyResponse", true), "another response implementation is woven");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names(RESPONSE, HTTP_SERVLET))), releases,
                "what was held back is woven now: the servlet may serve that response");
            assertEquals("released 2: the response class com.example.MyResponse is not judged by a commit hook", events.get(2));
            assertFalse(c.holdBack(loader, FACADE, true), "nothing is held back any more");
            assertTrue(c.held().isEmpty());
            assertEquals(1, releases.size());
        }
    }

    @Test
    void aResponseInTheHooksJarButOutsideThePackageItJudgesIsNotCovered() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            // commitHookJudges stands back on org.apache.catalina.* responses only
            assertFalse(c.holdBack(loader, "javax/servlet/http/HttpServletResponseWrapper", true));
            assertEquals(1, releases.size());
        }
    }

    @Test
    void aHookClassNotWovenReleasesItsContainersClassesOnly() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            c.hookNotWoven("io.undertow.server.HttpServerExchange");
            assertTrue(releases.isEmpty(), "another container's hook");
            c.hookNotWoven("org.apache.coyote.http2.StreamProcessor");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names(RESPONSE))), releases);
            assertEquals("released 1: the tomcat-commit-hook is not woven into org.apache.coyote.http2.StreamProcessor", events.get(1));
            assertFalse(c.holdBack(loader, FACADE, true), "Tomcat's classes are woven from now on");
            c.hookNotWoven("org.apache.coyote.http11.Http11Processor");
            assertEquals(1, releases.size(), "released once");
        }
    }

    @Test
    void switchingTheHooksOffReleasesEverything() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            c.releaseAll("test.commit-hook=false");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names(RESPONSE))), releases);
            assertEquals("released 1: test.commit-hook=false", events.get(1));
            c.releaseAll("again");
            assertEquals(1, releases.size(), "nothing left to weave, nothing reported");
        }
    }

    @Test
    void theLocationOfAClassIsItsJarOrDirectory() throws Exception {
        try (URLClassLoader loader = loader()) {
            String jar = CommitHookCoverage.location(loader, RESPONSE + ".class");
            assertTrue(jar.startsWith("jar:file:") && jar.endsWith(".jar!/"), jar);
            assertEquals(jar, CommitHookCoverage.location(loader, "org/apache/coyote/http11/Http11Processor.class"));
            assertEquals(app.toUri().toURL().toString(), CommitHookCoverage.location(loader, "com/example/MyServlet.class"));
            assertNull(CommitHookCoverage.location(loader, "com/example/Missing.class"));
        }
    }
}
