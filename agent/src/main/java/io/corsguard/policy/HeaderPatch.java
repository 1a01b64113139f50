package io.corsguard.policy;

import java.util.ArrayList;
import java.util.Collections;
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

    /** The operations without a copy, for {@link HeaderLines#apply}, which only reads them. */
    String[] operationsShared() {
        return operations;
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
        // created on the first operation: most decisions patch nothing (hot path, every response)
        private List<String> names;
        private List<List<String>> values;

        /** Replace every line of {@code name} by {@code newValues} (none: remove the header). */
        public Builder replace(String name, List<String> newValues) {
            return put(name, new ArrayList<>(newValues));
        }

        public Builder remove(String name) {
            return put(name, Collections.<String>emptyList());
        }

        public Builder set(String name, String value) {
            return put(name, Collections.singletonList(value));
        }

        /** {@code lines} is kept as given: callers pass a fresh copy or an immutable list. */
        private Builder put(String name, List<String> lines) {
            if (names == null) {
                names = new ArrayList<>(4);
                values = new ArrayList<>(4);
            }
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(name)) {
                    values.set(i, lines);
                    return this;
                }
            }
            names.add(name);
            values.add(lines);
            return this;
        }

        public HeaderPatch build() {
            if (names == null) {
                return EMPTY;
            }
            int size = 0;
            for (int i = 0; i < names.size(); i++) {
                size += 2 + 2 * values.get(i).size();
            }
            String[] ops = new String[size];
            int k = 0;
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                ops[k++] = name;
                ops[k++] = null;
                List<String> v = values.get(i);
                for (int j = 0; j < v.size(); j++) {
                    ops[k++] = name;
                    ops[k++] = v.get(j);
                }
            }
            return new HeaderPatch(ops);
        }
    }
}
