package io.corsguard.demo;

import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** The demo API on an embedded Tomcat (jakarta.servlet), headers written through the servlet API. */
public final class TomcatDemoServer {
    private final Tomcat tomcat = new Tomcat();
    private final Connector connector;

    public TomcatDemoServer(int port) throws IOException {
        File base = Files.createTempDirectory("corsguard-demo-tomcat").toFile();
        base.deleteOnExit();
        tomcat.setBaseDir(base.getAbsolutePath());
        connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(ctx, "demo", new DemoServlet());
        ctx.addServletMappingDecoded("/*", "demo");
    }

    public int start() throws LifecycleException {
        tomcat.start();
        return connector.getLocalPort();
    }

    public void stop() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException ignored) {
            // shutting down anyway
        }
    }

    /** Writes each endpoint's answer with addHeader, keeping order and duplicate lines. */
    static final class DemoServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getRequestURI();
            DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.getMethod(), path, req.getHeader("Origin"),
                req.getHeader("Access-Control-Request-Method"), req.getHeader("Access-Control-Request-Headers"),
                req.getHeader("Cookie")));
            resp.setStatus(answer.status);
            for (String[] h : answer.headers) {
                resp.addHeader(h[0], h[1]);
            }
            if (req.getParameter("login") != null) {
                resp.addHeader("Set-Cookie", DemoEndpoints.LOGIN_COOKIE);
            }
            byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            if (!"HEAD".equals(req.getMethod()) && answer.status != 204) {
                resp.getOutputStream().write(body);
            }
        }
    }
}
