package io.corsguard.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The demo's API, shared by every server: each endpoint makes one real-world CORS mistake (or gets
 * it right). Pure Java, so the Tomcat, Netty and test servers answer byte-for-byte alike.
 */
public final class DemoEndpoints {

    /** The origin the demo's own code trusts where it checks at all (the CorsGuard allowlist agrees); see also {@link #addAppOrigin}. */
    public static final String APP_ORIGIN = "https://app.example.com";

    /** The session cookie's name and value. */
    static final String SESSION_COOKIE = "session=demo";

    /**
     * The {@code Set-Cookie} value of a request with a {@code login} query parameter. {@code SameSite=None;
     * Secure}: an API that serves credentialed CORS to a frontend on another site needs it, and so
     * the cookie goes along with requests from any other site too (Chromium accepts {@code Secure}
     * over plain http on loopback hosts, see README "In a real browser").
     */
    public static final String LOGIN_COOKIE = SESSION_COOKIE + "; Path=/; HttpOnly; SameSite=None; Secure";

    /** One endpoint: the mistake it makes and how it answers. */
    public interface Endpoint {
        DemoResponse answer(DemoRequest request);
    }

    /** Origins the app's own checks accept: {@link #APP_ORIGIN}, plus the browser page's origin when it is served. */
    private static final Set<String> APP_ORIGINS = new CopyOnWriteArraySet<>(Collections.singleton(APP_ORIGIN));

    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();
    private static final Map<String, Endpoint> ENDPOINTS = new LinkedHashMap<>();

    static {
        add("reflect", "reflects any Origin with credentials, no Vary (CG003, CG007)", r -> {
            DemoResponse res = DemoResponse.ok();
            if (r.origin != null) {
                res.header("Access-Control-Allow-Origin", r.origin).header("Access-Control-Allow-Credentials", "true");
            }
            return preflightOr(r, res, "GET, POST, PUT");
        });
        add("wildcard-credentials", "'*' with credentials (CG002)", r -> DemoResponse.ok()
            .header("Access-Control-Allow-Origin", "*").header("Access-Control-Allow-Credentials", "true"));
        add("acac-uppercase", "Access-Control-Allow-Credentials: True (CG001)", r -> trustedOnly(r, DemoResponse.ok())
            .header("Access-Control-Allow-Credentials", "True"));
        add("static-mismatch", "a fixed ACAO with a trailing slash (CG005)", r -> DemoResponse.ok()
            .header("Access-Control-Allow-Origin", APP_ORIGIN + "/").header("Access-Control-Allow-Credentials", "true")
            .header("Vary", "Origin"));
        add("duplicate-acao", "two Access-Control-Allow-Origin lines (CG006)", r -> DemoResponse.ok()
            .header("Access-Control-Allow-Origin", APP_ORIGIN).header("Access-Control-Allow-Origin", "https://other.example.com")
            .header("Access-Control-Allow-Credentials", "true"));
        add("no-vary", "trusted origin reflected without Vary: Origin, app keeps Vary: Accept-Encoding (CG007)", r -> {
            DemoResponse res = DemoResponse.ok().header("Vary", "Accept-Encoding");
            if (appTrusts(r.origin)) {
                res.header("Access-Control-Allow-Origin", r.origin).header("Access-Control-Allow-Credentials", "true");
            }
            return res;
        });
        add("preflight-wildcards", "preflight with '*' methods and headers and credentials (CG008, CG009)", r -> {
            DemoResponse res = DemoResponse.ok();
            if (r.origin != null) {
                res.header("Access-Control-Allow-Origin", r.origin).header("Access-Control-Allow-Credentials", "true")
                    .header("Vary", "Origin");
            }
            if (r.preflight()) {
                res.status = 204;
                res.header("Access-Control-Allow-Methods", "*").header("Access-Control-Allow-Headers", "*");
            }
            return res;
        });
        add("null-origin", "accepts the 'null' origin with credentials (CG004)", r -> {
            DemoResponse res = DemoResponse.ok();
            if ("null".equals(r.origin) || appTrusts(r.origin)) {
                res.header("Access-Control-Allow-Origin", r.origin).header("Access-Control-Allow-Credentials", "true")
                    .header("Vary", "Origin");
            }
            return res;
        });
        add("private-network", "Access-Control-Allow-Private-Network to anyone (CG014)", r -> {
            DemoResponse res = DemoResponse.ok().header("Access-Control-Allow-Origin", "*");
            if (r.preflight()) {
                res.status = 204;
                res.header("Access-Control-Allow-Methods", "GET").header("Access-Control-Allow-Private-Network", "true");
            }
            return res;
        });
        add("expose-wildcard", "Access-Control-Expose-Headers: * with credentials (CG010)", r -> trustedOnly(r, DemoResponse.ok())
            .header("Access-Control-Allow-Credentials", "true").header("Access-Control-Expose-Headers", "*"));
        add("acac-only", "Access-Control-Allow-Credentials without an origin (CG013)", r -> DemoResponse.ok()
            .header("Access-Control-Allow-Credentials", "true"));
        add("preflight-auth", "an auth filter answers the preflight with 401 (CG012)", r -> {
            if (r.preflight() || r.cookie == null) {
                return DemoResponse.status(401).header("WWW-Authenticate", "Bearer");
            }
            return trustedOnly(r, DemoResponse.ok()).header("Access-Control-Allow-Credentials", "true");
        });
        add("no-credentials", "allows the origin but forgets Access-Control-Allow-Credentials (CG011)", r -> {
            DemoResponse res = trustedOnly(r, DemoResponse.ok());
            return preflightOr(r, res, "GET, PUT");
        });
        add("preflight-method", "preflight does not list the requested method (CG015)", r -> {
            DemoResponse res = trustedOnly(r, DemoResponse.ok()).header("Access-Control-Allow-Credentials", "true");
            if (r.preflight()) {
                res.status = 204;
                res.header("Access-Control-Allow-Methods", "GET, POST").header("Access-Control-Allow-Headers", "Content-Type, X-Token");
            }
            return res;
        });
        add("preflight-headers", "preflight does not list a requested header (CG016)", r -> {
            DemoResponse res = trustedOnly(r, DemoResponse.ok()).header("Access-Control-Allow-Credentials", "true");
            if (r.preflight()) {
                res.status = 204;
                res.header("Access-Control-Allow-Methods", "GET, PUT").header("Access-Control-Allow-Headers", "Content-Type");
            }
            return res;
        });
        add("correct", "right: checks its allowlist, credentials, Vary: Origin, full preflight", r -> {
            DemoResponse res = DemoResponse.ok().header("Vary", "Origin");
            if (appTrusts(r.origin)) {
                res.header("Access-Control-Allow-Origin", r.origin).header("Access-Control-Allow-Credentials", "true");
                if (r.preflight()) {
                    res.status = 204;
                    res.header("Access-Control-Allow-Methods", "GET, PUT")
                        .header("Access-Control-Allow-Headers", "Content-Type, X-Token")
                        .header("Access-Control-Max-Age", "600");
                }
            }
            return res;
        });
        add("public", "right: a public resource, '*' without credentials", r -> DemoResponse.ok()
            .header("Access-Control-Allow-Origin", "*"));
    }

