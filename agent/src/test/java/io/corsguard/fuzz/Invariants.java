package io.corsguard.fuzz;

import io.corsguard.fuzz.FuzzSettings.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The invariants of issue 10, checked on the response as it leaves (the app's lines after the
 * agent's operations), against an independent, test-only reading of "trusted" (cors-rules.md,
 * Terms) that shares no code with the agent's allowlist.
 */
public final class Invariants {
    public static final String ACAO = "Access-Control-Allow-Origin";
    public static final String ACAC = "Access-Control-Allow-Credentials";

    private static final Pattern ORIGIN = Pattern.compile(
        "(https?)://([a-z0-9-]+(?:\\.[a-z0-9-]+)*|\\[[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*\\])(?::([1-9][0-9]{0,4}))?");

    /** Which shape a case reached; a run must reach every shape often, or it proves little. */
    public enum Shape {
        UNTRUSTED_CREDENTIALED, TRUSTED_KEPT, TRUSTED_STRIPPED, GRANTED, OTHER
    }

    private Invariants() {
    }

    /** The request origin without surrounding spaces and tabs (cors-rules.md: "request origin"). */
    public static String requestOrigin(String origin) {
        return origin.replaceAll("^[ \t]+|[ \t]+$", "");
    }

    /** cors-rules.md, Terms, "trusted", read with a regex and string compares, independently of the agent. */
    public static boolean trusted(FuzzSettings s, String requestOrigin) {
        String o = requestOrigin(requestOrigin);
        if (o.equals("null")) {
            return s.allowNull();
        }
        if (o.length() > 1024 || !o.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            return false;
        }
        Matcher m = ORIGIN.matcher(o.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return false;
        }
        String scheme = m.group(1);
        String host = m.group(2);
        int port = m.group(3) == null ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(m.group(3));
        if (port > 65535) {
            return false;
        }
        for (Entry e : s.entries()) {
            if (!e.scheme().equals(scheme) || e.port() != port) {
                continue;
            }
            if (e.pattern() ? host.length() > e.host().length() + 1 && host.endsWith("." + e.host()) : host.equals(e.host())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The app's lines after the agent's operations (pairs {@code [name, value]}: a {@code null}
     * value removes every line of that name, any case; otherwise the line is added), as the
     * servlet and Netty adapters apply them. Written here, not borrowed from the agent, so a
     * wrong operation list cannot be hidden by a matching mistake in the agent's own applier.
     */
    public static List<String[]> apply(List<String[]> written, String[] ops) {
        List<String[]> out = new ArrayList<>(written);
        if (ops == null) {
            return out;
        }
        for (int i = 0; i < ops.length; i += 2) {
            String name = ops[i];
            if (ops[i + 1] == null) {
                out.removeIf(l -> l[0].equalsIgnoreCase(name));
            } else {
                out.add(new String[] {name, ops[i + 1]});
            }
        }
        return out;
    }

    /** Problems with the values the agent emits (the operations): CR or LF would split the response head. */
    public static List<String> checkEmitted(String[] ops) {
        List<String> problems = new ArrayList<>();
        if (ops != null) {
            for (int i = 0; i < ops.length; i += 2) {
                for (String part : new String[] {ops[i], ops[i + 1]}) {
                    if (part != null && (part.indexOf('\r') >= 0 || part.indexOf('\n') >= 0)) {
                        problems.add("the agent emits CR/LF: " + escape(ops[i]) + ": " + escape(ops[i + 1]));
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Problems with {@code sent} (the CORS lines that left, in order) for the case: in monitor
     * mode nothing changed; in correct mode the invariant (no {@code ACAC} for an untrusted
     * origin), a kept credentialed response of a trusted origin has exactly one {@code ACAO}
     * equal to its origin and one {@code ACAC: true}, nothing but {@code Vary} (and a granted
     * {@code ACAC}) is added, {@code Vary} keeps its values. Values are compared without
     * surrounding whitespace, which HTTP does not carry as part of a field value.
     */
    public static List<String> check(FuzzSettings s, FuzzCase c, boolean correct, List<String[]> sent) {
        List<String> problems = new ArrayList<>();
        List<String[]> written = c.lines();
        if (!correct) {
            if (!same(written, sent)) {
                problems.add("monitor mode changed the response: " + lines(sent));
            }
            return problems;
        }
        problems.addAll(checkInvariant(s, c, sent));
        boolean trusted = trusted(s, c.origin());
        List<String> acacAfter = values(sent, ACAC);
        List<String> acaoAfter = values(sent, ACAO);
        boolean credentialed = !values(written, ACAC).isEmpty();
        if (trusted && credentialed && !values(written, ACAO).isEmpty() && !acacAfter.isEmpty()) {
            if (!acacAfter.equals(List.of("true"))) {
                problems.add("a trusted origin's credentials not exactly one ACAC: true: " + lines(sent));
            }
            if (!acaoAfter.equals(List.of(requestOrigin(c.origin())))) {
                problems.add("a trusted origin's credentialed response without exactly one ACAO = its origin: " + lines(sent));
            }
        }
        for (String[] l : sent) {
            if (values(written, l[0]).isEmpty()) {
                boolean grant = l[0].equalsIgnoreCase(ACAC) && trusted && s.grant() && l[1].trim().equals("true");
                if (!grant && !l[0].equalsIgnoreCase("Vary")) {
                    problems.add("added " + escape(l[0]) + ": " + lines(sent));
                }
            }
        }
        List<String> varyBefore = tokens(values(written, "Vary"));
        List<String> varyAfter = tokens(values(sent, "Vary"));
        if (!varyBefore.equals(varyAfter)) {
            List<String> expected = new ArrayList<>(varyBefore);
            expected.add("Origin");
            if (!expected.equals(varyAfter)) {
                problems.add("Vary changed beyond adding Origin: " + lines(sent));
            }
        }
        // an app's Vary line holding CR/LF/NUL is never re-emitted (Policy): Origin cannot be appended to it
        boolean varyReEmittable = written.stream().filter(l -> l[0].equalsIgnoreCase("Vary")).allMatch(l -> l[1].chars().noneMatch(ch -> ch == '\r' || ch == '\n' || ch == 0));
        if (!values(written, ACAO).equals(acaoAfter) && acaoAfter.size() == 1 && !acaoAfter.get(0).equals("*") && varyReEmittable
            && varyAfter.stream().noneMatch(t -> t.equalsIgnoreCase("origin") || t.equals("*"))) {
            problems.add("ACAO set without Vary: Origin: " + lines(sent));
        }
        return problems;
    }

    /** The invariant of correct mode alone (cors-rules.md): no {@code ACAC} line is left for an untrusted origin. */
    public static List<String> checkInvariant(FuzzSettings s, FuzzCase c, List<String[]> sent) {
        List<String> problems = new ArrayList<>();
        if (!trusted(s, c.origin()) && !values(sent, ACAC).isEmpty()) {
            problems.add("ACAC left for an untrusted origin: " + lines(sent));
        }
        return problems;
    }

    /** Which shape the case reached (for the coverage the tests require of the generator). */
    public static Shape shape(FuzzSettings s, FuzzCase c, List<String[]> sent) {
        boolean trusted = trusted(s, c.origin());
        boolean credentialed = !values(c.lines(), ACAC).isEmpty();
        boolean acacAfter = !values(sent, ACAC).isEmpty();
        if (!trusted) {
            return credentialed ? Shape.UNTRUSTED_CREDENTIALED : Shape.OTHER;
        }
        if (!credentialed) {
            return acacAfter ? Shape.GRANTED : Shape.OTHER;
        }
        return acacAfter ? Shape.TRUSTED_KEPT : Shape.TRUSTED_STRIPPED;
    }

    /** Values of every line named {@code name} (any case), without surrounding whitespace. */
    public static List<String> values(List<String[]> lines, String name) {
        List<String> out = new ArrayList<>();
        for (String[] l : lines) {
            if (l[0].equalsIgnoreCase(name)) {
                out.add(l[1].trim());
            }
        }
        return out;
    }

    private static boolean same(List<String[]> a, List<String[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i)[0].equals(b.get(i)[0]) || !a.get(i)[1].trim().equals(b.get(i)[1].trim())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> tokens(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (String t : line.split(",")) {
                if (!t.trim().isEmpty()) {
                    out.add(t.trim());
                }
            }
        }
        return out;
    }

    public static String lines(List<String[]> lines) {
        List<String> out = new ArrayList<>();
        for (String[] l : lines) {
            out.add(l[0] + ": " + l[1]);
        }
        return escape(out.toString());
    }

    /** Control and non-ASCII characters as {@code \\uXXXX}, long strings cut, so a message stays one readable line. */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 600; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        if (sb.length() >= 600) {
            sb.append("...(").append(s.length()).append(" chars)");
        }
        return sb.toString();
    }
}
