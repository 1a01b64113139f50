package io.corsguard.config;

import java.util.Locale;

/**
 * The configuration keys of DESIGN.md section 2, in its order, with their built-in defaults
 * (as they would be written). {@link #name} is the key without the {@code corsguard.} prefix.
 */
enum Key {
    MODE("mode", "monitor"),
    ALLOWED_ORIGINS("allowed-origins", ""),
    ALLOW_NULL_ORIGIN("allow-null-origin", "false"),
    ALLOWED_METHODS("allowed-methods", ""),
    ALLOWED_HEADERS("allowed-headers", ""),
    EXPOSED_HEADERS("exposed-headers", ""),
    GRANT_CREDENTIALS("grant-credentials", "false"),
    PATHS_INCLUDE("paths.include", ""),
    PATHS_EXCLUDE("paths.exclude", ""),
    ON_ERROR("on-error", "pass"),
    LOG_FORMAT("log.format", "text"),
    LOG_FILE("log.file", ""),
    LOG_LEVEL("log.level", "info"),
    REPORT_DEDUPE_WINDOW("report.dedupe-window", "60s"),
    RELOAD_INTERVAL("reload.interval", "5s"),
    JMX("jmx", "true"),
    /** Test-only: it-tests switch the servlet container commit hook off to exercise the generic layer. */
    TEST_COMMIT_HOOK("test.commit-hook", "true"),
    /** Test-only: fault injection, see {@link TestFault}. */
    TEST_FAULT("test.fault", "none");

    static final String PREFIX = "corsguard.";
    static final String ENV_PREFIX = "CORSGUARD_";
    /** Names the properties file; valid in every layer but the file itself. */
    static final String CONFIG = "config";

    final String name;
    final String defaultValue;

    Key(String name, String defaultValue) {
        this.name = name;
        this.defaultValue = defaultValue;
    }

    String propertyName() {
        return PREFIX + name;
    }

    String envName() {
        return envName(name);
    }

    static String envName(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** @return the key named {@code name} (no prefix), or null */
    static Key byName(String name) {
        for (Key k : values()) {
            if (k.name.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** @return the key whose environment variable is {@code envName}, or null */
    static Key byEnvName(String envName) {
        for (Key k : values()) {
            if (k.envName().equals(envName)) {
                return k;
            }
        }
        return null;
    }
}
