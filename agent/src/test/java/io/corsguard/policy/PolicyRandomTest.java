package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded random responses and mutated origins against the invariants of correct mode, with an
 * independent (regex-based, test-only) reference for "trusted" to cross-check the allowlist.
 */
class PolicyRandomTest {
    private static final long SEED = 0xC0A5_6A2DL;
    private static final int CASES = 20_000;

    /** An allowlist entry as written, and what it must mean. */
    record Ref(String raw, String scheme, String host, int port, boolean pattern) {
    }

    private static final List<Ref> POOL = List.of(
            new Ref("https://trusted.com", "https", "trusted.com", 443, false),
            new Ref("https://TRUSTED.com:443", "https", "trusted.com", 443, false),
            new Ref("http://localhost:3000", "http", "localhost", 3000, false),
            new Ref("https://*.example.com", "https", "example.com", 443, true),
            new Ref("https://*.example.com:8443", "https", "example.com", 8443, true),
            new Ref("https://app.test.org:8443", "https", "app.test.org", 8443, false),
            new Ref("http://[::1]:8080", "http", "[::1]", 8080, false),
            new Ref("https://b\u00fccher.example", "https", "xn--bcher-kva.example", 443, false),
            new Ref("https://*.a.b.c", "https", "a.b.c", 443, true));

    private static final String[] HOSTS = {
            "trusted.com", "a.example.com", "a.b.example.com", "example.com", "localhost", "app.test.org",
            "[::1]", "xn--bcher-kva.example", "evil.com", "x.a.b.c", "a.b.c", "b\u00fccher.example"};
    private static final String[] PORTS = {"", "", "", "", "", "", ":443", ":80", ":8443", ":3000", ":8080", ":0443", ":65536",
            ":99999", ":", ":3000x", ":-1", ":0"};
    private static final String[] JUNK = {"\r", "\n", "\r\n", "\u0000", " ", "\t", "\u00e9", "\u3002", "/", "@", "#",
            "?", "\\", "%2e", ".", "*", ","};

    private static final Pattern REF_ORIGIN = Pattern.compile(
            "(https?)://([a-z0-9-]+(?:\\.[a-z0-9-]+)*|\\[[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*\\])(?::([1-9][0-9]{0,4}))?");

    static boolean referenceTrusts(List<Ref> entries, boolean allowNull, String requestOrigin) {
        String o = requestOrigin.replaceAll("^[ \\t]+|[ \\t]+$", "");
        if (o.equals("null")) {
            return allowNull;
        }
        if (o.length() > 1024 || !o.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            return false;
        }
        Matcher m = REF_ORIGIN.matcher(o.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return false;
        }
        String scheme = m.group(1);
        String host = m.group(2);
        int port = m.group(3) == null ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(m.group(3));
        if (port > 65535) {
            return false;
        }
        for (Ref e : entries) {
            if (!e.scheme().equals(scheme) || e.port() != port) {
                continue;
            }
            if (e.pattern() ? host.endsWith("." + e.host()) && host.length() > e.host().length() + 1
                    : host.equals(e.host())) {
                return true;
            }
        }
        return false;
    }

    static String origin(Random r, List<Ref> refs) {
        if (!refs.isEmpty() && r.nextInt(3) == 0) {
            // a clean origin the allowlist should trust, so the trusted invariants get exercised
            Ref e = refs.get(r.nextInt(refs.size()));
            boolean defaultPort = e.port() == (e.scheme().equals("https") ? 443 : 80);
            return e.scheme() + "://" + (e.pattern() ? pick(r, "a.", "x.y.", "A.") : "") + e.host()
                    + (defaultPort && r.nextInt(4) > 0 ? "" : ":" + e.port());
        }
        switch (r.nextInt(20)) {
            case 0:
                return "null";
            case 1:
                return "";
            case 2:
                return "https://trusted.com, https://evil.com";
            case 3:
                return "https://" + "a".repeat(1000 + r.nextInt(8000)) + ".com";
            default:
                break;
        }
        String scheme = r.nextInt(6) == 0 ? "http" : "https";
        String host = HOSTS[r.nextInt(HOSTS.length)];
        StringBuilder sb = new StringBuilder();
        sb.append(scheme).append("://");
        switch (r.nextInt(14)) {
            case 0:
                host = "evil" + host;
                break;
            case 1:
                host = host + ".evil.com";
                break;
            case 2:
                host = host.replace('.', 'X');
                break;
            case 3:
                host = "user@" + host;
                break;
            default:
                break;
        }
        sb.append(host).append(PORTS[r.nextInt(PORTS.length)]);
        switch (r.nextInt(16)) {
            case 0:
                sb.append('/');
                break;
            case 1:
                sb.append("@evil.com");
                break;
            case 2:
                sb.insert(r.nextInt(sb.length() + 1), JUNK[r.nextInt(JUNK.length)]);
                break;
            case 3:
                sb.append("/path?q#f");
                break;
            default:
                break;
        }
        String s = sb.toString();
        if (r.nextInt(4) == 0) {
            char[] cs = s.toCharArray();
            for (int i = 0; i < cs.length; i++) {
                if (r.nextBoolean()) {
                    cs[i] = Character.toUpperCase(cs[i]);
                }
            }
            s = new String(cs);
        }
        if (r.nextInt(6) == 0) {
            s = (r.nextBoolean() ? " " : "\t") + s + (r.nextBoolean() ? "  " : "");
        }
        return s;
    }

