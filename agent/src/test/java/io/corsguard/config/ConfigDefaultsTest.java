package io.corsguard.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.corsguard.config.TestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDefaultsTest {

    private final CorsGuardConfig c = ok(ConfigLoader.load(null, Map.of(), Map.of()));

    @Test
    void every_key_of_the_design_is_known_in_its_order_with_test_keys_last() {
        assertEquals(List.of("mode", "allowed-origins", "allow-null-origin", "allowed-methods", "allowed-headers",
                "exposed-headers", "grant-credentials", "paths.include", "paths.exclude", "on-error", "log.format",
                "log.file", "log.level", "report.dedupe-window", "reload.interval", "jmx", "test.commit-hook",
                "test.fault"), List.copyOf(c.effective().keySet()));
    }

    @Test
    void mode_defaults_to_monitor() {
        assertEquals(Mode.MONITOR, c.mode());
    }

    @Test
    void allowlist_defaults_to_empty_so_nothing_is_trusted() {
        assertTrue(c.allowedOrigins().entries().isEmpty());
        assertTrue(c.allowedOriginsAsWritten().isEmpty());
        assertFalse(c.allowedOrigins().trusts("https://example.com"));
    }

    @Test
    void booleans_default_as_documented() {
        assertFalse(c.allowNullOrigin());
        assertFalse(c.grantCredentials());
        assertTrue(c.jmx());
        assertTrue(c.testCommitHook());
    }

    @Test
    void header_lists_default_to_empty() {
        assertEquals(List.of(), c.allowedMethods());
        assertEquals(List.of(), c.allowedHeaders());
        assertEquals(List.of(), c.exposedHeaders());
    }

    @Test
    void paths_default_to_all_included_none_excluded() {
        assertEquals(List.of(), c.pathsInclude());
        assertEquals(List.of(), c.pathsExclude());
        assertTrue(c.pathAllowed("/"));
        assertTrue(c.pathAllowed("/any/path?q=1"));
        assertTrue(c.pathAllowed(null));
    }

    @Test
    void enums_default_as_documented() {
        assertEquals(OnError.PASS, c.onError());
        assertEquals(LogFormat.TEXT, c.logFormat());
        assertEquals(LogLevel.INFO, c.logLevel());
        assertEquals(TestFault.NONE, c.testFault());
    }

    @Test
    void log_file_defaults_to_empty_meaning_stderr() {
        assertEquals("", c.logFile());
    }

    @Test
    void durations_default_to_60s_dedupe_and_5s_reload() {
        assertEquals(60_000L, c.reportDedupeWindowMillis());
        assertEquals(5_000L, c.reloadIntervalMillis());
    }

    @Test
    void source_says_defaults_and_every_key_comes_from_default() {
        assertEquals("defaults", c.source());
        assertNull(c.configFile());
        assertNull(c.fileWatch());
        assertTrue(c.warnings().isEmpty());
        c.effectiveSources().forEach((k, v) -> assertEquals("default", v, k));
        assertEquals("monitor", c.effective().get("mode"));
        assertEquals("60s", c.effective().get("report.dedupe-window"));
    }

    @Test
    void defaults_factory_equals_loading_nothing() {
        assertTrue(CorsGuardConfig.defaults().sameSettings(c));
    }

    @Test
    void policy_settings_carry_the_policy_keys() {
        CorsGuardConfig s = ok(TestSupport.args("allowed-origins=https://a.com;allow-null-origin=true;"
                + "allowed-methods=GET,PUT;allowed-headers=Authorization;exposed-headers=X-Id;grant-credentials=true"));
        var p = s.policySettings();
        assertTrue(p.allowedOrigins().trusts("https://a.com"));
        assertTrue(p.allowNullOrigin());
        assertEquals(List.of("GET", "PUT"), p.allowedMethods());
        assertEquals(List.of("Authorization"), p.allowedHeaders());
        assertEquals(List.of("X-Id"), p.exposedHeaders());
        assertTrue(p.grantCredentials());
    }
}
