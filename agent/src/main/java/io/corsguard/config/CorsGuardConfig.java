package io.corsguard.config;

import io.corsguard.policy.OriginAllowlist;
import io.corsguard.policy.PolicySettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated configuration (DESIGN.md section 2): one accessor per key, immutable. Built only by
 * {@link ConfigLoader}, and only when every layer is free of errors.
 */
public final class CorsGuardConfig {
    private final Mode mode;
    private final OriginAllowlist allowedOrigins;
    private final List<String> allowedOriginsAsWritten;
    private final boolean allowNullOrigin;
    private final List<String> allowedMethods;
    private final List<String> allowedHeaders;
    private final List<String> exposedHeaders;
    private final boolean grantCredentials;
    private final List<PathPattern> pathsInclude;
    private final List<PathPattern> pathsExclude;
    private final OnError onError;
    private final LogFormat logFormat;
    private final String logFile;
    private final LogLevel logLevel;
    private final long reportDedupeWindowMillis;
    private final long reloadIntervalMillis;
    private final boolean jmx;
    private final boolean testCommitHook;
    private final TestFault testFault;

    private final Map<String, String> effective;
    private final Map<String, String> effectiveSources;
    private final String source;
    private final ConfigFileWatch fileWatch;
    private final List<ConfigWarning> warnings;
    private final ConfigLoader.Inputs inputs;

    @SuppressWarnings("unchecked")
    CorsGuardConfig(EnumMap<Key, Object> values, OriginAllowlist allowedOrigins, EnumMap<Key, String> raw,
                    EnumMap<Key, String> sources, String source, ConfigFileWatch fileWatch,
                    List<ConfigWarning> warnings, ConfigLoader.Inputs inputs) {
        this.mode = (Mode) values.get(Key.MODE);
        this.allowedOrigins = allowedOrigins;
        this.allowedOriginsAsWritten = copy((List<String>) values.get(Key.ALLOWED_ORIGINS));
        this.allowNullOrigin = (Boolean) values.get(Key.ALLOW_NULL_ORIGIN);
        this.allowedMethods = copy((List<String>) values.get(Key.ALLOWED_METHODS));
        this.allowedHeaders = copy((List<String>) values.get(Key.ALLOWED_HEADERS));
        this.exposedHeaders = copy((List<String>) values.get(Key.EXPOSED_HEADERS));
        this.grantCredentials = (Boolean) values.get(Key.GRANT_CREDENTIALS);
        this.pathsInclude = copy((List<PathPattern>) values.get(Key.PATHS_INCLUDE));
        this.pathsExclude = copy((List<PathPattern>) values.get(Key.PATHS_EXCLUDE));
        this.onError = (OnError) values.get(Key.ON_ERROR);
        this.logFormat = (LogFormat) values.get(Key.LOG_FORMAT);
        this.logFile = (String) values.get(Key.LOG_FILE);
        this.logLevel = (LogLevel) values.get(Key.LOG_LEVEL);
        this.reportDedupeWindowMillis = (Long) values.get(Key.REPORT_DEDUPE_WINDOW);
        this.reloadIntervalMillis = (Long) values.get(Key.RELOAD_INTERVAL);
        this.jmx = (Boolean) values.get(Key.JMX);
        this.testCommitHook = (Boolean) values.get(Key.TEST_COMMIT_HOOK);
        this.testFault = (TestFault) values.get(Key.TEST_FAULT);
        Map<String, String> eff = new LinkedHashMap<String, String>();
        Map<String, String> src = new LinkedHashMap<String, String>();
        for (Key k : Key.values()) {
            eff.put(k.name, raw.get(k));
            src.put(k.name, sources.get(k));
        }
        this.effective = Collections.unmodifiableMap(eff);
        this.effectiveSources = Collections.unmodifiableMap(src);
        this.source = source;
        this.fileWatch = fileWatch;
        this.warnings = copy(warnings);
        this.inputs = inputs;
    }

