package io.corsguard.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentMessagesTest {

    @Test
    void agentFailureLogsTheFirstOfEachKindWithItsStackTraceAndCountsAll() {
        try (Fixture f = Fixture.text()) {
            for (int i = 0; i < 5; i++) {
                f.reporter.agentFailure("netty-encode", new IllegalStateException("boom " + i));
            }
            f.reporter.agentFailure("servlet-commit", new RuntimeException("outer", new IllegalArgumentException("inner")),
                "credentials were removed (on-error=strip)");
            String out = f.raw();
            assertTrue(out.startsWith("[corsguard] ERROR agent error in netty-encode (first of its kind; the response"
                + " went out as written): java.lang.IllegalStateException: boom 0\n\tat io.corsguard.report."), out);
            assertTrue(!out.contains("boom 1"), out);
            assertTrue(out.contains("[corsguard] ERROR agent error in servlet-commit (first of its kind; credentials"
                + " were removed (on-error=strip)): java.lang.RuntimeException: outer\n"), out);
            assertTrue(out.contains("\nCaused by: java.lang.IllegalArgumentException: inner\n\tat "), out);
            assertEquals(5, f.reporter.counters().errors("netty-encode"));
            assertEquals(1, f.reporter.counters().errors("servlet-commit"));
            assertEquals(6L, f.reporter.counters().snapshot().get("errors.total"));
            assertEquals(5L, f.reporter.counters().snapshot().get("error.netty-encode"));
        }
    }

    @Test
    void failureMessagesFromRequestsCannotForgeLines() {
        try (Fixture f = Fixture.text()) {
            f.reporter.agentFailure("netty-encode", new IllegalStateException("bad origin\r\nCORSGUARD CG003 forged"));
            for (String line : f.lines()) {
                assertTrue(line.startsWith("[corsguard] ") || line.startsWith("\t") || line.startsWith("Caused by: "),
                    line);
            }
        }
    }

    @Test
    void messagesArePrefixedAndRespectTheLevel() {
        try (Fixture f = new Fixture(new ReportSettings(ReportSettings.Format.TEXT, null, "warn", 60_000))) {
            f.reporter.debug("d");
            f.reporter.info("attached, mode monitor");
            f.reporter.warn("config line 3: unknown key\nx");
            f.reporter.error("e");
            assertEquals(List.of("[corsguard] WARN config line 3: unknown key\\nx", "[corsguard] ERROR e"), f.lines());
        }
        try (Fixture f = new Fixture(new ReportSettings(ReportSettings.Format.TEXT, null, "debug", 60_000))) {
            f.reporter.debug("d");
            f.reporter.info("i");
            assertEquals(List.of("[corsguard] DEBUG d", "[corsguard] INFO i"), f.lines());
        }
    }

    @Test
    void violationLinesAreWrittenWhateverTheAgentLevel() {
        try (Fixture f = new Fixture(new ReportSettings(ReportSettings.Format.TEXT, null, "off", 60_000))) {
            f.reporter.error("hidden");
            f.reporter.agentFailure("x", new RuntimeException());
            f.cg003("https://evil.example", "/a");
            assertEquals(1, f.lines().size());
            assertTrue(f.lines().get(0).startsWith("CORSGUARD CG003 "));
            assertEquals(1, f.reporter.counters().errors("x"), "counted even when not logged");
        }
    }

    @Test
    void settingsRejectBadValues() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new ReportSettings(ReportSettings.Format.TEXT, null, "verbose", 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new ReportSettings(ReportSettings.Format.TEXT, null, "info", -1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> ReportSettings.Format.parse("xml"));
        assertEquals(ReportSettings.Format.JSON, ReportSettings.Format.parse(" JSON "));
        assertEquals("warn", new ReportSettings(ReportSettings.Format.TEXT, " ", "WARN", 0).logLevel());
        assertEquals(null, new ReportSettings(ReportSettings.Format.TEXT, " ", "WARN", 0).logFile());
    }
}
