package io.corsguard.report;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogOutputTest {

    @Test
    void logFileGetsTheViolationsAndStderrTheAgentMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/dir/corsguard.log");
        Files.createDirectories(file.getParent());
        Files.write(file, "earlier line\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Reporter r = Reporter.start(new ReportSettings(ReportSettings.Format.JSON, file.toString(), "info", 60_000),
            new PrintStream(err, true), () -> Fixture.T0, Dedupe.MAX_KEYS);
        r.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
            Fixture.reflected("https://evil.example"), null, Fixture.stripDecision());
        r.info("attached");
        r.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), "appended: " + lines);
        assertEquals("earlier line", lines.get(0));
        assertEquals("CG003", Json.object(lines.get(1)).get("rule"));
        assertEquals("[corsguard] INFO attached\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnwritableLogFileFallsBackToStderrWithAWarning(@TempDir Path dir) throws Exception {
        Path notADir = dir.resolve("file");
        Files.write(notADir, new byte[0]);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Reporter r = Reporter.start(new ReportSettings(ReportSettings.Format.TEXT, notADir.resolve("x.log").toString(),
            "info", 60_000), new PrintStream(err, true), () -> Fixture.T0, Dedupe.MAX_KEYS);
        r.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
            Fixture.reflected("https://evil.example"), null, Fixture.stripDecision());
        r.close();
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("[corsguard] WARN cannot open log.file "), out);
        assertTrue(out.contains("\nCORSGUARD CG003 "), out);
    }

    /**
     * The production entry point writes to the real stderr, prints nothing while starting (no
     * logback status output) and never writes to stdout.
     */
    @Test
    void startIsSilentAndWritesViolationsToStderr() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        Reporter r;
        try {
            System.setOut(new PrintStream(capturedOut, true));
            System.setErr(new PrintStream(capturedErr, true));
            r = Reporter.start(Fixture.settings(ReportSettings.Format.TEXT, 60_000));
            assertEquals("", capturedErr.toString(StandardCharsets.UTF_8), "start prints nothing");
            r.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
                Fixture.reflected("https://evil.example"), null, Fixture.stripDecision());
            r.close();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", capturedOut.toString(StandardCharsets.UTF_8));
        String e = capturedErr.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("CORSGUARD CG003 untrusted-origin-with-credentials [security] mode=monitor"), e);
        assertEquals(1, e.split("\n").length, e);
    }

    /**
     * The app's logback.xml (visible through the thread context class loader, as in a servlet
     * container) must neither shape our lines nor be loaded or changed by us.
     */
    @Test
    void anApplicationLogbackXmlOnTheContextClassLoaderIsIgnored(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("logback.xml"), ("<configuration>\n"
            + "  <contextName>the-app</contextName>\n"
            + "  <appender name=\"APP\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
            + "    <target>System.out</target>\n"
            + "    <encoder><pattern>APP-FORMAT %level %logger %msg%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <root level=\"TRACE\"><appender-ref ref=\"APP\"/></root>\n"
            + "</configuration>\n").getBytes(StandardCharsets.UTF_8));
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = System.out;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        try (URLClassLoader app = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            assertTrue(app.getResource("logback.xml") != null);
            t.setContextClassLoader(app);
            System.setOut(new PrintStream(capturedOut, true));
            Reporter r = Reporter.start(Fixture.settings(ReportSettings.Format.TEXT, 60_000),
                new PrintStream(err, true), () -> Fixture.T0, Dedupe.MAX_KEYS);
            r.info("attached");
            r.violations("monitor", "servlet", Fixture.get("https://evil.example", "/a"),
                Fixture.reflected("https://evil.example"), null, Fixture.stripDecision());
            r.close();
        } finally {
            System.setOut(out);
            t.setContextClassLoader(previous);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("[corsguard] INFO attached", e.split("\n")[0], e);
        assertTrue(e.split("\n")[1].startsWith("CORSGUARD CG003 "), e);
        assertFalse(e.contains("APP-FORMAT"), e);
        assertEquals("", capturedOut.toString(StandardCharsets.UTF_8));

        // slf4j's default logback context (what the app would use) knows nothing of us
        LoggerContext appContext = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertFalse("corsguard".equals(appContext.getName()));
        assertNull(appContext.exists("corsguard.report"));
        assertNull(appContext.exists("corsguard.agent"));
        List<String> appenders = new ArrayList<>();
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
             appContext.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next().getName());
        }
        assertFalse(appenders.contains("stderr") || appenders.contains("report-stderr")
            || appenders.contains("report-file"), appenders.toString());
    }
}
