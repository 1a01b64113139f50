package io.corsguard.it.containers;

import io.corsguard.demo.DemoEndpoints;
import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The demo API as a plain javax servlet: each endpoint's lines written with addHeader, as the demo's Tomcat servlet does. */
public final class JavaxDemoServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.getMethod(), req.getRequestURI(), req.getHeader("Origin"),
            req.getHeader("Access-Control-Request-Method"), req.getHeader("Access-Control-Request-Headers"), req.getHeader("Cookie")));
        resp.setStatus(answer.status);
        for (String[] h : answer.headers) {
            resp.addHeader(h[0], h[1]);
        }
        if (answer.status == 204) {
            return; // as in the jakarta twin: no Content-Length on a 204
        }
        byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
    }
}
