package io.corsguard.install;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Snapshots of the JVM's system properties as a plain map, for the configuration layers. */
final class SystemSources {
    private SystemSources() {
    }

    static Map<String, String> properties() {
        Map<String, String> out = new HashMap<>();
        Properties p = System.getProperties();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("corsguard.")) {
                out.put(name, p.getProperty(name));
            }
        }
        return out;
    }
}
