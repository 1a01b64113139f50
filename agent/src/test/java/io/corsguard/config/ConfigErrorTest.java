package io.corsguard.config;

import io.corsguard.policy.InvalidOriginException;
import io.corsguard.policy.OriginAllowlist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.corsguard.config.TestSupport.args;
import static io.corsguard.config.TestSupport.assertErrors;
import static io.corsguard.config.TestSupport.map;
import static io.corsguard.config.TestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ConfigErrorTest {
    private static final String MODES = "expected one of monitor, correct, off";
    private static final String DURATION =
            "expected a duration: 0, or a whole number with unit ms, s, m or h (500ms, 60s, 5m)";

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return write(dir, "cg.properties", String.join("\n", lines) + "\n");
    }

    @Test
    void bad_enum_in_the_file_names_file_line_key_value_and_expectation() throws IOException {
        Path f = file("# header", "corsguard.jmx=true", "corsguard.mode=corect");
        ConfigResult r = TestSupport.file(f);
        assertErrors(r, f + ":3: corsguard.mode = 'corect': " + MODES);
        ConfigError e = r.errors().get(0);
        assertEquals(f.toString(), e.source());
        assertEquals(3, e.line());
        assertEquals("mode", e.key());
        assertEquals("corsguard.mode", e.keyAsWritten());
        assertEquals("corect", e.value());
        assertEquals(MODES, e.expected());
    }

    @Test
    void bad_values_in_each_override_layer_name_the_layer_and_the_key_as_written() {
        assertErrors(ConfigLoader.load(null, map("corsguard.jmx", "yes"), Map.of()),
                "system property: corsguard.jmx = 'yes': expected true or false");
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_MODE", "corect")),
                "environment: CORSGUARD_MODE = 'corect': " + MODES);
        assertErrors(args("mode=on"), "agent argument: mode = 'on': " + MODES);
        ConfigError e = args("mode=on").errors().get(0);
        assertEquals(ConfigError.AGENT_ARGUMENT, e.source());
        assertEquals(0, e.line());
    }

    @Test
    void bad_boolean_accepts_only_true_or_false() {
        for (String bad : new String[] {"yes", "1", "on", "", "truee"}) {
            assertErrors(args("grant-credentials=" + bad),
                    "agent argument: grant-credentials = '" + bad + "': expected true or false");
        }
    }

    @Test
    void bad_durations() {
        for (String bad : new String[] {"5000", "-5s", "1.5s", "5 s", "5sec", "s", "", "9999999999999s", "5S"}) {
            assertErrors(args("reload.interval=" + bad), "agent argument: reload.interval = '" + bad + "': " + DURATION);
        }
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_REPORT_DEDUPE_WINDOW", "1min")),
                "environment: CORSGUARD_REPORT_DEDUPE_WINDOW = '1min': " + DURATION);
    }

    @Test
    void bad_enum_values_for_every_enum_key() {
        assertErrors(args("on-error=drop"), "agent argument: on-error = 'drop': expected one of pass, strip");
        assertErrors(args("log.format=xml"), "agent argument: log.format = 'xml': expected one of text, json");
        assertErrors(args("log.level=verbose"),
                "agent argument: log.level = 'verbose': expected one of trace, debug, info, warn, error");
        assertErrors(args("test.fault=crash"),
                "agent argument: test.fault = 'crash': expected one of none, throw, slow, oom, weave-hook");
    }

    @Test
    void unknown_key_suggests_the_nearest_known_key_in_the_layers_spelling() throws IOException {
        Path f = file("corsguard.mdoe=correct");
        assertErrors(TestSupport.file(f), f + ":1: corsguard.mdoe = 'correct': unknown key; did you mean corsguard.mode?");
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_ALLOWED_ORIGIN", "https://a.com")),
                "environment: CORSGUARD_ALLOWED_ORIGIN = 'https://a.com': unknown key;"
                        + " did you mean CORSGUARD_ALLOWED_ORIGINS?");
        assertErrors(ConfigLoader.load(null, map("corsguard.dedupe-window", "5s"), Map.of()),
                "system property: corsguard.dedupe-window = '5s': unknown key;"
                        + " did you mean corsguard.report.dedupe-window?");
        assertErrors(args("allowed-method=GET"), "agent argument: allowed-method = 'GET': unknown key;"
                + " did you mean allowed-methods?");
    }

    @Test
    void unknown_key_far_from_any_key_gets_no_suggestion() {
        assertErrors(ConfigLoader.load(null, map("corsguard.frobnicate", "x"), Map.of()),
                "system property: corsguard.frobnicate = 'x': unknown key");
    }

    @Test
    void unrelated_system_properties_and_environment_variables_are_ignored() {
        assertTrue(ConfigLoader.load(null, map("java.version", "17", "corsguardx", "1"),
                map("PATH", "/bin", "CORSGUARDX", "1", "corsguard_mode", "nonsense")).ok());
    }

    @Test
    void file_keys_need_the_prefix_and_agent_argument_keys_must_not_have_it() throws IOException {
        Path f = file("mode=correct");
        assertErrors(TestSupport.file(f),
                f + ":1: mode = 'correct': expected corsguard.mode: keys in the file carry the prefix corsguard.");
        assertErrors(args("corsguard.mode=correct"),
                "agent argument: corsguard.mode = 'correct': expected mode: agent argument keys have no prefix");
    }

    @Test
    void the_file_cannot_name_a_config_file() throws IOException {
        Path f = file("corsguard.config=/etc/other.properties");
        assertErrors(TestSupport.file(f), f + ":1: corsguard.config = '/etc/other.properties': the file is named by"
                + " agent argument config=, -Dcorsguard.config or CORSGUARD_CONFIG, not by itself");
    }

    @Test
    void duplicate_key_in_the_file_names_both_lines() throws IOException {
        Path f = file("corsguard.mode=correct", "corsguard.jmx=false", "corsguard.mode=off");
        assertErrors(TestSupport.file(f),
                f + ":3: corsguard.mode = 'off': duplicate key, already set on line 1; each key once per file");
    }

    @Test
    void duplicate_key_in_agent_arguments() {
        assertErrors(args("mode=off;mode=correct"),
                "agent argument: mode = 'correct': duplicate key, already given as 'off'");
    }

    @Test
    void a_line_without_separator_is_an_error() throws IOException {
        Path f = file("corsguard.mode=correct", "corsguard.jmx", "=value");
        assertErrors(TestSupport.file(f),
                f + ":2: 'corsguard.jmx': expected key=value or key: value",
                f + ":3: '=value': expected key=value or key: value");
    }

    @Test
    void agent_argument_without_equals_is_an_error() {
        assertErrors(args("mode;jmx=false"),
                "agent argument: 'mode': expected key=value pairs separated by ; (config=/path;mode=correct)");
        assertErrors(args("=correct"),
                "agent argument: '=correct': expected key=value pairs separated by ; (config=/path;mode=correct)");
    }

    @Test
    void unparsable_origin_entry_carries_the_allowlist_message() throws IOException {
        Path f = file("corsguard.allowed-origins=https://ok.example.com, https://a.example.com/path");
        String expected = expectedFor("https://a.example.com/path");
        assertErrors(TestSupport.file(f),
                f + ":1: corsguard.allowed-origins = 'https://a.example.com/path': " + expected);
        assertTrue(expected.startsWith("expected"), expected);
    }

    private static String expectedFor(String entry) {
        try {
            OriginAllowlist.parse(List.of(entry));
        } catch (InvalidOriginException e) {
            return e.getMessage();
        }
        throw new AssertionError(entry + " parsed");
    }

    @Test
    void every_bad_origin_entry_is_reported_not_only_the_first() {
        ConfigResult r = args("allowed-origins=ftp://a.com,https://ok.com,https://user@b.com,example.com");
        assertEquals(List.of("ftp://a.com", "https://user@b.com", "example.com"),
                r.errors().stream().map(ConfigError::value).toList());
        assertNull(r.config());
    }

    @Test
    void wildcard_origin_alone_is_refused_with_the_reason() {
        assertErrors(args("allowed-origins=*"), "agent argument: allowed-origins = '*': * cannot be trusted with"
                + " credentials; list origins or a pattern such as https://*.example.com");
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_ALLOWED_ORIGINS", "https://a.com, *")),
                "environment: CORSGUARD_ALLOWED_ORIGINS = '*': * cannot be trusted with"
                        + " credentials; list origins or a pattern such as https://*.example.com");
    }

    @Test
    void null_origin_entry_points_to_allow_null_origin() {
        assertErrors(args("allowed-origins=null"), "agent argument: allowed-origins = 'null': expected a serialized"
                + " origin; the origin null is allowed by allow-null-origin=true");
    }

    @Test
    void header_and_method_lists_accept_only_tokens_and_not_star() {
        assertErrors(args("allowed-methods=GET,PO ST"),
                "agent argument: allowed-methods = 'PO ST': expected method names such as GET, PUT, PATCH (RFC 9110 tokens)");
        assertErrors(args("allowed-headers=*"), "agent argument: allowed-headers = '*': expected header names such as"
                + " Authorization, X-Request-Id: * is what this key replaces");
        assertErrors(args("exposed-headers=X-A,X:B"), "agent argument: exposed-headers = 'X:B': expected header names"
                + " such as Authorization, X-Request-Id (RFC 9110 tokens)");
    }

    @Test
    void path_patterns_must_start_with_slash() {
        assertErrors(args("paths.include=/ok/**,api/**"),
                "agent argument: paths.include = 'api/**': " + PathPattern.EXPECTED);
        assertErrors(args("paths.exclude=/a b"), "agent argument: paths.exclude = '/a b': " + PathPattern.EXPECTED
                + ", without spaces or control characters");
    }

    @Test
    void log_file_with_a_control_character_is_refused() {
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_LOG_FILE", "/tmp/a\u0000b")),
                "environment: CORSGUARD_LOG_FILE = '/tmp/a\\u0000b': expected a file path without control characters"
                        + " (empty: stderr)");
    }

    @Test
    void missing_file_named_by_config_is_an_error_attributed_to_the_layer_that_named_it() {
        Path missing = dir.resolve("missing.properties");
        assertErrors(args("config=" + missing + ";mode=correct"),
                "agent argument: config = '" + missing + "': expected a readable properties file, no such file");
        assertErrors(ConfigLoader.load(null, map("corsguard.config", missing.toString()), Map.of()),
                "system property: corsguard.config = '" + missing + "': expected a readable properties file, no such file");
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_CONFIG", missing.toString())),
                "environment: CORSGUARD_CONFIG = '" + missing + "': expected a readable properties file, no such file");
    }

    @Test
    void directory_or_empty_path_as_config_is_an_error() {
        assertErrors(args("config=" + dir), "agent argument: config = '" + dir
                + "': expected a readable properties file, found a directory");
        assertErrors(args("config="), "agent argument: config = '': expected the path of a properties file");
    }

    @Test
    void unreadable_file_is_an_error() throws IOException {
        Path f = file("corsguard.mode=correct");
        assumeTrue(f.toFile().setReadable(false) && !Files.isReadable(f),
                "running as root: permissions cannot make the file unreadable");
        assertErrors(TestSupport.file(f),
                "agent argument: config = '" + f + "': expected a readable properties file, access denied");
    }

    @Test
    void path_through_a_regular_file_is_unreadable() throws IOException {
        Path f = file("corsguard.mode=correct");
        Path through = f.resolve("x.properties");
        assertErrors(args("config=" + through),
                "agent argument: config = '" + through + "': expected a readable properties file, Not a directory");
    }

    @Test
    void malformed_utf8_names_file_and_line_and_other_lines_are_still_checked() throws IOException {
        Path f = dir.resolve("cg.properties");
        byte[] good1 = "corsguard.mode=correct\n".getBytes();
        byte[] bad = {'#', ' ', 'c', 'a', 'f', (byte) 0xC3, '(', '\n'}; // 0xC3 must be followed by 0x80-0xBF
        byte[] bad2 = {'c', 'o', 'r', 's', 'g', 'u', 'a', 'r', 'd', '.', 'j', 'm', 'x', '=', (byte) 0xFF, '\n'};
        byte[] good2 = "corsguard.log.level=loud\n".getBytes();
        Files.write(f, concat(good1, bad, bad2, good2));
        assertErrors(TestSupport.file(f),
                f + ":2: expected UTF-8 text: malformed byte sequence at byte 6 of the line",
                f + ":3: corsguard.jmx: expected UTF-8 text: malformed byte sequence at byte 15 of the line",
                f + ":4: corsguard.log.level = 'loud': expected one of trace, debug, info, warn, error");
    }

    @Test
    void latin1_file_is_refused_not_misread() throws IOException {
        Path f = dir.resolve("latin1.properties");
        Files.write(f, "corsguard.allowed-origins=https://b\u00fccher.example\n".getBytes("ISO-8859-1"));
        assertErrors(TestSupport.file(f), f + ":1: corsguard.allowed-origins: expected UTF-8 text: malformed byte sequence"
                + " at byte 36 of the line");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    @Test
    void all_problems_across_file_and_layers_are_reported_together_and_nothing_applies() throws IOException {
        Path f = file(
                "corsguard.mode=corect",
                "corsguard.allowed-origins=*",
                "corsguard.jmx=maybe",
                "corsguard.mode=off",
                "corsguard.bogus=1");
        ConfigResult r = ConfigLoader.load("config=" + f + ";reload.interval=soon",
                map("corsguard.log.level", "loud"), map("CORSGUARD_ON_ERROR", "explode"));
        assertErrors(r,
                f + ":4: corsguard.mode = 'off': duplicate key, already set on line 1; each key once per file",
                f + ":5: corsguard.bogus = '1': unknown key",
                f + ":1: corsguard.mode = 'corect': " + MODES,
                f + ":2: corsguard.allowed-origins = '*': * cannot be trusted with credentials; list origins or a"
                        + " pattern such as https://*.example.com",
                f + ":3: corsguard.jmx = 'maybe': expected true or false",
                "system property: corsguard.log.level = 'loud': expected one of trace, debug, info, warn, error",
                "environment: CORSGUARD_ON_ERROR = 'explode': expected one of pass, strip",
                "agent argument: reload.interval = 'soon': " + DURATION);
        assertFalse(r.ok());
        assertNull(r.active(), "at start-up there is no previous configuration: the agent stays inert");
        assertTrue(r.warnings().isEmpty());
    }

    @Test
    void an_overridden_bad_value_in_a_lower_layer_is_still_an_error() throws IOException {
        Path f = file("corsguard.mode=corect");
        assertErrors(ConfigLoader.load("config=" + f + ";mode=correct", Map.of(), Map.of()),
                f + ":1: corsguard.mode = 'corect': " + MODES);
    }

    // ---- escaping ----

    @Test
    void cr_lf_in_a_bad_value_cannot_forge_a_log_line() {
        ConfigResult r = ConfigLoader.load(null, Map.of(),
                map("CORSGUARD_MODE", "monitor\r\n2026-11-26 07:00:00 INFO corsguard mode=correct\tok"));
        String m = r.errors().get(0).message();
        assertEquals("environment: CORSGUARD_MODE = 'monitor\\r\\n2026-11-26 07:00:00 INFO corsguard"
                + " mode=correct\\tok': " + MODES, m);
        assertFalse(m.contains("\r") || m.contains("\n") || m.contains("\t"));
        assertEquals("monitor\r\n2026-11-26 07:00:00 INFO corsguard mode=correct\tok", r.errors().get(0).value(),
                "the raw value stays available to code");
    }

    @Test
    void other_control_characters_and_unicode_line_separators_are_escaped() {
        ConfigResult r = ConfigLoader.load(null, map("corsguard.mode", "a\u0000b\u001bc\u007fd\u0085e\u2028f"),
                Map.of());
        assertEquals("system property: corsguard.mode = 'a\\u0000b\\u001Bc\\u007Fd\\u0085e\\u2028f': " + MODES,
                r.errors().get(0).message());
    }

    @Test
    void control_characters_in_an_unknown_key_name_are_escaped_too() {
        ConfigResult r = args("mo\nde=x");
        assertEquals("agent argument: mo\\nde = 'x': unknown key; did you mean mode?", r.errors().get(0).message());
    }

    @Test
    void very_long_values_are_cut_in_the_message() {
        String v = "x".repeat(5000);
        String m = args("mode=" + v).errors().get(0).message();
        assertEquals("agent argument: mode = '" + "x".repeat(ConfigError.MAX_VALUE_CHARS) + "...(5000 chars)': " + MODES, m);
    }
}
