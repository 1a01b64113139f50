package io.corsguard.report;

import java.util.Map;

/**
 * The management interface registered as {@code io.corsguard:type=CorsGuard} (DESIGN.md §2
 * {@code jmx}). Only java.* types, so any JMX client (jconsole, the agent's own CLI) reads it
 * without the agent's classes. The CLI's {@code status}, {@code report} and {@code detach} use it.
 */
public interface CorsGuardMBean {
    String OBJECT_NAME = "io.corsguard:type=CorsGuard";

    String getVersion();

    /** {@code monitor}, {@code correct} or {@code off}. */
    String getMode();

    /** Reconfigures like a reload with {@code mode} overridden; takes effect on the next response. */
    void setMode(String mode);

    /** Where the configuration came from (file and overriding layers). */
    String getConfigSource();

    /** Every key to its effective value. */
    Map<String, String> getEffectiveConfig();

    /** Counters by name: {@code responses.judged}, {@code rule.CG003}, {@code action.strip-credentials}, ... */
    Map<String, Long> getCounters();

    /** {@code errors.total} and one {@code error.<kind>} entry per kind of agent failure. */
    Map<String, Long> getAgentErrors();

    /** Every origin that was sent credentials, with counts. */
    Map<String, Long> getLearnedOrigins();

    /** An {@code allowed-origins=} line built from the learned origins. */
    String getSuggestedAllowedOrigins();

    /** Removes the instrumentation, stops the agent's threads and unregisters this MBean. */
    void detach();
}
