package io.corsguard.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's API, shared by every server: each endpoint makes one real-world CORS mistake (or gets
 * it right). Pure Java, so the Tomcat, Netty and test servers answer byte-for-byte alike.
 */
public final class DemoEndpoints {

    /** The origin the demo's own code trusts where it checks at all (the CorsGuard allowlist agrees). */
    public static final String APP_ORIGIN = "https://app.example.com";

    /** One endpoint: the mistake it makes and how it answers. */
    public interface Endpoint {
        DemoResponse answer(DemoRequest request);
    }

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
            if (APP_ORIGIN.equals(r.origin)) {
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
            if ("null".equals(r.origin) || APP_ORIGIN.equals(r.origin)) {
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
            if (APP_ORIGIN.equals(r.origin)) {
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

    /** Echo the origin only when the app's own check says so (Vary: Origin included). */
    private static DemoResponse trustedOnly(DemoRequest r, DemoResponse res) {
        if (APP_ORIGIN.equals(r.origin)) {
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
                return e.answer(request);
            }
        }
        return DemoResponse.status(404);
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
