package io.corsguard.policy;

/** One rule that fired on one response, with the correction correct mode applies for it. */
public final class Violation {
    private final Rule rule;
    private final Severity severity;
    private final Action action;

    public Violation(Rule rule, Severity severity, Action action) {
        this.rule = rule;
        this.severity = severity;
        this.action = action;
    }

    public Violation(Rule rule, Action action) {
        this(rule, rule.severity(), action);
    }

    public Rule rule() {
        return rule;
    }

    public Severity severity() {
        return severity;
    }

    public Action action() {
        return action;
    }

    @Override
    public String toString() {
        return rule.code() + "/" + action.label();
    }
}
