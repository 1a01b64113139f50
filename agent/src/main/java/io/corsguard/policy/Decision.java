package io.corsguard.policy;

import java.util.Collections;
import java.util.List;

/** The policy's answer for one response: the rules that fired and the correct-mode patch. */
public final class Decision {
    private final List<Violation> violations;
    private final HeaderPatch patch;

    public Decision(List<Violation> violations, HeaderPatch patch) {
        this.violations = Collections.unmodifiableList(violations);
        this.patch = patch == null ? HeaderPatch.empty() : patch;
    }

    public List<Violation> violations() {
        return violations;
    }

    /** What correct mode changes; empty when the violations are report-only. */
    public HeaderPatch patch() {
        return patch;
    }

    public boolean fired(Rule rule) {
        for (Violation v : violations) {
            if (v.rule() == rule) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return violations + " patch[" + patch + "]";
    }
}
