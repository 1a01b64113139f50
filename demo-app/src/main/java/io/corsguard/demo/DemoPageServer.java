package io.corsguard.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Serves the browser page (index.html + page.js) that runs credentialed fetches against the demo
 * APIs and shows what the browser did. One port, two origins: {@code http://localhost:<port>} is
 * the app's own frontend (trusted by the app and by the demo allowlist), {@code http://127.0.0.1:<port>}
 * the same page on another site, trusted by nobody. The JDK's own HTTP server: the agent does not
 * instrument it, and it answers requests without an {@code Origin} anyway.
 */
public final class DemoPageServer {
    private static final String AGENT_MBEAN = "io.corsguard:type=CorsGuard";

    private final HttpServer server;
    private final int servletPort;
    private final int nettyPort;

    public DemoPageServer(int port, int servletPort, int nettyPort) throws IOException {
        this.servletPort = servletPort;
        this.nettyPort = nettyPort;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
    }

    /** Starts serving; returns the bound port and makes {@code http://localhost:<port>} an app origin. */
    public int start() {
        server.start();
        int port = server.getAddress().getPort();
        DemoEndpoints.addAppOrigin(trustedOrigin(port));
        return port;
    }

    public void stop() {
        server.stop(0);
    }

    static String trustedOrigin(int port) {
        return "http://localhost:" + port;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "GET only\n");
            } else if (path.equals("/") || path.equals("/index.html")) {
                String html = resource("index.html").replace("/*CONFIG*/null", config(ex.getLocalAddress().getPort()));
                send(ex, 200, "text/html; charset=utf-8", html);
            } else if (path.equals("/page.js")) {
                send(ex, 200, "text/javascript; charset=utf-8", resource("page.js"));
            } else {
                send(ex, 404, "text/plain", "not found\n");
            }
        } finally {
            ex.close();
        }
    }

    /** What the page needs to know: where the APIs are, which origin the app trusts, what the agent does. */
    private String config(int pagePort) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"servlet\":").append(json("http://localhost:" + servletPort)).append(',');
        sb.append("\"netty\":").append(json("http://localhost:" + nettyPort)).append(',');
        sb.append("\"trustedOrigin\":").append(json(trustedOrigin(pagePort))).append(',');
        sb.append("\"untrustedOrigin\":").append(json("http://127.0.0.1:" + pagePort)).append(',');
        String[] agent = agentState();
        sb.append("\"mode\":").append(json(agent[0])).append(',');
        sb.append("\"grantCredentials\":").append("true".equals(agent[1])).append(',');
        sb.append("\"endpoints\":[");
        boolean first = true;
        for (String name : DemoEndpoints.names()) {
            sb.append(first ? "" : ",").append("{\"name\":").append(json(name))
                .append(",\"description\":").append(json(DemoEndpoints.description(name))).append('}');
            first = false;
        }
        return sb.append("]}").toString();
    }

    /**
     * The agent's mode and {@code grant-credentials}, read from its MBean in this JVM on every page
     * load (so a reconfiguring attach shows up): {@code none} without the agent.
     */
    static String[] agentState() {
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(AGENT_MBEAN);
            if (!mbs.isRegistered(name)) {
                return new String[] {"none", "false"};
            }
            Object effective = mbs.getAttribute(name, "EffectiveConfig");
            Object grant = effective instanceof Map ? ((Map<?, ?>) effective).get("grant-credentials") : null;
            return new String[] {String.valueOf(mbs.getAttribute(name, "Mode")), String.valueOf(grant)};
        } catch (Exception e) {
            // jmx=false or an agent without the attribute: the page says it cannot tell
            return new String[] {"unknown", "false"};
        }
    }

    /** A JSON string literal, also safe inside an HTML script element. */
    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoPageServer.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IOException("missing resource page/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
