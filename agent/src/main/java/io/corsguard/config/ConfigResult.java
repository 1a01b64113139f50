package io.corsguard.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of {@link ConfigLoader#load} or {@link ConfigLoader#reload}: either a configuration
 * (possibly with warnings) or the errors, never both, so nothing half-applies.
 */
public final class ConfigResult {
    private final CorsGuardConfig config;
    private final List<ConfigError> errors;
    private final CorsGuardConfig previous;
    private final ConfigFileWatch fileWatch;

    ConfigResult(CorsGuardConfig config, List<ConfigError> errors, CorsGuardConfig previous,
                 ConfigFileWatch fileWatch) {
        this.config = config;
        this.errors = Collections.unmodifiableList(new ArrayList<ConfigError>(errors));
        this.previous = previous;
        this.fileWatch = fileWatch;
    }

    /** True when there are no errors and {@link #config()} is set. */
    public boolean ok() {
        return errors.isEmpty();
    }

    /** The new configuration, or null when there are errors. */
    public CorsGuardConfig config() {
        return config;
    }

    /**
     * Every problem found, one per problem, in a stable order: problems with keys and lines
     * (unknown, duplicate, malformed) first, then bad values from the file up to the agent
     * arguments.
     */
    public List<ConfigError> errors() {
        return errors;
    }

    /** The warnings of the new configuration (empty when there are errors). */
    public List<ConfigWarning> warnings() {
        return config == null ? Collections.<ConfigWarning>emptyList() : config.warnings();
    }

    /**
     * The configuration to run with: the new one, or on errors the previous good one passed to
     * {@link ConfigLoader#reload} (null at start-up: the agent stays inert).
     */
    public CorsGuardConfig active() {
        return config != null ? config : previous;
    }

    /**
     * The state of the properties file as this attempt found it, also on errors, so a reloader
     * waits for the next change instead of failing again every interval; null without a file.
     */
    public ConfigFileWatch fileWatch() {
        return fileWatch;
    }

    /** The error messages, one per line, for logging. */
    public List<String> errorMessages() {
        List<String> out = new ArrayList<String>(errors.size());
        for (ConfigError e : errors) {
            out.add(e.message());
        }
        return out;
    }
}
