package io.corsguard.config;

import io.corsguard.policy.OriginAllowlist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes the configuration-time warnings CG101-CG104 of cors-rules.md from a parsed allowlist.
 * The suffix lists are small built-in excerpts, not the Public Suffix List: they catch the common
 * mistakes, and a host missing from them merely goes unwarned.
 */
final class AllowlistWarnings {

    /**
     * Multi-label public suffixes (ICANN section of the PSL, the common ones). Every single-label
     * host ({@code com}, {@code io}, {@code de}, ...) is treated as a public suffix anyway. Hosting
     * platforms ({@code github.io}, ...) are deliberately not here: they get CG104, which names the
     * actual risk.
     */
    static final Set<String> PUBLIC_SUFFIXES = Collections.unmodifiableSet(new HashSet<String>(Arrays.asList(
            "co.uk", "org.uk", "me.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "net.uk", "nhs.uk", "sch.uk",
            "com.au", "net.au", "org.au", "edu.au", "gov.au", "id.au",
            "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
            "co.nz", "net.nz", "org.nz", "govt.nz",
            "co.za", "org.za", "gov.za",
            "co.in", "net.in", "org.in", "gov.in", "ac.in",
            "co.kr", "or.kr", "go.kr",
            "co.il", "org.il", "ac.il",
            "co.id", "or.id", "go.id",
            "co.th", "in.th", "go.th",
            "com.br", "net.br", "org.br", "gov.br",
            "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
            "com.mx", "org.mx", "gob.mx",
            "com.ar", "com.tr", "com.tw", "com.hk", "com.sg", "com.my", "com.ph", "com.vn", "com.pk",
            "com.sa", "com.eg", "com.ng", "com.co", "com.pe", "com.ua", "com.pl", "com.es", "com.gr",
            "co.ke", "co.at", "or.at", "com.ru", "org.ru", "net.ru", "eu.org")));

    /**
     * Hosts where anyone can publish pages (the private section of the PSL, the common ones): a
     * page there runs script in its own origin, so trusting the host trusts strangers.
     */
    static final List<String> OPEN_HOSTING = Collections.unmodifiableList(Arrays.asList(
            "github.io", "gitlab.io", "bitbucket.io", "github.dev", "githubpreview.dev",
            "herokuapp.com", "herokudns.com", "codepen.io", "cdpn.io", "jsfiddle.net", "jshell.net",
            "jsbin.com", "plnkr.co", "codesandbox.io", "csb.app", "stackblitz.io", "webcontainer.io",
            "vercel.app", "now.sh", "netlify.app", "netlify.com", "pages.dev", "workers.dev",
            "glitch.me", "repl.co", "replit.dev", "replit.app", "web.app", "firebaseapp.com",
            "appspot.com", "azurewebsites.net", "azurestaticapps.net", "cloudfront.net",
            "s3.amazonaws.com", "blogspot.com", "wordpress.com", "wixsite.com", "weebly.com",
            "surge.sh", "ngrok.io", "ngrok.app", "ngrok-free.app", "ngrok-free.dev", "loca.lt",
            "trycloudflare.com", "onrender.com", "fly.dev", "railway.app", "deno.dev", "gitpod.io",
            "pythonanywhere.com"));

    private AllowlistWarnings() {
    }

    static List<ConfigWarning> compute(OriginAllowlist allowlist, boolean allowNullOrigin) {
        List<ConfigWarning> out = new ArrayList<ConfigWarning>();
        for (OriginAllowlist.Entry e : allowlist.entries()) {
            String host = e.host();
            if ("http".equals(e.scheme()) && !isLoopback(host)) {
                out.add(new ConfigWarning("CG101", e.original(),
                        "credentials go to a cleartext http origin: a network attacker can inject script there"
                                + " and read the users' data (use https)"));
            }
            if (e.pattern() && isPublicSuffix(host)) {
                out.add(new ConfigWarning("CG103", e.original(),
                        "the pattern trusts every site under the public suffix " + host
                                + ": anyone can register one and read the users' data"));
                continue;
            }
            String platform = openHosting(host, e.pattern());
            if (platform != null) {
                out.add(new ConfigWarning("CG104", e.original(), e.pattern()
                        ? "anyone can publish pages under " + platform + ": every one of them can read the users' data"
                        : platform + " hosts pages anyone can publish: if this name is ever released, whoever takes"
                                + " it can read the users' data"));
            }
        }
        if (allowNullOrigin) {
            out.add(new ConfigWarning("CG102", "null",
                    "sandboxed iframes, data: and file: pages send Origin null: any site can get credentialed"
                            + " reads through them"));
        }
        return out;
    }

    /** {@code localhost} (and its subdomains, which browsers resolve to loopback), 127.0.0.0/8, ::1. */
    static boolean isLoopback(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3) {
                return false;
            }
            for (int i = 0; i < o.length(); i++) {
                if (o.charAt(i) < '0' || o.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A single label other than {@code localhost}, or a listed multi-label suffix. */
    static boolean isPublicSuffix(String host) {
        if (host.indexOf('.') < 0 && host.indexOf(':') < 0) {
            return !host.equals("localhost");
        }
        return PUBLIC_SUFFIXES.contains(host);
    }

    /**
     * @return the open-hosting domain {@code host} is on or under; for a pattern also one it
     *         covers (a pattern on {@code amazonaws.com} covers S3 buckets), or null
     */
    static String openHosting(String host, boolean pattern) {
        for (String p : OPEN_HOSTING) {
            if (host.equals(p) || host.endsWith("." + p) || (pattern && p.endsWith("." + host))) {
                return p;
            }
        }
        // S3 also serves buckets on regional names: bucket.s3.eu-west-1.amazonaws.com,
        // bucket.s3-website-us-east-1.amazonaws.com
        if (host.endsWith(".amazonaws.com")) {
            for (String label : host.split("\\.")) {
                if (label.equals("s3") || label.startsWith("s3-")) {
                    return "s3.amazonaws.com";
                }
            }
        }
        return null;
    }
}