    static String randomCase(Random r, String name) {
        switch (r.nextInt(4)) {
            case 0:
                return name.toLowerCase(Locale.ROOT);
            case 1:
                return name.toUpperCase(Locale.ROOT);
            default:
                return name;
        }
    }

    static String pick(Random r, String... values) {
        return values[r.nextInt(values.length)];
    }

    static HeaderLines response(Random r, String origin) {
        int n = r.nextInt(9);
        String[] pairs = new String[2 * n];
        String trimmed = origin.trim();
        for (int i = 0; i < n; i++) {
            String name;
            String value;
            switch (r.nextInt(7)) {
                case 0:
                case 1:
                    name = "Access-Control-Allow-Origin";
                    value = pick(r, origin, trimmed, trimmed, "*", "null", "https://trusted.com", "https://other.com",
                            trimmed + ", *", "* " + trimmed, " " + trimmed + " ", trimmed + "/");
                    break;
                case 2:
                case 3:
                    name = "Access-Control-Allow-Credentials";
                    value = pick(r, "true", "true", "true", "True", "TRUE", "false", "", "true, true", "1", " true ");
                    break;
                case 4:
                    name = pick(r, "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                            "Access-Control-Expose-Headers");
                    value = pick(r, "*", "GET, *", "PUT", "x-token, *", "X-Token", "*, *");
                    break;
                case 5:
                    name = "Vary";
                    value = pick(r, "Origin", "Accept-Encoding", "*", "origin, cookie", "", "Cookie,");
                    break;
                default:
                    name = "Access-Control-Allow-Private-Network";
                    value = pick(r, "true", "false", "TRUE");
                    break;
            }
            pairs[2 * i] = randomCase(r, name);
            pairs[2 * i + 1] = value;
        }
        int status = r.nextInt(4) == 0 ? pick(r, 401, 403, 404, 500, 302) : pick(r, 200, 204);
        return HeaderLines.of(status, pairs);
    }

    static int pick(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }

    @Test
    void correctModeKeepsItsInvariantsOnRandomResponses() {
        Random r = new Random(SEED);
        int untrustedCredentialed = 0;
        int trustedKept = 0;
        int trustedStripped = 0;
        int granted = 0;
        Set<Rule> seen = EnumSet.noneOf(Rule.class);
        for (int i = 0; i < CASES; i++) {
            List<Ref> refs = new ArrayList<>();
            for (Ref e : POOL) {
                if (r.nextInt(3) == 0) {
                    refs.add(e);
                }
            }
            if (r.nextBoolean()) {
                refs.add(POOL.get(0));
            }
            List<String> raw = new ArrayList<>();
            refs.forEach(e -> raw.add(e.raw()));
            OriginAllowlist allowlist = OriginAllowlistTest.allow(raw.toArray(new String[0]));
            boolean allowNull = r.nextInt(5) == 0;
            boolean grant = r.nextBoolean();
            PolicySettings settings = new PolicySettings(allowlist, allowNull,
                    r.nextBoolean() ? List.of() : List.of("GET", "PUT"),
                    r.nextBoolean() ? List.of() : List.of("X-Token", "Content-Type"),
                    r.nextBoolean() ? List.of() : List.of("X-Total"), grant);
            Policy policy = new Policy(settings);

            String origin = origin(r, refs);
            boolean preflight = r.nextBoolean();
            RequestFacts request = new RequestFacts(origin, preflight ? "OPTIONS" : pick(r, "GET", "POST"), "/x",
                    preflight || r.nextInt(4) == 0 ? pick(r, "PUT", "PATCH", "patch", "GET", "DELETE", "") : null,
                    r.nextBoolean() ? null : pick(r, "X-Token, Authorization", "x-token", "", "X-A\r\nX-B: c"),
                    r.nextBoolean());
            HeaderLines response = response(r, origin);
            String context = "case " + i + ": origin [" + origin + "] allow " + raw + " null=" + allowNull
                    + " grant=" + grant + " lines " + response.asLines() + " status " + response.status();

            boolean trusted = referenceTrusts(refs, allowNull, origin);
            if (!"null".equals(origin.trim())) {
                assertEquals(trusted, allowlist.trusts(origin), context);
            }

            Decision d;
            try {
                d = policy.evaluate(request, response);
            } catch (RuntimeException e) {
                throw new AssertionError(context, e);
            }
            HeaderPatch patch = d == null ? HeaderPatch.empty() : d.patch();
            String[] ops = patch.operations();
            for (int k = 1; k < ops.length; k += 2) {
                if (ops[k] != null && (ops[k].indexOf('\r') >= 0 || ops[k].indexOf('\n') >= 0)) {
                    fail("CR/LF in patch " + patch + " / " + context);
                }
            }
            if (d != null) {
                Set<Rule> once = EnumSet.noneOf(Rule.class);
                for (Violation v : d.violations()) {
                    assertTrue(once.add(v.rule()), "fired twice: " + d + " / " + context);
                    seen.add(v.rule());
                }
            }
            HeaderLines out = response.apply(patch);
            boolean credentialedBefore = !response.values("Access-Control-Allow-Credentials").isEmpty();
            boolean acaoBefore = !response.values("Access-Control-Allow-Origin").isEmpty();
            List<String> acacAfter = out.values("Access-Control-Allow-Credentials");
            List<String> acaoAfter = out.values("Access-Control-Allow-Origin");

            if (!trusted) {
                // the invariant of correct mode
                assertTrue(acacAfter.isEmpty(), () -> "ACAC left for untrusted: " + out.asLines() + " / " + context);
                if (credentialedBefore) {
                    untrustedCredentialed++;
                }
            } else if (credentialedBefore && acaoBefore) {
                if (acacAfter.isEmpty()) {
                    trustedStripped++;
                } else {
                    trustedKept++;
                    assertEquals(List.of("true"), acacAfter.stream().map(String::trim).toList(),
                            () -> out.asLines() + " / " + context);
                    assertEquals(List.of(origin.replaceAll("^[ \\t]+|[ \\t]+$", "")),
                            acaoAfter.stream().map(v -> v.replaceAll("^[ \\t]+|[ \\t]+$", "")).toList(),
                            () -> out.asLines() + " / " + context);
                }
            }

            // corrections never add a CORS header the response did not have, except CG011's grant
            for (int k = 0; k < out.size(); k++) {
                String name = out.name(k);
                if (response.values(name).isEmpty()) {
                    boolean grantLine = name.equalsIgnoreCase("Access-Control-Allow-Credentials")
                            && d != null && d.fired(Rule.CG011) && grant;
                    boolean varyLine = name.equalsIgnoreCase("Vary");
                    assertTrue(grantLine || varyLine, () -> "added " + name + ": " + out.asLines() + " / " + context);
                    if (grantLine) {
                        granted++;
                    }
                }
            }
            // Vary keeps its values, in order, and gains Origin only
            List<String> varyBefore = tokens(response.values("Vary"));
            List<String> varyAfter = tokens(out.values("Vary"));
            if (!varyBefore.equals(varyAfter)) {
                List<String> expected = new ArrayList<>(varyBefore);
                expected.add("Origin");
                assertEquals(expected, varyAfter, context);
            }
            // every ACAO set to the request origin comes with Vary: Origin
            if (!response.values("Access-Control-Allow-Origin").equals(acaoAfter) && acaoAfter.size() == 1
                    && !acaoAfter.get(0).equals("*")) {
                assertTrue(varyAfter.stream().anyMatch(t -> t.equalsIgnoreCase("origin") || t.equals("*")),
                        () -> out.asLines() + " / " + context);
            }
        }
        // the generator must reach the interesting shapes, or the invariants above prove nothing
        assertTrue(untrustedCredentialed > 1000, "untrusted credentialed " + untrustedCredentialed);
        assertTrue(trustedKept > 300, "trusted kept " + trustedKept);
        assertTrue(trustedStripped > 50, "trusted stripped " + trustedStripped);
        assertTrue(granted > 20, "granted " + granted);
        assertEquals(EnumSet.allOf(Rule.class), seen);
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
}
