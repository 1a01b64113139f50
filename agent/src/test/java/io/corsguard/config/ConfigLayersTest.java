package io.corsguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.corsguard.config.TestSupport.args;
import static io.corsguard.config.TestSupport.map;
import static io.corsguard.config.TestSupport.ok;
import static io.corsguard.config.TestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLayersTest {
    @TempDir
    Path dir;

    @Test
    void every_key_is_read_from_the_file_with_its_prefix() throws IOException {
        Path f = write(dir, "cg.properties", String.join("\n",
                "corsguard.mode=correct",
                "corsguard.allowed-origins=https://app.example.com, https://*.example.org:8443",
                "corsguard.allow-null-origin=TRUE",
                "corsguard.allowed-methods=GET, PATCH",
                "corsguard.allowed-headers=Authorization,X-Requested-With",
                "corsguard.exposed-headers=X-Request-Id",
                "corsguard.grant-credentials=true",
                "corsguard.paths.include=/api/**",
                "corsguard.paths.exclude=/api/health,/*.json",
                "corsguard.on-error=strip",
                "corsguard.log.format=json",
                "corsguard.log.file=/var/log/cg.log",
                "corsguard.log.level=debug",
                "corsguard.report.dedupe-window=500ms",
                "corsguard.reload.interval=0",
                "corsguard.jmx=false",
                "corsguard.test.commit-hook=false",
                "corsguard.test.fault=slow"));
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals(Mode.CORRECT, c.mode());
        assertEquals(List.of("https://app.example.com", "https://*.example.org:8443"), c.allowedOriginsAsWritten());
        assertTrue(c.allowedOrigins().trusts("https://a.b.example.org:8443"));
        assertFalse(c.allowedOrigins().trusts("https://example.org:8443"));
        assertTrue(c.allowNullOrigin());
        assertEquals(List.of("GET", "PATCH"), c.allowedMethods());
        assertEquals(List.of("Authorization", "X-Requested-With"), c.allowedHeaders());
        assertEquals(List.of("X-Request-Id"), c.exposedHeaders());
        assertTrue(c.grantCredentials());
        assertEquals(List.of("/api/**"), c.pathsInclude());
        assertEquals(List.of("/api/health", "/*.json"), c.pathsExclude());
        assertEquals(OnError.STRIP, c.onError());
        assertEquals(LogFormat.JSON, c.logFormat());
        assertEquals("/var/log/cg.log", c.logFile());
        assertEquals(LogLevel.DEBUG, c.logLevel());
        assertEquals(500L, c.reportDedupeWindowMillis());
        assertEquals(0L, c.reloadIntervalMillis());
        assertFalse(c.jmx());
        assertFalse(c.testCommitHook());
        assertEquals(TestFault.SLOW, c.testFault());
        assertEquals("file " + f, c.source());
        assertEquals(f.toString(), c.configFile());
        assertEquals("file " + f + ":1", c.effectiveSources().get("mode"));
        assertEquals("file " + f + ":18", c.effectiveSources().get("test.fault"));
        assertEquals("TRUE", c.effective().get("allow-null-origin"));
    }

    @Test
    void durations_accept_ms_s_m_h_and_zero() {
        assertEquals(250L, ok(args("reload.interval=250ms")).reloadIntervalMillis());
        assertEquals(30_000L, ok(args("reload.interval=30s")).reloadIntervalMillis());
        assertEquals(300_000L, ok(args("reload.interval=5m")).reloadIntervalMillis());
        assertEquals(7_200_000L, ok(args("reload.interval=2h")).reloadIntervalMillis());
        assertEquals(0L, ok(args("report.dedupe-window=0")).reportDedupeWindowMillis());
        assertEquals(0L, ok(args("report.dedupe-window=0s")).reportDedupeWindowMillis());
    }

    @Test
    void enum_values_are_case_insensitive_like_booleans() {
        assertEquals(Mode.OFF, ok(args("mode=OFF")).mode());
        assertEquals(TestFault.OOM, ok(args("test.fault=oom")).testFault());
        assertEquals(TestFault.THROW, ok(args("test.fault=throw")).testFault());
        assertFalse(ok(args("jmx=False")).jmx());
    }

    /** One key set differently in every layer: each layer beats the ones below it. */
    @Test
    void precedence_defaults_file_system_property_environment_agent_argument() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.log.level=trace\n");
        Map<String, String> sys = map("corsguard.config", f.toString(), "corsguard.log.level", "debug");
        Map<String, String> env = map("CORSGUARD_LOG_LEVEL", "warn");

        CorsGuardConfig all = ok(ConfigLoader.load("log.level=error", sys, env));
        assertEquals(LogLevel.ERROR, all.logLevel());
        assertEquals("agent argument log.level", all.effectiveSources().get("log.level"));

        CorsGuardConfig noArgs = ok(ConfigLoader.load(null, sys, env));
        assertEquals(LogLevel.WARN, noArgs.logLevel());
        assertEquals("environment CORSGUARD_LOG_LEVEL", noArgs.effectiveSources().get("log.level"));

        CorsGuardConfig noEnv = ok(ConfigLoader.load(null, sys, Map.of()));
        assertEquals(LogLevel.DEBUG, noEnv.logLevel());
        assertEquals("system property corsguard.log.level", noEnv.effectiveSources().get("log.level"));

        CorsGuardConfig fileOnly = ok(ConfigLoader.load(null, map("corsguard.config", f.toString()), Map.of()));
        assertEquals(LogLevel.TRACE, fileOnly.logLevel());
        assertEquals("file " + f + ":1", fileOnly.effectiveSources().get("log.level"));

        CorsGuardConfig none = ok(ConfigLoader.load(null, Map.of(), Map.of()));
        assertEquals(LogLevel.INFO, none.logLevel());
    }

    @Test
    void layers_merge_per_key_and_source_names_each_override() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.mode=correct\ncorsguard.jmx=false\n");
        CorsGuardConfig c = ok(ConfigLoader.load("config=" + f + ";log.format=json",
                map("corsguard.log.level", "warn", "java.version", "17"),
                map("CORSGUARD_ALLOWED_ORIGINS", "https://a.com", "CORSGUARD_PATHS_INCLUDE", "/api/**",
                        "PATH", "/usr/bin")));
        assertEquals(Mode.CORRECT, c.mode());
        assertFalse(c.jmx());
        assertEquals(LogFormat.JSON, c.logFormat());
        assertEquals(LogLevel.WARN, c.logLevel());
        assertEquals(List.of("https://a.com"), c.allowedOriginsAsWritten());
        assertEquals(List.of("/api/**"), c.pathsInclude());
        assertEquals("file " + f + " (+ system properties log.level; environment allowed-origins, paths.include;"
                + " agent arguments log.format)", c.source());
    }

    @Test
    void environment_names_are_upper_case_with_dots_and_dashes_as_underscores() {
        CorsGuardConfig c = ok(ConfigLoader.load(null, Map.of(), map(
                "CORSGUARD_REPORT_DEDUPE_WINDOW", "5m",
                "CORSGUARD_ALLOW_NULL_ORIGIN", "true",
                "CORSGUARD_TEST_COMMIT_HOOK", "false",
                "CORSGUARD_LOG_FILE", "/tmp/x.log")));
        assertEquals(300_000L, c.reportDedupeWindowMillis());
        assertTrue(c.allowNullOrigin());
        assertFalse(c.testCommitHook());
        assertEquals("/tmp/x.log", c.logFile());
        // listed in the sorted order of the variable names, whatever the map's order
        assertEquals("defaults (+ environment allow-null-origin, log.file, report.dedupe-window, test.commit-hook)",
                c.source());
    }

    @Test
    void a_higher_layer_can_clear_a_list_with_an_empty_value() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.allowed-origins=https://a.com\n");
        CorsGuardConfig c = ok(ConfigLoader.load("config=" + f + ";allowed-origins=", Map.of(), Map.of()));
        assertTrue(c.allowedOrigins().entries().isEmpty());
    }

    @Test
    void file_is_named_by_agent_argument_before_system_property_before_environment() throws IOException {
        Path a = write(dir, "a.properties", "corsguard.mode=correct\n");
        Path s = write(dir, "s.properties", "corsguard.mode=off\n");
        Path e = write(dir, "e.properties", "corsguard.log.level=error\n");
        Map<String, String> sys = map("corsguard.config", s.toString());
        Map<String, String> env = map("CORSGUARD_CONFIG", e.toString());
        assertEquals(a.toString(), ok(ConfigLoader.load("config=" + a, sys, env)).configFile());
        assertEquals(Mode.CORRECT, ok(ConfigLoader.load("config=" + a, sys, env)).mode());
        assertEquals(s.toString(), ok(ConfigLoader.load(null, sys, env)).configFile());
        assertEquals(Mode.OFF, ok(ConfigLoader.load(null, sys, env)).mode());
        CorsGuardConfig fromEnv = ok(ConfigLoader.load(null, Map.of(), env));
        assertEquals(e.toString(), fromEnv.configFile());
        assertEquals(LogLevel.ERROR, fromEnv.logLevel());
        assertEquals(Mode.MONITOR, fromEnv.mode());
    }

    // ---- agent arguments ----

    @Test
    void agent_args_config_and_mode() throws IOException {
        Path f = write(dir, "x.properties", "corsguard.jmx=false\n");
        CorsGuardConfig c = ok(args("config=" + f + ";mode=correct"));
        assertEquals(Mode.CORRECT, c.mode());
        assertFalse(c.jmx());
        assertEquals("file " + f + " (+ agent arguments mode)", c.source());
        assertEquals("agent argument mode", c.effectiveSources().get("mode"));
    }

    @Test
    void empty_or_blank_agent_args_mean_defaults() {
        assertEquals("defaults", ok(args(null)).source());
        assertEquals("defaults", ok(args("")).source());
        assertEquals("defaults", ok(args("  ")).source());
        assertEquals("defaults", ok(args(";;")).source());
    }

    @Test
    void empty_segments_between_semicolons_are_skipped() {
        CorsGuardConfig c = ok(args(";;mode=correct;;jmx=false;"));
        assertEquals(Mode.CORRECT, c.mode());
        assertFalse(c.jmx());
    }

    @Test
    void value_may_contain_equals_and_commas_and_is_trimmed() {
        CorsGuardConfig c = ok(args(" log.file = /tmp/a=b.log ; allowed-origins=https://a.com,https://b.com "));
        assertEquals("/tmp/a=b.log", c.logFile());
        assertEquals(List.of("https://a.com", "https://b.com"), c.allowedOriginsAsWritten());
    }

    @Test
    void empty_list_entries_are_ignored() {
        CorsGuardConfig c = ok(args("allowed-origins=https://a.com,, ,https://b.com,;allowed-methods=,GET,"));
        assertEquals(List.of("https://a.com", "https://b.com"), c.allowedOriginsAsWritten());
        assertEquals(2, c.allowedOrigins().entries().size());
        assertEquals(List.of("GET"), c.allowedMethods());
    }

    // ---- file format ----

    @Test
    void file_comments_blank_lines_colon_separator_and_whitespace() throws IOException {
        Path f = write(dir, "cg.properties", String.join("\n",
                "# a comment",
                "! another comment",
                "",
                "   ",
                "  corsguard.mode   :   correct   ",
                "\tcorsguard.log.level\t=\twarn",
                "corsguard.log.file=/tmp/a=b:c.log",
                "  # indented comment"));
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals(Mode.CORRECT, c.mode());
        assertEquals(LogLevel.WARN, c.logLevel());
        assertEquals("/tmp/a=b:c.log", c.logFile());
        assertEquals("file " + f + ":5", c.effectiveSources().get("mode"));
        assertEquals("file " + f + ":6", c.effectiveSources().get("log.level"));
    }

    @Test
    void backslash_continues_a_line_and_the_source_line_is_where_it_starts() throws IOException {
        Path f = write(dir, "cg.properties", String.join("\n",
                "corsguard.mode=correct",
                "corsguard.allowed-origins=https://a.example.com,\\",
                "    https://b.example.com,\\",
                "    https://*.c.example.com",
                "corsguard.log.level=debug"));
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals(List.of("https://a.example.com", "https://b.example.com", "https://*.c.example.com"),
                c.allowedOriginsAsWritten());
        assertEquals("file " + f + ":2", c.effectiveSources().get("allowed-origins"));
        assertEquals("file " + f + ":5", c.effectiveSources().get("log.level"));
        assertEquals(LogLevel.DEBUG, c.logLevel());
    }

    @Test
    void a_comment_marker_on_a_continuation_line_is_data() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.allowed-headers=X-A,\\\n  #X-B\n");
        assertEquals(List.of("X-A", "#X-B"), ok(TestSupport.file(f)).allowedHeaders());
    }

    @Test
    void double_backslash_is_one_backslash_and_does_not_continue() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.log.file=C:\\\\logs\\\\\ncorsguard.mode=off\n");
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals("C:\\logs\\", c.logFile());
        assertEquals(Mode.OFF, c.mode());
    }

    @Test
    void single_backslashes_inside_a_value_are_literal() throws IOException {
        Path f = write(dir, "cg.properties", "corsguard.log.file=C:\\logs\\cg.log\n");
        assertEquals("C:\\logs\\cg.log", ok(TestSupport.file(f)).logFile());
    }

    @Test
    void crlf_and_cr_line_endings_and_a_bom_are_accepted() throws IOException {
        Path f = write(dir, "cg.properties", "\uFEFFcorsguard.mode=correct\r\ncorsguard.jmx=false\rcorsguard.log.level=warn");
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals(Mode.CORRECT, c.mode());
        assertFalse(c.jmx());
        assertEquals(LogLevel.WARN, c.logLevel());
        assertEquals("file " + f + ":3", c.effectiveSources().get("log.level"));
    }

    @Test
    void non_ascii_utf8_is_read_as_utf8() throws IOException {
        Path f = write(dir, "cg.properties", "# café\ncorsguard.allowed-origins=https://bücher.example\n");
        CorsGuardConfig c = ok(TestSupport.file(f));
        assertEquals("xn--bcher-kva.example", c.allowedOrigins().entries().get(0).host());
    }
}