    private DemoEndpoints() {
    }

    private static void add(String name, String description, Endpoint endpoint) {
        DESCRIPTIONS.put(name, description);
        ENDPOINTS.put(name, endpoint);
    }

    /**
     * Adds an origin the app's own checks accept from now on: the demo's browser page
     * ({@code http://localhost:8082}), which is the app's frontend as {@link #APP_ORIGIN} is.
     */
    public static void addAppOrigin(String origin) {
        APP_ORIGINS.add(origin);
    }

    /** The app's own (exact, case-sensitive) origin check, as the endpoints that check at all do it. */
    static boolean appTrusts(String origin) {
        return origin != null && APP_ORIGINS.contains(origin);
    }

    /** Echo the origin only when the app's own check says so (Vary: Origin included). */
    private static DemoResponse trustedOnly(DemoRequest r, DemoResponse res) {
        if (appTrusts(r.origin)) {
            res.header("Access-Control-Allow-Origin", r.origin).header("Vary", "Origin");
        }
        return res;
    }

    private static DemoResponse preflightOr(DemoRequest r, DemoResponse res, String methods) {
        if (r.preflight()) {
            res.status = 204;
            res.header("Access-Control-Allow-Methods", methods);
            if (r.requestHeaders != null) {
                res.header("Access-Control-Allow-Headers", r.requestHeaders);
            }
        }
        return res;
    }

    /** Endpoint names in display order. */
    public static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(ENDPOINTS.keySet()));
    }

    public static String description(String name) {
        return DESCRIPTIONS.get(name);
    }

    /** Answers {@code /api/<name>}; anything else is a 404 without CORS headers. */
    public static DemoResponse answer(DemoRequest request) {
        String path = request.path;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.startsWith("/api/")) {
            Endpoint e = ENDPOINTS.get(path.substring("/api/".length()));
            if (e != null) {
                DemoResponse res = e.answer(request);
                if (res.status == 200) {
                    // what a browser page can read back: whether the user's session cookie came along
                    res.body = "{\"ok\":true,\"session\":" + hasSession(request.cookie) + "}\n";
                }
                return res;
            }
        }
        return DemoResponse.status(404);
    }

    /** The cookie {@code ?login} sets: {@code session=demo}, among any others in the Cookie header. */
    static boolean hasSession(String cookieHeader) {
        if (cookieHeader == null) {
            return false;
        }
        for (String pair : cookieHeader.split(";")) {
            if (pair.trim().equals(SESSION_COOKIE)) {
                return true;
            }
        }
        return false;
    }

    /** What a request carried that the endpoints care about. */
    public static final class DemoRequest {
        public final String method;
        public final String path;
        public final String origin;
        public final String requestMethod;
        public final String requestHeaders;
        public final String cookie;

        public DemoRequest(String method, String path, String origin, String requestMethod, String requestHeaders, String cookie) {
            this.method = method;
            this.path = path;
            this.origin = origin;
            this.requestMethod = requestMethod;
            this.requestHeaders = requestHeaders;
            this.cookie = cookie;
        }

        boolean preflight() {
            return "OPTIONS".equals(method) && requestMethod != null;
        }
    }

    /** Status and header lines (order and duplicates as the app writes them). */
    public static final class DemoResponse {
        public int status;
        public final List<String[]> headers = new ArrayList<>();
        public String body = "{\"ok\":true}\n";

        static DemoResponse ok() {
            return status(200);
        }

        static DemoResponse status(int status) {
            DemoResponse r = new DemoResponse();
            r.status = status;
            if (status != 200) {
                r.body = "{\"status\":" + status + "}\n";
            }
            return r;
        }

        DemoResponse header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(status);
            for (String[] h : headers) {
                sb.append(" | ").append(h[0]).append(": ").append(h[1]);
            }
            return sb.toString();
        }
    }
}
