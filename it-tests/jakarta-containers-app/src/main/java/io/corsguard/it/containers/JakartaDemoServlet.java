package io.corsguard.it.containers;

import io.corsguard.demo.DemoEndpoints;
import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The demo API as a plain jakarta servlet: each endpoint's lines written with addHeader, as the demo's Tomcat servlet does. */
public final class JakartaDemoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.getMethod(), req.getRequestURI(), req.getHeader("Origin"),
            req.getHeader("Access-Control-Request-Method"), req.getHeader("Access-Control-Request-Headers"), req.getHeader("Cookie")));
        resp.setStatus(answer.status);
        for (String[] h : answer.headers) {
            resp.addHeader(h[0], h[1]);
        }
        if (answer.status == 204) {
            return; // Jetty 12 answers a 204 with a Content-Length by a 500
        }
        byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
    }
}
