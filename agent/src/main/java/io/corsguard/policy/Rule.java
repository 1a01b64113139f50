package io.corsguard.policy;

/** The rules of {@code cors-rules.md}, code and name verbatim. */
public enum Rule {
    CG001("acac-invalid-value", Severity.BREAKAGE),
    CG002("wildcard-origin-with-credentials", Severity.BREAKAGE),
    CG003("untrusted-origin-with-credentials", Severity.SECURITY),
    CG004("null-origin-with-credentials", Severity.SECURITY),
    CG005("origin-mismatch", Severity.BREAKAGE),
    CG006("multiple-allow-origin", Severity.BREAKAGE),
    CG007("missing-vary-origin", Severity.HYGIENE),
    CG008("wildcard-allow-headers-with-credentials", Severity.BREAKAGE),
    CG009("wildcard-allow-methods-with-credentials", Severity.BREAKAGE),
    CG010("wildcard-expose-headers-with-credentials", Severity.BREAKAGE),
    CG011("missing-credentials", Severity.BREAKAGE),
    CG012("preflight-not-ok", Severity.BREAKAGE),
    CG013("acac-without-acao", Severity.HYGIENE),
    CG014("private-network-to-untrusted", Severity.SECURITY),
    CG015("preflight-method-not-allowed", Severity.BREAKAGE),
    CG016("preflight-header-not-allowed", Severity.BREAKAGE);

    private final String ruleName;
    private final Severity severity;

    Rule(String ruleName, Severity severity) {
        this.ruleName = ruleName;
        this.severity = severity;
    }

    public String code() {
        return name();
    }

    /** The kebab-case name, the {@code name} log field. */
    public String ruleName() {
        return ruleName;
    }

    /** Default severity; CG001 with {@code false} is reported as hygiene (see {@link Violation}). */
    public Severity severity() {
        return severity;
    }
}
