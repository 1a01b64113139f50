package io.corsguard.fuzz;

import io.corsguard.fuzz.FuzzSettings.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The seeded generator behind the policy fuzz test (agent) and the wire fuzz test (it-tests):
 * random allowlists, origins a scanner sends (near misses of trusted entries), and random CORS
 * header lines, duplicates and odd case included. Every case comes from one {@code long} seed, so
 * a failure names the seed and {@code -Dcorsguard.fuzz.seed=<seed> -Dcorsguard.fuzz.cases=1}
 * replays exactly that case.
 */
public final class CorsFuzz {

    /** Where the case goes: straight to the policy (any string), or over an HTTP/1.1 socket. */
    public enum Target {
        POLICY,
        /** Origin without CR/LF, at most a few KB (servers limit the head), as ISO-8859-1 decodes it; printable ASCII lines. */
        WIRE
    }

    /** Default base seed: CI runs the same cases every build; pass another to explore. */
    public static final long DEFAULT_SEED = 0xC0A5_6A2DL;

    /** Entries random allowlists draw from: exact, pattern, ports, IPv6, IDN written in Unicode, odd case. */
    static final List<Entry> POOL = List.of(
        new Entry("https://trusted.com", "https", "trusted.com", 443, false),
        new Entry("https://TRUSTED.com:443", "https", "trusted.com", 443, false),
        new Entry("http://localhost:3000", "http", "localhost", 3000, false),
        new Entry("https://*.example.com", "https", "example.com", 443, true),
        new Entry("https://*.example.com:8443", "https", "example.com", 8443, true),
        new Entry("HTTPS://App.Test.org:8443", "https", "app.test.org", 8443, false),
        new Entry("http://[::1]:8080", "http", "[::1]", 8080, false),
        new Entry("https://b\u00fccher.example", "https", "xn--bcher-kva.example", 443, false),
        new Entry("https://*.xn--mnchen-3ya.de", "https", "xn--mnchen-3ya.de", 443, true),
        new Entry("https://*.a.b.c", "https", "a.b.c", 443, true),
        new Entry("http://127.0.0.1:8082", "http", "127.0.0.1", 8082, false));

    private static final String[] HOSTS = {
        "trusted.com", "a.example.com", "a.b.example.com", "example.com", "localhost", "app.test.org", "[::1]",
        "xn--bcher-kva.example", "b\u00fccher.example", "evil.com", "x.a.b.c", "a.b.c", "127.0.0.1", "m\u00fcnchen.de",
        "x.xn--mnchen-3ya.de", "example.com.", "[::1", "0x7f.0.0.1"};
    private static final String[] PORTS = {"", "", "", "", "", "", ":443", ":80", ":8443", ":3000", ":8080", ":8082",
        ":0443", ":65536", ":99999", ":", ":3000x", ":-1", ":0", ":+443", ":\uff14\uff14\uff13", ": 443"};
    private static final String[] JUNK = {"\r", "\n", "\r\n", "\u0000", " ", "\t", "\u00e9", "\u3002", "\uff0e", "/",
        "@", "#", "?", "\\", "%2e", ".", "*", ",", "\u007f", "\u00ff", "\u0085", "\u2028"};
    private static final String[] SCHEMES = {"https://", "https://", "https://", "https://", "http://", "HTTPS://",
        "https:/", "https:///", "ftp://", "ws://", "javascript://", "file://", "//", "https:\\\\"};

    private CorsFuzz() {
    }

    /** The seed of case {@code i} of a run with base seed {@code base}; case 0's seed is the base itself. */
    public static long caseSeed(long base, int i) {
        return base + i * 0x9E37_79B9_7F4A_7C15L;
    }

