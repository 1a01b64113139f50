package io.corsguard.report;

import org.slf4j.spi.MDCAdapter;

import java.util.Collections;
import java.util.Deque;
import java.util.Map;

/**
 * An always-empty MDC for the private logging context. Logback asks the context for an MDC on
 * every event; its own {@code LogbackMDCAdapter} would put thread-locals into every application
 * thread that reports a violation. The agent's lines carry everything in the message.
 */
final class NoMdc implements MDCAdapter {
    @Override
    public void put(String key, String val) {
    }

    @Override
    public String get(String key) {
        return null;
    }

    @Override
    public void remove(String key) {
    }

    @Override
    public void clear() {
    }

    @Override
    public Map<String, String> getCopyOfContextMap() {
        return Collections.emptyMap();
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
    }

    @Override
    public void pushByKey(String key, String value) {
    }

    @Override
    public String popByKey(String key) {
        return null;
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        return null;
    }

    @Override
    public void clearDequeByKey(String key) {
    }
}
