package io.corsguard.policy;

/** An allowlist entry that is not a serialized origin or an allowed pattern. */
public final class InvalidOriginException extends Exception {
    private final String entry;

    public InvalidOriginException(String entry, String message) {
        super(message);
        this.entry = entry;
    }

    /** The entry as written. */
    public String entry() {
        return entry;
    }
}
