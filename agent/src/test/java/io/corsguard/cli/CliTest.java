package io.corsguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN.md §4 exit codes for what needs no target JVM; the verbs against real JVMs are in it-tests AttachTest. */
@DisplayName("CLI usage and exit codes")
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        assertEquals(0, run("version"));
        assertEquals("CorsGuard 0.1.0", out.toString(StandardCharsets.UTF_8).trim());
    }

    @ParameterizedTest(name = "[{0}] exits 2 with the usage")
    @ValueSource(strings = {"", "frobnicate", "attach", "attach 12x", "detach", "status 1 2", "report -1", "list now", "version 2"})
    void usageErrorsExitTwo(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertEquals(2, run(args));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: java -jar corsguard-agent.jar"), err.toString());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPidThatIsNoProcessExitsOneWithTheReason() {
        assertEquals(1, run("status", "2147483000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no process with pid 2147483000"), err.toString());
    }
}
