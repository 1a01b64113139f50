package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.corsguard.demo.RawHttp;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic attach, the CLI and detach, end to end (the runtime-attach test of Elastic's agent):
 * the demo app starts without the agent and serves requests, then the CLI, in a second child
 * JVM, attaches, reads status and report over JMX, reconfigures and detaches.
 */
class AttachTest {
    static final String T = CorsRulesTest.T;
    static final String U = CorsRulesTest.U;
    static final String CORRECT = "mode=correct;allowed-origins=" + T + ";log.format=json;report.dedupe-window=0";
    static final String MONITOR = "mode=monitor;allowed-origins=" + T + ";log.format=json;report.dedupe-window=0";
    /** What Java 21+ prints on the target's stderr when an agent is loaded into it at run time (JEP 451). */
    static final String DYNAMIC_AGENT_WARNING = "A Java agent has been loaded dynamically";
    private static final Pattern READY = Pattern.compile("READY servlet=(\\d+) netty=(\\d+)");

    /** The demo app without the agent; always killed (ChildJvm). */
    private static DemoServers.Running startDemo(List<String> jvmArgs) throws Exception {
        ChildJvm jvm = ChildJvm.startJar(jvmArgs, ChildJvm.DEMO_JAR, "--serve", "--servlet-port", "0", "--netty-port", "0");
        try {
            Matcher m = READY.matcher(jvm.awaitLine(l -> READY.matcher(l).find(), Duration.ofSeconds(90)));
            assertTrue(m.find());
            return new DemoServers.Running(jvm, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (RuntimeException | Error e) {
            jvm.close();
            throw e;
        }
    }

    /** The flag exists from Java 21 (JEP 451); older JVMs would refuse to start with it. */
    static List<String> enableDynamicAgentLoading() {
        return Runtime.version().feature() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
    }

    /** One CLI run: {@code java -jar corsguard-agent.jar args}; its exit code and output. */
    static final class CliRun {
        final int exit;
        final String out;
        final String err;

        CliRun(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static CliRun cli(String... args) throws Exception {
        try (ChildJvm jvm = ChildJvm.startJar(List.of(), ChildJvm.AGENT_JAR, args)) {
            int exit = jvm.awaitExit(Duration.ofSeconds(90));
            return new CliRun(exit, String.join("\n", jvm.stdout()), String.join("\n", jvm.stderr()));
        }
    }

    static Exchange untrusted(DemoServers.Running demo, String server) throws Exception {
        return Exchange.send(demo, server, "GET", "/api/reflect", "Origin: " + U, "Cookie: session=demo");
    }

    /** The raw head minus the Date line, which differs per response. */
    static List<String> headWithoutDate(Exchange e) {
        List<String> out = new ArrayList<>();
        out.add(e.head.statusLine);
        for (String l : e.head.lines) {
            if (!l.toLowerCase().startsWith("date:")) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void attachCorrectsFromTheNextResponseReportsReconfiguresAndDetachRestoresTheAppsBytes() throws Exception {
        DemoServers.Running demo = startDemo(List.of());
        try {
            String pid = Long.toString(demo.jvm.pid());
            // before the attach: the app's own headers, classes already loaded and used
            List<List<String>> before = new ArrayList<>();
            for (String server : List.of("servlet", "netty")) {
                Exchange e = untrusted(demo, server);
                assertEquals(List.of("true"), e.head.values("Access-Control-Allow-Credentials"), server);
                assertEquals(List.of(), e.reportLines);
                before.add(headWithoutDate(e));
            }

            CliRun attach = cli("attach", pid, CORRECT);
            assertEquals(0, attach.exit, attach.toString());
            assertTrue(attach.out.contains("attached to pid " + pid) && attach.out.contains("mode=correct"), attach.toString());
            if (Runtime.version().feature() >= 21) {
                demo.jvm.awaitLine(l -> l.contains(DYNAMIC_AGENT_WARNING), Duration.ofSeconds(5));
            } else {
                assertFalse(demo.jvm.stderr().stream().anyMatch(l -> l.contains(DYNAMIC_AGENT_WARNING)), demo.jvm.describe());
            }

            for (String server : List.of("servlet", "netty")) {
                Exchange e = untrusted(demo, server);
                assertEquals(List.of(), e.head.values("Access-Control-Allow-Credentials"), server + "\n" + demo.jvm.describe());
                assertTrue(e.rulesAndActions().contains("CG003:strip-credentials"), server + " " + e.reportLines);
            }
            Exchange trusted = Exchange.send(demo, "servlet", "GET", "/api/reflect", "Origin: " + T, "Cookie: session=demo");
            assertEquals(List.of("true"), trusted.head.values("Access-Control-Allow-Credentials"));

            CliRun status = cli("status", pid);
            assertEquals(0, status.exit, status.toString());
            assertTrue(status.out.contains("mode: correct"), status.toString());
            assertTrue(status.out.contains("config: defaults (+ agent arguments"), status.toString());
            assertTrue(status.out.contains("CG003 untrusted-origin-with-credentials: 2"), status.toString());
            assertTrue(status.out.contains("strip-credentials: 2"), status.toString());
            assertTrue(status.out.contains("learned origins (sent credentials): 1\n  " + T + " 1"), status.toString());

            CliRun report = cli("report", pid);
            assertEquals(0, report.exit, report.toString());
            assertTrue(report.out.contains("  " + T + " 1"), report.toString());
            assertTrue(report.out.contains("\nallowed-origins=" + T), report.toString());

            // attach again: reconfigured, not instrumented twice (one report line per violation)
            CliRun again = cli("attach", pid, MONITOR);
            assertEquals(0, again.exit, again.toString());
            assertTrue(again.out.contains("reconfigured") && again.out.contains("mode=monitor"), again.toString());
            for (int i = 0; i < 2; i++) {
                String server = i == 0 ? "servlet" : "netty";
                Exchange e = untrusted(demo, server);
                assertEquals(before.get(i), headWithoutDate(e), server + ": monitor mode sends what the app wrote");
                List<String> rules = e.rulesAndActions();
                assertTrue(rules.stream().anyMatch(r -> r.startsWith("CG003:")), server + " " + e.reportLines);
                assertEquals(new HashSet<>(rules).size(), rules.size(), server + " reported twice: " + e.reportLines);
                assertTrue(e.reportLines.stream().allMatch(l -> l.contains("\"mode\":\"monitor\"")), e.reportLines.toString());
            }

            CliRun detach = cli("detach", pid);
            assertEquals(0, detach.exit, detach.toString());
            assertTrue(detach.out.contains("detached"), detach.toString());
            demo.jvm.awaitLine(l -> l.contains("CorsGuard detached"), Duration.ofSeconds(5));
            for (int i = 0; i < 2; i++) {
                String server = i == 0 ? "servlet" : "netty";
                Exchange e = untrusted(demo, server);
                assertEquals(before.get(i), headWithoutDate(e), server + ": after detach the app's bytes again");
                assertEquals(List.of(), e.reportLines, server);
            }

            CliRun gone = cli("status", pid);
            assertEquals(1, gone.exit, gone.toString());
            assertTrue(gone.err.contains("no CorsGuard agent is running in pid " + pid), gone.toString());

            // a later attach installs afresh (new transformer, counters from zero)
            CliRun fresh = cli("attach", pid, CORRECT);
            assertEquals(0, fresh.exit, fresh.toString());
            assertFalse(fresh.out.contains("reconfigured"), fresh.toString());
            for (String server : List.of("servlet", "netty")) {
                assertEquals(List.of(), untrusted(demo, server).head.values("Access-Control-Allow-Credentials"), server);
            }
            CliRun status2 = cli("status", pid);
            assertTrue(status2.out.contains("CG003 untrusted-origin-with-credentials: 2"), status2.toString());
            assertTrue(status2.out.contains("learned origins (sent credentials): none"), status2.toString());
        } finally {
            demo.close();
        }
    }

    @Test
    void listShowsTheTargetEnableDynamicAgentLoadingSilencesTheWarningAndTheMBeanSetsTheMode() throws Exception {
        DemoServers.Running demo = startDemo(enableDynamicAgentLoading());
        try {
            String pid = Long.toString(demo.jvm.pid());
            CliRun list = cli("list");
            assertEquals(0, list.exit, list.toString());
            assertTrue(list.out.lines().anyMatch(l -> l.equals(pid + " " + ChildJvm.DEMO_JAR)), list.toString());

            CliRun attach = cli("attach", pid, CORRECT);
            assertEquals(0, attach.exit, attach.toString());
            demo.jvm.awaitLine(l -> l.contains("CorsGuard 0.1.0 attached"), Duration.ofSeconds(5));
            assertFalse(demo.jvm.stderr().stream().anyMatch(l -> l.contains(DYNAMIC_AGENT_WARNING)), demo.jvm.describe());
            assertEquals(List.of(), untrusted(demo, "netty").head.values("Access-Control-Allow-Credentials"));

            // the MBean as any JMX client sees it, over the local connector the attach API starts
            VirtualMachine vm = VirtualMachine.attach(pid);
            String url;
            try {
                url = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                ObjectName name = new ObjectName("io.corsguard:type=CorsGuard");
                assertEquals("correct", mbs.getAttribute(name, "Mode"));
                mbs.setAttribute(name, new Attribute("Mode", "monitor"));
                assertEquals(List.of("true"), untrusted(demo, "netty").head.values("Access-Control-Allow-Credentials"),
                    "Mode=monitor takes effect on the next response");
                assertEquals("monitor", mbs.getAttribute(name, "Mode"));
                assertEquals(Long.valueOf(2), ((Map<?, ?>) mbs.getAttribute(name, "Counters")).get("rule.CG003"));
                assertEquals(Long.valueOf(0), ((Map<?, ?>) mbs.getAttribute(name, "AgentErrors")).get("errors.total"));
                assertEquals(Map.of(U, 1L), mbs.getAttribute(name, "LearnedOrigins"));
                assertEquals("allowed-origins=" + U, mbs.getAttribute(name, "SuggestedAllowedOrigins"));
                mbs.invoke(name, "detach", new Object[0], new String[0]);
                assertFalse(mbs.isRegistered(name), "detach unregisters the MBean");
            }
            assertEquals(List.of("true"), untrusted(demo, "servlet").head.values("Access-Control-Allow-Credentials"));
        } finally {
            demo.close();
        }
    }

    /** Polls until the untrusted origin's credentials are (or are not) sent, or fails. */
    private static void awaitCredentials(DemoServers.Running demo, String server, List<String> expected) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> last = null;
        while (System.nanoTime() < end) {
            last = RawHttp.send("127.0.0.1", demo.port(server), "GET", "/api/reflect", "Origin: " + U, "Cookie: s=1")
                .values("Access-Control-Allow-Credentials");
            if (last.equals(expected)) {
                return;
            }
            ChildJvm.sleep(100);
        }
        throw new AssertionError(server + ": credentials still " + last + "\n" + demo.jvm.describe());
    }

    @Test
    void anAttachedAgentReloadsItsFileUnderTrafficUntilDetached(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("cg.properties");
        String base = "corsguard.allowed-origins=" + T + "\ncorsguard.reload.interval=200ms\n";
        Files.writeString(config, base + "corsguard.mode=monitor\n");
        DemoServers.Running demo = startDemo(enableDynamicAgentLoading());
        try {
            String pid = Long.toString(demo.jvm.pid());
            CliRun attach = cli("attach", pid, "config=" + config);
            assertEquals(0, attach.exit, attach.toString());
            assertTrue(attach.out.contains("mode=monitor") && attach.out.contains(config.toString()), attach.toString());
            awaitCredentials(demo, "netty", List.of("true"));

            Files.writeString(config, base + "corsguard.mode=correct\n");
            awaitCredentials(demo, "servlet", List.of());
            awaitCredentials(demo, "netty", List.of());
            Files.writeString(config, base + "corsguard.mode=off\n");
            awaitCredentials(demo, "servlet", List.of("true"));
            Files.writeString(config, base + "corsguard.mode=correct\n");
            awaitCredentials(demo, "netty", List.of());

            assertEquals(0, cli("detach", pid).exit);
            awaitCredentials(demo, "servlet", List.of("true"));
            // the reload thread stopped with the detach: a changed file no longer does anything
            Files.writeString(config, base + "corsguard.mode=monitor\n");
            ChildJvm.sleep(1000);
            Files.writeString(config, base + "corsguard.mode=correct\n");
            ChildJvm.sleep(1000);
            awaitCredentials(demo, "servlet", List.of("true"));
            awaitCredentials(demo, "netty", List.of("true"));
            assertFalse(demo.jvm.stderr().stream().anyMatch(l -> l.contains("configuration reloaded: mode=monitor")), demo.jvm.describe());
        } finally {
            demo.close();
        }
    }

    @Test
    void targetFailuresExitOneWithAReasonAndUsageErrorsExitTwo() throws Exception {
        // above the kernel's pid range: no such process can exist
        CliRun missing = cli("attach", "2147483000", CORRECT);
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("no process with pid 2147483000"), missing.toString());

        CliRun status = cli("status", "2147483000");
        assertEquals(1, status.exit, status.toString());

        for (String[] bad : new String[][] {{}, {"frobnicate"}, {"attach"}, {"attach", "not-a-pid"}, {"status", "1", "2"}, {"list", "x"}}) {
            CliRun r = cli(bad);
            assertEquals(2, r.exit, String.join(" ", bad) + "\n" + r);
            assertTrue(r.err.contains("usage: java -jar corsguard-agent.jar"), r.toString());
        }
    }

    @Test
    void aBadConfigurationAtAttachExitsOneAndLeavesTheAppUntouched() throws Exception {
        DemoServers.Running demo = startDemo(enableDynamicAgentLoading());
        try {
            String pid = Long.toString(demo.jvm.pid());
            CliRun attach = cli("attach", pid, "mode=corect");
            assertEquals(1, attach.exit, attach.toString());
            assertTrue(attach.err.contains("the agent did not start: inert") && attach.err.contains("corect"), attach.toString());
            assertEquals(List.of("true"), untrusted(demo, "servlet").head.values("Access-Control-Allow-Credentials"));
        } finally {
            demo.close();
        }
    }
}
