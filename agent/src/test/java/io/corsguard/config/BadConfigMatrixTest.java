package io.corsguard.config;

import static io.corsguard.config.TestSupport.assertErrors;
import static io.corsguard.config.TestSupport.map;
import static io.corsguard.config.TestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad configuration matrix (issue 10, point 6): every key of DESIGN.md section 2 (and the two
 * test-only keys) with values of the wrong type or shape, plus unknown and duplicate keys, a file
 * that cannot be read, vanishes before a reload or holds non-UTF-8 bytes. Each case asserts the
 * whole message (file:line, key as written, offending value, expectation) and that nothing
 * half-applies: the bad line sits in a file next to one good change, and neither the start-up
 * load nor a reload takes that change.
 */
class BadConfigMatrixTest {
    static final String MODES = "expected one of monitor, correct, off";
    static final String BOOLEAN = "expected true or false";
    static final String DURATION = "expected a duration: 0, or a whole number with unit ms, s, m or h (500ms, 60s, 5m)";
    static final String ORIGIN = "expected a serialized origin scheme://host[:port] or https://*.domain; found ";
    static final String METHODS = "expected method names such as GET, PUT, PATCH";
    static final String HEADERS = "expected header names such as Authorization, X-Request-Id";

    /** A key, a bad value as written, the offending value the message names (the entry, for lists), and the expectation. */
    record Bad(String key, String written, String offending, String expected) {
        Bad(String key, String written, String expected) {
            this(key, written, written, expected);
        }
    }

    static final List<Bad> MATRIX = List.of(
        new Bad("mode", "corect", MODES),
        new Bad("mode", "true", MODES),
        new Bad("mode", "", MODES),
        new Bad("allowed-origins", "https://ok.example.com,https://app.example.com/api", "https://app.example.com/api",
            ORIGIN + "a path"),
        new Bad("allowed-origins", "https://app.example.com/", "https://app.example.com/", ORIGIN + "a path"),
        new Bad("allowed-origins", "https://a.*.example.com", ORIGIN + "'*' other than as the whole first label ('*.' in front)"),
        new Bad("allowed-origins", "https://*example.com", ORIGIN + "'*' other than as the whole first label ('*.' in front)"),
        new Bad("allowed-origins", "https://*.*.example.com", ORIGIN + "'*' other than as the whole first label ('*.' in front)"),
        new Bad("allowed-origins", "*", "* cannot be trusted with credentials; list origins or a pattern such as https://*.example.com"),
        new Bad("allowed-origins", "https://*", ORIGIN + "'*' other than as the whole first label ('*.' in front)"),
        new Bad("allowed-origins", "*.example.com", ORIGIN + "no scheme"),
        new Bad("allowed-origins", "true", ORIGIN + "no scheme"),
        new Bad("allowed-origins", "ftp://app.example.com", ORIGIN + "the scheme 'ftp' (only http and https)"),
        new Bad("allowed-origins", "https://user@app.example.com", ORIGIN + "userinfo ('@')"),
        new Bad("allowed-origins", "https://app.example.com?q=1", ORIGIN + "a query"),
        new Bad("allowed-origins", "https://app.example.com:0443", ORIGIN + "the port '0443' (decimal 1-65535, no leading zero)"),
        new Bad("allowed-origins", "https://app.example.com:65536", ORIGIN + "the port '65536' (decimal 1-65535, no leading zero)"),
        new Bad("allowed-origins", "https://app..example.com", ORIGIN
            + "the host 'app..example.com' (dot-separated labels of letters, digits and '-', none empty)"),
        new Bad("allowed-origins", "https://app example.com", ORIGIN + "whitespace or a control character"),
        new Bad("allowed-origins", "null", "expected a serialized origin; the origin null is allowed by allow-null-origin=true"),
        new Bad("allow-null-origin", "yes", BOOLEAN),
        new Bad("allow-null-origin", "1", BOOLEAN),
        new Bad("allowed-methods", "GET,*", "*", METHODS + ": * is what this key replaces"),
        new Bad("allowed-methods", "GET,PO ST", "PO ST", METHODS + " (RFC 9110 tokens)"),
        new Bad("allowed-methods", "GET;PUT", METHODS + " (RFC 9110 tokens)"),
        new Bad("allowed-headers", "*", HEADERS + ": * is what this key replaces"),
        new Bad("allowed-headers", "X-Token,X:Y", "X:Y", HEADERS + " (RFC 9110 tokens)"),
        new Bad("exposed-headers", "*", HEADERS + ": * is what this key replaces"),
        new Bad("exposed-headers", "X Total", HEADERS + " (RFC 9110 tokens)"),
        new Bad("grant-credentials", "maybe", BOOLEAN),
        new Bad("grant-credentials", "on", BOOLEAN),
        new Bad("paths.include", "/api/**,api/**", "api/**", PathPattern.EXPECTED),
        new Bad("paths.include", "true", PathPattern.EXPECTED),
        new Bad("paths.exclude", "/a b", PathPattern.EXPECTED + ", without spaces or control characters"),
        new Bad("on-error", "drop", "expected one of pass, strip"),
        new Bad("on-error", "false", "expected one of pass, strip"),
        new Bad("log.format", "xml", "expected one of text, json"),
        new Bad("log.file", "/tmp/a\u0001b", "expected a file path without control characters (empty: stderr)"),
        new Bad("log.level", "loud", "expected one of trace, debug, info, warn, error"),
        new Bad("log.level", "3", "expected one of trace, debug, info, warn, error"),
        new Bad("report.dedupe-window", "1min", DURATION),
        new Bad("report.dedupe-window", "60000", DURATION),
        new Bad("report.dedupe-window", "-5s", DURATION),
        new Bad("reload.interval", "soon", DURATION),
        new Bad("reload.interval", "1.5s", DURATION),
        new Bad("reload.interval", "true", DURATION),
        new Bad("jmx", "yes", BOOLEAN),
        new Bad("jmx", "0", BOOLEAN),
        new Bad("test.commit-hook", "off", BOOLEAN),
        new Bad("test.fault", "crash", "expected one of none, throw, slow, oom, weave-hook"));

