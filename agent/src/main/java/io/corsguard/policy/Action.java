package io.corsguard.policy;

/** What correct mode does (or, in monitor mode, would do) about a violation: the {@code action} log field. */
public enum Action {
    /** Nothing at all (mode {@code off}). */
    NONE("none"),
    /** The rule is report-only, or its correction needs a key that is not set. */
    REPORTED("reported"),
    /** Remove {@code Access-Control-Allow-Credentials}. */
    STRIP_CREDENTIALS("strip-credentials"),
    /** Replace an invalid ACAC value by a single {@code true}. */
    FIX_CREDENTIALS("fix-credentials"),
    /** Set ACAO to the request origin (and ensure {@code Vary: Origin}). */
    SET_ORIGIN("set-origin"),
    /** Collapse several ACAO values to one (CG006, untrusted origin). */
    SINGLE_ORIGIN("single-origin"),
    /** Add {@code Origin} to {@code Vary}. */
    ADD_VARY("add-vary"),
    REPLACE_ALLOW_HEADERS("replace-allow-headers"),
    REPLACE_ALLOW_METHODS("replace-allow-methods"),
    REPLACE_EXPOSE_HEADERS("replace-expose-headers"),
    /** Add {@code Access-Control-Allow-Credentials: true} (CG011 with {@code grant-credentials}). */
    GRANT_CREDENTIALS("grant-credentials"),
    /** Remove {@code Access-Control-Allow-Private-Network}. */
    STRIP_PRIVATE_NETWORK("strip-private-network");

    private final String label;

    Action(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