    private static <T> List<T> copy(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<T>(list));
    }

    /** The configuration with no file and no overrides. */
    public static CorsGuardConfig defaults() {
        return ConfigLoader.load(null, Collections.<String, String>emptyMap(),
                Collections.<String, String>emptyMap()).config();
    }

    /** {@code mode}, default {@code monitor}. */
    public Mode mode() {
        return mode;
    }

    /** {@code allowed-origins}, parsed; default empty (nothing trusted). */
    public OriginAllowlist allowedOrigins() {
        return allowedOrigins;
    }

    /** {@code allowed-origins} entries as written (trimmed, empty entries dropped). */
    public List<String> allowedOriginsAsWritten() {
        return allowedOriginsAsWritten;
    }

    /** {@code allow-null-origin}, default false. */
    public boolean allowNullOrigin() {
        return allowNullOrigin;
    }

    /** {@code allowed-methods}, default empty (echo the preflight's requested method). */
    public List<String> allowedMethods() {
        return allowedMethods;
    }

    /** {@code allowed-headers}, default empty (echo the preflight's requested headers). */
    public List<String> allowedHeaders() {
        return allowedHeaders;
    }

    /** {@code exposed-headers}, default empty (leave {@code *} and report CG010). */
    public List<String> exposedHeaders() {
        return exposedHeaders;
    }

    /** {@code grant-credentials}, default false. */
    public boolean grantCredentials() {
        return grantCredentials;
    }

    /** {@code paths.include} patterns as written; empty (the default) means every path. */
    public List<String> pathsInclude() {
        return patterns(pathsInclude);
    }

    /** {@code paths.exclude} patterns as written; default empty. */
    public List<String> pathsExclude() {
        return patterns(pathsExclude);
    }

    private static List<String> patterns(List<PathPattern> list) {
        List<String> out = new ArrayList<String>(list.size());
        for (PathPattern p : list) {
            out.add(p.pattern());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Whether the agent acts on {@code path} (a query string is ignored): it matches an
     * {@code paths.include} pattern (or none is set) and no {@code paths.exclude} pattern.
     * Allocation-free; a null path is treated as {@code /}.
     */
    /** Neither {@code paths.include} nor {@code paths.exclude} is set: {@link #pathAllowed} is always true. */
    public boolean pathsUnfiltered() {
        return pathsInclude.isEmpty() && pathsExclude.isEmpty();
    }

    public boolean pathAllowed(String path) {
        String p = path == null ? "/" : path;
        boolean included = pathsInclude.isEmpty();
        for (int i = 0; !included && i < pathsInclude.size(); i++) {
            included = pathsInclude.get(i).matches(p);
        }
        if (!included) {
            return false;
        }
        for (int i = 0; i < pathsExclude.size(); i++) {
            if (pathsExclude.get(i).matches(p)) {
                return false;
            }
        }
        return true;
    }

    /** {@code on-error}, default {@code pass}. */
    public OnError onError() {
        return onError;
    }

    /** {@code log.format}, default {@code text}. */
    public LogFormat logFormat() {
        return logFormat;
    }

    /** {@code log.file}; empty (the default) means stderr. */
    public String logFile() {
        return logFile;
    }

    /** {@code log.level}, default {@code info}. */
    public LogLevel logLevel() {
        return logLevel;
    }

    /** {@code report.dedupe-window} in millis, default 60000; 0 disables dedupe. */
    public long reportDedupeWindowMillis() {
        return reportDedupeWindowMillis;
    }

    /** {@code reload.interval} in millis, default 5000; 0 disables hot reload. */
    public long reloadIntervalMillis() {
        return reloadIntervalMillis;
    }

    /** {@code jmx}, default true. */
    public boolean jmx() {
        return jmx;
    }

    /** Test-only key {@code test.commit-hook}, default true: false makes it-tests use the generic servlet layer. */
    public boolean testCommitHook() {
        return testCommitHook;
    }

    /** Test-only key {@code test.fault}, default {@code none}. */
    public TestFault testFault() {
        return testFault;
    }

    /** What the policy needs, built from this configuration. */
    public PolicySettings policySettings() {
        return new PolicySettings(allowedOrigins, allowNullOrigin, allowedMethods, allowedHeaders, exposedHeaders,
                grantCredentials);
    }

    /**
     * Where the configuration came from, one line: {@code defaults},
     * {@code file /etc/corsguard.properties}, or either followed by the overriding layers and their
     * keys: {@code file /etc/corsguard.properties (+ agent arguments mode)}.
     */
    public String source() {
        return source;
    }

    /** Every key (without prefix, in DESIGN.md order) to its effective value as written. */
    public Map<String, String> effective() {
        return effective;
    }

    /**
     * Every key to where its effective value came from: {@code default},
     * {@code file /etc/corsguard.properties:7}, {@code system property corsguard.mode},
     * {@code environment CORSGUARD_MODE} or {@code agent argument mode}.
     */
    public Map<String, String> effectiveSources() {
        return effectiveSources;
    }

    /** The properties file read, or null when none was named. */
    public String configFile() {
        return fileWatch == null ? null : fileWatch.path();
    }

    /** The state of the properties file as read (to detect changes), or null when none was named. */
    public ConfigFileWatch fileWatch() {
        return fileWatch;
    }

    /** CG101-CG104 for this configuration; log them once when it takes effect. */
    public List<ConfigWarning> warnings() {
        return warnings;
    }

    /** Whether every key has the same effective value (sources aside): reload needs no reinstall. */
    public boolean sameSettings(CorsGuardConfig other) {
        return other != null && effective.equals(other.effective);
    }

    ConfigLoader.Inputs inputs() {
        return inputs;
    }

    @Override
    public String toString() {
        return "CorsGuardConfig" + effective + " from " + source;
    }
}
