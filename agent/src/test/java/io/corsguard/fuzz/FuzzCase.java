package io.corsguard.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * One generated request and the CORS lines the app answers it with, in the order the app writes
 * them. {@code origin} is the request's {@code Origin} value as the server decoded it (ISO-8859-1
 * for HTTP/1.1 servers, so invalid UTF-8 arrives as Latin-1 characters).
 */
public record FuzzCase(long seed, String origin, String method, String requestMethod, String requestHeaders,
                       boolean credentialsHint, int status, List<String[]> lines) {

    public boolean preflight() {
        return "OPTIONS".equals(method) && requestMethod != null;
    }

    /** The app's lines as {@code name: value} strings, for messages. */
    public List<String> lineStrings() {
        List<String> out = new ArrayList<>();
        for (String[] l : lines) {
            out.add(l[0] + ": " + l[1]);
        }
        return out;
    }

    @Override
    public String toString() {
        String o = origin.length() > 120 ? origin.substring(0, 120) + "...(" + origin.length() + " chars)" : origin;
        return "seed 0x" + Long.toHexString(seed) + ": " + method + " origin [" + Invariants.escape(o) + "] acrm "
            + Invariants.escape(requestMethod) + " acrh " + Invariants.escape(requestHeaders) + " credentialsHint "
            + credentialsHint + " status " + status + " lines " + Invariants.escape(String.valueOf(lineStrings()));
    }
}
