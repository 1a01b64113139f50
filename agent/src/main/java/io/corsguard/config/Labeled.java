package io.corsguard.config;

/** An enum value written in the configuration as a lower-case label. */
interface Labeled {
    String label();
}