    /** {@code corsguard.fuzz.seed} (decimal or 0x hex), else {@link #DEFAULT_SEED}. */
    public static long baseSeed() {
        String s = System.getProperty("corsguard.fuzz.seed");
        if (s == null || s.isBlank()) {
            return DEFAULT_SEED;
        }
        s = s.trim();
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /** {@code corsguard.fuzz.cases} when set (the nightly size), else {@code ciDefault}. */
    public static int cases(int ciDefault) {
        String s = System.getProperty("corsguard.fuzz.cases");
        return s == null || s.isBlank() ? ciDefault : Integer.parseInt(s.trim());
    }

    /** A random allowlist and policy keys. */
    public static FuzzSettings settings(Random r) {
        List<Entry> entries = new ArrayList<>();
        for (Entry e : POOL) {
            if (r.nextInt(3) == 0) {
                entries.add(e);
            }
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            // generated entries, so no fixed list is all the allowlist ever holds
            String scheme = r.nextInt(4) == 0 ? "http" : "https";
            String host = label(r) + (r.nextBoolean() ? "." + label(r) : "") + ".test";
            boolean pattern = r.nextInt(3) == 0;
            int port = r.nextBoolean() ? (scheme.equals("https") ? 443 : 80) : 1024 + r.nextInt(60000);
            boolean writePort = port != (scheme.equals("https") ? 443 : 80) || r.nextInt(4) == 0;
            String raw = scheme + "://" + (pattern ? "*." : "") + host + (writePort ? ":" + port : "");
            entries.add(new Entry(r.nextInt(5) == 0 ? raw.toUpperCase(Locale.ROOT) : raw, scheme, host, port, pattern));
        }
        if (r.nextBoolean()) {
            entries.add(POOL.get(0));
        }
        return new FuzzSettings(entries, r.nextInt(5) == 0, r.nextBoolean(),
            r.nextBoolean() ? List.of() : List.of("GET", "PUT"),
            r.nextBoolean() ? List.of() : List.of("X-Token", "Content-Type"),
            r.nextBoolean() ? List.of() : List.of("X-Total"));
    }

    /** The case of one seed. */
    public static FuzzCase next(long seed, FuzzSettings settings, Target target) {
        Random r = new Random(seed);
        String origin = origin(r, settings.entries(), target);
        boolean preflight = r.nextBoolean();
        String method = preflight ? "OPTIONS" : pick(r, "GET", "GET", "POST", "PUT", "OPTIONS");
        String requestMethod = preflight || r.nextInt(4) == 0 ? pick(r, "PUT", "PATCH", "patch", "GET", "DELETE", "POST", "") : null;
        String requestHeaders = r.nextBoolean() ? null
            : pick(r, "X-Token, Authorization", "x-token", "", "Content-Type", "X-Token,X-Other", "X-A\r\nX-B: c");
        if (target == Target.WIRE && requestHeaders != null && requestHeaders.indexOf('\r') >= 0) {
            requestHeaders = "X-A, X-B";
        }
        boolean credentialsHint = r.nextBoolean();
        int status = r.nextInt(4) == 0 ? pick(r, 401, 403, 404, 500, 302) : pick(r, 200, 204);
        return new FuzzCase(seed, origin, method, requestMethod, requestHeaders, credentialsHint, status, lines(r, origin, target));
    }

    private static String origin(Random r, List<Entry> entries, Target target) {
        String s = rawOrigin(r, entries);
        if (target == Target.POLICY) {
            return s;
        }
        // over HTTP/1.1 a CR or LF would end the header; what the server decodes is ISO-8859-1 of the
        // bytes, so characters beyond Latin-1 arrive as their UTF-8 bytes (invalid UTF-8 included)
        s = s.replace("\r", "").replace("\n", "");
        if (s.length() > 3000) {
            s = s.substring(0, 1025 + r.nextInt(1900));
        }
        s = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return s.replaceAll("^[ \t]+|[ \t]+$", "");
    }

    private static String rawOrigin(Random r, List<Entry> entries) {
        if (!entries.isEmpty() && r.nextInt(3) == 0) {
            // a clean origin an entry trusts, so the trusted-origin invariants get exercised
            Entry e = entries.get(r.nextInt(entries.size()));
            return e.scheme() + "://" + (e.pattern() ? pick(r, "a.", "x.y.", "A.", "www.") : "") + e.host()
                + (e.defaultPort() && r.nextInt(4) > 0 ? "" : ":" + e.port());
        }
        switch (r.nextInt(24)) {
            case 0:
                return pick(r, "null", "Null", "NULL", " null", "null\u0000");
            case 1:
                return "";
            case 2:
                return "https://trusted.com, https://evil.com";
            case 3:
                return "https://" + "a".repeat(1000 + r.nextInt(8000)) + ".com";
            case 4:
                return "x".repeat(8192);
            case 5: {
                // invalid UTF-8 (a lone continuation byte, a truncated sequence) as ISO-8859-1 decodes it
                byte[] bad = {(byte) 0x80, (byte) 0xc3, (byte) 0xe2, (byte) 0x82, (byte) 0xff};
                String host = entries.isEmpty() ? "trusted.com" : entries.get(r.nextInt(entries.size())).host();
                String junk = new String(new byte[] {bad[r.nextInt(bad.length)]}, StandardCharsets.ISO_8859_1);
                return "https://" + host.substring(0, host.length() / 2) + junk + host.substring(host.length() / 2);
            }
            default:
                break;
        }
        String host = !entries.isEmpty() && r.nextBoolean() ? entries.get(r.nextInt(entries.size())).host()
            : HOSTS[r.nextInt(HOSTS.length)];
        if (r.nextInt(3) == 0 && !host.startsWith("[")) {
            host = pick(r, "a.", "evil.", "www.", "") + host;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(r.nextInt(4) == 0 ? SCHEMES[r.nextInt(SCHEMES.length)] : "https://");
        switch (r.nextInt(16)) {
            case 0:
                host = "evil" + host;
                break;
            case 1:
                host = host + pick(r, ".evil.net", ".evil.net.", "evil.net", "%2eevil.net");
                break;
            case 2:
                // an unescaped regex dot: www.example.com vs wwwXexample.com
                host = host.replaceFirst("\\.", pick(r, "X", "-", "_", ""));
                break;
            case 3:
                host = pick(r, "user@", "user:pass@", "trusted.com@") + host;
                break;
            case 4:
                host = host.replace('.', '\u3002');
                break;
            default:
                break;
        }
        sb.append(host).append(PORTS[r.nextInt(PORTS.length)]);
        switch (r.nextInt(14)) {
            case 0:
                sb.append('/');
                break;
            case 1:
                sb.append("@evil.net");
                break;
            case 2:
            case 3:
                sb.insert(r.nextInt(sb.length() + 1), JUNK[r.nextInt(JUNK.length)]);
                break;
            case 4:
                sb.append(pick(r, "/path?q#f", "?", "#", "/..", "%00", ".evil.net"));
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
            s = pick(r, " ", "\t", "") + s + pick(r, "  ", "\t", "");
        }
        return s;
    }

    private static List<String[]> lines(Random r, String origin, Target target) {
        int n = r.nextInt(9);
        List<String[]> out = new ArrayList<>(n);
        String trimmed = origin.replaceAll("^[ \t]+|[ \t]+$", "");
        for (int i = 0; i < n; i++) {
            String name;
            String value;
            switch (r.nextInt(8)) {
                case 0:
                case 1:
                    name = "Access-Control-Allow-Origin";
                    value = pick(r, trimmed, trimmed, trimmed, "*", "null", "https://trusted.com", "https://other.com",
                        trimmed + ", *", "* " + trimmed, trimmed + "/", trimmed.toUpperCase(Locale.ROOT), "", origin);
                    break;
                case 2:
                case 3:
                    name = "Access-Control-Allow-Credentials";
                    value = pick(r, "true", "true", "true", "True", "TRUE", "false", "", "true, true", "1", " true ", "yes");
                    break;
                case 4:
                    name = pick(r, "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers");
                    value = pick(r, "*", "GET, *", "PUT", "x-token, *", "X-Token", "*, *", "GET,PUT,PATCH", "");
                    break;
                case 5:
                    name = "Vary";
                    value = pick(r, "Origin", "Accept-Encoding", "*", "origin, cookie", "", "Cookie,", "Accept, Origin");
                    break;
                case 6:
                    name = "Access-Control-Allow-Private-Network";
                    value = pick(r, "true", "false", "TRUE");
                    break;
                default:
                    name = "Access-Control-Max-Age";
                    value = pick(r, "600", "-1", "");
                    break;
            }
            if (target == Target.POLICY && r.nextInt(40) == 0) {
                // an app that echoes request bytes into a header: the agent must not copy a CR/LF into one of its own
                value = value + pick(r, "\r\nSet-Cookie: x=1", "\n", "\u0000");
            }
            if (target == Target.WIRE) {
                // a field value carries no surrounding whitespace (RFC 9110 5.5); Netty's header API refuses it
                value = value.trim();
            }
            out.add(new String[] {randomCase(r, name), value});
        }
        if (target == Target.WIRE) {
            // servers refuse heads beyond ~8 KB with or without the agent: keep well below
            int size = 0;
            for (int i = 0; i < out.size(); i++) {
                size += out.get(i)[1].length();
                if (size > 5000) {
                    out.subList(i, out.size()).clear();
                    break;
                }
            }
        }
        return out;
    }

    private static String label(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    private static String randomCase(Random r, String name) {
        switch (r.nextInt(5)) {
            case 0:
                return name.toLowerCase(Locale.ROOT);
            case 1:
                return name.toUpperCase(Locale.ROOT);
            case 2: {
                char[] cs = name.toCharArray();
                for (int i = 0; i < cs.length; i++) {
                    cs[i] = r.nextBoolean() ? Character.toUpperCase(cs[i]) : Character.toLowerCase(cs[i]);
                }
                return new String(cs);
            }
            default:
                return name;
        }
    }

    static String pick(Random r, String... values) {
        return values[r.nextInt(values.length)];
    }

    static int pick(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }
}
