package io.corsguard.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the demo API on Tomcat and on Netty. By default it then drives every endpoint once over
 * real sockets, as a browser and a scanner would (trusted, untrusted and {@code null} origins,
 * simple requests and preflights), prints what each response carried, and exits. With
 * {@code --serve} it keeps running for curl or a browser, and also serves the browser page
 * ({@link DemoPageServer}) that runs credentialed fetches against both APIs.
 */
public final class DemoMain {
    static final String UNTRUSTED = "https://evil.example";
    static final String[] ORIGINS = {DemoEndpoints.APP_ORIGIN, UNTRUSTED, "null"};

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean serve = false;
        int servletPort = -1;
        int nettyPort = -1;
        int pagePort = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve": serve = true; break;
                case "--servlet-port": servletPort = Integer.parseInt(args[++i]); break;
                case "--netty-port": nettyPort = Integer.parseInt(args[++i]); break;
                case "--page-port": pagePort = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("usage: demo-app.jar [--serve] [--servlet-port N] [--netty-port N] [--page-port N]");
                    System.exit(2);
            }
        }
        if (pagePort < 0) {
            // the README's 8082 (in the demo allowlist) with the README's ports; tests that pick
            // their own API ports get a free page port and never collide on 8082
            pagePort = servletPort < 0 ? 8082 : 0;
        }
        // drive-once mode takes free ports so it never collides with anything already running
        if (servletPort < 0) {
            servletPort = serve ? 8080 : 0;
        }
        if (nettyPort < 0) {
            nettyPort = serve ? 8081 : 0;
        }
        TomcatDemoServer tomcat = new TomcatDemoServer(servletPort);
        NettyDemoServer netty = new NettyDemoServer(nettyPort);
        int sp = tomcat.start();
        int np = netty.start();
        System.out.println("demo servlet (Tomcat) on http://127.0.0.1:" + sp + "/api/..., netty on http://127.0.0.1:" + np + "/api/...");
        if (serve) {
            DemoPageServer page = new DemoPageServer(pagePort, sp, np);
            int pp = page.start();
            System.out.println("browser page on " + DemoPageServer.trustedOrigin(pp) + "/ (the app's origin, trusted) and http://127.0.0.1:"
                + pp + "/ (another site, untrusted): open the first one first, it logs in");
            System.out.println("READY servlet=" + sp + " netty=" + np + " page=" + pp);
            System.out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                page.stop();
                netty.stop();
                tomcat.stop();
            }));
            Thread.currentThread().join();
            return;
        }
        System.out.println("READY servlet=" + sp + " netty=" + np);
        System.out.flush();
        try {
            List<String> rows = new ArrayList<>();
            drive("servlet", sp, rows);
            drive("netty", np, rows);
            Thread.sleep(200); // let the agent's report lines (stderr) come out before the table
            System.out.println();
            System.out.println("What each response carried (CORS headers as received by the client):");
            System.out.printf("%-8s %-21s %-8s %-33s %s%n", "server", "endpoint", "request", "origin", "response");
            for (String row : rows) {
                System.out.println(row);
            }
        } finally {
            netty.stop();
            tomcat.stop();
        }
    }

    /** Endpoints the driver sends a preflight to; the others get a credentialed GET. */
    static boolean preflightEndpoint(String name) {
        return name.startsWith("preflight-") || name.equals("private-network");
    }

    static void drive(String server, int port, List<String> rows) throws IOException {
        for (String name : DemoEndpoints.names()) {
            for (String origin : ORIGINS) {
                RawHttp.Head head;
                String kind;
                if (preflightEndpoint(name)) {
                    kind = "OPTIONS";
                    head = RawHttp.send("127.0.0.1", port, "OPTIONS", "/api/" + name, "Origin: " + origin,
                        "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type,x-token");
                } else {
                    kind = "GET";
                    head = RawHttp.send("127.0.0.1", port, "GET", "/api/" + name, "Origin: " + origin, "Cookie: session=demo");
                }
                rows.add(String.format("%-8s %-21s %-8s %-33s %d %s", server, name, kind, label(origin), head.status(), cors(head)));
            }
        }
    }

    private static String label(String origin) {
        return origin.equals(DemoEndpoints.APP_ORIGIN) ? origin + " (trusted)" : origin;
    }

    private static String cors(RawHttp.Head head) {
        StringBuilder sb = new StringBuilder();
        for (String line : head.lines) {
            String lower = line.toLowerCase();
            if (lower.startsWith("access-control-") || lower.startsWith("vary:")) {
                sb.append(sb.length() == 0 ? "" : " | ").append(line.replace("Access-Control-", "AC-"));
            }
        }
        return sb.length() == 0 ? "(no CORS headers)" : sb.toString();
    }
}
