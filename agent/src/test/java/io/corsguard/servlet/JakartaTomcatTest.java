package io.corsguard.servlet;

import static io.corsguard.servlet.FakeHandler.ACAC;
import static io.corsguard.servlet.FakeHandler.ACAO;
import static io.corsguard.servlet.FakeHandler.TRUSTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tomcat 11 (jakarta.servlet 6.1) in child JVMs, one with the commit hook on and one with the
 * generic layer judging. Tomcat 11 cannot share the test class path with Tomcat 9: the build
 * copies its jar to {@code target/tomcat11} (maven-dependency-plugin) and the tests fail without it.
 */
@DisplayName("Tomcat 11 (jakarta) in a child JVM")
class JakartaTomcatTest {

    static final String TOMCAT9 = "9.0.112";
    static final String TOMCAT11 = "11.0.27";
    static final String UNTRUSTED = "Origin: https://evil.example";
    static final String MARKER = "https://marker.example";

    static Child hook;
    static Child generic;

    @BeforeAll
    static void startChildren() throws Exception {
        List<String> classpath = childClasspath();
        assertNotNull(classpath, "tomcat-embed-core " + TOMCAT9 + " is not on the test class path");
        hook = new Child(classpath, "hook");
        generic = new Child(classpath, "generic");
    }

