package io.corsguard.install;

import io.corsguard.report.CorsGuardMBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The MBean over the running {@link Installation}; returns plain java.util maps (serializable, no agent types). */
final class AgentMBean implements CorsGuardMBean {
    private final Installation installation;

    AgentMBean(Installation installation) {
        this.installation = installation;
    }

    @Override
    public String getVersion() {
        return Installer.VERSION;
    }

    @Override
    public String getMode() {
        return installation.config().mode().label();
    }

    @Override
    public void setMode(String mode) {
        // an IllegalArgumentException reaches the JMX client as the reason
        Installer.setMode(mode);
    }

    @Override
    public String getConfigSource() {
        return installation.config().source();
    }

    @Override
    public Map<String, String> getEffectiveConfig() {
        return new LinkedHashMap<>(installation.config().effective());
    }

    @Override
    public Map<String, Long> getCounters() {
        return new LinkedHashMap<>(installation.reporter().counters().snapshot());
    }

    @Override
    public Map<String, Long> getAgentErrors() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Long> e : installation.reporter().counters().snapshot().entrySet()) {
            if (e.getKey().startsWith("error.") || e.getKey().equals("errors.total")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> getLearnedOrigins() {
        return new TreeMap<>(installation.reporter().learnedOrigins());
    }

    @Override
    public String getSuggestedAllowedOrigins() {
        return installation.reporter().suggestedAllowedOrigins();
    }

    @Override
    public void detach() {
        Installer.detach();
    }
}