    @TempDir
    Path dir;

    @Test
    void theMatrixCoversEveryKey() {
        Set<Key> covered = EnumSet.noneOf(Key.class);
        for (Bad b : MATRIX) {
            covered.add(Key.byName(b.key()));
        }
        assertEquals(EnumSet.allOf(Key.class), covered);
    }

    /** A good change on line 1 (another key than the bad one), a comment on line 2, the bad line on line 3. */
    static String goodChange(String badKey) {
        return badKey.equals("mode") ? "corsguard.log.level=debug" : "corsguard.mode=correct";
    }

    @TestFactory
    Stream<DynamicTest> eachBadValueInTheFileNamesFileLineKeyValueAndExpectationAndNothingApplies() {
        return MATRIX.stream().map(b -> DynamicTest.dynamicTest(b.key() + " = '" + b.written() + "'", () -> {
            Path f = dir.resolve("cg-" + Math.abs((b.key() + b.written()).hashCode()) + ".properties");
            String expected = f + ":3: corsguard." + b.key() + " = '" + ConfigError.escape(b.offending()) + "': " + b.expected();
            assertNothingApplies(f, goodChange(b.key()) + "\n# then a bad line\ncorsguard." + b.key() + "=" + b.written() + "\n",
                expected);
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachBadValueInTheEnvironmentAndAgentArgumentsNamesTheLayerAndKey() {
        return MATRIX.stream().filter(b -> !b.written().contains(";")).map(b -> DynamicTest.dynamicTest(b.key() + " = '" + b.written() + "'", () -> {
            String env = Key.envName(b.key());
            assertErrors(ConfigLoader.load(null, Map.of(), map(env, b.written())),
                "environment: " + env + " = '" + ConfigError.escape(b.offending()) + "': " + b.expected());
            assertErrors(ConfigLoader.load(null, map("corsguard." + b.key(), b.written()), Map.of()),
                "system property: corsguard." + b.key() + " = '" + ConfigError.escape(b.offending()) + "': " + b.expected());
            assertErrors(ConfigLoader.load(b.key() + "=" + b.written(), Map.of(), Map.of()),
                "agent argument: " + b.key() + " = '" + ConfigError.escape(b.offending()) + "': " + b.expected());
        }));
    }

    @Test
    void unknownKeysSayUnknownAndSuggestTheNearestAndNothingApplies() throws IOException {
        Path f = dir.resolve("unknown.properties");
        assertNothingApplies(f, "corsguard.mode=correct\n\ncorsguard.allowed-origin=https://app.example.com\n",
            f + ":3: corsguard.allowed-origin = 'https://app.example.com': unknown key; did you mean corsguard.allowed-origins?");
        assertNothingApplies(f, "corsguard.mode=correct\n\ncorsguard.frobnicate=1\n", f + ":3: corsguard.frobnicate = '1': unknown key");
        assertNothingApplies(f, "corsguard.mode=correct\n\nallowed-origins=https://app.example.com\n",
            f + ":3: allowed-origins = 'https://app.example.com': expected corsguard.allowed-origins: keys in the file carry the prefix corsguard.");
        assertNothingApplies(f, "corsguard.mode=correct\n\ncorsguard.config=/etc/other.properties\n",
            f + ":3: corsguard.config = '/etc/other.properties': the file is named by agent argument config=, -Dcorsguard.config"
                + " or CORSGUARD_CONFIG, not by itself");
        assertNothingApplies(f, "corsguard.mode=correct\n\njust some words\n", f + ":3: 'just some words': expected key=value or key: value");
    }

    @Test
    void duplicateKeysNameBothLinesAndNothingApplies() throws IOException {
        Path f = dir.resolve("dup.properties");
        assertNothingApplies(f, "corsguard.mode=correct\n# again\ncorsguard.mode=off\n",
            f + ":3: corsguard.mode = 'off': duplicate key, already set on line 1; each key once per file");
        assertErrors(ConfigLoader.load("mode=correct;jmx=false;mode=off", Map.of(), Map.of()),
            "agent argument: mode = 'off': duplicate key, already given as 'correct'");
    }

    @Test
    void nonUtf8BytesNameFileLineKeyAndByteAndNothingApplies() throws IOException {
        Path f = dir.resolve("latin1.properties");
        byte[] bad = "corsguard.mode=correct\n#\ncorsguard.allowed-origins=https://b\u00fccher.example\n".getBytes(StandardCharsets.ISO_8859_1);
        assertNothingApplies(f, bad, f + ":3: corsguard.allowed-origins: expected UTF-8 text: malformed byte sequence at byte 36 of the line");
        byte[] inComment = "corsguard.mode=correct\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertNothingApplies(f, inComment, f + ":2: expected UTF-8 text: malformed byte sequence at byte 6 of the line");
    }

    @Test
    void aFileThatCannotBeReadNamesTheLayerThatNamedItAndTheReason() throws IOException {
        Path asDir = Files.createDirectory(dir.resolve("a-directory.properties"));
        assertErrors(ConfigLoader.load("config=" + asDir + ";mode=correct", Map.of(), Map.of()),
            "agent argument: config = '" + asDir + "': expected a readable properties file, found a directory");
        Path file = Files.writeString(dir.resolve("plain.properties"), "corsguard.mode=correct\n");
        Path through = file.resolve("x.properties");
        assertErrors(ConfigLoader.load(null, map("corsguard.config", through.toString()), Map.of()),
            "system property: corsguard.config = '" + through + "': expected a readable properties file, Not a directory");
        Path big = dir.resolve("big.properties");
        Files.write(big, new byte[(int) ConfigLoader.MAX_FILE_BYTES + 1]);
        assertErrors(ConfigLoader.load(null, Map.of(), map("CORSGUARD_CONFIG", big.toString())),
            "environment: CORSGUARD_CONFIG = '" + big + "': expected a readable properties file of at most 1048576 bytes");
        Path missing = dir.resolve("missing.properties");
        assertErrors(ConfigLoader.load("config=" + missing, Map.of(), Map.of()),
            "agent argument: config = '" + missing + "': expected a readable properties file, no such file");
    }

    @Test
    void anUnreadableFileIsAnError() throws IOException {
        Path f = Files.writeString(dir.resolve("secret.properties"), "corsguard.mode=correct\n");
        assumeTrue(f.toFile().setReadable(false) && !Files.isReadable(f), "running as root: permissions cannot hide the file");
        assertErrors(ConfigLoader.load("config=" + f, Map.of(), Map.of()),
            "agent argument: config = '" + f + "': expected a readable properties file, access denied");
    }

    @Test
    void aFileDeletedBeforeAReloadKeepsThePreviousConfiguration() throws IOException {
        Path f = Files.writeString(dir.resolve("gone.properties"), "corsguard.mode=correct\ncorsguard.allowed-origins=https://app.example.com\n");
        CorsGuardConfig previous = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        Map<String, String> before = previous.effective();
        Files.delete(f);
        ConfigResult r = ConfigLoader.reload(previous);
        assertErrors(r, "agent argument: config = '" + f + "': expected a readable properties file, no such file");
        assertSame(previous, r.active());
        assertEquals(before, r.active().effective());
    }

    private void assertNothingApplies(Path f, String content, String... expected) throws IOException {
        assertNothingApplies(f, content.getBytes(StandardCharsets.UTF_8), expected);
    }

    /**
     * At start-up the file with a good change and a bad line yields no configuration (the agent
     * stays inert); on reload over a good previous file the same content yields the same errors
     * and the previous configuration stays active, unchanged.
     */
    private void assertNothingApplies(Path f, byte[] content, String... expected) throws IOException {
        Files.write(f, content);
        ConfigResult atStart = ConfigLoader.load("config=" + f, Map.of(), Map.of());
        assertErrors(atStart, expected);
        assertNull(atStart.active(), "at start-up nothing is active: the agent stays inert");

        Files.writeString(f, "corsguard.mode=monitor\ncorsguard.log.level=info\n");
        CorsGuardConfig previous = ok(ConfigLoader.load("config=" + f, Map.of(), Map.of()));
        Map<String, String> before = previous.effective();
        Files.write(f, content);
        ConfigResult reload = ConfigLoader.reload(previous);
        assertErrors(reload, expected);
        assertSame(previous, reload.active(), "on reload the previous configuration stays");
        assertEquals(before, reload.active().effective());
        assertEquals(Mode.MONITOR, reload.active().mode(), "the good change on line 1 did not apply");
    }
}
