package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.demo.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: a changed file takes effect on the next responses; a broken one keeps the last good configuration. */
class ReloadTest {
    @TempDir
    Path tmp;

    private static List<String> credentials(int port) throws Exception {
        return RawHttp.send("127.0.0.1", port, "GET", "/api/reflect", "Origin: https://evil.example", "Cookie: s=1")
            .values("Access-Control-Allow-Credentials");
    }

    /** The demo app (Tomcat and Netty on free ports) under the agent, driven by {@code config}. */
    private static ChildJvm demo(Path config) throws Exception {
        return ChildJvm.startJar(List.of(ChildJvm.javaagent("config=" + config)), ChildJvm.DEMO_JAR,
            "--serve", "--servlet-port", "0", "--netty-port", "0");
    }

    /** The servlet and Netty ports once the demo says READY. */
    private static int[] ports(ChildJvm jvm) {
        Matcher m = Pattern.compile("READY servlet=(\\d+) netty=(\\d+)").matcher(
            jvm.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60)));
        assertTrue(m.find(), jvm.describe());
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** Polls until the untrusted origin's credentials are (or are not) sent, or fails. */
    private static void awaitCredentials(int port, List<String> expected, ChildJvm jvm) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> last = null;
        while (System.nanoTime() < end) {
            last = credentials(port);
            if (last.equals(expected)) {
                return;
            }
            ChildJvm.sleep(100);
        }
        throw new AssertionError("credentials still " + last + "\n" + jvm.describe());
    }

    @Test
    void aChangedFileSwitchesModesUnderTrafficAndABrokenFileKeepsTheLastGoodConfiguration() throws Exception {
        Path config = tmp.resolve("cg.properties");
        String base = "corsguard.allowed-origins=https://app.example.com\ncorsguard.reload.interval=200ms\n";
        Files.writeString(config, base + "corsguard.mode=monitor\n");
        try (ChildJvm jvm = demo(config)) {
            int[] ports = ports(jvm);
            int servlet = ports[0];
            int netty = ports[1];
            assertEquals(List.of("true"), credentials(servlet), "monitor mode sends what the app wrote");

            Files.writeString(config, base + "corsguard.mode=correct\n");
            awaitCredentials(servlet, List.of(), jvm);
            awaitCredentials(netty, List.of(), jvm);
            jvm.awaitLine(l -> l.contains("configuration reloaded") && l.contains("mode=correct"), Duration.ofSeconds(5));

            Files.writeString(config, base + "corsguard.mode=corect\ncorsguard.allowed-origins=https://x.example/path\n");
            jvm.awaitLine(l -> l.contains("reload rejected") && l.contains("mode=correct"), Duration.ofSeconds(10));
            assertTrue(jvm.stderr().stream().anyMatch(l -> l.contains("configuration error") && l.contains(config + ":3")
                && l.contains("corect")), jvm.describe());
            assertEquals(List.of(), credentials(servlet), "the last good configuration (correct) still applies");
            assertEquals(List.of(), credentials(netty));

            Files.writeString(config, base + "corsguard.mode=off\n");
            awaitCredentials(servlet, List.of("true"), jvm);
            awaitCredentials(netty, List.of("true"), jvm);
        }
    }

    /**
     * On embedded Tomcat the generic servlet layer is held back (Tomcat's commit hook judges);
     * switching the hooks off by a reload weaves it in before the new configuration applies, so
     * the very next response is judged by it.
     */
    @Test
    void switchingTheCommitHooksOffWeavesTheGenericLayerBeforeTheNextResponse() throws Exception {
        Path config = tmp.resolve("cg.properties");
        String base = "corsguard.allowed-origins=https://app.example.com\ncorsguard.reload.interval=200ms\n"
            + "corsguard.mode=correct\ncorsguard.log.level=debug\n";
        Files.writeString(config, base);
        try (ChildJvm jvm = demo(config)) {
            int servlet = ports(jvm)[0];
            assertEquals(List.of(), credentials(servlet), "the commit hook strips the untrusted origin's credentials");
            jvm.awaitLine(l -> l.contains("instrumented org.apache.coyote.http11.Http11Processor"), Duration.ofSeconds(5));
            jvm.awaitLine(l -> l.contains("held back org.apache.catalina.connector.Response: the tomcat-commit-hook judges"),
                Duration.ofSeconds(5));
            jvm.awaitLine(l -> l.contains("held back jakarta.servlet.http.HttpServlet"), Duration.ofSeconds(5));
            jvm.awaitLine(l -> l.contains("held back io.corsguard.demo.TomcatDemoServer$DemoServlet: every container its class loader "
                + "sees has its responses judged by a commit hook (tomcat-commit-hook)"), Duration.ofSeconds(5));
            assertFalse(jvm.stderr().stream().anyMatch(l -> l.contains("instrumented org.apache.catalina.connector.Response")),
                jvm.describe());

            Files.writeString(config, base + "corsguard.test.commit-hook=false\n");
            jvm.awaitLine(l -> l.contains("configuration reloaded"), Duration.ofSeconds(10));
            // no polling: the first response after the switch must already be judged
            assertEquals(List.of(), credentials(servlet), jvm.describe());
            List<String> err = jvm.stderr();
            int released = indexOf(err, "generic servlet layer woven into ", "held back: test.commit-hook=false");
            int response = indexOf(err, "instrumented org.apache.catalina.connector.Response", "");
            int facade = indexOf(err, "instrumented org.apache.catalina.connector.ResponseFacade", "");
            int servletClass = indexOf(err, "instrumented jakarta.servlet.http.HttpServlet", "");
            int reloaded = indexOf(err, "configuration reloaded", "");
            assertTrue(released >= 0 && response > released && facade > released && servletClass > released
                && reloaded > Math.max(response, Math.max(facade, servletClass)), jvm.describe());
            assertFalse(err.stream().anyMatch(l -> l.contains("[corsguard] ERROR")), jvm.describe());
        }
    }

    private static int indexOf(List<String> lines, String a, String b) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(a) && lines.get(i).contains(b)) {
                return i;
            }
        }
        return -1;
    }
}
