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
 * application's own classes, and on one over that directory alone; and what makes it weave them
 * after all.
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
            public void heldBack(String className, String hook, boolean response) {
                events.add("held " + className + " " + hook + (response ? " response" : " served"));
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

    /** Only the application's classes: no container's hook class is found there. */
    private URLClassLoader appOnlyLoader() throws Exception {
        loader().close();
        return new URLClassLoader(new URL[] {app.toUri().toURL()}, null);
    }

    @Test
    void whatALoaderThatSeesAHookedContainerWouldHaveWovenIsHeldBack() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            assertTrue(c.holdBack(loader, RESPONSE, true), "Tomcat's response, under the package its hook judges");
            assertTrue(c.holdBack(loader, FACADE, true));
            assertTrue(c.holdBack(loader, HTTP_SERVLET, false), "the servlet API Tomcat's jar brings");
            assertTrue(c.holdBack(loader, "com/example/MyServlet", false),
                "the application's servlet: the container its loader sees serves it, and judges its responses");
            assertFalse(c.holdBack(null, HTTP_SERVLET, false), "the bootstrap loader sees no hooked container");
            assertEquals(Collections.singletonMap(loader, names(RESPONSE, FACADE, HTTP_SERVLET, "com/example/MyServlet")), c.held());
            assertEquals(Arrays.asList(
                "held org.apache.catalina.connector.Response tomcat-commit-hook response",
                "held org.apache.catalina.connector.ResponseFacade tomcat-commit-hook response",
                "held javax.servlet.http.HttpServlet tomcat-commit-hook served",
                "held com.example.MyServlet tomcat-commit-hook served"), events);
            assertTrue(releases.isEmpty());
        }
    }

    @Test
    void aServletWhereSeveralHookedContainersAreSeenNamesEveryHook() throws Exception {
        URL undertow = io.undertow.server.HttpServerExchange.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader tomcat = loader(); URLClassLoader both = new URLClassLoader(new URL[] {undertow}, tomcat)) {
            CommitHookCoverage c = coverage(true);
            assertTrue(c.holdBack(both, "com/example/MyServlet", false));
            assertEquals(Collections.singletonList("held com.example.MyServlet tomcat-commit-hook, undertow-commit-hook served"), events);
        }
    }

    @Test
    void aLoaderThatSeesNoHookedContainerHoldsNothingBack() throws Exception {
        try (URLClassLoader loader = appOnlyLoader()) {
            CommitHookCoverage c = coverage(true);
            assertFalse(c.holdBack(loader, "com/example/MyServlet", false), "no hook judges wherever it runs: woven");
            assertTrue(c.held().isEmpty());
            assertTrue(events.isEmpty(), events.toString());
        }
    }

    @Test
    void withTheHooksOffNothingIsHeldBack() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(false);
            assertFalse(c.holdBack(loader, RESPONSE, true));
            assertFalse(c.holdBack(loader, HTTP_SERVLET, false));
            assertFalse(c.holdBack(loader, "com/example/MyServlet", false));
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
            c.holdBack(loader, "com/example/MyServlet", false);
            assertFalse(c.holdBack(loader, "com/example/MyResponse", true), "another response implementation is woven");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names(RESPONSE, HTTP_SERVLET, "com/example/MyServlet"))),
                releases, "what was held back is woven now: the servlets may serve that response");
            assertEquals("released 3: the response class com.example.MyResponse is not judged by a commit hook", events.get(3));
            assertFalse(c.holdBack(loader, FACADE, true), "nothing is held back any more");
            assertFalse(c.holdBack(loader, "com/example/OtherServlet", false));
            assertTrue(c.held().isEmpty());
            assertEquals(1, releases.size());
        }
    }

    @Test
    void aResponseWhereNoHookedContainerIsSeenReleasesEverything() throws Exception {
        try (URLClassLoader loader = loader(); URLClassLoader other = appOnlyLoader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, "com/example/MyServlet", false);
            assertFalse(c.holdBack(other, "com/example/MyResponse", true), "a container in another class loader");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names("com/example/MyServlet"))), releases);
        }
    }

    @Test
    void aResponseOfTheBootstrapLoaderReleasesEverything() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, "com/example/MyServlet", false);
            assertFalse(c.holdBack(null, "com/example/MyResponse", true));
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names("com/example/MyServlet"))), releases);
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
    void aHookClassNotWovenReleasesItsContainersResponsesAndEveryServletOrFilter() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            c.holdBack(loader, "com/example/MyServlet", false);
            c.hookNotWoven("io.undertow.server.HttpServerExchange");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names("com/example/MyServlet"))), releases,
                "another container's hook: the servlet may run on that container, Tomcat's responses are still judged by Tomcat's");
            assertEquals("released 1: the undertow-commit-hook is not woven into io.undertow.server.HttpServerExchange", events.get(2));
            assertFalse(c.holdBack(loader, "com/example/OtherServlet", false), "no servlet or filter is held back any more");
            assertTrue(c.holdBack(loader, FACADE, true), "Tomcat's responses still are");
            c.hookNotWoven("org.apache.coyote.http2.StreamProcessor");
            assertEquals(Arrays.asList(Collections.singletonMap(loader, names("com/example/MyServlet")),
                Collections.singletonMap(loader, names(RESPONSE, FACADE))), releases);
            assertEquals("released 2: the tomcat-commit-hook is not woven into org.apache.coyote.http2.StreamProcessor", events.get(4));
            assertFalse(c.holdBack(loader, FACADE, true), "Tomcat's classes are woven from now on");
            c.hookNotWoven("org.apache.coyote.http11.Http11Processor");
            assertEquals(2, releases.size(), "released once");
        }
    }

    @Test
    void switchingTheHooksOffReleasesEverything() throws Exception {
        try (URLClassLoader loader = loader()) {
            CommitHookCoverage c = coverage(true);
            c.holdBack(loader, RESPONSE, true);
            c.holdBack(loader, "com/example/MyServlet", false);
            c.releaseAll("test.commit-hook=false");
            assertEquals(Collections.singletonList(Collections.singletonMap(loader, names(RESPONSE, "com/example/MyServlet"))), releases);
            assertEquals("released 2: test.commit-hook=false", events.get(2));
            assertFalse(c.holdBack(loader, "com/example/OtherServlet", false));
            c.releaseAll("again");
            assertEquals(1, releases.size(), "nothing left to weave, nothing reported");
        }
    }
}
