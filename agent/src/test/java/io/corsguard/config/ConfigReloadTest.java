package io.corsguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static io.corsguard.config.TestSupport.map;
import static io.corsguard.config.TestSupport.ok;
import static io.corsguard.config.TestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigReloadTest {
    @TempDir
    Path dir;

    /** Rewrites the file keeping its modification time, as a coarse-timestamp file system would show it. */
    private static void rewriteSameTime(Path f, String content) throws IOException {
        FileTime t = Files.getLastModifiedTime(f);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(f, t);
    }

    @Test
    void reload_keeps_the_previous_configuration_on_error_and_takes_the_fixed_file() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\n");
        CorsGuardConfig first = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        assertEquals(Mode.CORRECT, first.mode());

        write(dir, "cg.properties", "corsguard.mode=off\ncorsguard.jmx=perhaps\n");
        ConfigResult bad = ConfigLoader.reload(first);
        assertFalse(bad.ok());
        assertNull(bad.config(), "nothing half-applies: mode=off must not take effect");
        assertSame(first, bad.active());
        assertEquals(1, bad.errors().size());
        assertEquals(f + ":2: corsguard.jmx = 'perhaps': expected true or false", bad.errors().get(0).message());

        write(dir, "cg.properties", "corsguard.mode=off\n");
        ConfigResult fixed = ConfigLoader.reload(first);
        assertTrue(fixed.ok());
        assertEquals(Mode.OFF, fixed.config().mode());
        assertSame(fixed.config(), fixed.active());
        assertFalse(fixed.config().sameSettings(first));
    }

    @Test
    void reload_reuses_agent_arguments_system_properties_and_environment() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\n");
        CorsGuardConfig first = ok(ConfigLoader.load("config=" + f + ";log.level=warn",
                map("corsguard.jmx", "false"), map("CORSGUARD_LOG_FORMAT", "json")));
        write(dir, "cg.properties", "corsguard.mode=off\n");
        CorsGuardConfig second = ok(ConfigLoader.reload(first));
        assertEquals(Mode.OFF, second.mode());
        assertEquals(LogLevel.WARN, second.logLevel());
        assertFalse(second.jmx());
        assertEquals(LogFormat.JSON, second.logFormat());
    }

    @Test
    void reload_with_new_inputs_replaces_them() throws IOException {
        CorsGuardConfig first = ok(ConfigLoader.load("mode=correct", Map.of(), Map.of()));
        ConfigResult r = ConfigLoader.reload(first, "mode=off", Map.of(), Map.of());
        assertEquals(Mode.OFF, r.config().mode());
        ConfigResult bad = ConfigLoader.reload(first, "mode=of", Map.of(), Map.of());
        assertSame(first, bad.active());
    }

    @Test
    void reload_when_the_file_vanished_is_an_error_and_keeps_previous() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\n");
        CorsGuardConfig first = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        Files.delete(f);
        assertTrue(first.fileWatch().changed());
        ConfigResult r = ConfigLoader.reload(first);
        assertEquals("agent argument: config = '" + f + "': expected a readable properties file, no such file",
                r.errors().get(0).message());
        assertSame(first, r.active());
        assertFalse(r.fileWatch().readable());
        assertFalse(r.fileWatch().changed(), "the failed state is the new baseline: no error every interval");
    }

    @Test
    void same_settings_when_only_comments_changed() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\n");
        CorsGuardConfig first = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        write(dir, "cg.properties", "# reviewed\ncorsguard.mode=correct\n");
        assertTrue(ok(ConfigLoader.reload(first)).sameSettings(first));
    }

    @Test
    void file_watch_sees_size_time_and_same_size_edits() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\n");
        CorsGuardConfig c = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        ConfigFileWatch w = c.fileWatch();
        assertEquals(f.toString(), w.path());
        assertTrue(w.readable());
        assertEquals(Files.size(f), w.size());
        assertEquals(Files.getLastModifiedTime(f).toMillis(), w.lastModified());
        assertFalse(w.changed());

        rewriteSameTime(f, "corsguard.mode=monitor\n");
        assertTrue(w.changed(), "size changed");

        CorsGuardConfig c2 = ok(ConfigLoader.reload(c));
        assertFalse(c2.fileWatch().changed());
        rewriteSameTime(f, "corsguard.mode=correct\n"); // same size, same time, other content
        assertTrue(c2.fileWatch().changed(), "content changed within the timestamp granularity");

        CorsGuardConfig c3 = ok(ConfigLoader.reload(c2));
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        assertTrue(c3.fileWatch().changed(), "touched");
    }

    @Test
    void no_file_no_watch() {
        CorsGuardConfig c = ok(ConfigLoader.load("mode=off", Map.of(), Map.of()));
        assertNull(c.fileWatch());
        assertNull(ConfigLoader.reload(c).fileWatch());
    }
}