    @AfterAll
    static void stopChildren() {
        for (Child c : new Child[] {hook, generic}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    @Test
    @DisplayName("weaves the commit hook and the jakarta shells without errors")
    void weavesWithoutErrors() throws Exception {
        hook.send("/async", UNTRUSTED);
        hook.send("/wrapped/cors", UNTRUSTED);
        assertEquals(List.of(), hook.errors);
        assertTrue(hook.woven.contains("org.apache.coyote.http11.Http11Processor"), hook.woven.toString());
        assertTrue(hook.woven.contains("jakarta.servlet.http.HttpServlet"), hook.woven.toString());
        assertTrue(hook.woven.contains("org.apache.catalina.connector.ResponseFacade"), hook.woven.toString());
        assertTrue(hook.woven.contains("org.apache.catalina.core.AsyncContextImpl"), hook.woven.toString());
    }

    @Test
    @DisplayName("commit hook: removes an untrusted origin's credentials in one decision")
    void hookRemovesUntrustedCredentials() throws Exception {
        Exchange x = hook.send("/cors", UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(x.head, ACAC));
        assertEquals(List.of("https://evil.example|200|Access-Control-Allow-Origin: https://evil.example ; "
            + "Access-Control-Allow-Credentials: true"), x.calls);
    }

    @Test
    @DisplayName("commit hook: replaces duplicate ACAO lines by the trusted origin")
    void hookRewritesDuplicateAcao() throws Exception {
        Exchange x = hook.send("/cors", "Origin: " + TRUSTED, "X-Write: add Access-Control-Allow-Origin *",
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(TRUSTED), RawHttp.values(x.head, ACAO));
        assertEquals(List.of("Origin"), RawHttp.values(x.head, "Vary"));
    }

    @Test
    @DisplayName("commit hook: judges async, wrapped and error-page responses once each")
    void hookJudgesOnce() throws Exception {
        String[] creds = {UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Allow-Credentials true"};
        for (String path : new String[] {"/async", "/wrapped/cors", "/cors"}) {
            Exchange x = hook.send(path, creds);
            assertEquals(List.of(), RawHttp.values(x.head, ACAC), path);
            assertEquals(1, x.calls.size(), path + " " + x.calls);
        }
        Exchange error = hook.send("/cors", UNTRUSTED, "X-Send-Error: 404",
            "X-Error-Write: set Access-Control-Allow-Credentials true");
        assertEquals(List.of(), RawHttp.values(error.head, ACAC));
        assertEquals(1, error.calls.size(), error.calls.toString());
        assertTrue(error.calls.get(0).contains("|404|"), error.calls.get(0));
    }

    @Test
    @DisplayName("no Origin: no decision, in either mode")
    void noOriginNoDecision() throws Exception {
        for (Child c : new Child[] {hook, generic}) {
            Exchange x = c.send("/cors", "X-Write: set Access-Control-Allow-Credentials true");
            assertEquals(List.of(), x.calls);
            assertEquals(List.of("true"), RawHttp.values(x.head, ACAC));
        }
    }

    @Test
    @DisplayName("generic layer: skips an untrusted origin's ACAC write, also async and through a wrapper")
    void genericSkipsUntrustedCredentials() throws Exception {
        for (String path : new String[] {"/cors", "/async", "/wrapped/cors"}) {
            Exchange x = generic.send(path, UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
                "X-Write: set Access-Control-Allow-Credentials true");
            assertEquals(List.of(), RawHttp.values(x.head, ACAC), path);
            assertEquals(List.of("Origin"), RawHttp.values(x.head, "Vary"), path);
            assertEquals(1, x.calls.size(), path + " " + x.calls);
        }
    }

    @Test
    @DisplayName("generic layer: rewrites duplicate ACAO lines for a trusted origin")
    void genericRewritesDuplicateAcao() throws Exception {
        Exchange x = generic.send("/cors", "Origin: " + TRUSTED, "X-Write: set Access-Control-Allow-Credentials true",
            "X-Write: add Access-Control-Allow-Origin *", "X-Write: add Access-Control-Allow-Origin *");
        assertEquals(List.of(TRUSTED), RawHttp.values(x.head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(x.head, ACAC));
    }

    @Test
    @DisplayName("generic layer: follows setHeader(name, null), which removes on Tomcat 11")
    void genericFollowsServlet6Removal() throws Exception {
        Exchange x = generic.send("/cors", UNTRUSTED, "X-Write: set Access-Control-Allow-Origin https://evil.example",
            "X-Write: set Access-Control-Max-Age 5", "X-Write: del Access-Control-Max-Age");
        assertEquals(List.of(), RawHttp.values(x.head, "Access-Control-Max-Age"));
        String last = x.calls.get(x.calls.size() - 1);
        assertEquals("https://evil.example|200|Access-Control-Allow-Origin: https://evil.example", last);
    }

    @Test
    @DisplayName("generic layer: decides at getOutputStream(), before a body of the declared length commits, and corrects later writes")
    void genericDecidesWhenTheBodyChannelIsObtained() throws Exception {
        Exchange x = generic.send("/cors", "Origin: " + TRUSTED, "X-Write: add Access-Control-Allow-Origin *",
            "X-Exact-Body: 1", "X-Write-After: add Access-Control-Allow-Credentials true");
        assertEquals(List.of(TRUSTED), RawHttp.values(x.head, ACAO));
        assertEquals(List.of("true"), RawHttp.values(x.head, ACAC));
        assertEquals(List.of("Origin"), RawHttp.values(x.head, "Vary"));
        assertEquals(1, x.calls.size(), x.calls.toString());
    }

    /** The classpath of this JVM with Tomcat 9 and the servlet APIs swapped for Tomcat 11. */
    static List<String> childClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> out = new ArrayList<>();
        Path tomcat9 = null;
        for (String entry : cp.split(File.pathSeparator)) {
            String name = Paths.get(entry).getFileName().toString();
            if (name.equals("tomcat-embed-core-" + TOMCAT9 + ".jar")) {
                tomcat9 = Paths.get(entry);
                continue;
            }
            if (name.startsWith("javax.servlet-api") || name.startsWith("jakarta.servlet-api")
                    || name.startsWith("tomcat-annotations-api")) {
                continue;
            }
            out.add(entry);
        }
        if (tomcat9 == null) {
            return null;
        }
        // copied aside by the build (maven-dependency-plugin, agent/pom.xml)
        Path dir = Paths.get(System.getProperty("corsguard.tomcat11.dir", "target/tomcat11"));
        Path core = dir.resolve("tomcat-embed-core-" + TOMCAT11 + ".jar");
        Path annotations = dir.resolve("tomcat-annotations-api-" + TOMCAT11 + ".jar");
        if (!Files.exists(core)) {
            throw new IllegalStateException("Tomcat " + TOMCAT11 + " was not copied to " + dir + " by the build");
        }
        out.add(core.toString());
        if (Files.exists(annotations)) {
            out.add(annotations.toString());
        }
        return out;
    }

    static final class Exchange {
        final List<String> head;
        final List<String> calls;

        Exchange(List<String> head, List<String> calls) {
            this.head = head;
            this.calls = calls;
        }
    }

    static final class Child {
        final Process process;
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        final int port;
        final List<String> woven = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

        Child(List<String> classpath, String mode) throws Exception {
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            process = new ProcessBuilder(java.toString(), "-cp", String.join(File.pathSeparator, classpath),
                TomcatChildMain.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("WOVEN ")) {
                            woven.add(line.substring(6));
                        } else if (line.startsWith("ERROR ")) {
                            errors.add(line.substring(6));
                        } else {
                            out.add(line);
                        }
                    }
                } catch (Exception ignored) {
                    // the child is gone; the next poll times out
                }
            }, "child-stdout-" + mode);
            reader.setDaemon(true);
            reader.start();
            int found = -1;
            while (found < 0) {
                String line = out.poll(60, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("child " + mode + " did not start");
                }
                if (line.startsWith("PORT ")) {
                    found = Integer.parseInt(line.substring(5).trim());
                }
            }
            port = found;
        }

        /**
         * Sends a request, then a marker request: every decision printed before the marker's
         * belongs to the first request (decisions are made before the response leaves).
         */
        Exchange send(String path, String... headers) throws Exception {
            List<String> head = RawHttp.head(port, "GET", path, headers);
            RawHttp.head(port, "GET", "/cors", "Origin: " + MARKER);
            List<String> calls = new ArrayList<>();
            while (true) {
                String line = out.poll(30, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("no marker decision; so far " + calls);
                }
                if (!line.startsWith("CALL ")) {
                    continue;
                }
                if (line.startsWith("CALL " + MARKER + "|")) {
                    // the generic layer may judge the marker more than once: drain those too
                    Thread.sleep(50);
                    out.removeIf(l -> l.startsWith("CALL " + MARKER + "|"));
                    return new Exchange(head, calls);
                }
                calls.add(line.substring(5));
            }
        }

        void stop() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }
}
