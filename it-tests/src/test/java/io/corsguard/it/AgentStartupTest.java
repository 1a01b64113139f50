package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.it.fixtures.LoggingApp;
import io.corsguard.it.fixtures.PlainApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent in a child JVM: it starts, says how in one line, and leaves a plain app alone. */
class AgentStartupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static List<String> run(List<String> jvmArgs, Class<?> main, String... args) throws Exception {
        try (ChildJvm jvm = ChildJvm.start(jvmArgs, ChildJvm.testClasspath(), main.getName(), args)) {
            assertEquals(0, jvm.awaitExit(TIMEOUT), jvm.describe());
            return List.of(String.join("\n", jvm.stdout()), String.join("\n", jvm.stderr()));
        }
    }

    @Test
    void agentStartsAndLogsModeAndConfigurationSourceInOneLine() throws Exception {
        Path config = tmp.resolve("cg.properties");
        Files.writeString(config, "corsguard.mode=correct\ncorsguard.allowed-origins=https://app.example.com\n");
        List<String> out = run(List.of(ChildJvm.javaagent("config=" + config)), PlainApp.class);
        List<String> started = out.get(1).lines().filter(l -> l.contains("CorsGuard") && l.contains("started")).collect(Collectors.toList());
        assertEquals(1, started.size(), out.get(1));
        String line = started.get(0);
        assertTrue(line.startsWith("[corsguard]"), line);
        assertTrue(line.contains("mode=correct"), line);
        assertTrue(line.contains(config.toString()), "names the configuration file: " + line);
    }

    @Test
    void withoutConfigurationTheAgentRunsOnDefaultsInMonitorMode() throws Exception {
        List<String> out = run(List.of(ChildJvm.javaagent("")), PlainApp.class);
        String line = out.get(1).lines().filter(l -> l.contains("started")).findFirst().orElseThrow(() -> new AssertionError(out.get(1)));
        assertTrue(line.contains("mode=monitor"), line);
        assertTrue(line.contains("defaults"), line);
    }

    @Test
    void plainAppOutputIsIdenticalWithAndWithoutTheAgent() throws Exception {
        List<String> without = run(List.of(), PlainApp.class, "a", "b");
        List<String> with = run(List.of(ChildJvm.javaagent("mode=correct")), PlainApp.class, "a", "b");
        assertEquals(without.get(0), with.get(0));
        assertTrue(with.get(0).contains("visible io.corsguard.policy.Policy: false"), with.get(0));
        assertTrue(with.get(0).contains("visible io.corsguard.install.Installer: false"), with.get(0));
        assertTrue(with.get(0).contains("visible net.bytebuddy.ByteBuddy: false"), with.get(0));
        assertTrue(with.get(0).contains("visible io.corsguard.shaded.bytebuddy.ByteBuddy: false"), with.get(0));
        assertTrue(with.get(0).contains("visible io.corsguard.shaded.logback.classic.LoggerContext: false"), with.get(0));
        assertEquals("", without.get(1));
    }

    @Test
    void badConfigurationNamesFileLineKeyAndExpectationThenStaysInertWhileTheAppRuns() throws Exception {
        Path config = tmp.resolve("bad.properties");
        Files.writeString(config, "# comment\ncorsguard.mode=corect\ncorsguard.allowed-origins=https://a.example.com/path\ncorsguard.bogus=1\n",
            StandardCharsets.UTF_8);
        List<String> out = run(List.of(ChildJvm.javaagent("config=" + config)), PlainApp.class);
        String err = out.get(1);
        assertTrue(out.get(0).contains("plain app: done"), "the app still runs: " + out.get(0));
        List<String> errors = err.lines().filter(l -> l.contains("configuration error:")).collect(Collectors.toList());
        assertEquals(3, errors.size(), err);
        assertTrue(errors.get(0).contains(config + ":2") && errors.get(0).contains("corsguard.mode") && errors.get(0).contains("corect")
            && errors.get(0).contains("monitor"), errors.get(0));
        assertTrue(errors.get(1).contains(config + ":3") && errors.get(1).contains("allowed-origins") && errors.get(1).contains("https://a.example.com/path"),
            errors.get(1));
        assertTrue(errors.get(2).contains(config + ":4") && errors.get(2).contains("corsguard.bogus"), errors.get(2));
        assertTrue(err.contains("inert"), err);
        assertFalse(err.contains("started"), err);
    }

    @Test
    void theAppsOwnLogbackXmlNeitherConfiguresNorReceivesTheAgentsLines() throws Exception {
        String cp = ChildJvm.IT_DIR.resolve("test-classes/app-logging") + java.io.File.pathSeparator + ChildJvm.testClasspath();
        try (ChildJvm jvm = ChildJvm.start(List.of(ChildJvm.javaagent("mode=monitor")), cp, LoggingApp.class.getName())) {
            assertEquals(0, jvm.awaitExit(TIMEOUT), jvm.describe());
            List<String> appLines = jvm.stdout().stream().filter(l -> l.startsWith("APPLOG")).collect(Collectors.toList());
            assertEquals(List.of("APPLOG INFO LoggingApp - app message one", "APPLOG WARN LoggingApp - app message two"), appLines);
            assertTrue(jvm.stderr().stream().anyMatch(l -> l.startsWith("[corsguard]") && l.contains("started")), jvm.describe());
            assertTrue(jvm.stdout().stream().noneMatch(l -> l.contains("corsguard")), "agent lines went to the app's appender: " + jvm.describe());
            assertTrue(jvm.stderr().stream().noneMatch(l -> l.contains("APPLOG")), jvm.describe());
        }
    }

    @Test
    void riskyAllowlistEntriesAreWarnedAboutOnceAtStart() throws Exception {
        List<String> out = run(List.of(ChildJvm.javaagent(
            "allow-null-origin=true;allowed-origins=http://app.example.com,https://*.co.uk,https://me.github.io,http://localhost:3000")),
            PlainApp.class);
        String err = out.get(1);
        for (String code : List.of("CG101", "CG102", "CG103", "CG104")) {
            assertEquals(1, err.lines().filter(l -> l.contains(code)).count(), code + " once in:\n" + err);
        }
        assertTrue(err.lines().filter(l -> l.contains("CG101")).allMatch(l -> l.contains("http://app.example.com")), err);
        assertFalse(err.contains("localhost:3000") && err.lines().anyMatch(l -> l.contains("CG101") && l.contains("localhost")), err);
        assertTrue(out.get(0).contains("plain app: done"));
    }

    @Test
    void atExitTheAgentPrintsOneSummaryBlockWithCountersAndLearnedOrigins() throws Exception {
        // the demo's drive-once run: real requests, then a normal JVM exit
        try (ChildJvm jvm = ChildJvm.startJar(List.of(ChildJvm.javaagent("mode=monitor;allowed-origins=https://app.example.com")),
                ChildJvm.DEMO_JAR)) {
            assertEquals(0, jvm.awaitExit(Duration.ofSeconds(120)), jvm.describe());
            List<String> summary = jvm.stderr().stream().filter(l -> l.startsWith("[corsguard]") && l.contains("summary:"))
                .collect(Collectors.toList());
            assertEquals(5, summary.size(), String.join("\n", summary));
            assertTrue(summary.get(0).contains("mode=monitor") && summary.get(0).contains("responses judged=102"), summary.get(0));
            assertTrue(summary.get(1).contains("CG003=") && summary.get(1).contains("CG016="), summary.get(1));
            assertTrue(summary.get(3).contains("https://evil.example (") && summary.get(3).contains("https://app.example.com ("), summary.get(3));
            assertTrue(summary.get(4).contains("allowed-origins=https://app.example.com,https://evil.example"), summary.get(4));
        }
    }
}
