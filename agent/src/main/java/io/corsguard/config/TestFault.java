package io.corsguard.config;

/** Test-only key {@code test.fault}: fault injection for it-tests, so {@code on-error} can be exercised. Never set it in production. */
public enum TestFault implements Labeled {
    /** No fault (the default). */
    NONE("none"),
    /** The policy call throws. */
    THROW("throw"),
    /** The policy call is slow. */
    SLOW("slow"),
    /** The policy call throws OutOfMemoryError. */
    OOM("oom"),
    /**
     * Weaving the container commit hooks fails, so the generic servlet layer judges their
     * containers' responses (read at start only: classes are woven as they load).
     */
    WEAVE_HOOK("weave-hook");

    private final String label;

    TestFault(String label) {
        this.label = label;
    }

    /** The value as written in the configuration. */
    @Override
    public String label() {
        return label;
    }
}
