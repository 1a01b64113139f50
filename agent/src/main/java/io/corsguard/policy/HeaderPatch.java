package io.corsguard.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The change correct mode makes to a response's headers. Expressed per header name: every line of
 * that name is removed, then the new values (possibly none) are added in order. This keeps
 * adapters trivial (remove + add exist on every server's header API) and never drops a repeated
 * line by accident.
 */
public final class HeaderPatch {
    private static final HeaderPatch EMPTY = new HeaderPatch(new String[0]);

    private final String[] operations;

    private HeaderPatch(String[] operations) {
        this.operations = operations;
    }

    public static HeaderPatch empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return operations.length == 0;
    }

    /**
     * The operations as name/value pairs: a {@code null} value removes all lines of the name
     * (case-insensitive), a non-null value adds a line. The format the bridge hands to advice.
     */
    public String[] operations() {
        return operations.clone();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < operations.length; i += 2) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(operations[i + 1] == null ? "-" + operations[i] : "+" + operations[i] + ": " + operations[i + 1]);
        }
        return sb.toString();
    }

    /** Builds a patch; the last {@link #replace} of a name wins. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<List<String>> values = new ArrayList<>();

        /** Replace every line of {@code name} by {@code newValues} (none: remove the header). */
        public Builder replace(String name, List<String> newValues) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(name)) {
                    values.set(i, new ArrayList<>(newValues));
                    return this;
                }
            }
            names.add(name);
            values.add(new ArrayList<>(newValues));
            return this;
        }

        public Builder remove(String name) {
            return replace(name, new ArrayList<String>());
        }

        public Builder set(String name, String value) {
            List<String> one = new ArrayList<>(1);
            one.add(value);
            return replace(name, one);
        }

        public HeaderPatch build() {
            if (names.isEmpty()) {
                return EMPTY;
            }
            List<String> ops = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                ops.add(names.get(i));
                ops.add(null);
                for (String v : values.get(i)) {
                    ops.add(names.get(i));
                    ops.add(v);
                }
            }
            return new HeaderPatch(ops.toArray(new String[0]));
        }
    }
}
