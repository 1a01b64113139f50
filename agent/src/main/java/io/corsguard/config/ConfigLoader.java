package io.corsguard.config;

import io.corsguard.policy.InvalidOriginException;
import io.corsguard.policy.OriginAllowlist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and layers the configuration (DESIGN.md section 2). Precedence, lowest first: built-in
 * defaults &lt; properties file &lt; {@code -Dcorsguard.<key>} system properties &lt;
 * {@code CORSGUARD_<KEY>} environment variables &lt; agent arguments. Every layer is validated in
 * full, overridden values included, and every problem is reported; a result with errors has no
 * configuration.
 *
 * <p>The properties file is parsed here, not by {@link java.util.Properties}, to keep line numbers
 * and to reject duplicate keys. Format: UTF-8 (strict; a BOM is skipped); {@code #} and {@code !}
 * comment lines; blank lines; {@code corsguard.<key>=value} or {@code corsguard.<key>: value}
 * (the prefix is required); whitespace around key and value trimmed; a line ending in an odd
 * number of backslashes continues on the next line (its leading whitespace dropped); in a value
 * {@code \\} is one backslash and any other backslash is literal ({@code C:\logs} works; Properties
 * escapes such as {@code \t} or unicode escapes are not interpreted). A line without {@code =} or
 * {@code :} is an error.
 *
 * <p>Lists ({@code allowed-origins}, {@code allowed-methods}, {@code allowed-headers},
 * {@code exposed-headers}, {@code paths.include}, {@code paths.exclude}) are comma-separated;
 * entries are trimmed and empty entries ignored ({@code a,,b} and a trailing comma are fine: an
 * empty entry cannot trust anything). An empty value is an empty list, so a higher layer can clear
 * a lower one's list.
 */
public final class ConfigLoader {
    /** Larger files are refused: a configuration is a few lines, not a log someone pointed us at. */
    static final long MAX_FILE_BYTES = 1L << 20;

    private static final String EXPECTED_BOOLEAN = "expected true or false";
    private static final String EXPECTED_DURATION =
            "expected a duration: 0, or a whole number with unit ms, s, m or h (500ms, 60s, 5m)";
    private static final String EXPECTED_LINE = "expected key=value or key: value";
    private static final String EXPECTED_WILDCARD_ORIGIN =
            "* cannot be trusted with credentials; list origins or a pattern such as https://*.example.com";
    private static final String EXPECTED_NULL_ORIGIN =
            "expected a serialized origin; the origin null is allowed by allow-null-origin=true";

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param agentArgs        the {@code -javaagent} / attach argument string, or null
     * @param systemProperties all system properties (only {@code corsguard.*} are read)
     * @param environment      the environment (only {@code CORSGUARD_*} are read)
     */
    public static ConfigResult load(String agentArgs, Map<String, String> systemProperties,
                                    Map<String, String> environment) {
        return load(new Inputs(agentArgs, systemProperties, environment), null);
    }

    /** Convenience: {@link #load} with this JVM's system properties and environment. */
    public static ConfigResult loadFromSystem(String agentArgs) {
        Map<String, String> sys = new HashMap<String, String>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(Key.PREFIX)) {
                sys.put(name, System.getProperty(name));
            }
        }
        return load(agentArgs, sys, System.getenv());
    }

    /**
     * Loads again from the same agent arguments, system properties and environment as
     * {@code previous} (the file is re-read). On errors the result carries them and
     * {@link ConfigResult#active()} is {@code previous}.
     */
    public static ConfigResult reload(CorsGuardConfig previous) {
        return load(previous.inputs(), previous);
    }

    /** Like {@link #reload(CorsGuardConfig)} with new inputs (attach with new arguments, say). */
    public static ConfigResult reload(CorsGuardConfig previous, String agentArgs,
                                      Map<String, String> systemProperties, Map<String, String> environment) {
        return load(new Inputs(agentArgs, systemProperties, environment), previous);
    }

    /** The inputs besides the file, kept (filtered to CorsGuard's names) for {@link #reload(CorsGuardConfig)}. */
    static final class Inputs {
        final String agentArgs;
        final Map<String, String> systemProperties;
        final Map<String, String> environment;

        Inputs(String agentArgs, Map<String, String> systemProperties, Map<String, String> environment) {
            this.agentArgs = agentArgs;
            // sorted, so errors come in a stable order
            this.systemProperties = filter(systemProperties, Key.PREFIX);
            this.environment = filter(environment, Key.ENV_PREFIX);
        }

        private static Map<String, String> filter(Map<String, String> map, String prefix) {
            Map<String, String> out = new TreeMap<String, String>();
            if (map != null) {
                for (Map.Entry<String, String> e : map.entrySet()) {
                    if (e.getKey() != null && e.getKey().startsWith(prefix) && e.getValue() != null) {
                        out.put(e.getKey(), e.getValue());
                    }
                }
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** One key=value as found in one layer. */
    static final class Setting {
        final Key key;
        final String value;
        final String source;
        final int line;
        final String keyAsWritten;

        Setting(Key key, String value, String source, int line, String keyAsWritten) {
            this.key = key;
            this.value = value;
            this.source = source;
            this.line = line;
            this.keyAsWritten = keyAsWritten;
        }

        String where() {
            return line > 0 ? "file " + source + ":" + line : source + " " + keyAsWritten;
        }

        ConfigError error(String badValue, String expected) {
            return new ConfigError(source, line, key == null ? Key.CONFIG : key.name, keyAsWritten, badValue, expected);
        }
    }

    private static ConfigResult load(Inputs in, CorsGuardConfig previous) {
        List<ConfigError> errors = new ArrayList<ConfigError>();
        List<Setting> configNames = new ArrayList<Setting>();

        List<Setting> args = fromAgentArgs(in.agentArgs, configNames, errors);
        List<Setting> sys = fromSystemProperties(in.systemProperties, configNames, errors);
        List<Setting> env = fromEnvironment(in.environment, configNames, errors);

        // the file is named by the agent argument, else the system property, else the environment
        Setting namedBy = null;
        for (String layer : new String[] {ConfigError.AGENT_ARGUMENT, ConfigError.SYSTEM_PROPERTY, ConfigError.ENVIRONMENT}) {
            for (Setting s : configNames) {
                if (namedBy == null && s.source.equals(layer)) {
                    namedBy = s;
                }
            }
        }
        List<Setting> file = Collections.emptyList();
        ConfigFileWatch watch = null;
        Path path = null;
        if (namedBy != null) {
            if (namedBy.value.isEmpty()) {
                errors.add(namedBy.error(namedBy.value, "expected the path of a properties file"));
            } else {
                try {
                    path = Paths.get(namedBy.value);
                } catch (InvalidPathException e) {
                    errors.add(namedBy.error(namedBy.value, "expected the path of a properties file: " + e.getReason()));
                }
            }
            if (path != null) {
                watch = ConfigFileWatch.stat(path);
                byte[] content = readFile(path, namedBy, errors);
                watch = watch.withContent(content);
                if (content != null) {
                    file = parseFile(path.toString(), content, errors);
                }
            }
        }

        EnumMap<Key, Object> values = new EnumMap<Key, Object>(Key.class);
        EnumMap<Key, String> raw = new EnumMap<Key, String>(Key.class);
        EnumMap<Key, String> sources = new EnumMap<Key, String>(Key.class);
        EnumMap<Key, Setting> settingOf = new EnumMap<Key, Setting>(Key.class);
        for (Key k : Key.values()) {
            Object v = parseValue(new Setting(k, k.defaultValue, "default", 0, k.name), errors);
            values.put(k, v);
            raw.put(k, k.defaultValue);
            sources.put(k, "default");
        }
        List<List<Setting>> layers = new ArrayList<List<Setting>>();
        layers.add(file);
        layers.add(sys);
        layers.add(env);
        layers.add(args);
        for (List<Setting> layer : layers) {
            for (Setting s : layer) {
                Object v = parseValue(s, errors);
                if (v != null) {
                    values.put(s.key, v);
                    raw.put(s.key, s.value);
                    sources.put(s.key, s.where());
                    settingOf.put(s.key, s);
                }
            }
        }
        if (!errors.isEmpty()) {
            return new ConfigResult(null, errors, previous, watch);
        }

        @SuppressWarnings("unchecked")
        List<String> origins = (List<String>) values.get(Key.ALLOWED_ORIGINS);
        OriginAllowlist allowlist;
        try {
            allowlist = OriginAllowlist.parse(origins);
        } catch (InvalidOriginException e) {
            // each entry was checked alone in parseValue; this is for checks across entries
            Setting s = settingOf.get(Key.ALLOWED_ORIGINS);
            errors.add(s.error(e.entry(), e.getMessage()));
            return new ConfigResult(null, errors, previous, watch);
        }
        List<ConfigWarning> warnings = AllowlistWarnings.compute(allowlist, (Boolean) values.get(Key.ALLOW_NULL_ORIGIN));
        String source = describe(path, sys, env, args);
        CorsGuardConfig config = new CorsGuardConfig(values, allowlist, raw, sources, source, watch, warnings, in);
        return new ConfigResult(config, errors, previous, watch);
    }

    private static String describe(Path path, List<Setting> sys, List<Setting> env, List<Setting> args) {
        StringBuilder sb = new StringBuilder(path == null ? "defaults" : "file " + path);
        StringBuilder overrides = new StringBuilder();
        appendLayer(overrides, "system properties", sys);
        appendLayer(overrides, "environment", env);
        appendLayer(overrides, "agent arguments", args);
        if (overrides.length() > 0) {
            sb.append(" (+ ").append(overrides).append(')');
        }
        return ConfigError.escape(sb.toString());
    }

    private static void appendLayer(StringBuilder sb, String label, List<Setting> layer) {
        if (layer.isEmpty()) {
            return;
        }
        if (sb.length() > 0) {
            sb.append("; ");
        }
        sb.append(label);
        for (int i = 0; i < layer.size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(layer.get(i).key.name);
        }
    }

    // ---- layers ----------------------------------------------------------------------------

    /** {@code key=value;key=value}: {@code ;} separates because origin lists use commas. */
    static List<Setting> fromAgentArgs(String agentArgs, List<Setting> configNames, List<ConfigError> errors) {
        List<Setting> out = new ArrayList<Setting>();
        if (agentArgs == null) {
            return out;
        }
        Map<String, Setting> seen = new HashMap<String, Setting>();
        for (String part : agentArgs.split(";", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue; // ";;" and a trailing ";" are harmless
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq).trim();
            if (eq <= 0 || name.isEmpty()) {
                errors.add(new ConfigError(ConfigError.AGENT_ARGUMENT, 0, null, null, p,
                        "expected key=value pairs separated by ; (config=/path;mode=correct)"));
                continue;
            }
            String value = p.substring(eq + 1).trim();
            if (seen.containsKey(name)) {
                errors.add(new ConfigError(ConfigError.AGENT_ARGUMENT, 0, name, name, value,
                        "duplicate key, already given as '" + seen.get(name).value + "'"));
                continue;
            }
            Key key = Key.byName(name);
            Setting s = new Setting(key, value, ConfigError.AGENT_ARGUMENT, 0, name);
            seen.put(name, s);
            if (name.equals(Key.CONFIG)) {
                configNames.add(s);
            } else if (key != null) {
                out.add(s);
            } else if (name.startsWith(Key.PREFIX) && isKnown(name.substring(Key.PREFIX.length()))) {
                errors.add(new ConfigError(ConfigError.AGENT_ARGUMENT, 0, null, name, value,
                        "expected " + name.substring(Key.PREFIX.length()) + ": agent argument keys have no prefix"));
            } else {
                errors.add(unknownKey(ConfigError.AGENT_ARGUMENT, 0, name, value, namesForArgs()));
            }
        }
        return out;
    }

    static List<Setting> fromSystemProperties(Map<String, String> props, List<Setting> configNames,
                                              List<ConfigError> errors) {
        List<Setting> out = new ArrayList<Setting>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            String name = e.getKey().substring(Key.PREFIX.length());
            String value = e.getValue().trim();
            Key key = Key.byName(name);
            Setting s = new Setting(key, value, ConfigError.SYSTEM_PROPERTY, 0, e.getKey());
            if (name.equals(Key.CONFIG)) {
                configNames.add(s);
            } else if (key != null) {
                out.add(s);
            } else {
                errors.add(unknownKey(ConfigError.SYSTEM_PROPERTY, 0, e.getKey(), value, namesForProperties()));
            }
        }
        return out;
    }

    static List<Setting> fromEnvironment(Map<String, String> env, List<Setting> configNames, List<ConfigError> errors) {
        List<Setting> out = new ArrayList<Setting>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String value = e.getValue().trim();
            Key key = Key.byEnvName(e.getKey());
            Setting s = new Setting(key, value, ConfigError.ENVIRONMENT, 0, e.getKey());
            if (e.getKey().equals(Key.envName(Key.CONFIG))) {
                configNames.add(s);
            } else if (key != null) {
                out.add(s);
            } else {
                // an unknown CORSGUARD_ variable is most likely a typo that would silently leave a
                // setting at its default (monitor instead of correct, say)
                errors.add(unknownKey(ConfigError.ENVIRONMENT, 0, e.getKey(), value, namesForEnvironment()));
            }
        }
        return out;
    }

    private static byte[] readFile(Path path, Setting namedBy, List<ConfigError> errors) {
        String expected = "expected a readable properties file";
        try {
            if (Files.isDirectory(path)) {
                errors.add(namedBy.error(namedBy.value, expected + ", found a directory"));
                return null;
            }
            if (Files.size(path) > MAX_FILE_BYTES) {
                errors.add(namedBy.error(namedBy.value, expected + " of at most " + MAX_FILE_BYTES + " bytes"));
                return null;
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            errors.add(namedBy.error(namedBy.value, expected + ", no such file"));
        } catch (AccessDeniedException e) {
            errors.add(namedBy.error(namedBy.value, expected + ", access denied"));
        } catch (FileSystemException e) {
            errors.add(namedBy.error(namedBy.value, expected + ", " + (e.getReason() != null ? e.getReason() : e)));
        } catch (IOException | RuntimeException e) {
            errors.add(namedBy.error(namedBy.value, expected + ", " + e));
        }
        return null;
    }

    /** Parses the file's bytes into settings; see the class comment for the format. */
    static List<Setting> parseFile(String file, byte[] bytes, List<ConfigError> errors) {
        List<Setting> out = new ArrayList<Setting>();
        Map<Key, Setting> seen = new EnumMap<Key, Setting>(Key.class);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int n = bytes.length;
        int i = n >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        int lineNo = 0;
        StringBuilder logical = null;
        int logicalStart = 0;
        while (i < n) {
            // CR, LF and CRLF end a line; neither byte occurs inside a UTF-8 multi-byte sequence
            int start = i;
            while (i < n && bytes[i] != '\n' && bytes[i] != '\r') {
                i++;
            }
            int end = i;
            if (i < n) {
                i += bytes[i] == '\r' && i + 1 < n && bytes[i + 1] == '\n' ? 2 : 1;
            }
            lineNo++;
            String text = decode(decoder, bytes, start, end, file, lineNo, errors);
            if (text == null) {
                logical = null; // drop a continued line with a bad part rather than half-parse it
                continue;
            }
            text = trimLeading(text);
            if (logical == null) {
                if (text.isEmpty() || text.charAt(0) == '#' || text.charAt(0) == '!') {
                    continue;
                }
                logical = new StringBuilder();
                logicalStart = lineNo;
            }
            if (endsWithOddBackslashes(text)) {
                logical.append(text, 0, text.length() - 1);
                if (i < n) {
                    continue;
                }
            } else {
                logical.append(text);
            }
            fileLine(file, logicalStart, logical.toString(), seen, out, errors);
            logical = null;
        }
        if (logical != null) {
            fileLine(file, logicalStart, logical.toString(), seen, out, errors);
        }
        return out;
    }

    private static String decode(CharsetDecoder decoder, byte[] bytes, int start, int end, String file, int lineNo,
                                 List<ConfigError> errors) {
        ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
        CharBuffer out = CharBuffer.allocate(end - start);
        decoder.reset();
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int bad = in.position() - start;
            // name the key when the bytes before the separator are plain ASCII: which setting is
            // broken matters more than where the byte sits
            String keyAsWritten = asciiKey(bytes, start, start + bad);
            String key = keyAsWritten != null && keyAsWritten.startsWith(Key.PREFIX)
                    && Key.byName(keyAsWritten.substring(Key.PREFIX.length())) != null
                    ? keyAsWritten.substring(Key.PREFIX.length()) : null;
            errors.add(new ConfigError(file, lineNo, key, keyAsWritten, null,
                    "expected UTF-8 text: malformed byte sequence at byte " + (bad + 1) + " of the line"));
            return null;
        }
        out.flip();
        return out.toString();
    }

    /**
     * The key of a line whose bytes from {@code start} are ASCII up to a {@code =} or {@code :}
     * before {@code end}; null for a comment, a line without one, or a non-ASCII key.
     */
    private static String asciiKey(byte[] bytes, int start, int end) {
        for (int j = start; j < end; j++) {
            int b = bytes[j] & 0xff;
            if (b == '=' || b == ':') {
                String key = trim(new String(bytes, start, j - start, StandardCharsets.US_ASCII));
                return key.isEmpty() || key.charAt(0) == '#' || key.charAt(0) == '!' ? null : key;
            }
            if ((b < 0x20 && b != '\t' && b != '\f') || b > 0x7e) {
                return null;
            }
        }
        return null;
    }

    private static void fileLine(String file, int line, String text, Map<Key, Setting> seen, List<Setting> out,
                                 List<ConfigError> errors) {
        int sep = -1;
        for (int j = 0; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '=' || c == ':') {
                sep = j;
                break;
            }
        }
        String name = sep < 0 ? "" : trim(text.substring(0, sep));
        if (name.isEmpty()) {
            errors.add(new ConfigError(file, line, null, null, trim(text), EXPECTED_LINE));
            return;
        }
        String value = unescapeBackslashes(trim(text.substring(sep + 1)));
        if (!name.startsWith(Key.PREFIX)) {
            if (isKnown(name)) {
                errors.add(new ConfigError(file, line, name, name, value,
                        "expected " + Key.PREFIX + name + ": keys in the file carry the prefix " + Key.PREFIX));
            } else {
                errors.add(unknownKey(file, line, name, value, namesForProperties()));
            }
            return;
        }
        String bare = name.substring(Key.PREFIX.length());
        if (bare.equals(Key.CONFIG)) {
            errors.add(new ConfigError(file, line, Key.CONFIG, name, value,
                    "the file is named by agent argument config=, -Dcorsguard.config or CORSGUARD_CONFIG,"
                            + " not by itself"));
            return;
        }
        Key key = Key.byName(bare);
        if (key == null) {
            errors.add(unknownKey(file, line, name, value, namesForProperties()));
            return;
        }
        Setting first = seen.get(key);
        if (first != null) {
            errors.add(new ConfigError(file, line, key.name, name, value,
                    "duplicate key, already set on line " + first.line + "; each key once per file"));
            return;
        }
        Setting s = new Setting(key, value, file, line, name);
        seen.put(key, s);
        out.add(s);
    }

    // ---- values ----------------------------------------------------------------------------

    /** @return the typed value, or null after adding the error(s) */
    static Object parseValue(Setting s, List<ConfigError> errors) {
        String v = s.value;
        switch (s.key) {
            case MODE:
                return parseEnum(s, Mode.values(), errors);
            case ON_ERROR:
                return parseEnum(s, OnError.values(), errors);
            case LOG_FORMAT:
                return parseEnum(s, LogFormat.values(), errors);
            case LOG_LEVEL:
                return parseEnum(s, LogLevel.values(), errors);
            case TEST_FAULT:
                return parseEnum(s, TestFault.values(), errors);
            case ALLOW_NULL_ORIGIN:
            case GRANT_CREDENTIALS:
            case JMX:
            case TEST_COMMIT_HOOK:
                if (v.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (v.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                errors.add(s.error(v, EXPECTED_BOOLEAN));
                return null;
            case REPORT_DEDUPE_WINDOW:
            case RELOAD_INTERVAL:
                long millis = parseDurationMillis(v);
                if (millis < 0) {
                    errors.add(s.error(v, EXPECTED_DURATION));
                    return null;
                }
                return millis;
            case LOG_FILE:
                if (hasControl(v)) {
                    errors.add(s.error(v, "expected a file path without control characters (empty: stderr)"));
                    return null;
                }
                return v;
            case ALLOWED_ORIGINS:
                return parseOrigins(s, errors);
            case ALLOWED_METHODS:
                return parseTokens(s, "method names such as GET, PUT, PATCH", errors);
            case ALLOWED_HEADERS:
            case EXPOSED_HEADERS:
                return parseTokens(s, "header names such as Authorization, X-Request-Id", errors);
            case PATHS_INCLUDE:
            case PATHS_EXCLUDE:
                List<PathPattern> patterns = new ArrayList<PathPattern>();
                boolean ok = true;
                for (String p : splitList(v)) {
                    try {
                        patterns.add(PathPattern.compile(p));
                    } catch (IllegalArgumentException e) {
                        errors.add(s.error(p, e.getMessage()));
                        ok = false;
                    }
                }
                return ok ? patterns : null;
            default:
                throw new AssertionError(s.key);
        }
    }

    private static <E extends Enum<E> & Labeled> E parseEnum(Setting s, E[] options, List<ConfigError> errors) {
        StringBuilder expected = new StringBuilder("expected one of ");
        for (E e : options) {
            if (e.label().equalsIgnoreCase(s.value)) {
                return e;
            }
            expected.append(e.ordinal() == 0 ? "" : ", ").append(e.label());
        }
        errors.add(s.error(s.value, expected.toString()));
        return null;
    }

    /** @return millis, or -1 when {@code v} is not {@code 0} or digits followed by ms, s, m or h */
    static long parseDurationMillis(String v) {
        int digits = 0;
        while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') {
            digits++;
        }
        // 12 digits of hours still fit a long in millis
        if (digits == 0 || digits > 12) {
            return -1;
        }
        long n = Long.parseLong(v.substring(0, digits));
        String unit = v.substring(digits);
        if (unit.isEmpty()) {
            return n == 0 ? 0 : -1; // a bare 5000 could mean ms or s: make the author say
        } else if (unit.equals("ms")) {
            return n;
        } else if (unit.equals("s")) {
            return n * 1000L;
        } else if (unit.equals("m")) {
            return n * 60000L;
        } else if (unit.equals("h")) {
            return n * 3600000L;
        }
        return -1;
    }

    private static List<String> parseOrigins(Setting s, List<ConfigError> errors) {
        List<String> entries = splitList(s.value);
        boolean ok = true;
        for (String entry : entries) {
            String problem = null;
            if (entry.equals("*")) {
                problem = EXPECTED_WILDCARD_ORIGIN;
            } else if (entry.equals("null")) {
                problem = EXPECTED_NULL_ORIGIN;
            } else {
                // parsed one by one so that every bad entry is reported, not only the first
                try {
                    OriginAllowlist.parse(Collections.singletonList(entry));
                } catch (InvalidOriginException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                errors.add(s.error(entry, problem));
                ok = false;
            }
        }
        return ok ? entries : null;
    }

    private static List<String> parseTokens(Setting s, String what, List<ConfigError> errors) {
        List<String> entries = splitList(s.value);
        boolean ok = true;
        for (String entry : entries) {
            if (entry.equals("*")) {
                errors.add(s.error(entry, "expected " + what + ": * is what this key replaces"));
                ok = false;
            } else if (!isToken(entry)) {
                // these values go into response headers: nothing but an RFC 9110 token may pass
                errors.add(s.error(entry, "expected " + what + " (RFC 9110 tokens)"));
                ok = false;
            }
        }
        return ok ? entries : null;
    }

    static List<String> splitList(String value) {
        List<String> out = new ArrayList<String>();
        for (String part : value.split(",", -1)) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    // ---- text helpers ----------------------------------------------------------------------

    private static boolean isPropertiesSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }

    private static String trimLeading(String s) {
        int i = 0;
        while (i < s.length() && isPropertiesSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String trim(String s) {
        int end = s.length();
        while (end > 0 && isPropertiesSpace(s.charAt(end - 1))) {
            end--;
        }
        return trimLeading(s.substring(0, end));
    }

    private static boolean endsWithOddBackslashes(String s) {
        int count = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    private static String unescapeBackslashes(String s) {
        if (s.indexOf("\\\\") < 0) {
            return s;
        }
        return s.replace("\\\\", "\\");
    }

    // ---- unknown keys ----------------------------------------------------------------------

    private static boolean isKnown(String bareName) {
        return Key.byName(bareName) != null;
    }

    private static List<String> namesForArgs() {
        List<String> out = new ArrayList<String>();
        out.add(Key.CONFIG);
        for (Key k : Key.values()) {
            out.add(k.name);
        }
        return out;
    }

    private static List<String> namesForProperties() {
        List<String> out = new ArrayList<String>();
        for (String n : namesForArgs()) {
            out.add(Key.PREFIX + n);
        }
        return out;
    }

    private static List<String> namesForEnvironment() {
        List<String> out = new ArrayList<String>();
        for (String n : namesForArgs()) {
            out.add(Key.envName(n));
        }
        return out;
    }

    private static ConfigError unknownKey(String source, int line, String name, String value, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lowerName = name.toLowerCase(Locale.ROOT);
        String bareName = stripLayerPrefix(lowerName);
        for (String c : candidates) {
            String lower = c.toLowerCase(Locale.ROOT);
            int d = distance(lowerName, lower);
            String bare = stripLayerPrefix(lower);
            if (bare.length() > bareName.length() && bare.endsWith(bareName) && bareName.length() >= 3
                    && ".-_".indexOf(bare.charAt(bare.length() - bareName.length() - 1)) >= 0) {
                d = Math.min(d, 1); // the key without its group: dedupe-window for report.dedupe-window
            }
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        boolean near = bestDistance <= 2 || (bestDistance <= 3 && name.length() >= 12);
        return new ConfigError(source, line, null, name, value,
                near ? "unknown key; did you mean " + best + "?" : "unknown key");
    }

    private static String stripLayerPrefix(String lowerName) {
        String prefix = Key.PREFIX; // corsguard. and corsguard_ have the same length
        return lowerName.length() > prefix.length()
                && lowerName.regionMatches(0, "corsguard", 0, prefix.length() - 1)
                ? lowerName.substring(prefix.length()) : lowerName;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
