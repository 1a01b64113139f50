package io.corsguard.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The configuration a fuzz case runs under: the allowlist (as written, and what each entry must
 * mean, read independently of the agent's parser) and the policy keys that change corrections.
 */
public record FuzzSettings(List<Entry> entries, boolean allowNull, boolean grant, List<String> allowedMethods,
                           List<String> allowedHeaders, List<String> exposedHeaders) {

    /** One {@code allowed-origins} entry: as written, and its scheme, ASCII host, port and pattern flag. */
    public record Entry(String raw, String scheme, String host, int port, boolean pattern) {
        public Entry {
            host = host.toLowerCase(Locale.ROOT);
        }

        boolean defaultPort() {
            return port == (scheme.equals("https") ? 443 : 80);
        }
    }

    /** The agent arguments for these settings ({@code ;}-separated; lists comma-separated). */
    public String agentArgs() {
        List<String> raw = new ArrayList<>();
        for (Entry e : entries) {
            raw.add(e.raw());
        }
        return "allowed-origins=" + String.join(",", raw) + ";allow-null-origin=" + allowNull + ";grant-credentials=" + grant
            + ";allowed-methods=" + String.join(",", allowedMethods) + ";allowed-headers=" + String.join(",", allowedHeaders)
            + ";exposed-headers=" + String.join(",", exposedHeaders);
    }

    @Override
    public String toString() {
        return agentArgs();
    }
}
