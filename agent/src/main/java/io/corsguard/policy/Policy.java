package io.corsguard.policy;

/** The rules of {@code cors-rules.md}: request facts + response lines -> decision. Pure Java, thread-safe. */
public final class Policy {
    private final PolicySettings settings;

    public Policy(PolicySettings settings) {
        this.settings = settings;
    }

    public PolicySettings settings() {
        return settings;
    }

    /** @return the decision, or {@code null} when no rule fires */
    public Decision evaluate(RequestFacts request, HeaderLines response) {
        throw new UnsupportedOperationException("implemented by the policy work");
    }
}
